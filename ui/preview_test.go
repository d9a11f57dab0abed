package ui

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/jung-kurt/gofpdf"

	"relais/assets"
)

// usePrivateTemp points the system's temporary folder at a fresh one for
// this test and forgets the process's private folder before and after.
func usePrivateTemp(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	cleanupPreviews()
	t.Cleanup(cleanupPreviews)
	return tmp
}

// previewTestPDF is an A4 PDF of pages pages with French accents.
func previewTestPDF(t *testing.T, pages int) []byte {
	t.Helper()
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes("dejavu", "", assets.FontRegular)
	for i := range pages {
		pdf.AddPage()
		pdf.SetFont("dejavu", "", 16)
		pdf.Cell(0, 10, "Proposition Q-2026-001 — Fromagerie Lefèvre, Besançon")
		pdf.Ln(12)
		pdf.SetFont("dejavu", "", 11)
		pdf.MultiCell(0, 6, "Caves d’affinage : capteurs d’humidité, réglés à l’été. Page "+strconv.Itoa(i+1)+".", "", "L", false)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func needPdftoppm(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath(previewTool); err != nil {
		t.Fatalf("%s is missing: install poppler-utils (make test does)", previewTool)
	}
}

// overlayTexts is every label's text on the top dialog.
func overlayTexts(a *App) []string {
	var texts []string
	top := a.win.Canvas().Overlays().Top()
	if top == nil {
		return nil
	}
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	return texts
}

// tapOverlay taps the button labelled text on the top dialog.
func tapOverlay(t *testing.T, a *App, text string) {
	t.Helper()
	for _, o := range test.LaidOutObjects(a.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			test.Tap(b)
			a.settle()
			return
		}
	}
	t.Fatalf("no %q button on the top dialog", text)
}

func TestPreviewPrivateTempDir(t *testing.T) {
	tmp := usePrivateTemp(t)
	dir, err := privateTempDir()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Lstat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("%s: mode %v, want a 0700 folder", dir, fi.Mode())
	}
	if filepath.Dir(dir) != tmp || dir == filepath.Join(tmp, "relais") || !strings.HasPrefix(filepath.Base(dir), "relais-") {
		t.Errorf("private folder %s: want a random relais-* folder in %s, not a fixed shared path", dir, tmp)
	}
	if again, _ := privateTempDir(); again != dir {
		t.Errorf("second call: %s, want the same folder %s", again, dir)
	}

	path, err := privateTempFile("../../etc/Q-2026-001.pdf", []byte("%PDF"))
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "Q-2026-001.pdf") {
		t.Errorf("file at %s, want it in %s under its base name", path, dir)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want mode 0600", path, fi.Mode(), err)
	}
	for _, bad := range []string{"", "..", "/"} {
		if _, err := privateTempFile(bad, nil); err == nil {
			t.Errorf("privateTempFile(%q) wrote a file", bad)
		}
	}

	// A folder someone else could read, or a link to one, is refused.
	open := filepath.Join(tmp, "relais")
	if err := os.Mkdir(open, 0o755); err != nil {
		t.Fatal(err)
	}
	os.Chmod(open, 0o755) // past the umask
	if checkPrivateDir(open) == nil {
		t.Errorf("a 0755 folder passed as private")
	}
	link := filepath.Join(tmp, "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if checkPrivateDir(link) == nil {
		t.Errorf("a symbolic link passed as private")
	}

	// A folder removed under us (cleanup, the system's temp cleaner) is made again.
	cleanupPreviews()
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("cleanupPreviews left %s: %v", dir, err)
	}
	if dir2, err := privateTempDir(); err != nil || dir2 == dir {
		t.Errorf("after cleanup: %s, %v; want a new folder", dir2, err)
	}
}

func TestPreviewRendersPages(t *testing.T) {
	needPdftoppm(t)
	usePrivateTemp(t)
	path, err := privateTempFile("Q-2026-001.pdf", previewTestPDF(t, 2))
	if err != nil {
		t.Fatal(err)
	}
	pages, more, err := renderPDFPages(t.Context(), exec.LookPath, path, t.TempDir(), previewMaxPages)
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || more {
		t.Fatalf("%d pages (more %v), want 2", len(pages), more)
	}
	for i, p := range pages {
		// A4 at 100 dpi: 8.27 × 11.69 in.
		if p.width < 800 || p.width > 850 || p.height < 1150 || p.height > 1190 {
			t.Errorf("page %d: %d×%d px, want about 827×1169", i+1, p.width, p.height)
		}
		if fi, err := os.Stat(p.path); err != nil || fi.Size() < 5000 {
			t.Errorf("page %d: %s is not a drawn page (%v)", i+1, p.path, err)
		}
	}
	if !strings.HasSuffix(pages[1].path, "2.png") {
		t.Errorf("pages out of order: %s", pages[1].path)
	}

	t.Run("Bounded", func(t *testing.T) {
		pages, more, err := renderPDFPages(t.Context(), exec.LookPath, path, t.TempDir(), 1)
		if err != nil || len(pages) != 1 || !more {
			t.Errorf("max 1 page: %d pages, more %v, %v", len(pages), more, err)
		}
	})
	t.Run("Timeout", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if _, _, err := renderPDFPages(ctx, exec.LookPath, path, t.TempDir(), 1); !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled: %v", err)
		}
	})
}

func TestPreviewDialog(t *testing.T) {
	needPdftoppm(t)
	usePrivateTemp(t)
	a, _ := openApp(t, "fr", nil)
	var opened string
	sys := previewSystem{lookPath: exec.LookPath, open: func(_ context.Context, p string) error { opened = p; return nil }}
	a.previewPDF("Q-2026-001", previewTestPDF(t, 3), "Q-2026-001.pdf", sys)
	a.settle()
	texts := strings.Join(overlayTexts(a), "\n")
	if !strings.Contains(texts, "Page 1 / 3") {
		t.Errorf("dialog reads %q, want Page 1 / 3", texts)
	}
	var images int
	for _, o := range test.LaidOutObjects(a.win.Canvas().Overlays().Top()) {
		if img, ok := o.(*canvas.Image); ok && strings.HasSuffix(img.File, ".png") {
			images++
		}
	}
	if images != 3 {
		t.Errorf("%d page images, want 3", images)
	}
	tapOverlay(t, a, "Ouvrir dans la visionneuse")
	if filepath.Base(opened) != "Q-2026-001.pdf" {
		t.Errorf("viewer opened %q", opened)
	}
	tapOverlay(t, a, "Fermer")
	if a.win.Canvas().Overlays().Top() != nil {
		t.Errorf("the preview stayed open after Close")
	}
	if left, _ := filepath.Glob(filepath.Join(filepath.Dir(opened), "pages-*")); len(left) > 0 {
		t.Errorf("Close left the pages: %v", left)
	}
}

// TestPreviewShowPDFPreview is the call the screens make, with the real
// pdftoppm (so the viewer is not involved).
func TestPreviewShowPDFPreview(t *testing.T) {
	needPdftoppm(t)
	usePrivateTemp(t)
	a, _ := openApp(t, "en", nil)
	a.showPDFPreview("Q-2026-001", previewTestPDF(t, 1), "Q-2026-001.pdf")
	a.settle()
	if texts := overlayTexts(a); !slices.Contains(texts, "Page 1 / 1") {
		t.Errorf("dialog reads %q, want Page 1 / 1", texts)
	}
	tapOverlay(t, a, "Close")
}

// TestPreviewFallback: without pdftoppm the PDF goes to the viewer; without
// a viewer either, the user reads where the PDF is, in their language.
func TestPreviewFallback(t *testing.T) {
	noTool := func(string) (string, error) { return "", exec.ErrNotFound }
	for _, c := range []struct {
		lang string
		want []string
	}{
		{"en", []string{"pdftoppm (the poppler-utils package)", "no PDF viewer could be opened", "The PDF is saved at:"}},
		{"fr", []string{"pdftoppm (le paquet poppler-utils)", "aucune visionneuse PDF n’a pu s’ouvrir", "Le PDF est enregistré ici :"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			usePrivateTemp(t)
			a, _ := openApp(t, c.lang, nil)
			var opened string
			sys := previewSystem{lookPath: noTool, open: func(_ context.Context, p string) error {
				opened = p
				return errors.New(`export: open: this computer has no xdg-open`)
			}}
			a.previewPDF("Q-2026-001", previewTestPDF(t, 1), "Q-2026-001.pdf", sys)
			a.settle()
			dir, _ := privateTempDir()
			path := filepath.Join(dir, "Q-2026-001.pdf")
			if opened != path {
				t.Errorf("viewer asked for %q, want %q", opened, path)
			}
			texts := strings.Join(overlayTexts(a), "\n")
			for _, w := range append(c.want, path) {
				if !strings.Contains(texts, w) {
					t.Errorf("message %q lacks %q", texts, w)
				}
			}
			if strings.Contains(texts, "xdg-open") || strings.Contains(texts, "executable file") {
				t.Errorf("message shows Go error text: %q", texts)
			}
		})
	}
	t.Run("Viewer", func(t *testing.T) {
		usePrivateTemp(t)
		a, _ := openApp(t, "en", nil)
		opened := false
		sys := previewSystem{lookPath: noTool, open: func(context.Context, string) error { opened = true; return nil }}
		a.previewPDF("Q-2026-001", previewTestPDF(t, 1), "Q-2026-001.pdf", sys)
		a.settle()
		if !opened || a.win.Canvas().Overlays().Top() != nil {
			t.Errorf("opened %v, dialog %v: want the viewer and no message", opened, a.win.Canvas().Overlays().Top())
		}
	})
}
