package export

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/jung-kurt/gofpdf"

	"relais/model"
)

// Paper sizes a Relais PDF can be printed on.
const (
	PaperA4     = "A4"
	PaperLetter = "Letter"
)

// Settings read by LoadLetterhead: the company profile of the Settings
// screen (the keys shared with the UI are model's).
const (
	SettingCompanyName    = model.SettingCompanyName
	SettingCompanyAddress = model.SettingCompanyAddress // several lines
	SettingCompanyPhone   = "company.phone"
	SettingCompanyEmail   = "company.email"
	SettingCompanyLegal   = model.SettingCompanyLegal // legal mentions: form, capital, registration, VAT number; several lines
	SettingCompanyLogo    = model.SettingCompanyLogo  // path of a PNG or JPEG file
	SettingPaper          = "pdf.paper"               // A4 (default) or Letter
)

// Letterhead is the sender's identity printed on every Relais PDF, and the
// paper it is printed on.
type Letterhead struct {
	Name    string
	Address string // one line per address line
	Phone   string
	Email   string
	Legal   string // printed small in the footer of every page
	Logo    []byte // PNG or JPEG; nil for none
	Paper   string // PaperA4 or PaperLetter
}

// LoadLetterhead reads the company profile and paper size from the settings,
// and the logo file they name. A logo that cannot be read or is not a PNG or
// JPEG is an error naming the file, so it is fixed in Settings rather than
// silently missing from every document.
func LoadLetterhead(ctx context.Context, s *model.Store) (Letterhead, error) {
	var lh Letterhead
	var logo string
	for _, f := range []struct {
		key string
		dst *string
	}{{SettingCompanyName, &lh.Name}, {SettingCompanyAddress, &lh.Address}, {SettingCompanyPhone, &lh.Phone},
		{SettingCompanyEmail, &lh.Email}, {SettingCompanyLegal, &lh.Legal}, {SettingCompanyLogo, &logo}, {SettingPaper, &lh.Paper}} {
		v, err := s.Setting(ctx, f.key, "")
		if err != nil {
			return lh, err
		}
		*f.dst = strings.TrimSpace(v)
	}
	if lh.Paper == "" {
		lh.Paper = PaperA4
	}
	if logo != "" {
		b, err := os.ReadFile(logo)
		if err != nil {
			return lh, fmt.Errorf("export: the company logo %s (setting %s) cannot be read: %w", logo, SettingCompanyLogo, err)
		}
		if _, err := imageType(b); err != nil {
			return lh, fmt.Errorf("export: the company logo %s (setting %s): %w", logo, SettingCompanyLogo, err)
		}
		lh.Logo = b
	}
	return lh, nil
}

// usableLogo returns the logo in a form gofpdf reads: PNGs with 16-bit
// channels or interlacing (common from design tools) are re-encoded as plain
// 8-bit PNGs, which loses nothing visible at print size.
func usableLogo(b []byte) ([]byte, string, error) {
	typ, err := imageType(b)
	if err != nil || typ != "PNG" || len(b) < 29 {
		return b, typ, err
	}
	const depthAt, interlaceAt = 24, 28 // offsets in the IHDR chunk
	if b[depthAt] != 16 && b[interlaceAt] == 0 {
		return b, typ, nil
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return nil, "", fmt.Errorf("export: the logo is a damaged PNG: %w", err)
	}
	flat := image.NewNRGBA(img.Bounds())
	draw.Draw(flat, flat.Bounds(), img, img.Bounds().Min, draw.Src)
	var out bytes.Buffer
	if err := png.Encode(&out, flat); err != nil {
		return nil, "", fmt.Errorf("export: re-encode the logo: %w", err)
	}
	return out.Bytes(), typ, nil
}

func imageType(b []byte) (string, error) {
	switch http.DetectContentType(b) {
	case "image/png":
		return "PNG", nil
	case "image/jpeg":
		return "JPG", nil
	}
	return "", fmt.Errorf("export: the image is neither PNG nor JPEG")
}

// DocInfo describes one document.
type DocInfo struct {
	Title   string     // PDF title; also the running header of pages 2 and on
	Subject string     // PDF subject
	Author  string     // PDF author; the company name when empty
	Lang    string     // "fr" or "en": the language of the document
	Date    model.Date // the document's own date, written as its creation date (never the clock)
	Ref     string     // a short reference printed beside the page number
}

// Font sizes and spacing, in points and millimetres.
const (
	fontFamily  = "dejavu"
	bodySize    = 9.0
	smallSize   = 7.5
	lineFactor  = 1.35 // line height / font size
	ptToMM      = 25.4 / 72
	marginMM    = 15.0
	footerRule  = 6.0 // gap between the content and the footer's rule
	headerDepth = 12.0
)

// Doc is a Relais PDF being drawn: fonts, letterhead, footer and page
// breaking are handled here; documents (proposals, reports …) add their
// content with Heading, Paragraph, Table and friends, or draw on Fpdf()
// directly for anything special.
type Doc struct {
	pdf    *gofpdf.Fpdf
	lh     Letterhead
	info   DocInfo
	labels Labels
	clean  *cleaner
	pageW  float64
	pageH  float64
	bottom float64 // lowest y content may reach
	legal  []string
}

// NewDoc starts a document on its first page. Draw the letterhead with
// Letterhead, then the content, then Write.
func NewDoc(lh Letterhead, info DocInfo) (*Doc, error) {
	if info.Lang != "fr" {
		info.Lang = "en"
	}
	labels, err := LoadLabels("pdf", info.Lang)
	if err != nil {
		return nil, err
	}
	cl, err := newCleaner()
	if err != nil {
		return nil, err
	}
	paper := lh.Paper
	switch strings.ToLower(paper) {
	case "", "a4":
		paper = PaperA4
	case "letter":
		paper = PaperLetter
	default:
		return nil, fmt.Errorf("export: paper size %q is not A4 or Letter (setting %s)", lh.Paper, SettingPaper)
	}
	pdf := gofpdf.New("P", "mm", paper, "")
	d := &Doc{pdf: pdf, lh: lh, info: info, labels: labels, clean: cl}
	d.pageW, d.pageH = pdf.GetPageSize()
	pdf.SetMargins(marginMM, marginMM, marginMM)
	pdf.SetAutoPageBreak(false, 0) // Doc breaks pages itself, so tables can repeat their header
	pdf.SetCellMargin(1.2)
	fonts := pdfFonts()
	pdf.AddUTF8FontFromBytes(fontFamily, "", fonts[0])
	pdf.AddUTF8FontFromBytes(fontFamily, "B", fonts[1])
	pdf.AddUTF8FontFromBytes(fontFamily, "I", fonts[2])

	// Deterministic output: fixed dates from the data, sorted catalogs.
	when := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	if !info.Date.IsZero() {
		when = info.Date.Time(time.UTC)
	}
	pdf.SetCreationDate(when)
	pdf.SetModificationDate(when)
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	author := info.Author
	if author == "" {
		author = lh.Name
	}
	pdf.SetTitle(d.clean.clean(info.Title), true)
	pdf.SetAuthor(d.clean.clean(author), true)
	pdf.SetSubject(d.clean.clean(info.Subject), true)
	pdf.SetCreator("Relais", true)
	pdf.AliasNbPages("{nb}")

	if len(lh.Logo) > 0 {
		logo, typ, err := usableLogo(lh.Logo)
		if err != nil {
			return nil, err
		}
		pdf.RegisterImageOptionsReader("logo", gofpdf.ImageOptions{ImageType: typ}, bytes.NewReader(logo))
		if err := pdf.Error(); err != nil {
			return nil, fmt.Errorf("export: the company logo cannot be used: %w", err)
		}
	}
	pdf.SetFont(fontFamily, "", smallSize)
	for _, l := range strings.Split(d.clean.clean(strings.TrimSpace(lh.Legal)), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			d.legal = append(d.legal, d.split(l, d.ContentWidth()*0.66)...)
		}
	}
	d.bottom = d.pageH - marginMM - footerRule - float64(max(len(d.legal), 1))*lineH(smallSize)
	pdf.SetHeaderFunc(d.header)
	pdf.SetFooterFunc(d.footer)
	pdf.AddPage()
	return d, nil
}

// Fpdf gives direct access to the underlying gofpdf document for drawing
// Doc has no helper for. Text drawn this way must go through Text first.
func (d *Doc) Fpdf() *gofpdf.Fpdf { return d.pdf }

// Labels returns the shared PDF labels in the document's language.
func (d *Doc) Labels() Labels { return d.labels }

// Text prepares user text for the embedded font (see cleaner).
func (d *Doc) Text(s string) string { return d.clean.clean(s) }

// ContentWidth is the width between the margins, in millimetres.
func (d *Doc) ContentWidth() float64 { return d.pageW - 2*marginMM }

// Left is the x of the left margin.
func (d *Doc) Left() float64 { return marginMM }

// Remaining is the height left on the current page, in millimetres.
func (d *Doc) Remaining() float64 { return d.bottom - d.pdf.GetY() }

// NewPage starts a new page below its running header.
func (d *Doc) NewPage() { d.pdf.AddPage() }

// EnsureSpace starts a new page when less than h millimetres remain, so a
// block that must stay together (totals, a signature box) is not cut.
func (d *Doc) EnsureSpace(h float64) {
	if d.Remaining() < h {
		d.NewPage()
	}
}

// Space moves down by h millimetres (never past the page's end).
func (d *Doc) Space(h float64) {
	if d.Remaining() <= h {
		d.NewPage()
		return
	}
	d.pdf.SetY(d.pdf.GetY() + h)
}

func lineH(size float64) float64 { return size * lineFactor * ptToMM }

// split wraps text (already cleaned, one paragraph) to width w in the
// current font. A word longer than w is cut, so nothing overflows.
func (d *Doc) split(text string, w float64) []string {
	if text == "" {
		return []string{""}
	}
	// SplitText subtracts the cell margin on both sides itself.
	lines := d.pdf.SplitText(text, w)
	if len(lines) == 0 {
		return []string{""}
	}
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return lines
}

// wrap cleans text and wraps every paragraph of it to width w in the current font.
func (d *Doc) wrap(text string, w float64) []string {
	var out []string
	for _, p := range strings.Split(d.clean.clean(text), "\n") {
		out = append(out, d.split(p, w)...)
	}
	return out
}

func (d *Doc) setFont(style string, size float64) {
	d.pdf.SetFont(fontFamily, style, size)
}

// header draws the running header of pages after the first.
func (d *Doc) header() {
	if d.pdf.PageNo() == 1 {
		d.pdf.SetY(marginMM)
		return
	}
	p := d.pdf
	p.SetTextColor(90, 90, 90)
	d.setFont("", smallSize)
	w := d.ContentWidth()
	p.SetXY(marginMM, marginMM-4)
	p.CellFormat(w/2, lineH(smallSize), d.clean.clean(firstLine(d.lh.Name)), "", 0, "L", false, 0, "")
	p.CellFormat(w/2, lineH(smallSize), d.clean.clean(d.info.Title), "", 0, "R", false, 0, "")
	p.SetDrawColor(200, 200, 200)
	y := marginMM - 4 + lineH(smallSize) + 1
	p.Line(marginMM, y, marginMM+w, y)
	p.SetTextColor(0, 0, 0)
	p.SetY(marginMM + headerDepth - 8)
}

// footer draws the legal mentions and "Page X/Y" on every page.
func (d *Doc) footer() {
	p := d.pdf
	w := d.ContentWidth()
	y := d.bottom + footerRule/2
	p.SetDrawColor(200, 200, 200)
	p.Line(marginMM, y, marginMM+w, y)
	p.SetTextColor(90, 90, 90)
	d.setFont("", smallSize)
	y += 1
	for _, l := range d.legal {
		p.SetXY(marginMM, y)
		p.CellFormat(w*0.66, lineH(smallSize), l, "", 0, "L", false, 0, "")
		y += lineH(smallSize)
	}
	page := d.labels.Get("pdf.page", "Page", fmt.Sprint(p.PageNo()), "Pages", "{nb}")
	if d.info.Ref != "" {
		page = d.clean.clean(d.info.Ref) + " · " + page
	}
	p.SetXY(marginMM+w*0.68, d.bottom+footerRule/2+1)
	p.CellFormat(w*0.32, lineH(smallSize), page, "", 0, "R", false, 0, "")
	p.SetTextColor(0, 0, 0)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

// Letterhead draws the sender block at the top of the first page: logo,
// company name and address on the left; on the right the document's title
// line (bold, large) and its facts, one "label: value" pair per entry.
func (d *Doc) Letterhead(title string, facts [][2]string) {
	p := d.pdf
	w := d.ContentWidth()
	top := p.GetY()
	y := top
	if len(d.lh.Logo) > 0 {
		info := p.GetImageInfo("logo")
		iw, ih := info.Width(), info.Height()
		maxW, maxH := 50.0, 20.0
		scale := min(maxW/iw, maxH/ih)
		p.ImageOptions("logo", marginMM, y, iw*scale, ih*scale, false, gofpdf.ImageOptions{}, 0, "")
		y += ih*scale + 2
	}
	leftW := w * 0.5
	if d.lh.Name != "" {
		d.setFont("B", 12)
		for _, l := range d.wrap(d.lh.Name, leftW) {
			p.SetXY(marginMM, y)
			p.CellFormat(leftW, lineH(12), l, "", 0, "L", false, 0, "")
			y += lineH(12)
		}
	}
	d.setFont("", 8.5)
	contact := strings.TrimSpace(strings.Join([]string{d.lh.Address, d.lh.Phone, d.lh.Email}, "\n"))
	if contact != "" {
		for _, l := range d.wrap(contact, leftW) {
			if l == "" {
				continue
			}
			p.SetXY(marginMM, y)
			p.CellFormat(leftW, lineH(8.5), l, "", 0, "L", false, 0, "")
			y += lineH(8.5)
		}
	}

	rx, rw := marginMM+w*0.55, w*0.45
	ry := top
	d.setFont("B", 15)
	for _, l := range d.wrap(title, rw) {
		p.SetXY(rx, ry)
		p.CellFormat(rw, lineH(15), l, "", 0, "R", false, 0, "")
		ry += lineH(15)
	}
	ry += 1
	for _, f := range facts {
		if f[1] == "" {
			continue
		}
		d.setFont("", bodySize)
		label := d.clean.clean(f[0])
		lw := p.GetStringWidth(label) + 3
		d.setFont("B", bodySize)
		for _, l := range d.wrap(f[1], rw-lw) {
			vw := p.GetStringWidth(l) + 2*p.GetCellMargin()
			p.SetXY(rx, ry)
			d.setFont("", bodySize)
			p.CellFormat(rw-vw, lineH(bodySize), label, "", 0, "R", false, 0, "")
			d.setFont("B", bodySize)
			p.CellFormat(vw, lineH(bodySize), l, "", 0, "R", false, 0, "")
			label = ""
			ry += lineH(bodySize)
		}
	}
	p.SetY(max(y, ry) + 6)
}

// Heading writes a bold title line, keeping room for some text after it.
func (d *Doc) Heading(text string) {
	d.EnsureSpace(lineH(11) + 3*lineH(bodySize))
	d.setFont("B", 11)
	for _, l := range d.wrap(text, d.ContentWidth()) {
		d.pdf.SetX(marginMM)
		d.pdf.CellFormat(d.ContentWidth(), lineH(11), l, "", 1, "L", false, 0, "")
	}
	d.pdf.SetY(d.pdf.GetY() + 1)
}

// Paragraph writes wrapped text in the body font (style "", "B" or "I"),
// breaking pages between lines; blank lines in text separate paragraphs.
func (d *Doc) Paragraph(text, style string, size float64) {
	if size == 0 {
		size = bodySize
	}
	d.setFont(style, size)
	lh := lineH(size)
	for _, l := range d.wrap(strings.TrimSpace(text), d.ContentWidth()) {
		if d.Remaining() < lh {
			d.NewPage()
			d.setFont(style, size)
		}
		d.pdf.SetX(marginMM)
		d.pdf.CellFormat(d.ContentWidth(), lh, l, "", 1, "L", false, 0, "")
	}
}

// Block writes lines of text at x (mm from the left margin) in a column of
// width w, starting at the current y, and returns the y below them; it does
// not break pages (keep blocks short, such as an address).
func (d *Doc) Block(x, w float64, lines []string, style string, size float64) float64 {
	d.setFont(style, size)
	y := d.pdf.GetY()
	for _, text := range lines {
		for _, l := range d.wrap(text, w) {
			d.pdf.SetXY(marginMM+x, y)
			d.pdf.CellFormat(w, lineH(size), l, "", 0, "L", false, 0, "")
			y += lineH(size)
		}
	}
	return y
}

// Write finishes the document and writes the PDF to w.
func (d *Doc) Write(w io.Writer) error {
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("export: write the PDF: %w", err)
	}
	return nil
}
