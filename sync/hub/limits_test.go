package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub"
	"relais/sync/hub/hubtest"
)

// A resend of a change the hub rejected gets the same rejection after the
// hub compacted its log, never "duplicate" (which the laptop would take for
// an acceptance and drop).
func TestRejectionOutlivesCompaction(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *hubtest.Hub) {
		a := newAPI(t, h, h.AddUser(t, "Anne"))
		laptop := modeltest.Open(t)
		modeltest.Create(t, laptop, &model.Account{Name: "Atelier Morvan"})
		chs := outbox(t, laptop, 0)
		// A patch of a record the hub never had is refused.
		bad := chs[0]
		bad.Seq, bad.TxID, bad.Op, bad.ID = 2, "tx-bad", "patch", model.NewID()
		bad.Data = json.RawMessage(`{"name":"Ghost"}`)
		dev := laptop.Device().ID
		code, resp, _ := a.push(dev, []hub.Change{chs[0], bad})
		if code != 200 || resp.Results[1].Status != hub.StatusRejected {
			t.Fatalf("first push: %d %+v", code, resp)
		}
		want := resp.Results[1]
		if _, err := h.Store.Compact(context.Background(), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		code, resp, _ = a.push(dev, []hub.Change{chs[0], bad})
		if code != 200 || resp.Results[1].Status != hub.StatusRejected || resp.Results[1].Code != want.Code || resp.Results[1].Message != want.Message {
			t.Fatalf("resend after compaction: %d %+v, want %+v", code, resp.Results, want)
		}
		if resp.Results[0].Status != hub.StatusDuplicate {
			t.Fatalf("the applied change: %+v", resp.Results[0])
		}
	})
}

// The hub's files hold the team's data and token hashes: owner only.
func TestHubFilesPrivate(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := hub.OpenStore(ctx, hub.Options{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddUser(ctx, "Anne"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := hub.SelfSigned(dir, nil, time.Now()); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range entries {
		fi, err := os.Stat(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		seen[e.Name()] = true
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s is %v, want -rw-------", e.Name(), fi.Mode().Perm())
		}
	}
	for _, f := range []string{"hub.db", "hub.db-wal", "tls-key.pem", "tls-cert.pem"} {
		if !seen[f] {
			t.Errorf("%s was not made (found %v)", f, seen)
		}
	}
}

// The per-request cap, tried at five times its value: refused whole with
// 413, nothing stored; the client never sends more than its batch.
func TestPushCapAtFiveTimes(t *testing.T) {
	h := hubtest.Start(t, hubtest.SQLite)
	a := newAPI(t, h, h.AddUser(t, "Anne"))
	n := 5 * hub.MaxChangesPerPush
	chs := make([]hub.Change, n)
	for i := range chs {
		chs[i] = hub.Change{Seq: int64(i + 1), TxID: "tx", Entity: "account", ID: model.NewID(), Op: "put",
			Data: json.RawMessage(fmt.Sprintf(`{"name":"Compte %d"}`, i)), HLC: "0000000000001-0000-x"}
	}
	code, _, e := a.push("dev", chs)
	if code != 413 || (e.Error.Code != "too_many" && e.Error.Code != "too_large") {
		t.Fatalf("got %d %+v, want 413", code, e)
	}
	if n := seq(t, h); n != 0 {
		t.Fatalf("the hub stored %d changes", n)
	}
}
