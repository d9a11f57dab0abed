package ical_test

import (
	"bytes"
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/ical"
)

// people creates the same team member and contact (same ids) in a store.
func people(t testing.TB, s *model.Store) (member *model.TeamMember, contact *model.Contact) {
	t.Helper()
	member = &model.TeamMember{Meta: model.Meta{ID: "0190a000-0000-7000-8000-000000000001"}, Name: "Claire Martin", Email: "claire@relais.example", Role: model.RoleRep, TargetCurrency: "EUR", Active: true}
	contact = &model.Contact{Meta: model.Meta{ID: "0190a000-0000-7000-8000-000000000002"}, FirstName: "Jürgen", LastName: "Müller", Emails: []string{"jm@kunde.example"}}
	modeltest.Create(t, s, member, contact)
	return member, contact
}

func mustZone(t testing.TB, name string) *time.Location {
	t.Helper()
	l, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// sampleAppointments covers what an export must carry: zones with and
// without DST, all-day, RRULE with UNTIL and COUNT, EXDATE, RDATE, an
// overridden occurrence, attendees, reminders and links.
func sampleAppointments(t testing.TB, member *model.TeamMember, contact *model.Contact) []*model.Appointment {
	paris, ny, tokyo := mustZone(t, "Europe/Paris"), mustZone(t, "America/New_York"), mustZone(t, "Asia/Tokyo")
	weeklyStart := time.Date(2026, 3, 2, 9, 0, 0, 0, paris)
	return []*model.Appointment{
		{UID: "weekly@relais", Title: "Réunion d'équipe, hebdo", Start: weeklyStart.UTC(), End: weeklyStart.Add(time.Hour).UTC(), TZ: "Europe/Paris",
			RRule: "FREQ=WEEKLY;BYDAY=MO;UNTIL=20261231T230000Z", ExDates: []string{time.Date(2026, 4, 6, 9, 0, 0, 0, paris).UTC().Format(time.RFC3339)},
			RDates:    []string{time.Date(2026, 4, 8, 9, 0, 0, 0, paris).UTC().Format(time.RFC3339)},
			Attendees: []string{"member:" + member.ID, "contact:" + contact.ID, "mailto:guest@example.org"}, OwnerID: member.ID,
			Alarms: []string{"-PT15M"}, Location: "Salle 3; bâtiment B", Description: "Ordre du jour :\n1. chiffres\n2. salons", Calendar: "Équipe"},
		{UID: "weekly@relais", Title: "Réunion d'équipe (déplacée)", Start: time.Date(2026, 3, 17, 14, 0, 0, 0, paris).UTC(), End: time.Date(2026, 3, 17, 15, 0, 0, 0, paris).UTC(), TZ: "Europe/Paris",
			RecurrenceID: time.Date(2026, 3, 16, 9, 0, 0, 0, paris).UTC(), OwnerID: member.ID, Calendar: "Équipe", Sequence: 1},
		{UID: "salon@relais", Title: "Salon Interpack", Start: time.Date(2026, 5, 7, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 5, 14, 0, 0, 0, 0, time.UTC), AllDay: true, Calendar: "Salons", ContactID: contact.ID},
		{UID: "birthday@relais", Title: "Anniversaire Jürgen", Start: time.Date(2026, 2, 28, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), AllDay: true, RRule: "FREQ=YEARLY", Calendar: "Équipe"},
		{UID: "ny@relais", Title: "Call New York", Start: time.Date(2026, 3, 5, 10, 30, 0, 0, ny).UTC(), End: time.Date(2026, 3, 5, 11, 0, 0, 0, ny).UTC(), TZ: "America/New_York", RRule: "FREQ=DAILY;COUNT=20", Status: "tentative", Calendar: "Équipe"},
		{UID: "tokyo@relais", Title: "Tokyo supplier", Start: time.Date(2026, 11, 30, 17, 0, 0, 0, tokyo).UTC(), End: time.Date(2026, 11, 30, 18, 0, 0, 0, tokyo).UTC(), TZ: "Asia/Tokyo", Calendar: "Équipe"},
		{UID: "utc@relais", Title: "Webinar", Start: time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 1, 16, 0, 0, 0, time.UTC), Status: "cancelled", Calendar: "Équipe", Sequence: 3},
	}
}

func byKey(t testing.TB, s *model.Store) map[string]model.FieldMap {
	t.Helper()
	list, err := model.List[model.Appointment](context.Background(), s.DB(), model.Query{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]model.FieldMap{}
	for _, a := range list {
		m, err := model.Encode(a)
		if err != nil {
			t.Fatal(err)
		}
		key := a.UID
		if !a.RecurrenceID.IsZero() {
			key += "@" + a.RecurrenceID.Format(time.RFC3339)
		}
		out[key] = m
	}
	return out
}

// TestExportImportRoundTrip: exporting then importing into another database
// gives the same appointments, recurrence and zones included.
func TestExportImportRoundTrip(t *testing.T) {
	ctx := context.Background()
	src, dst := modeltest.Open(t), modeltest.Open(t)
	member, contact := people(t, src)
	people(t, dst)
	for _, a := range sampleAppointments(t, member, contact) {
		modeltest.Create(t, src, a)
	}
	var buf bytes.Buffer
	n, err := ical.Export(ctx, src.DB(), &buf, ical.ExportFilter{All: true})
	if err != nil || n != 7 {
		t.Fatalf("export: %d appointments, %v", n, err)
	}
	out := buf.String()
	for _, want := range []string{"BEGIN:VTIMEZONE\r\nTZID:America/New_York", "TZID:Asia/Tokyo", "TZID:Europe/Paris",
		"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "DTSTART;TZID=Europe/Paris:20260302T090000", "DTSTART;VALUE=DATE:20260507",
		"RECURRENCE-ID;TZID=Europe/Paris:20260316T090000", "EXDATE;TZID=Europe/Paris:20260406T090000", "ATTENDEE;CN=Jürgen Müller;ROLE=REQ-PARTICIPANT:mailto:jm@kunde.example"} {
		if !strings.Contains(strings.ReplaceAll(out, "\r\n ", ""), want) {
			t.Errorf("export lacks %q", want)
		}
	}
	for _, l := range strings.Split(out, "\r\n") {
		if len(l) > 75 {
			t.Errorf("line longer than 75 octets: %q", l)
		}
	}
	rep, err := ical.Import(ctx, dst, strings.NewReader(out), ical.ImportOptions{Zone: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Count(ical.Imported) != 7 {
		t.Fatalf("imported %d of 7: %+v", rep.Count(ical.Imported), rep.Items)
	}
	want, got := byKey(t, src), byKey(t, dst)
	if !reflect.DeepEqual(want, got) {
		for k, w := range want {
			for f, v := range w {
				if !reflect.DeepEqual(got[k][f], v) {
					t.Errorf("%s.%s: exported %v, imported %v", k, f, v, got[k][f])
				}
			}
		}
		if len(want) != len(got) {
			t.Errorf("%d appointments exported, %d imported", len(want), len(got))
		}
	}
	// The calendars show the same occurrences.
	from, to := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)
	oa, err := model.Occurrences(ctx, src.DB(), from, to, model.CalendarFilter{IncludeCancelled: true})
	if err != nil {
		t.Fatal(err)
	}
	ob, _ := model.Occurrences(ctx, dst.DB(), from, to, model.CalendarFilter{IncludeCancelled: true})
	if len(oa) != len(ob) || len(oa) < 60 {
		t.Fatalf("occurrences: %d before, %d after", len(oa), len(ob))
	}
	for i := range oa {
		if !oa[i].Start.Equal(ob[i].Start) || oa[i].Appt.Title != ob[i].Appt.Title {
			t.Errorf("occurrence %d: %v %q became %v %q", i, oa[i].Start, oa[i].Appt.Title, ob[i].Start, ob[i].Appt.Title)
		}
	}
	// Importing the export again changes nothing.
	again, _ := ical.Import(ctx, dst, strings.NewReader(out), ical.ImportOptions{})
	if again.Count(ical.Unchanged) != 7 {
		t.Errorf("re-import: %d unchanged of 7", again.Count(ical.Unchanged))
	}
}

// TestVTimezone checks generated VTIMEZONEs by reading them back: every
// instant of the years covered gets the offset Go's tz database gives.
func TestVTimezone(t *testing.T) {
	for _, tc := range []struct {
		zone     string
		from, to int
		want     []string
	}{
		{"Europe/Paris", 2026, 2027, []string{"BEGIN:DAYLIGHT", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "TZOFFSETFROM:+0100", "TZNAME:CEST"}},
		{"America/New_York", 2025, 2027, []string{"RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"}},
		{"Asia/Tokyo", 2026, 2027, []string{"BEGIN:STANDARD", "TZOFFSETTO:+0900"}},
		{"America/Sao_Paulo", 2018, 2020, []string{"BEGIN:DAYLIGHT", "DTSTART:20181104T000000"}}, // DST abolished in 2019: no yearly rule
		{"Asia/Kolkata", 2026, 2026, []string{"TZOFFSETTO:+0530"}},
	} {
		t.Run(tc.zone, func(t *testing.T) {
			loc := mustZone(t, tc.zone)
			cal := (&ical.Writer{}).Calendar(nil, "", nil, false)
			cal.Children = append(cal.Children, ical.VTimezone(loc, tc.from, tc.to))
			var buf bytes.Buffer
			if err := ical.Encode(&buf, cal); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(buf.String(), w) {
					t.Errorf("VTIMEZONE lacks %q:\n%s", w, buf.String())
				}
			}
			// Read it back through an event in that zone named differently, so
			// that the importer must use the VTIMEZONE rules themselves.
			body := strings.ReplaceAll(buf.String(), "TZID:"+tc.zone, "TZID:Custom Zone")
			for m := time.January; m <= time.December; m += 3 {
				local := time.Date(tc.from, m, 10, 12, 0, 0, 0, loc)
				ev := "BEGIN:VEVENT\r\nUID:x" + m.String() + "\r\nDTSTAMP:20260101T000000Z\r\nSUMMARY:x\r\nDTSTART;TZID=Custom Zone:" + local.Format("20060102T150405") + "\r\nEND:VEVENT\r\n"
				file := strings.Replace(body, "END:VCALENDAR", ev+"END:VCALENDAR", 1)
				s := modeltest.Open(t)
				rep, err := ical.Import(context.Background(), s, strings.NewReader(file), ical.ImportOptions{})
				if err != nil || rep.Count(ical.Imported) != 1 {
					t.Fatalf("import: %v %+v", err, rep)
				}
				list, _ := model.List[model.Appointment](context.Background(), s.DB(), model.Query{})
				if !list[0].Start.Equal(local) {
					t.Errorf("%s read back as %s (zone %q)", local, list[0].Start, list[0].TZ)
				}
			}
		})
	}
}
