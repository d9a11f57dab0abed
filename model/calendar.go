package model

// Calendar reads: recurrence expansion, the occurrences of a date range for
// the day, week and month views, dated records shown beside them, reminders
// and double-booking checks.
//
// How appointments are stored (the convention every calendar package shares):
//   - Start and End are instants in UTC. TZ is the IANA zone the appointment
//     was made in; recurrences expand in that zone, so a weekly 09:00 Paris
//     meeting stays at 09:00 Paris time across daylight-saving changes.
//   - All-day appointments have AllDay set, Start at 00:00 UTC of their first
//     date and End at 00:00 UTC of the day after the last (iCalendar's
//     exclusive DTEND); TZ is empty. They show on the same dates everywhere.
//   - A recurring series is one row with RRule (the RRULE value without the
//     "RRULE:" prefix), RDates and ExDates (RFC 3339 instants). An occurrence
//     edited on its own is a second row with the same UID and RecurrenceID
//     set to the original start of the occurrence it replaces.
//
// Expansion uses github.com/teambition/rrule-go (the library go-ical itself
// uses): a pure-Go RFC 5545 implementation, the one dependency of model
// beyond go-sqlite3.

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/teambition/rrule-go"
)

// maxExpandSteps bounds the work spent on one series: a rule such as
// FREQ=HOURLY started decades ago would otherwise walk millions of
// occurrences before reaching the visible week.
const maxExpandSteps = 100000

var locations sync.Map // zone name -> *time.Location; LoadLocation reads the tz database each call

// LoadZone returns the IANA zone name's location ("" and "UTC" give UTC),
// caching it: views load the same few zones thousands of times.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "UTC" {
		return time.UTC, nil
	}
	if l, ok := locations.Load(name); ok {
		return l.(*time.Location), nil
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("model: unknown time zone %q", name)
	}
	locations.Store(name, l)
	return l, nil
}

// Zone returns the zone the appointment's recurrences expand in: UTC for
// all-day appointments (their instants are UTC midnights) and for appointments
// without a zone.
func (a *Appointment) Zone() *time.Location {
	if a.AllDay {
		return time.UTC
	}
	l, err := LoadZone(a.TZ)
	if err != nil {
		return time.UTC
	}
	return l
}

// Recurring reports whether the appointment is the master of a series.
func (a *Appointment) Recurring() bool {
	return a.RecurrenceID.IsZero() && (a.RRule != "" || len(a.RDates) > 0)
}

// Occurrence is one appearance of an appointment on the calendar.
type Occurrence struct {
	Appt         *Appointment // the series master, or the override that replaces this occurrence
	Start, End   time.Time    // instants in UTC
	RecurrenceID time.Time    // original start of a recurring occurrence; zero for a single appointment
	EventTZ      string       // zone of the linked event (a trade show), "" when none; views show it when it is not the viewer's
}

// ParseRRule checks an RRULE value (without the "RRULE:" prefix) the way
// expansion will read it, so a bad rule is refused when it is saved rather
// than when a view is drawn.
func ParseRRule(rule string, start time.Time) (*rrule.RRule, error) {
	rule = strings.TrimPrefix(strings.TrimSpace(rule), "RRULE:")
	opt, err := rrule.StrToROptionInLocation(rule, start.Location())
	if err != nil {
		return nil, fmt.Errorf("model: recurrence rule %q: %v", rule, err)
	}
	if opt.Freq == rrule.SECONDLY || opt.Freq == rrule.MINUTELY {
		return nil, fmt.Errorf("model: recurrence rule %q: repeating every second or minute is not supported", rule)
	}
	opt.Dtstart = start
	r, err := rrule.NewRRule(*opt)
	if err != nil {
		return nil, fmt.Errorf("model: recurrence rule %q: %v", rule, err)
	}
	return r, nil
}

func parseInstants(field string, ss []string, loc *time.Location) ([]time.Time, error) {
	out := make([]time.Time, 0, len(ss))
	for _, s := range ss {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return nil, fmt.Errorf("model: %s: %q is not an RFC 3339 date and time", field, s)
		}
		out = append(out, t.In(loc))
	}
	return out, nil
}

// Expand returns the start instants (UTC) of the occurrences of a that
// overlap [from, to), ExDates removed and RDates added, in order. A single
// appointment yields its own start when it overlaps. Overrides are not
// applied here (see Occurrences).
func Expand(a *Appointment, from, to time.Time) ([]time.Time, error) {
	dur := a.End.Sub(a.Start)
	overlaps := func(s time.Time) bool {
		e := s.Add(dur)
		return s.Before(to) && (e.After(from) || (dur == 0 && !s.Before(from)))
	}
	if !a.Recurring() {
		if overlaps(a.Start) {
			return []time.Time{a.Start.UTC()}, nil
		}
		return nil, nil
	}
	loc := a.Zone()
	start := a.Start.In(loc)
	var set rrule.Set
	if a.RRule != "" {
		r, err := ParseRRule(a.RRule, start)
		if err != nil {
			return nil, err
		}
		set.RRule(r)
	} else {
		set.RDate(start) // RDATE without RRULE: DTSTART is still the first occurrence
	}
	set.DTStart(start)
	rdates, err := parseInstants("rdates", a.RDates, loc)
	if err != nil {
		return nil, err
	}
	set.SetRDates(append(set.GetRDate(), rdates...))
	exdates, err := parseInstants("exdates", a.ExDates, loc)
	if err != nil {
		return nil, err
	}
	set.SetExDates(exdates)
	next := set.Iterator()
	var out []time.Time
	for i := 0; i < maxExpandSteps; i++ {
		t, ok := next()
		if !ok || !t.Before(to) {
			break
		}
		if overlaps(t) {
			out = append(out, t.UTC())
		}
	}
	return out, nil
}

// CalendarFilter narrows Occurrences.
type CalendarFilter struct {
	Calendars        []string // only these calendar names; nil means all
	MemberID         string   // only appointments this team member owns or attends
	IncludeCancelled bool
}

func (f CalendarFilter) where(base string, args []any) (string, []any) {
	if f.Calendars != nil {
		if len(f.Calendars) == 0 {
			return base + " AND 0", args
		}
		base += " AND calendar IN (?" + strings.Repeat(", ?", len(f.Calendars)-1) + ")"
		for _, c := range f.Calendars {
			args = append(args, c)
		}
	}
	if !f.IncludeCancelled {
		base += " AND status != 'cancelled'"
	}
	return base, args
}

// Occurrences returns every occurrence overlapping [from, to), series
// expanded and overrides applied, sorted by start then title.
func Occurrences(ctx context.Context, db Querier, from, to time.Time, f CalendarFilter) ([]Occurrence, error) {
	fromS, toS := FormatTime(from), FormatTime(to)
	where, args := f.where(`recurrence_id IS NULL AND start_at < ? AND (
		((rrule != '' OR rdates IS NOT NULL)) OR end_at > ? OR start_at >= ?)`, []any{toS, fromS, fromS})
	masters, err := List[Appointment](ctx, db, Query{Where: where, Args: args})
	if err != nil {
		return nil, err
	}
	var uids []any
	for _, a := range masters {
		if a.Recurring() {
			uids = append(uids, a.UID)
		}
	}
	// Overrides: those of the series in view (they hide the occurrence they
	// replace even when moved out of view) and any that land in view.
	ovWhere := `recurrence_id IS NOT NULL AND start_at < ? AND (end_at > ? OR start_at >= ?)`
	ovArgs := []any{toS, fromS, fromS}
	if len(uids) > 0 {
		ovWhere = `recurrence_id IS NOT NULL AND (uid IN (?` + strings.Repeat(", ?", len(uids)-1) + `) OR (start_at < ? AND (end_at > ? OR start_at >= ?)))`
		ovArgs = append(uids, toS, fromS, fromS)
	}
	overrides, err := List[Appointment](ctx, db, Query{Where: ovWhere, Args: ovArgs, WithDeleted: false})
	if err != nil {
		return nil, err
	}
	type key struct {
		uid string
		at  int64
	}
	replaced := make(map[key]bool, len(overrides))
	for _, o := range overrides {
		replaced[key{o.UID, o.RecurrenceID.UnixMilli()}] = true
	}
	var out []Occurrence
	for _, a := range masters {
		starts, err := Expand(a, from, to)
		if err != nil {
			continue // a series that cannot expand is shown nowhere rather than breaking the view; import and save refuse such rules
		}
		dur := a.End.Sub(a.Start)
		for _, s := range starts {
			o := Occurrence{Appt: a, Start: s, End: s.Add(dur)}
			if a.Recurring() {
				o.RecurrenceID = s
				if replaced[key{a.UID, s.UnixMilli()}] {
					continue
				}
			}
			out = append(out, o)
		}
	}
	for _, o := range overrides {
		if o.Status == "cancelled" && !f.IncludeCancelled {
			continue
		}
		if f.Calendars != nil && !contains(f.Calendars, o.Calendar) {
			continue
		}
		if starts, _ := Expand(o, from, to); len(starts) == 1 {
			out = append(out, Occurrence{Appt: o, Start: o.Start, End: o.End, RecurrenceID: o.RecurrenceID})
		}
	}
	if f.MemberID != "" {
		kept := out[:0]
		for _, o := range out {
			if o.Appt.Involves(f.MemberID) {
				kept = append(kept, o)
			}
		}
		out = kept
	}
	if err := fillEventZones(ctx, db, out); err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].Appt.Title < out[j].Appt.Title
	})
	return out, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// fillEventZones sets EventTZ on occurrences linked to an event, so that a
// trade-show appointment can show the show's local time too.
func fillEventZones(ctx context.Context, db Querier, occ []Occurrence) error {
	zones := map[string]string{}
	for _, o := range occ {
		if o.Appt.EventID != "" {
			zones[o.Appt.EventID] = ""
		}
	}
	if len(zones) == 0 {
		return nil
	}
	ids := make([]any, 0, len(zones))
	for id := range zones {
		ids = append(ids, id)
	}
	rows, err := db.QueryContext(ctx, `SELECT id, tz FROM events WHERE id IN (?`+strings.Repeat(", ?", len(ids)-1)+`)`, ids...)
	if err != nil {
		return fmt.Errorf("model: read event zones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, tz string
		if err := rows.Scan(&id, &tz); err != nil {
			return fmt.Errorf("model: read event zones: %w", err)
		}
		zones[id] = tz
	}
	for i := range occ {
		if tz := zones[occ[i].Appt.EventID]; tz != "" && !occ[i].Appt.AllDay {
			occ[i].EventTZ = tz
		}
	}
	return rows.Err()
}

// Involves reports whether the team member owns or attends the appointment.
func (a *Appointment) Involves(memberID string) bool {
	if a.OwnerID == memberID {
		return true
	}
	return contains(a.Attendees, "member:"+memberID)
}

// Members lists the team members taking part: the owner, then member attendees.
func (a *Appointment) Members() []string {
	var out []string
	if a.OwnerID != "" {
		out = append(out, a.OwnerID)
	}
	for _, at := range a.Attendees {
		if id, ok := strings.CutPrefix(at, "member:"); ok && id != a.OwnerID && !contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// WeekRange returns the week containing day, in loc, starting on firstDay
// (time.Monday in France): [from, to) as instants.
func WeekRange(day time.Time, loc *time.Location, firstDay time.Weekday) (from, to time.Time) {
	d := day.In(loc)
	back := (int(d.Weekday()) - int(firstDay) + 7) % 7
	from = time.Date(d.Year(), d.Month(), d.Day()-back, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 0, 7)
}

// MonthRange returns the whole weeks covering day's month in loc: the grid a
// month view draws, from the firstDay on or before the 1st to the end of the
// week holding the last day.
func MonthRange(day time.Time, loc *time.Location, firstDay time.Weekday) (from, to time.Time) {
	d := day.In(loc)
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)
	from, _ = WeekRange(first, loc, firstDay)
	last := first.AddDate(0, 1, -1)
	_, to = WeekRange(last, loc, firstDay)
	return from, to
}

// DatedItem is a record with a date shown on the calendar beside appointments.
type DatedItem struct {
	Kind  Kind
	ID    string
	Title string
	Date  Date      // the day it belongs to
	At    time.Time // the exact instant when the record has one (task due), else zero
	What  string    // "task_due", "issue_due" or "deal_close"
}

// DatedItems returns the open tasks, open client issues and open deals'
// expected close dates that fall on a day in [from, to] (dates in loc).
func DatedItems(ctx context.Context, db Querier, from, to Date, loc *time.Location) ([]DatedItem, error) {
	var out []DatedItem
	lo, hi := from.Time(loc), to.AddDays(1).Time(loc)
	tasks, err := List[Task](ctx, db, Query{Where: "status = ? AND due >= ? AND due < ?", Args: []any{TaskOpen, FormatTime(lo), FormatTime(hi)}, OrderBy: "due"})
	if err != nil {
		return nil, err
	}
	for _, t := range tasks {
		out = append(out, DatedItem{Kind: KindTask, ID: t.ID, Title: t.Title, Date: DateOf(t.Due.In(loc)), At: t.Due, What: "task_due"})
	}
	issues, err := List[ClientIssue](ctx, db, Query{Where: "status NOT IN ('resolved', 'closed') AND due >= ? AND due <= ?", Args: []any{from.String(), to.String()}, OrderBy: "due"})
	if err != nil {
		return nil, err
	}
	for _, i := range issues {
		out = append(out, DatedItem{Kind: KindClientIssue, ID: i.ID, Title: i.Title, Date: i.Due, What: "issue_due"})
	}
	deals, err := List[Deal](ctx, db, Query{Where: "status = ? AND expected_close >= ? AND expected_close <= ?", Args: []any{OutcomeOpen, from.String(), to.String()}, OrderBy: "expected_close"})
	if err != nil {
		return nil, err
	}
	for _, d := range deals {
		out = append(out, DatedItem{Kind: KindDeal, ID: d.ID, Title: d.Title, Date: d.ExpectedClose, What: "deal_close"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Date.Before(out[j].Date) })
	return out, nil
}

// SignificantChange reports whether going from old to new changes when or
// where the appointment happens, or whether it happens at all: the changes
// for which RFC 5546 wants SEQUENCE incremented so attendees' calendars
// replace their copy.
func SignificantChange(old, new *Appointment) bool {
	return !old.Start.Equal(new.Start) || !old.End.Equal(new.End) || old.TZ != new.TZ || old.AllDay != new.AllDay ||
		old.RRule != new.RRule || strings.Join(old.RDates, ",") != strings.Join(new.RDates, ",") ||
		strings.Join(old.ExDates, ",") != strings.Join(new.ExDates, ",") || old.Location != new.Location ||
		normStatus(old.Status) != normStatus(new.Status)
}

func normStatus(s string) string {
	if s == "" {
		return "confirmed"
	}
	return s
}

// ParseAlarm reads a reminder offset in iCalendar DURATION form ("-PT15M",
// "-P1D", "PT0S", "-P1W") and returns it as a signed duration.
func ParseAlarm(s string) (time.Duration, error) {
	orig := s
	neg := false
	switch {
	case strings.HasPrefix(s, "-"):
		neg, s = true, s[1:]
	case strings.HasPrefix(s, "+"):
		s = s[1:]
	}
	s, ok := strings.CutPrefix(s, "P")
	if !ok || s == "" {
		return 0, fmt.Errorf("model: reminder %q is not a duration such as -PT15M", orig)
	}
	var d time.Duration
	inTime := false
	num := ""
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			num += string(c)
		case c == 'T' && !inTime && num == "":
			inTime = true
		default:
			n, err := strconv.Atoi(num)
			if err != nil || n > 1000000 {
				return 0, fmt.Errorf("model: reminder %q is not a duration such as -PT15M", orig)
			}
			unit := map[rune]time.Duration{'W': 7 * 24 * time.Hour, 'D': 24 * time.Hour}
			if inTime {
				unit = map[rune]time.Duration{'H': time.Hour, 'M': time.Minute, 'S': time.Second}
			}
			u, ok := unit[c]
			if !ok {
				return 0, fmt.Errorf("model: reminder %q is not a duration such as -PT15M", orig)
			}
			d += time.Duration(n) * u
			num = ""
		}
	}
	if num != "" {
		return 0, fmt.Errorf("model: reminder %q is not a duration such as -PT15M", orig)
	}
	if neg {
		d = -d
	}
	return d, nil
}

// Reminder is a notification due for one occurrence.
type Reminder struct {
	Occurrence
	At time.Time
}

// maxReminderLead is how far before an occurrence a reminder may fire; a
// longer one is clamped (nobody wants to be reminded two months ahead).
const maxReminderLead = 7 * 24 * time.Hour

// DueReminders returns the reminders whose time falls in (after, until],
// in order: what a desktop notifier polling every minute shows.
func DueReminders(ctx context.Context, db Querier, after, until time.Time) ([]Reminder, error) {
	occ, err := Occurrences(ctx, db, after, until.Add(maxReminderLead), CalendarFilter{})
	if err != nil {
		return nil, err
	}
	var out []Reminder
	for _, o := range occ {
		for _, al := range o.Appt.Alarms {
			d, err := ParseAlarm(al)
			if err != nil {
				continue
			}
			if d < -maxReminderLead {
				d = -maxReminderLead
			}
			at := o.Start.Add(d)
			if at.After(after) && !at.After(until) {
				out = append(out, Reminder{o, at})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}
