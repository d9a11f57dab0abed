package model_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

func TestContactRowsPagingFiltersAndSort(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	me := &model.TeamMember{Name: "Me", Role: model.RoleRep, TargetCurrency: "EUR"}
	food := &model.Account{Name: "Zinc Bistro", Segment: "Food"}
	retail := &model.Account{Name: "Atelier", Segment: "Retail"}
	modeltest.Create(t, s, me, food, retail)
	for i := 0; i < 250; i++ {
		c := &model.Contact{FirstName: fmt.Sprintf("F%03d", i), LastName: fmt.Sprintf("L%03d", 249-i), AccountID: food.ID}
		if i%2 == 0 {
			c.AccountID, c.OwnerID, c.Source, c.Tags = retail.ID, me.ID, "website", []string{"vip"}
		}
		modeltest.Create(t, s, c)
	}
	gone := &model.Contact{LastName: "AAA deleted"}
	modeltest.Create(t, s, gone)
	if err := s.Delete(ctx, model.KindContact, gone.ID); err != nil {
		t.Fatal(err)
	}
	db := s.DB()
	n, err := model.CountContacts(ctx, db, model.ListFilter{})
	if err != nil || n != 250 {
		t.Fatalf("count %d, %v", n, err)
	}
	var all []string
	for off := 0; off < n; off += 100 {
		rows, err := model.ContactRows(ctx, db, model.ListFilter{}, off, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			all = append(all, r.Name)
		}
	}
	if len(all) != 250 || all[0] != "F249 L000" || all[249] != "F000 L249" {
		t.Errorf("pages gave %d rows from %q to %q", len(all), all[0], all[len(all)-1])
	}
	rows, _ := model.ContactRows(ctx, db, model.ListFilter{}, 0, 1)
	if rows[0].Account != "Zinc Bistro" && rows[0].Account != "Atelier" {
		t.Errorf("row %+v lacks its account", rows[0])
	}
	for _, c := range []struct {
		name string
		f    model.ListFilter
		want int
	}{
		{"tag", model.ListFilter{Tag: "vip"}, 125},
		{"segment", model.ListFilter{Segment: "Food"}, 125},
		{"owner", model.ListFilter{OwnerID: me.ID}, 125},
		{"source", model.ListFilter{Source: "website"}, 125},
		{"all", model.ListFilter{Tag: "vip", Segment: "Retail", Source: "website", OwnerID: me.ID}, 125},
		{"none", model.ListFilter{Tag: "vip", Segment: "Food"}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			n, err := model.CountContacts(ctx, db, c.f)
			rows, err2 := model.ContactRows(ctx, db, c.f, 0, 500)
			if err != nil || err2 != nil || n != c.want || len(rows) != c.want {
				t.Errorf("count %d, rows %d, want %d (%v %v)", n, len(rows), c.want, err, err2)
			}
		})
	}
	tags, err := model.FilterValues(ctx, db, model.KindContact, "tags", 10)
	if err != nil || strings.Join(tags, ",") != "vip" {
		t.Errorf("tag values %v %v", tags, err)
	}
	segs, _ := model.FilterValues(ctx, db, model.KindAccount, "segment", 10)
	if strings.Join(segs, ",") != "Food,Retail" {
		t.Errorf("segments %v", segs)
	}
	if _, err := model.FilterValues(ctx, db, model.KindAccount, "name; DROP TABLE accounts", 10); err == nil {
		t.Error("an unknown field was accepted")
	}
}

func TestFollowUpsDue(t *testing.T) {
	ctx := context.Background()
	now := modeltest.Now
	s := modeltest.Open(t)
	stage := &model.Stage{Name: "Lead", Outcome: model.OutcomeOpen}
	c := &model.Contact{LastName: "Quiet"}
	modeltest.Create(t, s, stage, c)
	deal := func(title, contact string) *model.Deal {
		d := &model.Deal{Title: title, StageID: stage.ID, ContactID: contact, Currency: "EUR", Status: model.OutcomeOpen}
		modeltest.Create(t, s, d)
		return d
	}
	fresh, stale, viaContact, never := deal("fresh", ""), deal("stale", ""), deal("via contact", c.ID), deal("never", "")
	act := func(at time.Time, dealID, contactID string) {
		modeltest.Create(t, s, &model.Activity{Type: model.ActivityCall, At: at, Summary: "x", DealID: dealID, ContactID: contactID})
	}
	act(now.AddDate(0, 0, -2), fresh.ID, "")
	act(now.AddDate(0, 0, -30), stale.ID, "")
	act(now.AddDate(0, 0, -60), viaContact.ID, "")
	act(now.AddDate(0, 0, -1), "", c.ID) // news from the deal's contact counts
	_ = never                            // created at now: not quiet yet
	got, err := model.FollowUpsDue(ctx, s.DB(), now.AddDate(0, 0, -14), 10)
	if err != nil || len(got) != 1 || got[0].DealID != stale.ID || !got[0].LastActivity.Equal(now.AddDate(0, 0, -30)) {
		t.Fatalf("follow-ups %+v %v", got, err)
	}
	got, _ = model.FollowUpsDue(ctx, s.DB(), now.Add(time.Hour), 10)
	if len(got) != 4 || got[0].DealID != stale.ID || got[3].DealID != never.ID {
		t.Errorf("all deals quiet for an hour: %+v", got)
	}
}

func TestPipelineTotalsAndTeamStats(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	m := &model.TeamMember{Name: "Rep", Role: model.RoleRep, TargetCurrency: "EUR"}
	st := &model.Stage{Name: "Proposal", Outcome: model.OutcomeOpen, Probability: 50}
	modeltest.Create(t, s, m, st)
	modeltest.Create(t, s,
		&model.Deal{Title: "a", StageID: st.ID, AmountMinor: 10000, Currency: "EUR", Probability: 50, Status: model.OutcomeOpen, OwnerID: m.ID},
		&model.Deal{Title: "b", StageID: st.ID, AmountMinor: 3000, Currency: "EUR", Probability: 10, Status: model.OutcomeOpen, OwnerID: m.ID},
		&model.Deal{Title: "c", StageID: st.ID, AmountMinor: 700, Currency: "USD", Probability: 100, Status: model.OutcomeOpen},
		&model.Deal{Title: "won", StageID: st.ID, AmountMinor: 5000, Currency: "EUR", Status: model.OutcomeWon, OwnerID: m.ID, ClosedOn: model.MustDate("2026-11-03")},
		&model.Deal{Title: "old win", StageID: st.ID, AmountMinor: 9000, Currency: "EUR", Status: model.OutcomeWon, OwnerID: m.ID, ClosedOn: model.MustDate("2026-10-30")},
		&model.Task{Title: "late", Status: model.TaskOpen, Priority: 2, AssigneeID: m.ID, Due: modeltest.Now.AddDate(0, 0, -1)},
		&model.Task{Title: "later", Status: model.TaskOpen, Priority: 2, AssigneeID: m.ID, Due: modeltest.Now.AddDate(0, 0, 1)},
	)
	totals, err := model.PipelineTotals(ctx, s.DB())
	if err != nil || len(totals) != 2 {
		t.Fatalf("totals %+v %v", totals, err)
	}
	if e := totals[0]; e.Currency != "EUR" || e.Count != 2 || e.Amount != 13000 || e.Weighted != 5300 {
		t.Errorf("EUR %+v", e)
	}
	stats, err := model.TeamStats(ctx, s.DB(), modeltest.Now, model.MustDate("2026-11-01"))
	if err != nil {
		t.Fatal(err)
	}
	ms := stats[m.ID]
	if ms.OpenDeals != 2 || ms.OpenAmount["EUR"] != 13000 || ms.WonThisPeriod["EUR"] != 5000 || ms.OpenTasks != 2 || ms.OverdueTasks != 1 {
		t.Errorf("stats %+v", ms)
	}
}

func TestTrashLabelAndIsEmpty(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	if empty, err := model.IsEmpty(ctx, s.DB()); err != nil || !empty {
		t.Fatalf("new database: empty %v %v", empty, err)
	}
	a := &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon"}
	c := &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", Title: "Directrice"}
	modeltest.Create(t, s, a, c)
	if empty, _ := model.IsEmpty(ctx, s.DB()); empty {
		t.Error("a database with records reads as empty")
	}
	if l, err := model.Label(ctx, s.DB(), c.ID); err != nil || l != "Élodie Lefèvre — Directrice" {
		t.Errorf("label %q %v", l, err)
	}
	if l, err := model.Label(ctx, s.DB(), "nope"); err != nil || l != "" {
		t.Errorf("label of an unknown id %q %v", l, err)
	}
	for _, id := range []string{a.ID, c.ID} {
		if err := s.Write(ctx, func(tx *model.Tx) error {
			k := model.KindAccount
			if id == c.ID {
				k = model.KindContact
			}
			return tx.Delete(k, id)
		}); err != nil {
			t.Fatal(err)
		}
	}
	items, err := model.Trash(ctx, s.DB(), 10)
	if err != nil || len(items) != 2 {
		t.Fatalf("trash %+v %v", items, err)
	}
	if items[0].Kind != model.KindAccount && items[0].Kind != model.KindContact || items[0].Label == "" || items[0].DeletedAt.IsZero() {
		t.Errorf("item %+v", items[0])
	}
	if items, _ := model.Trash(ctx, s.DB(), 1); len(items) != 1 {
		t.Errorf("limit ignored: %d items", len(items))
	}
}
