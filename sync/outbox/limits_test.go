package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub"
)

// swappable serves whichever hub store is current, so that a test can
// restore the hub's files under a URL the laptops keep.
type swappable struct{ h atomic.Pointer[http.Handler] }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) { (*s.h.Load()).ServeHTTP(w, r) }

func (s *swappable) open(t *testing.T, dir string) *hub.Store {
	t.Helper()
	st, err := hub.OpenStore(context.Background(), hub.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	h := hub.NewServer(st, 0, t.Logf).Handler()
	s.h.Store(&h)
	return st
}

func copyFiles(t *testing.T, from, to string) {
	t.Helper()
	os.RemoveAll(to)
	if err := os.MkdirAll(to, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"hub.db", "hub.db-wal", "hub.db-shm"} {
		b, err := os.ReadFile(filepath.Join(from, f))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(to, f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// A hub restored from an older backup has lost changes it had acknowledged.
// The laptops find out on their next round (the hub starts a new epoch),
// send again what it lacks from sync_sent, pull everything, and converge
// with no manual step. Before epochs, the author got "sequence gap" for ever.
func TestRestoredHubReseeds(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	live, backup := filepath.Join(root, "live"), filepath.Join(root, "backup")
	sw := &swappable{}
	st := sw.open(t, live)
	srv := httptest.NewServer(sw)
	defer srv.Close()
	tokA, err := st.AddUser(ctx, "Anne")
	if err != nil {
		t.Fatal(err)
	}
	tokB, _ := st.AddUser(ctx, "Bruno")
	a := newLaptop(t, "A", srv.URL, tokA, nil, nil)
	b := newLaptop(t, "B", srv.URL, tokB, nil, nil)
	first := &model.Account{Name: "Atelier Morvan"}
	modeltest.Create(t, a.store, first)
	a.syncOK(t)
	b.syncOK(t)
	b.syncOK(t) // B has learnt the hub's epoch
	st.Close()
	copyFiles(t, live, backup) // tonight's backup
	st = sw.open(t, live)
	for i := 0; i < 5; i++ {
		modeltest.Create(t, a.store, &model.Account{Name: fmt.Sprintf("Compte après la sauvegarde %d", i)})
	}
	a.set(t, model.KindAccount, first.ID, model.FieldMap{"city": "Saint-Nazaire"})
	a.syncOK(t)
	modeltest.Create(t, b.store, &model.Account{Name: "Compte de Bruno"})
	b.syncOK(t)
	a.syncOK(t)
	before := dump(t, a.store)
	// The disk dies; the hub comes back from the backup.
	st.Close()
	copyFiles(t, backup, live)
	st = sw.open(t, live)
	defer st.Close()
	for i := 0; i < 2; i++ {
		a.syncOK(t)
		b.syncOK(t)
	}
	if q := a.outboxLen(t) + b.outboxLen(t); q != 0 {
		t.Fatalf("%d changes still queued", q)
	}
	da, db := dump(t, a.store), dump(t, b.store)
	if da != db {
		t.Fatalf("the laptops differ after the restore:\n%s\n---\n%s", da, db)
	}
	if da != before {
		t.Fatalf("data changed across the restore:\n%s\n---\n%s", before, da)
	}
	// What the hub holds now is the whole data set again.
	var n int
	for after := ""; ; {
		p, err := st.Snapshot(ctx, after, hub.MaxSnapshotPage)
		if err != nil {
			t.Fatal(err)
		}
		n += len(p.Records)
		after = p.Next
		if !p.More {
			break
		}
	}
	if n != 7 {
		t.Fatalf("the hub holds %d records, want 7", n)
	}
}

// An empty push binds no device; a colleague who pushes under this laptop's
// id before its first accepted push only makes the laptop take a new id.
func TestDeviceIDCannotBeClaimed(t *testing.T) {
	ctx := context.Background()
	sw := &swappable{}
	st := sw.open(t, t.TempDir())
	defer st.Close()
	srv := httptest.NewServer(sw)
	defer srv.Close()
	tokA, _ := st.AddUser(ctx, "Anne")
	if _, err := st.AddUser(ctx, "Bruno"); err != nil {
		t.Fatal(err)
	}
	a := newLaptop(t, "A", srv.URL, tokA, nil, nil)
	modeltest.Create(t, a.store, &model.Account{Name: "Atelier Morvan"})
	stolen := a.store.Device().ID
	// Bruno learnt Anne's new device id and pushes under it first.
	other := modeltest.Open(t)
	modeltest.Create(t, other, &model.Account{Name: "Compte de Bruno"})
	chs, err := other.Outbox(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	req := hub.PushRequest{Device: stolen}
	for _, c := range chs {
		req.Changes = append(req.Changes, hub.Change{Seq: c.Seq, TxID: c.TxID, Entity: string(c.Entity), ID: c.EntityID, Op: c.Op, Data: json.RawMessage(c.Data), HLC: c.HLC})
	}
	if _, err := st.Push(ctx, hub.User{ID: userID(t, st, "Bruno"), Name: "Bruno"}, req); err != nil {
		t.Fatal(err)
	}
	rep := a.syncOK(t)
	if rep.Pushed != 1 || a.store.Device().ID == stolen {
		t.Fatalf("Anne's laptop: %+v, device %s (stolen %s)", rep, a.store.Device().ID, stolen)
	}
}

func userID(t *testing.T, st *hub.Store, name string) string {
	t.Helper()
	us, err := st.Users(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range us {
		if u.Name == name {
			return u.ID
		}
	}
	t.Fatalf("no user %s", name)
	return ""
}

// After a sync every laptop has the same updated_at for the same records:
// the hub's acceptance time of each record's last change, the author's own
// laptop included.
func TestUpdatedAtConverges(t *testing.T) {
	ctx := context.Background()
	sw := &swappable{}
	st := sw.open(t, t.TempDir())
	defer st.Close()
	srv := httptest.NewServer(sw)
	defer srv.Close()
	tokA, _ := st.AddUser(ctx, "Anne")
	tokB, _ := st.AddUser(ctx, "Bruno")
	a := newLaptop(t, "A", srv.URL, tokA, nil, nil)
	b := newLaptop(t, "B", srv.URL, tokB, nil, nil)
	acc := &model.Account{Name: "Atelier Morvan"}
	modeltest.Create(t, a.store, acc)
	a.syncOK(t)
	b.syncOK(t)
	b.set(t, model.KindAccount, acc.ID, model.FieldMap{"city": "Nantes"})
	b.syncOK(t)
	a.syncOK(t)
	b.syncOK(t)
	updated := func(l *laptop) string {
		var v string
		if err := l.store.DB().QueryRowContext(ctx, `SELECT updated_at FROM accounts WHERE id = ?`, acc.ID).Scan(&v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	if ua, ub := updated(a), updated(b); ua != ub {
		t.Fatalf("updated_at differs: %s on A, %s on B", ua, ub)
	}
}

// Acknowledged changes stay in sync_sent for sentRetention (90 days) and
// go after it; tried at five times that. A hub restored from a backup older
// than what the laptop keeps cannot get everything back, but the laptop is
// not stuck: it goes on under a new device id and its outbox drains.
func TestSentRetentionAtFiveTimes(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	live, backup := filepath.Join(root, "live"), filepath.Join(root, "backup")
	sw := &swappable{}
	st := sw.open(t, live)
	srv := httptest.NewServer(sw)
	defer srv.Close()
	tok, _ := st.AddUser(ctx, "Anne")
	now := modeltest.Now
	a := newLaptop(t, "A", srv.URL, tok, func() time.Time { return now }, nil)
	sent := func() int {
		var n int
		if err := a.store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sync_sent`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	modeltest.Create(t, a.store, &model.Account{Name: "Atelier Morvan"})
	a.syncOK(t)
	st.Close()
	copyFiles(t, live, backup) // the hub holds change 1 of this laptop
	st = sw.open(t, live)
	modeltest.Create(t, a.store, &model.Account{Name: "Compte de janvier"})
	a.syncOK(t)
	if n := sent(); n != 2 {
		t.Fatalf("sync_sent holds %d changes, want 2", n)
	}
	now = now.Add(5 * 90 * 24 * time.Hour)
	modeltest.Create(t, a.store, &model.Account{Name: "Compte de l'an prochain"})
	a.syncOK(t)
	if n := sent(); n != 1 {
		t.Fatalf("after five retention periods sync_sent holds %d changes, want only the new one", n)
	}
	dev := a.store.Device().ID
	st.Close()
	copyFiles(t, backup, live)
	st = sw.open(t, live)
	defer st.Close()
	a.syncOK(t)
	a.syncOK(t)
	if a.store.Device().ID == dev {
		t.Fatal("the laptop kept a device id under which the hub waits for change 2 for ever")
	}
	if q := a.outboxLen(t); q != 0 {
		t.Fatalf("%d changes still queued", q)
	}
	// Change 1 from the backup and change 3 re-sent; change 2 was older than
	// what the laptop keeps.
	if seq, _ := st.Seq(ctx); seq != 2 {
		t.Fatalf("the hub holds %d changes, want 2", seq)
	}
}
