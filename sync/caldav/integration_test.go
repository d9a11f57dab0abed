package caldav_test

import (
	"context"
	"errors"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/caldav"
)

// laptop is one Relais database synced with the server.
type laptop struct {
	t   *testing.T
	s   *model.Store
	acc caldav.Account
	sy  *caldav.Syncer
	cal string
}

var paris, _ = time.LoadLocation("Europe/Paris")

func newLaptop(t *testing.T, srv *radicale) *laptop {
	t.Helper()
	s := modeltest.Open(t)
	acc, cals, err := caldav.Discover(context.Background(), nil, caldav.Account{URL: srv.url(), Username: "alice", Password: "x"})
	if err != nil {
		t.Fatalf("discover: %v", err)
	}
	if acc.HomeSet != "/alice/" {
		t.Fatalf("home set %q", acc.HomeSet)
	}
	if len(cals) != 0 {
		t.Fatalf("a fresh server lists calendars %+v", cals)
	}
	if err := caldav.SaveAccount(context.Background(), s, nil, &acc); err != nil {
		t.Fatal(err)
	}
	return &laptop{t: t, s: s, acc: acc, sy: &caldav.Syncer{Store: s, Zone: paris}}
}

func (l *laptop) link(rc caldav.RemoteCalendar) {
	l.t.Helper()
	name, err := caldav.LinkCalendar(context.Background(), l.s, l.acc, rc, "Équipe")
	if err != nil {
		l.t.Fatal(err)
	}
	l.cal = name
}

func (l *laptop) sync() caldav.Result {
	l.t.Helper()
	r, err := l.sy.Sync(context.Background(), l.acc, l.cal)
	if err != nil {
		l.t.Fatalf("sync: %v", err)
	}
	return r
}

func (l *laptop) create(a *model.Appointment) *model.Appointment {
	l.t.Helper()
	a.Calendar = l.cal
	modeltest.Create(l.t, l.s, a)
	return a
}

func (l *laptop) byTitle(title string) *model.Appointment {
	l.t.Helper()
	list, err := model.List[model.Appointment](context.Background(), l.s.DB(), model.Query{Where: "title = ?", Args: []any{title}})
	if err != nil || len(list) != 1 {
		l.t.Fatalf("appointment %q: %d found (%v)", title, len(list), err)
	}
	return list[0]
}

// state summarises the calendar for comparison between laptops.
func (l *laptop) state() []string {
	l.t.Helper()
	list, err := model.List[model.Appointment](context.Background(), l.s.DB(), model.Query{Where: "calendar = ?", Args: []any{l.cal}})
	if err != nil {
		l.t.Fatal(err)
	}
	var out []string
	for _, a := range list {
		out = append(out, strings.Join([]string{a.UID, a.Title, a.Location, a.Start.Format(time.RFC3339), a.End.Format(time.RFC3339), a.TZ, a.RRule,
			strings.Join(a.ExDates, ","), a.RecurrenceID.Format(time.RFC3339), a.Status}, "|"))
	}
	sort.Strings(out)
	return out
}

func sameState(t *testing.T, a, b *laptop) {
	t.Helper()
	sa, sb := a.state(), b.state()
	if strings.Join(sa, "\n") != strings.Join(sb, "\n") {
		t.Fatalf("laptops differ:\nA:\n%s\nB:\n%s", strings.Join(sa, "\n"), strings.Join(sb, "\n"))
	}
}

func at(d, h int) time.Time { return time.Date(2026, 12, d, h, 0, 0, 0, paris).UTC() }

func serverHrefs(t *testing.T, srv *radicale, coll string) []string {
	t.Helper()
	_, body := srv.raw("PROPFIND", coll, `<?xml version="1.0"?><propfind xmlns="DAV:"><prop><getetag/></prop></propfind>`, "Depth", "1", "Content-Type", "application/xml")
	var out []string
	for _, m := range regexp.MustCompile(`<href>([^<]+\.ics)</href>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// TestTwoLaptopsThroughRadicale runs the scenarios of sync.md against a real
// Radicale: create, update, delete both ways; a raw PUT by another client
// merged; a 412 kept as two copies; a stale sync token; offline edits then
// reconnection; an empty listing that deletes nothing.
func TestTwoLaptopsThroughRadicale(t *testing.T) {
	srv := startRadicale(t)
	ctx := context.Background()
	a, b := newLaptop(t, srv), newLaptop(t, srv)

	rc, err := caldav.CreateCalendar(ctx, nil, a.acc, "Équipe commerciale")
	if err != nil {
		t.Fatalf("MKCALENDAR: %v", err)
	}
	cals, err := caldav.Calendars(ctx, nil, b.acc)
	if err != nil || len(cals) != 1 || cals[0].Href != rc.Href || cals[0].Name != "Équipe commerciale" {
		t.Fatalf("B sees calendars %+v (%v)", cals, err)
	}
	a.link(rc)
	b.link(cals[0])

	t.Run("create", func(t *testing.T) {
		a.create(&model.Appointment{UID: "visit@relais", Title: "Visite Müller GmbH", Start: at(1, 10), End: at(1, 12), TZ: "Europe/Paris", Location: "Stuttgart"})
		a.create(&model.Appointment{UID: "weekly@relais", Title: "Point hebdo", Start: at(7, 9), End: at(7, 10), TZ: "Europe/Paris", RRule: "FREQ=WEEKLY;COUNT=6",
			ExDates: []string{at(14, 9).Format(time.RFC3339)}})
		a.create(&model.Appointment{UID: "weekly@relais", Title: "Point hebdo (décalé)", Start: at(21, 14), End: at(21, 15), TZ: "Europe/Paris", RecurrenceID: at(21, 9)})
		a.create(&model.Appointment{UID: "fair@relais", Title: "Salon", Start: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC), AllDay: true})
		if r := a.sync(); r.Created != 3 {
			t.Fatalf("A pushed %+v, want 3 resources created", r)
		}
		if r := b.sync(); r.Pulled != 3 {
			t.Fatalf("B pulled %+v, want 3", r)
		}
		sameState(t, a, b)
		if r := a.sync(); r.Created+r.Updated+r.Pulled != 0 {
			t.Fatalf("a second sync did something: %+v", r)
		}
	})

	t.Run("update and delete", func(t *testing.T) {
		v := b.byTitle("Visite Müller GmbH")
		v.Start, v.End = at(2, 10), at(2, 12)
		if err := b.s.Update(ctx, v); err != nil {
			t.Fatal(err)
		}
		if r := b.sync(); r.Updated != 1 {
			t.Fatalf("B pushed %+v", r)
		}
		if r := a.sync(); r.Pulled != 1 {
			t.Fatalf("A pulled %+v", r)
		}
		sameState(t, a, b)
		if err := a.s.Delete(ctx, model.KindAppointment, a.byTitle("Salon").ID); err != nil {
			t.Fatal(err)
		}
		if r := a.sync(); r.Deleted != 1 {
			t.Fatalf("A pushed %+v, want 1 delete", r)
		}
		if r := b.sync(); r.RemoteDeleted != 1 {
			t.Fatalf("B pulled %+v, want 1 remote delete", r)
		}
		sameState(t, a, b)
	})

	t.Run("raw PUT by another client is merged", func(t *testing.T) {
		href := rc.Href + "visit@relais.ics"
		resp, body := srv.raw("GET", href, "")
		etag := resp.Header.Get("ETag")
		body = strings.Replace(body, "LOCATION:Stuttgart", "LOCATION:Stuttgart\\, Halle 4", 1)
		if resp, _ := srv.raw("PUT", href, body, "If-Match", etag); resp.StatusCode/100 != 2 {
			t.Fatalf("raw PUT: %s", resp.Status)
		}
		v := a.byTitle("Visite Müller GmbH")
		v.Title = "Visite Müller GmbH — démo"
		if err := a.s.Update(ctx, v); err != nil {
			t.Fatal(err)
		}
		r := a.sync() // PUT with the old ETag: 412, then a merge
		if r.Merged != 1 || r.Conflicts != 0 {
			t.Fatalf("A: %+v, want one merge", r)
		}
		got := a.byTitle("Visite Müller GmbH — démo")
		if got.Location != "Stuttgart, Halle 4" {
			t.Fatalf("merged location %q", got.Location)
		}
		_, body = srv.raw("GET", href, "")
		if !strings.Contains(body, "Halle 4") || !strings.Contains(body, "démo") {
			t.Fatalf("server copy lacks one side:\n%s", body)
		}
		b.sync()
		sameState(t, a, b)
	})

	t.Run("412 on the same field keeps two copies", func(t *testing.T) {
		va, vb := a.byTitle("Point hebdo"), b.byTitle("Point hebdo")
		va.Location, vb.Location = "Salle A", "Salle B"
		a.s.Update(ctx, va)
		b.s.Update(ctx, vb)
		if r := b.sync(); r.Updated != 1 {
			t.Fatalf("B: %+v", r)
		}
		r := a.sync()
		if r.Conflicts != 1 || r.Created != 1 {
			t.Fatalf("A: %+v, want a conflict and the copy uploaded", r)
		}
		if got := a.byTitle("Point hebdo").Location; got != "Salle B" {
			t.Errorf("shared copy keeps %q, want the server's Salle B", got)
		}
		copyA := a.byTitle("Point hebdo (conflict)")
		if copyA.Location != "Salle A" || copyA.RRule == "" {
			t.Errorf("conflict copy %+v", copyA)
		}
		ns, _ := caldav.Notices(ctx, a.s.DB())
		if len(ns) == 0 || ns[0].Kind != "conflict" || !strings.Contains(ns[0].Detail, "location") {
			t.Errorf("notices %+v", ns)
		}
		b.sync()
		sameState(t, a, b)
	})

	t.Run("stale sync token", func(t *testing.T) {
		hrefs := serverHrefs(t, srv, rc.Href)
		victim := ""
		for _, h := range hrefs {
			if strings.Contains(h, "visit") {
				victim = h
			}
		}
		srv.raw("DELETE", victim, "")
		if _, err := b.s.DB().ExecContext(ctx, `SELECT 1`); err != nil {
			t.Fatal(err)
		}
		if err := b.s.Write(ctx, func(tx *model.Tx) error {
			_, err := tx.SQL().ExecContext(ctx, `UPDATE calendars SET sync_token = 'http://radicale.org/ns/sync/0000' WHERE name = ?`, b.cal)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		r := b.sync()
		if !r.FullListing || r.RemoteDeleted != 1 {
			t.Fatalf("B: %+v, want a full listing that applies the delete", r)
		}
		a.sync()
		sameState(t, a, b)
		if n, m := uids(b), len(serverHrefs(t, srv, rc.Href)); n != m {
			t.Fatalf("B holds %d series, the server %d resources", n, m)
		}
	})

	t.Run("offline edits then reconnect", func(t *testing.T) {
		srv.stop()
		a.create(&model.Appointment{UID: "offline@relais", Title: "Déjeuner client", Start: at(3, 12), End: at(3, 14), TZ: "Europe/Paris"})
		w := a.byTitle("Point hebdo")
		w.Title = "Point hebdo équipe"
		a.s.Update(ctx, w)
		cp := a.byTitle("Point hebdo (conflict)")
		rows, _ := model.List[model.Appointment](ctx, a.s.DB(), model.Query{Where: "uid = ?", Args: []any{cp.UID}})
		a.s.Write(ctx, func(tx *model.Tx) error {
			for _, r := range rows {
				if err := tx.Delete(model.KindAppointment, r.ID); err != nil {
					return err
				}
			}
			return nil
		})
		for i := 0; i < 2; i++ {
			if _, err := a.sy.Sync(ctx, a.acc, a.cal); !errors.Is(err, caldav.ErrOffline) {
				t.Fatalf("sync while the server is down: %v, want ErrOffline", err)
			}
		}
		if n, _ := caldav.Pending(ctx, a.s.DB(), a.cal); n != 3 {
			t.Fatalf("%d changes pending, want 3", n)
		}
		srv.start()
		r := a.sync()
		if r.Created != 1 || r.Updated != 1 || r.Deleted != 1 {
			t.Fatalf("after reconnecting: %+v", r)
		}
		if n, _ := caldav.Pending(ctx, a.s.DB(), a.cal); n != 0 {
			t.Fatalf("%d changes still pending", n)
		}
		b.sync()
		sameState(t, a, b)
	})

	t.Run("empty listing deletes nothing", func(t *testing.T) {
		before := len(b.state())
		for _, h := range serverHrefs(t, srv, rc.Href) {
			srv.raw("DELETE", h, "")
		}
		r := b.sync()
		if !r.EmptyListing || r.RemoteDeleted != 0 || len(b.state()) != before {
			t.Fatalf("B: %+v, %d rows left of %d", r, len(b.state()), before)
		}
		info, _ := b.s.Calendar(ctx, b.cal)
		if !info.Pending {
			t.Fatal("the calendar is not waiting for the user's decision")
		}
		if r := b.sync(); !r.EmptyListing || r.Created != 0 {
			t.Fatalf("a second sync before the decision: %+v", r)
		}
		// The user chooses to upload everything again.
		if err := caldav.ResolveEmpty(ctx, b.s, b.cal, false); err != nil {
			t.Fatal(err)
		}
		if r := b.sync(); r.Created != uids(b) || r.Created == 0 {
			t.Fatalf("re-upload: %+v for %d series", r, uids(b))
		}
		if n := len(serverHrefs(t, srv, rc.Href)); n != uids(b) {
			t.Fatalf("server holds %d resources, want %d", n, uids(b))
		}
	})
	if t.Failed() {
		if log, err := os.ReadFile(srv.logPath); err == nil && len(log) > 0 {
			t.Logf("radicale log:\n%s", log)
		}
	}
}

func uids(l *laptop) int {
	seen := map[string]bool{}
	for _, s := range l.state() {
		seen[strings.SplitN(s, "|", 2)[0]] = true
	}
	return len(seen)
}
