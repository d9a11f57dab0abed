package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"relais/model"
	"relais/sync/hub"
	"relais/sync/hub/hubtest"
)

// faultProxy sits between laptops and the hub on loopback and, while
// enabled, breaks about half the requests in one of the ways networks do.
type faultProxy struct {
	hub     string
	enabled atomic.Bool
	mu      sync.Mutex
	rnd     *rand.Rand
	counts  map[string]int
	srv     *httptest.Server
}

func newFaultProxy(t testing.TB, hubURL string, seed uint64) *faultProxy {
	p := &faultProxy{hub: hubURL, rnd: rand.New(rand.NewPCG(seed, 7)), counts: map[string]int{}}
	p.enabled.Store(true)
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

var faults = []string{"ok", "ok", "ok", "ok", "drop_reply", "drop_reply", "500", "429", "cut_reply", "cut_request", "delay"}

func (p *faultProxy) pick() string {
	if !p.enabled.Load() {
		return "ok"
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	f := faults[p.rnd.IntN(len(faults))]
	p.counts[f]++
	return f
}

// forward sends the request to the hub and returns its full answer.
func (p *faultProxy) forward(r *http.Request, body []byte, cut bool) (*http.Response, []byte, error) {
	var rd io.Reader = bytes.NewReader(body)
	if cut {
		rd = io.LimitReader(bytes.NewReader(body), int64(len(body)/2))
	}
	req, _ := http.NewRequestWithContext(r.Context(), r.Method, p.hub+r.URL.RequestURI(), rd)
	req.Header = r.Header.Clone()
	req.ContentLength = int64(len(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp, b, err
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	switch p.pick() {
	case "500":
		http.Error(w, `{"error":{"code":"internal","message":"proxy says 500"}}`, http.StatusInternalServerError)
		return
	case "429":
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":{"code":"slow_down","message":"too many requests"}}`, http.StatusTooManyRequests)
		return
	case "cut_request":
		// The hub gets half a body and the client no answer.
		p.forward(r, body, true)
		panic(http.ErrAbortHandler)
	case "drop_reply":
		// The hub commits; the reply never reaches the laptop.
		p.forward(r, body, false)
		panic(http.ErrAbortHandler)
	case "cut_reply":
		resp, b, err := p.forward(r, body, false)
		if err != nil {
			panic(http.ErrAbortHandler)
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.Header().Set("Content-Length", fmt.Sprint(len(b)))
		w.WriteHeader(resp.StatusCode)
		w.Write(b[:len(b)/2])
		panic(http.ErrAbortHandler)
	case "delay":
		time.Sleep(time.Duration(20+rand.IntN(80)) * time.Millisecond)
	}
	resp, b, err := p.forward(r, body, false)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
	w.WriteHeader(resp.StatusCode)
	w.Write(b)
}

// edit makes a random user action on l: create an account, change a field
// of a known one, or delete one.
func edit(t testing.TB, l *laptop, rnd *rand.Rand, n int) {
	ctx := context.Background()
	accs, err := model.List[model.Account](ctx, l.store.DB(), model.Query{})
	if err != nil {
		t.Error(err)
		return
	}
	switch op := rnd.IntN(10); {
	case op < 3 || len(accs) == 0:
		if err := l.store.Create(ctx, &model.Account{Name: fmt.Sprintf("%s compte %d", l.name, n), City: "Lyon"}); err != nil {
			t.Error(err)
		}
	case op < 9:
		a := accs[rnd.IntN(len(accs))]
		field := []string{"city", "phone", "notes", "region"}[rnd.IntN(4)]
		err := l.store.Set(ctx, model.KindAccount, a.ID, model.FieldMap{field: fmt.Sprintf("%s-%d", l.name, n)})
		if err != nil {
			t.Error(err)
		}
	default:
		if err := l.store.Delete(ctx, model.KindAccount, accs[rnd.IntN(len(accs))].ID); err != nil {
			t.Error(err)
		}
	}
}

// exactlyOnce checks that the hub's change log holds every change each
// laptop ever queued, once: device seqs 1..top with no gap or repeat.
func exactlyOnce(t testing.TB, h *hubtest.Hub, token string, ls []*laptop) {
	t.Helper()
	ctx := context.Background()
	seen := map[string]map[int64]int{}
	var cursor int64
	for {
		p, err := h.Store.Pull(ctx, cursor, hub.MaxPullPage)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range p.Changes {
			if seen[c.Device] == nil {
				seen[c.Device] = map[int64]int{}
			}
			seen[c.Device][c.DeviceSeq]++
		}
		cursor = p.Next
		if !p.More {
			break
		}
	}
	for _, l := range ls {
		var top int64
		l.store.DB().QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).Scan(&top)
		got := seen[l.store.Device().ID]
		if int64(len(got)) != top {
			t.Errorf("%s queued %d changes; the hub has %d of them", l.name, top, len(got))
		}
		for s, n := range got {
			if n != 1 || s < 1 || s > top {
				t.Errorf("%s change %d applied %d times", l.name, s, n)
			}
		}
	}
}

// Faults between laptops and hub (replies lost after the commit, 500, 429,
// connections cut mid-body either way, delays) while three laptops edit and
// sync concurrently: once the faults stop, all converge and every change was
// applied exactly once (sync.md faults 2, 4, 6, 8).
func TestFaultProxyConverges(t *testing.T) {
	for _, b := range hubtest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			h := hubtest.Start(t, b)
			seed := uint64(time.Now().UnixNano())
			t.Logf("fault seed %d", seed)
			proxy := newFaultProxy(t, h.URL, seed)
			var ls []*laptop
			for _, name := range []string{"A", "B", "C"} {
				ls = append(ls, newLaptop(t, name, proxy.srv.URL, h.AddUser(t, name), nil, nil))
			}
			var failures atomic.Int64
			for round := 0; round < 15; round++ {
				var wg sync.WaitGroup
				for i, l := range ls {
					wg.Add(1)
					go func() {
						defer wg.Done()
						rnd := rand.New(rand.NewPCG(uint64(round), uint64(i)))
						for k := 0; k < 1+rnd.IntN(4); k++ {
							edit(t, l, rnd, round*10+k)
						}
						if _, err := l.sync.Sync(context.Background()); err != nil {
							failures.Add(1)
						}
					}()
				}
				wg.Wait()
			}
			proxy.enabled.Store(false)
			for pass := 0; pass < 2; pass++ {
				for _, l := range ls {
					l.syncOK(t)
				}
			}
			t.Logf("faults injected: %v; failed rounds: %d", proxy.counts, failures.Load())
			if failures.Load() == 0 {
				t.Fatal("no round failed: the proxy injected nothing")
			}
			want := dump(t, ls[0].store)
			for _, l := range ls {
				if n := l.outboxLen(t); n != 0 {
					t.Errorf("%s: %d changes still queued", l.name, n)
				}
				if got := dump(t, l.store); got != want {
					t.Errorf("%s differs from A:\n%s\nA:\n%s", l.name, got, want)
				}
				if rs, _ := l.sync.Rejections(context.Background()); len(rs) != 0 {
					t.Errorf("%s has rejections: %+v", l.name, rs)
				}
				if err := l.store.Check(context.Background()); err != nil {
					t.Error(err)
				}
			}
			exactlyOnce(t, h, "", ls)
		})
	}
}
