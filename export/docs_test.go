package export_test

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"relais/assets"
)

var docsDir = flag.String("docs", "", "write the demo proposal PDFs and their rendered pages to this folder (docs/)")

// TestDemoDocs renders the demo proposal in French and English and, with
// -docs ../docs, keeps the PDFs and their pages as PNG for the documentation:
//
//	go test ./export -run TestDemoDocs -docs ../docs
func TestDemoDocs(t *testing.T) {
	dir := *docsDir
	if dir == "" {
		dir = t.TempDir()
	}
	for _, lang := range []string{"fr", "en"} {
		d := demoProposal(lang, 12)
		d.Letterhead.Logo = assets.Icon
		_, pdf := render(t, d)
		path := filepath.Join(dir, "proposal-demo-"+lang+".pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("pdftoppm", "-png", "-r", "60", path, filepath.Join(dir, "proposal-demo-"+lang)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "proposal-demo-"+lang+"-1.png")); err != nil {
			t.Errorf("no rendered first page: %v", err)
		}
	}
}
