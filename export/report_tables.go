package export

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"relais/model"
	"relais/report"
)

// ReportColumn is one column of a report table.
type ReportColumn struct {
	Title  string
	Weight float64 // share of the PDF table's width
	Align  string  // "L" (default) or "R"
	Signed bool    // a change: "+12,5 %" in PDFs
	NoPDF  bool    // exported to XLSX and CSV only (too wide for a page)
}

// ReportRow is one row of a report table.
type ReportRow struct {
	Kind  RowKind // RowSubtotal for totals
	Cells []Value
	NoPDF bool // the PDF says it in a sentence instead
}

// ReportTable is one table of a report. The PDF prints it, and XLSX and CSV
// exports write every table of a report (one sheet each, or one section
// each), from this single definition.
type ReportTable struct {
	ID       string // stable name: "reps", "products" …
	Title    string // translated
	Columns  []ReportColumn
	Rows     []ReportRow
	Currency string         // of money cells that name none
	Location *time.Location // where instants are shown
	NoPDF    bool           // exported to XLSX and CSV only
}

// Cell constructors. A money cell may carry its own currency in Text when
// it differs from the table's.
func vText(s string) Value { return Value{Type: TypeText, Text: s} }
func vInt(n int64) Value   { return Value{Type: TypeInt, Num: n} }
func vMoney(minor int64, cur string) Value {
	return Value{Type: TypeMoney, Num: minor, Scale: model.CurrencyDigits(cur), Text: cur}
}
func vPct(bp int64, ok bool) Value {
	if !ok {
		return Value{Type: TypePercent, Empty: true}
	}
	return Value{Type: TypePercent, Num: bp}
}
func vDate(d model.Date) Value {
	if d.IsZero() {
		return Value{Type: TypeDate, Empty: true}
	}
	return Value{Type: TypeDate, Date: d}
}
func vTime(t time.Time) Value {
	if t.IsZero() {
		return Value{Type: TypeTime, Empty: true}
	}
	return Value{Type: TypeTime, Time: t}
}
func vBool(b bool) Value {
	v := Value{Type: TypeBool}
	if b {
		v.Num = 1
	}
	return v
}
func vQty(milli int64) Value { return Value{Type: TypeQuantity, Num: milli} }

// reportLabels are the shared PDF labels and the report's own, in lang.
func reportLabels(lang string) (Labels, error) {
	pdf, err := LoadLabels("pdf", lang)
	if err != nil {
		return nil, err
	}
	own, err := LoadLabels("report", lang)
	if err != nil {
		return nil, err
	}
	return pdf.Merge(own), nil
}

// orNone names an empty segment, region or grade.
func orNone(s string, l Labels) string {
	if strings.TrimSpace(s) == "" {
		return l.Get("report.none")
	}
	return s
}

func repName(r report.RepSales, l Labels) string {
	if r.MemberID == "" {
		return l.Get("report.no_owner")
	}
	return r.Name
}

func productName(p report.ProductSales, l Labels) string {
	if p.ProductID == "" {
		return l.Get("report.other_items")
	}
	return p.Name
}

// MonthlyTables returns every table of the monthly report, in lang.
func MonthlyTables(r *report.MonthlyReport, lang string) ([]ReportTable, error) {
	l, err := reportLabels(docLang(lang))
	if err != nil {
		return nil, err
	}
	cur := r.Currency
	col := func(key string, w float64, align string) ReportColumn {
		return ReportColumn{Title: l.Get(key), Weight: w, Align: align}
	}
	chg := func(key string, w float64) ReportColumn {
		return ReportColumn{Title: l.Get(key), Weight: w, Align: "R", Signed: true}
	}
	// Columns comparing with a month name it: "sept. 2026", "vs sept.".
	prevName, lyName := formatShortMonth(r.Month.Add(-1), lang, true), formatShortMonth(r.Month.Add(-12), lang, true)
	prevCol := ReportColumn{Title: prevName, Weight: 2, Align: "R"}
	lyCol := ReportColumn{Title: lyName, Weight: 2, Align: "R"}
	vsPrev := func(w float64) ReportColumn {
		return ReportColumn{Title: l.Get("report.col.vs", "Month", formatShortMonth(r.Month.Add(-1), lang, false)), Weight: w, Align: "R", Signed: true}
	}
	vsLY := func(w float64) ReportColumn {
		return ReportColumn{Title: l.Get("report.col.vs", "Month", lyName), Weight: w, Align: "R", Signed: true}
	}
	var ts []ReportTable

	// Key figures, against the month before and a year earlier.
	sum := ReportTable{ID: "summary", Title: l.Get("report.sec.summary"), Currency: cur, Columns: []ReportColumn{
		col("report.col.figure", 3.4, ""), {Title: formatShortMonth(r.Month, lang, true), Weight: 2, Align: "R"}, prevCol, vsPrev(1.5), lyCol, vsLY(1.6)}}
	fig := func(key string, f report.Figure, cell func(int64) Value) {
		a, aok := f.VsPrevious()
		b, bok := f.VsLastYear()
		sum.Rows = append(sum.Rows, ReportRow{Cells: []Value{vText(l.Get(key)), cell(f.Value), cell(f.Previous), vPct(a, aok), cell(f.LastYear), vPct(b, bok)}})
	}
	money := func(v int64) Value { return vMoney(v, cur) }
	fig("report.kpi.sales", r.Sales, money)
	fig("report.kpi.orders", r.Orders, vInt)
	fig("report.kpi.avg_order", r.AvgOrder, money)
	fig("report.kpi.new_customers", r.NewCustomers, vInt)
	wr, wok := r.WinRate.Rate()
	pr, pok := r.WinRate.PrevRate()
	sum.Rows = append(sum.Rows, ReportRow{Cells: []Value{vText(l.Get("report.kpi.win_rate")), vPct(wr, wok), vPct(pr, pok), {Empty: true}, {Empty: true}, {Empty: true}}})
	cyc, cycPrev := Value{Type: TypeInt, Empty: r.Cycle.Measured == 0, Num: r.Cycle.AvgDays}, Value{Type: TypeInt, Empty: !r.Cycle.PrevOK, Num: r.Cycle.PrevAvgDays}
	cc, cok := report.Change(r.Cycle.AvgDays, r.Cycle.PrevAvgDays)
	sum.Rows = append(sum.Rows, ReportRow{Cells: []Value{vText(l.Get("report.kpi.cycle_days")), cyc, cycPrev, vPct(cc, cok && r.Cycle.Measured > 0), {Empty: true}, {Empty: true}}})
	sum.Rows = append(sum.Rows, ReportRow{Cells: []Value{vText(l.Get("report.kpi.pipeline")), money(r.Pipeline.Amount), {Empty: true}, {Empty: true}, {Empty: true}, {Empty: true}}})
	sum.Rows = append(sum.Rows, ReportRow{Cells: []Value{vText(l.Get("report.kpi.weighted")), money(r.Pipeline.Weighted), {Empty: true}, {Empty: true}, {Empty: true}, {Empty: true}}})
	fig("report.kpi.issues_opened", r.Issues.Opened, vInt)
	fig("report.kpi.issues_closed", r.Issues.Closed, vInt)
	fig("report.kpi.issues_overdue", r.Issues.Overdue, vInt)
	ts = append(ts, sum)

	// Sales per team member.
	reps := ReportTable{ID: "reps", Title: l.Get("report.sec.reps"), Currency: cur, Columns: []ReportColumn{
		col("report.col.member", 2.8, ""), {Title: l.Get("report.col.role"), NoPDF: true}, col("report.col.sales", 2.6, "R"), col("report.col.target", 2.2, "R"),
		col("report.col.attainment", 1.7, "R"), vsPrev(1.5), {Title: vsLY(0).Title, Align: "R", Signed: true, NoPDF: true},
		col("report.col.orders", 1.0, "R"), col("report.col.avg_order", 2.2, "R"), col("report.col.new_customers_short", 1.3, "R"),
		{Title: l.Get("report.col.open_deals"), Align: "R", NoPDF: true}, {Title: l.Get("report.col.pipeline_open"), Align: "R", NoPDF: true},
		col("report.col.weighted", 2.3, "R"), {Title: l.Get("report.col.won"), Align: "R", NoPDF: true}, {Title: l.Get("report.col.lost"), Align: "R", NoPDF: true},
		{Title: l.Get("report.col.won_value"), Align: "R", NoPDF: true}, {Title: l.Get("report.col.win_rate"), Align: "R", NoPDF: true}}}
	var tot report.RepSales
	for _, rp := range r.Reps {
		att, aok := rp.Attainment()
		vp, vpok := rp.Sales.VsPrevious()
		vl, vlok := rp.Sales.VsLastYear()
		rate, rok := rp.WinRate()
		target := Value{Type: TypeMoney, Empty: rp.Target == 0, Num: rp.Target, Scale: model.CurrencyDigits(cur), Text: cur}
		role := ""
		if rp.Role != "" {
			role = labelOr(l, "report.role.", rp.Role)
		}
		reps.Rows = append(reps.Rows, ReportRow{Cells: []Value{vText(repName(rp, l)), vText(role), money(rp.Sales.Value), target, vPct(att, aok), vPct(vp, vpok), vPct(vl, vlok),
			vInt(rp.Orders), money(rp.AvgOrder), vInt(rp.NewCustomers), vInt(rp.OpenDeals), money(rp.Pipeline), money(rp.Weighted), vInt(rp.Won), vInt(rp.Lost),
			money(rp.WonValue), vPct(rate, rok)}})
		tot.Sales.Value += rp.Sales.Value
		tot.Sales.Previous += rp.Sales.Previous
		tot.Sales.LastYear += rp.Sales.LastYear
		tot.Target += rp.Target
		tot.Orders += rp.Orders
		tot.NewCustomers += rp.NewCustomers
		tot.OpenDeals += rp.OpenDeals
		tot.Pipeline += rp.Pipeline
		tot.Weighted += rp.Weighted
		tot.Won += rp.Won
		tot.Lost += rp.Lost
		tot.WonValue += rp.WonValue
	}
	if len(r.Reps) > 0 {
		att, aok := tot.Attainment()
		vp, vpok := tot.Sales.VsPrevious()
		vl, vlok := tot.Sales.VsLastYear()
		rate, rok := tot.WinRate()
		reps.Rows = append(reps.Rows, ReportRow{Kind: RowSubtotal, Cells: []Value{vText(l.Get("report.total")), vText(""), money(tot.Sales.Value), money(tot.Target), vPct(att, aok),
			vPct(vp, vpok), vPct(vl, vlok), vInt(tot.Orders), money(r.AvgOrder.Value), vInt(tot.NewCustomers), vInt(tot.OpenDeals), money(tot.Pipeline), money(tot.Weighted),
			vInt(tot.Won), vInt(tot.Lost), money(tot.WonValue), vPct(rate, rok)}})
	}
	ts = append(ts, reps)

	// Each rep's best customers (one table; the PDF shows them on each rep's page).
	rc := ReportTable{ID: "rep_customers", Title: l.Get("report.sec.rep_customers"), Currency: cur, NoPDF: true, Columns: []ReportColumn{
		{Title: l.Get("report.col.member")}, {Title: l.Get("report.col.customer")}, {Title: l.Get("report.col.sales"), Align: "R"}, {Title: l.Get("report.col.orders"), Align: "R"}}}
	for _, rp := range r.Reps {
		for _, a := range rp.TopAccounts {
			rc.Rows = append(rc.Rows, ReportRow{Cells: []Value{vText(repName(rp, l)), vText(a.Name), money(a.Sales), vInt(a.Orders)}})
		}
	}
	ts = append(ts, rc)

	// Products.
	prodRow := func(rank int, p report.ProductSales) ReportRow {
		ch, ok := p.VsOwnAverage()
		return ReportRow{Cells: []Value{vInt(int64(rank)), vText(productName(p, l)), vText(p.SKU), vText(p.Category), money(p.Sales), vQty(p.QuantityMilli),
			vPct(p.ShareBP, true), money(p.Prev3Avg), vPct(ch, ok)}}
	}
	prodCols := func(rankPDF bool) []ReportColumn {
		return []ReportColumn{{Title: l.Get("report.col.rank"), Weight: 0.5, Align: "R", NoPDF: !rankPDF}, col("report.col.product", 4.6, ""), col("report.col.sku", 1.5, ""),
			{Title: l.Get("report.col.category"), NoPDF: true}, col("report.col.sales", 2.1, "R"), col("report.col.quantity", 0.9, "R"), col("report.col.share", 1.1, "R"),
			col("report.col.avg3", 2.1, "R"), chg("report.col.vs_avg3", 1.6)}
	}
	top := ReportTable{ID: "top_products", Title: l.Get("report.sec.top"), Currency: cur, Columns: prodCols(true)}
	for i, p := range r.TopProducts {
		top.Rows = append(top.Rows, prodRow(i+1, p))
	}
	ts = append(ts, top)
	under := ReportTable{ID: "under_performers", Title: l.Get("report.sec.under"), Currency: cur, Columns: append(prodCols(false), col("report.col.shortfall", 2, "R"))}
	for i, p := range r.UnderPerformers {
		row := prodRow(i+1, p)
		row.Cells = append(row.Cells, money(p.Shortfall()))
		under.Rows = append(under.Rows, row)
	}
	ts = append(ts, under)
	all := ReportTable{ID: "products", Title: l.Get("report.sec.products"), Currency: cur, NoPDF: true, Columns: prodCols(true)}
	for i, p := range r.Products {
		all.Rows = append(all.Rows, prodRow(i+1, p))
	}
	ts = append(ts, all)

	// Segments and regions.
	group := func(id, titleKey, colKey string, gs []report.GroupSales) ReportTable {
		t := ReportTable{ID: id, Title: l.Get(titleKey), Currency: cur, Columns: []ReportColumn{col(colKey, 4, ""), col("report.col.sales", 2.2, "R"),
			col("report.col.share", 1.2, "R"), prevCol, vsPrev(1.4), col("report.col.orders", 1.2, "R"),
			col("report.col.customers", 1.2, "R")}}
		for _, g := range gs {
			ch, ok := g.Sales.VsPrevious()
			t.Rows = append(t.Rows, ReportRow{Cells: []Value{vText(orNone(g.Name, l)), money(g.Sales.Value), vPct(g.ShareBP, true), money(g.Sales.Previous),
				vPct(ch, ok), vInt(g.Orders), vInt(g.Customers)}})
		}
		return t
	}
	ts = append(ts, group("segments", "report.sec.segments", "report.col.segment", r.Segments), group("regions", "report.sec.regions", "report.col.region", r.Regions))

	// Pipeline.
	pipe := ReportTable{ID: "pipeline", Title: l.Get("report.sec.pipeline"), Currency: cur, Columns: []ReportColumn{col("report.col.stage", 4, ""),
		col("report.col.probability", 1.6, "R"), col("report.col.deals", 1.4, "R"), col("report.col.amount", 2.4, "R"), col("report.col.weighted", 2.4, "R")}}
	for _, st := range r.Pipeline.Stages {
		pipe.Rows = append(pipe.Rows, ReportRow{Cells: []Value{vText(orNone(st.Name, l)), vPct(st.Probability*100, st.Name != ""), vInt(st.Deals), money(st.Amount), money(st.Weighted)}})
	}
	pipe.Rows = append(pipe.Rows, ReportRow{Kind: RowSubtotal, Cells: []Value{vText(l.Get("report.total")), {Empty: true}, vInt(r.Pipeline.Deals), money(r.Pipeline.Amount),
		money(r.Pipeline.Weighted)}})
	ts = append(ts, pipe)

	// Trend, forecast, backtest.
	if t := r.Trend; t != nil {
		tr := ReportTable{ID: "trend", Title: l.Get("report.sec.trend"), Currency: cur, Columns: []ReportColumn{col("report.col.month", 3, ""), col("report.col.sales", 2.5, "R"),
			col("report.col.orders", 1.5, "R"), col("report.col.note", 3, "")}}
		for _, m := range t.Months {
			note := ""
			if m.Partial {
				note = l.Get("report.partial_month")
			}
			tr.Rows = append(tr.Rows, ReportRow{Cells: []Value{vText(FormatMonth(m.Month, lang)), money(m.Sales), vInt(m.Orders), vText(note)}})
		}
		ts = append(ts, tr)
		fc := ReportTable{ID: "forecast", Title: l.Get("report.sec.forecast"), Currency: cur, Columns: []ReportColumn{col("report.col.month", 2.6, ""),
			col("report.col.time_series", 2.2, "R"), col("report.col.baseline", 2.2, "R"), col("report.col.pipeline", 2.2, "R"), col("report.col.deals", 1.2, "R"),
			col("report.col.forecast", 2.2, "R")}}
		for _, f := range t.Forecast {
			fc.Rows = append(fc.Rows, ReportRow{Cells: []Value{vText(FormatMonth(f.Month, lang)), money(f.TimeSeries), money(f.Baseline), money(f.Pipeline), vInt(f.Deals), money(f.Total)}})
		}
		ts = append(ts, fc)
		bt := ReportTable{ID: "backtest", Title: l.Get("report.sec.backtest"), Currency: cur, Columns: []ReportColumn{col("report.col.month", 3, ""),
			col("report.col.forecast", 2.4, "R"), col("report.col.actual", 2.4, "R"), chg("report.col.error", 1.6)}}
		for _, b := range t.Backtest {
			e, ok := b.ErrorBP()
			bt.Rows = append(bt.Rows, ReportRow{Cells: []Value{vText(FormatMonth(b.Month, lang)), money(b.Forecast), money(b.Actual), vPct(e, ok)}})
		}
		if mape, ok := t.MAPE(); ok {
			bt.Rows = append(bt.Rows, ReportRow{Kind: RowSubtotal, NoPDF: true, Cells: []Value{vText(l.Get("report.col.mape")), {Empty: true}, {Empty: true}, vPct(mape, true)}})
		}
		ts = append(ts, bt)
	}

	// Client issues.
	is := ReportTable{ID: "issues", Title: l.Get("report.sec.issues"), Columns: []ReportColumn{col("report.col.department", 4, ""), col("report.col.opened", 1.5, "R"),
		col("report.col.closed", 1.5, "R"), col("report.col.overdue", 1.5, "R")}}
	for _, d := range r.IssuesByDep {
		is.Rows = append(is.Rows, ReportRow{Cells: []Value{vText(labelOr(l, "report.dept.", d.Department)), vInt(d.Opened), vInt(d.Closed), vInt(d.Overdue)}})
	}
	is.Rows = append(is.Rows, ReportRow{Kind: RowSubtotal, Cells: []Value{vText(l.Get("report.total")), vInt(r.Issues.Opened.Value), vInt(r.Issues.Closed.Value),
		vInt(r.Issues.Overdue.Value)}})
	ts = append(ts, is)
	return ts, nil
}

// EventTables returns every table of the trade-show report, in lang.
func EventTables(r *report.EventReport, lang string) ([]ReportTable, error) {
	l, err := reportLabels(docLang(lang))
	if err != nil {
		return nil, err
	}
	cur := r.Currency
	loc := eventZone(&r.Event)
	col := func(key string, w float64, align string) ReportColumn {
		return ReportColumn{Title: l.Get(key), Weight: w, Align: align}
	}
	money := func(v int64) Value { return vMoney(v, cur) }
	var ts []ReportTable

	sum := ReportTable{ID: "summary", Title: l.Get("report.sec.summary"), Currency: cur, Columns: []ReportColumn{col("report.col.figure", 4, ""), col("report.col.value", 2.5, "R")}}
	row := func(key string, v Value) {
		sum.Rows = append(sum.Rows, ReportRow{Cells: []Value{vText(l.Get(key)), v}})
	}
	row("report.kpi.leads", vInt(int64(len(r.Leads))))
	row("report.kpi.qualified", vInt(r.ByGrade["A"]+r.ByGrade["B"]))
	row("report.kpi.consent", vInt(r.Consented))
	row("report.kpi.meetings_held", vInt(r.MeetingsHeld))
	row("report.kpi.meetings_planned", vInt(r.MeetingsTotal-r.MeetingsHeld))
	row("report.kpi.proposals", vInt(r.Issued))
	row("report.kpi.proposals_value", money(r.IssuedValue))
	row("report.kpi.accepted", vInt(r.Accepted))
	row("report.kpi.accepted_value", money(r.AcceptedValue))
	row("report.kpi.deals", vInt(int64(len(r.Deals))))
	row("report.kpi.pipeline", money(r.Pipeline))
	row("report.kpi.weighted", money(r.Weighted))
	row("report.kpi.won", vInt(r.Won))
	row("report.kpi.won_value", money(r.WonValue))
	row("report.kpi.budget", money(r.Budget))
	row("report.kpi.planned", money(r.Planned))
	row("report.kpi.actual", money(r.Actual))
	row("report.kpi.cost", money(r.Cost))
	used, uok := r.BudgetUsed()
	row("report.kpi.budget_used", vPct(used, uok))
	row("report.kpi.cost_per_lead", Value{Type: TypeMoney, Num: r.CostPerLead, Scale: model.CurrencyDigits(cur), Empty: len(r.Leads) == 0, Text: cur})
	row("report.kpi.cost_per_qual", Value{Type: TypeMoney, Num: r.CostPerQualLead, Scale: model.CurrencyDigits(cur), Empty: r.ByGrade["A"]+r.ByGrade["B"] == 0, Text: cur})
	ts = append(ts, sum)

	grades := ReportTable{ID: "grades", Title: l.Get("report.sec.grades"), Columns: []ReportColumn{col("report.col.grade", 3, ""), col("report.col.leads", 1.5, "R"),
		col("report.col.share", 1.5, "R")}}
	for _, g := range report.Grades {
		n := r.ByGrade[g]
		share, ok := report.Ratio(n, int64(len(r.Leads)))
		grades.Rows = append(grades.Rows, ReportRow{Cells: []Value{vText(gradeName(g, l)), vInt(n), vPct(share, ok)}})
	}
	ts = append(ts, grades)

	leads := ReportTable{ID: "leads", Title: l.Get("report.sec.lead_list"), Location: loc, Columns: []ReportColumn{col("report.col.name", 3, ""), col("report.col.company", 3, ""),
		col("report.col.grade", 1, ""), col("report.col.owner", 2.4, ""), col("report.col.captured", 2.4, ""), col("report.col.consent", 1.4, "")}}
	for _, ld := range r.Leads {
		leads.Rows = append(leads.Rows, ReportRow{Cells: []Value{vText(ld.Name), vText(ld.Account), vText(gradeName(ld.Grade, l)), vText(ld.Owner), vTime(ld.Captured), vBool(ld.Consent)}})
	}
	ts = append(ts, leads)

	meet := ReportTable{ID: "meetings", Title: l.Get("report.sec.meetings"), Location: loc, Columns: []ReportColumn{col("report.col.when", 2.4, ""), col("report.col.title", 4, ""),
		col("report.col.contact", 3, ""), col("report.col.member", 2.4, ""), col("report.col.held", 1.2, "")}}
	for _, m := range r.Meetings {
		meet.Rows = append(meet.Rows, ReportRow{Cells: []Value{vTime(m.Start), vText(m.Title), vText(m.Contact), vText(m.Member), vBool(m.Held)}})
	}
	ts = append(ts, meet)

	props := ReportTable{ID: "proposals", Title: l.Get("report.sec.proposals"), Currency: cur, Columns: []ReportColumn{col("report.col.number", 3.2, ""),
		col("report.col.customer", 3.4, ""), col("report.col.status", 1.8, ""), col("report.col.date", 1.8, ""), col("report.col.net", 2.2, "R")}}
	for _, p := range r.Proposals {
		props.Rows = append(props.Rows, ReportRow{Cells: []Value{vText(p.Number), vText(p.Account), vText(labelOr(l, "report.status.", p.Status)), vDate(p.IssueDate), vMoney(p.Net, p.Currency)}})
	}
	ts = append(ts, props)

	deals := ReportTable{ID: "deals", Title: l.Get("report.sec.event_deals"), Currency: cur, Columns: []ReportColumn{col("report.col.deal", 3.8, ""), col("report.col.customer", 3, ""),
		col("report.col.stage", 1.9, ""), col("report.col.status", 1.4, ""), col("report.col.amount", 2.2, "R"), col("report.col.probability", 1.8, "R"),
		{Title: l.Get("report.col.owner"), NoPDF: true}}}
	for _, dl := range r.Deals {
		deals.Rows = append(deals.Rows, ReportRow{Cells: []Value{vText(dl.Title), vText(dl.Account), vText(dl.Stage), vText(labelOr(l, "report.status.", dl.Status)),
			vMoney(dl.Amount, dl.Currency), vPct(dl.Probability*100, true), vText(dl.Owner)}})
	}
	ts = append(ts, deals)

	costs := ReportTable{ID: "costs", Title: l.Get("report.sec.costs"), Currency: cur, Columns: []ReportColumn{col("report.col.item", 4, ""), col("report.col.category", 2, ""),
		col("report.col.vendor", 3, ""), col("report.col.status", 1.4, ""), col("report.col.planned", 2, "R"), col("report.col.actual_cost", 2, "R")}}
	for _, c := range r.Costs {
		act := money(c.Actual)
		act.Empty = c.Actual == 0
		costs.Rows = append(costs.Rows, ReportRow{Cells: []Value{vText(c.Title), vText(labelOr(l, "report.category.", c.Category)), vText(c.Vendor),
			vText(labelOr(l, "report.item.", c.Status)), money(c.Planned), act}})
	}
	costs.Rows = append(costs.Rows, ReportRow{Kind: RowSubtotal, Cells: []Value{vText(l.Get("report.total")), {Empty: true}, {Empty: true}, {Empty: true}, money(r.Planned), money(r.Actual)}},
		ReportRow{Kind: RowSubtotal, Cells: []Value{vText(l.Get("report.kpi.budget")), {Empty: true}, {Empty: true}, {Empty: true}, money(r.Budget), {Empty: true}}})
	ts = append(ts, costs)
	return ts, nil
}

// labelOr is the label of prefix+value, or value itself when there is none
// (a category or status the translations do not know yet).
func labelOr(l Labels, prefix, value string) string {
	if s, ok := l[prefix+value]; ok {
		return s
	}
	return value
}

func gradeName(g string, l Labels) string {
	if g == "" {
		return l.Get("report.ungraded")
	}
	return g
}

// eventZone is the event's time zone, UTC when it names none or an unknown one.
func eventZone(e *model.Event) *time.Location {
	if e.TZ != "" {
		if loc, err := time.LoadLocation(e.TZ); err == nil {
			return loc
		}
	}
	return time.UTC
}

// headerTitle is a column's title in a spreadsheet, where cells hold bare
// numbers: money columns say their currency when all their amounts share
// one, percentage columns say "%".
func headerTitle(t ReportTable, i int) string {
	title := t.Columns[i].Title
	cur, typ := "", ColType(-1)
	for _, r := range t.Rows {
		if i >= len(r.Cells) || r.Cells[i].Empty {
			continue
		}
		v := r.Cells[i]
		switch {
		case typ == -1:
			typ, cur = v.Type, v.Text
		case v.Type != typ || v.Type == TypeMoney && v.Text != cur:
			return title
		}
	}
	switch typ {
	case TypeMoney:
		if cur != "" {
			return title + " (" + cur + ")"
		}
	case TypePercent:
		return title + " (%)"
	}
	return title
}

// WriteReportCSV writes every table one after the other in one CSV file for
// lang (semicolons and decimal commas in French, see NewCSV): a line with
// the table's title, its header, its rows, then an empty line.
func WriteReportCSV(w io.Writer, tables []ReportTable, lang string) error {
	c := NewCSV(w, lang)
	for i, t := range tables {
		if i > 0 {
			if err := c.Write(""); err != nil {
				return err
			}
		}
		if err := c.Write(t.Title); err != nil {
			return err
		}
		titles := make([]string, len(t.Columns))
		for j := range t.Columns {
			titles[j] = headerTitle(t, j)
		}
		if err := c.Write(titles...); err != nil {
			return err
		}
		for _, r := range t.Rows {
			cells := make([]string, len(r.Cells))
			for j, v := range r.Cells {
				cells[j] = c.FormatValue(v, t.Location)
			}
			if err := c.Write(cells...); err != nil {
				return err
			}
		}
	}
	return c.Flush()
}

// WriteReportXLSX writes every table on its own sheet of an Excel workbook,
// with real numbers, dates and percentages, a bold frozen header and the
// table's title as the sheet name.
func WriteReportXLSX(w io.Writer, tables []ReportTable) error {
	f := excelize.NewFile()
	defer f.Close()
	styles := map[string]int{}
	used := map[string]bool{}
	for i, t := range tables {
		name := sheetName(t.Title, used)
		if i == 0 {
			if err := f.SetSheetName(f.GetSheetName(0), name); err != nil {
				return fmt.Errorf("export: xlsx: %w", err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return fmt.Errorf("export: xlsx: %w", err)
		}
		sw, err := f.NewStreamWriter(name)
		if err != nil {
			return fmt.Errorf("export: xlsx: %w", err)
		}
		loc := t.Location
		if loc == nil {
			loc = time.UTC
		}
		xt := &xlsxTable{f: f, sw: sw, loc: loc, styles: styles}
		titles := make([]string, len(t.Columns))
		for j := range t.Columns {
			titles[j] = headerTitle(t, j)
		}
		if err := xt.Header(titles); err != nil {
			return err
		}
		for _, r := range t.Rows {
			if err := xt.Row(r.Cells); err != nil {
				return fmt.Errorf("export: xlsx sheet %s: %w", name, err)
			}
		}
		if err := sw.Flush(); err != nil {
			return fmt.Errorf("export: xlsx: %w", err)
		}
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export: write xlsx: %w", err)
	}
	return nil
}

// sheetName makes a valid, unique sheet name from a title.
func sheetName(title string, used map[string]bool) string {
	base := safeSheetName(title)
	if base == "" {
		base = "Sheet"
	}
	name := base
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := " " + strconv.Itoa(n)
		r := []rune(base)
		if len(r)+len(suffix) > 31 {
			r = r[:31-len(suffix)]
		}
		name = string(r) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}
