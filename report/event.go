package report

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"relais/model"
)

// FindEvent finds an event by id or by name (letter case ignored). Several
// events may share a name (the same show every year): "NAME YEAR" picks the
// one starting that year; otherwise the name must be unambiguous. A name
// matching no event exactly may be a unique part of one.
func FindEvent(ctx context.Context, db model.Querier, ref string) (*model.Event, error) {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return nil, fmt.Errorf("report: name an event")
	}
	if es, err := model.List[model.Event](ctx, db, model.Query{Where: "id = ?", Args: []any{ref}}); err != nil {
		return nil, err
	} else if len(es) == 1 {
		return es[0], nil
	}
	all, err := model.List[model.Event](ctx, db, model.Query{OrderBy: "start_date DESC, name"})
	if err != nil {
		return nil, err
	}
	want := strings.ToLower(ref)
	year := 0
	if i := strings.LastIndexByte(want, ' '); i > 0 {
		if y, err := strconv.Atoi(want[i+1:]); err == nil && y >= 1900 && y <= 2200 {
			year, want = y, strings.TrimSpace(want[:i])
		}
	}
	match := func(exact bool) []*model.Event {
		var out []*model.Event
		for _, e := range all {
			name := strings.ToLower(e.Name)
			if (exact && name == want || !exact && strings.Contains(name, want)) && (year == 0 || e.StartDate.Year == year) {
				out = append(out, e)
			}
		}
		return out
	}
	found := match(true)
	if len(found) == 0 {
		found = match(false)
	}
	switch len(found) {
	case 0:
		return nil, notFound(fmt.Sprintf("report: no event is named %q", ref))
	case 1:
		return found[0], nil
	}
	var names []string
	for _, e := range found {
		names = append(names, fmt.Sprintf("%s (%s)", e.Name, e.StartDate))
	}
	return nil, fmt.Errorf("report: %d events match %q: %s; add the year, as in %q", len(found), ref, strings.Join(names, ", "),
		found[0].Name+" "+strconv.Itoa(found[0].StartDate.Year))
}

// notFound is an error that reads as one sentence yet is model.ErrNotFound
// to errors.Is.
type notFound string

func (e notFound) Error() string        { return string(e) }
func (e notFound) Is(target error) bool { return target == model.ErrNotFound }

// Grades of trade-show leads, best first; "" is a lead with no grade.
var Grades = []string{"A", "B", "C", "D", ""}

// EventReport is the trade-show report: what an event brought in and what it
// cost. Amounts are minor units of Currency, the event's budget currency;
// deals and proposals in other currencies are counted but not summed.
type EventReport struct {
	Event    model.Event
	Currency string
	AsOf     model.Date

	Leads     []Lead           // contacts captured at the event (source_event_id), best grade first
	ByGrade   map[string]int64 // lead count per grade ("" ungraded)
	Consented int64            // leads who agreed to be contacted

	Meetings      []Meeting // booth meetings: agenda slots of type meeting and appointments of the event
	MeetingsHeld  int64     // ended by AsOf
	MeetingsTotal int64     // held and planned

	Proposals       []EventProposal // latest revisions of proposals on deals from the event
	Issued          int64           // proposals sent (not drafts)
	IssuedValue     int64           // their net value
	Accepted        int64
	AcceptedValue   int64
	Deals           []EventDeal // deals whose source is the event
	OpenDeals       int64
	Pipeline        int64 // open amount
	Weighted        int64 // open amount × probability
	Won, Lost       int64
	WonValue        int64
	OtherCurrency   int64      // deals and proposals in another currency, not summed
	Costs           []CostItem // the event's logistics items with a cost
	Budget          int64
	Planned         int64 // Σ planned costs
	Actual          int64 // Σ actual costs recorded so far
	Cost            int64 // best estimate: actual where recorded, planned otherwise
	CostPerLead     int64 // Cost / leads; 0 with no leads
	CostPerQualLead int64 // Cost / A and B leads
}

// BudgetUsed is Cost against Budget, in basis points.
func (r *EventReport) BudgetUsed() (int64, bool) { return Ratio(r.Cost, r.Budget) }

// Lead is a contact captured at the event.
type Lead struct {
	ContactID string
	Name      string
	Account   string
	Grade     string
	Owner     string
	Captured  time.Time // when the lead was recorded (consent time if given, else creation)
	Consent   bool
}

// Meeting is a meeting held or planned at the event.
type Meeting struct {
	Kind    model.Kind // agenda_slot or appointment
	ID      string
	Start   time.Time
	End     time.Time
	Title   string
	Contact string
	Member  string
	Held    bool
}

// EventProposal is a proposal on a deal from the event.
type EventProposal struct {
	ProposalID string
	Number     string // display number, with its revision
	Account    string
	Status     string
	IssueDate  model.Date
	Currency   string
	Net        int64 // total before tax
}

// EventDeal is a deal whose source is the event.
type EventDeal struct {
	DealID      string
	Title       string
	Account     string
	Status      string
	Stage       string
	Currency    string
	Amount      int64
	Probability int64
	Owner       string
}

// CostItem is one logistics item of the event with its planned and actual cost.
type CostItem struct {
	ItemID   string
	Title    string
	Category string
	Vendor   string
	Status   string
	Planned  int64
	Actual   int64
}

// Event computes the trade-show report of event id.
func Event(ctx context.Context, s *model.Store, id string, opts Options) (*EventReport, error) {
	o := opts.resolve(s)
	db := s.DB()
	r := &EventReport{AsOf: o.today(), ByGrade: map[string]int64{}}
	if err := s.Get(ctx, id, &r.Event); err != nil {
		return nil, err
	}
	if r.Event.Deleted() {
		return nil, fmt.Errorf("report: event %s is in the trash: %w", r.Event.Name, model.ErrNotFound)
	}
	r.Currency = r.Event.Currency
	if o.Currency != "" {
		r.Currency = o.Currency
	}
	names, err := memberNames(ctx, db)
	if err != nil {
		return nil, err
	}

	// Leads.
	err = query(ctx, db, "event leads", `SELECT c.id, c.first_name, c.last_name, COALESCE(a.name, ''), c.grade, COALESCE(c.owner_id, ''),
		COALESCE(c.consent_at, c.created_at), c.consent
		FROM contacts c LEFT JOIN accounts a ON a.id = c.account_id
		WHERE c.source_event_id = ? AND c.deleted_at IS NULL`, []any{id}, func(rows *sql.Rows) error {
		var l Lead
		var first, last, owner, at string
		if err := rows.Scan(&l.ContactID, &first, &last, &l.Account, &l.Grade, &owner, &at, &l.Consent); err != nil {
			return err
		}
		l.Name = strings.TrimSpace(first + " " + last)
		l.Owner = names[owner]
		l.Captured = storedTime(at)
		r.Leads = append(r.Leads, l)
		r.ByGrade[l.Grade]++
		if l.Consent {
			r.Consented++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rank := map[string]int{}
	for i, g := range Grades {
		rank[g] = i
	}
	sort.SliceStable(r.Leads, func(i, j int) bool {
		a, b := r.Leads[i], r.Leads[j]
		if rank[a.Grade] != rank[b.Grade] {
			return rank[a.Grade] < rank[b.Grade]
		}
		if !a.Captured.Equal(b.Captured) {
			return a.Captured.Before(b.Captured)
		}
		return a.Name < b.Name
	})

	// Meetings: booth meetings on the agenda and appointments of the event.
	now := model.FormatTime(o.Now)
	err = query(ctx, db, "event meetings", `SELECT 'agenda_slot', s.id, s.start_at, s.end_at, s.title, COALESCE(c.first_name || ' ' || c.last_name, ''), COALESCE(s.member_id, '')
		FROM agenda_slots s LEFT JOIN contacts c ON c.id = s.contact_id
		WHERE s.event_id = ?1 AND s.type = 'meeting' AND s.deleted_at IS NULL
		UNION ALL
		SELECT 'appointment', p.id, p.start_at, p.end_at, p.title, COALESCE(c.first_name || ' ' || c.last_name, ''), COALESCE(p.owner_id, '')
		FROM appointments p LEFT JOIN contacts c ON c.id = p.contact_id
		WHERE p.event_id = ?1 AND p.status != 'cancelled' AND p.deleted_at IS NULL
		  AND p.id NOT IN (SELECT appointment_id FROM agenda_slots WHERE event_id = ?1 AND appointment_id IS NOT NULL AND deleted_at IS NULL)
		ORDER BY 3, 5`, []any{id}, func(rows *sql.Rows) error {
		var m Meeting
		var kind, start, end, member string
		if err := rows.Scan(&kind, &m.ID, &start, &end, &m.Title, &m.Contact, &member); err != nil {
			return err
		}
		m.Kind, m.Member = model.Kind(kind), names[member]
		m.Contact = strings.TrimSpace(m.Contact)
		m.Start = storedTime(start)
		m.End = storedTime(end)
		m.Held = end != "" && end <= now
		if m.Held {
			r.MeetingsHeld++
		}
		r.Meetings = append(r.Meetings, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	r.MeetingsTotal = int64(len(r.Meetings))

	// Deals from the event.
	err = query(ctx, db, "event deals", `SELECT d.id, d.title, COALESCE(a.name, ''), d.status, COALESCE(st.name, ''), d.currency, d.amount_minor, d.probability, COALESCE(d.owner_id, '')
		FROM deals d LEFT JOIN accounts a ON a.id = d.account_id LEFT JOIN stages st ON st.id = d.stage_id
		WHERE d.source_event_id = ? AND d.deleted_at IS NULL ORDER BY d.amount_minor DESC, d.title`, []any{id}, func(rows *sql.Rows) error {
		var d EventDeal
		var owner string
		if err := rows.Scan(&d.DealID, &d.Title, &d.Account, &d.Status, &d.Stage, &d.Currency, &d.Amount, &d.Probability, &owner); err != nil {
			return err
		}
		d.Owner = names[owner]
		r.Deals = append(r.Deals, d)
		if d.Currency != r.Currency {
			r.OtherCurrency++
		}
		same := d.Currency == r.Currency
		switch d.Status {
		case model.OutcomeOpen:
			r.OpenDeals++
			if same {
				r.Pipeline += d.Amount
				r.Weighted += weighted(d.Amount * d.Probability)
			}
		case model.OutcomeWon:
			r.Won++
			if same {
				r.WonValue += d.Amount
			}
		case model.OutcomeLost:
			r.Lost++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}

	// Proposals on those deals, latest revisions.
	sums, err := s.ProposalSummaries(ctx, false, model.Query{
		Where: "deal_id IN (SELECT id FROM deals WHERE source_event_id = ? AND deleted_at IS NULL)", Args: []any{id},
		OrderBy: "issue_date, number"})
	if err != nil {
		return nil, err
	}
	for _, ps := range sums {
		p := ps.Proposal
		ep := EventProposal{ProposalID: p.ID, Number: p.DisplayNumber(), Account: ps.AccountName, Status: p.Status, IssueDate: p.IssueDate,
			Currency: p.Currency, Net: ps.Totals.NetMinor}
		r.Proposals = append(r.Proposals, ep)
		same := p.Currency == r.Currency
		if !same {
			r.OtherCurrency++
		}
		if p.Status == model.ProposalDraft {
			continue
		}
		r.Issued++
		if same {
			r.IssuedValue += ep.Net
		}
		if p.Status == model.ProposalAccepted {
			r.Accepted++
			if same {
				r.AcceptedValue += ep.Net
			}
		}
	}

	// Costs against the budget.
	r.Budget = r.Event.BudgetMinor
	if r.Event.Currency != r.Currency {
		r.Budget = 0
	}
	err = query(ctx, db, "event costs", `SELECT i.id, i.title, i.category, COALESCE(v.name, ''), i.status, i.planned_cost_minor, i.actual_cost_minor
		FROM event_items i LEFT JOIN vendors v ON v.id = i.vendor_id
		WHERE i.event_id = ? AND i.deleted_at IS NULL AND (i.planned_cost_minor != 0 OR i.actual_cost_minor != 0)
		ORDER BY i.position, i.title`, []any{id}, func(rows *sql.Rows) error {
		var c CostItem
		if err := rows.Scan(&c.ItemID, &c.Title, &c.Category, &c.Vendor, &c.Status, &c.Planned, &c.Actual); err != nil {
			return err
		}
		r.Costs = append(r.Costs, c)
		r.Planned += c.Planned
		r.Actual += c.Actual
		if c.Actual != 0 {
			r.Cost += c.Actual
		} else {
			r.Cost += c.Planned
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	leads := int64(len(r.Leads))
	r.CostPerLead = divRound(r.Cost, leads)
	r.CostPerQualLead = divRound(r.Cost, r.ByGrade["A"]+r.ByGrade["B"])
	return r, nil
}

// memberNames maps team member ids to names ("" maps to "").
func memberNames(ctx context.Context, db model.Querier) (map[string]string, error) {
	names := map[string]string{}
	err := query(ctx, db, "team", `SELECT id, name FROM team_members`, nil, func(rows *sql.Rows) error {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		names[id] = name
		return nil
	})
	return names, err
}

// storedTime reads an instant as the store writes it; the zero time for "".
func storedTime(s string) time.Time {
	t, err := time.Parse("2006-01-02T15:04:05.000Z", s)
	if err != nil {
		return time.Time{}
	}
	return t
}
