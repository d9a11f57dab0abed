package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"relais/model"
)

func column(t *testing.T, s *pipelineScreen, stageID string) *stageColumn {
	t.Helper()
	for _, c := range s.columns {
		if c.stage.ID == stageID {
			return c
		}
	}
	t.Fatalf("no column for stage %s", stageID)
	return nil
}

func TestPipelineColumnsAndTotals(t *testing.T) {
	var f *fixture
	a, _ := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.show("pipeline")
	a.settle()
	s := a.current.(*pipelineScreen)
	if len(s.columns) != 4 {
		t.Fatalf("%d columns, want the 4 open stages", len(s.columns))
	}
	prop := column(t, s, f.stages[2].ID)
	if prop.head.Text != "Proposal sent (1)" {
		t.Errorf("header %q", prop.head.Text)
	}
	if prop.totals.Text != "€48k\nweighted €24k" {
		t.Errorf("totals %q", prop.totals.Text)
	}
	if s.summary.Text != "2 open deals · €51k · weighted €24k" {
		t.Errorf("summary %q", s.summary.Text)
	}
}

func TestMoveDealBetweenStages(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindDeal, f.smallDeal.ID)
	a.settle()
	s := a.current.(*pipelineScreen)
	if s.cur == nil || s.cur.ID != f.smallDeal.ID {
		t.Fatal("the deal did not open")
	}
	s.move.SetSelected("Negotiation")
	a.settle()
	var d model.Deal
	if err := st.Get(t.Context(), f.smallDeal.ID, &d); err != nil {
		t.Fatal(err)
	}
	if d.StageID != f.stages[3].ID || d.Probability != 75 {
		t.Errorf("after the move: stage %s probability %d", d.StageID, d.Probability)
	}
	if n := column(t, s, f.stages[0].ID).pages.Len(); n != 0 {
		t.Errorf("Lead still holds %d deals", n)
	}
	neg := column(t, s, f.stages[3].ID)
	if got, ok := neg.pages.Get(0); !ok || got.ID != f.smallDeal.ID {
		t.Errorf("Negotiation does not show the deal")
	}
	if neg.head.Text != "Negotiation (1)" {
		t.Errorf("header %q", neg.head.Text)
	}
}

func TestMarkDealWonAndLost(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindDeal, f.bigDeal.ID)
	a.settle()
	s := a.current.(*pipelineScreen)
	s.markWon()
	a.settle()
	var d model.Deal
	st.Get(t.Context(), f.bigDeal.ID, &d)
	if d.Status != model.OutcomeWon || d.ClosedOn.String() != "2026-11-27" || d.StageID != f.stages[4].ID {
		t.Errorf("won deal: %+v", d)
	}

	a.Open(model.KindDeal, f.smallDeal.ID)
	a.settle()
	s.askLost()
	press(t, a, fyne.KeyS) // no reason given
	if got := s.form.message("lost_reason"); got != "Say why the deal was lost." {
		t.Errorf("message %q", got)
	}
	st.Get(t.Context(), f.smallDeal.ID, &d)
	if d.Status != model.OutcomeOpen {
		t.Fatal("the deal was marked lost without a reason")
	}
	typeInto(a, s.reason, "Went with a cheaper supplier")
	press(t, a, fyne.KeyS)
	st.Get(t.Context(), f.smallDeal.ID, &d)
	if d.Status != model.OutcomeLost || d.LostReason != "Went with a cheaper supplier" || d.StageID != f.stages[5].ID {
		t.Errorf("lost deal: %+v", d)
	}
	if len(s.columns) != 4 || column(t, s, f.stages[0].ID).pages.Len() != 0 {
		t.Error("the lost deal is still on the board")
	}
}

func TestNewDealForm(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "fr", func(s *model.Store) { f = loadFixture(t, s) })
	a.show("pipeline")
	a.settle()
	s := a.current.(*pipelineScreen)
	press(t, a, fyne.KeyN)
	typeInto(a, s.in.title, "Four mixte pour la cantine")
	typeInto(a, s.in.amount, "12 500,50")
	typeInto(a, s.in.expected, "31/02/2027")
	if got := s.form.message("expected_close"); got != "Saisissez une date, par exemple 31/12/2026." {
		t.Errorf("message beside a bad date = %q", got)
	}
	s.in.expected.SetText("")
	typeInto(a, s.in.expected, "15/01/2027")
	typeInto(a, s.in.account.entry, "fromagerie")
	s.in.account.choose(0)
	press(t, a, fyne.KeyS)
	if s.form != nil {
		t.Fatalf("not saved: %q", s.form.general.Text)
	}
	ds, _ := model.List[model.Deal](t.Context(), st.DB(), model.Query{Where: "title = ?", Args: []any{"Four mixte pour la cantine"}})
	if len(ds) != 1 {
		t.Fatal("deal not stored")
	}
	d := ds[0]
	if d.AmountMinor != 1250050 || d.Currency != "EUR" || d.ExpectedClose.String() != "2027-01-15" || d.AccountID != f.bio.ID ||
		d.StageID != f.stages[0].ID || d.Probability != 10 || d.Status != model.OutcomeOpen {
		t.Errorf("stored %+v", d)
	}
}
