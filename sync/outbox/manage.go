package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"relais/model"
	"relais/sync/hub"
)

// Waiting returns up to limit queued changes after seq after, oldest first:
// the "changes waiting" list (Change has attempts and the last error).
func (s *Syncer) Waiting(ctx context.Context, after int64, limit int) ([]model.Change, error) {
	return s.store.Outbox(ctx, after, limit)
}

// Rejection is a change the hub refused ("push"), or a hub change this laptop
// could not apply ("pull"), waiting for the user to retry or discard it.
type Rejection struct {
	ID          int64
	Direction   string // push | pull
	Seq         int64
	Entity      model.Kind
	EntityID    string
	Op          string
	Data        string
	Code        string // hub.Code* or "apply_failed"
	Message     string
	FieldErrors []hub.FieldError
	CreatedAt   time.Time // when the change was made
	RejectedAt  time.Time
}

// Rejections lists the rejected changes, oldest first.
func (s *Syncer) Rejections(ctx context.Context) ([]Rejection, error) {
	rows, err := s.store.DB().QueryContext(ctx, `SELECT id, direction, seq, entity, entity_id, op, data, code, message, field_errors, created_at, rejected_at
		FROM sync_rejections ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("outbox: list rejections: %w", err)
	}
	defer rows.Close()
	var out []Rejection
	for rows.Next() {
		var r Rejection
		var entity, fe, created, rejected string
		if err := rows.Scan(&r.ID, &r.Direction, &r.Seq, &entity, &r.EntityID, &r.Op, &r.Data, &r.Code, &r.Message, &fe, &created, &rejected); err != nil {
			return nil, fmt.Errorf("outbox: list rejections: %w", err)
		}
		r.Entity = model.Kind(entity)
		_ = json.Unmarshal([]byte(fe), &r.FieldErrors)
		r.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		r.RejectedAt, _ = time.Parse(time.RFC3339Nano, rejected)
		out = append(out, r)
	}
	return out, rows.Err()
}

func (s *Syncer) rejection(ctx context.Context, id int64) (Rejection, error) {
	rs, err := s.Rejections(ctx)
	if err != nil {
		return Rejection{}, err
	}
	for _, r := range rs {
		if r.ID == id {
			return r, nil
		}
	}
	return Rejection{}, fmt.Errorf("outbox: rejection %d: %w", id, model.ErrNotFound)
}

// Retry queues a pushed change again with the record's current values (so a
// fix made meanwhile goes along), or applies a set-aside hub change again,
// and removes the rejection. A change whose record the hub never received is
// resent whole.
func (s *Syncer) Retry(ctx context.Context, id int64) error {
	r, err := s.rejection(ctx, id)
	if err != nil {
		return err
	}
	err = s.store.Write(ctx, func(tx *model.Tx) error {
		if r.Direction == "pull" {
			fields, err := decodeFields([]byte(r.Data))
			if err != nil {
				return err
			}
			if _, err := tx.ApplyRemote(model.RemoteChange{Entity: r.Entity, ID: r.EntityID, Fields: fields, At: s.store.Now()}, nil); err != nil {
				return err
			}
		} else {
			op := r.Op
			if r.Code == hub.CodeUnknownRecord || r.Code == hub.CodeGroup && op == "put" {
				op = "put"
			}
			if err := tx.Resend(r.Entity, r.EntityID, op, fieldNames(r.Data)); err != nil {
				return err
			}
		}
		_, err := tx.SQL().ExecContext(ctx, `DELETE FROM sync_rejections WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox: retry %s %s: %w", r.Entity, r.EntityID, err)
	}
	s.refreshCounts(ctx)
	s.SyncNow()
	return nil
}

// Discard drops a rejection. For a pushed change it also puts the record
// back as the hub has it (asking the hub), so this laptop agrees with the
// team again; a record the hub never had goes to the local trash.
func (s *Syncer) Discard(ctx context.Context, id int64) error {
	r, err := s.rejection(ctx, id)
	if err != nil {
		return err
	}
	var remote *hub.RecordResponse
	if r.Direction == "push" {
		cl, err := s.conn(ctx)
		if err != nil {
			return err
		}
		if remote, err = cl.record(ctx, r.EntityID); err != nil {
			return fmt.Errorf("outbox: discard needs the hub's copy of the record: %w", err)
		}
	}
	err = s.store.Write(ctx, func(tx *model.Tx) error {
		if remote != nil {
			pending, pins, err := localGuards(tx, []string{r.EntityID})
			if err != nil {
				return err
			}
			keep := keeper(pending, pins, r.EntityID, remote.Version)
			ch := model.RemoteChange{Entity: r.Entity, ID: r.EntityID, At: s.store.Now()}
			if remote.Exists {
				if ch.Fields, err = decodeFields(remote.Fields); err != nil {
					return err
				}
			} else if len(pending[r.EntityID]) > 0 {
				// A retried creation is on its way: the record stays.
				ch.Fields = nil
			} else {
				ch.Fields = model.FieldMap{"deleted_at": model.FormatTime(s.store.Now())}
			}
			if ch.Fields != nil {
				if _, err := tx.ApplyRemote(ch, keep); err != nil {
					return err
				}
			}
		}
		_, err := tx.SQL().ExecContext(ctx, `DELETE FROM sync_rejections WHERE id = ?`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("outbox: discard %s %s: %w", r.Entity, r.EntityID, err)
	}
	s.refreshCounts(ctx)
	return nil
}

// Conflict is a value that lost a conflict, with who wrote it and who won.
type Conflict struct {
	ID         int64
	HubSeq     int64
	Kind       string // hub.ConflictField or hub.ConflictDelete
	Entity     model.Kind
	EntityID   string
	Field      string // "" for edits that lost to a deletion
	Lost       any    // the losing value (stored form), or a FieldMap of edits lost to a deletion
	LostBy     string
	LostDevice string
	Won        any
	WonBy      string
	WonDevice  string
	At         time.Time // when the hub settled it
	Status     string    // open | restored | dismissed
}

// Conflicts lists conflicts, newest first; open ones only unless all.
func (s *Syncer) Conflicts(ctx context.Context, all bool, limit int) ([]Conflict, error) {
	q := `SELECT id, hub_seq, kind, entity, entity_id, field, lost_value, lost_by, lost_device, won_value, won_by, won_device, at, status FROM sync_conflicts`
	if !all {
		q += ` WHERE status = 'open'`
	}
	q += ` ORDER BY id DESC LIMIT ?`
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.store.DB().QueryContext(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: list conflicts: %w", err)
	}
	defer rows.Close()
	var out []Conflict
	for rows.Next() {
		var c Conflict
		var entity, lost, won, at string
		if err := rows.Scan(&c.ID, &c.HubSeq, &c.Kind, &entity, &c.EntityID, &c.Field, &lost, &c.LostBy, &c.LostDevice, &won, &c.WonBy, &c.WonDevice, &at, &c.Status); err != nil {
			return nil, fmt.Errorf("outbox: list conflicts: %w", err)
		}
		c.Entity = model.Kind(entity)
		c.Lost, c.Won = decodeValue(lost), decodeValue(won)
		c.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// decodeValue reads a JSON value: an object as a FieldMap, a number as int64.
func decodeValue(raw string) any {
	if len(raw) > 0 && raw[0] == '{' {
		m, err := decodeFields([]byte(raw))
		if err == nil {
			return m
		}
	}
	m, err := decodeFields([]byte(`{"v":` + raw + `}`))
	if err != nil {
		return raw
	}
	return m["v"]
}

// RestoreConflict brings back the losing value of a conflict as a new local
// edit (which syncs like any other): the field's value, or, for edits that
// lost to a deletion, the record out of the trash with those edits.
// ErrRenumbered refuses to give a renumbered proposal revision its old
// number back.
var ErrRenumbered = errors.New("outbox: this revision was renumbered because another revision already had its number; it cannot take that number back")

func (s *Syncer) RestoreConflict(ctx context.Context, id int64) error {
	var c Conflict
	cs, err := s.Conflicts(ctx, true, 100000)
	if err != nil {
		return err
	}
	found := false
	for _, x := range cs {
		if x.ID == id {
			c, found = x, true
		}
	}
	if !found {
		return fmt.Errorf("outbox: conflict %d: %w", id, model.ErrNotFound)
	}
	if c.Entity == model.KindProposal && c.Field == "revision" {
		// The hub gave this revision the next free number because another
		// revision already had the old one; restoring it would only make
		// the hub renumber it again.
		return ErrRenumbered
	}
	err = s.store.Write(ctx, func(tx *model.Tx) error {
		rec, err := model.New(c.Entity)
		if err != nil {
			return err
		}
		if err := tx.Get(c.EntityID, rec); err != nil {
			return err
		}
		switch {
		case c.Kind == hub.ConflictDelete:
			if err := tx.Restore(c.Entity, c.EntityID); err != nil {
				return err
			}
			if m, ok := c.Lost.(model.FieldMap); ok && len(m) > 0 {
				if err := tx.Set(c.Entity, c.EntityID, m); err != nil {
					return err
				}
			}
		default:
			if rec.Base().Deleted() {
				return fmt.Errorf("the %s is in the trash; restore it first", c.Entity)
			}
			if err := tx.Set(c.Entity, c.EntityID, model.FieldMap{c.Field: c.Lost}); err != nil {
				return err
			}
		}
		return resolve(tx, id, "restored", s.store.Now())
	})
	if err != nil {
		return fmt.Errorf("outbox: restore the losing value of %s %s: %w", c.Entity, c.EntityID, err)
	}
	s.refreshCounts(ctx)
	s.SyncNow()
	return nil
}

// DismissConflict marks a conflict as seen, keeping the winning value.
func (s *Syncer) DismissConflict(ctx context.Context, id int64) error {
	err := s.store.Write(ctx, func(tx *model.Tx) error { return resolve(tx, id, "dismissed", s.store.Now()) })
	if err != nil {
		return fmt.Errorf("outbox: dismiss conflict %d: %w", id, err)
	}
	s.refreshCounts(ctx)
	return nil
}

func resolve(tx *model.Tx, id int64, status string, now time.Time) error {
	res, err := tx.SQL().ExecContext(tx.Context(), `UPDATE sync_conflicts SET status = ?, resolved_at = ? WHERE id = ?`, status, model.FormatTime(now), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("conflict %d: %w", id, model.ErrNotFound)
	}
	return nil
}
