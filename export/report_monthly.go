package export

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"relais/model"
	"relais/report"
)

// FormatShortDate renders a date for table cells: "05/11/2026" / "5 Nov 2026".
func FormatShortDate(d model.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	if docLang(lang) == "fr" {
		return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
	}
	return strconv.Itoa(d.Day) + " " + shortMonths["en"][d.Month-1] + " " + strconv.Itoa(d.Year)
}

// pdfCell formats a report cell for print.
func pdfCell(v Value, c ReportColumn, t ReportTable, lang string, l Labels) string {
	if v.Empty {
		if v.Type == TypeText {
			return "" // a cell with nothing to say, such as a total's label columns
		}
		return "—"
	}
	switch v.Type {
	case TypeMoney:
		cur := v.Text
		if cur == "" {
			cur = t.Currency
		}
		return FormatMoney(v.Num, cur, lang)
	case TypePercent:
		return formatPct(v.Num, lang, c.Signed)
	case TypeInt:
		return formatCount(v.Num, lang)
	case TypeQuantity:
		return FormatQuantity(v.Num, lang)
	case TypeBool:
		if v.Num != 0 {
			return l.Get("report.yes")
		}
		return l.Get("report.no")
	case TypeDate:
		return FormatShortDate(v.Date, lang)
	case TypeTime:
		loc := t.Location
		if loc == nil {
			loc = time.UTC
		}
		tt := v.Time.In(loc)
		return FormatShortDate(model.DateOf(tt), lang) + " " + tt.Format("15:04")
	}
	return v.Text
}

// reportTable prints t (its PDF columns) at the current position.
func (d *Doc) reportTable(t ReportTable, lang string, l Labels) {
	var cols []int
	tbl := Table{FontSize: 7.8}
	for i, c := range t.Columns {
		if c.NoPDF {
			continue
		}
		cols = append(cols, i)
		w := c.Weight
		if w == 0 {
			w = 1
		}
		tbl.Columns = append(tbl.Columns, Column{Title: c.Title, Weight: w, Align: c.Align})
	}
	for _, r := range t.Rows {
		if r.NoPDF {
			continue
		}
		row := Row{Kind: r.Kind}
		for _, i := range cols {
			s := ""
			if i < len(r.Cells) {
				s = pdfCell(r.Cells[i], t.Columns[i], t, lang, l)
			}
			row.Cells = append(row.Cells, s)
		}
		tbl.Rows = append(tbl.Rows, row)
	}
	if len(tbl.Rows) == 0 {
		d.Paragraph(l.Get("report.empty_table"), "I", 8)
		d.Space(2)
		return
	}
	d.Table(tbl)
	d.Space(3)
}

// tableByID finds a table among ts.
func tableByID(ts []ReportTable, id string) ReportTable {
	for _, t := range ts {
		if t.ID == id {
			return t
		}
	}
	return ReportTable{ID: id}
}

// MonthlyFileName is the file a monthly report is saved under, without extension.
func MonthlyFileName(m report.Month, lang string) string {
	if docLang(lang) == "fr" {
		return "rapport-ventes-" + m.String()
	}
	return "sales-report-" + m.String()
}

// LoadMonthly computes the monthly report and reads the letterhead, ready
// for WriteMonthlyPDF.
func LoadMonthly(ctx context.Context, s *model.Store, m report.Month, opts report.Options) (*report.MonthlyReport, Letterhead, error) {
	lh, err := LoadLetterhead(ctx, s)
	if err != nil {
		return nil, lh, err
	}
	r, err := report.Monthly(ctx, s, m, opts)
	return r, lh, err
}

// WriteMonthlyPDF renders the monthly sales report in lang ("fr" or "en"):
// a cover, a page of key figures, charts drawn as vectors, the tables, and a
// page per team member. The same data always gives the same bytes.
func WriteMonthlyPDF(w io.Writer, lh Letterhead, r *report.MonthlyReport, lang string) error {
	lang = docLang(lang)
	l, err := reportLabels(lang)
	if err != nil {
		return err
	}
	tables, err := MonthlyTables(r, lang)
	if err != nil {
		return err
	}
	month := FormatMonth(r.Month, lang)
	title := l.Get("report.monthly.title")
	d, err := NewDoc(lh, DocInfo{Title: title + " — " + month, Subject: l.Get("report.monthly.subject", "Month", month), Lang: lang, Date: r.AsOf,
		Ref: r.Month.String()})
	if err != nil {
		return err
	}
	mr := monthlyRenderer{d: d, r: r, l: l, lang: lang, tables: tables, month: month}
	mr.cover(title)
	mr.summary()
	mr.charts()
	mr.tablesPages()
	mr.repPages()
	if err := d.Write(w); err != nil {
		return fmt.Errorf("export: monthly report %s: %w", r.Month, err)
	}
	return nil
}

type monthlyRenderer struct {
	d      *Doc
	r      *report.MonthlyReport
	l      Labels
	lang   string
	tables []ReportTable
	month  string
}

func (mr *monthlyRenderer) money(v int64) string { return FormatMoney(v, mr.r.Currency, mr.lang) }

// notes are the sentences that qualify every figure: currency and tax,
// a month in progress, orders in other currencies.
func (mr *monthlyRenderer) notes() []string {
	r, l := mr.r, mr.l
	out := []string{l.Get("report.amounts_note", "Currency", r.Currency)}
	if r.Partial {
		out = append(out, l.Get("report.partial_note", "Date", FormatDate(r.AsOf, mr.lang)))
	}
	if len(r.OtherCurrencies) > 0 {
		var parts []string
		for _, o := range r.OtherCurrencies {
			parts = append(parts, l.Get("report.orders_in", "Count", formatCount(o.Orders, mr.lang), "Amount", FormatMoney(o.Sales, o.Currency, mr.lang)))
		}
		out = append(out, l.Get("report.other_currencies", "List", strings.Join(parts, ", ")))
	}
	out = append(out, l.Get("report.pipeline_note", "Date", FormatDate(r.AsOf, mr.lang)))
	return out
}

func (mr *monthlyRenderer) cover(title string) {
	d, l, r := mr.d, mr.l, mr.r
	d.Letterhead(title, [][2]string{{l.Get("report.fact.month"), mr.month}, {l.Get("report.fact.made_on"), FormatDate(r.AsOf, mr.lang)},
		{l.Get("report.fact.currency"), r.Currency}})
	p := d.pdf
	p.SetY(max(p.GetY(), 95))
	d.fill(colActual)
	p.Rect(marginMM, p.GetY(), 2, 34, "F")
	y := p.GetY()
	d.text(marginMM+6, y, d.ContentWidth()-6, title, "L", "B", 24)
	d.ink(colActual)
	d.text(marginMM+6, y+13, d.ContentWidth()-6, mr.month, "L", "B", 18)
	p.SetTextColor(0, 0, 0)
	d.ink(colAxisText)
	d.text(marginMM+6, y+24, d.ContentWidth()-6, l.Get("report.made_on", "Date", FormatDate(r.AsOf, mr.lang)), "L", "", 10)
	p.SetTextColor(0, 0, 0)
	p.SetY(y + 48)
	d.setFont("B", 11)
	d.Heading(l.Get("report.contents"))
	items := []string{l.Get("report.sec.summary"), l.Get("report.sec.charts"), l.Get("report.sec.reps"), l.Get("report.sec.products"),
		l.Get("report.sec.segments_regions"), l.Get("report.sec.pipeline"), l.Get("report.sec.forecast"), l.Get("report.sec.issues"), l.Get("report.sec.rep_pages")}
	for i, it := range items {
		d.Paragraph(fmt.Sprintf("%d. %s", i+1, it), "", 10)
	}
	d.Space(6)
	for _, n := range mr.notes() {
		d.Paragraph(n, "I", 8)
	}
	d.NewPage()
}

func (mr *monthlyRenderer) summary() {
	d, l, r, lang := mr.d, mr.l, mr.r, mr.lang
	d.Heading(l.Get("report.sec.summary") + " — " + mr.month)
	prevM, lyM := formatShortMonth(r.Month.Add(-1), lang, true), formatShortMonth(r.Month.Add(-12), lang, true)
	vs := func(f report.Figure) []string {
		a, aok := f.VsPrevious()
		b, bok := f.VsLastYear()
		return []string{l.Get("report.vs", "Change", formatChange(a, aok, lang), "Month", prevM), l.Get("report.vs", "Change", formatChange(b, bok, lang), "Month", lyM)}
	}
	rate, rok := r.WinRate.Rate()
	prevRate, pok := r.WinRate.PrevRate()
	rateText := "—"
	if rok {
		rateText = formatPct(rate, lang, false)
	}
	rateNotes := []string{l.Get("report.won_lost", "Won", formatCount(r.WinRate.Won, lang), "Lost", formatCount(r.WinRate.Lost, lang))}
	if pok {
		rateNotes = append(rateNotes, l.Get("report.was", "Value", formatPct(prevRate, lang, false), "Month", prevM))
	}
	cycle := "—"
	var cycleNotes []string
	if r.Cycle.Measured > 0 {
		cycle = l.Get("report.days", "Count", formatCount(r.Cycle.AvgDays, lang))
		cycleNotes = append(cycleNotes, l.Get("report.cycle_measured", "Count", formatCount(r.Cycle.Measured, lang)))
	}
	if r.Cycle.PrevOK {
		cycleNotes = append(cycleNotes, l.Get("report.was", "Value", l.Get("report.days", "Count", formatCount(r.Cycle.PrevAvgDays, lang)), "Month", prevM))
	}
	ts := []tile{
		{l.Get("report.kpi.sales"), mr.money(r.Sales.Value), vs(r.Sales)},
		{l.Get("report.kpi.orders"), formatCount(r.Orders.Value, lang), vs(r.Orders)},
		{l.Get("report.kpi.avg_order"), mr.money(r.AvgOrder.Value), vs(r.AvgOrder)},
		{l.Get("report.kpi.new_customers"), formatCount(r.NewCustomers.Value, lang), vs(r.NewCustomers)},
		{l.Get("report.kpi.win_rate"), rateText, rateNotes},
		{l.Get("report.kpi.cycle"), cycle, cycleNotes},
		{l.Get("report.kpi.pipeline"), mr.money(r.Pipeline.Amount), []string{l.Get("report.n_deals", "Count", formatCount(r.Pipeline.Deals, lang))}},
		{l.Get("report.kpi.weighted"), mr.money(r.Pipeline.Weighted), []string{l.Get("report.as_of", "Date", FormatShortDate(r.AsOf, lang))}},
	}
	if t := r.Trend; t != nil && len(t.Forecast) > 0 {
		f := t.Forecast[0]
		notes := []string{l.Get("report.forecast_parts", "Base", formatShortMoney(f.Baseline, r.Currency, lang), "Pipeline", formatShortMoney(f.Pipeline, r.Currency, lang))}
		if mape, ok := t.MAPE(); ok {
			notes = append(notes, l.Get("report.mape_short", "Value", formatPct(mape, lang, false)))
		}
		ts = append(ts, tile{l.Get("report.kpi.forecast", "Month", FormatMonth(f.Month, lang)), mr.money(f.Total), notes})
	} else {
		ts = append(ts, tile{l.Get("report.kpi.forecast", "Month", FormatMonth(r.Month.Add(1), lang)), "—", []string{l.Get("report.method.none_short")}})
	}
	issue := func(key string, f report.Figure) tile {
		a, aok := f.VsPrevious()
		return tile{l.Get(key), formatCount(f.Value, lang), []string{l.Get("report.vs", "Change", formatChange(a, aok, lang), "Month", prevM)}}
	}
	ts = append(ts, issue("report.kpi.issues_opened", r.Issues.Opened), issue("report.kpi.issues_closed", r.Issues.Closed), issue("report.kpi.issues_overdue", r.Issues.Overdue))
	d.tiles(ts, 3)
	d.Space(2)
	if t := r.Trend; t != nil && len(t.Months) > 0 {
		d.Heading(l.Get("report.chart.monthly"))
		h := 72.0
		d.EnsureSpace(h)
		y := d.pdf.GetY()
		d.monthlyChart(marginMM, y, d.ContentWidth(), h, t, 0, r.Currency, lang, l)
		d.pdf.SetY(y + h + 3)
	}
	for _, n := range mr.notes() {
		d.Paragraph(n, "I", 7.5)
	}
	d.NewPage()
}

func (mr *monthlyRenderer) charts() {
	d, l, r, lang := mr.d, mr.l, mr.r, mr.lang
	d.Heading(l.Get("report.chart.reps"))
	var rows []hbar
	for _, rp := range r.Reps {
		suffix := ""
		if att, ok := rp.Attainment(); ok {
			suffix = formatPct(att, lang, false)
		}
		rows = append(rows, hbar{label: repName(rp, l), value: rp.Sales.Value, mark: rp.Target, muted: rp.MemberID == "", suffix: suffix})
	}
	if len(rows) == 0 {
		d.Paragraph(l.Get("report.empty_table"), "I", 8)
	} else {
		d.EnsureSpace(float64(len(rows))*5.6 + 6)
		y := d.pdf.GetY()
		h := d.hbarChart(marginMM, y, d.ContentWidth(), rows, l.Get("report.legend.target"), colTarget, r.Currency, lang)
		d.pdf.SetY(y + h + 6)
	}
	d.Heading(l.Get("report.chart.products"))
	rows = nil
	for _, p := range r.TopProducts {
		suffix := ""
		if ch, ok := p.VsOwnAverage(); ok {
			suffix = formatPct(ch, lang, true)
		}
		rows = append(rows, hbar{label: productName(p, l), value: p.Sales, mark: p.Prev3Avg, suffix: suffix})
	}
	if len(rows) == 0 {
		d.Paragraph(l.Get("report.empty_table"), "I", 8)
	} else {
		d.EnsureSpace(float64(len(rows))*5.6 + 6)
		y := d.pdf.GetY()
		h := d.hbarChart(marginMM, y, d.ContentWidth(), rows, l.Get("report.legend.avg3"), colAverage, r.Currency, lang)
		d.pdf.SetY(y + h + 6)
	}
	d.NewPage()
}

func (mr *monthlyRenderer) tablesPages() {
	d, l, lang := mr.d, mr.l, mr.lang
	section := func(id string, intro ...string) {
		t := tableByID(mr.tables, id)
		d.Heading(t.Title)
		for _, s := range intro {
			d.Paragraph(s, "", 8)
			d.Space(1)
		}
		d.reportTable(t, lang, l)
	}
	section("reps")
	section("top_products")
	section("under_performers", l.Get("report.under_note", "Threshold", formatPct(mr.r.UnderBP, lang, false)))
	section("segments")
	section("regions")
	section("pipeline", l.Get("report.pipeline_note", "Date", FormatDate(mr.r.AsOf, lang)),
		l.Get("report.win_rate_note", "Won", formatCount(mr.r.WinRate.Won, lang), "Lost", formatCount(mr.r.WinRate.Lost, lang),
			"WonValue", mr.money(mr.r.WinRate.WonValue)))
	if t := mr.r.Trend; t != nil {
		var method string
		switch t.Method {
		case report.MethodHolt:
			method = l.Get("report.method.holt", "Alpha", decimal(int64(t.Alpha*100+0.5), 2, true, lang), "Beta", decimal(int64(t.Beta*100+0.5), 2, true, lang))
		case report.MethodSeasonalNaive:
			method = l.Get("report.method.seasonal_naive", "Growth", decimal(int64(t.Growth*1000+0.5), 3, true, lang))
		default:
			method = l.Get("report.method.none")
		}
		section("forecast", method, l.Get("report.forecast_explain", "Share", formatPct(t.DealShareBP, lang, false)))
		intro := []string{l.Get("report.backtest_explain")}
		if mape, ok := t.MAPE(); ok {
			intro = append(intro, l.Get("report.mape", "Count", formatCount(int64(len(t.Backtest)), lang), "Value", formatPct(mape, lang, false)))
		}
		section("backtest", intro...)
		section("trend")
	}
	section("issues")
}

func (mr *monthlyRenderer) repPages() {
	d, l, r, lang := mr.d, mr.l, mr.r, mr.lang
	prevM, lyM := formatShortMonth(r.Month.Add(-1), lang, true), formatShortMonth(r.Month.Add(-12), lang, true)
	for _, rp := range r.Reps {
		if rp.MemberID == "" {
			continue
		}
		d.NewPage()
		d.Heading(rp.Name)
		var sub []string
		if rp.Role != "" {
			sub = append(sub, labelOr(l, "report.role.", rp.Role))
		}
		if rp.Region != "" {
			sub = append(sub, rp.Region)
		}
		sub = append(sub, mr.month)
		d.Paragraph(strings.Join(sub, " · "), "", 9)
		d.Space(3)
		a, aok := rp.Sales.VsPrevious()
		b, bok := rp.Sales.VsLastYear()
		target := "—"
		var tnotes []string
		if rp.Target > 0 {
			target = mr.money(rp.Target)
			att, _ := rp.Attainment()
			tnotes = append(tnotes, l.Get("report.attained", "Value", formatPct(att, lang, false)))
			if gap := rp.Target - rp.Sales.Value; gap > 0 {
				tnotes = append(tnotes, l.Get("report.to_go", "Amount", mr.money(gap)))
			}
		}
		rate, rok := rp.WinRate()
		rateText := "—"
		if rok {
			rateText = formatPct(rate, lang, false)
		}
		d.tiles([]tile{
			{l.Get("report.kpi.sales"), mr.money(rp.Sales.Value), []string{l.Get("report.vs", "Change", formatChange(a, aok, lang), "Month", prevM),
				l.Get("report.vs", "Change", formatChange(b, bok, lang), "Month", lyM)}},
			{l.Get("report.col.target"), target, tnotes},
			{l.Get("report.kpi.orders"), formatCount(rp.Orders, lang), []string{l.Get("report.avg_of", "Amount", mr.money(rp.AvgOrder))}},
			{l.Get("report.kpi.new_customers"), formatCount(rp.NewCustomers, lang), nil},
			{l.Get("report.kpi.weighted"), mr.money(rp.Weighted), []string{l.Get("report.n_deals_amount", "Count", formatCount(rp.OpenDeals, lang), "Amount", mr.money(rp.Pipeline))}},
			{l.Get("report.kpi.win_rate"), rateText, []string{l.Get("report.won_lost", "Won", formatCount(rp.Won, lang), "Lost", formatCount(rp.Lost, lang))}},
		}, 3)
		d.Space(2)
		d.Heading(l.Get("report.rep.history"))
		d.EnsureSpace(52)
		y := d.pdf.GetY()
		d.monthlyChart(marginMM, y, d.ContentWidth(), 50, &report.Trend{Months: rp.History}, rp.Target, r.Currency, lang, l)
		d.pdf.SetY(y + 53)
		d.Heading(l.Get("report.rep.top_customers"))
		t := ReportTable{Currency: r.Currency, Columns: []ReportColumn{{Title: l.Get("report.col.customer"), Weight: 5}, {Title: l.Get("report.col.sales"), Weight: 2, Align: "R"},
			{Title: l.Get("report.col.share_of_rep"), Weight: 1.4, Align: "R"}, {Title: l.Get("report.col.orders"), Weight: 1.2, Align: "R"}}}
		for _, ac := range rp.TopAccounts {
			share, ok := report.Ratio(ac.Sales, rp.Sales.Value)
			t.Rows = append(t.Rows, ReportRow{Cells: []Value{vText(ac.Name), vMoney(ac.Sales, r.Currency), vPct(share, ok), vInt(ac.Orders)}})
		}
		if len(t.Rows) == 0 {
			d.Paragraph(l.Get("report.rep.no_sales"), "I", 9)
			continue
		}
		d.reportTable(t, lang, l)
	}
}
