package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Bar charts of the dashboard, drawn with Fyne canvas rectangles, lines and
// texts. Bars are tappable: a tap opens the records behind them.

// The dashboard palette, the same as the PDF reports'.
var (
	chartActual   = color.NRGBA{46, 91, 153, 255}
	chartPartial  = color.NRGBA{120, 152, 196, 255}
	chartForecast = color.NRGBA{163, 190, 227, 255}
	chartPipeline = color.NRGBA{232, 152, 48, 255}
	chartTarget   = color.NRGBA{196, 48, 48, 255}
	chartAverage  = color.NRGBA{110, 110, 110, 255}
)

// chartPart is one stacked segment of a bar.
type chartPart struct {
	value int64
	color color.Color
}

// chartBar is one bar: stacked parts, an optional mark (a target or an
// average, drawn across the bar) and an optional dot (the backtest's forecast).
type chartBar struct {
	label  string // under a vertical bar, beside a horizontal one
	sub    string // a second line under a vertical bar (the year)
	parts  []chartPart
	mark   int64
	dot    int64
	hasDot bool
	note   string // the value printed beside a horizontal bar
	open   func() // what a tap on the bar does; nil: nothing
}

func (b chartBar) total() int64 {
	var t int64
	for _, p := range b.parts {
		t += p.value
	}
	return t
}

// legendEntry names a colour of the chart.
type legendEntry struct {
	label string
	color color.Color
	line  bool // a mark rather than a bar colour
}

// barChart is a vertical (months) or horizontal (people, products) bar chart.
type barChart struct {
	widget.BaseWidget
	horizontal bool
	bars       []chartBar
	legend     []legendEntry
	axis       func(v int64) string // labels of the value axis
	line       int64                // a horizontal line across a vertical chart (a target); 0 for none
	markColor  color.Color
	minSize    fyne.Size
	hits       []hit // where each bar was drawn, for taps
}

type hit struct {
	pos, size fyne.Position
	open      func()
}

func newBarChart(horizontal bool, minSize fyne.Size, axis func(int64) string) *barChart {
	c := &barChart{horizontal: horizontal, axis: axis, minSize: minSize, markColor: chartTarget}
	c.ExtendBaseWidget(c)
	return c
}

// set replaces the bars and legend and redraws.
func (c *barChart) set(bars []chartBar, legend []legendEntry) {
	c.bars, c.legend = bars, legend
	c.Refresh()
}

// Tapped opens the records behind the bar under the pointer.
func (c *barChart) Tapped(ev *fyne.PointEvent) {
	for _, h := range c.hits {
		p := ev.Position
		if p.X >= h.pos.X && p.X <= h.pos.X+h.size.X && p.Y >= h.pos.Y && p.Y <= h.pos.Y+h.size.Y && h.open != nil {
			h.open()
			return
		}
	}
}

// Cursor shows a hand over a chart whose bars open something.
func (c *barChart) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (c *barChart) CreateRenderer() fyne.WidgetRenderer { return &chartRenderer{c: c} }

type chartRenderer struct {
	c    *barChart
	objs []fyne.CanvasObject
}

func (r *chartRenderer) Destroy()                     {}
func (r *chartRenderer) MinSize() fyne.Size           { return r.c.minSize }
func (r *chartRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *chartRenderer) Refresh() {
	r.Layout(r.c.Size())
	canvas.Refresh(r.c)
}

func chartText(s string, size float32, col color.Color, align fyne.TextAlign) *canvas.Text {
	t := canvas.NewText(s, col)
	t.TextSize = size
	t.Alignment = align
	return t
}

func place(o fyne.CanvasObject, x, y, w, h float32) fyne.CanvasObject {
	o.Move(fyne.NewPos(x, y))
	o.Resize(fyne.NewSize(w, h))
	return o
}

// Layout draws the chart anew for the given size.
func (r *chartRenderer) Layout(size fyne.Size) {
	c := r.c
	r.objs = r.objs[:0]
	c.hits = c.hits[:0]
	if size.Width <= 0 || size.Height <= 0 || len(c.bars) == 0 {
		return
	}
	fg := theme.Color(theme.ColorNameForeground)
	dim := theme.Color(theme.ColorNameDisabled)
	grid := theme.Color(theme.ColorNameSeparator)
	small := theme.TextSize() * 0.8

	// Legend along the top.
	y := float32(0)
	if len(c.legend) > 0 {
		x := float32(0)
		for _, e := range c.legend {
			if e.line {
				l := canvas.NewLine(e.color)
				l.StrokeWidth = 2
				r.objs = append(r.objs, place(l, x+5, 2, 0, small))
			} else {
				r.objs = append(r.objs, place(canvas.NewRectangle(e.color), x, 3, 10, small-2))
			}
			t := chartText(fitText(e.label, size.Width-x-14, small, fyne.TextStyle{}), small, dim, fyne.TextAlignLeading)
			w := t.MinSize().Width
			r.objs = append(r.objs, place(t, x+14, 0, w, small+4))
			x += 14 + w + 14
		}
		y = small + 8
	}
	var maxV float64
	for _, b := range c.bars {
		maxV = math.Max(maxV, math.Max(float64(b.total()), float64(b.mark)))
		if b.hasDot {
			maxV = math.Max(maxV, float64(b.dot))
		}
	}
	maxV = math.Max(maxV, float64(c.line))
	step, top := niceStep(maxV, 4)
	if c.horizontal {
		r.horizontal(size, y, top, fg, dim, small)
		return
	}
	// Vertical bars: value axis on the left, labels under the bars.
	axisW := float32(0)
	for v := 0.0; v <= top+step/2; v += step {
		axisW = fyne.Max(axisW, chartText(c.axis(int64(v)), small, dim, fyne.TextAlignTrailing).MinSize().Width)
	}
	axisW += 6
	labelH := 2*small + 6
	plotTop, plotH := y+small/2, size.Height-y-small/2-labelH
	if plotH <= 10 {
		return
	}
	scale := float64(plotH) / top
	base := plotTop + plotH
	for v := 0.0; v <= top+step/2; v += step {
		yy := base - float32(v*scale)
		l := canvas.NewLine(grid)
		l.StrokeWidth = 1
		r.objs = append(r.objs, place(l, axisW, yy, size.Width-axisW, 0))
		r.objs = append(r.objs, place(chartText(c.axis(int64(v)), small, dim, fyne.TextAlignTrailing), 0, yy-small/2-2, axisW-6, small+4))
	}
	slot := (size.Width - axisW) / float32(len(c.bars))
	bw := slot * 0.68
	// Label every month when they fit, else every second or third.
	every := 1
	for _, b := range c.bars {
		w := fyne.MeasureText(b.label, small, fyne.TextStyle{}).Width + 4
		every = max(every, int(w/slot)+1)
	}
	var prevDot *fyne.Position
	for i, b := range c.bars {
		x := axisW + float32(i)*slot + (slot-bw)/2
		acc := 0.0
		for _, p := range b.parts {
			h := float32(float64(p.value) * scale)
			yy := base - float32(acc*scale) - h
			r.objs = append(r.objs, place(canvas.NewRectangle(p.color), x, yy, bw, h))
			acc += float64(p.value)
		}
		if b.hasDot {
			pos := fyne.NewPos(x+bw/2, base-float32(float64(b.dot)*scale))
			if prevDot != nil {
				l := canvas.NewLine(chartTarget)
				l.StrokeWidth = 1
				l.Position1, l.Position2 = *prevDot, pos
				r.objs = append(r.objs, l)
			}
			d := canvas.NewCircle(chartTarget)
			r.objs = append(r.objs, place(d, pos.X-3, pos.Y-3, 6, 6))
			prevDot = &pos
		}
		if i%every == 0 {
			r.objs = append(r.objs, place(chartText(b.label, small, dim, fyne.TextAlignCenter), x-6, base+2, bw+12, small+2))
		}
		if b.sub != "" {
			r.objs = append(r.objs, place(chartText(b.sub, small, dim, fyne.TextAlignCenter), x-10, base+small+4, bw+20, small+2))
		}
		c.hits = append(c.hits, hit{pos: fyne.NewPos(x, plotTop), size: fyne.NewPos(bw, plotH+labelH), open: b.open})
	}
	if c.line > 0 {
		l := canvas.NewLine(chartTarget)
		l.StrokeWidth = 2
		yy := base - float32(float64(c.line)*scale)
		r.objs = append(r.objs, place(l, axisW, yy, size.Width-axisW, 0))
	}
	axis := canvas.NewLine(fg)
	axis.StrokeWidth = 1
	r.objs = append(r.objs, place(axis, axisW, base, size.Width-axisW, 0))
}

// horizontal lays out one bar per row: the label, the bar, then its note.
func (r *chartRenderer) horizontal(size fyne.Size, y float32, top float64, fg, dim color.Color, small float32) {
	c := r.c
	labelW := fyne.Min(size.Width*0.36, 200)
	noteW := fyne.Min(size.Width*0.26, 130)
	barX, barW := labelW+6, size.Width-labelW-6-noteW
	rowH := (size.Height - y) / float32(len(c.bars))
	rowH = fyne.Min(rowH, 30)
	if barW <= 10 || rowH <= 4 {
		return
	}
	for i, b := range c.bars {
		yy := y + float32(i)*rowH
		lbl := chartText(fitText(b.label, labelW-4, small, fyne.TextStyle{}), small, fg, fyne.TextAlignTrailing)
		r.objs = append(r.objs, place(lbl, 0, yy+(rowH-small)/2-2, labelW, small+4))
		acc := 0.0
		for _, p := range b.parts {
			w := float32(float64(p.value) / top * float64(barW))
			r.objs = append(r.objs, place(canvas.NewRectangle(p.color), barX+float32(acc/top*float64(barW)), yy+rowH*0.18, w, rowH*0.64))
			acc += float64(p.value)
		}
		if b.mark > 0 {
			l := canvas.NewLine(c.markColor)
			l.StrokeWidth = 2
			mx := barX + float32(float64(b.mark)/top*float64(barW))
			r.objs = append(r.objs, place(l, mx, yy+2, 0, rowH-4))
		}
		r.objs = append(r.objs, place(chartText(fitText(b.note, noteW-8, small, fyne.TextStyle{}), small, dim, fyne.TextAlignLeading), barX+barW+6, yy+(rowH-small)/2-2, noteW-6, small+4))
		c.hits = append(c.hits, hit{pos: fyne.NewPos(0, yy), size: fyne.NewPos(size.Width, rowH), open: b.open})
	}
}

// niceStep returns a round step (1, 2 or 5 × 10ⁿ) and the axis top showing
// values up to max in about ticks steps.
func niceStep(max float64, ticks int) (step, top float64) {
	if max <= 0 {
		return 1, float64(ticks)
	}
	raw := max / float64(ticks)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	top = math.Ceil(max/step) * step
	return step, top
}
