package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"

	"relais/model"
	"relais/sync/hub"
)

// Local sync position, in kv.
const (
	kvCursor = "sync:cursor"  // hub sequence pulled up to
	kvHub    = "sync:hub"     // identity of the hub the cursor belongs to
	kvAcked  = "sync:acked"   // last seq the hub processed from this device
	kvLastOK = "sync:last_ok" // end of the last successful round (RFC 3339)
)

func (s *Syncer) kv(ctx context.Context, key string) (string, error) {
	var v string
	err := s.store.DB().QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("outbox: read %s: %w", key, err)
	}
	return v, nil
}

func (s *Syncer) setKV(ctx context.Context, key, value string) error {
	return s.store.Write(ctx, func(tx *model.Tx) error { return setKV(tx, key, value) })
}

func setKV(tx *model.Tx, key, value string) error {
	if _, err := tx.SQL().ExecContext(tx.Context(), `INSERT INTO kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
		return fmt.Errorf("outbox: save %s: %w", key, err)
	}
	return nil
}

// mark is a row of sync_marks.
type mark struct{ outboxSeq, cursor int64 }

func (s *Syncer) loadMarks(ctx context.Context) ([]mark, error) {
	rows, err := s.store.DB().QueryContext(ctx, `SELECT outbox_seq, cursor FROM sync_marks ORDER BY outbox_seq`)
	if err != nil {
		return nil, fmt.Errorf("outbox: read sync marks: %w", err)
	}
	defer rows.Close()
	var out []mark
	for rows.Next() {
		var m mark
		if err := rows.Scan(&m.outboxSeq, &m.cursor); err != nil {
			return nil, fmt.Errorf("outbox: read sync marks: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// baseOf returns the cursor this laptop had pulled to when outbox row seq
// was written: that of the last pull committed before it.
func baseOf(marks []mark, seq int64) int64 {
	i := sort.Search(len(marks), func(i int) bool { return marks[i].outboxSeq >= seq })
	if i == 0 {
		return 0
	}
	return marks[i-1].cursor
}

// readBatch returns up to PushBatch queued changes, oldest first, extended
// so that the last user action is whole.
func (s *Syncer) readBatch(ctx context.Context) ([]model.Change, error) {
	rows, err := s.store.Outbox(ctx, 0, s.o.PushBatch)
	if err != nil || len(rows) < s.o.PushBatch {
		return rows, err
	}
	last := rows[len(rows)-1]
	for {
		more, err := s.store.Outbox(ctx, last.Seq, 500)
		if err != nil {
			return nil, err
		}
		for _, c := range more {
			if c.TxID != last.TxID {
				return rows, nil
			}
			rows = append(rows, c)
			last = c
		}
		if len(more) < 500 {
			return rows, nil
		}
	}
}

// push sends the outbox until it is empty.
func (s *Syncer) push(ctx context.Context, cl *client, rep *Report) error {
	for {
		rows, err := s.readBatch(ctx)
		if err != nil || len(rows) == 0 {
			return err
		}
		marks, err := s.loadMarks(ctx)
		if err != nil {
			return err
		}
		req := &hub.PushRequest{Device: s.store.Device().ID, Changes: make([]hub.Change, len(rows))}
		for i, c := range rows {
			req.Changes[i] = hub.Change{Seq: c.Seq, TxID: c.TxID, Entity: string(c.Entity), ID: c.EntityID, Op: c.Op,
				Data: json.RawMessage(c.Data), HLC: c.HLC, Base: baseOf(marks, c.Seq)}
		}
		resp, err := cl.push(ctx, req)
		if err != nil {
			var he *HTTPError
			if errors.As(err, &he) && he.Code == "seq_gap" {
				err = fmt.Errorf("outbox: the hub last received change %d from this laptop but the oldest waiting one is %d; "+
					"the hub may have been restored from an older backup: %w", he.LastSeq, rows[0].Seq, err)
			}
			s.noteFailure(ctx, rows, err)
			return err
		}
		done, err := s.ack(ctx, rows, resp, rep)
		if err != nil {
			return err
		}
		if done == 0 {
			return fmt.Errorf("outbox: the hub answered a push without processing any change")
		}
	}
}

// noteFailure records a failed attempt on the rows sent, for the list of
// waiting changes. It is best effort: the rows stay queued either way.
func (s *Syncer) noteFailure(ctx context.Context, rows []model.Change, cause error) {
	msg := cause.Error()
	err := s.store.Write(context.WithoutCancel(ctx), func(tx *model.Tx) error {
		_, err := tx.SQL().ExecContext(tx.Context(), `UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE seq BETWEEN ? AND ?`,
			msg, rows[0].Seq, rows[len(rows)-1].Seq)
		return err
	})
	if err != nil {
		s.o.Logf("outbox: note failed attempt: %v", err)
	}
}

// fieldNames returns the keys of a change's JSON data.
func fieldNames(data string) []string {
	var m map[string]json.RawMessage
	if json.Unmarshal([]byte(data), &m) != nil {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pin is a row of sync_pins: for each field this laptop pushed, the hub
// version of its latest acknowledged write. Versions are per field: a later
// edit of one field must not hide another device's edit of a different
// field that landed in between.
type pin struct {
	version int64            // the largest of fields, for clean-up
	fields  map[string]int64 // field → hub version
}

func (p *pin) add(f string, v int64) {
	if v > p.fields[f] {
		p.fields[f] = v
	}
	p.version = max(p.version, v)
}

// ack applies the hub's answer in one local transaction: acknowledged rows
// leave the outbox (their fields pinned until the pull reaches their
// version), rejected ones move to sync_rejections. A crash before the commit
// leaves everything queued; the resend is recognised by seq.
func (s *Syncer) ack(ctx context.Context, rows []model.Change, resp *hub.PushResponse, rep *Report) (int, error) {
	bySeq := make(map[int64]model.Change, len(rows))
	for _, c := range rows {
		bySeq[c.Seq] = c
	}
	var pushed, dups, rejected int
	err := s.store.Write(ctx, func(tx *model.Tx) error {
		pushed, dups, rejected = 0, 0, 0
		q := tx.SQL()
		del, err := q.PrepareContext(ctx, `DELETE FROM outbox WHERE seq = ?`)
		if err != nil {
			return err
		}
		defer del.Close()
		pins := map[string]*pin{}
		var replayFrom int64 // smallest version of a change the hub already had
		now := model.FormatTime(s.store.Now())
		for _, r := range resp.Results {
			c, ok := bySeq[r.Seq]
			if !ok {
				continue
			}
			switch r.Status {
			case hub.StatusApplied, hub.StatusDuplicate:
				if r.Status == hub.StatusApplied {
					pushed++
				} else {
					dups++
					if r.Version > 0 && (replayFrom == 0 || r.Version < replayFrom) {
						replayFrom = r.Version
					}
				}
				if r.Version > 0 {
					p := pins[c.EntityID]
					if p == nil {
						p = &pin{fields: map[string]int64{}}
						pins[c.EntityID] = p
					}
					for _, f := range fieldNames(c.Data) {
						p.add(f, r.Version)
					}
				}
			case hub.StatusRejected:
				rejected++
				fe, _ := json.Marshal(r.Fields)
				if fe == nil || string(fe) == "null" {
					fe = []byte("[]")
				}
				if _, err := q.ExecContext(ctx, `INSERT INTO sync_rejections(direction, seq, tx_id, entity, entity_id, op, data, hlc, created_at, code, message, field_errors, rejected_at)
					VALUES ('push', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.Seq, c.TxID, string(c.Entity), c.EntityID, c.Op, c.Data, c.HLC,
					model.FormatTime(c.CreatedAt), r.Code, r.Message, string(fe), now); err != nil {
					return fmt.Errorf("outbox: store rejection: %w", err)
				}
			default:
				continue // an answer this version does not know: keep the row queued
			}
			if _, err := del.ExecContext(ctx, c.Seq); err != nil {
				return fmt.Errorf("outbox: remove acknowledged change: %w", err)
			}
		}
		if err := savePins(tx, pins); err != nil {
			return err
		}
		if err := rewind(tx, replayFrom); err != nil {
			return err
		}
		return setKV(tx, kvAcked, strconv.FormatInt(resp.LastSeq, 10))
	})
	if err != nil {
		return 0, err
	}
	rep.Pushed += pushed
	rep.Duplicates += dups
	rep.Rejected += rejected
	return pushed + dups + rejected, nil
}

// rewind moves the pull cursor back to just before hub version v when a
// pull has already gone past it. A pull keeps the local value of every field
// a queued change holds, trusting that the change will reach the hub after
// what is pulled; a change the hub already had (its reply lost) reached it
// before, so the hub changes pulled meanwhile were held back for nothing and
// must be applied again, or this laptop would keep a value the hub replaced.
func rewind(tx *model.Tx, v int64) error {
	if v <= 0 {
		return nil
	}
	var cur string
	err := tx.SQL().QueryRowContext(tx.Context(), `SELECT value FROM kv WHERE key = ?`, kvCursor).Scan(&cur)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("outbox: read %s: %w", kvCursor, err)
	}
	if c, _ := strconv.ParseInt(cur, 10, 64); c < v {
		return nil
	}
	return setKV(tx, kvCursor, strconv.FormatInt(v-1, 10))
}

// savePins merges new pins into sync_pins.
func savePins(tx *model.Tx, pins map[string]*pin) error {
	if len(pins) == 0 {
		return nil
	}
	ctx, q := tx.Context(), tx.SQL()
	get, err := q.PrepareContext(ctx, `SELECT version, fields FROM sync_pins WHERE entity_id = ?`)
	if err != nil {
		return err
	}
	defer get.Close()
	put, err := q.PrepareContext(ctx, `INSERT INTO sync_pins(entity_id, version, fields) VALUES (?, ?, ?)
		ON CONFLICT(entity_id) DO UPDATE SET version = excluded.version, fields = excluded.fields`)
	if err != nil {
		return err
	}
	defer put.Close()
	for id, p := range pins {
		var v int64
		var fj string
		err := get.QueryRowContext(ctx, id).Scan(&v, &fj) // v is the max of fj's versions
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("outbox: read pin: %w", err)
		}
		if err == nil {
			var old map[string]int64
			_ = json.Unmarshal([]byte(fj), &old)
			for f, fv := range old {
				p.add(f, fv)
			}
		}
		b, _ := json.Marshal(p.fields)
		if _, err := put.ExecContext(ctx, id, p.version, string(b)); err != nil {
			return fmt.Errorf("outbox: save pin: %w", err)
		}
	}
	return nil
}
