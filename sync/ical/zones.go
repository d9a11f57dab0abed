package ical

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	goical "github.com/emersion/go-ical"

	"relais/model"
)

// zoneResolver turns the TZIDs of one file into locations. Files in the wild
// name zones in many ways: IANA names ("Europe/Paris"), Windows names
// ("Romance Standard Time"), vendor prefixes ("/mozilla.org/…/Europe/Paris",
// "custom_Pacific/Fiji"), mangled names ("Europe_London", "America-Chicago")
// or display names with only a VTIMEZONE to go by ("(UTC-03:00) Brasília").
type zoneResolver struct {
	defs  map[string]*goical.Component // VTIMEZONE by TZID
	cache map[string]zoneResult
}

type zoneResult struct {
	loc  *time.Location
	name string // IANA name to store in Appointment.TZ; "" for a fixed offset
	note string // how an unusual TZID was understood, for the import report
}

func newZoneResolver() *zoneResolver {
	return &zoneResolver{defs: map[string]*goical.Component{}, cache: map[string]zoneResult{}}
}

func (z *zoneResolver) addDefinition(c *goical.Component) {
	if p := c.Props.Get(goical.PropTimezoneID); p != nil {
		z.defs[p.Value] = c
	}
}

// ianaZone loads name if it is a real IANA zone (not "Local", not a path).
func ianaZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || strings.HasPrefix(name, "/") || strings.Contains(name, "..") || strings.ContainsAny(name, " \\") {
		return nil, false
	}
	l, err := model.LoadZone(name)
	return l, err == nil
}

// resolve finds the location for tzid; year is the year of the value being
// read, used when a VTIMEZONE must be matched by its offsets.
func (z *zoneResolver) resolve(tzid string, year int) (zoneResult, error) {
	key := tzid + "|" + strconv.Itoa(year)
	if r, ok := z.cache[key]; ok {
		return r, nil
	}
	r, err := z.lookup(tzid, year)
	if err == nil {
		z.cache[key] = r
	}
	return r, err
}

func (z *zoneResolver) lookup(tzid string, year int) (zoneResult, error) {
	id := strings.TrimSpace(strings.Trim(tzid, `"`))
	if l, ok := ianaZone(id); ok {
		return zoneResult{loc: l, name: l.String()}, nil
	}
	for win, iana := range windowsZones {
		if strings.EqualFold(win, id) {
			if l, ok := ianaZone(iana); ok {
				return zoneResult{loc: l, name: iana, note: fmt.Sprintf("Windows zone %s read as %s", quote(id), iana)}, nil
			}
		}
	}
	if name, ok := guessIANA(id); ok {
		l, _ := ianaZone(name)
		return zoneResult{loc: l, name: name, note: fmt.Sprintf("zone %s read as %s", quote(id), name)}, nil
	}
	def := z.defs[tzid]
	if def == nil {
		def = z.defs[id]
	}
	if def != nil {
		obs, err := observances(def, year)
		if err == nil && len(obs) > 0 {
			if name, ok := matchZone(obs, year); ok {
				l, _ := ianaZone(name)
				return zoneResult{loc: l, name: name, note: fmt.Sprintf("zone %s matched to %s by its rules", quote(id), name)}, nil
			}
			off := obs[len(obs)-1].offsetTo
			return zoneResult{loc: time.FixedZone(id, off), note: fmt.Sprintf("zone %s matches no known zone; its UTC offset %s is used", quote(id), formatOffset(off))}, nil
		}
	}
	if m := displayOffset.FindStringSubmatch(id); m != nil {
		h, _ := strconv.Atoi(m[2])
		mins, _ := strconv.Atoi(m[3])
		off := h*3600 + mins*60
		if m[1] == "-" {
			off = -off
		}
		return zoneResult{loc: time.FixedZone(id, off), note: fmt.Sprintf("zone %s has no definition; its UTC offset %s is used", quote(id), formatOffset(off))}, nil
	}
	return zoneResult{}, fmt.Errorf("unknown time zone %s (no usable VTIMEZONE in the file)", quote(id))
}

// displayOffset finds the offset in Outlook display names such as
// "(GMT+10:00) Canberra, Melbourne, Sydney" or "(UTC-05:00) Eastern Time".
var displayOffset = regexp.MustCompile(`\((?:UTC|GMT)\s*([+-])(\d{1,2}):?(\d{2})\)`)

// guessIANA recovers an IANA name from vendor-prefixed or mangled TZIDs.
func guessIANA(id string) (string, bool) {
	var cands []string
	// Suffixes after a separator: "/mozilla.org/20050126_1/Europe/Paris",
	// "custom_Pacific/Fiji", "/citadel.org/20190914_1/Europe/Berlin".
	for i := 0; i < len(id); i++ {
		if id[i] == '/' || id[i] == '_' || id[i] == ' ' {
			cands = append(cands, id[i+1:])
		}
	}
	// Separators replaced: "Europe_London", "America-Chicago", "US-Eastern".
	for _, sep := range []string{"_", "-"} {
		if i := strings.Index(id, sep); i > 0 {
			cands = append(cands, id[:i]+"/"+id[i+1:])
		}
	}
	for _, c := range cands {
		if strings.Contains(c, "/") {
			if l, ok := ianaZone(c); ok {
				return l.String(), true
			}
		}
	}
	return "", false
}

// observance is one offset change described by a VTIMEZONE.
type observance struct {
	at         time.Time // instant of the change
	offsetFrom int       // seconds east of UTC before
	offsetTo   int       // and from then on
}

// observances lists the changes a VTIMEZONE describes from the year before
// year to the year after, in order.
func observances(def *goical.Component, year int) ([]observance, error) {
	lo := time.Date(year-1, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(year+2, 1, 1, 0, 0, 0, 0, time.UTC)
	var out []observance
	var last *observance // the latest change before lo, which sets the offset at lo
	for _, c := range def.Children {
		if c.Name != goical.CompTimezoneStandard && c.Name != goical.CompTimezoneDaylight {
			continue
		}
		from, err1 := parseOffset(c.Props.Get(goical.PropTimezoneOffsetFrom))
		to, err2 := parseOffset(c.Props.Get(goical.PropTimezoneOffsetTo))
		start := c.Props.Get(goical.PropDateTimeStart)
		if err1 != nil || err2 != nil || start == nil || len(start.Value) < 8 {
			return nil, fmt.Errorf("VTIMEZONE %s: offsets or DTSTART missing", c.Name)
		}
		// DTSTART is local time in the offset before the change.
		local, err := time.Parse("20060102T150405", strings.TrimSuffix(start.Value, "Z"))
		if err != nil {
			if local, err = time.Parse("20060102", start.Value); err != nil {
				return nil, fmt.Errorf("VTIMEZONE %s: bad DTSTART %s", c.Name, quote(start.Value))
			}
		}
		fixed := time.FixedZone("", from)
		dt := time.Date(local.Year(), local.Month(), local.Day(), local.Hour(), local.Minute(), local.Second(), 0, fixed)
		var times []time.Time
		if rr := c.Props.Get(goical.PropRecurrenceRule); rr != nil {
			if !strings.Contains(strings.ToUpper(rr.Value), "FREQ=YEARLY") {
				// Zone rules are yearly; anything else is a broken or hostile
				// file, and walking it from 1601 could take minutes.
				return nil, fmt.Errorf("VTIMEZONE %s: rule %s is not yearly", c.Name, quote(rr.Value))
			}
			r, err := model.ParseRRule(rr.Value, dt)
			if err != nil {
				return nil, err
			}
			next := r.Iterator()
			for i := 0; i < 1000; i++ { // yearly rules from 1601 reach today in ~430 steps
				t, ok := next()
				if !ok || t.After(hi) {
					break
				}
				times = append(times, t)
			}
		} else {
			times = append(times, dt)
		}
		for _, rd := range c.Props.Values(goical.PropRecurrenceDates) {
			for _, v := range strings.Split(rd.Value, ",") {
				if t, err := time.Parse("20060102T150405", strings.TrimSuffix(v, "Z")); err == nil {
					times = append(times, time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, fixed))
				}
			}
		}
		for _, t := range times {
			o := observance{at: t.UTC(), offsetFrom: from, offsetTo: to}
			switch {
			case t.Before(lo):
				if last == nil || o.at.After(last.at) {
					last = &o
				}
			case !t.After(hi):
				out = append(out, o)
			}
		}
	}
	if last != nil {
		out = append(out, *last)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].at.Before(out[j].at) })
	return out, nil
}

// offsetAt is the offset in force at t; before the first change, the offset
// that change starts from.
func offsetAt(obs []observance, t time.Time) (int, bool) {
	if len(obs) == 0 {
		return 0, false
	}
	off, ok := obs[0].offsetFrom, true
	for _, o := range obs {
		if o.at.After(t) {
			break
		}
		off, ok = o.offsetTo, true
	}
	return off, ok
}

// matchZone finds an IANA zone whose offsets equal the observances' on the
// 1st and 15th of every month of year.
func matchZone(obs []observance, year int) (string, bool) {
	var samples []time.Time
	var want []int
	for m := time.January; m <= time.December; m++ {
		for _, d := range []int{1, 15} {
			t := time.Date(year, m, d, 12, 0, 0, 0, time.UTC)
			off, ok := offsetAt(obs, t)
			if !ok {
				return "", false
			}
			samples, want = append(samples, t), append(want, off)
		}
	}
	try := func(name string) bool {
		l, ok := ianaZone(name)
		if !ok {
			return false
		}
		for i, t := range samples {
			if _, off := t.In(l).Zone(); off != want[i] {
				return false
			}
		}
		return true
	}
	for _, n := range matchOrder {
		if try(n) {
			return n, true
		}
	}
	names := make([]string, 0, len(windowsZones))
	for _, n := range windowsZones {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if !strings.HasPrefix(n, "Etc/") && try(n) {
			return n, true
		}
	}
	return "", false
}

func parseOffset(p *goical.Prop) (int, error) {
	if p == nil {
		return 0, fmt.Errorf("missing offset")
	}
	v := strings.TrimSpace(p.Value)
	if len(v) != 5 && len(v) != 7 || (v[0] != '+' && v[0] != '-') {
		return 0, fmt.Errorf("bad offset %s", quote(v))
	}
	h, err1 := strconv.Atoi(v[1:3])
	m, err2 := strconv.Atoi(v[3:5])
	s := 0
	var err3 error
	if len(v) == 7 {
		s, err3 = strconv.Atoi(v[5:7])
	}
	if err1 != nil || err2 != nil || err3 != nil {
		return 0, fmt.Errorf("bad offset %s", quote(v))
	}
	off := h*3600 + m*60 + s
	if v[0] == '-' {
		off = -off
	}
	return off, nil
}

func formatOffset(off int) string {
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	s := fmt.Sprintf("%c%02d%02d", sign, off/3600, off/60%60)
	if off%60 != 0 {
		s += fmt.Sprintf("%02d", off%60)
	}
	return s
}

// VTimezone builds the VTIMEZONE component for the IANA zone loc, covering
// the years fromYear to toYear, from Go's tz database. go-ical writes none,
// and Outlook, Google and Apple need one for every TZID a file uses.
//
// Where the zone's changes follow one yearly rule over those years (the
// usual "last Sunday of March"), the rule is written as an RRULE, which
// Outlook handles best; otherwise each change is written on its own.
func VTimezone(loc *time.Location, fromYear, toYear int) *goical.Component {
	tz := goical.NewComponent(goical.CompTimezone)
	tz.Props.SetText(goical.PropTimezoneID, loc.String())
	type change struct {
		at       time.Time
		from, to int
		name     string
		dst      bool
	}
	var changes []change
	// Start a year early so that the first observance's DTSTART precedes
	// everything the file uses (clients read nothing before it).
	t := time.Date(fromYear-1, 1, 1, 0, 0, 0, 0, loc)
	end := time.Date(toYear+1, 1, 1, 0, 0, 0, 0, loc)
	for i := 0; i < 1000; i++ {
		_, next := t.ZoneBounds()
		if next.IsZero() || !next.Before(end) {
			break
		}
		_, fromOff := next.Add(-time.Second).Zone()
		name, toOff := next.Zone()
		changes = append(changes, change{at: next, from: fromOff, to: toOff, name: name, dst: next.IsDST()})
		t = next
	}
	if len(changes) == 0 {
		name, off := time.Date(fromYear, 1, 1, 0, 0, 0, 0, loc).Zone()
		std := goical.NewComponent(goical.CompTimezoneStandard)
		setRaw(std.Props, goical.PropDateTimeStart, "19700101T000000")
		setRaw(std.Props, goical.PropTimezoneOffsetFrom, formatOffset(off))
		setRaw(std.Props, goical.PropTimezoneOffsetTo, formatOffset(off))
		std.Props.SetText(goical.PropTimezoneName, name)
		tz.Children = append(tz.Children, std)
		return tz
	}
	// Group the changes by what they change (offsets, DST, name): each group
	// is one STANDARD or DAYLIGHT observance.
	type groupKey struct {
		from, to int
		name     string
		dst      bool
	}
	groups := map[groupKey][]time.Time{}
	var order []groupKey
	for _, c := range changes {
		k := groupKey{c.from, c.to, c.name, c.dst}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], c.at)
	}
	for _, k := range order {
		ats := groups[k]
		compName := goical.CompTimezoneStandard
		if k.dst {
			compName = goical.CompTimezoneDaylight
		}
		local := func(at time.Time) time.Time { return at.In(time.FixedZone("", k.from)) }
		rule, ok := yearlyRule(ats, local)
		if ok {
			c := observanceComp(compName, local(ats[0]), k.from, k.to, k.name)
			setRaw(c.Props, goical.PropRecurrenceRule, rule)
			tz.Children = append(tz.Children, c)
			continue
		}
		for _, at := range ats {
			tz.Children = append(tz.Children, observanceComp(compName, local(at), k.from, k.to, k.name))
		}
	}
	return tz
}

func observanceComp(name string, local time.Time, from, to int, abbr string) *goical.Component {
	c := goical.NewComponent(name)
	setRaw(c.Props, goical.PropDateTimeStart, local.Format("20060102T150405"))
	setRaw(c.Props, goical.PropTimezoneOffsetFrom, formatOffset(from))
	setRaw(c.Props, goical.PropTimezoneOffsetTo, formatOffset(to))
	if abbr != "" && (abbr[0] < '0' || abbr[0] > '9') && abbr[0] != '+' && abbr[0] != '-' {
		c.Props.SetText(goical.PropTimezoneName, abbr)
	}
	return c
}

// yearlyRule returns an RRULE matching every change in ats (one per year,
// consecutive years, same month, weekday, week of the month and local time),
// or false when the changes follow no such rule.
func yearlyRule(ats []time.Time, local func(time.Time) time.Time) (string, bool) {
	if len(ats) < 2 {
		return "", false
	}
	days := []string{"SU", "MO", "TU", "WE", "TH", "FR", "SA"}
	var rule string
	for i, at := range ats {
		l := local(at)
		if i > 0 && l.Year() != local(ats[i-1]).Year()+1 {
			return "", false
		}
		last := l.AddDate(0, 0, 7).Month() != l.Month()
		nth := strconv.Itoa((l.Day()-1)/7 + 1)
		if last {
			nth = "-1"
		}
		r := fmt.Sprintf("FREQ=YEARLY;BYMONTH=%d;BYDAY=%s%s|%s", int(l.Month()), nth, days[l.Weekday()], l.Format("150405"))
		if i > 0 && r != rule {
			return "", false
		}
		rule = r
	}
	rule, _, _ = strings.Cut(rule, "|")
	return rule, true
}

// setRaw sets a property whose value is already in iCalendar form (a
// DATE-TIME, UTC-OFFSET, RECUR …): SetText would escape it and mark it TEXT.
func setRaw(props goical.Props, name, value string) {
	props.Set(&goical.Prop{Name: name, Params: goical.Params{}, Value: value})
}
