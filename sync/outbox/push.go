package outbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"relais/model"
	"relais/sync/hub"
)

// Local sync position, in kv.
const (
	kvCursor = "sync:cursor"  // hub sequence pulled up to
	kvHub    = "sync:hub"     // identity of the hub the cursor belongs to
	kvAcked  = "sync:acked"   // last seq the hub processed from this device
	kvLastOK = "sync:last_ok" // end of the last successful round (RFC 3339)
	// kvAckedBy is the device id kvAcked counts for: a laptop restored from
	// a backup gets a new id, and its old position means nothing then.
	kvAckedBy = "sync:acked_device"
	kvStaged  = "sync:staged" // last seq of an open action the hub holds staged
	kvEpoch   = "sync:epoch"  // the hub epoch of kvAcked and the cursor
	kvReseed  = "sync:reseed" // "1": pull a snapshot before anything else (the hub was restored)
	// Why the last round failed (a Reason) and its message, for --status.
	kvLastReason = "sync:last_reason"
	kvLastError  = "sync:last_error"
)

// sentRetention is how long acknowledged changes stay in sync_sent, ready to
// be sent again to a hub restored from a backup at most that old.
const sentRetention = 90 * 24 * time.Hour

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

// readBatch returns up to PushBatch queued changes, oldest first, after
// the part of an open action the hub already holds staged. open reports
// that the last action goes on beyond the batch: the hub stages it.
func (s *Syncer) readBatch(ctx context.Context, after int64) (rows []model.Change, open bool, err error) {
	rows, err = s.store.Outbox(ctx, after, s.o.PushBatch+1)
	if err != nil || len(rows) <= s.o.PushBatch {
		return rows, false, err
	}
	next := rows[s.o.PushBatch]
	rows = rows[:s.o.PushBatch]
	return rows, next.TxID == rows[len(rows)-1].TxID, nil
}

// position is where this laptop stands with the hub, read at the start of
// each request.
type position struct {
	hub, epoch    string
	acked, staged int64
}

func (s *Syncer) position(ctx context.Context) (position, error) {
	var p position
	vals := map[string]string{}
	for _, k := range []string{kvHub, kvEpoch, kvAcked, kvAckedBy, kvStaged} {
		v, err := s.kv(ctx, k)
		if err != nil {
			return p, err
		}
		vals[k] = v
	}
	p.hub, p.epoch = vals[kvHub], vals[kvEpoch]
	if vals[kvAckedBy] == s.store.Device().ID {
		p.acked, _ = strconv.ParseInt(vals[kvAcked], 10, 64)
	}
	p.staged, _ = strconv.ParseInt(vals[kvStaged], 10, 64)
	return p, nil
}

// push sends the outbox, taking first and after it the snapshot a hub
// restored from a backup calls for.
func (s *Syncer) push(ctx context.Context, cl *client, rep *Report) error {
	if err := s.reseedPull(ctx, cl, rep); err != nil {
		return err
	}
	if err := s.pushAll(ctx, cl, rep); err != nil {
		return err
	}
	return s.reseedPull(ctx, cl, rep)
}

// reseedPull takes the snapshot a restored hub calls for, once.
func (s *Syncer) reseedPull(ctx context.Context, cl *client, rep *Report) error {
	if v, err := s.kv(ctx, kvReseed); err != nil || v != "1" {
		return err
	}
	if err := s.snapshot(ctx, cl, rep); err != nil {
		return err
	}
	return s.setKV(ctx, kvReseed, "")
}

// pushAll sends the outbox until it is empty. A laptop that has synced
// before sends at least one (maybe empty) request per round, so that a hub
// restored from a backup learns what it lost, and the laptop the hub's
// epoch, even with nothing new to send.
func (s *Syncer) pushAll(ctx context.Context, cl *client, rep *Report) error {
	probed, renewed, reseeds := false, false, 0
	for {
		pos, err := s.position(ctx)
		if err != nil {
			return err
		}
		rows, open, err := s.readBatch(ctx, pos.staged)
		if err != nil {
			return err
		}
		if len(rows) == 0 && (probed || (pos.acked == 0 && pos.hub == "")) {
			return nil
		}
		probed = true
		marks, err := s.loadMarks(ctx)
		if err != nil {
			return err
		}
		req := &hub.PushRequest{Device: s.store.Device().ID, Changes: make([]hub.Change, len(rows)), Open: open,
			Hub: pos.hub, Epoch: pos.epoch, Acked: pos.acked}
		for i, c := range rows {
			req.Changes[i] = hub.Change{Seq: c.Seq, TxID: c.TxID, Entity: string(c.Entity), ID: c.EntityID, Op: c.Op,
				Data: json.RawMessage(c.Data), HLC: c.HLC, Base: baseOf(marks, c.Seq)}
		}
		resp, err := cl.push(ctx, req)
		if err != nil {
			var he *HTTPError
			if errors.As(err, &he) {
				switch {
				case he.Code == "epoch" && reseeds < 3:
					reseeds++ // one is the rule; a hub restored again meanwhile may ask twice
					if err := s.reseed(ctx, he); err != nil {
						return err
					}
					continue
				case he.Code == "seq_gap" && pos.staged > 0:
					// The hub lost the staged parts (restored, or cleaned):
					// send the action again from its start.
					if err := s.setKV(ctx, kvStaged, ""); err != nil {
						return err
					}
					continue
				case he.Code == "device_owner" && pos.acked == 0 && !renewed:
					// Another user pushed under this id before this laptop's
					// first accepted push; a fresh id costs nothing.
					renewed = true
					d, rerr := s.store.RenewDevice(ctx)
					if rerr != nil {
						return rerr
					}
					s.o.Logf("outbox: the hub has this device id bound to another user; continuing as device %s", d.ID)
					continue
				case he.Code == "seq_gap":
					err = fmt.Errorf("outbox: the hub last received change %d from this laptop but the oldest waiting one is %d; "+
						"the hub may have been restored from an older backup: %w", he.LastSeq, rows[0].Seq, err)
				}
			}
			if len(rows) > 0 {
				s.noteFailure(ctx, rows, err)
			}
			return err
		}
		done, err := s.ack(ctx, rows, resp, rep)
		if err != nil {
			return err
		}
		if done == 0 && len(rows) > 0 {
			return fmt.Errorf("outbox: the hub answered a push without processing any change")
		}
	}
}

// reseed answers a hub restored from an older backup: the changes it lost
// (acknowledged after he.LastSeq) go back into the outbox from sync_sent,
// the position restarts from what the hub holds, and a snapshot replaces
// the pull cursor, whose numbers the restored hub may give to other changes.
func (s *Syncer) reseed(ctx context.Context, he *HTTPError) error {
	dev := s.store.Device().ID
	var back int64
	err := s.store.Write(ctx, func(tx *model.Tx) error {
		res, err := tx.SQL().ExecContext(tx.Context(), `INSERT INTO outbox(seq, tx_id, entity, entity_id, op, data, hlc, created_at)
			SELECT seq, tx_id, entity, entity_id, op, data, hlc, created_at FROM sync_sent WHERE device_id = ? AND seq > ?
			ON CONFLICT(seq) DO NOTHING`, dev, he.LastSeq)
		if err != nil {
			return fmt.Errorf("outbox: queue again what the hub lost: %w", err)
		}
		back, _ = res.RowsAffected()
		if _, err := tx.SQL().ExecContext(tx.Context(), `DELETE FROM sync_sent WHERE device_id = ? AND seq > ?`, dev, he.LastSeq); err != nil {
			return fmt.Errorf("outbox: queue again what the hub lost: %w", err)
		}
		for k, v := range map[string]string{kvAcked: strconv.FormatInt(he.LastSeq, 10), kvAckedBy: dev, kvEpoch: he.Epoch, kvStaged: "", kvReseed: "1"} {
			if err := setKV(tx, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	s.o.Logf("outbox: the hub was restored from a backup; %d acknowledged changes queued again, pulling everything", back)
	var low sql.NullInt64
	if err := s.store.DB().QueryRowContext(ctx, `SELECT MIN(seq) FROM outbox`).Scan(&low); err != nil {
		return fmt.Errorf("outbox: read the outbox: %w", err)
	}
	if he.LastSeq > 0 && low.Valid && low.Int64 > he.LastSeq+1 {
		// sync_sent no longer reaches back to what the hub holds (a backup
		// older than sentRetention): the hub would wait for the missing
		// numbers for ever. A new device id may start anywhere.
		d, err := s.store.RenewDevice(ctx)
		if err != nil {
			return err
		}
		s.o.Logf("outbox: changes %d to %d are older than this laptop keeps; continuing as device %s", he.LastSeq+1, low.Int64-1, d.ID)
	}
	return nil
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

// fieldNames returns the keys of a change's JSON data, sorted.
func fieldNames(data string) []string {
	if out, ok := scanKeys(data); ok {
		sort.Strings(out)
		return out
	}
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

// scanKeys reads the keys of a flat JSON object of stored values (text,
// numbers, true, false, null) as the store writes it, without decoding the
// values: acknowledging a 100,000-change action calls it for every change.
// It gives up (ok false) on anything else, and fieldNames decodes properly.
func scanKeys(s string) (keys []string, ok bool) {
	i := 0
	ws := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t' || s[i] == '\r') {
			i++
		}
	}
	// str skips a JSON string starting at s[i] == '"' and reports whether it
	// held an escape.
	str := func() (start, end int, esc, good bool) {
		i++
		start = i
		for i < len(s) {
			switch s[i] {
			case '\\':
				esc = true
				i += 2
				continue
			case '"':
				end = i
				i++
				return start, end, esc, true
			}
			if s[i] < 0x20 {
				return 0, 0, false, false // not allowed raw in JSON text
			}
			i++
		}
		return 0, 0, false, false
	}
	ws()
	if i >= len(s) || s[i] != '{' {
		return nil, false
	}
	i++
	ws()
	if i < len(s) && s[i] == '}' {
		i++
		ws()
		return []string{}, i == len(s)
	}
	for {
		ws()
		if i >= len(s) || s[i] != '"' {
			return nil, false
		}
		a, b, esc, good := str()
		if !good || esc || !utf8.ValidString(s[a:b]) {
			return nil, false
		}
		keys = append(keys, s[a:b])
		ws()
		if i >= len(s) || s[i] != ':' {
			return nil, false
		}
		i++
		ws()
		if i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case '"':
			a, b, esc, good := str()
			if !good || (esc && !json.Valid([]byte(s[a-1:b+1]))) {
				return nil, false
			}
		case '{', '[':
			return nil, false
		default:
			lit := i
			for i < len(s) && s[i] != ',' && s[i] != '}' && s[i] != ' ' {
				i++
			}
			if v := s[lit:i]; v != "null" && v != "true" && v != "false" && !json.Valid([]byte(v)) {
				return nil, false
			}
		}
		ws()
		if i >= len(s) {
			return nil, false
		}
		switch s[i] {
		case ',':
			i++
		case '}':
			i++
			ws()
			return keys, i == len(s)
		default:
			return nil, false
		}
	}
}

// pin is a row of sync_pins: for each field this laptop pushed, the hub
// version of its latest acknowledged write. Versions are per field: a later
// edit of one field must not hide another device's edit of a different
// field that landed in between.
type pin struct {
	version int64            // the largest of fields, for clean-up
	fields  map[string]int64 // field → hub version
}

// encode is the pin's fields as a JSON object with sorted keys, as
// json.Marshal writes it, by hand: marshalling 100,000 maps was a third of
// the time a laptop took to settle a 100,000-change action. Field names are
// the store's column names; any other shape goes through encoding/json.
func (p *pin) encode(buf []byte) []byte {
	keys := make([]string, 0, len(p.fields))
	for k := range p.fields {
		for i := 0; i < len(k); i++ {
			if c := k[i]; !(c == '_' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
				b, _ := json.Marshal(p.fields)
				return append(buf, b...)
			}
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	buf = append(buf, '{')
	for i, k := range keys {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '"')
		buf = append(buf, k...)
		buf = append(buf, '"', ':')
		buf = strconv.AppendInt(buf, p.fields[k], 10)
	}
	return append(buf, '}')
}

func (p *pin) add(f string, v int64) {
	if v > p.fields[f] {
		p.fields[f] = v
	}
	p.version = max(p.version, v)
}

// ack applies the hub's answer in one local transaction: acknowledged rows
// leave the outbox for sync_sent (their fields pinned until the pull
// reaches their version), rejected ones move to sync_rejections, staged ones
// stay queued with the hub's staged position saved. A crash before the
// commit leaves everything queued; the resend is recognised by seq.
func (s *Syncer) ack(ctx context.Context, rows []model.Change, resp *hub.PushResponse, rep *Report) (int, error) {
	bySeq := make(map[int64]model.Change, len(rows))
	for _, c := range rows {
		bySeq[c.Seq] = c
	}
	inAction := func(seq int64) bool {
		for _, a := range resp.Actions {
			if seq >= a.From && seq <= a.To {
				return true
			}
		}
		return false
	}
	var pushed, dups, rejected, staged int
	dev := s.store.Device().ID
	err := s.store.Write(ctx, func(tx *model.Tx) error {
		pushed, dups, rejected, staged = 0, 0, 0, 0
		q := tx.SQL()
		now := model.FormatTime(s.store.Now())
		del, err := q.PrepareContext(ctx, `DELETE FROM outbox WHERE seq = ?`)
		if err != nil {
			return err
		}
		defer del.Close()
		keep, err := q.PrepareContext(ctx, `INSERT INTO sync_sent(seq, tx_id, entity, entity_id, op, data, hlc, created_at, device_id, sent_at)
			SELECT seq, tx_id, entity, entity_id, op, data, hlc, created_at, ?, ? FROM outbox WHERE seq = ?
			ON CONFLICT(seq) DO UPDATE SET sent_at = excluded.sent_at, device_id = excluded.device_id`)
		if err != nil {
			return err
		}
		defer keep.Close()
		pins := map[string]*pin{}
		var replayFrom int64 // smallest version of a change the hub already had
		for _, r := range resp.Results {
			c, ok := bySeq[r.Seq]
			if !ok || inAction(r.Seq) {
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
				if _, err := keep.ExecContext(ctx, dev, now, c.Seq); err != nil {
					return fmt.Errorf("outbox: keep acknowledged change: %w", err)
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
			case hub.StatusStaged:
				staged++
				continue // held by the hub until the action's last part arrives
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
		for _, a := range resp.Actions {
			n, v, err := ackAction(tx, a, dev, now)
			if err != nil {
				return err
			}
			switch a.Status {
			case hub.StatusApplied:
				pushed += n
			case hub.StatusDuplicate:
				dups += n
				if v > 0 && (replayFrom == 0 || v < replayFrom) {
					replayFrom = v
				}
			case hub.StatusRejected:
				rejected += n
			}
		}
		if err := rewind(tx, replayFrom); err != nil {
			return err
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM sync_sent WHERE sent_at < ?`, model.FormatTime(s.store.Now().Add(-sentRetention))); err != nil {
			return fmt.Errorf("outbox: prune sent changes: %w", err)
		}
		stagedAt := ""
		if resp.Staged > 0 {
			stagedAt = strconv.FormatInt(resp.Staged, 10)
		}
		kvs := map[string]string{kvAcked: strconv.FormatInt(resp.LastSeq, 10), kvAckedBy: dev, kvStaged: stagedAt}
		if resp.Epoch != "" {
			kvs[kvEpoch] = resp.Epoch
		}
		for k, v := range kvs {
			if err := setKV(tx, k, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	rep.Pushed += pushed
	rep.Duplicates += dups
	rep.Rejected += rejected
	return pushed + dups + rejected + staged, nil
}

// ackAction applies the verdict of an action sent in parts to its rows, a
// window at a time (an action may hold 100,000 changes). It returns how
// many rows it settled and the smallest hub version among them.
func ackAction(tx *model.Tx, a hub.ActionResult, dev, now string) (int, int64, error) {
	ctx, q := tx.Context(), tx.SQL()
	if a.Status != hub.StatusApplied && a.Status != hub.StatusDuplicate && a.Status != hub.StatusRejected {
		return 0, 0, nil // unknown to this version: the rows stay queued
	}
	if a.Status == hub.StatusRejected {
		res, err := q.ExecContext(ctx, `INSERT INTO sync_rejections(direction, seq, tx_id, entity, entity_id, op, data, hlc, created_at, code, message, field_errors, rejected_at)
			SELECT 'push', seq, tx_id, entity, entity_id, op, data, hlc, created_at,
				CASE WHEN seq = ? THEN ? ELSE ? END, CASE WHEN seq = ? THEN ? ELSE ? END, CASE WHEN seq = ? THEN ? ELSE '[]' END, ?
			FROM outbox WHERE seq BETWEEN ? AND ?`,
			a.Culprit, a.Code, hub.CodeGroup, a.Culprit, a.Message, hub.GroupMessage(a.Message),
			a.Culprit, fieldsJSON(a.Fields), now, a.From, a.To)
		if err != nil {
			return 0, 0, fmt.Errorf("outbox: store rejections: %w", err)
		}
		n, _ := res.RowsAffected()
		if _, err := q.ExecContext(ctx, `DELETE FROM outbox WHERE seq BETWEEN ? AND ?`, a.From, a.To); err != nil {
			return 0, 0, fmt.Errorf("outbox: remove rejected changes: %w", err)
		}
		return int(n), 0, nil
	}
	const window = 5000
	total := 0
	for lo := a.From; lo <= a.To; lo += window {
		hi := min(lo+window-1, a.To)
		rows, err := q.QueryContext(ctx, `SELECT seq, entity_id, data FROM outbox WHERE seq BETWEEN ? AND ?`, lo, hi)
		if err != nil {
			return 0, 0, fmt.Errorf("outbox: read acknowledged changes: %w", err)
		}
		pins := map[string]*pin{}
		for rows.Next() {
			var seq int64
			var id, data string
			if err := rows.Scan(&seq, &id, &data); err != nil {
				rows.Close()
				return 0, 0, fmt.Errorf("outbox: read acknowledged changes: %w", err)
			}
			v := a.Version
			if a.Status == hub.StatusApplied {
				v += seq - a.From
			}
			p := pins[id]
			if p == nil {
				p = &pin{fields: map[string]int64{}}
				pins[id] = p
			}
			for _, f := range fieldNames(data) {
				p.add(f, v)
			}
			total++
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, 0, fmt.Errorf("outbox: read acknowledged changes: %w", err)
		}
		if err := savePins(tx, pins); err != nil {
			return 0, 0, err
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO sync_sent(seq, tx_id, entity, entity_id, op, data, hlc, created_at, device_id, sent_at)
			SELECT seq, tx_id, entity, entity_id, op, data, hlc, created_at, ?, ? FROM outbox WHERE seq BETWEEN ? AND ?
			ON CONFLICT(seq) DO UPDATE SET sent_at = excluded.sent_at, device_id = excluded.device_id`, dev, now, lo, hi); err != nil {
			return 0, 0, fmt.Errorf("outbox: keep acknowledged changes: %w", err)
		}
		if _, err := q.ExecContext(ctx, `DELETE FROM outbox WHERE seq BETWEEN ? AND ?`, lo, hi); err != nil {
			return 0, 0, fmt.Errorf("outbox: remove acknowledged changes: %w", err)
		}
	}
	return total, a.Version, nil
}

func fieldsJSON(fs []hub.FieldError) string {
	b, _ := json.Marshal(fs)
	if b == nil || string(b) == "null" {
		return "[]"
	}
	return string(b)
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

// savePins merges new pins into sync_pins, a few hundred records a
// statement (an action of 100,000 records pins 100,000 of them).
func savePins(tx *model.Tx, pins map[string]*pin) error {
	if len(pins) == 0 {
		return nil
	}
	ctx, q := tx.Context(), tx.SQL()
	ids := make([]string, 0, len(pins))
	for id := range pins {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	const per = 300
	for lo := 0; lo < len(ids); lo += per {
		part := ids[lo:min(lo+per, len(ids))]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		marks := strings.Repeat("?, ", len(part)-1) + "?"
		rows, err := q.QueryContext(ctx, `SELECT entity_id, fields FROM sync_pins WHERE entity_id IN (`+marks+`)`, args...)
		if err != nil {
			return fmt.Errorf("outbox: read pins: %w", err)
		}
		for rows.Next() {
			var id, fj string
			if err := rows.Scan(&id, &fj); err != nil {
				rows.Close()
				return fmt.Errorf("outbox: read pins: %w", err)
			}
			var old map[string]int64
			_ = json.Unmarshal([]byte(fj), &old)
			for f, fv := range old {
				pins[id].add(f, fv)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("outbox: read pins: %w", err)
		}
		vals := make([]any, 0, 3*len(part))
		var buf []byte
		for _, id := range part {
			p := pins[id]
			buf = p.encode(buf[:0])
			vals = append(vals, id, p.version, string(buf))
		}
		if _, err := q.ExecContext(ctx, `INSERT INTO sync_pins(entity_id, version, fields) VALUES `+strings.Repeat("(?, ?, ?), ", len(part)-1)+`(?, ?, ?)
			ON CONFLICT(entity_id) DO UPDATE SET version = excluded.version, fields = excluded.fields`, vals...); err != nil {
			return fmt.Errorf("outbox: save pins: %w", err)
		}
	}
	return nil
}
