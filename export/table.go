package export

// Column is one column of a Table.
type Column struct {
	Title  string
	Weight float64 // share of the table's width, relative to the other columns
	Align  string  // "L" (default), "R" or "C"
}

// RowKind styles a table row.
type RowKind int

// Row kinds.
const (
	RowNormal   RowKind = iota
	RowSection          // a heading row: its first cell spans every column, bold on a tint
	RowSubtotal         // bold, with a rule above
	RowMuted            // grey text, e.g. optional lines
)

// Row is one row of a Table. Subs, when given, are smaller italic lines
// printed under the cell of the same index (a SKU, a note).
type Row struct {
	Kind  RowKind
	Cells []string
	Subs  []string
}

// Table is a grid whose header repeats at the top of every page it spans.
// Cells wrap within their column; a row taller than the space left moves to
// the next page, and a row taller than a whole page is split between lines.
type Table struct {
	Columns  []Column
	Rows     []Row
	FontSize float64 // body size when 0
	NoHeader bool    // a plain grid, such as a totals block
	Left     float64 // millimetres from the left margin where the table starts
}

// vline is one visual line of a cell.
type vline struct {
	text string
	sub  bool
}

const cellPadY = 1.0

// Table draws t at the current position.
func (d *Doc) Table(t Table) {
	size := t.FontSize
	if size == 0 {
		size = bodySize
	}
	subSize := size - 1.5
	var total float64
	for _, c := range t.Columns {
		total += c.Weight
	}
	widths := make([]float64, len(t.Columns))
	for i, c := range t.Columns {
		widths[i] = (d.ContentWidth() - t.Left) * c.Weight / total
	}
	header := Row{Cells: make([]string, len(t.Columns))}
	for i, c := range t.Columns {
		header.Cells[i] = c.Title
	}
	tl := tableLayout{d: d, t: t, widths: widths, size: size, subSize: subSize}
	headerLines := tl.lines(header, true)
	headerH := tl.height(headerLines)
	drawHeader := func() {
		tl.draw(header, headerLines, true)
	}
	if t.NoHeader {
		headerH = 0
		drawHeader = func() {}
	}
	// Keep the header with at least its first row.
	firstH := headerH
	if len(t.Rows) > 0 {
		firstH += tl.height(tl.lines(t.Rows[0], false))
	}
	if d.Remaining() < min(firstH, d.pageBody()) {
		d.NewPage()
	}
	drawHeader()
	for i, r := range t.Rows {
		lines := tl.lines(r, false)
		if r.Kind == RowSection && i+1 < len(t.Rows) {
			// Keep a section heading with its first row.
			both := tl.height(lines) + tl.height(tl.lines(t.Rows[i+1], false))
			if both > d.Remaining() && both <= d.pageBody()-headerH {
				d.NewPage()
				drawHeader()
			}
		}
		for {
			h := tl.height(lines)
			if h <= d.Remaining() {
				tl.draw(r, lines, false)
				break
			}
			if h <= d.pageBody()-headerH {
				d.NewPage()
				drawHeader()
				continue
			}
			// Taller than a page: draw what fits, continue on the next page.
			now, rest := tl.cut(lines, d.Remaining())
			if now != nil {
				tl.draw(r, now, false)
			}
			lines = rest
			d.NewPage()
			drawHeader()
		}
	}
	d.pdf.SetY(d.pdf.GetY() + 1)
}

// pageBody is the height a page offers below its running header.
func (d *Doc) pageBody() float64 { return d.bottom - (marginMM + headerDepth - 8) }

type tableLayout struct {
	d             *Doc
	t             Table
	widths        []float64
	size, subSize float64
}

func (tl *tableLayout) lines(r Row, header bool) [][]vline {
	out := make([][]vline, len(tl.widths))
	style := ""
	if header || r.Kind == RowSection || r.Kind == RowSubtotal {
		style = "B"
	}
	for i := range tl.widths {
		w := tl.widths[i]
		if r.Kind == RowSection {
			if i > 0 {
				break
			}
			w = tl.d.ContentWidth() - tl.t.Left
		}
		if i < len(r.Cells) {
			tl.d.setFont(style, tl.size)
			for _, l := range tl.d.wrap(r.Cells[i], w) {
				out[i] = append(out[i], vline{text: l})
			}
		}
		if i < len(r.Subs) && r.Subs[i] != "" {
			tl.d.setFont("I", tl.subSize)
			for _, l := range tl.d.wrap(r.Subs[i], w) {
				out[i] = append(out[i], vline{text: l, sub: true})
			}
		}
	}
	return out
}

func (tl *tableLayout) cellHeight(ls []vline) float64 {
	var h float64
	for _, l := range ls {
		if l.sub {
			h += lineH(tl.subSize)
		} else {
			h += lineH(tl.size)
		}
	}
	return h
}

func (tl *tableLayout) height(cells [][]vline) float64 {
	var h float64
	for _, c := range cells {
		h = max(h, tl.cellHeight(c))
	}
	return h + 2*cellPadY
}

// cut splits cells so that the first part fits in avail millimetres.
func (tl *tableLayout) cut(cells [][]vline, avail float64) (now, rest [][]vline) {
	now, rest = make([][]vline, len(cells)), make([][]vline, len(cells))
	any := false
	for i, c := range cells {
		var h float64
		n := 0
		for n < len(c) {
			lh := lineH(tl.size)
			if c[n].sub {
				lh = lineH(tl.subSize)
			}
			if h+lh > avail-2*cellPadY {
				break
			}
			h += lh
			n++
		}
		now[i], rest[i] = c[:n], c[n:]
		any = any || n > 0
	}
	if !any {
		return nil, cells
	}
	return now, rest
}

func (tl *tableLayout) draw(r Row, cells [][]vline, header bool) {
	p := tl.d.pdf
	x0, y0 := marginMM+tl.t.Left, p.GetY()
	h := tl.height(cells)
	w := tl.d.ContentWidth() - tl.t.Left
	switch {
	case header:
		p.SetFillColor(232, 236, 242)
		p.Rect(x0, y0, w, h, "F")
	case r.Kind == RowSection:
		p.SetFillColor(244, 246, 249)
		p.Rect(x0, y0, w, h, "F")
	case r.Kind == RowSubtotal:
		p.SetDrawColor(120, 120, 120)
		p.Line(x0, y0, x0+w, y0)
	}
	if r.Kind == RowMuted && !header {
		p.SetTextColor(100, 100, 100)
	}
	style := ""
	if header || r.Kind == RowSection || r.Kind == RowSubtotal {
		style = "B"
	}
	x := x0
	for i, cw := range tl.widths {
		align := tl.t.Columns[i].Align
		if align == "" || header && align == "C" {
			align = "L"
		}
		if header && tl.t.Columns[i].Align == "R" {
			align = "R"
		}
		if r.Kind == RowSection {
			cw, align = w, "L"
		}
		y := y0 + cellPadY
		for _, l := range cells[i] {
			size, st := tl.size, style
			if l.sub {
				size, st = tl.subSize, "I"
				p.SetTextColor(90, 90, 90)
			}
			tl.d.setFont(st, size)
			p.SetXY(x, y)
			p.CellFormat(cw, lineH(size), l.text, "", 0, align, false, 0, "")
			y += lineH(size)
			if l.sub {
				if r.Kind == RowMuted {
					p.SetTextColor(100, 100, 100)
				} else {
					p.SetTextColor(0, 0, 0)
				}
			}
		}
		if r.Kind == RowSection {
			break
		}
		x += cw
	}
	p.SetTextColor(0, 0, 0)
	if !header && r.Kind != RowSection {
		p.SetDrawColor(220, 220, 220)
		p.Line(x0, y0+h, x0+w, y0+h)
	}
	p.SetY(y0 + h)
}
