package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/ical"
)

// chipTexts lists the texts of the appointment chips in a widget tree.
func chipTexts(o fyne.CanvasObject) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *apptChip:
			out = append(out, x.text)
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		}
	}
	walk(o)
	return out
}

func findChip(t *testing.T, o fyne.CanvasObject, prefix string) *apptChip {
	t.Helper()
	var found *apptChip
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *apptChip:
			if strings.HasPrefix(x.text, prefix) && found == nil {
				found = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case *container.Scroll:
			walk(x.Content)
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no chip %q among %q", prefix, chipTexts(o))
	}
	return found
}

func TestCalendarWeekAndMonth(t *testing.T) {
	var f *fixture
	paris, _ := time.LoadLocation("Europe/Paris")
	a, st := openApp(t, "fr", func(s *model.Store) {
		f = loadFixture(t, s)
		monday := time.Date(2026, 11, 23, 9, 0, 0, 0, paris)
		first := time.Date(2026, 11, 2, 9, 0, 0, 0, paris)
		ev := &model.Event{Name: "Salon Pack Expo", Type: "trade_show", StartDate: model.MustDate("2026-11-27"), TZ: "America/New_York", Currency: "EUR", Status: "planned"}
		modeltest.Create(t, s, ev)
		modeltest.Create(t, s,
			&model.Appointment{UID: "weekly", Title: "Réunion d'équipe", Start: first.UTC(), End: first.Add(time.Hour).UTC(), TZ: "Europe/Paris", RRule: "FREQ=WEEKLY",
				OwnerID: f.me.ID, Calendar: "Équipe"},
			&model.Appointment{UID: "clash", Title: "Appel Acme", Start: monday.Add(30 * time.Minute).UTC(), End: monday.Add(90 * time.Minute).UTC(), OwnerID: f.me.ID, Calendar: "Équipe"},
			&model.Appointment{UID: "booth", Title: "Rendez-vous stand", Start: time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 27, 16, 0, 0, 0, time.UTC),
				TZ: "Europe/Paris", EventID: ev.ID, Calendar: "Salons"},
		)
	})
	a.show("calendar")
	a.settle()
	s := a.current.(*calendarScreen)
	s.view.SetValue(viewWeek)
	a.settle()
	texts := strings.Join(chipTexts(s.body), " | ")
	for _, want := range []string{"Réunion d'équipe", "Appel Acme", "Rendez-vous stand", "Visit Fromagerie Lefèvre", "À faire : Call Atelier Nord"} {
		if !strings.Contains(texts, want) {
			t.Errorf("week view lacks %q: %s", want, texts)
		}
	}
	if c := findChip(t, s.body, "Appel Acme"); !c.clash {
		t.Error("the double booking is not outlined")
	}
	if c := findChip(t, s.body, "Rendez-vous stand"); !strings.Contains(c.sub, "salon 10:00") {
		t.Errorf("the trade-show appointment does not show the show's time: %q", c.sub)
	}
	if len(s.data.clashes) != 1 {
		t.Errorf("%d double bookings, want 1", len(s.data.clashes))
	}
	// Hide a calendar.
	if err := st.SetCalendarHidden(t.Context(), "Salons", true); err != nil {
		t.Fatal(err)
	}
	s.reload()
	a.settle()
	if strings.Contains(strings.Join(chipTexts(s.body), "|"), "Rendez-vous stand") {
		t.Error("a hidden calendar is still shown")
	}
	// Month view shows the weekly meeting on each Monday of the grid.
	s.view.SetValue(viewMonth)
	a.settle()
	n := 0
	for _, x := range chipTexts(s.body) {
		if strings.HasSuffix(x, "Réunion d'équipe") {
			n++
		}
	}
	if n < 4 {
		t.Errorf("month view shows the weekly meeting %d times", n)
	}
	if !strings.Contains(s.period.Text, "Novembre 2026") {
		t.Errorf("period %q", s.period.Text)
	}
}

func TestCalendarCreateAndEditOccurrence(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.show("calendar")
	a.settle()
	s := a.current.(*calendarScreen)
	press(t, a, fyne.KeyN)
	if s.form == nil {
		t.Fatal("Ctrl+N did not open the appointment form")
	}
	in := &s.in
	typeInto(a, in.title, "Demo at Acme")
	in.startDate.SetText("2026-11-30")
	in.endDate.SetText("2026-11-30")
	in.startTime.SetText("9:30")
	in.endTime.SetText("10:30")
	in.zone.SetValue("Europe/Paris")
	in.repeat.SetValue("WEEKLY")
	in.ends.SetValue("count")
	in.count.SetText("4")
	in.reminder.SetValue("-PT15M")
	s.addAttendee("contact:" + f.elodie.ID)
	a.settle()
	press(t, a, fyne.KeyS)
	if s.form != nil {
		t.Fatalf("the form stayed open: %q %q", s.form.general.Text, s.form.message("start_time"))
	}
	got, err := model.List[model.Appointment](t.Context(), st.DB(), model.Query{Where: "title = ?", Args: []any{"Demo at Acme"}})
	if err != nil || len(got) != 1 {
		t.Fatalf("saved %d appointments (%v)", len(got), err)
	}
	ap := got[0]
	paris, _ := time.LoadLocation("Europe/Paris")
	if !ap.Start.Equal(time.Date(2026, 11, 30, 9, 30, 0, 0, paris)) || ap.RRule != "FREQ=WEEKLY;COUNT=4" || ap.TZ != "Europe/Paris" || len(ap.Alarms) != 1 {
		t.Fatalf("saved %+v", ap)
	}
	inv, _ := ical.Invitations(t.Context(), st.DB(), false)
	if len(inv) != 1 || inv[0].Method != "REQUEST" {
		t.Fatalf("invitations queued: %+v", inv)
	}
	// Move the second occurrence only.
	occ := ap.Start.AddDate(0, 0, 7)
	s.startForm(ap, occ, "occurrence")
	s.in.startTime.SetText("14:00")
	s.in.endTime.SetText("15:00")
	a.settle()
	s.save()
	a.settle()
	rows, _ := model.List[model.Appointment](t.Context(), st.DB(), model.Query{Where: "uid = ?", Args: []any{ap.UID}, OrderBy: "recurrence_id IS NOT NULL"})
	if len(rows) != 2 || !rows[1].RecurrenceID.Equal(occ) || rows[1].Start.In(paris).Hour() != 14 || rows[1].RRule != "" {
		t.Fatalf("override: %d rows %+v", len(rows), rows)
	}
	// A bad time is explained beside its input and nothing is saved.
	press(t, a, fyne.KeyN)
	typeInto(a, s.in.title, "Broken")
	s.in.startTime.SetText("25:99")
	press(t, a, fyne.KeyS)
	if s.form == nil || s.form.message("start_time") == "" {
		t.Fatal("a bad time was not reported beside its input")
	}
}
