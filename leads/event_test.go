package leads

import (
	"context"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

func TestApplyTemplate(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	modeltest.Create(t, sh.s, &model.EventItem{EventID: sh.ev.ID, Title: "Order catering", Status: "done", Position: 7})
	added, err := ApplyTemplate(ctx, sh.s, sh.ev.ID, sh.me.ID, sh.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(added) != len(Templates[TypeTradeShow])-1 {
		t.Fatalf("%d items added", len(added))
	}
	byTitle := map[string]*model.EventItem{}
	for _, it := range added {
		byTitle[it.Title] = it
		if it.OwnerID != sh.me.ID || it.Status != "todo" || it.Position <= 7 {
			t.Errorf("item %+v", it)
		}
	}
	if it := byTitle["Book the venue or stand space"]; it == nil || it.Due != model.MustDate("2026-07-29") || it.Category != "venue" {
		t.Errorf("venue item %+v", it)
	}
	if it := byTitle["Ship the booth back"]; it == nil || it.Due != model.MustDate("2026-12-03") || it.Category != "shipping" {
		t.Errorf("return shipment %+v (due 3 days after the end)", it)
	}
	if _, ok := byTitle["Order catering"]; ok {
		t.Error("an item the checklist had was added again")
	}
	again, err := ApplyTemplate(ctx, sh.s, sh.ev.ID, sh.me.ID, sh.cfg)
	if err != nil || len(again) != 0 {
		t.Errorf("applying twice added %d items (%v)", len(again), err)
	}
	b, err := EventBudget(ctx, sh.s.DB(), sh.ev)
	if err != nil || b.Total != len(Templates[TypeTradeShow]) || b.Done != 1 {
		t.Errorf("budget %+v %v", b, err)
	}
}

func TestOverdueItems(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	cancelled := &model.Event{Name: "Salon annulé", Type: TypeTradeShow, StartDate: model.MustDate("2026-12-10"), Currency: "EUR", Status: "cancelled"}
	over := &model.Event{Name: "Salon terminé", Type: TypeTradeShow, StartDate: model.MustDate("2026-03-10"), Currency: "EUR", Status: "done"}
	modeltest.Create(t, sh.s, cancelled, over)
	late := &model.EventItem{EventID: sh.ev.ID, Title: "Ship the booth out", Due: model.MustDate("2026-11-20"), Status: "doing", PlannedCostMinor: 120000}
	later := &model.EventItem{EventID: sh.ev.ID, Title: "Print brochures", Due: model.MustDate("2026-11-26"), Status: "todo"}
	modeltest.Create(t, sh.s, late, later,
		&model.EventItem{EventID: sh.ev.ID, Title: "Badges", Due: model.MustDate("2026-11-01"), Status: "done"},
		&model.EventItem{EventID: sh.ev.ID, Title: "Due today", Due: model.MustDate("2026-11-27"), Status: "todo"},
		&model.EventItem{EventID: sh.ev.ID, Title: "No date", Status: "todo"},
		&model.EventItem{EventID: cancelled.ID, Title: "Of a cancelled show", Due: model.MustDate("2026-11-02"), Status: "todo"},
		&model.EventItem{EventID: over.ID, Title: "Of a show marked done", Due: model.MustDate("2026-03-20"), Status: "doing"})
	got, err := OverdueItems(ctx, sh.s.DB(), model.MustDate("2026-11-27"), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Item.ID != late.ID || got[1].Item.ID != later.ID || got[0].EventName != "SIRHA Lyon" {
		t.Errorf("overdue %+v", got)
	}
}

func TestClashes(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, paris) }
	rep := &model.TeamMember{Name: "Hugo Bernard", Role: model.RoleRep, TargetCurrency: "EUR", Active: true}
	modeltest.Create(t, sh.s, rep)
	morning := &model.RotaShift{EventID: sh.ev.ID, MemberID: sh.me.ID, Start: at(27, 9), End: at(27, 13)}
	afternoon := &model.RotaShift{EventID: sh.ev.ID, MemberID: rep.ID, Start: at(27, 13), End: at(27, 17)}
	other := &model.Event{Name: "Autre salon", Type: TypeTradeShow, StartDate: model.MustDate("2026-11-27"), Currency: "EUR", Status: "planned"}
	modeltest.Create(t, sh.s, morning, afternoon, other)
	double := &model.RotaShift{EventID: other.ID, MemberID: rep.ID, Start: at(27, 16), End: at(27, 18)}
	owned := &model.Appointment{Title: "Call with the bank", Start: at(27, 11), End: at(27, 12), OwnerID: sh.me.ID}
	invited := &model.Appointment{Title: "Supplier visit", Start: at(27, 14), End: at(27, 15), Attendees: []string{"mailto:x@y.example", "member:" + rep.ID}}
	boothMeeting := &model.Appointment{Title: "Booth meeting", Start: at(27, 10), End: at(27, 11), OwnerID: sh.me.ID, EventID: sh.ev.ID, Location: "Hall 4 — stand B12"}
	cancelled := &model.Appointment{Title: "Cancelled", Start: at(27, 9), End: at(27, 10), OwnerID: sh.me.ID, Status: "cancelled"}
	adjacent := &model.Appointment{Title: "Breakfast", Start: at(27, 8), End: at(27, 9), OwnerID: sh.me.ID}
	someoneElse := &model.Appointment{Title: "Not ours", Start: at(27, 10), End: at(27, 11), OwnerID: rep.ID}
	// A weekly review that began a month ago: today's occurrence clashes.
	weekly := &model.Appointment{Title: "Weekly review", Start: at(27, 15).AddDate(0, 0, -28), End: at(27, 16).AddDate(0, 0, -28),
		TZ: "Europe/Paris", RRule: "FREQ=WEEKLY", OwnerID: rep.ID}
	modeltest.Create(t, sh.s, double, owned, invited, boothMeeting, cancelled, adjacent, someoneElse, weekly)
	got, err := Clashes(ctx, sh.s.DB(), sh.ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range got {
		what := "shift"
		if c.Appointment != nil {
			what = c.Appointment.Title
		}
		lines = append(lines, c.Shift.MemberID[:4]+"/"+what)
	}
	want := []string{sh.me.ID[:4] + "/Call with the bank", rep.ID[:4] + "/Supplier visit", rep.ID[:4] + "/Weekly review", rep.ID[:4] + "/shift"}
	if strings.Join(lines, ",") != strings.Join(want, ",") {
		t.Errorf("clashes %v, want %v", lines, want)
	}
	if len(got) == 4 && (got[3].Other == nil || got[3].Other.ID != double.ID) {
		t.Errorf("double booking not named: %+v", got[3])
	}
	if len(got) == 4 && !got[2].Appointment.Start.Equal(at(27, 15)) {
		t.Errorf("the weekly review clashes at %v, want this week's occurrence", got[2].Appointment.Start)
	}
}

func TestBookAndUnbook(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	slots, err := AddSlots(ctx, sh.s, sh.ev.ID, model.MustDate("2026-11-27"), "09:00", "10:30", 30*time.Minute, "Booth meeting")
	if err != nil || len(slots) != 3 {
		t.Fatalf("slots %d %v", len(slots), err)
	}
	if got := slots[0].Start.UTC().Format(time.RFC3339); got != "2026-11-27T08:00:00Z" || slots[2].End.UTC().Hour() != 9 || slots[2].End.UTC().Minute() != 30 {
		t.Errorf("first slot at %s", got)
	}
	ap, err := Book(ctx, sh.s, slots[1].ID, sh.john.ID, sh.me.ID)
	if err != nil {
		t.Fatal(err)
	}
	stored := &model.Appointment{}
	if err := sh.s.Get(ctx, ap.ID, stored); err != nil {
		t.Fatal(err)
	}
	if stored.EventID != sh.ev.ID || stored.ContactID != sh.john.ID || stored.AccountID != sh.acme.ID || stored.OwnerID != sh.me.ID ||
		!stored.Start.Equal(slots[1].Start) || stored.TZ != "Europe/Paris" || stored.Status != "confirmed" || stored.UID == "" ||
		stored.Title != "Booth meeting — John Smith" || stored.Location != "Hall 4 — stand B12, Eurexpo Lyon" ||
		strings.Join(stored.Attendees, " ") != "contact:"+sh.john.ID+" member:"+sh.me.ID {
		t.Errorf("appointment %+v", stored)
	}
	sl := &model.AgendaSlot{}
	sh.s.Get(ctx, slots[1].ID, sl)
	if sl.AppointmentID != ap.ID || sl.ContactID != sh.john.ID || sl.MemberID != sh.me.ID {
		t.Errorf("slot %+v", sl)
	}
	// Rebooking with someone else moves the same appointment and raises its sequence.
	ap2, err := Book(ctx, sh.s, slots[1].ID, sh.elodie.ID, "")
	if err != nil || ap2.ID != ap.ID || ap2.Sequence != 1 || ap2.ContactID != sh.elodie.ID || ap2.AccountID != "" {
		t.Errorf("rebooked %+v %v", ap2, err)
	}
	if _, err := Book(ctx, sh.s, slots[0].ID, "", ""); err == nil {
		t.Error("booked with nobody")
	}
	if err := Unbook(ctx, sh.s, slots[1].ID); err != nil {
		t.Fatal(err)
	}
	sh.s.Get(ctx, ap.ID, stored)
	sh.s.Get(ctx, slots[1].ID, sl)
	if stored.Status != "cancelled" || stored.Sequence != 2 || sl.AppointmentID != "" || sl.ContactID != "" {
		t.Errorf("after unbooking: appointment %s/%d, slot %+v", stored.Status, stored.Sequence, sl)
	}
	if _, err := AddSlots(ctx, sh.s, sh.ev.ID, model.MustDate("2026-11-27"), "10:00", "9h", time.Hour, "x"); err == nil || !strings.Contains(err.Error(), "9h") {
		t.Errorf("bad time: %v", err)
	}
}

func TestFindEventAndDays(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	again := &model.Event{Name: "SIRHA Lyon", Type: TypeTradeShow, StartDate: model.MustDate("2028-01-20"), Currency: "EUR", Status: "planned"}
	modeltest.Create(t, sh.s, again, &model.Event{Name: "Equip'Hôtel Paris", Type: TypeTradeShow, StartDate: model.MustDate("2026-11-02"), Currency: "EUR", Status: "done"})
	if ev, err := FindEvent(ctx, sh.s, sh.ev.ID); err != nil || ev.ID != sh.ev.ID {
		t.Errorf("by id: %v", err)
	}
	if ev, err := FindEvent(ctx, sh.s, "equip'hotel"); err != nil || ev.Name != "Equip'Hôtel Paris" {
		t.Errorf("by prefix without accents: %+v %v", ev, err)
	}
	if _, err := FindEvent(ctx, sh.s, "sirha lyon"); err == nil || !strings.Contains(err.Error(), "2 events") || !strings.Contains(err.Error(), again.ID) {
		t.Errorf("ambiguous: %v", err)
	}
	if _, err := FindEvent(ctx, sh.s, "Nowhere"); err == nil || !strings.Contains(err.Error(), `no event is named "Nowhere"`) {
		t.Errorf("unknown: %v", err)
	}
	days := Days(sh.ev)
	if len(days) != 5 || days[0] != sh.ev.StartDate || days[4] != sh.ev.EndDate {
		t.Errorf("days %v", days)
	}
}
