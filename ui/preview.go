package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	_ "image/png" // pdftoppm's pages
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/export"
)

// Bounds of an in-app preview: a proposal has a few pages, a report a few
// dozen; past that the viewer is the better tool, and a broken PDF must not
// keep pdftoppm busy for ever.
const (
	previewTool     = "pdftoppm"
	previewDPI      = 100
	previewMaxPages = 50
	previewTimeout  = time.Minute
	// previewLoaded is how many pages either side of the one in view keep
	// their decoded image: 50 decoded A4 pages at 100 dpi would take 190 MB.
	previewLoaded = 2
)

// errNoPreviewTool says that pdftoppm (poppler-utils) is not installed.
var errNoPreviewTool = errors.New("pdftoppm (poppler-utils) is not installed")

// previews is this process's private temporary folder. It is package state,
// not a field of App, because App is shared by every window the process opens
// and is built in app.go, which this feature does not own; a mutex rather
// than a sync.Once because the folder may be made again: after
// cleanupPreviews, or when the system's temp cleaner removed it during a long
// session.
var previews struct {
	mu  sync.Mutex
	dir string
}

// privateTempDir returns a folder only this user can enter, made once per
// process under the system's temporary folder with a random name (never a
// fixed path that another user could create first, as a symbolic link or
// with open permissions, and read our PDFs from). It is checked after
// creation: a directory, not a link, mode 0700, owned by us.
func privateTempDir() (string, error) {
	previews.mu.Lock()
	defer previews.mu.Unlock()
	if previews.dir != "" && checkPrivateDir(previews.dir) == nil {
		return previews.dir, nil
	}
	dir, err := os.MkdirTemp("", "relais-*")
	if err != nil {
		return "", fmt.Errorf("ui: private temporary folder: %w", err)
	}
	// MkdirTemp asks for 0700 but the umask may take bits away.
	if err := os.Chmod(dir, 0o700); err != nil {
		return "", fmt.Errorf("ui: private temporary folder: %w", err)
	}
	if err := checkPrivateDir(dir); err != nil {
		return "", err
	}
	previews.dir = dir
	return dir, nil
}

// checkPrivateDir reports why dir is not a private folder of ours, if it is not.
func checkPrivateDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("ui: private temporary folder: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("ui: private temporary folder %s is not a folder (%s)", dir, fi.Mode().Type())
	}
	if runtime.GOOS == "windows" {
		return nil // no mode bits; %TEMP% is already per user
	}
	if perm := fi.Mode().Perm(); perm != 0o700 {
		return fmt.Errorf("ui: private temporary folder %s has mode %#o, not 0700", dir, perm)
	}
	if uid, ok := fileOwner(fi); ok && uid != os.Getuid() {
		return fmt.Errorf("ui: private temporary folder %s belongs to user %d, not %d", dir, uid, os.Getuid())
	}
	return nil
}

// fileOwner is the user id that owns fi where the system has one. It reads
// the Uid field by reflection because syscall.Stat_t does not exist on
// Windows, and one per-system file for this would be all the package has.
func fileOwner(fi os.FileInfo) (int, bool) {
	v := reflect.Indirect(reflect.ValueOf(fi.Sys()))
	if v.Kind() != reflect.Struct {
		return 0, false
	}
	f := v.FieldByName("Uid")
	if !f.IsValid() || !f.CanUint() {
		return 0, false
	}
	return int(f.Uint()), true
}

// cleanupPreviews removes the private temporary folder and what the previews,
// drafts and pages wrote to it. Call it when the app exits: a viewer opened
// on one of its files keeps the copy it read.
func cleanupPreviews() {
	previews.mu.Lock()
	defer previews.mu.Unlock()
	if previews.dir == "" {
		return
	}
	if err := os.RemoveAll(previews.dir); err != nil {
		fyne.LogError("ui: remove the preview folder", err)
	}
	previews.dir = ""
}

// privateTempFile writes data, mode 0600, to the file called name in the
// private temporary folder and returns its path; the viewer and the mail
// client read it after we return. Only name's last element is used.
func privateTempFile(name string, data []byte) (string, error) {
	base := filepath.Base(name)
	if base == "." || base == ".." || base == string(filepath.Separator) {
		return "", fmt.Errorf("ui: temporary file: %q is not a file name", name)
	}
	dir, err := privateTempDir()
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, base)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		return "", fmt.Errorf("ui: temporary file: %w", err)
	}
	return path, nil
}

// pdfPage is one page drawn by pdftoppm: its PNG and its size in pixels.
type pdfPage struct {
	path          string
	width, height int
}

// renderPDFPages draws the first maxPages pages of the PDF at pdfPath as PNG
// files in outDir, with pdftoppm found by lookPath. more reports that the
// PDF has pages past maxPages. It returns an error wrapping
// errNoPreviewTool when lookPath does not find pdftoppm.
func renderPDFPages(ctx context.Context, lookPath func(string) (string, error), pdfPath, outDir string, maxPages int) (pages []pdfPage, more bool, err error) {
	bin, err := lookPath(previewTool)
	if err != nil {
		return nil, false, fmt.Errorf("ui: preview %s: %w (%v)", pdfPath, errNoPreviewTool, err)
	}
	// One page past the limit tells whether there are more.
	cmd := exec.CommandContext(ctx, bin, "-r", strconv.Itoa(previewDPI), "-png", "-f", "1", "-l", strconv.Itoa(maxPages+1),
		pdfPath, filepath.Join(outDir, "page"))
	if out, err := cmd.CombinedOutput(); err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, false, fmt.Errorf("ui: preview %s: %s: %w: %s", pdfPath, previewTool, err, bytesHead(out, 300))
	}
	// pdftoppm names pages page-1.png or page-01.png … by the page count.
	files, err := filepath.Glob(filepath.Join(outDir, "page-*.png"))
	if err != nil {
		return nil, false, fmt.Errorf("ui: preview %s: %w", pdfPath, err)
	}
	number := func(f string) int {
		n, _ := strconv.Atoi(strings.TrimSuffix(f[strings.LastIndexByte(f, '-')+1:], ".png"))
		return n
	}
	slices.SortFunc(files, func(x, y string) int { return number(x) - number(y) })
	if len(files) > maxPages {
		more = true
		for _, f := range files[maxPages:] {
			os.Remove(f)
		}
		files = files[:maxPages]
	}
	for _, f := range files {
		w, h, err := pngSize(f)
		if err != nil {
			return nil, false, fmt.Errorf("ui: preview %s: %w", pdfPath, err)
		}
		pages = append(pages, pdfPage{path: f, width: w, height: h})
	}
	if len(pages) == 0 {
		return nil, false, fmt.Errorf("ui: preview %s: %s drew no page", pdfPath, previewTool)
	}
	return pages, more, nil
}

// pngSize reads an image's size from its header, without decoding it.
func pngSize(path string) (int, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	c, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", filepath.Base(path), err)
	}
	return c.Width, c.Height, nil
}

// bytesHead is the start of a command's output, for a log line.
func bytesHead(b []byte, n int) string {
	s := strings.TrimSpace(string(b))
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

// previewSystem is what a preview needs from the computer: finding
// pdftoppm, and opening a file in the desktop's PDF viewer. showPDFPreview
// uses the real ones; tests pass their own.
type previewSystem struct {
	lookPath func(file string) (string, error)
	open     func(ctx context.Context, path string) error
}

// showPDFPreview shows the PDF's pages in a dialog over the window, titled
// title, with buttons to open it in the viewer, save it (as fileName by
// default) and close. Without pdftoppm, or when it fails, the PDF opens in
// the desktop's viewer; without a viewer either, a message gives the full
// path of the saved PDF. Call it on the UI goroutine.
func (a *App) showPDFPreview(title string, pdf []byte, fileName string) {
	a.previewPDF(title, pdf, fileName, previewSystem{lookPath: exec.LookPath, open: export.OpenFile})
}

// previewPDF is showPDFPreview with the system's tools given by sys.
func (a *App) previewPDF(title string, pdf []byte, fileName string, sys previewSystem) {
	path, err := privateTempFile(fileName, pdf)
	if err != nil {
		fyne.LogError("ui", err)
		a.showPreviewMessage(title, lang.L("preview.write_failed", map[string]any{"Reason": userMessage(err)}), pdf, fileName)
		return
	}
	// Looked up here too, so that a computer without pdftoppm goes straight
	// to the viewer instead of flashing an empty preview first.
	if _, err := sys.lookPath(previewTool); err != nil {
		a.previewElsewhere(title, path, pdf, fileName, fmt.Errorf("ui: preview: %w (%v)", errNoPreviewTool, err), sys)
		return
	}
	outDir, err := os.MkdirTemp(filepath.Dir(path), "pages-*")
	if err != nil {
		a.previewElsewhere(title, path, pdf, fileName, fmt.Errorf("ui: preview: %w", err), sys)
		return
	}
	p := newPDFPreview(a, title, path, pdf, fileName, outDir, sys)
	p.dlg.Show()
	ctx, cancel := context.WithTimeout(a.ctx, previewTimeout)
	p.cancel = cancel
	a.load(func(context.Context) func() {
		defer cancel()
		pages, more, err := renderPDFPages(ctx, sys.lookPath, path, outDir, previewMaxPages)
		return func() {
			if p.closed {
				return
			}
			if err != nil {
				p.dlg.Hide()
				a.previewElsewhere(title, path, pdf, fileName, err, sys)
				return
			}
			p.showPages(pages, more)
		}
	})
}

// previewElsewhere is the preview when Relais cannot draw the pages: the
// desktop's viewer, or else a message with the PDF's full path.
func (a *App) previewElsewhere(title, path string, pdf []byte, fileName string, cause error, sys previewSystem) {
	fyne.LogError("ui", cause)
	err := sys.open(a.ctx, path)
	if err == nil {
		return
	}
	fyne.LogError("ui", err)
	a.showPreviewMessage(title, previewFallbackMessage(path, cause), pdf, fileName)
}

// previewFallbackMessage tells the user why the preview did not show (cause)
// and where the PDF is saved, so that they can open it themselves.
func previewFallbackMessage(path string, cause error) string {
	why := lang.L("preview.render_failed")
	if errors.Is(cause, errNoPreviewTool) {
		why = lang.L("preview.no_tool")
	}
	return why + "\n\n" + lang.L("preview.saved_at", map[string]any{"Path": path})
}

// showPreviewMessage explains a preview that could not be shown, with Save
// as… to keep the PDF elsewhere. The text can be selected, to copy a path.
func (a *App) showPreviewMessage(title, msg string, pdf []byte, fileName string) {
	text := widget.NewLabel(msg)
	text.Wrapping = fyne.TextWrapWord
	text.Selectable = true
	d := dialog.NewCustomWithoutButtons(title, text, a.win)
	save := widget.NewButtonWithIcon(lang.L("preview.save_as"), theme.DocumentSaveIcon(), func() { a.savePDFAs(pdf, fileName) })
	d.SetButtons([]fyne.CanvasObject{save, widget.NewButton(lang.L("action.close"), d.Hide)})
	d.Resize(fyne.NewSize(600, 280))
	d.Show()
}

// savePDFAs asks where to save the PDF, fileName by default.
func (a *App) savePDFAs(pdf []byte, fileName string) {
	fd := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if w == nil {
			return // cancelled
		}
		_, err = w.Write(pdf)
		if cerr := w.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			a.showError(err)
			return
		}
		a.notify(lang.L("preview.saved", map[string]any{"File": w.URI().Name()}))
	}, a.win)
	fd.SetFileName(filepath.Base(fileName))
	fd.Show()
}

// pdfPreview is the preview dialog: the pages one under the other in a
// scroll, the number of the page in view above them.
type pdfPreview struct {
	a        *App
	path     string // the PDF in the private folder
	outDir   string // its pages
	sys      previewSystem
	dlg      *dialog.CustomDialog
	body     *fyne.Container
	page     *widget.Label
	scroll   *container.Scroll
	pages    []pdfPage
	images   []*canvas.Image
	tops     []float32 // where each page starts in the scroll
	current  int
	cancel   context.CancelFunc
	closed   bool
	pageSize fyne.Size // the largest page as shown
}

// newPDFPreview builds the dialog, showing "Preparing the preview…" until
// showPages has the pages.
func newPDFPreview(a *App, title, path string, pdf []byte, fileName, outDir string, sys previewSystem) *pdfPreview {
	p := &pdfPreview{a: a, path: path, outDir: outDir, sys: sys}
	bar := widget.NewProgressBarInfinite()
	p.body = container.NewStack(container.NewCenter(container.NewVBox(widget.NewLabel(lang.L("preview.preparing")), bar)))
	p.dlg = dialog.NewCustomWithoutButtons(title, p.body, a.win)
	open := widget.NewButtonWithIcon(lang.L("preview.open"), theme.ComputerIcon(), p.onOpen)
	save := widget.NewButtonWithIcon(lang.L("preview.save_as"), theme.DocumentSaveIcon(), func() { a.savePDFAs(pdf, fileName) })
	p.dlg.SetButtons([]fyne.CanvasObject{open, save, widget.NewButton(lang.L("action.close"), p.dlg.Hide)})
	p.dlg.SetOnClosed(func() {
		bar.Stop()
		p.closed = true
		if p.cancel != nil {
			p.cancel()
		}
		if err := os.RemoveAll(p.outDir); err != nil {
			fyne.LogError("ui: remove preview pages", err)
		}
	})
	p.dlg.Resize(p.dialogSize())
	return p
}

// dialogSize fits the dialog in the window: on a 1366×768 screen an A4
// page at 100 dpi is as wide as the dialog and about two thirds of it shows.
func (p *pdfPreview) dialogSize() fyne.Size {
	win := p.a.win.Canvas().Size()
	w, h := min(float32(920), win.Width-40), win.Height-40
	return fyne.NewSize(max(w, 400), max(h, 300))
}

// showPages puts the drawn pages in the dialog, each scaled to the dialog's
// width (never enlarged), and says when some were left out.
func (p *pdfPreview) showPages(pages []pdfPage, more bool) {
	p.pages = pages
	width := p.dialogSize().Width - 4*theme.Padding() - theme.ScrollBarSize() - 2*theme.InnerPadding()
	list := container.NewVBox()
	var y float32
	for _, pg := range pages {
		scale := min(1, width/float32(pg.width))
		size := fyne.NewSize(float32(pg.width)*scale, float32(pg.height)*scale)
		// White paper (in the dark theme too) until the page is decoded.
		paper := canvas.NewRectangle(color.White)
		paper.StrokeColor = theme.Color(theme.ColorNameSeparator)
		paper.StrokeWidth = 1
		img := &canvas.Image{FillMode: canvas.ImageFillContain}
		img.SetMinSize(size)
		list.Add(container.NewCenter(container.NewStack(paper, img)))
		p.images = append(p.images, img)
		p.tops = append(p.tops, y)
		y += size.Height + theme.Padding()
		p.pageSize = p.pageSize.Max(size)
	}
	p.scroll = container.NewVScroll(list)
	p.scroll.OnScrolled = p.onScrolled
	p.page = widget.NewLabel("")
	p.page.TextStyle.Bold = true
	top := container.NewVBox(p.page)
	if more {
		note := widget.NewLabel(lang.L("preview.more_pages", map[string]any{"Count": len(pages)}))
		note.Wrapping = fyne.TextWrapWord
		top.Add(note)
	}
	p.body.Objects = []fyne.CanvasObject{container.NewBorder(top, nil, nil, nil, p.scroll)}
	p.body.Refresh()
	p.current = -1
	p.onScrolled(fyne.Position{})
}

// onScrolled shows the number of the page in view and keeps only the pages
// near it decoded.
func (p *pdfPreview) onScrolled(off fyne.Position) {
	// The page in view is the one covering the upper third of the scroll.
	mark := off.Y + p.scroll.Size().Height/3
	cur := 0
	for i, top := range p.tops {
		if top <= mark {
			cur = i
		}
	}
	if cur == p.current {
		return
	}
	p.current = cur
	p.page.SetText(lang.L("preview.page", map[string]any{"Page": cur + 1, "Pages": len(p.pages)}))
	for i, img := range p.images {
		want := ""
		if i >= cur-previewLoaded && i <= cur+previewLoaded {
			want = p.pages[i].path
		}
		if img.File == want {
			continue
		}
		img.File = want
		if want == "" {
			img.Image = nil // let the decoded page go
		}
		img.Refresh()
	}
}

// onOpen opens the PDF in the desktop's viewer; without one, it says where
// the PDF is.
func (p *pdfPreview) onOpen() {
	if err := p.sys.open(p.a.ctx, p.path); err != nil {
		fyne.LogError("ui", err)
		msg := lang.L("preview.no_viewer") + "\n\n" + lang.L("preview.saved_at", map[string]any{"Path": p.path})
		text := widget.NewLabel(msg)
		text.Wrapping = fyne.TextWrapWord
		text.Selectable = true
		d := dialog.NewCustom(lang.L("preview.open"), lang.L("action.close"), text, p.a.win)
		d.Resize(fyne.NewSize(560, 240))
		d.Show()
	}
}
