package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"relais/model"
	"relais/sync/ical"
)

// A subscribed feed (served over loopback) is read by "Sync now", its
// events land in their own read-only calendar, and the accounts pane shows
// the subscription with when it was read.
func TestCalendarAccountsFeed(t *testing.T) {
	const feed = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:holiday-1@test\r\n" +
		"DTSTAMP:20261101T000000Z\r\nDTSTART;VALUE=DATE:20261225\r\nDTEND;VALUE=DATE:20261226\r\nSUMMARY:Noël\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/calendar")
		w.Write([]byte(feed))
	}))
	defer srv.Close()

	a, st := openApp(t, "en", nil)
	a.show("calendar")
	a.settle()
	cs := a.current.(*calendarScreen)
	if _, err := ical.Subscribe(t.Context(), st, srv.URL+"/holidays.ics", "Holidays", 0); err != nil {
		t.Fatal(err)
	}
	syncCalendars(a)
	acc := &calendarAccounts{s: cs}
	acc.show()
	a.settle()
	markup := test.RenderObjectToMarkup(cs.detail.scroll)
	for _, want := range []string{"Holidays — " + srv.URL + "/holidays.ics", "read ", "Add an account…"} {
		if !strings.Contains(markup, want) {
			t.Errorf("the accounts pane does not show %q", want)
		}
	}
	aps, err := model.List[model.Appointment](t.Context(), st.DB(), model.Query{Where: "calendar = ?", Args: []any{"Holidays"}})
	if err != nil || len(aps) != 1 || aps[0].Title != "Noël" {
		t.Fatalf("feed events: %v %v", aps, err)
	}
}
