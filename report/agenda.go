package report

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"relais/model"
)

// Agenda is the printable programme of an event — a sales meeting or a
// trade show: its place, its topics in time slots day by day, and who
// attends. Times are in the event's own zone.
type Agenda struct {
	Event     model.Event
	Location  *time.Location // the event's zone (UTC when it names none)
	Days      []AgendaDay
	Attendees []Attendee
}

// AgendaDay is one day of the programme.
type AgendaDay struct {
	Date  model.Date
	Slots []AgendaSlot
}

// AgendaSlot is one topic in a time slot.
type AgendaSlot struct {
	Start time.Time // in Agenda.Location
	End   time.Time
	Title string
	Type  string // meeting | session | break
	Place string // the slot's room or stand, when it differs from the event's
	Lead  string // the team member leading it
	Guest string // the contact met, with their company
}

// Attendee is a person expected at the event.
type Attendee struct {
	Kind    string // "member", "contact" or "guest" (an e-mail address only)
	Name    string
	Role    string // a member's role, a contact's job title
	Company string // a contact's account
	Email   string
}

// AgendaOf gathers the agenda of event id. Attendees are the team members
// and contacts named by its slots, its booth rota and the attendee lists of
// its appointments (an invitation to the meeting lists everyone).
func AgendaOf(ctx context.Context, s *model.Store, id string) (*Agenda, error) {
	a := &Agenda{Location: time.UTC}
	if err := s.Get(ctx, id, &a.Event); err != nil {
		return nil, err
	}
	if a.Event.Deleted() {
		return nil, fmt.Errorf("report: event %s is in the trash: %w", a.Event.Name, model.ErrNotFound)
	}
	if a.Event.TZ != "" {
		if loc, err := time.LoadLocation(a.Event.TZ); err == nil {
			a.Location = loc
		}
	}
	db := s.DB()
	members := map[string]bool{}
	contacts := map[string]bool{}
	emails := map[string]bool{}

	slots, err := model.List[model.AgendaSlot](ctx, db, model.Query{Where: "event_id = ?", Args: []any{id}, OrderBy: "start_at, end_at, title"})
	if err != nil {
		return nil, err
	}
	names, err := memberNames(ctx, db)
	if err != nil {
		return nil, err
	}
	guests := map[string]string{} // contact id → "Name (Company)"
	var contactIDs []any
	for _, sl := range slots {
		if sl.ContactID != "" {
			contactIDs = append(contactIDs, sl.ContactID)
		}
	}
	if err := contactLabels(ctx, db, contactIDs, guests); err != nil {
		return nil, err
	}
	for _, sl := range slots {
		start, end := sl.Start.In(a.Location), sl.End.In(a.Location)
		day := model.DateOf(start)
		if len(a.Days) == 0 || a.Days[len(a.Days)-1].Date != day {
			a.Days = append(a.Days, AgendaDay{Date: day})
		}
		place := strings.TrimSpace(sl.Location)
		if place == a.Event.Venue || place == a.Event.Booth {
			place = ""
		}
		d := &a.Days[len(a.Days)-1]
		d.Slots = append(d.Slots, AgendaSlot{Start: start, End: end, Title: sl.Title, Type: sl.Type, Place: place,
			Lead: names[sl.MemberID], Guest: guests[sl.ContactID]})
		if sl.MemberID != "" {
			members[sl.MemberID] = true
		}
		if sl.ContactID != "" {
			contacts[sl.ContactID] = true
		}
	}

	// The booth rota and the appointments' attendee lists.
	err = query(ctx, db, "rota", `SELECT DISTINCT member_id FROM rota_shifts WHERE event_id = ? AND deleted_at IS NULL AND member_id IS NOT NULL`,
		[]any{id}, func(rows *sql.Rows) error {
			var m string
			if err := rows.Scan(&m); err != nil {
				return err
			}
			members[m] = true
			return nil
		})
	if err != nil {
		return nil, err
	}
	apps, err := model.List[model.Appointment](ctx, db, model.Query{Where: "event_id = ? AND status != 'cancelled'", Args: []any{id}})
	if err != nil {
		return nil, err
	}
	for _, ap := range apps {
		if ap.OwnerID != "" {
			members[ap.OwnerID] = true
		}
		if ap.ContactID != "" {
			contacts[ap.ContactID] = true
		}
		for _, at := range ap.Attendees {
			kind, val, _ := strings.Cut(at, ":")
			switch kind {
			case "member":
				members[val] = true
			case "contact":
				contacts[val] = true
			case "mailto":
				emails[strings.ToLower(val)] = true
			}
		}
	}

	// Resolve people; an address belonging to a known person is not listed twice.
	if len(members) > 0 {
		ids := keys(members)
		ms, err := model.List[model.TeamMember](ctx, db, model.Query{Where: "id IN (" + placeholders(len(ids)) + ")", Args: ids})
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			a.Attendees = append(a.Attendees, Attendee{Kind: "member", Name: m.Name, Role: m.Role, Email: m.Email})
			delete(emails, strings.ToLower(m.Email))
		}
	}
	if len(contacts) > 0 {
		ids := keys(contacts)
		err := query(ctx, db, "attendees", `SELECT c.first_name, c.last_name, c.title, COALESCE(a.name, ''), COALESCE(json_extract(c.emails, '$[0]'), '')
			FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id WHERE c.deleted_at IS NULL AND c.id IN (`+placeholders(len(ids))+`)`, ids,
			func(rows *sql.Rows) error {
				var p Attendee
				var first, last string
				if err := rows.Scan(&first, &last, &p.Role, &p.Company, &p.Email); err != nil {
					return err
				}
				p.Kind, p.Name = "contact", strings.TrimSpace(first+" "+last)
				a.Attendees = append(a.Attendees, p)
				delete(emails, strings.ToLower(p.Email))
				return nil
			})
		if err != nil {
			return nil, err
		}
	}
	for e := range emails {
		a.Attendees = append(a.Attendees, Attendee{Kind: "guest", Name: e, Email: e})
	}
	order := map[string]int{"member": 0, "contact": 1, "guest": 2}
	sort.SliceStable(a.Attendees, func(i, j int) bool {
		x, y := a.Attendees[i], a.Attendees[j]
		if order[x.Kind] != order[y.Kind] {
			return order[x.Kind] < order[y.Kind]
		}
		if x.Name != y.Name {
			return x.Name < y.Name
		}
		return x.Email < y.Email
	})
	return a, nil
}

// contactLabels fills out with "First Last (Company)" for each contact id.
func contactLabels(ctx context.Context, db model.Querier, ids []any, out map[string]string) error {
	if len(ids) == 0 {
		return nil
	}
	return query(ctx, db, "contacts", `SELECT c.id, c.first_name, c.last_name, COALESCE(a.name, '') FROM contacts c
		LEFT JOIN accounts a ON a.id = c.account_id WHERE c.id IN (`+placeholders(len(ids))+`)`, ids, func(rows *sql.Rows) error {
		var id, first, last, company string
		if err := rows.Scan(&id, &first, &last, &company); err != nil {
			return err
		}
		label := strings.TrimSpace(first + " " + last)
		if company != "" {
			label += " (" + company + ")"
		}
		out[id] = label
		return nil
	})
}

func keys(m map[string]bool) []any {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	out := make([]any, len(ks))
	for i, k := range ks {
		out[i] = k
	}
	return out
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }
