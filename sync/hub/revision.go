package hub

import (
	"database/sql"
	"errors"
	"fmt"

	"relais/model"
)

// Proposal revisions. A laptop numbers a new revision of a proposal from what
// it has (latest + 1), so two laptops that revise the same proposal offline
// both make "revision 2". Both are kept (each is its own record, with its own
// lines), but one number must name one revision: the hub gives the one that
// reaches it second the next free number of that proposal, max + 1, writes
// it in the change log so that every laptop, its author's included, takes
// it through the normal pull, and logs a conflict that tells
// the user why their R2 is now R3.
//
// Which numbers a proposal's revisions hold is found through
// proposal_revisions, a small index kept with portable SQL only (record
// fields are JSON text, which SQLite and PostgreSQL query differently). It
// is written while a change is merged, before the hub knows whether the
// change's action is applied, so it is only a hint: every entry is checked
// against the record it names (as this push sees it) before it counts, and
// entries left by refused actions are simply outdated.

// A renumbered revision is logged as a ConflictField on the proposal's
// "revision": Lost is the number its author gave it, Won the number the hub
// gave it, and WonBy, WonDevice, WonHLC and WonSeq are the write of the
// revision that holds the original number. Not a kind of its own: the
// conflict tables of laptops already in use accept only "field" and
// "delete", and a pull they cannot record would stop them syncing. The
// Sync screen recognises it by entity and field (revisions are never edited
// by hand) and explains it.

func init() {
	schema = append(schema,
		`CREATE TABLE IF NOT EXISTS proposal_revisions (
			root_id TEXT NOT NULL, revision BIGINT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (root_id, revision))`)
}

// revisionsIndexed is the hub_meta key saying proposal_revisions holds every
// proposal stored before it existed.
const revisionsIndexed = "proposal_revisions"

// proposalRoot returns the id of revision 1 of a proposal record (its own
// id on revision 1, whose root_id is empty) and its revision number.
func proposalRoot(r *record) (root string, rev int64) {
	root, _ = r.f["root_id"].(string)
	if root == "" {
		root = r.id
	}
	rev, _ = r.f["revision"].(int64)
	return root, rev
}

// renumberRevision checks, for a proposal change merged into nr at hub
// sequence seq, that no other live revision of the same proposal holds nr's
// revision number. If one does (it reached the hub first), nr gets the
// proposal's highest number + 1, applied (what the change log carries) says
// so, and the returned conflict tells every laptop why. Revisions staged in
// the same action or written earlier in the same push count: lookups go
// through st.lookup. merge calls it after the fields are merged and before
// validation.
func (st *pushState) renumberRevision(in *incoming, nr *record, applied model.FieldMap, staged map[string]*record, seq int64) (*Conflict, error) {
	if nr.entity != model.KindProposal || nr.deleted() {
		return nil, nil
	}
	// Only a change that sets the number, the proposal it belongs to, or
	// brings the revision back from the trash can make it clash; any other
	// keeps the number checked when it was set.
	_, setsRev := in.fields["revision"]
	_, setsRoot := in.fields["root_id"]
	_, setsDel := in.fields["deleted_at"]
	if !setsRev && !setsRoot && !setsDel {
		return nil, nil
	}
	root, rev := proposalRoot(nr)
	if rev < 1 {
		return nil, nil // validation refuses it
	}
	if err := st.indexRevisions(); err != nil {
		return nil, err
	}
	holders, err := st.revisionHolders(root, nr.id, staged)
	if err != nil {
		return nil, err
	}
	var taken *record
	top := rev
	for _, h := range holders {
		_, hr := proposalRoot(h)
		if hr == rev && !h.deleted() {
			taken = h
		}
		top = max(top, hr)
	}
	if taken == nil {
		return nil, st.indexRevision(root, rev, nr.id)
	}
	// Numbers of revisions in the trash are skipped too: restoring one must
	// not clash again.
	next := top + 1
	me := fieldMeta{Seq: seq, Device: st.device, User: st.user.Name, HLC: in.HLC}
	nr.f["revision"], nr.m["revision"], applied["revision"] = next, me, next
	if err := st.indexRevision(root, next, nr.id); err != nil {
		return nil, err
	}
	first := taken.m["revision"]
	if first.Seq == 0 {
		first = taken.m["created_at"] // a record merged before field metadata covered it
	}
	return &Conflict{Kind: ConflictField, Field: "revision",
		Lost: rawJSON(rev), LostBy: me.User, LostDevice: me.Device, LostHLC: me.HLC, LostSeq: seq,
		Won: rawJSON(next), WonBy: first.User, WonDevice: first.Device, WonHLC: first.HLC, WonSeq: first.Seq}, nil
}

// revisionHolders returns the other revisions of proposal root, live or in
// the trash, in their newest state for this push.
func (st *pushState) revisionHolders(root, self string, staged map[string]*record) ([]*record, error) {
	rows, err := st.tx.QueryContext(st.ctx, st.s.q(`SELECT revision, record_id FROM proposal_revisions WHERE root_id = ?`), root)
	if err != nil {
		return nil, fmt.Errorf("hub: push: read proposal revisions: %w", err)
	}
	type entry struct {
		rev int64
		id  string
	}
	var entries []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.rev, &e.id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("hub: push: read proposal revisions: %w", err)
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hub: push: read proposal revisions: %w", err)
	}
	// Revision 1 is the root itself, indexed or not.
	entries = append(entries, entry{rev: 1, id: root})
	seen := map[string]bool{self: true}
	var out []*record
	for _, e := range entries {
		if seen[e.id] {
			continue
		}
		r, err := st.lookup(e.id, staged)
		if err != nil {
			return nil, err
		}
		if r == nil || r.entity != model.KindProposal {
			continue
		}
		// An entry left by a refused action, or by a revision that moved,
		// names a record that no longer holds that number.
		if rr, rv := proposalRoot(r); rr != root || rv != e.rev {
			continue
		}
		seen[e.id] = true
		out = append(out, r)
	}
	return out, nil
}

func (st *pushState) indexRevision(root string, rev int64, id string) error {
	if _, err := st.tx.ExecContext(st.ctx, st.s.q(`INSERT INTO proposal_revisions(root_id, revision, record_id) VALUES (?, ?, ?)
		ON CONFLICT (root_id, revision) DO UPDATE SET record_id = excluded.record_id`), root, rev, id); err != nil {
		return fmt.Errorf("hub: push: index proposal revision: %w", err)
	}
	return nil
}

// indexRevisions fills proposal_revisions once with the proposals a hub
// stored before the index existed. Two revisions stored then with one
// number (the clash this file prevents) stay as they are: only the first is
// indexed, and later changes are checked against it.
func (st *pushState) indexRevisions() error {
	var v string
	err := st.tx.QueryRowContext(st.ctx, st.s.q(`SELECT value FROM hub_meta WHERE key = ?`), revisionsIndexed).Scan(&v)
	if err == nil {
		return nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("hub: push: read proposal revisions: %w", err)
	}
	rows, err := st.tx.QueryContext(st.ctx, st.s.q(`SELECT id, entity, fields, version FROM records WHERE entity = ? ORDER BY version`), string(model.KindProposal))
	if err != nil {
		return fmt.Errorf("hub: push: index proposal revisions: %w", err)
	}
	var recs []*record
	for rows.Next() {
		var id, entity, fields string
		var version int64
		if err := rows.Scan(&id, &entity, &fields, &version); err != nil {
			rows.Close()
			return fmt.Errorf("hub: push: index proposal revisions: %w", err)
		}
		r, err := loadRecord(id, entity, fields, version)
		if err != nil {
			rows.Close()
			return err
		}
		recs = append(recs, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("hub: push: index proposal revisions: %w", err)
	}
	for _, r := range recs {
		root, rev := proposalRoot(r)
		if _, err := st.tx.ExecContext(st.ctx, st.s.q(`INSERT INTO proposal_revisions(root_id, revision, record_id) VALUES (?, ?, ?)
			ON CONFLICT (root_id, revision) DO NOTHING`), root, rev, r.id); err != nil {
			return fmt.Errorf("hub: push: index proposal revisions: %w", err)
		}
	}
	if _, err := st.tx.ExecContext(st.ctx, st.s.q(`INSERT INTO hub_meta(key, value) VALUES (?, '1')`), revisionsIndexed); err != nil {
		return fmt.Errorf("hub: push: index proposal revisions: %w", err)
	}
	return nil
}
