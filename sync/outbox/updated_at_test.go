package outbox_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub/hubtest"
)

// updatedAts lists "table id updated_at" for every record of every table
// that has an updated_at, tombstones included.
func updatedAts(t *testing.T, l *laptop) []string {
	t.Helper()
	ctx := context.Background()
	db := l.store.DB()
	rows, err := db.QueryContext(ctx, `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.name = 'updated_at' ORDER BY m.name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var out []string
	for _, tb := range tables {
		rows, err := db.QueryContext(ctx, `SELECT id, updated_at FROM `+tb)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id, at string
			if err := rows.Scan(&id, &at); err != nil {
				t.Fatal(err)
			}
			out = append(out, tb+" "+id+" "+at)
		}
		rows.Close()
	}
	sort.Strings(out)
	return out
}

func sameUpdatedAts(t *testing.T, want *laptop, others ...*laptop) {
	t.Helper()
	w := updatedAts(t, want)
	if len(w) == 0 {
		t.Fatalf("%s has no records", want.name)
	}
	for _, l := range others {
		if g := updatedAts(t, l); strings.Join(g, "\n") != strings.Join(w, "\n") {
			t.Fatalf("updated_at differs between %s and %s:\n%s\n---\n%s", want.name, l.name, strings.Join(w, "\n"), strings.Join(g, "\n"))
		}
	}
}

// Every laptop ends with the same updated_at for every record: the hub's
// acceptance time of the record's last change, the author's laptop (whose
// own change comes back changing no field) included, and a laptop that took
// a snapshot after the hub compacted its log too. The laptops' clocks are
// fixed (modeltest.Now) and the hub's is real, so a local time left behind
// shows.
func TestUpdatedAtSameOnEveryLaptop(t *testing.T) {
	for _, backend := range hubtest.Backends(t) {
		t.Run(string(backend), func(t *testing.T) {
			ctx := context.Background()
			h := hubtest.Start(t, backend)
			a := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
			b := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
			acc := &model.Account{Name: "Atelier Morvan"}
			modeltest.Create(t, a.store, acc)
			con := &model.Contact{FirstName: "Léa", LastName: "Morvan", AccountID: acc.ID}
			modeltest.Create(t, a.store, con)
			prod := product("SKU-1")
			modeltest.Create(t, a.store, prod)
			a.syncOK(t)
			b.syncOK(t)
			sameUpdatedAts(t, a, b)

			a.set(t, model.KindAccount, acc.ID, model.FieldMap{"city": "Quimper"})
			b.set(t, model.KindContact, con.ID, model.FieldMap{"title": "Gérante"})
			a.syncOK(t)
			b.syncOK(t)
			a.syncOK(t)
			sameUpdatedAts(t, a, b)
			for _, line := range updatedAts(t, a) {
				if strings.HasSuffix(line, " "+model.FormatTime(modeltest.Now)) {
					t.Fatalf("a laptop's own edit time stayed: %s", line)
				}
			}

			// The log compacted, then one more change: a new laptop takes a
			// snapshot whose times come from what compaction kept and from
			// the change log.
			if _, err := h.Store.Compact(ctx, time.Now().Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			a.set(t, model.KindProduct, prod.ID, model.FieldMap{"name": "Stand pliant"})
			a.syncOK(t)
			b.syncOK(t)
			c := newLaptop(t, "C", h.URL, h.AddUser(t, "Chloé"), nil, nil)
			if rep := c.syncOK(t); !rep.Reset {
				t.Fatal("the new laptop took no snapshot")
			}
			sameUpdatedAts(t, a, b, c)
			if d := dump(t, c.store); d != dump(t, a.store) {
				t.Fatalf("C differs from A:\n%s\n---\n%s", d, dump(t, a.store))
			}
		})
	}
}
