package export

import (
	"fmt"
	"io"
	"strings"

	"relais/model"
	"relais/report"
)

// EventFileName is the file a trade-show report or an agenda of e is saved
// under, without extension: its name and year, ASCII only.
func EventFileName(prefix string, e *model.Event) string {
	name := unsafeName.ReplaceAllString(foldASCII(e.Name), "-")
	name = strings.Trim(name, "-._")
	if name == "" {
		name = "event"
	}
	return prefix + "-" + name + "-" + fmt.Sprint(e.StartDate.Year)
}

// foldASCII drops the accents of Latin letters ("Équip'Hôtel" → "Equip'Hotel")
// so that file names survive every file system and mail client.
func foldASCII(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
			continue
		}
		switch {
		case strings.ContainsRune("àâäáãå", r):
			b.WriteByte('a')
		case strings.ContainsRune("ÀÂÄÁÃÅ", r):
			b.WriteByte('A')
		case strings.ContainsRune("éèêë", r):
			b.WriteByte('e')
		case strings.ContainsRune("ÉÈÊË", r):
			b.WriteByte('E')
		case strings.ContainsRune("îïíì", r):
			b.WriteByte('i')
		case strings.ContainsRune("ÎÏÍÌ", r):
			b.WriteByte('I')
		case strings.ContainsRune("ôöóòõ", r):
			b.WriteByte('o')
		case strings.ContainsRune("ÔÖÓÒÕ", r):
			b.WriteByte('O')
		case strings.ContainsRune("ùûüú", r):
			b.WriteByte('u')
		case strings.ContainsRune("ÙÛÜÚ", r):
			b.WriteByte('U')
		case r == 'ç':
			b.WriteByte('c')
		case r == 'Ç':
			b.WriteByte('C')
		case r == 'œ':
			b.WriteString("oe")
		case r == 'Œ':
			b.WriteString("OE")
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// eventDates renders an event's dates: "5–7 novembre 2026", or one day.
func eventDates(e *model.Event, lang string) string {
	if e.EndDate.IsZero() || e.EndDate == e.StartDate {
		return FormatDate(e.StartDate, lang)
	}
	return FormatDate(e.StartDate, lang) + " – " + FormatDate(e.EndDate, lang)
}

// eventPlace joins the venue, address, city and country that are set.
func eventPlace(e *model.Event) string {
	var parts []string
	for _, s := range []string{e.Venue, e.Address, e.City, e.Country} {
		if s = strings.TrimSpace(s); s != "" && !strings.Contains(strings.Join(parts, ", "), s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// WriteEventPDF renders the trade-show report in lang: what the show brought
// in (leads by grade, meetings, proposals, deals) against what it cost.
func WriteEventPDF(w io.Writer, lh Letterhead, r *report.EventReport, lang string) error {
	lang = docLang(lang)
	l, err := reportLabels(lang)
	if err != nil {
		return err
	}
	tables, err := EventTables(r, lang)
	if err != nil {
		return err
	}
	e := &r.Event
	title := l.Get("report.event.title")
	d, err := NewDoc(lh, DocInfo{Title: title + " — " + e.Name, Subject: l.Get("report.event.subject", "Event", e.Name), Lang: lang, Date: r.AsOf,
		Ref: e.Name})
	if err != nil {
		return err
	}
	money := func(v int64) string { return FormatMoney(v, r.Currency, lang) }
	d.Letterhead(title, [][2]string{{l.Get("report.fact.event"), e.Name}, {l.Get("report.fact.dates"), eventDates(e, lang)},
		{l.Get("report.fact.venue"), eventPlace(e)}, {l.Get("report.fact.booth"), strings.TrimSpace(strings.Join([]string{e.Booth, e.BoothSize}, " "))},
		{l.Get("report.fact.made_on"), FormatDate(r.AsOf, lang)}})

	leads := int64(len(r.Leads))
	qual := r.ByGrade["A"] + r.ByGrade["B"]
	used, uok := r.BudgetUsed()
	usedText := []string{}
	if uok {
		usedText = append(usedText, l.Get("report.of_budget", "Value", formatPct(used, lang, false), "Budget", money(r.Budget)))
	}
	if r.Actual != r.Cost {
		usedText = append(usedText, l.Get("report.actual_so_far", "Amount", money(r.Actual)))
	}
	perLead, perQual := "—", "—"
	if leads > 0 {
		perLead = money(r.CostPerLead)
	}
	if qual > 0 {
		perQual = money(r.CostPerQualLead)
	}
	share, _ := report.Ratio(qual, leads)
	d.Heading(l.Get("report.sec.summary"))
	d.tiles([]tile{
		{l.Get("report.kpi.leads"), formatCount(leads, lang), []string{l.Get("report.with_consent", "Count", formatCount(r.Consented, lang))}},
		{l.Get("report.kpi.qualified"), formatCount(qual, lang), []string{l.Get("report.of_leads", "Value", formatPct(share, lang, false))}},
		{l.Get("report.kpi.meetings_held"), formatCount(r.MeetingsHeld, lang), []string{l.Get("report.planned_count", "Count", formatCount(r.MeetingsTotal-r.MeetingsHeld, lang))}},
		{l.Get("report.kpi.proposals"), formatCount(r.Issued, lang), []string{money(r.IssuedValue), l.Get("report.accepted_count", "Count", formatCount(r.Accepted, lang), "Amount", money(r.AcceptedValue))}},
		{l.Get("report.kpi.deals"), formatCount(int64(len(r.Deals)), lang), []string{l.Get("report.won_lost", "Won", formatCount(r.Won, lang), "Lost", formatCount(r.Lost, lang)), l.Get("report.won_amount", "Amount", money(r.WonValue))}},
		{l.Get("report.kpi.weighted"), money(r.Weighted), []string{l.Get("report.n_deals_amount", "Count", formatCount(r.OpenDeals, lang), "Amount", money(r.Pipeline))}},
		{l.Get("report.kpi.cost"), money(r.Cost), usedText},
		{l.Get("report.kpi.cost_per_lead"), perLead, nil},
		{l.Get("report.kpi.cost_per_qual"), perQual, nil},
	}, 3)
	if r.OtherCurrency > 0 {
		d.Paragraph(l.Get("report.event.other_currency", "Count", formatCount(r.OtherCurrency, lang), "Currency", r.Currency), "I", 7.5)
	}
	d.Paragraph(l.Get("report.amounts_note", "Currency", r.Currency), "I", 7.5)
	d.Space(3)

	// Leads by grade, and cost against budget, as bars.
	d.Heading(l.Get("report.sec.grades"))
	var bars []hbar
	for _, g := range report.Grades {
		if g == "" && r.ByGrade[g] == 0 {
			continue
		}
		bars = append(bars, hbar{label: gradeName(g, l), value: r.ByGrade[g], muted: g == "" || g == "D"})
	}
	d.EnsureSpace(float64(len(bars))*5.6 + 4)
	y := d.pdf.GetY()
	d.pdf.SetY(y + d.countBars(marginMM, y, d.ContentWidth(), bars, lang) + 4)
	if r.Budget > 0 || r.Cost > 0 {
		d.Heading(l.Get("report.chart.budget"))
		cb := []hbar{{label: l.Get("report.kpi.budget"), value: r.Budget, muted: true}, {label: l.Get("report.kpi.planned"), value: r.Planned, muted: true},
			{label: l.Get("report.kpi.cost"), value: r.Cost}}
		if r.Actual > 0 {
			cb = append(cb, hbar{label: l.Get("report.kpi.actual"), value: r.Actual})
		}
		d.EnsureSpace(float64(len(cb))*5.6 + 4)
		y = d.pdf.GetY()
		d.pdf.SetY(y + d.hbarChart(marginMM, y, d.ContentWidth(), cb, "", colTarget, r.Currency, lang) + 4)
	}
	for _, id := range []string{"costs", "proposals", "deals", "meetings", "leads"} {
		t := tableByID(tables, id)
		d.Heading(t.Title)
		d.reportTable(t, lang, l)
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("export: trade-show report %s: %w", e.Name, err)
	}
	return nil
}

// countBars is hbarChart for counts rather than amounts.
func (d *Doc) countBars(x, y, w float64, rows []hbar, lang string) float64 {
	p := d.pdf
	const rowH, labelW, valueW = 5.6, 48.0, 34.0
	var maxV int64 = 1
	for _, r := range rows {
		maxV = max(maxV, r.value)
	}
	bx, bw := x+labelW, w-labelW-valueW
	for i, r := range rows {
		yy := y + float64(i)*rowH
		d.text(x, yy+(rowH-lineH(7.5))/2, labelW-1, r.label, "R", "", 7.5)
		d.fill(colActual)
		if r.muted {
			d.fill(colForecast)
		}
		p.Rect(bx, yy+1.1, float64(r.value)/float64(maxV)*bw, rowH-2.2, "F")
		d.ink(colAxisText)
		d.text(bx+bw+1, yy+(rowH-lineH(7))/2, valueW-1, formatCount(r.value, lang), "L", "", 7)
		p.SetTextColor(0, 0, 0)
	}
	return float64(len(rows)) * rowH
}
