package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"sync"
)

// A user action larger than one request (a 100,000-row import is one
// action) arrives in parts: every request but the last says Open. The hub
// stores the parts in the staged table, answering "staged", and applies the
// whole action in one transaction when its last part arrives, so that the
// team never sees half an import. Applying reads the staged changes in
// windows and writes each window before reading the next, inside a
// savepoint, so memory stays bounded by the window, not the action, and a
// refused change rolls the whole action back. Parts survive a restart of
// either side: a resent part is recognised by (device, seq).

// stagedWindow is how many staged changes are held in memory at once.
const stagedWindow = 2000

// stagedRange is a device's open action: its tx_id and first and last seq
// staged so far (to = 0: none).
type stagedRange struct {
	tx       string
	from, to int64
}

func (s *Store) stagedAction(ctx context.Context, tx *sql.Tx, device string) (stagedRange, error) {
	// Two probes of the primary key, not an aggregate over every staged
	// row: this runs on each of the hundred requests of a big action.
	var r stagedRange
	err := tx.QueryRowContext(ctx, s.q(`SELECT tx_id, device_seq FROM staged WHERE device_id = ? ORDER BY device_seq LIMIT 1`), device).Scan(&r.tx, &r.from)
	if errors.Is(err, sql.ErrNoRows) {
		return stagedRange{}, nil
	}
	if err == nil {
		err = tx.QueryRowContext(ctx, s.q(`SELECT device_seq FROM staged WHERE device_id = ? AND tx_id = ? ORDER BY device_seq DESC LIMIT 1`), device, r.tx).Scan(&r.to)
	}
	if err != nil {
		return r, fmt.Errorf("hub: push: read staged parts: %w", err)
	}
	return r, nil
}

// stage stores changes of an action that is not complete yet.
func (st *pushState) stage(ins []incoming) error {
	err := execRows(st.ctx, st.tx, st.s, `INSERT INTO staged(device_id, device_seq, tx_id, entity, entity_id, op, data, hlc, base) VALUES `, 9, len(ins), func(i int) []any {
		c := ins[i].Change
		return []any{st.device, c.Seq, c.TxID, c.Entity, c.ID, c.Op, string(c.Data), c.HLC, c.Base}
	}, ` ON CONFLICT (device_id, device_seq) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("hub: push: stage part of an action: %w", err)
	}
	return nil
}

// applyStaged applies the staged action sg, all or nothing, at hub sequence
// seq and returns its verdict and the new sequence.
func (st *pushState) applyStaged(sg stagedRange, seq int64, txDone map[string]int64) (ActionResult, int64, error) {
	ar := ActionResult{TxID: sg.tx, From: sg.from, To: sg.to}
	ctx, tx, s := st.ctx, st.tx, st.s
	drop := func() error {
		if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM staged WHERE device_id = ? AND tx_id = ?`), st.device, sg.tx); err != nil {
			return fmt.Errorf("hub: push: drop staged parts: %w", err)
		}
		return nil
	}
	v, done := txDone[sg.tx]
	if !done {
		var mx sql.NullInt64
		if err := tx.QueryRowContext(ctx, s.q(`SELECT MAX(seq) FROM changes WHERE tx_id = ?`), sg.tx).Scan(&mx); err != nil {
			return ar, seq, fmt.Errorf("hub: push: look up action: %w", err)
		}
		v, done = mx.Int64, mx.Valid
	}
	if done {
		// Applied already under another device id (a laptop restored from a
		// backup sends it again).
		ar.Status, ar.Version = StatusDuplicate, v
		return ar, seq, drop()
	}
	// What earlier actions of this request changed goes to the database
	// first, so that the savepoint covers exactly this action.
	if err := st.flush(); err != nil {
		return ar, seq, err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT staged_action`); err != nil {
		return ar, seq, fmt.Errorf("hub: push: %w", err)
	}
	next := seq
	var failed *Result
	// Windows are parsed one ahead, on the other core, while this one is
	// merged and written: parsing is pure, the transaction stays on this
	// goroutine.
	ahead := func(after int64) (func() []incoming, error) {
		ins, err := st.readStaged(sg.tx, after)
		if err != nil || len(ins) == 0 {
			return func() []incoming { return nil }, err
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			parseAll(ins)
		}()
		return func() []incoming { <-done; return ins }, nil
	}
	pending, err := ahead(0)
	if err != nil {
		return ar, seq, err
	}
	for failed == nil {
		ins := pending()
		if len(ins) == 0 {
			break
		}
		if pending, err = ahead(ins[len(ins)-1].Seq); err != nil {
			return ar, seq, err
		}
		if err := st.preload(ins); err != nil {
			return ar, seq, err
		}
		staged := map[string]*record{}
		stagedUniq := map[string]string{}
		for _, in := range ins {
			if in.bad != nil {
				failed = in.bad
				break
			}
			next++
			row, res, err := st.merge(in, next, staged, stagedUniq)
			if err != nil {
				return ar, seq, err
			}
			if res != nil {
				failed = res
				break
			}
			st.changes = append(st.changes, row)
		}
		if failed != nil {
			break
		}
		st.promote(staged, stagedUniq)
		if err := st.flush(); err != nil {
			return ar, seq, err
		}
		// Later windows read what this one wrote from the database.
		st.recs = map[string]*record{}
	}
	if failed != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT staged_action`); err != nil {
			return ar, seq, fmt.Errorf("hub: push: %w", err)
		}
		st.recs, st.dirty, st.uniq, st.changes = map[string]*record{}, map[string]bool{}, map[string]string{}, nil
		ar.Status, ar.Culprit, ar.Code, ar.Message, ar.Fields = StatusRejected, failed.Seq, failed.Code, failed.Message, failed.Fields
		fj, _ := json.Marshal(failed.Fields)
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO rejections(device_id, device_seq, code, message, fields, at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (device_id, device_seq) DO NOTHING`), st.device, failed.Seq, failed.Code, failed.Message, string(fj), st.at); err != nil {
			return ar, seq, fmt.Errorf("hub: push: write rejections: %w", err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO rejections(device_id, device_seq, code, message, fields, at)
			SELECT device_id, device_seq, ?, ?, '[]', ? FROM staged WHERE device_id = ? AND tx_id = ? AND device_seq <> ?
			ON CONFLICT (device_id, device_seq) DO NOTHING`), CodeGroup, groupMessage(failed), st.at, st.device, sg.tx, failed.Seq); err != nil {
			return ar, seq, fmt.Errorf("hub: push: write rejections: %w", err)
		}
		next = seq
	} else {
		ar.Status, ar.Version = StatusApplied, seq+1
	}
	if _, err := tx.ExecContext(ctx, `RELEASE SAVEPOINT staged_action`); err != nil {
		return ar, seq, fmt.Errorf("hub: push: %w", err)
	}
	return ar, next, drop()
}

func groupMessage(failed *Result) string { return GroupMessage(failed.Message) }

// GroupMessage is the reason given to the other changes of an action one of
// whose changes was refused for culprit; the laptop writes the same for the
// rows an action verdict settles.
func GroupMessage(culprit string) string {
	return "not applied because another change of the same action was refused: " + culprit
}

// readStaged returns the next window of an action's staged changes after
// seq, not parsed yet.
func (st *pushState) readStaged(txID string, after int64) ([]incoming, error) {
	rows, err := st.tx.QueryContext(st.ctx, st.s.q(`SELECT device_seq, entity, entity_id, op, data, hlc, base FROM staged
		WHERE device_id = ? AND tx_id = ? AND device_seq > ? ORDER BY device_seq LIMIT ?`), st.device, txID, after, stagedWindow)
	if err != nil {
		return nil, fmt.Errorf("hub: push: read staged parts: %w", err)
	}
	defer rows.Close()
	var out []incoming
	for rows.Next() {
		c := Change{TxID: txID}
		var data string
		if err := rows.Scan(&c.Seq, &c.Entity, &c.ID, &c.Op, &data, &c.HLC, &c.Base); err != nil {
			return nil, fmt.Errorf("hub: push: read staged parts: %w", err)
		}
		c.Data = json.RawMessage(data)
		out = append(out, incoming{Change: c})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hub: push: read staged parts: %w", err)
	}
	return out, nil
}

// parseAll parses changes on every core: parsing (decode into the typed
// record and back) is pure and the largest cost of applying a big action.
func parseAll(ins []incoming) {
	workers := min(runtime.GOMAXPROCS(0), 4, max(len(ins)/256, 1))
	var wg sync.WaitGroup
	per := (len(ins) + workers - 1) / workers
	for w := 0; w < workers; w++ {
		part := ins[min(w*per, len(ins)):min((w+1)*per, len(ins))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range part {
				part[i] = parseChange(part[i].Change)
			}
		}()
	}
	wg.Wait()
}

// actionResult is the result of change seq from the verdict of the action
// that holds it, or "staged" when no completed action does.
func actionResult(actions []ActionResult, seq int64) Result {
	for _, a := range actions {
		if seq < a.From || seq > a.To {
			continue
		}
		switch {
		case a.Status == StatusApplied:
			return Result{Seq: seq, Status: StatusApplied, Version: a.Version + (seq - a.From)}
		case a.Status == StatusDuplicate:
			return Result{Seq: seq, Status: StatusDuplicate, Version: a.Version}
		case seq == a.Culprit:
			return Result{Seq: seq, Status: StatusRejected, Code: a.Code, Message: a.Message, Fields: a.Fields}
		default:
			return Result{Seq: seq, Status: StatusRejected, Code: CodeGroup, Message: GroupMessage(a.Message)}
		}
	}
	return Result{Seq: seq, Status: StatusStaged}
}

// checkEpoch finds a hub restored from an older backup: the laptop was
// acknowledged more of its changes than the hub now holds, or names an
// epoch the hub never had. The hub then starts a new epoch (committed at
// once) and answers 409 "epoch" with what it holds of the device, so that
// the laptop re-sends the rest and pulls everything again. A laptop that
// merely names an older epoch gets the same answer without a new epoch.
func (s *Store) checkEpoch(ctx context.Context, tx *sql.Tx, req PushRequest, epoch string, lastSeq int64) error {
	if req.Hub != s.id {
		return nil // a position on another hub says nothing about this one
	}
	claimed := req.Epoch
	if claimed == "" {
		claimed = epoch
	}
	fresh := false
	switch {
	case claimed != epoch:
		var one int
		err := tx.QueryRowContext(ctx, s.q(`SELECT 1 FROM epochs WHERE id = ?`), claimed).Scan(&one)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("hub: push: read epochs: %w", err)
		}
		fresh = errors.Is(err, sql.ErrNoRows)
	case req.Acked > lastSeq:
		fresh = true
	default:
		return nil
	}
	if fresh {
		var err error
		if epoch, err = s.newEpoch(ctx, tx); err != nil {
			return err
		}
		if err := s.commit(tx); err != nil {
			return fmt.Errorf("hub: push: start an epoch: %w", err)
		}
	}
	return &Error{Status: http.StatusConflict, Code: "epoch", LastSeq: lastSeq, Epoch: epoch,
		Message: fmt.Sprintf("the hub's data was restored from a backup; it holds this device's changes up to %d: send the rest again and pull everything", lastSeq)}
}
