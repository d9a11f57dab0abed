package ui

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/export"
	"relais/model"
	"relais/report"
)

// dashboardScreen is the Reports screen: a month picker, the key figures
// of the month with their change against the month before, charts (monthly
// sales with the forecast, sales per rep against target, top products) and
// the monthly report as PDF, XLSX or CSV. A tap on a figure or a bar lists
// the records behind it.
type dashboardScreen struct {
	a      *App
	box    fyne.CanvasObject
	months []report.Month
	month  report.Month
	picker *widget.Select
	cards  *fyne.Container
	notes  *widget.Label
	sales  *barChart
	reps   *barChart
	prods  *barChart
	r      *report.MonthlyReport
	gen    int         // the latest load; older results are dropped
	behind *behindList // the list of records last opened
}

func newDashboardScreen(a *App) screen {
	s := &dashboardScreen{a: a}
	money := func(v int64) string { return a.fmt.MoneyShort(v, s.currency()) }
	s.sales = newBarChart(false, fyne.NewSize(300, 200), money)
	s.reps = newBarChart(true, fyne.NewSize(300, 120), money)
	s.prods = newBarChart(true, fyne.NewSize(300, 120), money)
	s.prods.markColor = chartAverage
	s.picker = widget.NewSelect(nil, s.onPick)
	prev := widget.NewButtonWithIcon("", theme.NavigateBackIcon(), func() { s.step(-1) })
	next := widget.NewButtonWithIcon("", theme.NavigateNextIcon(), func() { s.step(1) })
	pdf := widget.NewButtonWithIcon(lang.L("report.ui.export_pdf"), theme.DocumentPrintIcon(), func() { s.onExport(".pdf") })
	xlsx := widget.NewButtonWithIcon(lang.L("report.ui.export_xlsx"), theme.DownloadIcon(), func() { s.onExport(".xlsx") })
	csvB := widget.NewButtonWithIcon(lang.L("report.ui.export_csv"), theme.DownloadIcon(), func() { s.onExport(".csv") })
	bar := container.NewBorder(nil, nil, container.NewHBox(prev, container.NewGridWrap(fyne.NewSize(220, s.picker.MinSize().Height), s.picker), next),
		container.NewHBox(pdf, xlsx, csvB))
	s.cards = container.NewGridWithColumns(6)
	s.notes = mutedPara("")
	charts := container.NewGridWithColumns(2,
		container.NewBorder(heading(lang.L("report.chart.monthly")), nil, nil, nil, s.sales),
		container.NewGridWithRows(2,
			container.NewBorder(heading(lang.L("report.chart.reps")), nil, nil, nil, s.reps),
			container.NewBorder(heading(lang.L("report.chart.products_short")), nil, nil, nil, s.prods)))
	s.box = container.NewBorder(container.NewVBox(bar, s.cards), s.notes, nil, nil, charts)
	return s
}

func (s *dashboardScreen) id() string                 { return "reports" }
func (s *dashboardScreen) title() string              { return lang.L("nav.reports") }
func (s *dashboardScreen) icon() fyne.Resource        { return theme.ListIcon() }
func (s *dashboardScreen) content() fyne.CanvasObject { return s.box }

func (s *dashboardScreen) currency() string {
	if s.r != nil {
		return s.r.Currency
	}
	return s.a.fmt.currency
}

// monthLabel names a month in the picker: "octobre 2026", "(en cours)" for this one.
func (s *dashboardScreen) monthLabel(m report.Month, current report.Month) string {
	label := export.FormatMonth(m, s.a.lang)
	if m == current {
		label += " " + lang.L("report.ui.in_progress")
	}
	return label
}

func (s *dashboardScreen) refresh() {
	now := s.a.store.Now().In(s.a.fmt.loc)
	cur := report.MonthOf(now)
	s.months = s.months[:0]
	var labels []string
	for i := 0; i < 24; i++ {
		m := cur.Add(-i)
		s.months = append(s.months, m)
		labels = append(labels, s.monthLabel(m, cur))
	}
	s.picker.Options = labels
	if s.month.IsZero() {
		s.month = cur.Add(-1) // the last complete month
	}
	s.picker.SetSelected(s.monthLabel(s.month, cur)) // loads it (onPick)
	s.picker.Refresh()
}

func (s *dashboardScreen) onPick(label string) {
	for i, m := range s.months {
		if s.picker.Options[i] == label {
			s.month = m
			s.load()
			return
		}
	}
}

// step moves the month by n (−1: the month before).
func (s *dashboardScreen) step(n int) {
	m := s.month.Add(n)
	for i, x := range s.months {
		if x == m {
			s.picker.SetSelected(s.picker.Options[i])
			return
		}
	}
}

func (s *dashboardScreen) options() report.Options {
	return report.Options{Location: s.a.fmt.loc}
}

func (s *dashboardScreen) load() {
	s.gen++
	gen, m := s.gen, s.month
	s.notes.SetText(lang.L("report.ui.loading"))
	a := s.a
	a.load(func(ctx context.Context) func() {
		r, err := report.Monthly(ctx, a.store, m, s.options())
		return func() {
			if gen != s.gen {
				return // the user picked another month meanwhile
			}
			if err != nil {
				s.notes.SetText("")
				a.showError(err)
				return
			}
			s.show(r)
		}
	})
}

// card is one key figure: tapping it lists the records behind it.
type card struct {
	widget.BaseWidget
	label, change *widget.Label
	value         *canvas.Text
	bg            *canvas.Rectangle
	onTap         func()
}

// newCard makes a figure's card; tone colours the change: good news in
// green (widget.SuccessImportance), bad in red (DangerImportance).
func newCard(label, value, change string, tone widget.Importance, tap func()) *card {
	c := &card{onTap: tap}
	c.label = widget.NewLabel(label)
	c.label.Importance = widget.LowImportance
	c.label.Truncation = fyne.TextTruncateEllipsis
	c.label.SizeName = theme.SizeNameCaptionText
	c.value = canvas.NewText(value, theme.Color(theme.ColorNameForeground))
	c.value.TextSize = theme.TextSize() * 1.3
	c.value.TextStyle = fyne.TextStyle{Bold: true}
	c.change = widget.NewLabel(change)
	c.change.Truncation = fyne.TextTruncateEllipsis
	c.change.SizeName = theme.SizeNameCaptionText
	c.change.Importance = tone
	c.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	c.bg.CornerRadius = theme.InputRadiusSize()
	c.ExtendBaseWidget(c)
	return c
}

func (c *card) Tapped(*fyne.PointEvent) {
	if c.onTap != nil {
		c.onTap()
	}
}

func (c *card) Cursor() desktop.Cursor { return desktop.PointerCursor }

func (c *card) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(container.NewStack(c.bg, container.New(&cardRows{}, c.label, c.value, c.change)))
}

// cardRows stacks a card's label, value and change with little space
// between, each as wide as the card (so the labels truncate).
type cardRows struct{}

func (cardRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h += o.MinSize().Height
	}
	return fyne.NewSize(60, h-2*theme.InnerPadding()+theme.Padding())
}

func (cardRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := -theme.InnerPadding() / 2
	for i, o := range objs {
		h := o.MinSize().Height
		x := float32(0)
		if i == 1 { // the value: a bare text, aligned with the labels' inner padding
			x = theme.InnerPadding()
			y += theme.InnerPadding() / 2
		}
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(size.Width-x, h))
		y += h
		if i == 0 {
			y -= theme.InnerPadding()
		}
		if i == 1 {
			y -= theme.InnerPadding() / 2
		}
	}
}

// figure builds the card of a figure compared with the month before; up is
// the good direction unless lowerIsBetter.
func (s *dashboardScreen) figure(key, value string, f report.Figure, lowerIsBetter bool, fig string) fyne.CanvasObject {
	bp, ok := f.VsPrevious()
	return s.cardFor(key, value, bp, ok, lowerIsBetter, fig)
}

func (s *dashboardScreen) cardFor(key, value string, bp int64, ok, lowerIsBetter bool, fig string) fyne.CanvasObject {
	prev := shortMonth(s.month.Add(-1), s.a.lang)
	change := lang.L("report.ui.no_change", map[string]any{"Month": prev})
	tone := widget.LowImportance
	if ok {
		arrow := "▲"
		if bp < 0 {
			arrow = "▼"
		}
		if bp == 0 {
			arrow = "="
		}
		change = arrow + " " + lang.L("report.vs", map[string]any{"Change": s.pct(bp, true), "Month": prev})
		switch good := bp > 0 != lowerIsBetter; {
		case bp == 0:
			tone = widget.MediumImportance
		case good:
			tone = widget.SuccessImportance
		default:
			tone = widget.DangerImportance
		}
	}
	var tap func()
	if fig != "" {
		tap = func() { s.showBehind(lang.L(key), fig, "") }
	}
	return newCard(lang.L(key), value, change, tone, tap)
}

// pct formats basis points as a percentage with one decimal.
func (s *dashboardScreen) pct(bp int64, signed bool) string {
	r := (absInt(bp) + 5) / 10
	sign := ""
	switch {
	case bp < 0 && r > 0:
		sign = "−"
	case signed && r > 0:
		sign = "+"
	}
	num := strconv.FormatInt(r/10, 10)
	if r%10 != 0 {
		dec := "."
		if s.a.fmt.fr() {
			dec = ","
		}
		num += dec + strconv.FormatInt(r%10, 10)
	}
	if s.a.fmt.fr() {
		return sign + num + "\u00a0%"
	}
	return sign + num + "%"
}

func absInt(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

func (s *dashboardScreen) show(r *report.MonthlyReport) {
	s.r = r
	f, cur := s.a.fmt, r.Currency
	money := func(v int64) string { return f.Money(v, cur) }
	rate, rok := r.WinRate.Rate()
	prevRate, pok := r.WinRate.PrevRate()
	rateText := "—"
	if rok {
		rateText = s.pct(rate, false)
	}
	cycle := "—"
	if r.Cycle.Measured > 0 {
		cycle = lang.L("report.days", map[string]any{"Count": f.Int(r.Cycle.AvgDays)})
	}
	cyc, cok := report.Change(r.Cycle.AvgDays, r.Cycle.PrevAvgDays)
	forecast, fMonth := "—", export.FormatMonth(s.month.Add(1), s.a.lang)
	if t := r.Trend; t != nil && len(t.Forecast) > 0 {
		forecast, fMonth = money(t.Forecast[0].Total), export.FormatMonth(t.Forecast[0].Month, s.a.lang)
	}
	s.cards.Objects = []fyne.CanvasObject{
		s.figure("report.kpi.sales", money(r.Sales.Value), r.Sales, false, report.FigSales),
		s.figure("report.kpi.orders", f.Int(r.Orders.Value), r.Orders, false, report.FigSales),
		s.figure("report.kpi.avg_order", money(r.AvgOrder.Value), r.AvgOrder, false, report.FigSales),
		s.figure("report.kpi.new_customers", f.Int(r.NewCustomers.Value), r.NewCustomers, false, report.FigNewCustomers),
		s.cardFor("report.kpi.win_rate", rateText, rate-prevRate, rok && pok, false, report.FigWon),
		s.cardFor("report.kpi.cycle", cycle, cyc, cok && r.Cycle.Measured > 0, true, report.FigWon),
		newCard(lang.L("report.kpi.pipeline"), money(r.Pipeline.Amount), lang.L("report.n_deals", map[string]any{"Count": f.Int(r.Pipeline.Deals)}),
			widget.LowImportance, func() { s.showBehind(lang.L("report.kpi.pipeline"), report.FigPipeline, "") }),
		newCard(lang.L("report.kpi.weighted"), money(r.Pipeline.Weighted), lang.L("report.as_of", map[string]any{"Date": f.Date(r.AsOf)}),
			widget.LowImportance, func() { s.showBehind(lang.L("report.kpi.weighted"), report.FigPipeline, "") }),
		newCard(lang.L("report.kpi.forecast", map[string]any{"Month": fMonth}), forecast, s.mapeText(r), widget.LowImportance, nil),
		s.figure("report.kpi.issues_opened", f.Int(r.Issues.Opened.Value), r.Issues.Opened, true, report.FigIssuesOpened),
		s.figure("report.kpi.issues_closed", f.Int(r.Issues.Closed.Value), r.Issues.Closed, false, report.FigIssuesClosed),
		s.figure("report.kpi.issues_overdue", f.Int(r.Issues.Overdue.Value), r.Issues.Overdue, true, report.FigIssuesOverdue),
	}
	s.cards.Refresh()
	// The cards' height may have changed: lay the screen out again.
	if c, ok := s.box.(*fyne.Container); ok {
		c.Refresh()
	}
	s.drawCharts(r)
	var notes []string
	notes = append(notes, lang.L("report.amounts_note", map[string]any{"Currency": cur}))
	if r.Partial {
		notes = append(notes, lang.L("report.partial_note", map[string]any{"Date": f.Date(r.AsOf)}))
	}
	for _, o := range r.OtherCurrencies {
		notes = append(notes, lang.L("report.ui.other_currency", map[string]any{"Count": f.Int(o.Orders), "Amount": f.Money(o.Sales, o.Currency)}))
	}
	notes = append(notes, lang.L("report.ui.tap_hint"))
	s.notes.SetText(joinSentences(notes))
}

func joinSentences(ss []string) string {
	var b bytes.Buffer
	for i, x := range ss {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(x)
	}
	return b.String()
}

func (s *dashboardScreen) mapeText(r *report.MonthlyReport) string {
	if r.Trend == nil {
		return ""
	}
	if mape, ok := r.Trend.MAPE(); ok {
		return lang.L("report.mape_short", map[string]any{"Value": s.pct(mape, false)})
	}
	if r.Trend.Method == report.MethodNone {
		return lang.L("report.method.none_short")
	}
	return ""
}

func (s *dashboardScreen) drawCharts(r *report.MonthlyReport) {
	f := s.a.fmt
	// Monthly sales and the forecast; a tap on a month shows that month.
	var bars []chartBar
	idx := map[report.Month]int{}
	if t := r.Trend; t != nil {
		back := map[report.Month]int64{}
		for _, b := range t.Backtest {
			back[b.Month] = b.Forecast
		}
		for i, m := range t.Months {
			col := color.Color(chartActual)
			if m.Partial {
				col = chartPartial
			}
			b := chartBar{label: shortMonth(m.Month, s.a.lang), parts: []chartPart{{m.Sales, col}}}
			if i == 0 || m.Month.Month == time.January {
				b.sub = strconv.Itoa(m.Month.Year)
			}
			if v, ok := back[m.Month]; ok {
				b.dot, b.hasDot = v, true
			}
			month := m.Month
			b.open = func() { s.goTo(month) }
			idx[m.Month] = len(bars)
			bars = append(bars, b)
		}
		for _, fc := range t.Forecast {
			parts := []chartPart{{fc.Baseline, chartForecast}, {fc.Pipeline, chartPipeline}}
			if i, ok := idx[fc.Month]; ok { // the month in progress: its sales so far, then the rest forecast
				bars[i].parts = append(bars[i].parts, chartPart{max(fc.Total-bars[i].total(), 0), chartForecast})
				continue
			}
			b := chartBar{label: shortMonth(fc.Month, s.a.lang), parts: parts}
			if fc.Month.Month == time.January {
				b.sub = strconv.Itoa(fc.Month.Year)
			}
			bars = append(bars, b)
		}
	}
	s.sales.set(bars, []legendEntry{{lang.L("report.legend.actual"), chartActual, false}, {lang.L("report.legend.forecast"), chartForecast, false},
		{lang.L("report.legend.pipeline"), chartPipeline, false}, {lang.L("report.legend.backtest"), chartTarget, true}})

	// Sales per team member against target.
	bars = nil
	for _, rp := range r.Reps {
		name := rp.Name
		if rp.MemberID == "" {
			name = lang.L("report.no_owner")
		}
		note := f.MoneyShort(rp.Sales.Value, r.Currency)
		if att, ok := rp.Attainment(); ok {
			note += " · " + s.pct(att, false)
		}
		id := rp.MemberID
		bars = append(bars, chartBar{label: name, parts: []chartPart{{rp.Sales.Value, chartActual}}, mark: rp.Target, note: note,
			open: func() { s.showBehind(name, report.FigRep, id) }})
	}
	s.reps.set(bars, []legendEntry{{lang.L("report.legend.target"), chartTarget, true}})

	// Top products against their own three-month average.
	bars = nil
	for _, p := range r.TopProducts {
		name := p.Name
		if p.ProductID == "" {
			name = lang.L("report.other_items")
		}
		note := f.MoneyShort(p.Sales, r.Currency)
		if ch, ok := p.VsOwnAverage(); ok {
			note += " · " + s.pct(ch, true)
		}
		id := p.ProductID
		bars = append(bars, chartBar{label: name, parts: []chartPart{{p.Sales, chartActual}}, mark: p.Prev3Avg, note: note,
			open: func() { s.showBehind(name, report.FigProduct, id) }})
	}
	s.prods.set(bars, []legendEntry{{lang.L("report.legend.avg3"), chartAverage, true}})
}

func shortMonth(m report.Month, code string) string {
	if code == "fr" {
		return [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}[m.Month-1]
	}
	return m.Month.String()[:3]
}

// goTo shows month m if the picker offers it.
func (s *dashboardScreen) goTo(m report.Month) { s.step(m.Sub(s.month)) }

// behindList is the list of records behind a figure, in a dialog.
type behindList struct {
	items []report.Item
	total int
	list  *widget.List
	dlg   dialog.Dialog
}

// showBehind lists the records behind figure fig (key: a rep or product id).
func (s *dashboardScreen) showBehind(title, fig, key string) {
	a, m := s.a, s.month
	opts := s.options()
	opts.Currency = s.currency()
	a.load(func(ctx context.Context) func() {
		items, total, err := report.Behind(ctx, a.store, m, fig, key, opts, 200)
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.openBehind(title, items, total)
		}
	})
}

func (s *dashboardScreen) openBehind(title string, items []report.Item, total int) {
	a := s.a
	b := &behindList{items: items, total: total}
	b.list = widget.NewList(func() int { return len(b.items) },
		func() fyne.CanvasObject { return linkRow(nil, "Record", "note", func() {}) },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := b.items[i]
			row := o.(*fyne.Container)
			text := it.Label
			if it.Detail != "" {
				text += " — " + it.Detail
			}
			h := row.Objects[0].(*widget.Hyperlink)
			h.SetText(text)
			h.OnTapped = func() { s.openItem(b, it) }
			var note []string
			if it.Currency != "" {
				note = append(note, a.fmt.Money(it.Amount, it.Currency))
			}
			if !it.Date.IsZero() {
				note = append(note, a.fmt.Date(it.Date))
			}
			row.Objects[1].(*widget.Label).SetText(joinDot(note...))
		})
	head := lang.L("report.ui.behind_count", map[string]any{"Count": a.fmt.Int(int64(total))})
	if total > len(items) {
		head = lang.L("report.ui.behind_first", map[string]any{"Shown": a.fmt.Int(int64(len(items))), "Count": a.fmt.Int(int64(total))})
	}
	if total == 0 {
		head = lang.L("report.ui.behind_none")
	}
	body := container.NewBorder(muted(head), nil, nil, nil, b.list)
	b.dlg = dialog.NewCustom(title+" — "+export.FormatMonth(s.month, a.lang), lang.L("action.close"), body, a.win)
	b.dlg.Resize(fyne.NewSize(720, 520))
	b.dlg.Show()
	s.behind = b
}

// openItem shows a record of the list on its own screen, or its customer's
// when no screen shows that kind (orders).
func (s *dashboardScreen) openItem(b *behindList, it report.Item) {
	a := s.a
	kind, id := it.Kind, it.ID
	if !a.opens(kind) && it.AccountID != "" {
		kind, id = model.KindAccount, it.AccountID
	}
	if !a.opens(kind) {
		return
	}
	b.dlg.Hide()
	a.Open(kind, id)
}

// onExport asks where to save the month's report and writes it as PDF,
// XLSX or CSV in the app's language.
func (s *dashboardScreen) onExport(ext string) {
	if s.r == nil {
		return
	}
	r, a := s.r, s.a
	name := export.MonthlyFileName(r.Month, a.lang) + ext
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		a.load(func(ctx context.Context) func() {
			err := s.writeReport(ctx, w, r, ext)
			return func() {
				if err != nil {
					a.showError(err)
					return
				}
				a.notify(lang.L("report.ui.saved", map[string]any{"Path": path}))
			}
		})
	}, a.win)
	d.SetFileName(name)
	d.Show()
}

// writeReport renders r into w (closed afterwards).
func (s *dashboardScreen) writeReport(ctx context.Context, w fyne.URIWriteCloser, r *report.MonthlyReport, ext string) (err error) {
	defer func() {
		if cerr := w.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("ui: save the report: %w", cerr)
		}
	}()
	var b bytes.Buffer
	switch ext {
	case ".pdf":
		lh, err := export.LoadLetterhead(ctx, s.a.store)
		if err != nil {
			return err
		}
		if err := export.WriteMonthlyPDF(&b, lh, r, s.a.lang); err != nil {
			return err
		}
	default:
		ts, err := export.MonthlyTables(r, s.a.lang)
		if err != nil {
			return err
		}
		if ext == ".xlsx" {
			err = export.WriteReportXLSX(&b, ts)
		} else {
			err = export.WriteReportCSV(&b, ts, s.a.lang)
		}
		if err != nil {
			return err
		}
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("ui: save the report: %w", err)
	}
	return nil
}
