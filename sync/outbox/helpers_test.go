package outbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

func TestMain(m *testing.M) {
	if maybeChild() || maybeBigChild() {
		return
	}
	hubtest.Main(m)
}

// laptop is one coordinator's machine: a real store and its syncer.
type laptop struct {
	name  string
	store *model.Store
	sync  *outbox.Syncer
}

// newLaptop opens a store in a temp folder and connects it to url with
// token; now is its clock (nil: modeltest.Now).
func newLaptop(t testing.TB, name, url, token string, now func() time.Time, hc *http.Client) *laptop {
	t.Helper()
	if now == nil {
		now = func() time.Time { return modeltest.Now }
	}
	dir := t.TempDir()
	s := modeltest.OpenAt(t, filepath.Join(dir, "relais.db"), now)
	return connect(t, name, s, url, token, hc)
}

func connect(t testing.TB, name string, s *model.Store, url, token string, hc *http.Client) *laptop {
	t.Helper()
	ctx := context.Background()
	sec := outbox.FileSecrets{Path: s.Path() + ".secrets"}
	if err := outbox.SaveSettings(ctx, s, sec, outbox.Settings{HubURL: url, Token: token}); err != nil {
		t.Fatal(err)
	}
	sy, err := outbox.New(ctx, s, outbox.Options{Secrets: sec, HTTPClient: hc, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	return &laptop{name: name, store: s, sync: sy}
}

func (l *laptop) syncOK(t testing.TB) outbox.Report {
	t.Helper()
	rep, err := l.sync.Sync(context.Background())
	if err != nil {
		t.Fatalf("%s: sync: %v", l.name, err)
	}
	return rep
}

func (l *laptop) set(t testing.TB, k model.Kind, id string, f model.FieldMap) {
	t.Helper()
	if err := l.store.Set(context.Background(), k, id, f); err != nil {
		t.Fatalf("%s: set %v: %v", l.name, f, err)
	}
}

func (l *laptop) outboxLen(t testing.TB) int {
	t.Helper()
	n, err := l.store.OutboxCount(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// dump renders every account, contact and product of a store (tombstones
// included, without updated_at, which is local bookkeeping) for comparing
// two laptops.
func dump(t testing.TB, s *model.Store) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	add := func(r model.Record) {
		f, err := model.Encode(r)
		if err != nil {
			t.Fatal(err)
		}
		f["deleted_at"] = nil
		if r.Base().Deleted() {
			f["deleted_at"] = model.FormatTime(r.Base().DeletedAt)
		}
		b, _ := json.Marshal(f)
		lines = append(lines, string(r.Kind())+" "+r.Base().ID+" "+string(b))
	}
	q := model.Query{WithDeleted: true}
	as, err := model.List[model.Account](ctx, s.DB(), q)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range as {
		add(r)
	}
	cs, _ := model.List[model.Contact](ctx, s.DB(), q)
	for _, r := range cs {
		add(r)
	}
	ps, _ := model.List[model.Product](ctx, s.DB(), q)
	for _, r := range ps {
		add(r)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// conflictLog renders a laptop's conflicts for comparison.
func conflictLog(t testing.TB, l *laptop) []string {
	t.Helper()
	cs, err := l.sync.Conflicts(context.Background(), true, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range cs {
		lost, _ := json.Marshal(c.Lost)
		won, _ := json.Marshal(c.Won)
		out = append(out, c.Kind+" "+c.Field+" lost="+string(lost)+" by "+c.LostBy+" won="+string(won)+" by "+c.WonBy)
	}
	sort.Strings(out)
	return out
}

func product(sku string) *model.Product {
	return &model.Product{SKU: sku, Name: "Stand " + sku, Unit: "pc", Currency: "EUR", Availability: model.InStock, PriceMinor: 120000}
}
