package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"relais/model"
)

// RunSheetData is one day of an event as the team on site needs it on
// paper: where to be, when, with whom, with addresses and phone numbers, in
// the show's local time with the home time beside it.
type RunSheetData struct {
	Letterhead Letterhead
	Event      model.Event
	Day        model.Date
	Show       *time.Location // the event's zone (its TZ; UTC when it has none)
	Home       *time.Location // the team's home zone, printed beside
	Lang       string         // "fr" or "en"
	Items      []RunItem      // by start time
	Team       []RunPerson    // the members on the rota or at meetings that day
	Vendors    []*model.Vendor
}

// RunItem is one line of the day's schedule.
type RunItem struct {
	Start, End time.Time
	Kind       string // "shift", "meeting", "session", "break", "appointment" or "due" (a checklist item due that day)
	Title      string
	Who        string // the team member(s)
	With       string // the client: name, company
	Phone      string // the client's phone
	Where      string
}

// RunPerson is a team member on site that day.
type RunPerson struct {
	Name, Phone, Email string
	Shifts             string // "09:00–13:00, 15:00–17:00"
}

// LoadRunSheet gathers the day `day` of event eventID: its rota shifts,
// agenda slots, the other appointments of the event, the checklist items
// due that day, the team and the vendors of its checklist. home is the zone
// printed beside the show's (time.Local when nil).
func LoadRunSheet(ctx context.Context, s *model.Store, eventID string, day model.Date, home *time.Location, lang string) (*RunSheetData, error) {
	if lang != "fr" {
		lang = "en"
	}
	if home == nil {
		home = time.Local
	}
	d := &RunSheetData{Day: day, Home: home, Lang: lang}
	if err := s.Get(ctx, eventID, &d.Event); err != nil {
		return nil, err
	}
	ev := &d.Event
	if ev.Deleted() {
		return nil, fmt.Errorf("export: event %s is in the trash: %w", ev.Name, model.ErrNotFound)
	}
	end := ev.EndDate
	if end.IsZero() {
		end = ev.StartDate
	}
	if day.Before(ev.StartDate) || end.Before(day) {
		return nil, fmt.Errorf("export: %s runs from %s to %s; %s is not one of its days", ev.Name, ev.StartDate, end, day)
	}
	d.Show = time.UTC
	if ev.TZ != "" {
		loc, err := time.LoadLocation(ev.TZ)
		if err != nil {
			return nil, fmt.Errorf("export: event %s: time zone %q: %w", ev.Name, ev.TZ, err)
		}
		d.Show = loc
	}
	lh, err := LoadLetterhead(ctx, s)
	if err != nil {
		return nil, err
	}
	d.Letterhead = lh
	db := s.DB()
	from, to := model.FormatTime(day.Time(d.Show)), model.FormatTime(day.AddDays(1).Time(d.Show))
	inDay := model.Query{Where: "event_id = ? AND start_at < ? AND end_at > ?", Args: []any{ev.ID, to, from}, OrderBy: "start_at"}

	members := map[string]*model.TeamMember{}
	member := func(id string) *model.TeamMember {
		if id == "" {
			return nil
		}
		if m, ok := members[id]; ok {
			return m
		}
		m := &model.TeamMember{}
		if err := s.Get(ctx, id, m); err != nil {
			m = nil
		}
		members[id] = m
		return m
	}
	var onSite []string
	shiftsOf := map[string][]string{}
	seen := map[string]bool{}
	meet := func(id string) {
		if id != "" && !seen[id] && member(id) != nil {
			seen[id] = true
			onSite = append(onSite, id)
		}
	}
	clock := func(t time.Time) string { return t.In(d.Show).Format("15:04") }

	shifts, err := model.List[model.RotaShift](ctx, db, inDay)
	if err != nil {
		return nil, err
	}
	for _, sh := range shifts {
		m := member(sh.MemberID)
		if m == nil {
			continue
		}
		meet(sh.MemberID)
		shiftsOf[sh.MemberID] = append(shiftsOf[sh.MemberID], clock(sh.Start)+"–"+clock(sh.End))
		d.Items = append(d.Items, RunItem{Start: sh.Start, End: sh.End, Kind: "shift", Title: sh.Role, Who: m.Name, Where: firstNonBlank(ev.Booth, ev.Venue)})
	}
	slots, err := model.List[model.AgendaSlot](ctx, db, inDay)
	if err != nil {
		return nil, err
	}
	fromSlots := map[string]bool{}
	for _, sl := range slots {
		it := RunItem{Start: sl.Start, End: sl.End, Kind: sl.Type, Title: sl.Title, Where: firstNonBlank(sl.Location, ev.Booth, ev.Venue)}
		if m := member(sl.MemberID); m != nil {
			it.Who = m.Name
			meet(sl.MemberID)
		}
		it.With, it.Phone = contactLine(ctx, s, sl.ContactID)
		if sl.AppointmentID != "" {
			fromSlots[sl.AppointmentID] = true
		}
		d.Items = append(d.Items, it)
	}
	apps, err := model.List[model.Appointment](ctx, db, model.Query{Where: inDay.Where + " AND status != 'cancelled'", Args: inDay.Args, OrderBy: "start_at"})
	if err != nil {
		return nil, err
	}
	for _, ap := range apps {
		if fromSlots[ap.ID] {
			continue
		}
		it := RunItem{Start: ap.Start, End: ap.End, Kind: "appointment", Title: ap.Title, Where: ap.Location}
		if m := member(ap.OwnerID); m != nil {
			it.Who = m.Name
			meet(ap.OwnerID)
		}
		it.With, it.Phone = contactLine(ctx, s, ap.ContactID)
		d.Items = append(d.Items, it)
	}
	due, err := model.List[model.EventItem](ctx, db, model.Query{Where: "event_id = ? AND due = ? AND status != 'done'", Args: []any{ev.ID, day.String()}, OrderBy: "position"})
	if err != nil {
		return nil, err
	}
	vendorIDs := map[string]bool{}
	for _, it := range due {
		ri := RunItem{Start: day.Time(d.Show), Kind: "due", Title: it.Title}
		if m := member(it.OwnerID); m != nil {
			ri.Who = m.Name
		}
		if it.VendorID != "" {
			var v model.Vendor
			if s.Get(ctx, it.VendorID, &v) == nil {
				ri.With, ri.Phone = v.Name, v.Phone
			}
		}
		d.Items = append(d.Items, ri)
	}
	sort.SliceStable(d.Items, func(i, j int) bool {
		a, b := d.Items[i], d.Items[j]
		if (a.Kind == "due") != (b.Kind == "due") {
			return b.Kind == "due" // the day's deadlines after the schedule
		}
		return a.Start.Before(b.Start)
	})
	for _, id := range onSite {
		m := member(id)
		d.Team = append(d.Team, RunPerson{Name: m.Name, Phone: m.Phone, Email: m.Email, Shifts: strings.Join(shiftsOf[id], ", ")})
	}
	sort.Slice(d.Team, func(i, j int) bool { return d.Team[i].Name < d.Team[j].Name })
	items, err := model.List[model.EventItem](ctx, db, model.Query{Where: "event_id = ? AND vendor_id IS NOT NULL", Args: []any{ev.ID}, OrderBy: "position"})
	if err != nil {
		return nil, err
	}
	for _, it := range items {
		if vendorIDs[it.VendorID] {
			continue
		}
		vendorIDs[it.VendorID] = true
		v := &model.Vendor{}
		if err := s.Get(ctx, it.VendorID, v); err == nil && !v.Deleted() {
			d.Vendors = append(d.Vendors, v)
		} else if err != nil && !errors.Is(err, model.ErrNotFound) {
			return nil, err
		}
	}
	return d, nil
}

// contactLine is "Name, Company" and the first phone of a contact (or of
// their company when they have none).
func contactLine(ctx context.Context, s *model.Store, id string) (string, string) {
	if id == "" {
		return "", ""
	}
	var c model.Contact
	if err := s.Get(ctx, id, &c); err != nil {
		return "", ""
	}
	who, phone := c.FullName(), ""
	if len(c.Phones) > 0 {
		phone = c.Phones[0]
	}
	if c.AccountID != "" {
		var a model.Account
		if s.Get(ctx, c.AccountID, &a) == nil {
			who = firstNonBlank(who+", "+a.Name, a.Name)
			if phone == "" {
				phone = a.Phone
			}
		}
	}
	return who, phone
}

func firstNonBlank(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" && s != "," {
			return s
		}
	}
	return ""
}

// RunSheetFileName is the file name of a run-sheet: event and day.
func RunSheetFileName(ev *model.Event, day model.Date) string {
	name := strings.Trim(unsafeName.ReplaceAllString(ev.Name, "-"), "-")
	if name == "" {
		name = "event"
	}
	return "runsheet-" + name + "-" + day.String() + ".pdf"
}

// zoneName is "Chicago (UTC−05:00)": the place of an IANA zone and its
// offset on the day.
func zoneName(loc *time.Location, at time.Time) string {
	name := loc.String()
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	name = strings.ReplaceAll(name, "_", " ")
	_, off := at.In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "−", -off
	}
	return fmt.Sprintf("%s (UTC%s%02d:%02d)", name, sign, off/3600, off%3600/60)
}

// WriteRunSheetPDF renders the run-sheet and writes the PDF to w. The same
// data always gives the same bytes.
func WriteRunSheetPDF(w io.Writer, d *RunSheetData) error {
	l, err := LoadLabels("events", d.Lang)
	if err != nil {
		return err
	}
	ev := &d.Event
	show, home := d.Show, d.Home
	if show == nil {
		show = time.UTC
	}
	if home == nil {
		home = show
	}
	noon := time.Date(d.Day.Year, d.Day.Month, d.Day.Day, 12, 0, 0, 0, show)
	sameZone := zoneName(show, noon) == zoneName(home, noon)
	weekday := d.Day.Time(time.UTC).Weekday()
	dayText := l.Get(fmt.Sprintf("runsheet.weekday.%d", weekday)) + " " + FormatDate(d.Day, d.Lang)
	title := l.Get("runsheet.title")
	doc, err := NewDoc(d.Letterhead, DocInfo{
		Title:   title + " — " + ev.Name + " — " + d.Day.String(),
		Subject: l.Get("runsheet.subject", "Event", ev.Name, "Day", dayText),
		Lang:    d.Lang,
		Date:    d.Day,
		Ref:     ev.Name + " · " + d.Day.String(),
	})
	if err != nil {
		return err
	}
	booth := ev.Booth
	if ev.BoothSize != "" {
		booth = firstNonBlank(booth+" ("+ev.BoothSize+")", ev.BoothSize)
	}
	facts := [][2]string{
		{l.Get("runsheet.event"), ev.Name},
		{l.Get("runsheet.day"), dayText},
		{l.Get("runsheet.booth"), booth},
		{l.Get("runsheet.show_time"), zoneName(show, noon)},
	}
	if !sameZone {
		facts = append(facts, [2]string{l.Get("runsheet.home_time"), zoneName(home, noon)})
	}
	doc.Letterhead(title, facts)

	where := strings.TrimSpace(strings.Join(nonEmpty(ev.Venue, ev.Address, ev.City), "\n"))
	if where != "" {
		doc.Heading(l.Get("runsheet.venue"))
		doc.Paragraph(where, "", 0)
		doc.Space(3)
	}

	doc.Heading(l.Get("runsheet.schedule"))
	// span is "19:30–21:30" on loc's clock, with "(+1)" or "(−1)" when
	// that is another day there; an end at midnight is written 24:00.
	span := func(it RunItem, loc *time.Location) string {
		start := it.Start.In(loc)
		off := func(t time.Time) int {
			return int(model.DateOf(t).Time(time.UTC).Sub(d.Day.Time(time.UTC)).Hours() / 24)
		}
		s := start.Format("15:04")
		if !it.End.IsZero() && it.End.After(it.Start) {
			end := it.End.In(loc)
			e := end.Format("15:04")
			if e == "00:00" && off(end) == off(start)+1 {
				e = "24:00"
			} else if off(end) != off(start) {
				e += fmt.Sprintf(" (%+d)", off(end)-off(start))
			}
			s += "–" + e
		}
		if o := off(start); o != 0 {
			s += strings.Replace(fmt.Sprintf(" (%+d)", o), "-", "−", 1)
		}
		return s
	}
	cols := []Column{{Title: l.Get("runsheet.col.time"), Weight: 14}}
	if !sameZone {
		cols = append(cols, Column{Title: l.Get("runsheet.col.home"), Weight: 17})
	}
	cols = append(cols, Column{Title: l.Get("runsheet.col.what"), Weight: 30}, Column{Title: l.Get("runsheet.col.who"), Weight: 18},
		Column{Title: l.Get("runsheet.col.with"), Weight: 30})
	var rows []Row
	dueHeader := false
	for _, it := range d.Items {
		if it.Kind == "due" && !dueHeader {
			rows = append(rows, Row{Kind: RowSection, Cells: []string{l.Get("runsheet.due_today")}})
			dueHeader = true
		}
		what := it.Title
		kind := l.Get("runsheet.kind." + it.Kind)
		if what == "" {
			what = kind
		}
		timeCell, homeCell := span(it, show), span(it, home)
		if it.Kind == "due" {
			timeCell, homeCell, kind = "", "", ""
		}
		r := Row{Cells: []string{timeCell}, Subs: []string{""}}
		if !sameZone {
			r.Cells = append(r.Cells, homeCell)
			r.Subs = append(r.Subs, "")
		}
		sub := kind
		if it.Where != "" {
			sub = strings.Join(nonEmpty(kind, it.Where), " · ")
		}
		r.Cells = append(r.Cells, what, it.Who, it.With)
		r.Subs = append(r.Subs, sub, "", it.Phone)
		if it.Kind == "break" {
			r.Kind = RowMuted
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		doc.Paragraph(l.Get("runsheet.nothing"), "I", 0)
	} else {
		doc.Table(Table{Columns: cols, Rows: rows})
	}

	if len(d.Team) > 0 {
		doc.Space(3)
		doc.Heading(l.Get("runsheet.team"))
		var tr []Row
		for _, p := range d.Team {
			tr = append(tr, Row{Cells: []string{p.Name, p.Phone, p.Email, p.Shifts}})
		}
		doc.Table(Table{Columns: []Column{{Title: l.Get("runsheet.col.name"), Weight: 25}, {Title: l.Get("runsheet.col.phone"), Weight: 20},
			{Title: l.Get("runsheet.col.email"), Weight: 30}, {Title: l.Get("runsheet.col.shifts"), Weight: 25}}, Rows: tr})
	}
	if len(d.Vendors) > 0 {
		doc.Space(3)
		doc.Heading(l.Get("runsheet.vendors"))
		var vr []Row
		for _, v := range d.Vendors {
			vr = append(vr, Row{Cells: []string{v.Name, v.ContactName, v.Phone, v.Email}, Subs: []string{v.Provides}})
		}
		doc.Table(Table{Columns: []Column{{Title: l.Get("runsheet.col.vendor"), Weight: 32}, {Title: l.Get("runsheet.col.contact"), Weight: 20},
			{Title: l.Get("runsheet.col.phone"), Weight: 20}, {Title: l.Get("runsheet.col.email"), Weight: 28}}, Rows: vr})
	}
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("export: run-sheet of %s on %s: %w", ev.Name, d.Day, err)
	}
	return nil
}
