package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCombined runs the CLI and returns stdout and stderr together.
func runCombined(t *testing.T, args ...string) (string, int) {
	t.Helper()
	out, errOut, code := runCLI(t, args...)
	return out + errOut, code
}

func TestCLIImportExport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	csv := filepath.Join(dir, "c.csv")
	os.WriteFile(csv, []byte("Nom;Prénom;Société;E-mail\nDupont;Jean;ACME;jean@acme.fr\nDurand;Luc;ACME;pas-un-email\n"), 0o644)

	out, code := runCombined(t, "--db", db, "import", "contacts", csv)
	if code == 0 || !strings.Contains(out, `error: row 3, column "E-mail"`) || !strings.Contains(out, "Nothing was imported") {
		t.Fatalf("all-or-nothing import: exit %d\n%s", code, out)
	}
	out, code = runCombined(t, "--db", db, "import", "contacts", csv, "--dry-run", "--skip-bad-rows")
	// A partly refused file exits non-zero, with the count, even in a dry run.
	if code == 0 || !strings.Contains(out, "created 1, updated 0, skipped 0, errors 1") || !strings.Contains(out, "dry run") || !strings.Contains(out, "Dry run: rows that would be refused: 1 of 2") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	summary := filepath.Join(dir, "summary.txt")
	out, code = runCombined(t, "--db", db, "import", "contacts", csv, "--skip-bad-rows", "--summary", summary)
	if code == 0 || !strings.Contains(out, "created 1") || !strings.Contains(out, "Rows refused and not imported: 1 of 2") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	if b, _ := os.ReadFile(summary); !strings.Contains(string(b), "row 3") {
		t.Fatalf("summary: %s", b)
	}
	for _, f := range []string{"c.csv", "c.xlsx", "c.vcf"} {
		out, code = runCombined(t, "--db", db, "export", "contacts", "-o", filepath.Join(dir, "out-"+f), "--lang", "fr")
		if code != 0 || !strings.Contains(out, "exported 1 contacts") {
			t.Fatalf("export %s: exit %d\n%s", f, code, out)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "out-c.csv")); !strings.HasPrefix(string(b), "\uFEFFID;Compte;Prénom") {
		t.Fatalf("French CSV: %.60q", b)
	}
	all := filepath.Join(dir, "all")
	if out, code = runCombined(t, "--db", db, "export", "all", "-o", all); code != 0 {
		t.Fatalf("export all: %s", out)
	}
	out, code = runCombined(t, "--db", filepath.Join(dir, "new.db"), "import", "all", all)
	if code != 0 || !strings.Contains(out, "imported 2 records") {
		t.Fatalf("import all: exit %d\n%s", code, out)
	}
	if out, code = runCombined(t, "--db", db, "export", "contacts", "-o", filepath.Join(dir, "x.pdf")); code != 2 {
		t.Fatalf("a .pdf export was not a usage error: %d %s", code, out)
	}
	if out, code = runCombined(t, "--db", db, "import", "stages", csv); code != 2 {
		t.Fatalf("importing stages was not a usage error: %d %s", code, out)
	}
}

// A missing file, a folder given as a file or a file given as the export
// folder get one sentence naming the path, and nothing is imported.
func TestCLIImportBadPaths(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	file := filepath.Join(dir, "c.csv")
	os.WriteFile(file, []byte("Nom\nDupont\n"), 0o644)
	missing := filepath.Join(dir, "missing.csv")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing file", []string{"import", "contacts", missing}, "relais import: There is no file or folder " + missing + ".\n"},
		{"folder as file", []string{"import", "contacts", dir}, "relais import: Cannot read " + dir + ": it is a folder, not a file.\n"},
		{"folder as mapping", []string{"import", "contacts", file, "--mapping", dir}, "relais import: Cannot read " + dir + ": it is a folder, not a file.\n"},
		{"file as export folder", []string{"import", "all", file}, "relais import: Cannot read " + file + ": it is a file; give the folder written by relais export all.\n"},
		{"folder as calendar", []string{"ical", "import", dir}, "relais ical: Cannot read " + dir + ": it is a folder, not a file.\n"},
		{"missing calendar", []string{"ical", "import", missing}, "relais ical: There is no file or folder " + missing + ".\n"},
		{"folder as leads", []string{"lead", "import", "--event", "SIAL", dir}, "relais lead: Cannot read " + dir + ": it is a folder, not a file.\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, errOut, code := runCLI(t, append([]string{"--db", db}, c.args...)...)
			if code != 1 || errOut != c.want {
				t.Fatalf("exit %d\nstderr %q\nwant   %q\nstdout %s", code, errOut, c.want, out)
			}
		})
	}
}

// TestCLIImportRoundTrip: the contacts `relais export` writes from a demo
// database import into an empty one, every one, with the owners and events
// it lacks left empty and counted (or created with --create-missing); and
// the saved summary is in the language asked for.
func TestCLIImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	demoDB, csv := filepath.Join(dir, "demo.db"), filepath.Join(dir, "c.csv")
	if out, code := runCombined(t, "--db", demoDB, "demo"); code != 0 {
		t.Fatalf("demo: %s", out)
	}
	if out, code := runCombined(t, "--db", demoDB, "export", "contacts", "-o", csv); code != 0 || !strings.Contains(out, "exported 1500 contacts") {
		t.Fatalf("export: %d %s", code, out)
	}
	out, code := runCombined(t, "--db", filepath.Join(dir, "empty.db"), "import", "contacts", csv, "--lang", "en")
	if code != 0 || !strings.Contains(out, "created 1500, updated 0, skipped 0, errors 0") || !strings.Contains(out, "references left empty") ||
		!strings.Contains(out, `team member "Mathieu Girard" unknown: left empty on 270 rows`) || !strings.Contains(out, "--create-missing") {
		t.Fatalf("import into an empty database: exit %d\n%.2000s", code, out)
	}
	summary := filepath.Join(dir, "bilan.txt")
	out, code = runCombined(t, "--db", filepath.Join(dir, "empty2.db"), "import", "contacts", csv, "--create-missing", "--lang", "fr", "--summary", summary)
	if code != 0 || !strings.Contains(out, "créées 1500") || !strings.Contains(out, "membres de l’équipe et événements créés") {
		t.Fatalf("--create-missing: exit %d\n%.2000s", code, out)
	}
	if b, _ := os.ReadFile(summary); !strings.Contains(string(b), "Import de c.csv") {
		t.Errorf("French summary:\n%.500s", b)
	}
}

// TestCLIImportSharedPhone is the repro of issue 13: two people who share a
// phone stay two contacts, and the output proposes the duplicate.
func TestCLIImportSharedPhone(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "r.db")
	p1, p2 := filepath.Join(dir, "p1.csv"), filepath.Join(dir, "p2.csv")
	os.WriteFile(p1, []byte("First name,Last name,Email,Phone\nJack,Clarke,jack@x.example,+33 6 12 34 56 78\n"), 0o644)
	os.WriteFile(p2, []byte("First name,Last name,Email,Phone\nZoe,Other,zoe@y.example,+33 6 12 34 56 78\n"), 0o644)
	runCombined(t, "--db", db, "import", "contacts", p1, "--lang", "en")
	out, code := runCombined(t, "--db", db, "import", "contacts", p2, "--lang", "en")
	if code != 0 || !strings.Contains(out, "created 1") || !strings.Contains(out, `may be the same person as "Jack Clarke"`) {
		t.Fatalf("second import: %d\n%s", code, out)
	}
	csv := filepath.Join(dir, "out.csv")
	runCombined(t, "--db", db, "export", "contacts", "-o", csv, "--lang", "en")
	b, _ := os.ReadFile(csv)
	if !strings.Contains(string(b), "Jack,Clarke,,jack@x.example") || !strings.Contains(string(b), "Zoe,Other,,zoe@y.example") {
		t.Errorf("contacts after the two imports:\n%s", b)
	}
}
