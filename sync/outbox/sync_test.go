package outbox_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// Two laptops edit offline — different fields of one record, then the same
// field, then a delete against an edit — sync, and end with identical data;
// the losing values are in both conflict logs. Laptop B's clock is a day
// ahead, which changes no outcome (sync.md fault 14): the hub's order decides.
func TestTwoLaptopsConverge(t *testing.T) {
	for _, b := range hubtest.Backends(t) {
		t.Run(string(b), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			h := hubtest.Start(t, b)
			a := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
			bob := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), func() time.Time { return modeltest.Now.Add(24 * time.Hour) }, nil)

			x := &model.Account{Name: "Verrerie Morvan", City: "Nantes", Country: "FR"}
			y := &model.Account{Name: "Cidrerie Le Goff", City: "Quimper", Country: "FR"}
			modeltest.Create(t, a.store, x, y)
			modeltest.Create(t, a.store, &model.Contact{FirstName: "Paul", LastName: "Morvan", AccountID: x.ID})
			a.syncOK(t)
			if rep := bob.syncOK(t); rep.Pulled != 3 {
				t.Fatalf("B pulled %d changes, want 3", rep.Pulled)
			}

			// Different fields of one record: both edits survive, no conflict.
			a.set(t, model.KindAccount, x.ID, model.FieldMap{"city": "Saint-Nazaire"})
			bob.set(t, model.KindAccount, x.ID, model.FieldMap{"phone": "02 40 11 22 33"})
			a.syncOK(t)
			bob.syncOK(t)
			a.syncOK(t)
			for _, l := range []*laptop{a, bob} {
				var got model.Account
				l.store.Get(ctx, x.ID, &got)
				if got.City != "Saint-Nazaire" || got.Phone != "02 40 11 22 33" {
					t.Fatalf("%s after different-field edits: %+v", l.name, got)
				}
			}
			if c := conflictLog(t, a); len(c) != 0 {
				t.Fatalf("conflicts for different fields: %v", c)
			}

			// The same field: the later to reach the hub wins, the other value is logged.
			a.set(t, model.KindAccount, x.ID, model.FieldMap{"name": "Verrerie Morvan (A)"})
			bob.set(t, model.KindAccount, x.ID, model.FieldMap{"name": "Verrerie Morvan (B)"})
			a.syncOK(t)
			if rep := bob.syncOK(t); rep.Conflicts != 1 {
				t.Fatalf("B recorded %d conflicts, want 1", rep.Conflicts)
			}
			a.syncOK(t)
			// And again with B (clock a day ahead) reaching the hub first: A wins.
			a.set(t, model.KindAccount, y.ID, model.FieldMap{"notes": "livrer le mardi"})
			bob.set(t, model.KindAccount, y.ID, model.FieldMap{"notes": "livrer le jeudi"})
			bob.syncOK(t)
			a.syncOK(t)
			bob.syncOK(t)

			// Delete against edit, both orders: the delete wins, no resurrection.
			a.store.Delete(ctx, model.KindAccount, x.ID)
			bob.set(t, model.KindAccount, x.ID, model.FieldMap{"vat_number": "FR12345678901"})
			a.syncOK(t)
			bob.syncOK(t)
			a.syncOK(t)
			bob.set(t, model.KindAccount, y.ID, model.FieldMap{"city": "Brest"})
			a.store.Delete(ctx, model.KindAccount, y.ID)
			bob.syncOK(t)
			a.syncOK(t)
			bob.syncOK(t)

			da, db := dump(t, a.store), dump(t, bob.store)
			if da != db {
				t.Fatalf("laptops differ:\nA:\n%s\nB:\n%s", da, db)
			}
			for _, l := range []*laptop{a, bob} {
				var gx, gy model.Account
				l.store.Get(ctx, x.ID, &gx)
				l.store.Get(ctx, y.ID, &gy)
				if !gx.Deleted() || !gy.Deleted() || gx.Name != "Verrerie Morvan (B)" || gy.Notes != "livrer le mardi" || gx.VATNumber != "FR12345678901" {
					t.Fatalf("%s: x=%+v y=%+v", l.name, gx, gy)
				}
				if hits, _ := l.store.Search(ctx, "morvan verrerie", 5); len(hits) != 0 {
					t.Fatalf("%s: a deleted record is still found: %v", l.name, hits)
				}
				if n := l.outboxLen(t); n != 0 {
					t.Fatalf("%s: %d changes still queued", l.name, n)
				}
			}
			want := []string{
				`delete  lost={"city":"Brest"} by Bruno won="2026-11-27T10:00:00.000Z" by Anne`,
				`delete  lost={"vat_number":"FR12345678901"} by Bruno won="2026-11-27T10:00:00.000Z" by Anne`,
				`field name lost="Verrerie Morvan (A)" by Anne won="Verrerie Morvan (B)" by Bruno`,
				`field notes lost="livrer le jeudi" by Bruno won="livrer le mardi" by Anne`,
			}
			for _, l := range []*laptop{a, bob} {
				if got := conflictLog(t, l); strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Fatalf("%s conflict log:\n%s\nwant:\n%s", l.name, strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			}

			// One click restores a losing value; it syncs like any edit.
			cs, _ := a.sync.Conflicts(ctx, false, 0)
			var nameConflict, deleteConflict int64
			for _, c := range cs {
				if c.Field == "name" {
					nameConflict = c.ID
				}
				if c.Kind == "delete" && c.EntityID == y.ID {
					deleteConflict = c.ID
				}
			}
			if err := a.sync.RestoreConflict(ctx, nameConflict); err == nil || !strings.Contains(err.Error(), "trash") {
				t.Fatalf("restoring a field of a deleted record: %v", err)
			}
			if err := a.sync.RestoreConflict(ctx, deleteConflict); err != nil {
				t.Fatal(err)
			}
			a.syncOK(t)
			bob.syncOK(t)
			for _, l := range []*laptop{a, bob} {
				var gy model.Account
				l.store.Get(ctx, y.ID, &gy)
				if gy.Deleted() || gy.City != "Brest" {
					t.Fatalf("%s after restore: %+v", l.name, gy)
				}
			}
			if st := a.sync.Status(); st.Conflicts != 3 || st.Waiting != 0 || st.State != outbox.StateUpToDate || !st.Online {
				t.Fatalf("status after restore: %+v", st)
			}
			if dump(t, a.store) != dump(t, bob.store) {
				t.Fatal("laptops differ after the restore")
			}
			for _, l := range []*laptop{a, bob} {
				if err := l.store.Check(ctx); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// A rejected change is shown with its reason and never blocks the queue;
// retry sends the record's current values, discard puts back the hub's copy.
func TestRejectionRetryDiscard(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	a := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
	bob := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
	pa, pb := product("STAND-12"), product("STAND-12")
	modeltest.Create(t, a.store, pa)
	modeltest.Create(t, bob.store, pb)
	later := &model.Account{Name: "Brasserie Kerlann"}
	modeltest.Create(t, bob.store, later)
	a.syncOK(t)
	rep := bob.syncOK(t)
	if rep.Rejected != 1 || rep.Pushed != 1 {
		t.Fatalf("B's report: %+v", rep)
	}
	rs, err := bob.sync.Rejections(ctx)
	if err != nil || len(rs) != 1 {
		t.Fatalf("rejections: %v %v", rs, err)
	}
	r := rs[0]
	if r.Direction != "push" || r.Code != "duplicate_value" || r.EntityID != pb.ID || len(r.FieldErrors) != 1 || r.FieldErrors[0].Field != "sku" || !strings.Contains(r.Message, "STAND-12") {
		t.Fatalf("rejection: %+v", r)
	}
	// A's product was pulled in beside B's own: the local store never
	// refuses what the hub accepted, so the rest of the pull is not held up.
	var got model.Product
	if err := bob.store.Get(ctx, pa.ID, &got); err != nil || got.SKU != "STAND-12" {
		t.Fatalf("A's product on B: %+v %v", got, err)
	}
	if st := bob.sync.Status(); st.Rejected != 1 || st.Waiting != 0 {
		t.Fatalf("status: %+v", st)
	}
	// The user fixes the SKU (a patch the hub refuses: it never had the
	// record), then retries the creation: the current values go.
	bob.set(t, model.KindProduct, pb.ID, model.FieldMap{"sku": "STAND-12B"})
	bob.syncOK(t)
	rs, _ = bob.sync.Rejections(ctx)
	if len(rs) != 2 || rs[1].Code != "unknown_record" {
		t.Fatalf("rejections after the fix: %+v", rs)
	}
	if err := bob.sync.Retry(ctx, rs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := bob.sync.Discard(ctx, rs[1].ID); err != nil {
		t.Fatal(err)
	}
	bob.syncOK(t)
	a.syncOK(t)
	if err := a.store.Get(ctx, pb.ID, &got); err != nil || got.SKU != "STAND-12B" {
		t.Fatalf("A has B's retried product: %+v %v", got, err)
	}
	if rs, _ := bob.sync.Rejections(ctx); len(rs) != 0 {
		t.Fatalf("rejections left: %+v", rs)
	}

	// Discarding a creation the hub never had moves it to the local trash.
	c := newLaptop(t, "C", h.URL, h.AddUser(t, "Chloé"), nil, nil)
	pc := product("STAND-12")
	modeltest.Create(t, c.store, pc)
	c.syncOK(t)
	rs, _ = c.sync.Rejections(ctx)
	if len(rs) != 1 || rs[0].EntityID != pc.ID {
		t.Fatalf("C's rejections: %+v", rs)
	}
	if err := c.sync.Discard(ctx, rs[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := c.store.Get(ctx, pc.ID, &got); err != nil || !got.Deleted() {
		t.Fatalf("discarded creation: %+v %v", got, err)
	}
	c.syncOK(t)
	if err := c.store.Get(ctx, pa.ID, &got); err != nil || got.SKU != "STAND-12" || got.Deleted() {
		t.Fatalf("A's product on C: %+v %v", got, err)
	}
	if da, dc := dump(t, a.store), dump(t, c.store); strings.Count(dc, "\n") != strings.Count(da, "\n")+1 {
		t.Fatalf("C differs from A beyond its discarded product:\nA\n%s\nC\n%s", da, dc)
	}
	if dump(t, a.store) != dump(t, bob.store) {
		t.Fatalf("A and B differ:\nA\n%s\nB\n%s", dump(t, a.store), dump(t, bob.store))
	}
}

// A refused token (401) is never a rejection: nothing is discarded, and
// sync resumes with the new token.
func TestWrongTokenKeepsQueue(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	good := h.AddUser(t, "Anne")
	a := newLaptop(t, "A", h.URL, "rlh_wrong", nil, nil)
	modeltest.Create(t, a.store, &model.Account{Name: "Atelier Morvan"})
	_, err := a.sync.Sync(ctx)
	if !errors.Is(err, outbox.ErrAuth) {
		t.Fatalf("sync with a wrong token: %v", err)
	}
	if st := a.sync.Status(); st.State != outbox.StateAuth || st.Waiting != 1 || st.Rejected != 0 {
		t.Fatalf("status: %+v", st)
	}
	if err := a.sync.Configure(ctx, outbox.Settings{HubURL: h.URL, Token: good}); err != nil {
		t.Fatal(err)
	}
	if rep := a.syncOK(t); rep.Pushed != 1 {
		t.Fatalf("after re-authenticating: %+v", rep)
	}
	// The token is not in the database file.
	raw, _ := os.ReadFile(a.store.Path())
	wal, _ := os.ReadFile(a.store.Path() + "-wal")
	if strings.Contains(string(raw)+string(wal), good) {
		t.Fatal("the token is stored in the SQLite file")
	}
	fi, err := os.Stat(a.store.Path() + ".secrets")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secrets file: %v %v", fi, err)
	}
}

// A database filled with demo data never reaches the team hub.
func TestDemoDataNeverSynced(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	a := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
	if err := a.store.Write(ctx, func(tx *model.Tx) error {
		if err := tx.Create(&model.Account{Name: "Brasserie de démonstration"}); err != nil {
			return err
		}
		return tx.MarkDemo("test")
	}); err != nil {
		t.Fatal(err)
	}
	_, err := a.sync.Sync(ctx)
	if !errors.Is(err, outbox.ErrDemo) {
		t.Fatalf("sync of a demo database: %v, want ErrDemo", err)
	}
	if n, _ := a.store.OutboxCount(ctx); n != 1 {
		t.Fatalf("outbox %d, want the change still queued", n)
	}
	b := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
	b.syncOK(t)
	if n, _ := model.Count(ctx, b.store.DB(), model.KindAccount, model.Query{}); n != 0 {
		t.Fatalf("a colleague received %d demo accounts", n)
	}
}
