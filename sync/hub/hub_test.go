package hub_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub"
	"relais/sync/hub/hubtest"
)

func TestMain(m *testing.M) { hubtest.Main(m) }

// api is a bare HTTP client of the hub, speaking the wire types directly.
type api struct {
	t     testing.TB
	url   string
	token string
	c     *http.Client
}

func newAPI(t testing.TB, h *hubtest.Hub, token string) *api {
	return &api{t: t, url: h.URL, token: token, c: h.Server.Client()}
}

// do sends body (JSON-encoded unless []byte) and decodes a JSON answer into out.
func (a *api) do(method, path string, body, out any) int {
	a.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			a.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, a.url+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.c.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		a.t.Fatalf("%s %s: Content-Type %q, body %s", method, path, ct, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			a.t.Fatalf("%s %s: %d %s: %v", method, path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

func (a *api) push(device string, chs []hub.Change) (int, hub.PushResponse, hub.ErrorResponse) {
	a.t.Helper()
	var raw json.RawMessage
	code := a.do("POST", "/v1/push", hub.PushRequest{Device: device, Changes: chs}, &raw)
	var ok hub.PushResponse
	var bad hub.ErrorResponse
	if code == 200 {
		json.Unmarshal(raw, &ok)
	} else {
		json.Unmarshal(raw, &bad)
	}
	return code, ok, bad
}

func (a *api) pullAll(cursor int64) []hub.PulledChange {
	a.t.Helper()
	var out []hub.PulledChange
	for {
		var p hub.PullResponse
		if code := a.do("GET", fmt.Sprintf("/v1/pull?cursor=%d&limit=3", cursor), nil, &p); code != 200 {
			a.t.Fatalf("pull: %d", code)
		}
		if p.Reset {
			a.t.Fatalf("unexpected reset at cursor %d", cursor)
		}
		out = append(out, p.Changes...)
		cursor = p.Next
		if !p.More {
			return out
		}
	}
}

// outbox turns a real laptop store's queued changes into wire changes, as
// the client does, with the given base cursor.
func outbox(t testing.TB, s *model.Store, base int64) []hub.Change {
	t.Helper()
	chs, err := s.Outbox(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]hub.Change, len(chs))
	for i, c := range chs {
		out[i] = hub.Change{Seq: c.Seq, TxID: c.TxID, Entity: string(c.Entity), ID: c.EntityID, Op: c.Op, Data: json.RawMessage(c.Data), HLC: c.HLC, Base: base}
	}
	return out
}

func forEachBackend(t *testing.T, fn func(t *testing.T, h *hubtest.Hub)) {
	for _, b := range hubtest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			fn(t, hubtest.Start(t, b))
		})
	}
}

// badUTF8Push is a push of chs whose first change's name holds a byte that
// is not UTF-8.
func badUTF8Push(t testing.TB, chs []hub.Change) []byte {
	t.Helper()
	b, err := json.Marshal(hub.PushRequest{Device: "x", Changes: chs[:1]})
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b, []byte("Atelier"))
	if i < 0 {
		t.Fatalf("no name in %s", b)
	}
	b[i+1] = 0xff
	return b
}

func seq(t testing.TB, h *hubtest.Hub) int64 {
	t.Helper()
	n, err := h.Store.Seq(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPushPullIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *hubtest.Hub) {
		ctx := context.Background()
		a := newAPI(t, h, h.AddUser(t, "Camille"))
		laptop := modeltest.Open(t)
		acc := &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon", Country: "FR"}
		modeltest.Create(t, laptop, acc)
		modeltest.Create(t, laptop, &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", AccountID: acc.ID})
		if err := laptop.Set(ctx, model.KindAccount, acc.ID, model.FieldMap{"city": "Dole"}); err != nil {
			t.Fatal(err)
		}
		if err := laptop.Delete(ctx, model.KindAccount, acc.ID); err != nil {
			t.Fatal(err)
		}
		chs := outbox(t, laptop, 0)
		dev := laptop.Device().ID

		code, res, _ := a.push(dev, chs)
		if code != 200 || res.LastSeq != chs[len(chs)-1].Seq || len(res.Results) != len(chs) {
			t.Fatalf("push: %d %+v", code, res)
		}
		for i, r := range res.Results {
			if r.Status != hub.StatusApplied || r.Version != int64(i+1) {
				t.Fatalf("result %d: %+v", i, r)
			}
		}
		// The reply was lost: the same batch again applies nothing.
		code, res2, _ := a.push(dev, chs)
		if code != 200 || seq(t, h) != int64(len(chs)) {
			t.Fatalf("resend: %d, hub at %d", code, seq(t, h))
		}
		for i, r := range res2.Results {
			if r.Status != hub.StatusDuplicate || r.Version != res.Results[i].Version {
				t.Fatalf("resend result %d: %+v", i, r)
			}
		}
		// A later change after a gap is refused.
		gap := chs[0]
		gap.Seq = chs[len(chs)-1].Seq + 2
		if code, _, e := a.push(dev, []hub.Change{gap}); code != 409 || e.Error.Code != "seq_gap" || e.Error.LastSeq != chs[len(chs)-1].Seq {
			t.Fatalf("gap: %d %+v", code, e)
		}

		got := a.pullAll(0)
		if len(got) != len(chs) {
			t.Fatalf("pulled %d changes, want %d", len(got), len(chs))
		}
		last := got[len(got)-1]
		if last.Op != "delete" || last.ID != acc.ID || last.User != "Camille" || last.Device != dev || !strings.Contains(string(last.Data), "deleted_at") {
			t.Fatalf("last pulled change: %+v", last)
		}
		var rec hub.RecordResponse
		a.do("GET", "/v1/record?id="+acc.ID, nil, &rec)
		var f map[string]any
		json.Unmarshal(rec.Fields, &f)
		if !rec.Exists || f["city"] != "Dole" || f["deleted_at"] == nil || rec.Version != 4 {
			t.Fatalf("record: %+v %v", rec, f)
		}

		// A laptop restored from a backup: a new device id whose first push
		// starts at seq 57 is accepted, and an action the hub already has
		// (same tx_id) is not applied twice.
		first := chs[0]
		first.Seq = 57
		next := hub.Change{Seq: 58, TxID: model.NewID(), Entity: "account", ID: acc.ID, Op: "patch", Data: json.RawMessage(`{"notes":"après restauration"}`), HLC: chs[0].HLC, Base: 4}
		code, res, _ = a.push(model.NewID(), []hub.Change{first, next})
		if code != 200 || res.Results[0].Status != hub.StatusDuplicate || res.Results[1].Status != hub.StatusApplied || seq(t, h) != 5 {
			t.Fatalf("restored laptop: %d %+v, hub at %d", code, res, seq(t, h))
		}
	})
}

func TestValidation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *hubtest.Hub) {
		a := newAPI(t, h, h.AddUser(t, "Yann"))
		laptop := modeltest.Open(t)
		acc := &model.Account{Name: "Biscuiterie Kerlann", Country: "FR"}
		prop := &model.Proposal{Number: "Q-2026-AAAAA-0001", Revision: 1, AccountID: acc.ID, IssueDate: model.MustDate("2026-11-27"), Currency: "EUR", Language: "fr", Status: model.ProposalDraft}
		modeltest.Create(t, laptop, acc)
		prop.AccountID = acc.ID
		line := &model.ProposalLine{Description: "Stand 12 m²", QuantityMilli: 1000, UnitPriceMinor: 150000}
		if err := laptop.Write(context.Background(), func(tx *model.Tx) error {
			if err := tx.Create(prop); err != nil {
				return err
			}
			line.ProposalID = prop.ID
			return tx.Create(line)
		}); err != nil {
			t.Fatal(err)
		}
		chs := outbox(t, laptop, 0)
		// An older or broken client sends the line with a negative quantity.
		chs[2].Data = json.RawMessage(strings.Replace(string(chs[2].Data), `"quantity_milli":1000`, `"quantity_milli":-1000`, 1))
		dup := hub.Change{Seq: 4, TxID: model.NewID(), Entity: "product", ID: model.NewID(), Op: "put", HLC: chs[0].HLC,
			Data: json.RawMessage(`{"sku":"STAND-12","name":"Stand","unit":"pc","currency":"EUR","availability":"in_stock"}`)}
		dup2 := dup
		dup2.Seq, dup2.TxID, dup2.ID = 5, model.NewID(), model.NewID()
		extra := []hub.Change{dup, dup2,
			{Seq: 6, TxID: model.NewID(), Entity: "contact", ID: model.NewID(), Op: "put", HLC: chs[0].HLC, Data: json.RawMessage(`{"first_name":"Anne","account_id":"` + model.NewID() + `"}`)},
			{Seq: 7, TxID: model.NewID(), Entity: "spaceship", ID: model.NewID(), Op: "put", HLC: chs[0].HLC, Data: json.RawMessage(`{}`)},
			{Seq: 8, TxID: model.NewID(), Entity: "account", ID: model.NewID(), Op: "patch", HLC: chs[0].HLC, Data: json.RawMessage(`{"name":"x"}`)},
			{Seq: 9, TxID: model.NewID(), Entity: "account", ID: acc.ID, Op: "patch", HLC: chs[0].HLC, Data: json.RawMessage(`{"name":12}`)},
			{Seq: 10, TxID: model.NewID(), Entity: "account", ID: acc.ID, Op: "patch", HLC: chs[0].HLC, Data: json.RawMessage(`{"city":"Quimper"}`)},
		}
		code, res, _ := a.push(laptop.Device().ID, append(chs, extra...))
		if code != 200 {
			t.Fatalf("push: %d", code)
		}
		want := []struct{ status, code, field string }{
			{hub.StatusApplied, "", ""},
			{hub.StatusRejected, hub.CodeGroup, ""},
			{hub.StatusRejected, hub.CodeInvalid, "quantity_milli"},
			{hub.StatusApplied, "", ""},
			{hub.StatusRejected, hub.CodeDuplicate, "sku"},
			{hub.StatusRejected, hub.CodeInvalid, "account_id"},
			{hub.StatusRejected, hub.CodeMalformed, ""},
			{hub.StatusRejected, hub.CodeUnknownRecord, ""},
			{hub.StatusRejected, hub.CodeMalformed, ""},
			{hub.StatusApplied, "", ""},
		}
		for i, w := range want {
			r := res.Results[i]
			if r.Status != w.status || r.Code != w.code || (w.field != "" && (len(r.Fields) == 0 || r.Fields[0].Field != w.field)) {
				t.Errorf("change %d: got %+v, want %s %s %s", i+1, r, w.status, w.code, w.field)
			}
			if r.Status == hub.StatusRejected && r.Message == "" {
				t.Errorf("change %d: rejection without a message", i+1)
			}
		}
		if res.LastSeq != 10 || seq(t, h) != 3 {
			t.Fatalf("last seq %d, hub at %d; want 10 and 3 applied", res.LastSeq, seq(t, h))
		}
		// The rejection survives a lost reply.
		_, res2, _ := a.push(laptop.Device().ID, append(chs, extra...))
		if r := res2.Results[2]; r.Status != hub.StatusRejected || r.Code != hub.CodeInvalid || r.Fields[0].Field != "quantity_milli" {
			t.Fatalf("resent rejection: %+v", r)
		}
		var rec hub.RecordResponse
		a.do("GET", "/v1/record?id="+prop.ID, nil, &rec)
		if rec.Exists {
			t.Fatal("the proposal of a refused action is on the hub")
		}
	})
}

func TestConflicts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *hubtest.Hub) {
		ann, bob := newAPI(t, h, h.AddUser(t, "Anne")), newAPI(t, h, h.AddUser(t, "Bruno"))
		devA, devB := model.NewID(), model.NewID()
		id := model.NewID()
		hlc := "0001795000000000-00000-x"
		ch := func(seq int64, op, data string, base int64) hub.Change {
			return hub.Change{Seq: seq, TxID: model.NewID(), Entity: "account", ID: id, Op: op, Data: json.RawMessage(data), HLC: hlc, Base: base}
		}
		mustApply := func(a *api, dev string, c hub.Change) int64 {
			t.Helper()
			code, res, e := a.push(dev, []hub.Change{c})
			if code != 200 || res.Results[0].Status != hub.StatusApplied {
				t.Fatalf("push %s: %d %+v %+v", c.Data, code, res, e)
			}
			return res.Results[0].Version
		}
		mustApply(ann, devA, ch(1, "put", `{"name":"Verrerie Morvan","country":"FR"}`, 0))              // hub 1
		mustApply(bob, devB, ch(1, "patch", `{"city":"Nantes"}`, 1))                                    // 2: B had pulled 1
		mustApply(ann, devA, ch(2, "patch", `{"phone":"02 40 00 00 00"}`, 1))                           // 3: different field: no conflict
		mustApply(ann, devA, ch(3, "patch", `{"city":"Saint-Nazaire"}`, 1))                             // 4: A had not seen 2: conflict
		mustApply(bob, devB, ch(2, "patch", `{"city":"Saint-Nazaire","name":"Verrerie Morvan SA"}`, 4)) // 5: seen, no conflict
		mustApply(ann, devA, ch(4, "delete", `{"deleted_at":"2026-11-27T10:00:00.000Z"}`, 4))           // 6: A deletes, had not seen 5
		mustApply(bob, devB, ch(3, "patch", `{"notes":"rappeler"}`, 5))                                 // 7: B edits, unaware of the delete
		mustApply(bob, devB, ch(4, "patch", `{"deleted_at":null}`, 5))                                  // 8: B's restore loses too
		all := ann.pullAll(0)
		var got []string
		for _, c := range all {
			for _, k := range c.Conflicts {
				got = append(got, fmt.Sprintf("%d %s %s lost=%s by %s won=%s by %s", c.Seq, k.Kind, k.Field, k.Lost, k.LostBy, k.Won, k.WonBy))
			}
		}
		want := []string{
			`4 field city lost="Nantes" by Bruno won="Saint-Nazaire" by Anne`,
			`6 delete  lost={"city":"Saint-Nazaire","name":"Verrerie Morvan SA"} by Bruno won="2026-11-27T10:00:00.000Z" by Anne`,
			`7 delete  lost={"notes":"rappeler"} by Bruno won="2026-11-27T10:00:00.000Z" by Anne`,
			`8 delete deleted_at lost=null by Bruno won="2026-11-27T10:00:00.000Z" by Anne`,
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("conflicts:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		var rec hub.RecordResponse
		ann.do("GET", "/v1/record?id="+id, nil, &rec)
		var f map[string]any
		json.Unmarshal(rec.Fields, &f)
		if f["deleted_at"] == nil || f["notes"] != "rappeler" || f["city"] != "Saint-Nazaire" || f["phone"] != "02 40 00 00 00" {
			t.Fatalf("final record: %v", f)
		}
	})
}

func TestSecurity(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *hubtest.Hub) {
		tokA, tokB := h.AddUser(t, "Anne"), h.AddUser(t, "Bruno")
		laptop := modeltest.Open(t)
		modeltest.Create(t, laptop, &model.Account{Name: "Atelier Morvan"})
		chs := outbox(t, laptop, 0)
		// An empty push binds nothing: whoever learns a device id before its
		// first real push cannot claim it.
		devB := model.NewID()
		if code, _, _ := newAPI(t, h, tokA).push(devB, nil); code != 200 {
			t.Fatalf("empty push: %d", code)
		}
		laptopB := modeltest.Open(t)
		modeltest.Create(t, laptopB, &model.Account{Name: "Bureau Bruno"})
		if code, _, e := newAPI(t, h, tokB).push(devB, outbox(t, laptopB, 0)); code != 200 {
			t.Fatalf("B's first real push binds its device: %d %+v", code, e)
		}
		big := make([]byte, hub.DefaultMaxBody+10)
		copy(big, `{"device":"x","changes":[`)
		for i := 25; i < len(big); i++ {
			big[i] = ' '
		}
		for _, tc := range []struct {
			name   string
			token  string
			body   any
			status int
			code   string
		}{
			{"no token", "", hub.PushRequest{Device: laptop.Device().ID, Changes: chs}, 401, "unauthorized"},
			{"wrong token", "rlh_nope", hub.PushRequest{Device: laptop.Device().ID, Changes: chs}, 401, "unauthorized"},
			{"another user's device", tokA, hub.PushRequest{Device: devB, Changes: chs}, 403, "device_owner"},
			{"oversized", tokA, big, 413, "too_large"},
			{"malformed JSON", tokA, []byte(`{"device": "x", "changes": [{"seq": 1,`), 400, "malformed"},
			{"trailing data", tokA, []byte(`{"device":"x","changes":[]} {}`), 400, "malformed"},
			{"no device", tokA, hub.PushRequest{Changes: chs}, 400, "bad_device"},
			{"seq not increasing", tokA, hub.PushRequest{Device: "x", Changes: append(chs, chs...)}, 400, "bad_seq"},
			{"device not UTF-8", tokA, []byte("{\"device\":\"ab\xff\",\"changes\":[]}"), 400, "bad_utf8"},
			{"value not UTF-8", tokA, badUTF8Push(t, chs), 400, "bad_utf8"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var e hub.ErrorResponse
				if code := newAPI(t, h, tc.token).do("POST", "/v1/push", tc.body, &e); code != tc.status || e.Error.Code != tc.code || e.Error.Message == "" {
					t.Fatalf("got %d %+v, want %d %s", code, e, tc.status, tc.code)
				}
				if want := map[string]string{"device not UTF-8": "device", "value not UTF-8": "changes[0].data.name"}[tc.name]; want != "" && e.Error.Field != want {
					t.Fatalf("the refusal names %q, want %q", e.Error.Field, want)
				}
				if n := seq(t, h); n != 1 {
					t.Fatalf("the hub stored %d changes, want only B's", n)
				}
			})
		}
		for _, path := range []string{"/v1/pull", "/v1/snapshot", "/v1/record?id=x"} {
			var e hub.ErrorResponse
			if code := newAPI(t, h, "").do("GET", path, nil, &e); code != 401 {
				t.Errorf("GET %s without token: %d", path, code)
			}
		}
		var e hub.ErrorResponse
		if code := newAPI(t, h, tokA).do("GET", "/v1/pull?cursor=-3", nil, &e); code != 400 || e.Error.Code != "bad_param" {
			t.Errorf("bad cursor: %d %+v", code, e)
		}
		if code := newAPI(t, h, "").do("GET", "/nope", nil, &e); code != 404 || e.Error.Code != "not_found" {
			t.Errorf("unknown path: %d %+v", code, e)
		}
		var hl hub.Health
		if code := newAPI(t, h, "").do("GET", "/v1/health", nil, &hl); code != 200 || !hl.OK || hl.Hub != h.Store.ID() {
			t.Errorf("health: %d %+v", code, hl)
		}
		users, _ := h.Store.Users(context.Background())
		if len(users) != 2 || users[0].Devices != 0 || users[1].Devices != 1 {
			t.Errorf("users: %+v", users)
		}
		// A disabled user is refused like a wrong token.
		if err := h.Store.SetDisabled(context.Background(), "Bruno", true); err != nil {
			t.Fatal(err)
		}
		if code, _, _ := newAPI(t, h, tokB).push(devB, nil); code != 401 {
			t.Errorf("disabled user: %d", code)
		}
	})
}

func TestCompactAndSnapshot(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *hubtest.Hub) {
		ctx := context.Background()
		a := newAPI(t, h, h.AddUser(t, "Anne"))
		laptop := modeltest.Open(t)
		for i := 0; i < 5; i++ {
			modeltest.Create(t, laptop, &model.Account{Name: fmt.Sprintf("Compte %d", i)})
		}
		if code, _, _ := a.push(laptop.Device().ID, outbox(t, laptop, 0)); code != 200 {
			t.Fatal(code)
		}
		n, err := h.Store.Compact(ctx, time.Now().Add(time.Hour))
		if err != nil || n != 5 {
			t.Fatalf("compact: %d %v", n, err)
		}
		var p hub.PullResponse
		a.do("GET", "/v1/pull?cursor=2", nil, &p)
		if !p.Reset {
			t.Fatalf("a cursor older than the log: %+v", p)
		}
		p = hub.PullResponse{}
		a.do("GET", "/v1/pull?cursor=5", nil, &p)
		if p.Reset || len(p.Changes) != 0 {
			t.Fatalf("an up-to-date cursor: %+v", p)
		}
		// A cursor ahead of the log: the hub was restored from an older
		// backup; the client must start again from a snapshot.
		p = hub.PullResponse{}
		a.do("GET", "/v1/pull?cursor=9", nil, &p)
		if !p.Reset {
			t.Fatalf("a cursor ahead of the hub's log: %+v", p)
		}
		var all []hub.SnapshotRecord
		after := ""
		var cursor int64 = -1
		for {
			var sn hub.SnapshotResponse
			a.do("GET", "/v1/snapshot?limit=2&after="+after, nil, &sn)
			if cursor < 0 {
				cursor = sn.Cursor
			}
			all = append(all, sn.Records...)
			after = sn.Next
			if !sn.More {
				break
			}
		}
		if len(all) != 5 || cursor != 5 {
			t.Fatalf("snapshot: %d records, cursor %d", len(all), cursor)
		}
	})
}

func TestSelfSignedTLS(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	cert, fp, err := hub.SelfSigned(dir, []string{"hub.example"}, now)
	if err != nil {
		t.Fatal(err)
	}
	_, fp2, err := hub.SelfSigned(dir, nil, now)
	if err != nil || fp2 != fp || len(fp) != 95 {
		t.Fatalf("the fingerprint changed across restarts or is malformed: %s vs %s (%v)", fp, fp2, err)
	}
	s := hubtest.OpenStore(t, hubtest.SQLite)
	srv := httptest.NewUnstartedServer(hub.NewServer(s, 0, t.Logf).Handler())
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.StartTLS()
	defer srv.Close()
	// A client that does not pin (nor trust) the certificate refuses it.
	if _, err := http.Get(srv.URL + "/v1/health"); err == nil {
		t.Fatal("an unpinned self-signed certificate was accepted")
	}
}
