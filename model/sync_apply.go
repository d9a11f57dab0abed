package model

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// RemoteChange is a change the team hub accepted, as a laptop pulls it: the
// record's kind and id and the fields the change set, in stored form.
type RemoteChange struct {
	Entity Kind
	ID     string
	// Fields may include created_at and deleted_at (a delete sets it, a
	// restore clears it); id and updated_at are the store's own.
	Fields FieldMap
	// HLC is the change's hybrid logical clock stamp; the local clock
	// observes it so the next local edit sorts after it.
	HLC string
	// At is when the hub accepted the change; it becomes updated_at, so that
	// every laptop holds the same updated_at for a record once synced. A
	// snapshot record carries the acceptance time of the record's last
	// change; zero when the hub no longer knows it (compacted by a hub older
	// than the record_times table), and then updated_at is left as it is.
	At time.Time
}

// ApplyRemote writes a change pulled from the hub into the local database
// WITHOUT queueing an outbox row (the change came from the hub; sending it
// back would echo it forever), and keeps the search index in step. Fields for
// which keep returns true are left as they are: they hold local edits the
// hub has not acknowledged yet, which win once they arrive there. The remote
// values are not validated again: the hub did, and a laptop running an older
// Relais must still take in what a newer one wrote. It reports whether the
// row changed.
func (t *Tx) ApplyRemote(ch RemoteChange, keep func(field string) bool) (bool, error) {
	ki, err := info(ch.Entity)
	if err != nil {
		return false, err
	}
	if ch.ID == "" {
		return false, fmt.Errorf("model: apply remote %s: the change has no record id", ch.Entity)
	}
	fm := make(FieldMap, len(ch.Fields))
	kept := false
	for k, v := range ch.Fields {
		if k == colID || k == colUpdated {
			continue
		}
		if keep != nil && keep(k) {
			kept = true
			continue
		}
		fm[k] = v
	}
	r := ki.newRec()
	err = t.get(ki, ch.ID, r)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false, err
	}
	if err := t.observe(ch.HLC); err != nil {
		return false, fmt.Errorf("model: apply remote %s %s: %w", ch.Entity, ch.ID, err)
	}
	if !exists {
		r.Base().ID = ch.ID
		if err := Decode(r, fm); err != nil {
			return false, fmt.Errorf("model: apply remote %s %s: %w", ch.Entity, ch.ID, err)
		}
		m := r.Base()
		at := ch.At
		if at.IsZero() {
			// No acceptance time known: the creation time is the best shared
			// guess, the local clock the last resort.
			at = m.CreatedAt
			if at.IsZero() {
				at = t.s.Now()
			}
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = at
		}
		m.UpdatedAt = at
		if _, err := t.exec(ki.insertQ, encodeRecord(ki, r)...); err != nil {
			return false, fmt.Errorf("model: apply remote %s %s: %w", ch.Entity, ch.ID, translate(err))
		}
		return true, t.index(ki, r, false)
	}
	oldVals := encodeRecord(ki, r)
	if err := Decode(r, fm); err != nil {
		return false, fmt.Errorf("model: apply remote %s %s: %w", ch.Entity, ch.ID, err)
	}
	newVals := encodeRecord(ki, r)
	var sets []string
	var args []any
	for i, c := range ki.cols {
		if c.name == colID || c.name == colUpdated || oldVals[i] == newVals[i] {
			continue
		}
		sets = append(sets, c.name+" = ?")
		args = append(args, newVals[i])
	}
	m := r.Base()
	// updated_at is when the hub accepted the record's last change, the same
	// on every laptop: the author's own change coming back changes no field
	// but replaces the author's local edit time. A field kept for a pending
	// local edit keeps the later local time until that edit comes back. A
	// snapshot record carries the acceptance time of the record's last
	// change, so a laptop that took one agrees with those that pulled.
	converge := !kept && !ch.At.IsZero() && !ch.At.Equal(m.UpdatedAt)
	if len(sets) == 0 && !converge {
		return false, nil
	}
	if converge || ch.At.After(m.UpdatedAt) {
		m.UpdatedAt = ch.At
	}
	sets = append(sets, "updated_at = ?")
	args = append(args, FormatTime(m.UpdatedAt), ch.ID)
	if _, err := t.exec(`UPDATE `+ki.table+` SET `+strings.Join(sets, ", ")+` WHERE id = ?`, args...); err != nil {
		return false, fmt.Errorf("model: apply remote %s %s: %w", ch.Entity, ch.ID, translate(err))
	}
	if len(sets) == 1 {
		return true, nil // only updated_at: the search index has nothing new
	}
	return true, t.index(ki, r, true)
}

// observe merges a remote HLC into the store's clock and has Write persist
// the high-water mark, so local edits made after a pull sort after what was
// pulled even when this laptop's clock is behind.
func (t *Tx) observe(hlc string) error {
	if hlc == "" {
		return nil
	}
	h, err := ParseHLC(hlc)
	if err != nil {
		return err
	}
	t.s.clock.Observe(h)
	if h.WallMS > t.last.WallMS || (h.WallMS == t.last.WallMS && h.Counter > t.last.Counter) {
		t.last = HLC{WallMS: h.WallMS, Counter: h.Counter, Device: t.s.device.ID}
	}
	return nil
}

// Resend queues again, with the record's CURRENT local values, a change the
// hub refused, so a fix the user made meanwhile goes with it: op "put" sends
// the whole record (the hub never accepted its creation), "delete" sends the
// deletion again if the record is still in the trash, and "patch" sends the
// named fields.
func (t *Tx) Resend(k Kind, id, op string, fields []string) error {
	ki, err := info(k)
	if err != nil {
		return err
	}
	r := ki.newRec()
	if err := t.get(ki, id, r); err != nil {
		return err
	}
	vals := encodeRecord(ki, r)
	deleted := r.Base().Deleted()
	switch op {
	case "put":
		return t.queue(ki, id, "put", vals, func(i int) bool {
			n := ki.cols[i].name
			return n != colID && n != colUpdated && (n != colDeleted || deleted)
		})
	case "delete":
		if !deleted {
			op = "patch"
		}
		di := ki.byName[colDeleted]
		return t.queue(ki, id, op, vals, func(i int) bool { return i == di })
	case "patch":
		want := map[string]bool{}
		for _, f := range fields {
			if _, ok := ki.byName[f]; !ok || f == colID || f == colUpdated {
				return fmt.Errorf("model: resend %s %s: %s has no field %q", k, id, k, f)
			}
			want[f] = true
		}
		if len(want) == 0 {
			return nil
		}
		return t.queue(ki, id, "patch", vals, func(i int) bool { return want[ki.cols[i].name] })
	}
	return fmt.Errorf("model: resend %s %s: unknown operation %q", k, id, op)
}

// Refs returns the reference fields of kind k and the kind each points to;
// the hub checks them so that no laptop is ever sent a dangling reference.
func Refs(k Kind) map[string]Kind {
	ki, ok := kindByName[k]
	if !ok {
		return nil
	}
	out := map[string]Kind{}
	for _, c := range ki.cols {
		if c.ref != "" {
			out[c.name] = c.ref
		}
	}
	return out
}

// UniqueKey is a set of fields whose values must be unique among the live
// records of one kind (the `db:",unique"` fields, which the store checks on
// local edits). LiveOnly keys ignore records in the trash.
type UniqueKey struct {
	Fields   []string
	LiveOnly bool
}

// UniqueKeys lists the unique keys of kind k. The hub enforces them too:
// two laptops offline can each create a product with the same SKU, and the
// second is refused at the hub with a code the user sees. Proposal numbers
// are not among them: two laptops making "revision 2" of one proposal
// offline both keep theirs (their ids differ) rather than lose one.
func UniqueKeys(k Kind) []UniqueKey {
	ki, ok := kindByName[k]
	if !ok {
		return nil
	}
	var out []UniqueKey
	for _, c := range ki.cols {
		if c.unique {
			out = append(out, UniqueKey{Fields: []string{c.name}, LiveOnly: true})
		}
	}
	return out
}
