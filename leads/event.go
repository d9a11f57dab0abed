package leads

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"relais/model"
)

// Event statuses and types (model.Event validates them).
const (
	TypeTradeShow    = "trade_show"
	TypeSalesMeeting = "sales_meeting"
)

// TemplateItem is one line of a checklist template. Its title is a label
// key ("tpl.<key>") translated when the template is applied.
type TemplateItem struct {
	Key        string
	Category   string // venue, catering, travel, shipping, print, badges
	DaysBefore int    // due this many days before the event starts (negative: after it ends)
	AfterEnd   bool   // count from the end date instead (the return shipment)
}

// Templates are the logistics checklists an event starts from, by event type.
var Templates = map[string][]TemplateItem{
	TypeTradeShow: {
		{Key: "venue", Category: "venue", DaysBefore: 120},
		{Key: "booth_design", Category: "venue", DaysBefore: 75},
		{Key: "travel", Category: "travel", DaysBefore: 45},
		{Key: "hotels", Category: "travel", DaysBefore: 45},
		{Key: "catering", Category: "catering", DaysBefore: 30},
		{Key: "print", Category: "print", DaysBefore: 21},
		{Key: "badges", Category: "badges", DaysBefore: 14},
		{Key: "ship_out", Category: "shipping", DaysBefore: 10},
		{Key: "lead_scanner", Category: "badges", DaysBefore: 7},
		{Key: "ship_back", Category: "shipping", DaysBefore: -3, AfterEnd: true},
	},
	TypeSalesMeeting: {
		{Key: "venue", Category: "venue", DaysBefore: 60},
		{Key: "travel", Category: "travel", DaysBefore: 30},
		{Key: "hotels", Category: "travel", DaysBefore: 30},
		{Key: "catering", Category: "catering", DaysBefore: 14},
		{Key: "print", Category: "print", DaysBefore: 7},
	},
}

// ApplyTemplate adds the checklist template of the event's type to its
// logistics checklist, in one transaction: each item with its due date
// counted from the event's dates, owned by ownerID. Items whose title the
// checklist already has are left out, so applying it twice adds nothing.
// It returns the items added.
func ApplyTemplate(ctx context.Context, s *model.Store, eventID, ownerID string, cfg Config) ([]*model.EventItem, error) {
	var added []*model.EventItem
	err := s.Write(ctx, func(tx *model.Tx) error {
		ev := &model.Event{}
		if err := tx.Get(eventID, ev); err != nil {
			return err
		}
		tpl, ok := Templates[ev.Type]
		if !ok {
			return fmt.Errorf("leads: no checklist template for events of type %q", ev.Type)
		}
		have, err := model.List[model.EventItem](ctx, tx.SQL(), model.Query{Where: "event_id = ?", Args: []any{eventID}})
		if err != nil {
			return err
		}
		titles := map[string]bool{}
		var pos int64
		for _, it := range have {
			titles[strings.ToLower(it.Title)] = true
			pos = max(pos, it.Position)
		}
		for _, ti := range tpl {
			title := cfg.Text("tpl." + ti.Key)
			if titles[strings.ToLower(title)] {
				continue
			}
			from := ev.StartDate
			if ti.AfterEnd && !ev.EndDate.IsZero() {
				from = ev.EndDate
			}
			pos++
			it := &model.EventItem{EventID: eventID, Title: title, Category: ti.Category, OwnerID: ownerID,
				Due: from.AddDays(-ti.DaysBefore), Status: "todo", Position: pos}
			if err := tx.Create(it); err != nil {
				return err
			}
			added = append(added, it)
		}
		return nil
	})
	return added, err
}

// OverdueItem is a checklist item past its due date and not done.
type OverdueItem struct {
	Item      *model.EventItem
	EventName string
}

// OverdueItems lists the checklist items not done whose due date is before
// today, of events neither cancelled nor marked done (a finished show's
// leftovers would only nag), most overdue first; the Today screen shows them.
func OverdueItems(ctx context.Context, db model.Querier, today model.Date, limit int) ([]OverdueItem, error) {
	items, err := model.List[model.EventItem](ctx, db, model.Query{Where: `status != 'done' AND due IS NOT NULL AND due < ?
		AND event_id IN (SELECT id FROM events WHERE deleted_at IS NULL AND status NOT IN ('cancelled', 'done'))`,
		Args: []any{today.String()}, OrderBy: "due, position", Limit: limit})
	if err != nil {
		return nil, err
	}
	out := make([]OverdueItem, 0, len(items))
	names := map[string]string{}
	for _, it := range items {
		n, ok := names[it.EventID]
		if !ok {
			n, _ = model.Label(ctx, db, it.EventID)
			names[it.EventID] = n
		}
		out = append(out, OverdueItem{Item: it, EventName: n})
	}
	return out, nil
}

// Budget sums an event's checklist costs against its budget.
type Budget struct {
	BudgetMinor  int64
	PlannedMinor int64
	ActualMinor  int64
	Currency     string
	Done, Total  int // checklist items done, and in all
}

// EventBudget totals the planned and actual costs of the event's checklist.
func EventBudget(ctx context.Context, db model.Querier, ev *model.Event) (Budget, error) {
	b := Budget{BudgetMinor: ev.BudgetMinor, Currency: ev.Currency}
	err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(planned_cost_minor), 0), COALESCE(SUM(actual_cost_minor), 0),
		COUNT(*), COALESCE(SUM(status = 'done'), 0) FROM event_items WHERE event_id = ? AND deleted_at IS NULL`, ev.ID).
		Scan(&b.PlannedMinor, &b.ActualMinor, &b.Total, &b.Done)
	if err != nil {
		return b, fmt.Errorf("leads: budget of %s: %w", ev.Name, err)
	}
	return b, nil
}

// Clash is a rota shift that overlaps something else the same person has
// to be at: an appointment, or another shift.
type Clash struct {
	Shift       *model.RotaShift
	Appointment *model.Appointment // nil when the clash is with another shift
	Other       *model.RotaShift   // the other shift, for double bookings
}

// Clashes finds, for every shift of the event's rota, the appointments of
// the same team member (as owner or attendee) and their other shifts that
// overlap it. Meetings of this event held at its booth are part of booth
// duty and do not clash; cancelled appointments never do. Recurring
// appointments are compared by their first occurrence only.
func Clashes(ctx context.Context, db model.Querier, eventID string) ([]Clash, error) {
	ev := &model.Event{}
	evs, err := model.List[model.Event](ctx, db, model.Query{Where: "id = ?", Args: []any{eventID}})
	if err != nil {
		return nil, err
	}
	if len(evs) == 1 {
		ev = evs[0]
	}
	shifts, err := model.List[model.RotaShift](ctx, db, model.Query{Where: "event_id = ?", Args: []any{eventID}, OrderBy: "start_at"})
	if err != nil {
		return nil, err
	}
	var out []Clash
	for _, sh := range shifts {
		cs, err := ShiftClashes(ctx, db, sh, ev)
		if err != nil {
			return nil, err
		}
		out = append(out, cs...)
	}
	return out, nil
}

// ShiftClashes finds what overlaps one shift (saved or not); ev is its event.
func ShiftClashes(ctx context.Context, db model.Querier, sh *model.RotaShift, ev *model.Event) ([]Clash, error) {
	from, to := model.FormatTime(sh.Start), model.FormatTime(sh.End)
	// Occurrences, not rows: a weekly meeting made months ago clashes with
	// this week's shift even though its first date is long past.
	occ, err := model.Occurrences(ctx, db, sh.Start, sh.End, model.CalendarFilter{MemberID: sh.MemberID})
	if err != nil {
		return nil, err
	}
	var out []Clash
	for _, oc := range occ {
		ap := *oc.Appt
		ap.Start, ap.End = oc.Start, oc.End // this occurrence's times
		if ev != nil && ap.EventID == ev.ID && ev.Booth != "" && strings.EqualFold(strings.TrimSpace(ap.Location), strings.TrimSpace(ev.Booth)) {
			continue
		}
		out = append(out, Clash{Shift: sh, Appointment: &ap})
	}
	others, err := model.List[model.RotaShift](ctx, db, model.Query{Where: "member_id = ? AND id != ? AND start_at < ? AND end_at > ?",
		Args: []any{sh.MemberID, sh.ID, to, from}, OrderBy: "start_at"})
	if err != nil {
		return nil, err
	}
	for _, o := range others {
		out = append(out, Clash{Shift: sh, Other: o})
	}
	return out, nil
}

// SlotLocation is where a booth meeting takes place: the slot's own
// location, else the booth, else the venue.
func SlotLocation(sl *model.AgendaSlot, ev *model.Event) string {
	return firstNonEmpty(sl.Location, ev.Booth, ev.Venue)
}

// Book books an agenda slot with a client contact (and the team member
// meeting them), and creates its calendar appointment — or moves the one it
// has to the new people, raising its SEQUENCE so invitations already sent
// are updated. One transaction.
func Book(ctx context.Context, s *model.Store, slotID, contactID, memberID string) (*model.Appointment, error) {
	var ap *model.Appointment
	err := s.Write(ctx, func(tx *model.Tx) error {
		sl := &model.AgendaSlot{}
		if err := tx.Get(slotID, sl); err != nil {
			return err
		}
		ev := &model.Event{}
		if err := tx.Get(sl.EventID, ev); err != nil {
			return err
		}
		if contactID == "" {
			return model.ValidationErrors{{Field: "contact_id", Code: model.CodeRequired, Msg: "choose the client the slot is booked with"}}
		}
		c := &model.Contact{}
		if err := tx.Get(contactID, c); err != nil || c.Deleted() {
			return model.ValidationErrors{{Field: "contact_id", Code: model.CodeInvalid, Msg: "points to no existing contact"}}
		}
		sl.ContactID = contactID
		if memberID != "" {
			sl.MemberID = memberID
		}
		ap = &model.Appointment{}
		exists := false
		if sl.AppointmentID != "" {
			if err := tx.Get(sl.AppointmentID, ap); err == nil && !ap.Deleted() {
				exists = true
			} else {
				ap = &model.Appointment{}
			}
		}
		title := sl.Title
		if sl.Type == "meeting" && c.FullName() != "" && !strings.Contains(title, c.FullName()) {
			title = strings.TrimSpace(title + " — " + c.FullName())
		}
		ap.Title, ap.Start, ap.End, ap.TZ = title, sl.Start, sl.End, ev.TZ
		ap.Location = SlotLocation(sl, ev)
		if ev.Venue != "" && ap.Location != ev.Venue {
			ap.Location += ", " + ev.Venue
		}
		ap.Attendees = []string{"contact:" + contactID}
		if sl.MemberID != "" {
			ap.Attendees = append(ap.Attendees, "member:"+sl.MemberID)
		}
		ap.OwnerID, ap.ContactID, ap.AccountID, ap.EventID = sl.MemberID, contactID, c.AccountID, ev.ID
		ap.Status = "confirmed"
		if exists {
			ap.Sequence++
			if err := tx.Update(ap); err != nil {
				return err
			}
		} else {
			ap.UID = model.NewID() + "@relais"
			if err := tx.Create(ap); err != nil {
				return err
			}
		}
		sl.AppointmentID = ap.ID
		return tx.Update(sl)
	})
	if err != nil {
		return nil, err
	}
	return ap, nil
}

// Unbook frees a slot: its appointment is cancelled (status cancelled,
// SEQUENCE raised, so the cancellation reaches calendars) and the slot
// forgets the contact.
func Unbook(ctx context.Context, s *model.Store, slotID string) error {
	return s.Write(ctx, func(tx *model.Tx) error {
		sl := &model.AgendaSlot{}
		if err := tx.Get(slotID, sl); err != nil {
			return err
		}
		if sl.AppointmentID != "" {
			ap := &model.Appointment{}
			if err := tx.Get(sl.AppointmentID, ap); err == nil && !ap.Deleted() && ap.Status != "cancelled" {
				ap.Status = "cancelled"
				ap.Sequence++
				if err := tx.Update(ap); err != nil {
					return err
				}
			}
		}
		sl.ContactID, sl.AppointmentID = "", ""
		return tx.Update(sl)
	})
}

// AddSlots fills a day of the event's agenda with free booth-meeting slots
// of `length` from `from` to `to` (wall-clock times in the show's zone,
// "09:00"), titled title, in one transaction.
func AddSlots(ctx context.Context, s *model.Store, eventID string, day model.Date, from, to string, length time.Duration, title string) ([]*model.AgendaSlot, error) {
	if length < 5*time.Minute {
		return nil, fmt.Errorf("leads: slots must last at least 5 minutes")
	}
	var out []*model.AgendaSlot
	err := s.Write(ctx, func(tx *model.Tx) error {
		ev := &model.Event{}
		if err := tx.Get(eventID, ev); err != nil {
			return err
		}
		loc := eventLocation(ev)
		start, err := wallTime(day, from, loc)
		if err != nil {
			return err
		}
		end, err := wallTime(day, to, loc)
		if err != nil {
			return err
		}
		if !end.After(start) {
			return fmt.Errorf("leads: the slots must end (%s) after they start (%s)", to, from)
		}
		for t := start; !t.Add(length).After(end); t = t.Add(length) {
			sl := &model.AgendaSlot{EventID: eventID, Start: t, End: t.Add(length), Title: title, Type: "meeting", Location: ev.Booth}
			if err := tx.Create(sl); err != nil {
				return err
			}
			out = append(out, sl)
		}
		return nil
	})
	return out, err
}

// wallTime is the instant of day at "HH:MM" in loc.
func wallTime(day model.Date, hhmm string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(hhmm))
	if err != nil {
		return time.Time{}, fmt.Errorf("leads: %q is not a time of day such as 09:30", hhmm)
	}
	return time.Date(day.Year, day.Month, day.Day, t.Hour(), t.Minute(), 0, 0, loc), nil
}

// Days lists the days of the event, from its start to its end date.
func Days(ev *model.Event) []model.Date {
	end := ev.EndDate
	if end.IsZero() || end.Before(ev.StartDate) {
		end = ev.StartDate
	}
	var out []model.Date
	for d := ev.StartDate; !end.Before(d) && len(out) < 60; d = d.AddDays(1) {
		out = append(out, d)
	}
	return out
}

// FindEvent finds an event by id or by name (exact, then case- and
// accent-insensitive prefix via the search index); an ambiguous name is an
// error listing the candidates.
func FindEvent(ctx context.Context, s *model.Store, ref string) (*model.Event, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, fmt.Errorf("leads: name the event")
	}
	ev := &model.Event{}
	if err := s.Get(ctx, ref, ev); err == nil && !ev.Deleted() {
		return ev, nil
	}
	exact, err := model.List[model.Event](ctx, s.DB(), model.Query{Where: "name = ? COLLATE NOCASE", Args: []any{ref}, OrderBy: "start_date DESC"})
	if err != nil {
		return nil, err
	}
	if len(exact) == 1 {
		return exact[0], nil
	}
	hits, err := s.Search(ctx, ref, 50)
	if err != nil {
		return nil, err
	}
	var found []*model.Event
	for _, h := range hits {
		if h.Kind != model.KindEvent {
			continue
		}
		e := &model.Event{}
		if err := s.Get(ctx, h.ID, e); err == nil && !e.Deleted() {
			found = append(found, e)
		}
	}
	if len(exact) > 1 {
		found = exact
	}
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("leads: no event is named %q", ref)
	case 1:
		return found[0], nil
	}
	sort.Slice(found, func(i, j int) bool { return found[j].StartDate.Before(found[i].StartDate) })
	var names []string
	for _, e := range found {
		names = append(names, fmt.Sprintf("%s (%s, id %s)", e.Name, e.StartDate, e.ID))
	}
	return nil, fmt.Errorf("leads: %q names %d events: %s; give the id", ref, len(found), strings.Join(names, "; "))
}
