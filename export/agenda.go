package export

import (
	"fmt"
	"io"
	"strings"
	"time"

	"relais/model"
	"relais/report"
)

// WriteAgendaPDF renders the agenda of an event in lang: where and when,
// the topics in their time slots day by day (in the event's zone), and the
// attendees.
func WriteAgendaPDF(w io.Writer, lh Letterhead, a *report.Agenda, lang string, made model.Date) error {
	lang = docLang(lang)
	l, err := reportLabels(lang)
	if err != nil {
		return err
	}
	e := &a.Event
	title := l.Get("report.agenda.title")
	if e.Type == "trade_show" {
		title = l.Get("report.agenda.title_show")
	}
	d, err := NewDoc(lh, DocInfo{Title: title + " — " + e.Name, Subject: e.Name, Lang: lang, Date: made, Ref: e.Name})
	if err != nil {
		return err
	}
	d.Letterhead(title, [][2]string{{l.Get("report.fact.event"), e.Name}, {l.Get("report.fact.dates"), eventDates(e, lang)},
		{l.Get("report.fact.place"), eventPlace(e)}, {l.Get("report.fact.booth"), e.Booth}})
	zone := a.Location.String()
	d.Paragraph(l.Get("report.agenda.zone", "Zone", zone), "I", 8)
	d.Space(2)
	if len(a.Days) == 0 {
		d.Paragraph(l.Get("report.agenda.empty"), "I", 9)
	}
	for _, day := range a.Days {
		d.Heading(capitalize(weekday(day.Date, lang) + " " + FormatDate(day.Date, lang)))
		t := Table{FontSize: 8.5, Columns: []Column{{Title: l.Get("report.col.time"), Weight: 1.6}, {Title: l.Get("report.col.topic"), Weight: 5},
			{Title: l.Get("report.col.led_by"), Weight: 2.2}, {Title: l.Get("report.col.with"), Weight: 3}}}
		for _, s := range day.Slots {
			row := Row{Cells: []string{s.Start.Format("15:04") + " – " + s.End.Format("15:04"), s.Title, s.Lead, s.Guest}}
			if s.Place != "" {
				row.Subs = []string{"", s.Place}
			}
			if s.Type == "break" {
				row.Kind = RowMuted
			}
			t.Rows = append(t.Rows, row)
		}
		d.Table(t)
		d.Space(3)
	}
	d.Heading(l.Get("report.agenda.attendees") + " (" + formatCount(int64(len(a.Attendees)), lang) + ")")
	if len(a.Attendees) == 0 {
		d.Paragraph(l.Get("report.agenda.no_attendees"), "I", 9)
	} else {
		t := Table{FontSize: 8.5, Columns: []Column{{Title: l.Get("report.col.name"), Weight: 3}, {Title: l.Get("report.col.role"), Weight: 2.6},
			{Title: l.Get("report.col.company"), Weight: 2.6}, {Title: l.Get("report.col.email"), Weight: 3.4}}}
		for _, p := range a.Attendees {
			role := p.Role
			if p.Kind == "member" && role != "" {
				role = labelOr(l, "report.role.", role)
			}
			company := p.Company
			if p.Kind == "member" {
				company = l.Get("report.kind.member")
			}
			t.Rows = append(t.Rows, Row{Cells: []string{p.Name, role, company, p.Email}})
		}
		d.Table(t)
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("export: agenda of %s: %w", e.Name, err)
	}
	return nil
}

var weekdays = map[string][7]string{
	"fr": {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
	"en": {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
}

func weekday(d model.Date, lang string) string {
	return weekdays[docLang(lang)][d.Time(time.UTC).Weekday()]
}

func capitalize(s string) string {
	r := []rune(s)
	if len(r) == 0 {
		return s
	}
	return strings.ToUpper(string(r[0])) + string(r[1:])
}
