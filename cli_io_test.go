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
	if code != 0 || !strings.Contains(out, "created 1, updated 0, skipped 0, errors 1") || !strings.Contains(out, "dry run") {
		t.Fatalf("dry run: exit %d\n%s", code, out)
	}
	summary := filepath.Join(dir, "summary.txt")
	out, code = runCombined(t, "--db", db, "import", "contacts", csv, "--skip-bad-rows", "--summary", summary)
	if code != 0 || !strings.Contains(out, "created 1") {
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
