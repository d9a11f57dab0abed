package hub_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"relais/model"
	"relais/sync/hub"
	"relais/sync/hub/hubtest"
)

// wireDevice builds the changes one device sends, numbered from 1.
type wireDevice struct {
	t    *testing.T
	id   string
	seq  int64
	wall int64
}

func (d *wireDevice) change(op string, r model.Record, fields model.FieldMap) hub.Change {
	d.t.Helper()
	if fields == nil {
		f, err := model.Encode(r)
		if err != nil {
			d.t.Fatal(err)
		}
		delete(f, "id")
		delete(f, "updated_at")
		f["created_at"] = "2026-11-20T09:00:00.000Z"
		f["deleted_at"] = nil
		fields = f
	}
	b, err := json.Marshal(fields)
	if err != nil {
		d.t.Fatal(err)
	}
	d.seq++
	d.wall++
	return hub.Change{Seq: d.seq, TxID: fmt.Sprintf("%s-tx-%d", d.id, d.seq), Entity: string(r.Kind()), ID: r.Base().ID, Op: op, Data: b,
		HLC: model.HLC{WallMS: 1800000000000 + d.wall, Device: d.id}.String()}
}

func revisionOf(t *testing.T, a *api, id string) (int64, bool) {
	t.Helper()
	var rr hub.RecordResponse
	if code := a.do("GET", "/v1/record?id="+id, nil, &rr); code != 200 || !rr.Exists {
		t.Fatalf("record %s: %d %+v", id, code, rr)
	}
	var f map[string]any
	if err := json.Unmarshal(rr.Fields, &f); err != nil {
		t.Fatal(err)
	}
	n, _ := f["revision"].(float64)
	return int64(n), f["deleted_at"] != nil
}

// Revisions of one proposal made offline with the same number end with
// distinct numbers: the one that reaches the hub second (and third…) gets
// the proposal's highest number + 1, the change log carries it, and a
// conflict on "revision" says whose revision holds the original number. A
// revision brought back from the trash after its number was reused is
// renumbered too; edits that do not touch the number keep it.
func TestRevisionsRenumbered(t *testing.T) {
	forEachBackend(t, func(t *testing.T, h *hubtest.Hub) {
		anne := newAPI(t, h, h.AddUser(t, "Anne"))
		bruno := newAPI(t, h, h.AddUser(t, "Bruno"))
		da, db := &wireDevice{t: t, id: "dev-anne"}, &wireDevice{t: t, id: "dev-bruno"}
		push := func(a *api, d *wireDevice, chs ...hub.Change) {
			t.Helper()
			code, res, bad := a.push(d.id, chs)
			if code != 200 {
				t.Fatalf("push: %d %+v", code, bad)
			}
			for _, r := range res.Results {
				if r.Status != hub.StatusApplied {
					t.Fatalf("push: %+v", r)
				}
			}
		}
		acc := &model.Account{Name: "Hôtel du Lac", Country: "FR"}
		acc.ID = model.NewID()
		issue, _ := model.ParseDate("2026-11-20")
		prop := func(rev int64, root string) *model.Proposal {
			p := &model.Proposal{Number: "Q-2026-ANNE-0001", Revision: rev, RootID: root, AccountID: acc.ID, IssueDate: issue,
				Currency: "EUR", Language: "fr", Status: model.ProposalDraft, Title: "Cuisine"}
			p.ID = model.NewID()
			return p
		}
		r1 := prop(1, "")
		push(anne, da, da.change("put", acc, nil))
		push(anne, da, da.change("put", r1, nil))
		r2a, r2b, r2c := prop(2, r1.ID), prop(2, r1.ID), prop(2, r1.ID)
		push(anne, da, da.change("put", r2a, nil))
		before := seq(t, h)
		push(bruno, db, db.change("put", r2b, nil))
		// A third laptop's R2 (sent by Bruno too) gets the next number again.
		push(bruno, db, db.change("put", r2c, nil))
		for id, want := range map[string]int64{r1.ID: 1, r2a.ID: 2, r2b.ID: 3, r2c.ID: 4} {
			if got, _ := revisionOf(t, anne, id); got != want {
				t.Fatalf("revision of %s: %d, want %d", id, got, want)
			}
		}
		// The log carries the new numbers and why, for every laptop.
		got := anne.pullAll(before)
		if len(got) != 2 {
			t.Fatalf("pulled %d changes", len(got))
		}
		for i, want := range []int64{3, 4} {
			c := got[i]
			var data map[string]any
			_ = json.Unmarshal(c.Data, &data)
			if data["revision"] != float64(want) {
				t.Fatalf("change %d carries revision %v, want %d", c.Seq, data["revision"], want)
			}
			if len(c.Conflicts) != 1 {
				t.Fatalf("change %d: conflicts %+v", c.Seq, c.Conflicts)
			}
			k := c.Conflicts[0]
			if k.Kind != hub.ConflictField || k.Field != "revision" || string(k.Lost) != "2" || string(k.Won) != fmt.Sprint(want) ||
				k.LostBy != "Bruno" || k.WonBy != "Anne" {
				t.Fatalf("change %d: conflict %+v", c.Seq, k)
			}
		}
		// An edit that does not touch the number keeps it.
		push(bruno, db, db.change("patch", r2b, model.FieldMap{"title": "Cuisine et cellier"}))
		if got, _ := revisionOf(t, anne, r2b.ID); got != 3 {
			t.Fatalf("after an edit: revision %d", got)
		}
		// Anne's R2 goes to the trash; a new R2 may take the number; the old
		// one restored gets the next free number.
		push(anne, da, da.change("delete", r2a, model.FieldMap{"deleted_at": "2026-11-21T09:00:00.000Z"}))
		r2d := prop(2, r1.ID)
		push(anne, da, da.change("put", r2d, nil))
		if got, _ := revisionOf(t, anne, r2d.ID); got != 2 {
			t.Fatalf("R2 after the first went to the trash: %d", got)
		}
		push(anne, da, da.change("patch", r2a, model.FieldMap{"deleted_at": nil}))
		if got, deleted := revisionOf(t, anne, r2a.ID); got != 5 || deleted {
			t.Fatalf("restored R2: revision %d, deleted %v; want 5, live", got, deleted)
		}
		// Two revisions with one number inside one action.
		x, y := prop(6, r1.ID), prop(6, r1.ID)
		cx, cy := db.change("put", x, nil), db.change("put", y, nil)
		cy.TxID = cx.TxID
		push(bruno, db, cx, cy)
		gx, _ := revisionOf(t, anne, x.ID)
		gy, _ := revisionOf(t, anne, y.ID)
		if gx != 6 || gy != 7 {
			t.Fatalf("one action: revisions %d and %d, want 6 and 7", gx, gy)
		}
	})
}
