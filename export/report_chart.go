package export

import (
	"math"
	"strconv"

	"relais/report"
)

// Charts drawn as vectors with gofpdf's lines, rectangles and text, so they
// print sharp at any size and their labels stay searchable text.

type rgb [3]int

// The report palette: sales in the letterhead blue, forecasts lighter, the
// pipeline in amber, targets in red, averages in grey.
var (
	colActual   = rgb{46, 91, 153}
	colForecast = rgb{163, 190, 227}
	colPipeline = rgb{232, 152, 48}
	colTarget   = rgb{196, 48, 48}
	colAverage  = rgb{110, 110, 110}
	colGrid     = rgb{222, 222, 222}
	colAxisText = rgb{90, 90, 90}
)

func (d *Doc) fill(c rgb) { d.pdf.SetFillColor(c[0], c[1], c[2]) }
func (d *Doc) draw(c rgb) { d.pdf.SetDrawColor(c[0], c[1], c[2]) }
func (d *Doc) ink(c rgb)  { d.pdf.SetTextColor(c[0], c[1], c[2]) }

// text writes s (cleaned) in a box at (x, y) of width w, aligned "L", "C" or "R".
func (d *Doc) text(x, y, w float64, s, align, style string, size float64) {
	d.setFont(style, size)
	d.pdf.SetXY(x, y)
	d.pdf.CellFormat(w, lineH(size), d.clean.clean(s), "", 0, align, false, 0, "")
}

// legendItem is one entry of a chart legend: a colour swatch or a line mark.
type legendItem struct {
	label string
	col   rgb
	mark  bool // a short vertical line (a target or an average) rather than a swatch
	line  bool // a short horizontal line (a target across a chart)
	dot   bool // a dot on a dashed line (the backtest)
}

// legend draws items in a row starting at (x, y) and returns its height.
func (d *Doc) legend(x, y float64, items []legendItem) float64 {
	const size = 7.0
	d.setFont("", size)
	for _, it := range items {
		switch {
		case it.mark:
			d.draw(it.col)
			d.pdf.SetLineWidth(0.6)
			d.pdf.Line(x+1.2, y+0.4, x+1.2, y+2.8)
		case it.line:
			d.draw(it.col)
			d.pdf.SetLineWidth(0.5)
			d.pdf.Line(x, y+1.6, x+3, y+1.6)
		case it.dot:
			d.draw(it.col)
			d.fill(it.col)
			d.pdf.SetLineWidth(0.3)
			d.pdf.Line(x, y+1.6, x+3, y+1.6)
			d.pdf.Circle(x+1.5, y+1.6, 0.55, "F")
		default:
			d.fill(it.col)
			d.pdf.Rect(x, y+0.4, 3, 2.4, "F")
		}
		label := d.clean.clean(it.label)
		w := d.pdf.GetStringWidth(label) + 2*d.pdf.GetCellMargin()
		d.ink(colAxisText)
		d.pdf.SetXY(x+3.5, y)
		d.pdf.CellFormat(w, 3.2, label, "", 0, "L", false, 0, "")
		x += 3.5 + w + 3
	}
	d.pdf.SetTextColor(0, 0, 0)
	d.pdf.SetLineWidth(0.2)
	return 4
}

// monthlyChart draws monthly sales as bars, the forecast months as stacked
// bars (time series, then weighted pipeline), and the backtest's
// one-month-ahead forecasts as dots on the months they forecast, and a
// monthly target as a line when target > 0. It fills the box (x, y, w, h).
func (d *Doc) monthlyChart(x, y, w, h float64, t *report.Trend, target int64, cur, lang string, l Labels) {
	p := d.pdf
	type slot struct {
		m        report.Month
		actual   int64
		has      bool
		partial  bool
		forecast *report.ForecastPoint
		back     int64
		hasBack  bool
	}
	var slots []*slot
	index := map[report.Month]*slot{}
	add := func(m report.Month) *slot {
		if s, ok := index[m]; ok {
			return s
		}
		s := &slot{m: m}
		slots = append(slots, s)
		index[m] = s
		return s
	}
	for _, m := range t.Months {
		s := add(m.Month)
		s.actual, s.has, s.partial = m.Sales, true, m.Partial
	}
	for i := range t.Forecast {
		add(t.Forecast[i].Month).forecast = &t.Forecast[i]
	}
	for _, b := range t.Backtest {
		if s, ok := index[b.Month]; ok {
			s.back, s.hasBack = b.Forecast, true
		}
	}
	if len(slots) == 0 {
		return
	}
	maxV := float64(target)
	for _, s := range slots {
		maxV = math.Max(maxV, float64(s.actual))
		if s.forecast != nil {
			maxV = math.Max(maxV, float64(s.forecast.Total))
		}
		if s.hasBack {
			maxV = math.Max(maxV, float64(s.back))
		}
	}

	// Legend on top, axis labels left and below.
	items := []legendItem{{label: l.Get("report.legend.actual"), col: colActual}}
	if len(t.Forecast) > 0 {
		items = append(items, legendItem{label: l.Get("report.legend.forecast"), col: colForecast},
			legendItem{label: l.Get("report.legend.pipeline"), col: colPipeline})
	}
	if len(t.Backtest) > 0 {
		items = append(items, legendItem{label: l.Get("report.legend.backtest"), col: colTarget, dot: true})
	}
	if target > 0 {
		items = append(items, legendItem{label: l.Get("report.legend.target"), col: colTarget, line: true})
	}
	top := y + d.legend(x, y, items) + 2
	const axisW, axisH = 17.0, 9.0
	px, pw := x+axisW, w-axisW
	ph := y + h - axisH - top
	step, topV := niceScale(maxV, 4)
	scale := ph / topV
	base := top + ph

	// Grid and y labels.
	p.SetLineWidth(0.15)
	d.ink(colAxisText)
	for v := 0.0; v <= topV+step/2; v += step {
		yy := base - v*scale
		d.draw(colGrid)
		p.Line(px, yy, px+pw, yy)
		d.text(x, yy-lineH(6.5)/2, axisW-1.5, formatShortMoney(int64(v), cur, lang), "R", "", 6.5)
	}

	slotW := pw / float64(len(slots))
	barW := slotW * 0.68
	var dots [][2]float64
	for i, s := range slots {
		bx := px + float64(i)*slotW + (slotW-barW)/2
		if f := s.forecast; f != nil {
			// Time series part, then the pipeline stacked on it.
			hb, hp := float64(f.Baseline)*scale, float64(f.Pipeline)*scale
			d.fill(colForecast)
			p.Rect(bx, base-hb, barW, hb, "F")
			d.fill(colPipeline)
			p.Rect(bx, base-hb-hp, barW, hp, "F")
		}
		if s.has {
			hv := float64(s.actual) * scale
			bw, off := barW, 0.0
			if s.forecast != nil { // the month in progress: its sales so far beside the forecast
				bw, off = barW*0.5, barW*0.25
			}
			d.fill(colActual)
			if s.partial {
				d.fill(rgb{120, 152, 196})
			}
			p.Rect(bx+off, base-hv, bw, hv, "F")
		}
		if s.hasBack {
			dots = append(dots, [2]float64{bx + barW/2, base - float64(s.back)*scale})
		}
		// Month label; the year under January and under the first bar.
		d.ink(colAxisText)
		d.text(bx-2, base+0.8, barW+4, formatShortMonth(s.m, lang, false), "C", "", 6)
		if i == 0 || s.m.Month == 1 {
			d.text(bx-3, base+0.8+lineH(6), barW+6, strconv.Itoa(s.m.Year), "C", "", 6)
		}
	}
	// The backtest: the forecast each past month had, joined by a dashed line.
	if len(dots) > 0 {
		d.draw(colTarget)
		d.fill(colTarget)
		p.SetLineWidth(0.3)
		p.SetDashPattern([]float64{1, 0.8}, 0)
		for i := 1; i < len(dots); i++ {
			p.Line(dots[i-1][0], dots[i-1][1], dots[i][0], dots[i][1])
		}
		p.SetDashPattern([]float64{}, 0)
		for _, dt := range dots {
			p.Circle(dt[0], dt[1], 0.7, "F")
		}
	}
	if target > 0 {
		ty := base - float64(target)*scale
		d.draw(colTarget)
		p.SetLineWidth(0.4)
		p.Line(px, ty, px+pw, ty)
	}
	d.draw(colAxisText)
	p.SetLineWidth(0.25)
	p.Line(px, base, px+pw, base)
	p.SetTextColor(0, 0, 0)
	p.SetLineWidth(0.2)
}

// hbar is one row of a horizontal bar chart.
type hbar struct {
	label  string
	value  int64
	mark   int64 // a target or an average drawn as a tick; 0 for none
	muted  bool
	suffix string // printed after the value, e.g. "85 %"
}

// hbarChart draws rows of horizontal bars from (x, y), width w, and returns
// the height used. markLabel names the tick in the legend ("" for none).
func (d *Doc) hbarChart(x, y, w float64, rows []hbar, markLabel string, markCol rgb, cur, lang string) float64 {
	p := d.pdf
	if len(rows) == 0 {
		return 0
	}
	const rowH, labelW, valueW = 5.6, 48.0, 34.0
	used := 0.0
	if markLabel != "" {
		used = d.legend(x+labelW, y, []legendItem{{label: markLabel, col: markCol, mark: true}}) + 1
	}
	var maxV float64
	for _, r := range rows {
		maxV = math.Max(maxV, math.Max(float64(r.value), float64(r.mark)))
	}
	if maxV <= 0 {
		maxV = 1
	}
	bx, bw := x+labelW, w-labelW-valueW
	for i, r := range rows {
		yy := y + used + float64(i)*rowH
		d.ink(rgb{0, 0, 0})
		if r.muted {
			d.ink(colAxisText)
		}
		label := d.clean.clean(r.label)
		d.setFont("", 7.5)
		for p.GetStringWidth(label) > labelW-2 && len([]rune(label)) > 4 {
			rs := []rune(label)
			label = string(rs[:len(rs)-2]) + "…"
		}
		p.SetXY(x, yy)
		p.CellFormat(labelW-1, rowH, label, "", 0, "R", false, 0, "")
		lw := float64(r.value) / maxV * bw
		d.fill(colActual)
		if r.muted {
			d.fill(colForecast)
		}
		p.Rect(bx, yy+1.1, math.Max(lw, 0), rowH-2.2, "F")
		if r.mark > 0 {
			mx := bx + float64(r.mark)/maxV*bw
			d.draw(markCol)
			p.SetLineWidth(0.6)
			p.Line(mx, yy+0.4, mx, yy+rowH-0.4)
			p.SetLineWidth(0.2)
		}
		v := FormatMoney(r.value, cur, lang)
		if r.suffix != "" {
			v += " · " + r.suffix
		}
		d.ink(colAxisText)
		d.text(bx+bw+1, yy+(rowH-lineH(7))/2, valueW-1, v, "L", "", 7)
	}
	p.SetTextColor(0, 0, 0)
	return used + float64(len(rows))*rowH
}

// tile is one key figure of a summary grid.
type tile struct {
	label string
	value string
	notes []string // smaller lines under the value: changes, context
}

// tiles draws key figures in a grid of cols columns from the current y and
// moves below it.
func (d *Doc) tiles(ts []tile, cols int) {
	p := d.pdf
	const gap, tileH = 3.0, 21.0
	w := (d.ContentWidth() - gap*float64(cols-1)) / float64(cols)
	for i := 0; i < len(ts); i += cols {
		d.EnsureSpace(tileH + gap)
		y := p.GetY()
		for j := 0; j < cols && i+j < len(ts); j++ {
			t := ts[i+j]
			x := marginMM + float64(j)*(w+gap)
			d.fill(rgb{244, 246, 249})
			p.Rect(x, y, w, tileH, "F")
			d.fill(colActual)
			p.Rect(x, y, 0.9, tileH, "F")
			d.ink(colAxisText)
			d.text(x+2, y+1.2, w-3, t.label, "L", "", 7.5)
			p.SetTextColor(0, 0, 0)
			d.text(x+2, y+5.2, w-3, t.value, "L", "B", 12)
			d.ink(colAxisText)
			for k, n := range t.notes {
				if k == 2 {
					break
				}
				d.text(x+2, y+11.4+float64(k)*lineH(7), w-3, n, "L", "", 7)
			}
			p.SetTextColor(0, 0, 0)
		}
		p.SetY(y + tileH + gap)
	}
}
