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
	if code == 0 || !strings.Contains(out, "created 1, updated 0, skipped 0, errors 1") || !strings.Contains(out, "dry run") || !strings.Contains(out, "1 of 2 rows would be refused") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	summary := filepath.Join(dir, "summary.txt")
	out, code = runCombined(t, "--db", db, "import", "contacts", csv, "--skip-bad-rows", "--summary", summary)
	if code == 0 || !strings.Contains(out, "created 1") || !strings.Contains(out, "1 of 2 rows were refused") {
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
