package model_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"relais/model"
)

func zone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return l
}

func TestExpand(t *testing.T) {
	paris := zone(t, "Europe/Paris")
	weekly := &model.Appointment{Title: "Weekly", Start: time.Date(2026, 3, 16, 9, 0, 0, 0, paris).UTC(), End: time.Date(2026, 3, 16, 10, 0, 0, 0, paris).UTC(), TZ: "Europe/Paris", RRule: "FREQ=WEEKLY"}
	for _, tc := range []struct {
		name     string
		a        *model.Appointment
		from, to time.Time
		want     []time.Time
	}{
		{"keeps local time across DST", weekly, time.Date(2026, 3, 23, 0, 0, 0, 0, paris), time.Date(2026, 4, 6, 0, 0, 0, 0, paris),
			[]time.Time{time.Date(2026, 3, 23, 9, 0, 0, 0, paris), time.Date(2026, 3, 30, 9, 0, 0, 0, paris)}},
		{"exdate and rdate", func() *model.Appointment {
			a := *weekly
			a.ExDates = []string{time.Date(2026, 3, 23, 9, 0, 0, 0, paris).UTC().Format(time.RFC3339)}
			a.RDates = []string{time.Date(2026, 3, 25, 15, 0, 0, 0, paris).UTC().Format(time.RFC3339)}
			return &a
		}(), time.Date(2026, 3, 23, 0, 0, 0, 0, paris), time.Date(2026, 4, 1, 0, 0, 0, 0, paris),
			[]time.Time{time.Date(2026, 3, 25, 15, 0, 0, 0, paris), time.Date(2026, 3, 30, 9, 0, 0, 0, paris)}},
		{"count", &model.Appointment{Start: time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC), RRule: "FREQ=DAILY;COUNT=3"},
			time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
			[]time.Time{time.Date(2026, 1, 1, 8, 0, 0, 0, time.UTC), time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC), time.Date(2026, 1, 3, 8, 0, 0, 0, time.UTC)}},
		{"occurrence overlapping the start of the range", &model.Appointment{Start: time.Date(2026, 1, 1, 23, 0, 0, 0, time.UTC), End: time.Date(2026, 1, 2, 1, 0, 0, 0, time.UTC)},
			time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), time.Date(2026, 1, 3, 0, 0, 0, 0, time.UTC), []time.Time{time.Date(2026, 1, 1, 23, 0, 0, 0, time.UTC)}},
		{"all-day yearly on 29 February skips common years", &model.Appointment{AllDay: true, Start: time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), End: time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC), RRule: "FREQ=YEARLY"},
			time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2033, 1, 1, 0, 0, 0, 0, time.UTC), []time.Time{time.Date(2028, 2, 29, 0, 0, 0, 0, time.UTC), time.Date(2032, 2, 29, 0, 0, 0, 0, time.UTC)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := model.Expand(tc.a, tc.from, tc.to)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if !got[i].Equal(tc.want[i]) {
					t.Errorf("occurrence %d: %v, want %v", i, got[i], tc.want[i])
				}
			}
		})
	}
	if _, err := model.ParseRRule("FREQ=SECONDLY", time.Now()); err == nil {
		t.Error("FREQ=SECONDLY accepted")
	}
	if _, err := model.ParseRRule("FREQ=WEEKLY;BYDAY=XX", time.Now()); err == nil {
		t.Error("BYDAY=XX accepted")
	}
}

func TestOccurrencesOverridesAndFilters(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	paris := zone(t, "Europe/Paris")
	ev := &model.Event{Name: "Interpack", Type: "trade_show", StartDate: model.MustDate("2026-12-01"), TZ: "America/New_York", Currency: "EUR", Status: "planned"}
	mustCreate(t, s, ev)
	series := &model.Appointment{UID: "s", Title: "Standup", Start: time.Date(2026, 11, 30, 9, 0, 0, 0, paris).UTC(), End: time.Date(2026, 11, 30, 9, 15, 0, 0, paris).UTC(), TZ: "Europe/Paris", RRule: "FREQ=DAILY;COUNT=5", Calendar: "Team"}
	moved := &model.Appointment{UID: "s", Title: "Standup (moved)", Start: time.Date(2026, 12, 1, 11, 0, 0, 0, paris).UTC(), End: time.Date(2026, 12, 1, 11, 15, 0, 0, paris).UTC(), TZ: "Europe/Paris", RecurrenceID: time.Date(2026, 12, 1, 9, 0, 0, 0, paris).UTC(), Calendar: "Team"}
	gone := &model.Appointment{UID: "s", Title: "Standup", Start: time.Date(2026, 12, 2, 9, 0, 0, 0, paris).UTC(), End: time.Date(2026, 12, 2, 9, 15, 0, 0, paris).UTC(), TZ: "Europe/Paris", RecurrenceID: time.Date(2026, 12, 2, 9, 0, 0, 0, paris).UTC(), Status: "cancelled", Calendar: "Team"}
	booth := &model.Appointment{UID: "b", Title: "Booth meeting", Start: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC), TZ: "Europe/Paris", EventID: ev.ID, Calendar: "Shows"}
	mustCreate(t, s, series, moved, gone, booth)

	from, to := model.WeekRange(time.Date(2026, 12, 2, 12, 0, 0, 0, paris), paris, time.Monday)
	if !from.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, paris)) || !to.Equal(time.Date(2026, 12, 7, 0, 0, 0, 0, paris)) {
		t.Fatalf("week %v – %v", from, to)
	}
	occ, err := model.Occurrences(ctx, s.DB(), from, to, model.CalendarFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range occ {
		got = append(got, o.Start.In(paris).Format("Mon 15:04 ")+o.Appt.Title+" "+o.EventTZ)
	}
	want := []string{"Mon 09:00 Standup ", "Tue 11:00 Standup (moved) ", "Tue 16:00 Booth meeting America/New_York", "Thu 09:00 Standup ", "Fri 09:00 Standup "}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("week view:\n got %q\nwant %q", got, want)
	}
	occ, _ = model.Occurrences(ctx, s.DB(), from, to, model.CalendarFilter{Calendars: []string{"Shows"}})
	if len(occ) != 1 || occ[0].Appt.Title != "Booth meeting" {
		t.Fatalf("filtered to Shows: %d occurrences", len(occ))
	}
	occ, _ = model.Occurrences(ctx, s.DB(), from, to, model.CalendarFilter{Calendars: []string{}})
	if len(occ) != 0 {
		t.Fatalf("every calendar hidden, still %d occurrences", len(occ))
	}
	mf, mt := model.MonthRange(time.Date(2026, 12, 15, 0, 0, 0, 0, paris), paris, time.Monday)
	if !mf.Equal(time.Date(2026, 11, 30, 0, 0, 0, 0, paris)) || !mt.Equal(time.Date(2027, 1, 4, 0, 0, 0, 0, paris)) {
		t.Fatalf("month grid %v – %v", mf, mt)
	}
}

func TestDoubleBookings(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	m := &model.TeamMember{Name: "Claire", Role: model.RoleRep, TargetCurrency: "EUR"}
	o := &model.TeamMember{Name: "Paul", Role: model.RoleRep, TargetCurrency: "EUR"}
	mustCreate(t, s, m, o)
	ev := &model.Event{Name: "Fair", Type: "trade_show", StartDate: model.MustDate("2026-12-01"), Currency: "EUR", Status: "planned"}
	mustCreate(t, s, ev)
	day := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	mustCreate(t, s,
		&model.Appointment{UID: "1", Title: "Client A", Start: day.Add(9 * time.Hour), End: day.Add(10 * time.Hour), OwnerID: m.ID},
		&model.Appointment{UID: "2", Title: "Client B", Start: day.Add(9*time.Hour + 30*time.Minute), End: day.Add(11 * time.Hour), OwnerID: o.ID, Attendees: []string{"member:" + m.ID}},
		&model.Appointment{UID: "3", Title: "Back to back", Start: day.Add(11 * time.Hour), End: day.Add(12 * time.Hour), OwnerID: m.ID},
		&model.Appointment{UID: "4", Title: "Holiday", Start: day, End: day.Add(24 * time.Hour), AllDay: true, OwnerID: m.ID},
		&model.RotaShift{EventID: ev.ID, MemberID: o.ID, Start: day.Add(10 * time.Hour), End: day.Add(14 * time.Hour), Role: "booth"},
	)
	clashes, err := model.DoubleBookings(ctx, s.DB(), day, day.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range clashes {
		who := "Claire"
		if c.MemberID == o.ID {
			who = "Paul"
		}
		got = append(got, who+": "+c.First.Title+" × "+c.Second.Title)
	}
	want := map[string]bool{"Claire: Client A × Client B": true, "Paul: Client B × booth": true}
	if len(got) != len(want) {
		t.Fatalf("clashes %q, want %v", got, want)
	}
	for _, g := range got {
		if !want[g] {
			t.Errorf("unexpected clash %q", g)
		}
	}
	// Before saving a new appointment: it would clash with Client A and B.
	next := &model.Appointment{UID: "5", Title: "New", Start: day.Add(9*time.Hour + 45*time.Minute), End: day.Add(10*time.Hour + 15*time.Minute), OwnerID: m.ID}
	cs, err := model.ClashesFor(ctx, s.DB(), next)
	if err != nil || len(cs) != 2 {
		t.Fatalf("ClashesFor: %v %+v", err, cs)
	}
}

func TestDatedItemsAndReminders(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acc := &model.Account{Name: "ACME"}
	st := &model.Stage{Name: "Lead", Outcome: model.OutcomeOpen}
	mustCreate(t, s, acc, st)
	mustCreate(t, s,
		&model.Task{Title: "Call back", Due: time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC), Priority: model.PriorityNormal, Status: model.TaskOpen},
		&model.Task{Title: "Done already", Due: time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC), Priority: model.PriorityNormal, Status: model.TaskDone},
		&model.ClientIssue{Title: "Late pallet", Type: model.IssueLateDelivery, AccountID: acc.ID, Department: "logistics", Priority: model.PriorityHigh, Status: "open", Due: model.MustDate("2026-12-03")},
		&model.Deal{Title: "Big order", StageID: st.ID, Currency: "EUR", Status: model.OutcomeOpen, ExpectedClose: model.MustDate("2026-12-04")},
		&model.Appointment{UID: "r", Title: "Demo", Start: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 2, 11, 0, 0, 0, time.UTC), Alarms: []string{"-PT15M", "-P1D"}},
	)
	items, err := model.DatedItems(ctx, s.DB(), model.MustDate("2026-11-30"), model.MustDate("2026-12-06"), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 3 || items[0].What != "task_due" || items[1].What != "issue_due" || items[2].What != "deal_close" {
		t.Fatalf("dated items %+v", items)
	}
	rem, err := model.DueReminders(ctx, s.DB(), time.Date(2026, 12, 2, 9, 40, 0, 0, time.UTC), time.Date(2026, 12, 2, 9, 50, 0, 0, time.UTC))
	if err != nil || len(rem) != 1 || !rem[0].At.Equal(time.Date(2026, 12, 2, 9, 45, 0, 0, time.UTC)) {
		t.Fatalf("reminders %v %+v", err, rem)
	}
	for in, want := range map[string]time.Duration{"-PT15M": -15 * time.Minute, "-P1DT2H": -26 * time.Hour, "PT0S": 0, "-P1W": -7 * 24 * time.Hour} {
		if d, err := model.ParseAlarm(in); err != nil || d != want {
			t.Errorf("ParseAlarm(%q) = %v, %v", in, d, err)
		}
	}
	if _, err := model.ParseAlarm("15 minutes"); err == nil {
		t.Error("ParseAlarm accepted nonsense")
	}
}

func TestCalendarSettings(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	mustCreate(t, s, &model.Appointment{UID: "x", Title: "x", Start: fixedNow, End: fixedNow, Calendar: "Salons"})
	if err := s.SetCalendarHidden(ctx, "Équipe", true); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Calendars(ctx)
	if err != nil || len(cs) != 2 || cs[0].Name != "Équipe" || !cs[0].Hidden || cs[1].Name != "Salons" || cs[1].Color == "" {
		t.Fatalf("calendars %+v %v", cs, err)
	}
	vis, _ := s.VisibleCalendars(ctx)
	if len(vis) != 1 || vis[0] != "Salons" {
		t.Fatalf("visible %v", vis)
	}
}

// BenchmarkWeekView500 measures the data a week view needs with 500
// appointments in the store, a tenth of them recurring (target ≤ 20 ms).
func BenchmarkWeekView500(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b)
	paris := zone(b, "Europe/Paris")
	members := make([]*model.TeamMember, 5)
	for i := range members {
		members[i] = &model.TeamMember{Name: fmt.Sprintf("Rep %d", i), Role: model.RoleRep, TargetCurrency: "EUR"}
		mustCreate(b, s, members[i])
	}
	err := s.Write(ctx, func(tx *model.Tx) error {
		start := time.Date(2026, 10, 1, 8, 0, 0, 0, paris)
		for i := 0; i < 500; i++ {
			st := start.Add(time.Duration(i*7) * time.Hour)
			a := &model.Appointment{UID: fmt.Sprint(i), Title: fmt.Sprintf("Meeting %d", i), Start: st.UTC(), End: st.Add(time.Hour).UTC(), TZ: "Europe/Paris",
				OwnerID: members[i%5].ID, Calendar: fmt.Sprintf("Cal %d", i%4)}
			if i%10 == 0 {
				a.RRule = "FREQ=WEEKLY;BYDAY=MO,WE"
			}
			if err := tx.Create(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	from, to := model.WeekRange(time.Date(2026, 11, 4, 0, 0, 0, 0, paris), paris, time.Monday)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		occ, err := model.Occurrences(ctx, s.DB(), from, to, model.CalendarFilter{Calendars: []string{"Cal 0", "Cal 1", "Cal 2", "Cal 3"}})
		if err != nil || len(occ) < 40 {
			b.Fatalf("%d occurrences, %v", len(occ), err)
		}
		if _, err := model.DatedItems(ctx, s.DB(), model.DateOf(from), model.DateOf(to), paris); err != nil {
			b.Fatal(err)
		}
		if _, err := model.DoubleBookings(ctx, s.DB(), from, to); err != nil {
			b.Fatal(err)
		}
	}
}
