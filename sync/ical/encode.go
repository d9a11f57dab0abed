package ical

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"relais/model"
)

// ProdID names Relais in the files it writes.
const ProdID = "-//Relais//Relais Calendar//EN"

// Writer builds iCalendar objects from appointments.
type Writer struct {
	Dir *Directory
	// Now stamps DTSTAMP on iTIP messages; exports stamp each event with its
	// last change so that exporting twice gives the same bytes.
	Now func() time.Time
}

func dateValue(t time.Time) string { return t.UTC().Format("20060102") }

// setTime writes a DTSTART-like property the way a appears: a DATE for
// all-day, local time with TZID in the appointment's zone, else UTC.
func setTime(props goical.Props, name string, t time.Time, a *model.Appointment) {
	p := goical.NewProp(name)
	switch {
	case a.AllDay:
		p.Params.Set(goical.ParamValue, "DATE")
		p.Value = dateValue(t)
	case a.TZ != "":
		p.Params.Set(goical.PropTimezoneID, a.TZ)
		p.Value = t.In(a.Zone()).Format("20060102T150405")
	default:
		p.Value = t.UTC().Format("20060102T150405Z")
	}
	props.Set(p)
}

// addTimes writes EXDATE or RDATE values (RFC 3339 strings) in the same form as DTSTART.
func addTimes(props goical.Props, name string, vals []string, a *model.Appointment) {
	for _, v := range vals {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			continue
		}
		tmp := goical.Props{}
		setTime(tmp, name, t, a)
		props.Add(tmp.Get(name))
	}
}

func setText(props goical.Props, name, v string) {
	if v != "" {
		props.SetText(name, v)
	}
}

// Event builds the VEVENT of one appointment row (a series master, a single
// appointment or an override). invite adds what iTIP needs: RSVP on
// attendees and the organizer.
func (w *Writer) Event(a *model.Appointment, stamp time.Time, invite bool) *goical.Component {
	ev := goical.NewComponent(goical.CompEvent)
	ev.Props.SetText(goical.PropUID, a.UID)
	ev.Props.SetDateTime(goical.PropDateTimeStamp, stamp.UTC().Truncate(time.Second))
	setTime(ev.Props, goical.PropDateTimeStart, a.Start, a)
	if a.AllDay || !a.End.Equal(a.Start) {
		setTime(ev.Props, goical.PropDateTimeEnd, a.End, a)
	}
	ev.Props.SetText(goical.PropSummary, a.Title)
	setText(ev.Props, goical.PropLocation, a.Location)
	setText(ev.Props, goical.PropDescription, a.Description)
	if a.Status != "" {
		ev.Props.SetText(goical.PropStatus, strings.ToUpper(a.Status))
	}
	if a.Sequence > 0 || invite {
		setRaw(ev.Props, goical.PropSequence, strconv.FormatInt(a.Sequence, 10))
	}
	if !a.RecurrenceID.IsZero() {
		setTime(ev.Props, goical.PropRecurrenceID, a.RecurrenceID, a)
	} else {
		if a.RRule != "" {
			setRaw(ev.Props, goical.PropRecurrenceRule, a.RRule)
		}
		addTimes(ev.Props, goical.PropRecurrenceDates, a.RDates, a)
		addTimes(ev.Props, goical.PropExceptionDates, a.ExDates, a)
	}
	if a.AllDay {
		ev.Props.SetText(goical.PropTransparency, "TRANSPARENT")
	}
	if org := w.organizer(a); org != nil {
		ev.Props.Set(org)
	}
	for _, ref := range a.Attendees {
		name, email := w.Dir.Person(ref)
		if email == "" {
			continue
		}
		p := goical.NewProp(goical.PropAttendee)
		p.Value = "mailto:" + email
		if name != "" {
			p.Params.Set(goical.ParamCommonName, paramSafe(name))
		}
		p.Params.Set(goical.ParamRole, "REQ-PARTICIPANT")
		if invite {
			p.Params.Set(goical.ParamParticipationStatus, "NEEDS-ACTION")
			p.Params.Set("RSVP", "TRUE")
		}
		ev.Props.Add(p)
	}
	for _, al := range a.Alarms {
		alarm := goical.NewComponent(goical.CompAlarm)
		alarm.Props.SetText(goical.PropAction, "DISPLAY")
		setRaw(alarm.Props, goical.PropTrigger, al)
		alarm.Props.SetText(goical.PropDescription, a.Title)
		ev.Children = append(ev.Children, alarm)
	}
	for prop, v := range map[string]string{"X-RELAIS-CALENDAR": a.Calendar, "X-RELAIS-OWNER": a.OwnerID, "X-RELAIS-CONTACT": a.ContactID,
		"X-RELAIS-ACCOUNT": a.AccountID, "X-RELAIS-DEAL": a.DealID, "X-RELAIS-EVENT": a.EventID} {
		setText(ev.Props, prop, v)
	}
	return ev
}

// organizer is the ORGANIZER property: the appointment's organizer, else its
// owner; nil when neither has an address.
func (w *Writer) organizer(a *model.Appointment) *goical.Prop {
	ref := a.Organizer
	if ref == "" && a.OwnerID != "" {
		ref = "member:" + a.OwnerID
	}
	if ref == "" {
		return nil
	}
	name, email := w.Dir.Person(ref)
	if email == "" {
		return nil
	}
	p := goical.NewProp(goical.PropOrganizer)
	p.Value = "mailto:" + email
	if name != "" {
		p.Params.Set(goical.ParamCommonName, paramSafe(name))
	}
	return p
}

// paramSafe drops the characters a parameter value cannot hold (go-ical
// refuses double quotes; line breaks would split the line).
func paramSafe(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '"' || r == '\r' || r == '\n' || r < 0x20 {
			return -1
		}
		return r
	}, s)
}

// Calendar builds a VCALENDAR holding the appointments (rows of any number of
// series), with a VTIMEZONE for every zone they use. method is "" for a plain
// export (PUBLISH is not written then), "REQUEST" or "CANCEL" for iTIP.
func (w *Writer) Calendar(appts []*model.Appointment, method string, stamp func(*model.Appointment) time.Time, invite bool) *goical.Calendar {
	cal := goical.NewCalendar()
	cal.Props.SetText(goical.PropProductID, ProdID)
	cal.Props.SetText(goical.PropVersion, "2.0")
	cal.Props.SetText(goical.PropCalendarScale, "GREGORIAN")
	if method != "" {
		cal.Props.SetText(goical.PropMethod, method)
	}
	// One VTIMEZONE per zone, covering the years the appointments use.
	type span struct{ from, to int }
	zones := map[string]*span{}
	for _, a := range appts {
		if a.AllDay || a.TZ == "" {
			continue
		}
		y := a.Start.In(a.Zone()).Year()
		s, ok := zones[a.TZ]
		if !ok {
			zones[a.TZ] = &span{y, y + 1}
			continue
		}
		s.from, s.to = min(s.from, y), max(s.to, y+1)
	}
	names := make([]string, 0, len(zones))
	for n := range zones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if loc, err := model.LoadZone(n); err == nil {
			cal.Children = append(cal.Children, VTimezone(loc, zones[n].from, zones[n].to))
		}
	}
	for _, a := range appts {
		cal.Children = append(cal.Children, w.Event(a, stamp(a), invite))
	}
	return cal
}

// Encode writes cal, folding lines longer than 75 octets as RFC 5545 asks
// (go-ical does not fold; Outlook rejects some unfolded files).
func Encode(out io.Writer, cal *goical.Calendar) error {
	var buf bytes.Buffer
	if err := goical.NewEncoder(&buf).Encode(cal); err != nil {
		return fmt.Errorf("ical: encode: %w", err)
	}
	if _, err := out.Write(fold(buf.Bytes())); err != nil {
		return fmt.Errorf("ical: write: %w", err)
	}
	return nil
}

// fold breaks each CRLF-terminated line into pieces of at most 75 octets,
// never inside a UTF-8 sequence, continuation lines starting with a space.
func fold(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/50)
	for len(b) > 0 {
		i := bytes.Index(b, []byte("\r\n"))
		var l []byte
		if i < 0 {
			l, b = b, nil
		} else {
			l, b = b[:i], b[i+2:]
		}
		limit := 75
		for len(l) > limit {
			cut := limit
			for cut > 0 && !utf8.RuneStart(l[cut]) {
				cut--
			}
			out = append(out, l[:cut]...)
			out = append(out, "\r\n "...)
			l = l[cut:]
			limit = 74 // the leading space counts
		}
		out = append(out, l...)
		out = append(out, "\r\n"...)
	}
	return out
}

// ExportFilter chooses what Export writes. The zero value exports everything.
type ExportFilter struct {
	Calendar string    // only this calendar ("" with AllCalendars false: the default calendar)
	All      bool      // every calendar
	IDs      []string  // only these appointments (and their series' overrides)
	From, To time.Time // only series with an occurrence in [From, To) when set
}

// Export writes the chosen appointments as one iCalendar file.
func Export(ctx context.Context, db model.Querier, out io.Writer, f ExportFilter) (int, error) {
	appts, err := selectForExport(ctx, db, f)
	if err != nil {
		return 0, err
	}
	w := &Writer{Dir: NewDirectory(ctx, db)}
	cal := w.Calendar(appts, "", func(a *model.Appointment) time.Time { return a.UpdatedAt }, false)
	if f.Calendar != "" && !f.All {
		cal.Props.SetText("X-WR-CALNAME", f.Calendar)
	}
	if len(cal.Children) == 0 {
		// go-ical refuses an empty VCALENDAR; write the header lines alone.
		_, err := io.WriteString(out, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"+ProdID+"\r\nEND:VCALENDAR\r\n")
		return 0, err
	}
	return len(appts), Encode(out, cal)
}

func selectForExport(ctx context.Context, db model.Querier, f ExportFilter) ([]*model.Appointment, error) {
	q := model.Query{OrderBy: "uid, recurrence_id IS NOT NULL, recurrence_id"}
	var conds []string
	switch {
	case len(f.IDs) > 0:
		ph := strings.Repeat(", ?", len(f.IDs)-1)
		conds = append(conds, "uid IN (SELECT uid FROM appointments WHERE id IN (?"+ph+"))")
		for _, id := range f.IDs {
			q.Args = append(q.Args, id)
		}
	case !f.All:
		conds = append(conds, "calendar = ?")
		q.Args = append(q.Args, f.Calendar)
	}
	q.Where = strings.Join(conds, " AND ")
	appts, err := model.List[model.Appointment](ctx, db, q)
	if err != nil {
		return nil, err
	}
	if f.From.IsZero() && f.To.IsZero() {
		return appts, nil
	}
	to := f.To
	if to.IsZero() {
		to = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	keep := map[string]bool{}
	for _, a := range appts {
		if starts, err := model.Expand(a, f.From, to); err == nil && len(starts) > 0 {
			keep[a.UID] = true
		}
	}
	out := appts[:0]
	for _, a := range appts {
		if keep[a.UID] {
			out = append(out, a)
		}
	}
	return out, nil
}
