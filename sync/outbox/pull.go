package outbox

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"relais/model"
	"relais/sync/hub"
)

// decodeFields reads change data into stored-form values (whole numbers as
// int64, never float64).
func decodeFields(raw []byte) (model.FieldMap, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m model.FieldMap
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			i, err := n.Int64()
			if err != nil {
				return nil, fmt.Errorf("field %s: %s is not a whole number", k, n)
			}
			m[k] = i
		}
	}
	return m, nil
}

// pullPage is hub.PullResponse as the client reads it: the data of each
// change decoded in the same pass as the page (numbers as json.Number).
type pullPage struct {
	Hub     string         `json:"hub"`
	Changes []pulledChange `json:"changes"`
	Next    int64          `json:"next"`
	More    bool           `json:"more"`
	Reset   bool           `json:"reset"`
}

type pulledChange struct {
	hub.PulledChange
	Data model.FieldMap `json:"data"` // shadows the embedded raw Data
}

// intNumbers turns the json.Number values of a field map into int64.
func intNumbers(m model.FieldMap) error {
	for k, v := range m {
		if n, ok := v.(json.Number); ok {
			i, err := n.Int64()
			if err != nil {
				return fmt.Errorf("field %s: %s is not a whole number", k, n)
			}
			m[k] = i
		}
	}
	return nil
}

type fetched struct {
	page *pullPage
	err  error
}

// pull applies the hub's change log from the saved cursor to the end. The
// next page is fetched while the current one is applied: the hub's reading
// and encoding overlap the local writing.
func (s *Syncer) pull(ctx context.Context, cl *client, rep *Report) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var ahead chan fetched
	for {
		cur, err := s.kv(ctx, kvCursor)
		if err != nil {
			return err
		}
		cursor, _ := strconv.ParseInt(cur, 10, 64)
		hubID, err := s.kv(ctx, kvHub)
		if err != nil {
			return err
		}
		var page *pullPage
		if ahead != nil {
			f := <-ahead
			ahead = nil
			page, err = f.page, f.err
		} else {
			page, err = cl.pull(ctx, cursor, s.o.PullPage)
		}
		if err != nil {
			return err
		}
		if hubID != "" && page.Hub != hubID {
			// Another hub (rebuilt, or another team's): this laptop's position
			// means nothing there. Start over; the outbox is pushed as is.
			s.o.Logf("outbox: the hub changed identity (%s → %s); pulling everything again", hubID, page.Hub)
			if err := s.store.Write(ctx, func(tx *model.Tx) error {
				for _, q := range []string{`DELETE FROM sync_pins`, `DELETE FROM sync_marks`} {
					if _, err := tx.SQL().ExecContext(ctx, q); err != nil {
						return err
					}
				}
				if err := setKV(tx, kvCursor, "0"); err != nil {
					return err
				}
				return setKV(tx, kvHub, page.Hub)
			}); err != nil {
				return fmt.Errorf("outbox: start over with a new hub: %w", err)
			}
			continue
		}
		if page.Reset {
			if err := s.snapshot(ctx, cl, rep); err != nil {
				return err
			}
			continue
		}
		if page.More {
			ahead = make(chan fetched, 1)
			go func(cursor int64) {
				p, err := cl.pull(ctx, cursor, s.o.PullPage)
				ahead <- fetched{p, err}
			}(page.Next)
		}
		if err := s.applyPage(ctx, page, rep); err != nil {
			return err
		}
		if !page.More {
			return nil
		}
	}
}

// applyError is a change ApplyRemote refused.
type applyError struct {
	c   pulledChange
	err error
}

func (e *applyError) Error() string { return e.err.Error() }

// applyPage applies one page and its cursor in one local transaction. If a
// change cannot be applied here (a value this laptop's schema refuses), the
// page is applied again with that change set aside in sync_rejections, so
// the rest syncs and the user sees what was left out.
func (s *Syncer) applyPage(ctx context.Context, page *pullPage, rep *Report) error {
	var n pageCounts
	err := s.store.Write(ctx, func(tx *model.Tx) (err error) {
		n, err = s.applyChanges(tx, page, false)
		return err
	})
	var ae *applyError
	if errors.As(err, &ae) {
		s.o.Logf("outbox: hub change %d cannot be applied here (%v); setting it aside", ae.c.Seq, ae.err)
		err = s.store.Write(ctx, func(tx *model.Tx) (err error) {
			n, err = s.applyChanges(tx, page, true)
			return err
		})
	}
	if err != nil {
		return fmt.Errorf("outbox: apply the hub's changes after %d: %w", page.Next, err)
	}
	rep.Pulled += n.applied
	rep.Conflicts += n.conflicts
	rep.SetAside += n.setAside
	return nil
}

type pageCounts struct{ applied, conflicts, setAside int }

// localGuards loads, for the records of a page, the fields that hold local
// edits the hub has not acknowledged (outbox) or not yet sent back (pins).
func localGuards(tx *model.Tx, ids []string) (pending map[string]map[string]bool, pins map[string]*pin, err error) {
	ctx, q := tx.Context(), tx.SQL()
	pending, pins = map[string]map[string]bool{}, map[string]*pin{}
	// The outbox is usually empty or small: check that before looking up each id.
	var nOut, nPins int
	if err := q.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM sync_pins)`).Scan(&nOut, &nPins); err != nil {
		return nil, nil, err
	}
	for start := 0; start < len(ids) && (nOut > 0 || nPins > 0); start += 500 {
		part := ids[start:min(start+500, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		ph := strings.Repeat("?, ", len(part)-1) + "?"
		if nOut > 0 {
			rows, err := q.QueryContext(ctx, `SELECT entity_id, data FROM outbox WHERE entity_id IN (`+ph+`)`, args...)
			if err != nil {
				return nil, nil, err
			}
			for rows.Next() {
				var id, data string
				if err := rows.Scan(&id, &data); err != nil {
					rows.Close()
					return nil, nil, err
				}
				if pending[id] == nil {
					pending[id] = map[string]bool{}
				}
				for _, f := range fieldNames(data) {
					pending[id][f] = true
				}
			}
			rows.Close()
		}
		if nPins > 0 {
			rows, err := q.QueryContext(ctx, `SELECT entity_id, version, fields FROM sync_pins WHERE entity_id IN (`+ph+`)`, args...)
			if err != nil {
				return nil, nil, err
			}
			for rows.Next() {
				var id, fj string
				p := &pin{fields: map[string]int64{}}
				if err := rows.Scan(&id, &p.version, &fj); err != nil {
					rows.Close()
					return nil, nil, err
				}
				_ = json.Unmarshal([]byte(fj), &p.fields)
				pins[id] = p
			}
			rows.Close()
		}
	}
	return pending, pins, nil
}

// keeper returns the keep function ApplyRemote takes for a record: a field
// keeps its local value while an unacknowledged local edit holds it, or
// while this laptop's acknowledged edit is newer than the change.
func keeper(pending map[string]map[string]bool, pins map[string]*pin, id string, version int64) func(string) bool {
	pf, p := pending[id], pins[id]
	if pf == nil && (p == nil || p.version <= version) {
		return nil
	}
	return func(f string) bool {
		return pf[f] || (p != nil && p.fields[f] > version)
	}
}

func (s *Syncer) applyChanges(tx *model.Tx, page *pullPage, isolate bool) (pageCounts, error) {
	var n pageCounts
	ctx, q := tx.Context(), tx.SQL()
	ids := make([]string, 0, len(page.Changes))
	seen := map[string]bool{}
	for _, c := range page.Changes {
		if !seen[c.ID] {
			seen[c.ID] = true
			ids = append(ids, c.ID)
		}
	}
	pending, pins, err := localGuards(tx, ids)
	if err != nil {
		return n, fmt.Errorf("read local edits: %w", err)
	}
	insConflict, err := q.PrepareContext(ctx, `INSERT INTO sync_conflicts(hub_seq, kind, entity, entity_id, field, lost_value, lost_by, lost_device, lost_hlc, lost_seq,
		won_value, won_by, won_device, won_hlc, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`)
	if err != nil {
		return n, err
	}
	defer insConflict.Close()
	for _, c := range page.Changes {
		for _, k := range c.Conflicts {
			res, err := insConflict.ExecContext(ctx, c.Seq, k.Kind, c.Entity, c.ID, k.Field, string(k.Lost), k.LostBy, k.LostDevice, k.LostHLC, k.LostSeq,
				string(k.Won), k.WonBy, k.WonDevice, k.WonHLC, c.At)
			if err != nil {
				return n, fmt.Errorf("record conflict: %w", err)
			}
			if m, _ := res.RowsAffected(); m > 0 {
				n.conflicts++
			}
		}
		at, _ := time.Parse(time.RFC3339Nano, c.At)
		ferr := intNumbers(c.Data)
		apply := func() error {
			if ferr != nil {
				return ferr
			}
			_, err := tx.ApplyRemote(model.RemoteChange{Entity: model.Kind(c.Entity), ID: c.ID, Fields: c.Data, HLC: c.HLC, At: at},
				keeper(pending, pins, c.ID, c.Seq))
			return err
		}
		if !isolate {
			if err := apply(); err != nil {
				return n, &applyError{c: c, err: err}
			}
			n.applied++
			continue
		}
		if _, err := q.ExecContext(ctx, `SAVEPOINT apply_one`); err != nil {
			return n, err
		}
		if err := apply(); err != nil {
			if _, rerr := q.ExecContext(ctx, `ROLLBACK TO apply_one`); rerr != nil {
				return n, rerr
			}
			data, _ := json.Marshal(c.Data)
			if _, err := q.ExecContext(ctx, `INSERT INTO sync_rejections(direction, seq, tx_id, entity, entity_id, op, data, hlc, created_at, code, message, rejected_at)
				VALUES ('pull', ?, '', ?, ?, ?, ?, ?, ?, 'apply_failed', ?, ?)`, c.Seq, c.Entity, c.ID, c.Op, string(data), c.HLC, c.At,
				strings.TrimPrefix(err.Error(), "model: "), model.FormatTime(s.store.Now())); err != nil {
				return n, fmt.Errorf("set aside change %d: %w", c.Seq, err)
			}
			n.setAside++
		} else {
			n.applied++
		}
		if _, err := q.ExecContext(ctx, `RELEASE apply_one`); err != nil {
			return n, err
		}
	}
	return n, advance(tx, page.Hub, page.Next)
}

// advance saves the cursor with the page it ends, drops the pins it has
// caught up with, and records a mark (see sync_marks) for later pushes.
func advance(tx *model.Tx, hubID string, cursor int64) error {
	ctx, q := tx.Context(), tx.SQL()
	if err := setKV(tx, kvCursor, strconv.FormatInt(cursor, 10)); err != nil {
		return err
	}
	if err := setKV(tx, kvHub, hubID); err != nil {
		return err
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM sync_pins WHERE version <= ?`, cursor); err != nil {
		return fmt.Errorf("drop pins: %w", err)
	}
	var top sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).Scan(&top); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read outbox position: %w", err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO sync_marks(outbox_seq, cursor) VALUES (?, ?)
		ON CONFLICT(outbox_seq) DO UPDATE SET cursor = excluded.cursor`, top.Int64, cursor); err != nil {
		return fmt.Errorf("save mark: %w", err)
	}
	// Only the newest mark below the oldest waiting change is still needed.
	if _, err := q.ExecContext(ctx, `DELETE FROM sync_marks WHERE outbox_seq < (
		SELECT MAX(outbox_seq) FROM sync_marks WHERE outbox_seq < COALESCE((SELECT MIN(seq) FROM outbox), ?))`, top.Int64+1); err != nil {
		return fmt.Errorf("prune marks: %w", err)
	}
	return nil
}

// snapshot replaces the cursor after a reset: every record the hub holds is
// applied (local unacknowledged edits kept), then pulling resumes from the
// hub sequence read before the first page.
func (s *Syncer) snapshot(ctx context.Context, cl *client, rep *Report) error {
	after := ""
	var cursor int64 = -1
	var hubID string
	for {
		page, err := cl.snapshot(ctx, after, hub.MaxSnapshotPage)
		if err != nil {
			return err
		}
		if cursor < 0 {
			cursor, hubID = page.Cursor, page.Hub
		}
		err = s.store.Write(ctx, func(tx *model.Tx) error {
			ids := make([]string, len(page.Records))
			for i, r := range page.Records {
				ids[i] = r.ID
			}
			pending, pins, err := localGuards(tx, ids)
			if err != nil {
				return err
			}
			for _, r := range page.Records {
				fields, err := decodeFields(r.Fields)
				if err == nil {
					// The hub's acceptance time of the record's last change, as
					// the laptops that pulled it hold it; zero if the hub no
					// longer knows it (ApplyRemote then keeps updated_at).
					var at time.Time
					if r.At != "" {
						if at, err = time.Parse(time.RFC3339Nano, r.At); err != nil {
							err = fmt.Errorf("its time %q cannot be read: %w", r.At, err)
						}
					}
					if err == nil {
						_, err = tx.ApplyRemote(model.RemoteChange{Entity: model.Kind(r.Entity), ID: r.ID, Fields: fields, At: at}, keeper(pending, pins, r.ID, r.Version))
					}
				}
				if err != nil {
					// Unlike a change, a snapshot record cannot be set aside and
					// replayed; log it and go on so the rest arrives.
					s.o.Logf("outbox: snapshot: %s %s cannot be applied: %v", r.Entity, r.ID, err)
				}
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("outbox: apply the hub's snapshot: %w", err)
		}
		after = page.Next
		if !page.More {
			break
		}
	}
	rep.Reset = true
	return s.store.Write(ctx, func(tx *model.Tx) error { return advance(tx, hubID, cursor) })
}
