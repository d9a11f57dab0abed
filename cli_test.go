package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

// runCLI runs the CLI in-process and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), code
}

// relais runs the CLI on db and returns exit code, stdout, stderr.
func relais(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	out, errOut, code := runCLI(t, append([]string{"--db", db}, args...)...)
	return code, out, errOut
}

func TestCLI(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "relais.db")

	if code, out, _ := relais(t, db, "version"); code != 0 || !strings.HasPrefix(out, "relais ") {
		t.Fatalf("version: %d %q", code, out)
	}
	if code, _, errs := relais(t, db, "frobnicate"); code != 2 || !strings.Contains(errs, `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, errs)
	}
	if code, _, errs := relais(t, db, "search"); code != 2 || !strings.Contains(errs, "usage: relais") {
		t.Fatalf("search without text: %d %q", code, errs)
	}
	if code, _, errs := relais(t, db, "demo", "--scale", "0"); code != 2 || !strings.Contains(errs, "--scale") {
		t.Fatalf("bad scale: %d %q", code, errs)
	}

	code, out, errs := relais(t, db, "demo", "--seed", "7")
	if code != 0 || !strings.Contains(out, "contact        1500") {
		t.Fatalf("demo: %d %q %q", code, out, errs)
	}

	code, out, _ = relais(t, db, "search", "besancon")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) == 0 || len(strings.Split(lines[0], "\t")) != 3 || !strings.Contains(out, "Besançon") {
		t.Fatalf("search: %d %q", code, out)
	}

	code, out, _ = relais(t, db, "outbox")
	n, err := strconv.Atoi(strings.TrimSpace(out))
	if code != 0 || err != nil || n < 20000 {
		t.Fatalf("outbox: %d %q", code, out)
	}
	code, out, _ = relais(t, db, "outbox", "--list")
	if code != 0 || strings.Count(out, "\n") != n || !strings.Contains(out, "\tput\tteam_member\t") {
		t.Fatalf("outbox --list: %d lines for %d changes", strings.Count(out, "\n"), n)
	}

	backup := filepath.Join(dir, "copy.relais")
	if code, _, errs := relais(t, db, "backup", backup); code != 0 {
		t.Fatalf("backup: %q", errs)
	}
	if code, out, _ := relais(t, backup, "check"); code != 0 || !strings.HasSuffix(strings.TrimSpace(out), ": ok") {
		t.Fatalf("check of the backup: %q", out)
	}
	if code, _, errs := relais(t, db, "restore", backup); code != 0 {
		t.Fatalf("restore: %q", errs)
	}
	if code, _, errs := relais(t, db, "restore", filepath.Join(dir, "missing.relais")); code != 1 || strings.Contains(errs, "model:") || !strings.Contains(errs, "missing.relais") {
		t.Fatalf("restore of a missing file: %d %q", code, errs)
	}

	// A database from a newer Relais: one readable sentence, exit 1.
	raw, _ := sql.Open("sqlite3", db)
	raw.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', 'x')`)
	raw.Close()
	code, _, errs = relais(t, db, "check")
	if code != 1 || !strings.Contains(errs, "newer") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
		t.Fatalf("newer database: %d %q", code, errs)
	}
}

func TestHelpAndSentences(t *testing.T) {
	out, _, code := runCLI(t, "--help")
	if code != 0 || !strings.HasPrefix(out, "usage: relais") {
		t.Fatalf("--help: exit %d, %q", code, out)
	}
	for in, want := range map[string]string{
		"model: the disk is full":             "The disk is full.",
		"notes.csv: line 3: not a date":       "notes.csv: line 3: not a date.",
		"/tmp/x.db: no such file":             "/tmp/x.db: no such file.",
		"importer: read fake.vcf: not vCard.": "Read fake.vcf: not vCard.",
	} {
		if got := sentence(errors.New(in)); got != want {
			t.Errorf("sentence(%q) = %q, want %q", in, got, want)
		}
	}
}

// A file that cannot be written is named as the user gave it, not as the
// temporary file the write went through.
func TestWriteErrorNamesTheFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "r.db")
	for _, args := range [][]string{
		{"export", "contacts", "-o", "/nonexistent-dir/c.csv"},
		{"report", "monthly", "--month", "2026-10", "-o", "/nonexistent-dir/r.pdf"},
	} {
		code, _, errs := relais(t, db, args...)
		want := "Cannot write " + args[len(args)-1] + ": no such file or directory."
		if code != 1 || !strings.Contains(errs, want) || strings.Contains(errs, ".partial") || strings.Contains(errs, ".relais-") {
			t.Errorf("%v: exit %d, %q; want %q", args, code, errs, want)
		}
	}
}
