package outbox_test

import (
	"context"
	"crypto/tls"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// A laptop pins the self-signed hub's fingerprint: the right one syncs, any
// other certificate is refused before the token is sent.
func TestPinnedSelfSignedHub(t *testing.T) {
	ctx := context.Background()
	s := hubtest.OpenStore(t, hubtest.SQLite)
	tok, _ := s.AddUser(ctx, "Anne")
	cert, fp, err := hub.SelfSigned(t.TempDir(), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(hub.NewServer(s, 0, t.Logf).Handler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()
	for _, tc := range []struct {
		name, fp string
		ok       bool
	}{
		{"pinned", strings.ToLower(strings.ReplaceAll(fp, ":", "")), true},
		{"wrong pin", "AA" + fp[2:], false},
		{"no pin", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := modeltest.Open(t)
			modeltest.Create(t, st, &model.Account{Name: "Atelier Morvan"})
			sec := outbox.FileSecrets{Path: st.Path() + ".secrets"}
			if err := outbox.SaveSettings(ctx, st, sec, outbox.Settings{HubURL: srv.URL, Token: tok, Fingerprint: tc.fp}); err != nil {
				t.Fatal(err)
			}
			sy, err := outbox.New(ctx, st, outbox.Options{Secrets: sec})
			if err != nil {
				t.Fatal(err)
			}
			rep, err := sy.Sync(ctx)
			if tc.ok != (err == nil) || (tc.ok && rep.Pushed != 1) {
				t.Fatalf("sync: %+v %v", rep, err)
			}
			if !tc.ok && sy.Status().Online {
				t.Fatalf("status after a refused certificate: %+v", sy.Status())
			}
		})
	}
	if _, err := outbox.CheckSettings(outbox.Settings{HubURL: "http://hub:8750", Fingerprint: fp}); err == nil {
		t.Fatal("a pin on a plain http address was accepted")
	}
	if _, err := outbox.CheckSettings(outbox.Settings{HubURL: "https://hub:8750", Fingerprint: "12:34"}); err == nil {
		t.Fatal("a short fingerprint was accepted")
	}
}

// Run syncs by itself soon after a local change, and subscribers see the
// state move; an unreachable hub leaves the changes queued and the status
// offline with a retry scheduled.
func TestRunSyncsAfterLocalChange(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := hubtest.Start(t, hubtest.SQLite)
	st := modeltest.Open(t)
	sec := outbox.FileSecrets{Path: st.Path() + ".secrets"}
	if err := outbox.SaveSettings(ctx, st, sec, outbox.Settings{HubURL: h.URL, Token: h.AddUser(t, "Anne")}); err != nil {
		t.Fatal(err)
	}
	sy, err := outbox.New(ctx, st, outbox.Options{Secrets: sec, Debounce: 50 * time.Millisecond, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	seen := map[outbox.State]bool{}
	defer sy.Subscribe(func(s outbox.Status) { mu.Lock(); seen[s.State] = true; mu.Unlock() })()
	done := make(chan struct{})
	go func() { sy.Run(ctx); close(done) }()
	waitFor := func(what string, cond func(outbox.Status) bool) {
		t.Helper()
		deadline := time.Now().Add(15 * time.Second)
		for !cond(sy.Status()) {
			if time.Now().After(deadline) {
				t.Fatalf("waiting for %s: status %+v", what, sy.Status())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	waitFor("the first round", func(s outbox.Status) bool { return s.State == outbox.StateUpToDate })
	modeltest.Create(t, st, &model.Account{Name: "Brasserie Kerlann"})
	waitFor("the change to be pushed", func(s outbox.Status) bool {
		n, _ := h.Store.Seq(ctx)
		return n == 1 && s.Waiting == 0 && s.State == outbox.StateUpToDate
	})
	h.Server.Close() // the hub goes away
	modeltest.Create(t, st, &model.Account{Name: "Cidrerie Le Goff"})
	waitFor("offline", func(s outbox.Status) bool {
		return s.State == outbox.StateOffline && !s.Online && s.Waiting == 1 && !s.NextTry.IsZero()
	})
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	for _, s := range []outbox.State{outbox.StateSyncing, outbox.StateUpToDate, outbox.StateOffline} {
		if !seen[s] {
			t.Errorf("subscribers never saw %s (saw %v)", s, seen)
		}
	}
}

// A laptop away longer than the hub keeps its change log gets a reset and
// takes a snapshot, keeping its own unsent edit.
func TestResetTakesSnapshot(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	a := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
	bob := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
	x := &model.Account{Name: "Verrerie Morvan"}
	modeltest.Create(t, a.store, x)
	a.syncOK(t)
	bob.syncOK(t)
	for i := 0; i < 5; i++ {
		modeltest.Create(t, a.store, &model.Account{Name: "Compte " + string(rune('A'+i))})
	}
	a.set(t, model.KindAccount, x.ID, model.FieldMap{"city": "Nantes"})
	a.store.Delete(ctx, model.KindAccount, x.ID)
	a.syncOK(t)
	if _, err := h.Store.Compact(ctx, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	bob.set(t, model.KindAccount, x.ID, model.FieldMap{"notes": "hors ligne"})
	rep := bob.syncOK(t)
	if !rep.Reset {
		t.Fatalf("B's report: %+v", rep)
	}
	a.syncOK(t)
	if da, db := dump(t, a.store), dump(t, bob.store); da != db {
		t.Fatalf("after the snapshot:\nA\n%s\nB\n%s", da, db)
	}
	var got model.Account
	bob.store.Get(ctx, x.ID, &got)
	if !got.Deleted() || got.Notes != "hors ligne" || got.City != "Nantes" {
		t.Fatalf("B's copy: %+v", got)
	}
}
