package ical_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/ical"
)

// feedServer publishes a calendar with an ETag over real HTTP on loopback.
type feedServer struct {
	mu       sync.Mutex
	body     string
	etag     string
	status   int
	requests []string // If-None-Match of each request
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, r.Header.Get("If-None-Match"))
	if f.status != 0 {
		w.WriteHeader(f.status)
		return
	}
	if r.Header.Get("If-None-Match") == f.etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", f.etag)
	w.Header().Set("Content-Type", "text/calendar")
	w.Write([]byte(f.body))
}

func feedBody(events ...string) string {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fair//EN\r\nX-WR-CALNAME:Salon\r\n")
	for i, e := range events {
		b.WriteString("BEGIN:VEVENT\r\nUID:" + e + "\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:2026120" + string(rune('1'+i)) + "T090000Z\r\nDTEND:2026120" + string(rune('1'+i)) + "T100000Z\r\nSUMMARY:Conférence " + e + "\r\nEND:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return b.String()
}

func TestFeedRefresh(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	fs := &feedServer{body: feedBody("a", "b", "c"), etag: `"v1"`}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	if _, err := ical.Subscribe(ctx, s, srv.URL+"/salon.ics", "Salon Interpack", time.Hour); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n, _ := model.Count(ctx, s.DB(), model.KindAppointment, model.Query{Where: "calendar = ?", Args: []any{"Salon Interpack"}})
		return n
	}
	refresh := func(wantStatus string) {
		t.Helper()
		res, err := ical.RefreshFeeds(ctx, s, srv.Client(), true)
		if err != nil || len(res) != 1 || res[0].Status != wantStatus {
			t.Fatalf("refresh: %v %+v, want %s", err, res, wantStatus)
		}
	}
	refresh("updated")
	if count() != 3 {
		t.Fatalf("after first refresh: %d events", count())
	}
	refresh("not_modified") // sent If-None-Match "v1", got 304
	if fs.requests[1] != `"v1"` {
		t.Errorf("second request sent If-None-Match %q", fs.requests[1])
	}
	// The publisher drops an event: it leaves the calendar.
	fs.body, fs.etag = feedBody("a", "c"), `"v2"`
	refresh("updated")
	if count() != 2 {
		t.Fatalf("after the feed dropped an event: %d events, want 2", count())
	}
	// Server down, then broken, then empty: the last copy stays.
	fs.status = http.StatusInternalServerError
	refresh("failed")
	fs.status = 0
	fs.body, fs.etag = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", `"v3"`
	refresh("updated")
	srv.Close()
	res, _ := ical.RefreshFeeds(ctx, s, srv.Client(), true)
	if res[0].Status != "failed" || res[0].Err == nil {
		t.Fatalf("offline refresh: %+v", res[0])
	}
	if count() != 2 {
		t.Fatalf("after failures and an empty feed: %d events, want the last 2", count())
	}
	feeds, _ := ical.Feeds(ctx, s.DB())
	if feeds[0].LastError == "" {
		t.Error("the feed's last error is not recorded")
	}
	// Not due yet: no request.
	n := len(fs.requests)
	ical.RefreshFeeds(ctx, s, srv.Client(), false)
	if len(fs.requests) != n {
		t.Error("a feed refreshed before it was due")
	}
}
