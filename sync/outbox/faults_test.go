package outbox_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// dropReply is a transport that, while armed, delivers the next push to the
// hub, lets the hub commit it, and then loses the reply: what a laptop
// killed between the hub's answer and its own acknowledgement, or a
// connection cut on the way back, leaves behind (sync.md faults 2 and 3).
type dropReply struct {
	armed atomic.Bool
}

func (d *dropReply) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/v1/push") || !d.armed.CompareAndSwap(true, false) {
		return resp, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return nil, errors.New("connection reset after the hub committed")
}

// The hub applies A's edit but A never learns it; meanwhile B, who pulled
// that edit, overwrites the field. Whatever A does next — a plain sync, or a
// pull before anything is resent — the resend is recognised as a duplicate,
// nothing is applied twice, and A ends with B's newer value, like the hub,
// with no conflict invented.
func TestLostAckThenColleagueEdit(t *testing.T) {
	for _, pullFirst := range []bool{false, true} {
		name := "sync"
		if pullFirst {
			name = "pull first"
		}
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			h := hubtest.Start(t, hubtest.SQLite)
			drop := &dropReply{}
			tokA := h.AddUser(t, "Anne")
			a := newLaptop(t, "A", h.URL, tokA, nil, &http.Client{Transport: drop, Timeout: 10 * time.Second})
			bob := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
			x := &model.Account{Name: "Verrerie Morvan", City: "Nantes"}
			modeltest.Create(t, a.store, x)
			a.syncOK(t)
			bob.syncOK(t)

			a.set(t, model.KindAccount, x.ID, model.FieldMap{"city": "Saint-Nazaire", "phone": "02 40 00 00 00"})
			drop.armed.Store(true)
			if _, err := a.sync.Sync(ctx); err == nil {
				t.Fatal("the lost reply went unnoticed")
			}
			if n := a.outboxLen(t); n != 1 {
				t.Fatalf("A's outbox after the lost reply: %d, want the edit still queued", n)
			}
			hubSeq, _ := h.Store.Seq(ctx)
			if hubSeq != 2 {
				t.Fatalf("hub at %d, want A's edit applied (2)", hubSeq)
			}

			// B saw A's edit, then changed the city again: B's is the newer write.
			bob.syncOK(t)
			bob.set(t, model.KindAccount, x.ID, model.FieldMap{"city": "Brest"})
			bob.syncOK(t)

			// A restarts: a new Syncer on the same database file.
			a2 := connect(t, "A", a.store, h.URL, tokA, nil)
			if pullFirst {
				if _, err := a2.sync.Pull(ctx); err != nil {
					t.Fatal(err)
				}
			}
			rep := a2.syncOK(t)
			if rep.Pushed != 0 || rep.Duplicates != 1 {
				t.Fatalf("A's resend: %+v, want the edit recognised as a duplicate", rep)
			}
			if n, _ := h.Store.Seq(ctx); n != 3 {
				t.Fatalf("hub at %d after A's resend, want 3 (nothing applied twice)", n)
			}
			exactlyOnce(t, h, tokA, []*laptop{a2, bob})
			for _, l := range []*laptop{a2, bob} {
				var got model.Account
				if err := l.store.Get(ctx, x.ID, &got); err != nil {
					t.Fatal(err)
				}
				if got.City != "Brest" || got.Phone != "02 40 00 00 00" {
					t.Fatalf("%s: city %q phone %q, want Brest and A's phone", l.name, got.City, got.Phone)
				}
				if c := conflictLog(t, l); len(c) != 0 {
					t.Fatalf("%s: conflicts %v", l.name, c)
				}
				if n := l.outboxLen(t); n != 0 {
					t.Fatalf("%s: %d changes still queued", l.name, n)
				}
			}
			if da, db := dump(t, a2.store), dump(t, bob.store); da != db {
				t.Fatalf("laptops differ:\nA\n%s\nB\n%s", da, db)
			}
		})
	}
}

// A laptop restored from a backup taken while an edit was still queued:
// the restored copy resends that edit under its new device identity and the
// hub recognises it (applied once), the edits made after the backup come
// back from the hub, an edit made after the restore is applied, and an
// edit a colleague made meanwhile to the same field is reported as a
// conflict, never silently lost.
func TestRestoredLaptopSyncs(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	tokA := h.AddUser(t, "Anne")
	a := newLaptop(t, "A", h.URL, tokA, nil, nil)
	bob := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
	x := &model.Account{Name: "Verrerie Morvan", City: "Nantes"}
	modeltest.Create(t, a.store, x)
	a.syncOK(t)
	bob.syncOK(t)

	a.set(t, model.KindAccount, x.ID, model.FieldMap{"city": "Saint-Nazaire"}) // queued at backup time
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := a.store.Backup(ctx, backup, nil); err != nil {
		t.Fatal(err)
	}
	a.syncOK(t)
	y := &model.Account{Name: "Cidrerie Le Goff"} // made after the backup
	modeltest.Create(t, a.store, y)
	a.set(t, model.KindAccount, x.ID, model.FieldMap{"phone": "02 40 00 00 00"})
	a.syncOK(t)
	bob.syncOK(t)
	bob.set(t, model.KindAccount, x.ID, model.FieldMap{"notes": "de Bruno"})
	bob.syncOK(t)
	before, _ := h.Store.Seq(ctx)

	oldDevice := a.store.Device().ID
	if err := a.store.RestoreBackup(ctx, backup, nil); err != nil {
		t.Fatal(err)
	}
	if a.store.Device().ID == oldDevice {
		t.Fatal("the restored database kept its device identity")
	}
	a.set(t, model.KindAccount, x.ID, model.FieldMap{"notes": "d'Anne, après restauration"})
	a2 := connect(t, "A", a.store, h.URL, tokA, nil)
	rep := a2.syncOK(t)
	if rep.Duplicates != 1 || rep.Pushed != 1 || rep.Rejected != 0 {
		t.Fatalf("restored laptop's round: %+v, want 1 duplicate and 1 applied", rep)
	}
	if n, _ := h.Store.Seq(ctx); n != before+1 {
		t.Fatalf("hub at %d, want %d: the resent edit was applied again", n, before+1)
	}
	bob.syncOK(t)
	for _, l := range []*laptop{a2, bob} {
		var gx, gy model.Account
		l.store.Get(ctx, x.ID, &gx)
		if err := l.store.Get(ctx, y.ID, &gy); err != nil {
			t.Fatalf("%s lost the account made after the backup: %v", l.name, err)
		}
		if gx.City != "Saint-Nazaire" || gx.Phone != "02 40 00 00 00" || gx.Notes != "d'Anne, après restauration" {
			t.Fatalf("%s: %+v", l.name, gx)
		}
		want := `field notes lost="de Bruno" by Bruno won="d'Anne, après restauration" by Anne`
		if c := conflictLog(t, l); len(c) != 1 || c[0] != want {
			t.Fatalf("%s conflicts: %v, want [%s]", l.name, c, want)
		}
	}
	if da, db := dump(t, a2.store), dump(t, bob.store); da != db {
		t.Fatalf("laptops differ:\nA\n%s\nB\n%s", da, db)
	}
	if err := a2.store.Check(ctx); err != nil {
		t.Fatal(err)
	}
}

// Two laptops offline each make "revision 2" of the same proposal: both
// revisions reach the team, neither is refused or lost, and they end with
// distinct numbers on every laptop: the one the hub received second becomes
// revision 3 (its author's laptop included, through the normal pull), and
// every laptop's conflict list says why.
func TestConcurrentProposalRevisions(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	a := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
	b := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
	acc := &model.Account{Name: "Hôtel du Lac"}
	modeltest.Create(t, a.store, acc)
	p, err := a.store.NewProposal(ctx, model.ProposalSource{AccountID: acc.ID, Title: "Cuisine"})
	if err != nil {
		t.Fatal(err)
	}
	a.syncOK(t)
	b.syncOK(t)
	ra, err := a.store.NewRevision(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	rb, err := b.store.NewRevision(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if ra.Number != rb.Number || ra.Revision != 2 || rb.Revision != 2 {
		t.Fatalf("revisions %s-R%d and %s-R%d", ra.Number, ra.Revision, rb.Number, rb.Revision)
	}
	for _, l := range []*laptop{a, b, a} {
		if rep := l.syncOK(t); rep.Rejected != 0 {
			t.Fatalf("%s: %d changes refused", l.name, rep.Rejected)
		}
	}
	for _, l := range []*laptop{a, b} {
		for id, want := range map[string]int64{p.ID: 1, ra.ID: 2, rb.ID: 3} {
			var got model.Proposal
			if err := l.store.Get(ctx, id, &got); err != nil {
				t.Fatal(err)
			}
			if got.Revision != want {
				t.Fatalf("%s: %s is revision %d, want %d", l.name, got.DisplayNumber(), got.Revision, want)
			}
		}
		revs, err := l.store.Revisions(ctx, p.ID)
		if err != nil || len(revs) != 3 {
			t.Fatalf("%s: %d revisions (%v), want 3", l.name, len(revs), err)
		}
		// Bruno's revision kept its lines under its new number.
		var lines int
		if err := l.store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_lines WHERE proposal_id = ?`, rb.ID).Scan(&lines); err != nil {
			t.Fatal(err)
		}
		var orig int
		if err := l.store.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM proposal_lines WHERE proposal_id = ?`, p.ID).Scan(&orig); err != nil || lines != orig {
			t.Fatalf("%s: revision 3 has %d lines, revision 1 %d (%v)", l.name, lines, orig, err)
		}
		if got := conflictLog(t, l); len(got) != 1 || got[0] != "field revision lost=2 by Bruno won=3 by Anne" {
			t.Fatalf("%s: conflicts %q", l.name, got)
		}
		cs, err := l.sync.Conflicts(ctx, false, 10)
		if err != nil || len(cs) != 1 {
			t.Fatalf("%s: %v %v", l.name, cs, err)
		}
		if err := l.sync.RestoreConflict(ctx, cs[0].ID); !errors.Is(err, outbox.ErrRenumbered) {
			t.Fatalf("%s: restoring the old number: %v", l.name, err)
		}
	}
	if da, db := proposalDump(t, a), proposalDump(t, b); da != db {
		t.Fatalf("laptops differ:\nA\n%s\nB\n%s", da, db)
	}
}

// proposalDump renders every proposal of a laptop for comparing two.
func proposalDump(t *testing.T, l *laptop) string {
	t.Helper()
	ps, err := model.List[model.Proposal](context.Background(), l.store.DB(), model.Query{WithDeleted: true, OrderBy: "id"})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.ID+" "+p.DisplayNumber()+" "+p.Status+" "+p.RootID)
	}
	return strings.Join(out, "\n")
}
