package ical

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"

	"relais/model"
)

// Directory resolves attendees between iCalendar e-mail addresses and Relais
// records: contacts and team members.
type Directory struct {
	db      model.Querier
	ctx     context.Context
	loaded  bool
	byEmail map[string]string // lower-case address -> "contact:<id>" / "member:<id>"
	people  map[string]person // "contact:<id>" / "member:<id>" -> name and address
}

type person struct{ name, email string }

// NewDirectory reads contacts and team members through db when first needed.
func NewDirectory(ctx context.Context, db model.Querier) *Directory {
	return &Directory{db: db, ctx: ctx}
}

func (d *Directory) load() error {
	if d.loaded {
		return nil
	}
	d.byEmail, d.people = map[string]string{}, map[string]person{}
	members, err := model.List[model.TeamMember](d.ctx, d.db, model.Query{OrderBy: "id"})
	if err != nil {
		return err
	}
	for _, m := range members {
		ref := "member:" + m.ID
		d.people[ref] = person{m.Name, m.Email}
		if m.Email != "" {
			d.byEmail[strings.ToLower(m.Email)] = ref
		}
	}
	contacts, err := model.List[model.Contact](d.ctx, d.db, model.Query{OrderBy: "id"})
	if err != nil {
		return err
	}
	for _, c := range contacts {
		ref := "contact:" + c.ID
		p := person{name: c.FullName()}
		if len(c.Emails) > 0 {
			p.email = c.Emails[0]
		}
		d.people[ref] = p
		for _, e := range c.Emails {
			if _, taken := d.byEmail[strings.ToLower(e)]; !taken { // a team member wins over a contact
				d.byEmail[strings.ToLower(e)] = ref
			}
		}
	}
	d.loaded = true
	return nil
}

// Ref returns the Relais reference for an address: "member:<id>",
// "contact:<id>", or "mailto:<addr>" when nobody has it.
func (d *Directory) Ref(addr string) string {
	if d != nil && d.load() == nil {
		if ref, ok := d.byEmail[strings.ToLower(addr)]; ok {
			return ref
		}
	}
	return "mailto:" + addr
}

// Person returns the display name and e-mail address of a reference.
func (d *Directory) Person(ref string) (name, email string) {
	if addr, ok := strings.CutPrefix(ref, "mailto:"); ok {
		return "", addr
	}
	if d != nil && d.load() == nil {
		p := d.people[ref]
		return p.name, p.email
	}
	return "", ""
}

// reader turns decoded components into records.
type reader struct {
	zones    *zoneResolver
	floating *time.Location // for times with neither TZID nor Z
	dir      *Directory
}

// text reads a TEXT property leniently (see unescapeLenient).
func text(c *goical.Component, name string) string {
	p := c.Props.Get(name)
	if p == nil {
		return ""
	}
	return unescapeLenient(p.Value)
}

// clip shortens s to max runes; single also folds line breaks into spaces.
func clip(s string, max int, single bool) string {
	s = strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
	if single {
		s = strings.Join(strings.Fields(s), " ")
	} else {
		s = strings.ReplaceAll(s, "\r", "")
	}
	if utf8.RuneCountInString(s) > max {
		r := []rune(s)
		s = string(r[:max-1]) + "…"
	}
	return s
}

// maxQuoted is how much of a value from the file a message quotes: a
// megabyte-long value must not come back as a megabyte-long message.
const maxQuoted = 80

// quote quotes a value from the file for a message, clipped to maxQuoted
// characters; only the start of s is looked at, however long it is.
func quote(s string) string {
	if len(s) > 4*maxQuoted+4 {
		s = strings.ToValidUTF8(s[:4*maxQuoted+4], "")
	}
	return strconv.Quote(clip(s, maxQuoted, true))
}

// maxMessage bounds a whole reason or note: a message from a library that
// repeats a value (rrule-go, go-ical) is cut there whatever it holds.
const maxMessage = 300

// short bounds a message to maxMessage characters.
func short(msg string) string {
	if len(msg) <= maxMessage {
		return msg
	}
	return clip(strings.ToValidUTF8(msg[:4*maxMessage], ""), maxMessage, true)
}

// when is a parsed DATE or DATE-TIME value.
type when struct {
	t      time.Time // the instant (for a DATE: midnight UTC)
	date   bool
	zone   string // IANA name when the value had a resolvable TZID
	local  bool   // floating time (no zone given)
	zoneOK bool
}

func (r *reader) parseValue(v string, params goical.Params, forceDate bool) (when, string, error) {
	v = strings.TrimSpace(v)
	if len(v) == 9 && (forceDate || strings.EqualFold(params.Get(goical.ParamValue), "DATE")) {
		v = strings.TrimRight(v, "Zz") // "20131210Z": a date written as if it had a time zone
	}
	if forceDate || strings.EqualFold(params.Get(goical.ParamValue), "DATE") || len(v) == 8 {
		d, err := time.Parse("20060102", v)
		if err != nil {
			return when{}, "", fmt.Errorf("%s is not a date (YYYYMMDD)", quote(v))
		}
		return when{t: d, date: true}, "", nil
	}
	if strings.HasSuffix(v, "Z") || strings.HasSuffix(v, "z") {
		t, err := time.Parse("20060102T150405", v[:len(v)-1])
		if err != nil {
			return when{}, "", fmt.Errorf("%s is not a date and time (YYYYMMDDTHHMMSSZ)", quote(v))
		}
		return when{t: t, zoneOK: true}, "", nil
	}
	lt, err := time.Parse("20060102T150405", v)
	if err != nil {
		return when{}, "", fmt.Errorf("%s is not a date and time (YYYYMMDDTHHMMSS)", quote(v))
	}
	loc, zone, note := r.floating, "", ""
	if tzid := params.Get(goical.PropTimezoneID); tzid != "" {
		z, err := r.zones.resolve(tzid, lt.Year())
		if err != nil {
			return when{}, "", err
		}
		loc, zone, note = z.loc, z.name, z.note
	}
	t := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, loc)
	return when{t: t.UTC(), zone: zone, local: zone == "" && note == "" && params.Get(goical.PropTimezoneID) == "", zoneOK: true}, note, nil
}

func (r *reader) prop(c *goical.Component, name string) (when, string, bool, error) {
	p := c.Props.Get(name)
	if p == nil {
		return when{}, "", false, nil
	}
	w, note, err := r.parseValue(p.Value, p.Params, false)
	if err != nil {
		return when{}, "", true, fmt.Errorf("%s: %w", name, err)
	}
	return w, note, true, nil
}

// listValues reads every value of a multi-valued date property (EXDATE,
// RDATE), across repeated lines and comma lists; PERIOD values keep their start.
func (r *reader) listValues(c *goical.Component, name string, allDay bool) ([]string, error) {
	var out []string
	for _, p := range c.Props.Values(name) {
		for _, v := range strings.Split(p.Value, ",") {
			if strings.TrimSpace(v) == "" {
				continue
			}
			start, _, _ := strings.Cut(v, "/")
			w, _, err := r.parseValue(start, p.Params, allDay)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out = append(out, w.t.UTC().Format(time.RFC3339))
		}
	}
	return out, nil
}

// uidOf returns the item's UID, or one derived from its content when it has
// none, so that importing the same file twice still updates rather than duplicates.
func uidOf(it *item) string {
	if u := strings.TrimSpace(text(it.comp, goical.PropUID)); u != "" {
		return clip(u, 500, true)
	}
	h := sha256.New()
	for _, l := range it.lines {
		if n, _, ok := cutName(l.text); ok && strings.EqualFold(n, goical.PropDateTimeStamp) {
			continue // DTSTAMP changes on every export of the same event
		}
		h.Write([]byte(l.text + "\n"))
	}
	return "relais-" + hex.EncodeToString(h.Sum(nil))[:32]
}

// appointment converts a VEVENT. notes are remarks for the report (an
// unusual zone, a dropped second RRULE); err means the event is skipped.
func (r *reader) appointment(it *item) (a *model.Appointment, notes []string, err error) {
	c := it.comp
	fail := func(prop string, e error) error { return fmt.Errorf("line %d: %w", it.lineOf(prop), e) }
	a = &model.Appointment{UID: uidOf(it)}
	a.Title = clip(text(c, goical.PropSummary), 200, true)
	if strings.TrimSpace(a.Title) == "" {
		a.Title = "(no title)"
	}
	a.Location = clip(text(c, goical.PropLocation), 1000, false)
	a.Description = clip(text(c, goical.PropDescription), 20000, false)

	start, note, ok, err := r.prop(c, goical.PropDateTimeStart)
	if err != nil {
		return nil, nil, fail(goical.PropDateTimeStart, err)
	}
	if !ok {
		return nil, nil, fmt.Errorf("line %d: the event has no start (DTSTART)", it.line)
	}
	if note != "" {
		notes = append(notes, note)
	}
	a.AllDay, a.Start, a.TZ = start.date, start.t, start.zone
	if start.local && r.floating != time.UTC {
		a.TZ = r.floating.String()
	}
	if a.TZ == "UTC" || a.TZ == "Etc/UTC" {
		a.TZ = ""
	}
	switch end, _, ok, err := r.prop(c, goical.PropDateTimeEnd); {
	case err != nil:
		return nil, nil, fail(goical.PropDateTimeEnd, err)
	case ok:
		a.End = end.t
		if start.date && !end.date { // khal-style mixed values: keep the day granularity
			a.End = time.Date(end.t.Year(), end.t.Month(), end.t.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
		}
	default:
		if p := c.Props.Get(goical.PropDuration); p != nil {
			d, err := p.Duration()
			if err != nil {
				return nil, nil, fail(goical.PropDuration, fmt.Errorf("DURATION: %s is not a duration", quote(p.Value)))
			}
			a.End = a.Start.Add(d)
		} else if a.AllDay {
			a.End = a.Start.AddDate(0, 0, 1)
		} else {
			a.End = a.Start
		}
	}
	if a.End.Before(a.Start) {
		return nil, nil, fail(goical.PropDateTimeEnd, fmt.Errorf("the event ends (%s) before it starts (%s)", a.End.Format(time.RFC3339), a.Start.Format(time.RFC3339)))
	}
	if a.AllDay && a.End.Equal(a.Start) {
		a.End = a.Start.AddDate(0, 0, 1)
	}

	if rid := c.Props.Get(goical.PropRecurrenceID); rid != nil {
		w, _, err := r.parseValue(rid.Value, rid.Params, a.AllDay)
		if err != nil {
			return nil, nil, fail(goical.PropRecurrenceID, fmt.Errorf("RECURRENCE-ID: %w", err))
		}
		a.RecurrenceID = w.t
	}
	rules := c.Props.Values(goical.PropRecurrenceRule)
	if len(rules) > 0 && a.RecurrenceID.IsZero() {
		rule, err := cleanRRule(rules[0].Value)
		if err != nil {
			return nil, nil, fail(goical.PropRecurrenceRule, err)
		}
		if err := checkRRule(rule, a.Start.In(a.Zone())); err != nil {
			return nil, nil, fail(goical.PropRecurrenceRule, err)
		}
		a.RRule = rule
		if len(rules) > 1 {
			notes = append(notes, fmt.Sprintf("only the first of %d RRULEs was kept", len(rules)))
		}
	}
	if a.RecurrenceID.IsZero() {
		if a.RDates, err = r.listValues(c, goical.PropRecurrenceDates, a.AllDay); err != nil {
			return nil, nil, fail(goical.PropRecurrenceDates, err)
		}
		if a.ExDates, err = r.listValues(c, goical.PropExceptionDates, a.AllDay); err != nil {
			return nil, nil, fail(goical.PropExceptionDates, err)
		}
		// Every expansion of the series walks these lists (each calendar view,
		// each reminder check): a few hundred is a long-running series.
		if n := len(a.RDates); n > maxListedDates {
			return nil, nil, fail(goical.PropRecurrenceDates, fmt.Errorf("RDATE lists %d dates; Relais keeps at most %d extra dates per event", n, maxListedDates))
		}
		if n := len(a.ExDates); n > maxListedDates {
			return nil, nil, fail(goical.PropExceptionDates, fmt.Errorf("EXDATE lists %d dates; Relais keeps at most %d cancelled dates per event", n, maxListedDates))
		}
	}
	switch s := strings.ToLower(strings.TrimSpace(text(c, goical.PropStatus))); s {
	case "confirmed", "tentative", "cancelled":
		a.Status = s
	}
	if p := c.Props.Get(goical.PropSequence); p != nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(p.Value), 10, 64); err == nil && n >= 0 {
			a.Sequence = n
		}
	}
	if p := c.Props.Get(goical.PropOrganizer); p != nil {
		if addr, ok := mailto(p.Value); ok {
			a.Organizer = r.dir.Ref(addr)
		}
	}
	for _, p := range c.Props.Values(goical.PropAttendee) {
		if addr, ok := mailto(p.Value); ok && len(addr) <= 320 { // RFC 5321's longest address
			if len(a.Attendees) == maxAttendees {
				notes = append(notes, fmt.Sprintf("only the first %d attendees were kept", maxAttendees))
				break
			}
			if ref := r.dir.Ref(addr); !containsStr(a.Attendees, ref) {
				a.Attendees = append(a.Attendees, ref)
			}
		}
	}
	for _, al := range c.Children {
		if al.Name != goical.CompAlarm {
			continue
		}
		if off, ok := r.alarmOffset(al, a); ok && len(a.Alarms) < maxAlarms {
			a.Alarms = append(a.Alarms, off)
		}
	}
	r.relaisLinks(c, a)
	if a.OwnerID != "" && a.Organizer == "member:"+a.OwnerID {
		a.Organizer = "" // the owner organizes unless told otherwise (see model.Appointment)
	}
	return a, notes, nil
}

// relaisLinks reads the X-RELAIS-* properties Relais writes on export, so a
// round trip keeps an appointment's calendar, owner and links.
func (r *reader) relaisLinks(c *goical.Component, a *model.Appointment) {
	for prop, dst := range map[string]*string{
		"X-RELAIS-CALENDAR": &a.Calendar, "X-RELAIS-OWNER": &a.OwnerID, "X-RELAIS-CONTACT": &a.ContactID,
		"X-RELAIS-ACCOUNT": &a.AccountID, "X-RELAIS-DEAL": &a.DealID, "X-RELAIS-EVENT": &a.EventID,
	} {
		*dst = clip(text(c, prop), 200, true)
	}
}

func (r *reader) alarmOffset(al *goical.Component, a *model.Appointment) (string, bool) {
	p := al.Props.Get(goical.PropTrigger)
	if p == nil {
		return "", false
	}
	if strings.EqualFold(p.Params.Get(goical.ParamValue), "DATE-TIME") || strings.HasSuffix(p.Value, "Z") {
		w, _, err := r.parseValue(p.Value, p.Params, false)
		if err != nil {
			return "", false
		}
		return FormatDuration(w.t.Sub(a.Start)), true
	}
	d, err := model.ParseAlarm(strings.TrimSpace(p.Value))
	if err != nil {
		return "", false
	}
	if strings.EqualFold(p.Params.Get(goical.ParamRelated), "END") {
		d += a.End.Sub(a.Start)
	}
	return FormatDuration(d), true
}

// FormatDuration writes d as an iCalendar DURATION: "-PT15M", "-P1D", "PT0S".
func FormatDuration(d time.Duration) string {
	sign := ""
	if d < 0 {
		sign, d = "-", -d
	}
	d = d.Truncate(time.Second)
	if d == 0 {
		return "PT0S"
	}
	const day = 24 * time.Hour
	s := sign + "P"
	if d >= day {
		s += strconv.FormatInt(int64(d/day), 10) + "D"
		d %= day
	}
	if d > 0 {
		s += "T"
		if h := d / time.Hour; h > 0 {
			s += strconv.FormatInt(int64(h), 10) + "H"
		}
		if m := d % time.Hour / time.Minute; m > 0 {
			s += strconv.FormatInt(int64(m), 10) + "M"
		}
		if sec := d % time.Minute / time.Second; sec > 0 {
			s += strconv.FormatInt(int64(sec), 10) + "S"
		}
	}
	return s
}

func mailto(v string) (string, bool) {
	v = strings.TrimSpace(v)
	if len(v) > 7 && strings.EqualFold(v[:7], "mailto:") {
		addr := strings.TrimSpace(v[7:])
		return addr, addr != "" && !strings.ContainsAny(addr, " \r\n")
	}
	return "", false
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// task converts a VTODO.
func (r *reader) task(it *item) (*model.Task, []string, error) {
	c := it.comp
	t := &model.Task{UID: uidOf(it), Priority: model.PriorityNormal, Status: model.TaskOpen}
	t.Title = clip(text(c, goical.PropSummary), 200, true)
	if strings.TrimSpace(t.Title) == "" {
		t.Title = "(no title)"
	}
	t.Notes = clip(text(c, goical.PropDescription), 20000, false)
	var notes []string
	due, note, ok, err := r.prop(c, goical.PropDue)
	if err != nil {
		return nil, nil, fmt.Errorf("line %d: %w", it.lineOf(goical.PropDue), err)
	}
	if note != "" {
		notes = append(notes, note)
	}
	if ok {
		t.Due = due.t
		if due.date { // a due date without time: end of that working day where the user is
			t.Due = time.Date(due.t.Year(), due.t.Month(), due.t.Day(), 17, 0, 0, 0, r.floating).UTC()
		}
	}
	if p := c.Props.Get(goical.PropPriority); p != nil {
		switch n, _ := strconv.Atoi(strings.TrimSpace(p.Value)); {
		case n >= 1 && n <= 4:
			t.Priority = model.PriorityHigh
		case n >= 6 && n <= 9:
			t.Priority = model.PriorityLow
		}
	}
	if strings.EqualFold(strings.TrimSpace(text(c, goical.PropStatus)), "COMPLETED") {
		t.Status = model.TaskDone
		if w, _, ok, err := r.prop(c, goical.PropCompleted); ok && err == nil {
			t.DoneAt = w.t
		}
	}
	return t, notes, nil
}

// cleanRRule tidies what other apps write into a rule rrule-go can read:
// spaces in lists ("BYDAY=MO, TU"), an explicit RSCALE=GREGORIAN (RFC 7529)
// with its SKIP. Other calendar scales are refused with a clear reason.
func cleanRRule(v string) (string, error) {
	v = strings.TrimPrefix(strings.Join(strings.Fields(v), ""), "RRULE:")
	parts := strings.Split(v, ";")
	kept := parts[:0]
	for _, p := range parts {
		name, val, _ := strings.Cut(p, "=")
		switch strings.ToUpper(name) {
		case "RSCALE":
			if !strings.EqualFold(val, "GREGORIAN") {
				return "", fmt.Errorf("RRULE repeats in the %s calendar (RSCALE), which Relais cannot follow", quote(strings.ToLower(val)))
			}
			continue
		case "SKIP":
			continue
		case "":
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, ";"), nil
}

// Limits on one event's lists, so that a file cannot make one appointment
// (synced whole to the team, expanded by every calendar view) enormous.
const (
	maxListedDates = 1000
	maxAttendees   = 1000
	maxAlarms      = 20
)

// Limits on recurrence rules. The model expands a series over the window a
// view shows, so the danger is a rule dense enough that one week holds
// millions of occurrences (FREQ=SECONDLY, or HOURLY with every BYMINUTE
// and BYSECOND), or so long that reading it is the cost.
const (
	maxRuleLen = 1000 // real rules are under 100 characters
	// maxPerDay bounds how often a series may occur: every quarter of an
	// hour is already more than any appointment.
	maxPerDay = 96
	// ruleProbe is how many occurrences are walked to measure the density.
	ruleProbe = 2000
)

// checkRRule refuses a rule Relais cannot read or should not expand, with a
// reason that quotes it clipped.
func checkRRule(rule string, start time.Time) error {
	if len(rule) > maxRuleLen {
		return fmt.Errorf("RRULE is %s long (%s); a recurrence rule may have at most %d characters", byteSize(len(rule)), quote(rule), maxRuleLen)
	}
	for _, p := range strings.Split(rule, ";") {
		name, val, _ := strings.Cut(p, "=")
		if strings.EqualFold(name, "FREQ") && (strings.EqualFold(val, "SECONDLY") || strings.EqualFold(val, "MINUTELY")) {
			return fmt.Errorf("RRULE repeats every %s (FREQ=%s): Relais refuses series that repeat more often than every hour", strings.TrimSuffix(strings.ToLower(val), "ly"), strings.ToUpper(val))
		}
	}
	rr, err := model.ParseRRule(rule, start)
	if err != nil {
		why := err.Error()
		if _, after, ok := strings.Cut(why, "\": "); ok { // model: recurrence rule "…": why
			why = after
		}
		// rrule-go's reason may quote the value again: clip it too.
		return fmt.Errorf("RRULE %s cannot be read: %s", quote(rule), clip(strings.ToValidUTF8(why[:min(len(why), 600)], ""), 120, true))
	}
	// Walk the first occurrences and count the densest 24 hours among them.
	next := rr.Iterator()
	var window []time.Time
	for i := 0; i < ruleProbe; i++ {
		t, ok := next()
		if !ok {
			break
		}
		window = append(window, t)
		for len(window) > 0 && t.Sub(window[0]) >= 24*time.Hour {
			window = window[1:]
		}
		if len(window) > maxPerDay {
			return fmt.Errorf("RRULE %s makes more than %d occurrences in one day; Relais accepts at most %d (every quarter of an hour)", quote(rule), maxPerDay, maxPerDay)
		}
	}
	return nil
}
