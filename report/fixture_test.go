package report_test

import (
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

// fx is a small sales history whose every figure was worked out by hand, on
// paper, from the records below; the expected values in the tests repeat
// that arithmetic in their comments. The store's clock is modeltest.Now
// (Friday 27 November 2026, 10:00 UTC) and the report month October 2026.
//
// Team: Alice (rep, target 10 000 €), Bruno (rep, target 5 000 €), Chloé
// (manager, no target), Dan (rep, target in GBP: no target in a euro report).
// Customers: A1 Alpha (PME, Est, Alice), A2 Beta (PME, Ouest, Bruno),
// A3 Gamma (Grands comptes, Est, Alice), A4 Delta (no segment or region).
// Orders (net, €):
//
//	O14 2025-06-15 A3 Alice 1 000   P1             A3's first order
//	O12 2025-10-10 A1 Alice 2 500   P1             A1's first order
//	O13 2025-10-11 A2 Bruno 1 500   P3             A2's first order
//	O11 2026-07-10 A3 Alice 3 000   P1
//	O10 2026-08-10 A1 Alice 9 000   P2 3 000 + P4 6 000
//	O15 2026-09-01 A4 Bruno 1 000   cancelled      (A4 stays new)
//	O8  2026-09-10 A1 Alice 3 000   P1
//	O9  2026-09-20 A2 Bruno 2 400   P3 1 500 + P5 900
//	O1  2026-10-05 A1 Alice 4 000   P1 3 000 + P3 1 000
//	O2  2026-10-12 A3 Alice 2 000   P2
//	O7  2026-10-15 A3 nobody  500   P2
//	O3  2026-10-20 A2 Bruno 1 250   P3 1 000 + P5 250
//	O4  2026-10-25 A4 Bruno 3 000   P1             A4's first order
//	O5  2026-10-28 A1 Alice 9 999   cancelled
//	O6  2026-10-30 A2 Bruno   500 £ GBP            another currency
type fx struct {
	s                        *model.Store
	alice, bruno, chloe, dan *model.TeamMember
	a1, a2, a3, a4           *model.Account
	p                        map[string]*model.Product // P1 … P5
	qualif, propo, won, lost *model.Stage
	orders                   map[string]*model.Order
	deals                    map[string]*model.Deal
	show, seminar            *model.Event
	leads                    []*model.Contact
}

func buildFixture(t testing.TB) *fx {
	t.Helper()
	s := modeltest.Open(t)
	f := &fx{s: s, p: map[string]*model.Product{}, orders: map[string]*model.Order{}, deals: map[string]*model.Deal{}}
	d := model.MustDate
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	member := func(name, role string, target int64, cur string) *model.TeamMember {
		return &model.TeamMember{Name: name, Email: name + "@relais.example", Role: role, TargetMinor: target, TargetCurrency: cur, Active: true}
	}
	f.alice = member("Alice", model.RoleRep, 1000000, "EUR")
	f.bruno = member("Bruno", model.RoleRep, 500000, "EUR")
	f.chloe = member("Chloé", model.RoleManager, 0, "EUR")
	f.dan = member("Dan", model.RoleRep, 300000, "GBP")
	modeltest.Create(t, s, f.alice, f.bruno, f.chloe, f.dan)

	f.a1 = &model.Account{Name: "Alpha", Segment: "PME", Region: "Est", OwnerID: f.alice.ID}
	f.a2 = &model.Account{Name: "Beta", Segment: "PME", Region: "Ouest", OwnerID: f.bruno.ID}
	f.a3 = &model.Account{Name: "Gamma", Segment: "Grands comptes", Region: "Est", OwnerID: f.alice.ID}
	f.a4 = &model.Account{Name: "Delta"}
	modeltest.Create(t, s, f.a1, f.a2, f.a3, f.a4)

	for i, name := range []string{"Four", "Robot", "Gants", "Trancheuse", "Verre"} {
		key := "P" + string(rune('1'+i))
		p := &model.Product{SKU: "SKU-" + key, Name: name, Category: "Cat", Unit: "pc", PriceMinor: 100, Currency: "EUR", Availability: model.InStock}
		modeltest.Create(t, s, p)
		f.p[key] = p
	}

	type line struct {
		product string
		net     int64
	}
	order := func(key, date string, acc *model.Account, owner *model.TeamMember, cur, status string, lines ...line) {
		o := &model.Order{Number: key, AccountID: acc.ID, OrderDate: d(date), Currency: cur, Status: status}
		if owner != nil {
			o.OwnerID = owner.ID
		}
		for _, l := range lines {
			o.NetMinor += l.net
		}
		err := s.Write(t.Context(), func(tx *model.Tx) error {
			if err := tx.Create(o); err != nil {
				return err
			}
			for _, l := range lines {
				ol := &model.OrderLine{OrderID: o.ID, ProductID: f.p[l.product].ID, QuantityMilli: 1000, UnitPriceMinor: l.net, NetMinor: l.net}
				if err := tx.Create(ol); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		f.orders[key] = o
	}
	inv, canc := model.OrderInvoiced, model.OrderCancelled
	order("O14", "2025-06-15", f.a3, f.alice, "EUR", inv, line{"P1", 100000})
	order("O12", "2025-10-10", f.a1, f.alice, "EUR", inv, line{"P1", 250000})
	order("O13", "2025-10-11", f.a2, f.bruno, "EUR", inv, line{"P3", 150000})
	order("O11", "2026-07-10", f.a3, f.alice, "EUR", inv, line{"P1", 300000})
	order("O10", "2026-08-10", f.a1, f.alice, "EUR", inv, line{"P2", 300000}, line{"P4", 600000})
	order("O15", "2026-09-01", f.a4, f.bruno, "EUR", canc, line{"P1", 100000})
	order("O8", "2026-09-10", f.a1, f.alice, "EUR", inv, line{"P1", 300000})
	order("O9", "2026-09-20", f.a2, f.bruno, "EUR", inv, line{"P3", 150000}, line{"P5", 90000})
	order("O1", "2026-10-05", f.a1, f.alice, "EUR", inv, line{"P1", 300000}, line{"P3", 100000})
	order("O2", "2026-10-12", f.a3, f.alice, "EUR", model.OrderDelivered, line{"P2", 200000})
	order("O7", "2026-10-15", f.a3, nil, "EUR", model.OrderShipped, line{"P2", 50000})
	order("O3", "2026-10-20", f.a2, f.bruno, "EUR", inv, line{"P3", 100000}, line{"P5", 25000})
	order("O4", "2026-10-25", f.a4, f.bruno, "EUR", model.OrderOpen, line{"P1", 300000})
	order("O5", "2026-10-28", f.a1, f.alice, "EUR", canc, line{"P1", 999900})
	order("O6", "2026-10-30", f.a2, f.bruno, "GBP", inv, line{"P3", 50000})

	// Pipeline: two open stages, then won and lost.
	f.qualif = &model.Stage{Name: "Qualification", Position: 1, Probability: 10, Outcome: model.OutcomeOpen}
	f.propo = &model.Stage{Name: "Proposition", Position: 2, Probability: 50, Outcome: model.OutcomeOpen}
	f.won = &model.Stage{Name: "Gagné", Position: 3, Probability: 100, Outcome: model.OutcomeWon}
	f.lost = &model.Stage{Name: "Perdu", Position: 4, Probability: 0, Outcome: model.OutcomeLost}
	modeltest.Create(t, s, f.qualif, f.propo, f.won, f.lost)
	deal := func(key string, st *model.Stage, owner *model.TeamMember, amount int64, cur string, prob int64, expected, closed string) *model.Deal {
		dl := &model.Deal{Title: key, AccountID: f.a1.ID, StageID: st.ID, AmountMinor: amount, Currency: cur, Probability: prob, Status: st.Outcome}
		if owner != nil {
			dl.OwnerID = owner.ID
		}
		if expected != "" {
			dl.ExpectedClose = d(expected)
		}
		if closed != "" {
			dl.ClosedOn = d(closed)
		}
		if st.Outcome == model.OutcomeLost {
			dl.LostReason = "Prix"
		}
		f.deals[key] = dl
		return dl
	}
	modeltest.Create(t, s,
		deal("D1", f.qualif, f.alice, 1000000, "EUR", 10, "2026-12-15", ""),
		deal("D2", f.propo, f.bruno, 400000, "EUR", 60, "2026-11-20", ""),
		deal("D3", f.propo, f.alice, 200000, "EUR", 50, "2026-10-10", ""),
		deal("D4", f.qualif, f.bruno, 100000, "GBP", 10, "2026-11-30", ""),
		deal("D5", f.qualif, f.alice, 300000, "EUR", 15, "2027-03-01", ""),
		deal("D6", f.propo, nil, 100000, "EUR", 50, "", ""),
		deal("W1", f.won, f.alice, 500000, "EUR", 100, "", "2026-10-08"),
		deal("W2", f.won, f.bruno, 80000, "GBP", 100, "", "2026-10-20"),
		deal("L1", f.lost, f.alice, 300000, "EUR", 0, "", "2026-10-15"),
		deal("L2", f.lost, f.bruno, 200000, "EUR", 0, "", "2026-09-05"),
		deal("W3", f.won, f.alice, 100000, "EUR", 100, "", "2026-09-25"),
	)
	// Traces of W1 and W3 before they were won (all deals were entered on
	// 27 November, after the fact): W1's cycle starts at its proposal of 29
	// August, W3's at its call of 5 September. W2 has no trace.
	modeltest.Create(t, s,
		&model.Activity{Type: model.ActivityCall, At: at("2026-09-08T09:00:00Z"), Summary: "Call", DealID: f.deals["W1"].ID},
		&model.Proposal{Number: "Q-W1", Revision: 1, AccountID: f.a1.ID, DealID: f.deals["W1"].ID, IssueDate: d("2026-08-29"), Currency: "EUR", Language: "fr", Status: model.ProposalAccepted},
		&model.Activity{Type: model.ActivityCall, At: at("2026-09-05T14:00:00Z"), Summary: "Call", DealID: f.deals["W3"].ID},
	)

	// Client issues.
	issue := func(title, dep, status, opened, due, resolved string) *model.ClientIssue {
		i := &model.ClientIssue{Title: title, Type: model.IssueQuestion, AccountID: f.a1.ID, Department: dep, Priority: model.PriorityNormal,
			Status: status, OpenedAt: at(opened), Due: d(due)}
		if resolved != "" {
			i.ResolvedAt, i.Resolution = at(resolved), "Done"
		}
		return i
	}
	modeltest.Create(t, s,
		issue("I1", "logistics", "open", "2026-10-03T09:00:00Z", "2026-10-10", ""),
		issue("I2", "finance", "resolved", "2026-09-20T09:00:00Z", "2026-09-25", "2026-10-05T09:00:00Z"),
		issue("I3", "logistics", "open", "2026-10-30T09:00:00Z", "2026-11-10", ""),
		issue("I4", "customer_service", "closed", "2026-10-10T09:00:00Z", "2026-10-20", "2026-10-15T09:00:00Z"),
	)
	f.buildEvents(t)
	return f
}

// buildEvents adds a trade show (for the event report) and a sales seminar
// (for the agenda).
//
// Trade show "Salon Test" (5–7 November 2026, budget 10 000 €): leads A, A,
// B, C and one ungraded, four of them consenting; booth meetings: two held,
// one on 30 November (planned), an appointment held, a cancelled one; a
// session that is not a meeting. Deals from the show: E1 open 2 000 € at 50
// %, E2 won 3 000 €, E3 lost, E4 open in GBP. Proposals: on E1 sent, 2 ×
// 500 € = 1 000 € net; on E2 accepted, 3 000 €; on E1 a draft of 500 €.
// Costs: booth planned 5 000, actual 5 500; catering planned 1 000, no
// actual yet; a free item (no cost) left out.
func (f *fx) buildEvents(t testing.TB) {
	s := f.s
	d := model.MustDate
	paris, _ := time.LoadLocation("Europe/Paris")
	f.show = &model.Event{Name: "Salon Test", Type: "trade_show", Venue: "Parc des expositions", City: "Lyon", StartDate: d("2026-11-05"),
		EndDate: d("2026-11-07"), TZ: "Europe/Paris", Booth: "Hall 2 — B12", BudgetMinor: 1000000, Currency: "EUR", Status: "done"}
	f.seminar = &model.Event{Name: "Séminaire d'hiver", Type: "sales_meeting", Venue: "Château de la Verrerie", Address: "Route de Bourges",
		City: "Oizon", Country: "FR", StartDate: d("2026-12-07"), EndDate: d("2026-12-08"), TZ: "Europe/Paris", Currency: "EUR", Status: "planned"}
	modeltest.Create(t, s, f.show, f.seminar)
	capture := time.Date(2026, 11, 5, 11, 0, 0, 0, time.UTC)
	for i, g := range []string{"A", "C", "", "B", "A"} {
		c := &model.Contact{FirstName: "Lead", LastName: string(rune('V' + i)), AccountID: f.a2.ID, Source: "trade_show", SourceEventID: f.show.ID,
			Grade: g, OwnerID: f.bruno.ID}
		if i != 2 {
			c.Consent, c.ConsentAt, c.ConsentText = true, capture.Add(time.Duration(i)*time.Hour), "OK"
		}
		modeltest.Create(t, s, c)
		f.leads = append(f.leads, c)
	}
	other := &model.Contact{FirstName: "Not", LastName: "Alead", AccountID: f.a1.ID, Source: "website"}
	modeltest.Create(t, s, other)
	slot := func(ev *model.Event, day string, h, m, mins int, title, typ string, member *model.TeamMember, contact *model.Contact) *model.AgendaSlot {
		dd := d(day)
		start := time.Date(dd.Year, dd.Month, dd.Day, h, m, 0, 0, paris)
		sl := &model.AgendaSlot{EventID: ev.ID, Start: start, End: start.Add(time.Duration(mins) * time.Minute), Title: title, Type: typ, Location: ev.Booth}
		if member != nil {
			sl.MemberID = member.ID
		}
		if contact != nil {
			sl.ContactID = contact.ID
		}
		return sl
	}
	modeltest.Create(t, s,
		slot(f.show, "2026-11-05", 10, 0, 45, "Rendez-vous Beta", "meeting", f.bruno, f.leads[0]),
		slot(f.show, "2026-11-06", 14, 0, 45, "Rendez-vous Alpha", "meeting", f.alice, nil),
		slot(f.show, "2026-11-06", 16, 0, 60, "Conférence", "session", nil, nil),
		slot(f.show, "2026-11-30", 10, 0, 60, "Visite de suivi", "meeting", f.bruno, f.leads[1]),
	)
	start := time.Date(2026, 11, 7, 9, 0, 0, 0, paris)
	modeltest.Create(t, s,
		&model.Appointment{Title: "Petit-déjeuner client", Start: start, End: start.Add(time.Hour), EventID: f.show.ID, OwnerID: f.alice.ID, Status: "confirmed"},
		&model.Appointment{Title: "Annulé", Start: start.Add(2 * time.Hour), End: start.Add(3 * time.Hour), EventID: f.show.ID, Status: "cancelled"},
	)
	ed := func(title, status string, st *model.Stage, amount int64, cur string, prob int64) *model.Deal {
		dl := &model.Deal{Title: title, AccountID: f.a2.ID, StageID: st.ID, AmountMinor: amount, Currency: cur, Probability: prob, Status: status,
			SourceEventID: f.show.ID, OwnerID: f.bruno.ID}
		if status != model.OutcomeOpen {
			dl.ClosedOn = d("2026-11-20")
		}
		if status == model.OutcomeLost {
			dl.LostReason = "Budget"
		}
		f.deals[title] = dl
		return dl
	}
	modeltest.Create(t, s,
		ed("E1", model.OutcomeOpen, f.propo, 200000, "EUR", 50),
		ed("E2", model.OutcomeWon, f.won, 300000, "EUR", 100),
		ed("E3", model.OutcomeLost, f.lost, 150000, "EUR", 0),
		ed("E4", model.OutcomeOpen, f.qualif, 90000, "GBP", 10),
	)
	proposal := func(number string, deal *model.Deal, status string, qty, price int64) {
		p := &model.Proposal{Number: number, Revision: 1, AccountID: f.a2.ID, DealID: deal.ID, IssueDate: d("2026-11-10"), Currency: "EUR",
			Language: "fr", Status: status}
		modeltest.Create(t, s, p)
		modeltest.Create(t, s, &model.ProposalLine{ProposalID: p.ID, Position: 1, Description: "Stand", QuantityMilli: qty, UnitPriceMinor: price, TaxRateBP: 2000})
	}
	proposal("Q-E1", f.deals["E1"], model.ProposalSent, 2000, 50000)
	proposal("Q-E2", f.deals["E2"], model.ProposalAccepted, 1000, 300000)
	proposal("Q-E1B", f.deals["E1"], model.ProposalDraft, 1000, 50000)
	modeltest.Create(t, s,
		&model.EventItem{EventID: f.show.ID, Title: "Stand", Category: "venue", Status: "done", PlannedCostMinor: 500000, ActualCostMinor: 550000, Position: 1},
		&model.EventItem{EventID: f.show.ID, Title: "Traiteur", Category: "catering", Status: "doing", PlannedCostMinor: 100000, Position: 2},
		&model.EventItem{EventID: f.show.ID, Title: "Badges", Category: "badges", Status: "todo", Position: 3},
	)

	// The seminar's programme, in Paris time, and its invitation.
	guest := &model.Contact{FirstName: "Zoé", LastName: "Invitée", Title: "Consultante", AccountID: f.a3.ID, Emails: []string{"zoe@gamma.example"}}
	modeltest.Create(t, s, guest)
	modeltest.Create(t, s,
		slot(f.seminar, "2026-12-07", 9, 0, 60, "Bilan du mois", "session", f.alice, nil),
		slot(f.seminar, "2026-12-07", 10, 0, 15, "Pause", "break", nil, nil),
		slot(f.seminar, "2026-12-07", 10, 15, 75, "Revue du pipeline", "session", f.bruno, guest),
		slot(f.seminar, "2026-12-08", 9, 0, 120, "Plan 2027", "session", f.chloe, nil),
	)
	inv := time.Date(2026, 12, 7, 9, 0, 0, 0, paris)
	modeltest.Create(t, s, &model.Appointment{Title: "Séminaire d'hiver", Start: inv, End: inv.Add(26 * time.Hour), EventID: f.seminar.ID, Status: "confirmed",
		Attendees: []string{"member:" + f.alice.ID, "member:" + f.dan.ID, "contact:" + guest.ID, "mailto:invite@partner.example", "mailto:Alice@relais.example"}})
}
