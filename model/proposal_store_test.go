package model_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"relais/model"
)

// clockStore opens a store whose clock the test can move.
func clockStore(t *testing.T) (*model.Store, *time.Time) {
	t.Helper()
	now := fixedNow
	s, err := model.Open(context.Background(), filepath.Join(t.TempDir(), "relais.db"), model.Options{Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, &now
}

type catalogue struct {
	acct            *model.Account
	contact         *model.Contact
	stand, catering *model.Product
}

func seedCatalogue(t *testing.T, s *model.Store) catalogue {
	t.Helper()
	c := catalogue{
		acct:     &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon", Country: "FR"},
		stand:    &model.Product{SKU: "STD-9", Name: "Stand 9 m²", Unit: "pc", PriceMinor: 250000, Currency: "EUR", TaxRateBP: 2000, Availability: model.InStock},
		catering: &model.Product{SKU: "CAT-1", Name: "Plateau traiteur", Unit: "pc", PriceMinor: 1890, Currency: "EUR", TaxRateBP: 1000, Availability: model.InStock},
	}
	mustCreate(t, s, c.acct, c.stand, c.catering)
	c.contact = &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", AccountID: c.acct.ID, Language: "en"}
	mustCreate(t, s, c.contact)
	return c
}

func TestNewProposal(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	c := seedCatalogue(t, s)
	stage := &model.Stage{Name: "Qualified", Outcome: model.OutcomeOpen}
	mustCreate(t, s, stage)
	deal := &model.Deal{Title: "Salon 2027", AccountID: c.acct.ID, ContactID: c.contact.ID, StageID: stage.ID, Currency: "CHF", Status: model.OutcomeOpen}
	loner := &model.Contact{FirstName: "Zoë", LastName: "Nobody"}
	tmplEN := &model.TermsTemplate{Name: "Standard", Language: "en", Body: "Payment within 30 days."}
	tmplFR := &model.TermsTemplate{Name: "Standard", Language: "fr", Body: "Paiement à 30 jours."}
	mustCreate(t, s, deal, loner, tmplEN, tmplFR)
	number := regexp.MustCompile(`^Q-2026-` + s.Device().Code + `-000(\d)$`)

	t.Run("FromAccount", func(t *testing.T) {
		p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
		if err != nil {
			t.Fatal(err)
		}
		if m := number.FindStringSubmatch(p.Number); m == nil || m[1] != "1" {
			t.Errorf("number = %q", p.Number)
		}
		if p.Revision != 1 || p.Status != model.ProposalDraft || p.Language != "fr" || p.Currency != "EUR" || p.Terms != tmplFR.Body {
			t.Errorf("got %+v", p)
		}
		if p.IssueDate != model.MustDate("2026-11-27") || p.ValidUntil != model.MustDate("2026-12-27") || p.PricesAsOf != p.IssueDate {
			t.Errorf("dates: issued %s valid until %s prices as of %s", p.IssueDate, p.ValidUntil, p.PricesAsOf)
		}
	})
	t.Run("FromContact", func(t *testing.T) {
		if err := s.SetSetting(ctx, model.SettingValidityDays, "14"); err != nil {
			t.Fatal(err)
		}
		p, err := s.NewProposal(ctx, model.ProposalSource{ContactID: c.contact.ID})
		if err != nil {
			t.Fatal(err)
		}
		if m := number.FindStringSubmatch(p.Number); m == nil || m[1] != "2" {
			t.Errorf("number = %q", p.Number)
		}
		if p.AccountID != c.acct.ID || p.Language != "en" || p.Terms != tmplEN.Body || p.ValidUntil != model.MustDate("2026-12-11") {
			t.Errorf("got %+v", p)
		}
	})
	t.Run("FromDeal", func(t *testing.T) {
		p, err := s.NewProposal(ctx, model.ProposalSource{DealID: deal.ID})
		if err != nil {
			t.Fatal(err)
		}
		if p.AccountID != c.acct.ID || p.ContactID != c.contact.ID || p.Currency != "CHF" || p.Title != "Salon 2027" {
			t.Errorf("got %+v", p)
		}
	})
	t.Run("ErrContactWithoutAccount", func(t *testing.T) {
		before := outboxLen(t, s)
		_, err := s.NewProposal(ctx, model.ProposalSource{ContactID: loner.ID})
		ve, ok := model.AsValidation(err)
		if !ok || ve.For("account_id") == nil {
			t.Fatalf("err = %v, want a validation error on account_id", err)
		}
		if outboxLen(t, s) != before {
			t.Error("a failed proposal left changes in the outbox")
		}
	})
	t.Run("ErrBadValiditySetting", func(t *testing.T) {
		if err := s.SetSetting(ctx, model.SettingValidityDays, "soon"); err != nil {
			t.Fatal(err)
		}
		defer s.SetSetting(ctx, model.SettingValidityDays, "30")
		_, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
		if err == nil || !regexp.MustCompile(`proposal.validity_days.*"soon"`).MatchString(err.Error()) {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestProposalNumbersDifferAcrossLaptops(t *testing.T) {
	ctx := context.Background()
	seen := map[string]bool{}
	for i := 0; i < 3; i++ {
		s := mustOpen(t)
		c := seedCatalogue(t, s)
		p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
		if err != nil {
			t.Fatal(err)
		}
		if seen[p.Number] {
			t.Fatalf("two laptops made %s", p.Number)
		}
		seen[p.Number] = true
	}
}

func TestEditProposal(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	c := seedCatalogue(t, s)
	p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	err = s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
		if _, err := e.AddProduct(c.stand.ID, "Stand", 1000); err != nil {
			return err
		}
		if _, err := e.AddProduct(c.catering.ID, "Traiteur", 40000); err != nil {
			return err
		}
		if err := e.AddLine(&model.ProposalLine{Section: "Stand", Description: "Moquette bleue", QuantityMilli: 9000, Unit: "m²", UnitPriceMinor: 1200, TaxRateBP: 2000, Optional: true}); err != nil {
			return err
		}
		e.P.DiscountBP = 500
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	got, lines, err := s.Proposal(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 3 || lines[0].SKU != "STD-9" || lines[0].UnitPriceMinor != 250000 || lines[1].TaxRateBP != 1000 || !lines[2].Optional || got.DiscountBP != 500 {
		t.Fatalf("proposal %+v lines %+v", got, lines)
	}
	tot, err := model.ProposalTotals(got, lines)
	if err != nil {
		t.Fatal(err)
	}
	// 2500.00 + 756.00 = 3256.00; −5 % per rate: 125.00 + 37.80; VAT 475.00 + 71.82
	if tot.SubtotalMinor != 325600 || tot.DiscountMinor != 16280 || tot.TaxMinor != 54682 || tot.TotalMinor != 364002 || tot.OptionalMinor != 10800 {
		t.Errorf("totals %+v", tot)
	}

	t.Run("RemoveAndMove", func(t *testing.T) {
		err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
			if err := e.MoveLine(lines[1].ID, -1); err != nil {
				return err
			}
			return e.RemoveLine(lines[2].ID)
		})
		if err != nil {
			t.Fatal(err)
		}
		_, after, _ := s.Proposal(ctx, p.ID)
		if len(after) != 2 || after[0].ID != lines[1].ID || after[1].ID != lines[0].ID {
			t.Errorf("lines after = %+v", after)
		}
	})
	t.Run("ErrCurrencyMismatch", func(t *testing.T) {
		usd := &model.Product{SKU: "US-1", Name: "Booth (US)", Unit: "pc", PriceMinor: 100, Currency: "USD", Availability: model.InStock}
		mustCreate(t, s, usd)
		err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error { _, err := e.AddProduct(usd.ID, "", 1000); return err })
		if ve, ok := model.AsValidation(err); !ok || ve.For("product_id") == nil {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrDiscontinued", func(t *testing.T) {
		old := &model.Product{SKU: "OLD", Name: "Old kit", Unit: "pc", Currency: "EUR", Availability: model.Discontinued}
		mustCreate(t, s, old)
		err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error { _, err := e.AddProduct(old.ID, "", 1000); return err })
		if ve, ok := model.AsValidation(err); !ok || ve.For("product_id") == nil {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("ErrBadLineLeavesNothing", func(t *testing.T) {
		before := outboxLen(t, s)
		err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
			e.P.Title = "changed"
			return e.AddLine(&model.ProposalLine{Description: "", QuantityMilli: 1000})
		})
		if _, ok := model.AsValidation(err); !ok {
			t.Fatalf("err = %v", err)
		}
		after, _, _ := s.Proposal(ctx, p.ID)
		if after.Title == "changed" || outboxLen(t, s) != before {
			t.Error("a failed edit changed the proposal")
		}
	})
}

func TestRevisionsAndStatus(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	c := seedCatalogue(t, s)
	p1, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EditProposal(ctx, p1.ID, func(e *model.ProposalEdit) error { _, err := e.AddProduct(c.stand.ID, "", 1000); return err }); err != nil {
		t.Fatal(err)
	}
	if err := s.SetProposalStatus(ctx, p1.ID, model.ProposalSent); err != nil {
		t.Fatal(err)
	}
	if err := s.EditProposal(ctx, p1.ID, func(e *model.ProposalEdit) error { return nil }); !errors.Is(err, model.ErrReadOnly) {
		t.Fatalf("editing a sent proposal: err = %v", err)
	}
	p2, err := s.NewRevision(ctx, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Number != p1.Number || p2.Revision != 2 || p2.RootID != p1.ID || p2.Status != model.ProposalDraft || p2.DisplayNumber() != p1.Number+"-R2" {
		t.Fatalf("revision 2 = %+v", p2)
	}
	if err := s.EditProposal(ctx, p2.ID, func(e *model.ProposalEdit) error {
		l := *e.Lines[0]
		l.QuantityMilli = 2000
		return e.SaveLine(&l)
	}); err != nil {
		t.Fatal(err)
	}
	_, l1, _ := s.Proposal(ctx, p1.ID)
	_, l2, _ := s.Proposal(ctx, p2.ID)
	if len(l1) != 1 || l1[0].QuantityMilli != 1000 || len(l2) != 1 || l2[0].QuantityMilli != 2000 || l1[0].ID == l2[0].ID {
		t.Errorf("revision 1 lines %+v, revision 2 lines %+v", l1, l2)
	}
	if _, err := s.NewRevision(ctx, p1.ID); !errors.Is(err, model.ErrReadOnly) {
		t.Errorf("revising an old revision: err = %v", err)
	}
	p3, err := s.NewRevision(ctx, p2.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p3.RootID != p1.ID || p3.Revision != 3 {
		t.Errorf("revision 3 = %+v", p3)
	}
	revs, err := s.Revisions(ctx, p2.ID)
	if err != nil || len(revs) != 3 || revs[0].ID != p1.ID || revs[2].ID != p3.ID {
		t.Fatalf("revisions = %v, %v", revs, err)
	}
	for _, r := range []*model.Proposal{p1, p2} {
		if why, _ := s.ProposalLocked(ctx, r); why == "" {
			t.Errorf("revision %d is still editable", r.Revision)
		}
		if err := s.EditProposal(ctx, r.ID, func(e *model.ProposalEdit) error { return nil }); !errors.Is(err, model.ErrReadOnly) {
			t.Errorf("editing revision %d: err = %v", r.Revision, err)
		}
	}
	byNum, err := s.ProposalByNumber(ctx, p1.Number, 0)
	if err != nil || byNum.ID != p3.ID {
		t.Errorf("latest by number = %v, %v", byNum, err)
	}
	byNum, err = s.ProposalByNumber(ctx, p1.Number+"-R2", 0)
	if err != nil || byNum.ID != p2.ID {
		t.Errorf("by printed number = %v, %v", byNum, err)
	}
	if _, err := s.ProposalByNumber(ctx, "Q-1999-XXXXX-0001", 0); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown number: err = %v", err)
	}
	sums, err := s.ProposalSummaries(ctx, false, model.Query{})
	if err != nil || len(sums) != 1 || sums[0].Proposal.ID != p3.ID || sums[0].AccountName != c.acct.Name || sums[0].Totals.NetMinor != 500000 {
		t.Errorf("summaries = %+v, %v", sums, err)
	}
	if all, _ := s.ProposalSummaries(ctx, true, model.Query{}); len(all) != 3 {
		t.Errorf("all revisions: %d", len(all))
	}

	transitions := []struct {
		from, to string
		ok       bool
	}{
		{model.ProposalDraft, model.ProposalSent, true},
		{model.ProposalSent, model.ProposalAccepted, true},
		{model.ProposalAccepted, model.ProposalDraft, false},
		{model.ProposalAccepted, model.ProposalDeclined, false},
	}
	for _, tr := range transitions {
		t.Run(tr.from+"→"+tr.to, func(t *testing.T) {
			err := s.SetProposalStatus(ctx, p3.ID, tr.to)
			if tr.ok != (err == nil) {
				t.Fatalf("err = %v", err)
			}
			if !tr.ok {
				if ve, ok := model.AsValidation(err); !ok || ve.For("status") == nil {
					t.Errorf("err = %v, want a validation error on status", err)
				}
			}
		})
	}
}

func TestExpireProposals(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	c := seedCatalogue(t, s)
	mk := func(status, validUntil string) *model.Proposal {
		p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
			e.P.ValidUntil = model.MustDate(validUntil)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if status != model.ProposalDraft {
			if err := s.SetProposalStatus(ctx, p.ID, status); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	tests := []struct {
		name, status, validUntil, want string
	}{
		{"SentPastValidity", model.ProposalSent, "2026-12-01", model.ProposalExpired},
		{"SentValidOnItsLastDay", model.ProposalSent, "2026-12-02", model.ProposalSent},
		{"DraftPastValidity", model.ProposalDraft, "2026-12-01", model.ProposalDraft},
		{"AcceptedPastValidity", model.ProposalAccepted, "2026-12-01", model.ProposalAccepted},
	}
	ps := make([]*model.Proposal, len(tests))
	for i, tc := range tests {
		ps[i] = mk(tc.status, tc.validUntil)
	}
	n, err := s.ExpireProposals(ctx, model.MustDate("2026-12-02"))
	if err != nil || n != 1 {
		t.Fatalf("expired %d, %v", n, err)
	}
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got model.Proposal
			if err := s.Get(ctx, ps[i].ID, &got); err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.want {
				t.Errorf("status = %s, want %s", got.Status, tc.want)
			}
		})
	}
	chs, _ := s.Outbox(ctx, 0, 1000)
	last := chs[len(chs)-1]
	if last.Entity != model.KindProposal || last.Op != "patch" || last.Data != `{"status":"expired"}` {
		t.Errorf("last outbox change = %+v", last)
	}
	if n, _ := s.ExpireProposals(ctx, model.MustDate("2026-12-02")); n != 0 {
		t.Errorf("second run expired %d", n)
	}
}

func TestPriceChanges(t *testing.T) {
	ctx := context.Background()
	s, now := clockStore(t)
	c := seedCatalogue(t, s)
	p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
		_, err1 := e.AddProduct(c.stand.ID, "", 1000)
		_, err2 := e.AddProduct(c.catering.ID, "", 10000)
		return errors.Join(err1, err2)
	}); err != nil {
		t.Fatal(err)
	}
	other, _ := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
	if err := s.EditProposal(ctx, other.ID, func(e *model.ProposalEdit) error { _, err := e.AddProduct(c.stand.ID, "", 1000); return err }); err != nil {
		t.Fatal(err)
	}
	if err := s.SetProposalStatus(ctx, other.ID, model.ProposalDeclined); err != nil {
		t.Fatal(err)
	}

	// Two days later the stand price rises from 1 January; nothing changes yet.
	*now = now.AddDate(0, 0, 2)
	if _, err := s.ChangePrice(ctx, c.stand.ID, 275000, model.MustDate("2027-01-01"), "2027 price list"); err != nil {
		t.Fatal(err)
	}
	hist, _ := s.PriceHistory(ctx, c.stand.ID)
	if len(hist) != 2 || hist[0].PriceMinor != 250000 || hist[0].EffectiveFrom != model.MustDate("2026-11-27") || hist[1].PriceMinor != 275000 {
		t.Fatalf("history = %+v", hist)
	}
	var stand model.Product
	s.Get(ctx, c.stand.ID, &stand)
	if stand.PriceMinor != 250000 {
		t.Errorf("a future price changed today's price: %d", stand.PriceMinor)
	}
	got, lines, _ := s.Proposal(ctx, p.ID)
	if chg, _ := s.PriceChanges(ctx, got, lines); len(chg) != 0 {
		t.Errorf("changes before the new price applies: %+v", chg)
	}

	// On 2 January the new price is in force and the proposal is flagged.
	*now = time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC)
	if n, err := s.ApplyDuePrices(ctx, model.MustDate("2027-01-02")); err != nil || n != 1 {
		t.Fatalf("applied %d, %v", n, err)
	}
	s.Get(ctx, c.stand.ID, &stand)
	if stand.PriceMinor != 275000 {
		t.Errorf("price today = %d", stand.PriceMinor)
	}
	using, err := s.ProposalsUsingProduct(ctx, c.stand.ID)
	if err != nil || len(using) != 1 || using[0].ID != p.ID {
		t.Errorf("open proposals using the stand = %v, %v", using, err)
	}
	chg, _ := s.PriceChanges(ctx, got, lines)
	if len(chg) != 1 || chg[0].LineID != lines[0].ID || chg[0].WasMinor != 250000 || chg[0].NowMinor != 275000 {
		t.Fatalf("changes = %+v", chg)
	}
	sums, _ := s.ProposalSummaries(ctx, false, model.Query{Where: "id = ?", Args: []any{p.ID}})
	if len(sums) != 1 || len(sums[0].Changes) != 1 {
		t.Errorf("summary does not flag the change: %+v", sums)
	}

	// Availability changes flag it too.
	catering := *c.catering
	s.Get(ctx, c.catering.ID, &catering)
	catering.Availability = model.Backorder
	if err := s.Update(ctx, &catering); err != nil {
		t.Fatal(err)
	}
	chg, _ = s.PriceChanges(ctx, got, lines)
	if len(chg) != 2 || !chg[1].Unavailable() || chg[1].PriceChanged() {
		t.Errorf("changes = %+v", chg)
	}

	// Updating the prices takes today's catalogue price and date.
	var applied []model.PriceChange
	if err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
		var err error
		applied, err = e.UpdatePrices()
		return err
	}); err != nil {
		t.Fatal(err)
	}
	got, lines, _ = s.Proposal(ctx, p.ID)
	if len(applied) != 1 || lines[0].UnitPriceMinor != 275000 || got.PricesAsOf != model.MustDate("2027-01-02") {
		t.Errorf("after update: applied %+v, lines %+v, prices as of %s", applied, lines, got.PricesAsOf)
	}
	chg, _ = s.PriceChanges(ctx, got, lines)
	if len(chg) != 1 || chg[0].PriceChanged() {
		t.Errorf("after update, changes = %+v (only the backorder should remain)", chg)
	}
}

func TestCatalogPrice(t *testing.T) {
	p := &model.Product{PriceMinor: 900, Currency: "EUR"}
	h := []*model.ProductPrice{
		{PriceMinor: 1000, Currency: "EUR", EffectiveFrom: model.MustDate("2026-01-01")},
		{PriceMinor: 1100, Currency: "EUR", EffectiveFrom: model.MustDate("2026-06-01")},
		{PriceMinor: 1150, Currency: "EUR", EffectiveFrom: model.MustDate("2026-06-01")}, // a later correction the same day
		{PriceMinor: 5, Currency: "USD", EffectiveFrom: model.MustDate("2026-07-01")},
	}
	tests := []struct {
		day  string
		want int64
	}{
		{"2025-12-31", 900}, {"2026-01-01", 1000}, {"2026-05-31", 1000}, {"2026-06-01", 1150}, {"2026-12-31", 1150},
	}
	for _, tc := range tests {
		t.Run(tc.day, func(t *testing.T) {
			if got := model.CatalogPrice(p, h, model.MustDate(tc.day)); got != tc.want {
				t.Errorf("price on %s = %d, want %d", tc.day, got, tc.want)
			}
		})
	}
}

func TestEditProposalKeepsIdentity(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	c := seedCatalogue(t, s)
	p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
		e.P.Number, e.P.Revision, e.P.Status, e.P.Title = "HACK", 9, model.ProposalAccepted, "Nouveau titre"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	got, _, _ := s.Proposal(ctx, p.ID)
	if got.Number != p.Number || got.Revision != 1 || got.Status != model.ProposalDraft || got.Title != "Nouveau titre" {
		t.Errorf("after edit: %+v", got)
	}
}

// TestPriceChangeSameDay: a proposal priced this morning is flagged by a
// price change made this afternoon, effective today; a negotiated line is not.
func TestPriceChangeSameDay(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	c := seedCatalogue(t, s)
	p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: c.acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error {
		if _, err := e.AddProduct(c.stand.ID, "", 1000); err != nil {
			return err
		}
		l, err := e.AddProduct(c.catering.ID, "", 1000)
		if err != nil {
			return err
		}
		l.UnitPriceMinor = 1500 // negotiated
		return e.SaveLine(l)
	}); err != nil {
		t.Fatal(err)
	}
	for _, pr := range []*model.Product{c.stand, c.catering} {
		if _, err := s.ChangePrice(ctx, pr.ID, pr.PriceMinor+100, model.MustDate("2026-11-27"), "correction"); err != nil {
			t.Fatal(err)
		}
	}
	got, lines, _ := s.Proposal(ctx, p.ID)
	chg, err := s.PriceChanges(ctx, got, lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(chg) != 1 || chg[0].SKU != "STD-9" || chg[0].LineMinor != 250000 || chg[0].NowMinor != 250100 {
		t.Errorf("changes = %+v", chg)
	}
}
