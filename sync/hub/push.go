package hub

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"

	"relais/model"
)

// Error is a refusal of a whole request, with the HTTP status to answer.
type Error struct {
	Status  int
	Code    string
	Message string
	LastSeq int64
	Epoch   string
	Field   string
}

func (e *Error) Error() string { return "hub: " + e.Message }

func badRequest(code, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Limits of one push.
const (
	MaxChangesPerPush = 20000
	maxIDLen          = 100
)

// fieldMeta is who last wrote a field, and when in hub order.
type fieldMeta struct {
	Seq    int64  `json:"s"`
	Device string `json:"d"`
	User   string `json:"u"`
	HLC    string `json:"h"`
}

// record is the hub's copy of one record.
type record struct {
	id      string
	entity  model.Kind
	f       model.FieldMap
	m       map[string]fieldMeta
	version int64
}

type storedRecord struct {
	F model.FieldMap       `json:"f"`
	M map[string]fieldMeta `json:"m"`
}

func (r *record) clone() *record {
	c := *r
	c.f = make(model.FieldMap, len(r.f))
	for k, v := range r.f {
		c.f[k] = v
	}
	c.m = make(map[string]fieldMeta, len(r.m))
	for k, v := range r.m {
		c.m[k] = v
	}
	return &c
}

func (r *record) deleted() bool { return r.f["deleted_at"] != nil }

// decodeFields reads a JSON object of stored-form values, keeping whole
// numbers exact (int64, never float64).
func decodeFields(raw []byte) (model.FieldMap, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var m model.FieldMap
	if err := d.Decode(&m); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, errors.New("trailing data after the object")
	}
	for k, v := range m {
		switch x := v.(type) {
		case json.Number:
			i, err := x.Int64()
			if err != nil {
				return nil, fmt.Errorf("field %s: %s is not a whole number", k, x)
			}
			m[k] = i
		case string, nil, bool:
		default:
			return nil, fmt.Errorf("field %s: want text, a whole number or null", k)
		}
	}
	return m, nil
}

func loadRecord(id, entity, fields string, version int64) (*record, error) {
	var st storedRecord
	d := json.NewDecoder(strings.NewReader(fields))
	d.UseNumber()
	if err := d.Decode(&st); err != nil {
		return nil, fmt.Errorf("hub: record %s is damaged: %w", id, err)
	}
	for k, v := range st.F {
		if n, ok := v.(json.Number); ok {
			i, err := n.Int64()
			if err != nil {
				return nil, fmt.Errorf("hub: record %s field %s is damaged", id, k)
			}
			st.F[k] = i
		}
	}
	if st.F == nil {
		st.F = model.FieldMap{}
	}
	if st.M == nil {
		st.M = map[string]fieldMeta{}
	}
	return &record{id: id, entity: model.Kind(entity), f: st.F, m: st.M, version: version}, nil
}

// incoming is a pushed change after parsing.
type incoming struct {
	Change
	kind   model.Kind
	fields model.FieldMap // canonical stored form
	bad    *Result        // set when the change cannot even be read
}

// parseChange checks the shape of one change and brings its values to the
// canonical stored form (decoding into the typed record and encoding back),
// so that equal values compare equal whatever JSON the client sent.
func parseChange(c Change) incoming {
	in := incoming{Change: c, kind: model.Kind(c.Entity)}
	reject := func(format string, args ...any) incoming {
		in.bad = &Result{Seq: c.Seq, Status: StatusRejected, Code: CodeMalformed, Message: fmt.Sprintf(format, args...)}
		return in
	}
	rec, err := model.New(in.kind)
	if err != nil {
		return reject("unknown kind of record %q", clip(c.Entity))
	}
	if c.ID == "" || len(c.ID) > maxIDLen || !utf8.ValidString(c.ID) {
		return reject("the record id is missing or too long")
	}
	if c.TxID == "" || len(c.TxID) > maxIDLen {
		return reject("the change has no action id (tx_id)")
	}
	if c.Op != "put" && c.Op != "patch" && c.Op != "delete" {
		return reject("unknown operation %q", clip(c.Op))
	}
	if _, err := model.ParseHLC(c.HLC); err != nil {
		return reject("the clock stamp %q cannot be read", clip(c.HLC))
	}
	fm, err := decodeFields(c.Data)
	if err != nil {
		return reject("the data of %s %s is not a JSON object of fields: %v", c.Entity, clip(c.ID), err)
	}
	if err := model.Decode(rec, fm); err != nil {
		return reject("%s", strings.TrimPrefix(err.Error(), "model: "))
	}
	canon, _ := model.Encode(rec)
	in.fields = make(model.FieldMap, len(fm))
	for k := range fm {
		switch k {
		case "created_at":
			in.fields[k] = timeOrNil(rec.Base().CreatedAt.IsZero(), model.FormatTime(rec.Base().CreatedAt))
		case "deleted_at":
			in.fields[k] = timeOrNil(rec.Base().DeletedAt.IsZero(), model.FormatTime(rec.Base().DeletedAt))
		default:
			in.fields[k] = canon[k]
		}
	}
	if c.Op == "delete" && in.fields["deleted_at"] == nil {
		return reject("a delete must set deleted_at")
	}
	return in
}

func timeOrNil(zero bool, s string) any {
	if zero {
		return nil
	}
	return s
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// pushState is the working set of one push transaction.
type pushState struct {
	s       *Store
	tx      *sql.Tx
	ctx     context.Context
	user    User
	device  string
	at      string
	recs    map[string]*record // loaded or written in this push; nil value = known absent
	dirty   map[string]bool
	uniq    map[string]string // entity + "\x00" + key → record id ("" = free), overriding the table
	changes []changeRow
	rejects []rejectRow
}

type changeRow struct {
	seq                   int64
	entity, id, op, data  string
	hlc, txID, conflicts  string
	deviceSeq             int64
	uniqAdds, uniqRemoves []string
}

type rejectRow struct {
	seq                   int64
	code, message, fields string
}

// Push applies a device's changes in one transaction. It refuses the whole
// request (*Error) when the device belongs to another user (403), the
// changes leave a gap after the device's last processed seq (409), or the
// hub finds it was restored from an older backup (409 "epoch"); otherwise
// each change is applied, recognised as already applied, rejected, or, for
// an action that continues in a later request, staged.
func (s *Store) Push(ctx context.Context, u User, req PushRequest) (*PushResponse, error) {
	if req.Device == "" || len(req.Device) > maxIDLen || !utf8.ValidString(req.Device) {
		return nil, &Error{Status: http.StatusBadRequest, Code: "bad_device", Field: "device", Message: "the request names no device, or a device id that is not 1 to 100 bytes of UTF-8"}
	}
	if len(req.Changes) > MaxChangesPerPush {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_many", Message: fmt.Sprintf("at most %d changes per push", MaxChangesPerPush)}
	}
	for i, c := range req.Changes {
		if c.Seq <= 0 || (i > 0 && c.Seq <= req.Changes[i-1].Seq) {
			return nil, badRequest("bad_seq", "change sequence numbers must be positive and increasing")
		}
	}
	// Changes are parsed (decoded into their typed record and back, the
	// costly part) only once it is known they are applied now, not staged.
	parsed := make([]incoming, len(req.Changes))
	for i, c := range req.Changes {
		parsed[i] = incoming{Change: c}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("hub: push: %w", err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET n = n WHERE name = 'seq' RETURNING n`).Scan(&seq); err != nil {
		return nil, fmt.Errorf("hub: push: lock: %w", err)
	}
	epoch, err := s.epoch(ctx, tx)
	if err != nil {
		return nil, err
	}
	var owner string
	var lastSeq int64
	known := true
	err = tx.QueryRowContext(ctx, s.q(`SELECT user_id, last_seq FROM devices WHERE id = ?`), req.Device).Scan(&owner, &lastSeq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		known = false
	case err != nil:
		return nil, fmt.Errorf("hub: push: read device: %w", err)
	case owner != u.ID:
		return nil, &Error{Status: http.StatusForbidden, Code: "device_owner", Message: "this device is registered to another user"}
	}
	if err := s.checkEpoch(ctx, tx, req, epoch, lastSeq); err != nil {
		return nil, err
	}
	sg, err := s.stagedAction(ctx, tx, req.Device)
	if err != nil {
		return nil, err
	}
	// Changes up to lastSeq were processed before (a lost reply, a resend):
	// answer them from the record without applying anything again. Changes
	// already staged are not staged twice.
	first := len(parsed)
	for i, in := range parsed {
		if in.Seq > lastSeq {
			first = i
			break
		}
	}
	k := first
	for k < len(parsed) && parsed[k].Seq <= sg.to {
		k++
	}
	newer := parsed[k:]
	if len(newer) > 0 {
		// A device's first push may start anywhere: a laptop restored from a
		// backup gets a new device id but keeps counting from the backup.
		expect := lastSeq
		if sg.to > 0 {
			expect = sg.to
		}
		if ((known && lastSeq > 0) || sg.to > 0) && newer[0].Seq != expect+1 {
			return nil, &Error{Status: http.StatusConflict, Code: "seq_gap", LastSeq: lastSeq,
				Message: fmt.Sprintf("changes %d to %d of this device never arrived", expect+1, newer[0].Seq-1)}
		}
		for i := 1; i < len(newer); i++ {
			if newer[i].Seq != newer[i-1].Seq+1 {
				return nil, &Error{Status: http.StatusConflict, Code: "seq_gap", LastSeq: lastSeq,
					Message: fmt.Sprintf("change %d is missing from the request", newer[i-1].Seq+1)}
			}
		}
	}
	resp := &PushResponse{LastSeq: lastSeq, Results: make([]Result, 0, len(parsed)), Epoch: epoch, Staged: sg.to}
	dups, err := s.replayResults(ctx, tx, req.Device, parsed[:first])
	if err != nil {
		return nil, err
	}
	resp.Results = append(resp.Results, dups...)
	if len(newer) == 0 && (sg.to == 0 || req.Open) {
		// Nothing to apply. An empty push binds no device: the first real
		// push does, so an id nobody has used yet cannot be claimed ahead.
		for _, in := range parsed[first:] {
			resp.Results = append(resp.Results, Result{Seq: in.Seq, Status: StatusStaged})
		}
		return resp, nil
	}
	st := &pushState{s: s, tx: tx, ctx: ctx, user: u, device: req.Device, at: model.FormatTime(s.now()),
		recs: map[string]*record{}, dirty: map[string]bool{}, uniq: map[string]string{}}
	lo, hi := 0, len(newer) // newer[lo:hi] is applied now, the rest staged
	if sg.to > 0 {
		for lo < len(newer) && newer[lo].TxID == sg.tx {
			lo++
		}
	}
	if req.Open {
		for hi > lo && newer[hi-1].TxID == newer[len(newer)-1].TxID {
			hi--
		}
	}
	parseAll(newer[lo:hi])
	if err := st.preload(newer[lo:hi]); err != nil {
		return nil, err
	}
	txDone, err := st.appliedGroups(newer)
	if err != nil {
		return nil, err
	}
	results := map[int64]Result{}
	start := 0
	if sg.to > 0 {
		// The action the hub holds staged: this request continues it, ends
		// it, or (a new action comes first) shows it ended with its last part.
		end := 0
		for end < len(newer) && newer[end].TxID == sg.tx {
			end++
		}
		if err := st.stage(newer[:end]); err != nil {
			return nil, err
		}
		if end > 0 {
			sg.to = newer[end-1].Seq
		}
		if end < len(newer) || !req.Open {
			ar, next, err := st.applyStaged(sg, seq, txDone)
			if err != nil {
				return nil, err
			}
			seq = next
			resp.Actions = append(resp.Actions, ar)
			resp.LastSeq, resp.Staged = ar.To, 0
		} else {
			resp.Staged = sg.to
		}
		start = end
	}
	for start < len(newer) {
		end := start + 1
		for end < len(newer) && newer[end].TxID == newer[start].TxID {
			end++
		}
		if end == len(newer) && req.Open {
			if err := st.stage(newer[start:end]); err != nil {
				return nil, err
			}
			resp.Staged = newer[end-1].Seq
			break
		}
		res, next, err := st.applyGroup(newer[start:end], seq, txDone)
		if err != nil {
			return nil, err
		}
		seq = next
		for _, r := range res {
			results[r.Seq] = r
		}
		resp.LastSeq = newer[end-1].Seq
		start = end
	}
	for _, in := range parsed[first:] {
		r, ok := results[in.Seq]
		if !ok {
			r = actionResult(resp.Actions, in.Seq)
		}
		resp.Results = append(resp.Results, r)
	}
	if err := st.write(resp.LastSeq, seq); err != nil {
		return nil, err
	}
	if err := s.commit(tx); err != nil {
		return nil, fmt.Errorf("hub: push: commit: %w", err)
	}
	return resp, nil
}

// replayResults answers changes the device sent before: applied ones with
// their version, rejected ones with the same rejection.
func (s *Store) replayResults(ctx context.Context, tx *sql.Tx, device string, ins []incoming) ([]Result, error) {
	if len(ins) == 0 {
		return nil, nil
	}
	versions := map[int64]int64{}
	rejected := map[int64]Result{}
	for _, part := range chunks(len(ins), 500) {
		args := []any{device}
		for _, in := range ins[part[0]:part[1]] {
			args = append(args, in.Seq)
		}
		ph := placeholders(part[1] - part[0])
		rows, err := tx.QueryContext(ctx, s.q(`SELECT device_seq, seq FROM changes WHERE device_id = ? AND device_seq IN (`+ph+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("hub: push: look up earlier changes: %w", err)
		}
		for rows.Next() {
			var ds, v int64
			if err := rows.Scan(&ds, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("hub: push: look up earlier changes: %w", err)
			}
			versions[ds] = v
		}
		rows.Close()
		rows, err = tx.QueryContext(ctx, s.q(`SELECT device_seq, code, message, fields FROM rejections WHERE device_id = ? AND device_seq IN (`+ph+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("hub: push: look up earlier rejections: %w", err)
		}
		for rows.Next() {
			var r Result
			var fields string
			if err := rows.Scan(&r.Seq, &r.Code, &r.Message, &fields); err != nil {
				rows.Close()
				return nil, fmt.Errorf("hub: push: look up earlier rejections: %w", err)
			}
			r.Status = StatusRejected
			_ = json.Unmarshal([]byte(fields), &r.Fields)
			rejected[r.Seq] = r
		}
		rows.Close()
	}
	out := make([]Result, len(ins))
	for i, in := range ins {
		if r, ok := rejected[in.Seq]; ok {
			out[i] = r
			continue
		}
		out[i] = Result{Seq: in.Seq, Status: StatusDuplicate, Version: versions[in.Seq]}
	}
	return out, nil
}

// preload reads, in a few queries, every record the changes touch or refer to.
func (st *pushState) preload(ins []incoming) error {
	want := map[string]bool{}
	for _, in := range ins {
		if in.bad != nil {
			continue
		}
		want[in.ID] = true
		for f := range model.Refs(in.kind) {
			if id, ok := in.fields[f].(string); ok && id != "" {
				want[id] = true
			}
		}
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
		st.recs[id] = nil
	}
	for _, part := range chunks(len(ids), 500) {
		args := make([]any, 0, part[1]-part[0])
		for _, id := range ids[part[0]:part[1]] {
			args = append(args, id)
		}
		rows, err := st.tx.QueryContext(st.ctx, st.s.q(`SELECT id, entity, fields, version FROM records WHERE id IN (`+placeholders(len(args))+`)`), args...)
		if err != nil {
			return fmt.Errorf("hub: push: read records: %w", err)
		}
		for rows.Next() {
			var id, entity, fields string
			var version int64
			if err := rows.Scan(&id, &entity, &fields, &version); err != nil {
				rows.Close()
				return fmt.Errorf("hub: push: read records: %w", err)
			}
			r, err := loadRecord(id, entity, fields, version)
			if err != nil {
				rows.Close()
				return err
			}
			st.recs[id] = r
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("hub: push: read records: %w", err)
		}
	}
	return nil
}

// appliedGroups finds user actions (tx_id) the hub already applied from
// another device: a laptop restored from a backup resends, under its new
// device id, changes its old identity had delivered. They are applied once.
func (st *pushState) appliedGroups(ins []incoming) (map[string]int64, error) {
	seen := map[string]bool{}
	var txs []any
	for _, in := range ins {
		if !seen[in.TxID] {
			seen[in.TxID] = true
			txs = append(txs, in.TxID)
		}
	}
	done := map[string]int64{}
	for _, part := range chunks(len(txs), 500) {
		args := txs[part[0]:part[1]]
		rows, err := st.tx.QueryContext(st.ctx, st.s.q(`SELECT tx_id, MAX(seq) FROM changes WHERE tx_id IN (`+placeholders(len(args))+`) GROUP BY tx_id`), args...)
		if err != nil {
			return nil, fmt.Errorf("hub: push: look up actions: %w", err)
		}
		for rows.Next() {
			var id string
			var v int64
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("hub: push: look up actions: %w", err)
			}
			done[id] = v
		}
		rows.Close()
	}
	return done, nil
}

// applyGroup applies the changes of one user action all together or not at
// all: a proposal without one of its lines would be a different proposal.
func (st *pushState) applyGroup(group []incoming, seq int64, txDone map[string]int64) ([]Result, int64, error) {
	out := make([]Result, len(group))
	if v, ok := txDone[group[0].TxID]; ok {
		for i, in := range group {
			out[i] = Result{Seq: in.Seq, Status: StatusDuplicate, Version: v}
		}
		return out, seq, nil
	}
	staged := map[string]*record{}
	stagedUniq := map[string]string{}
	var rows []changeRow
	var failed *Result
	next := seq
	for i, in := range group {
		if in.bad != nil {
			out[i] = *in.bad
			if failed == nil {
				failed = in.bad
			}
			continue
		}
		next++
		row, res, err := st.merge(in, next, staged, stagedUniq)
		if err != nil {
			return nil, seq, err
		}
		if res != nil {
			out[i] = *res
			if failed == nil {
				failed = res
			}
			continue
		}
		rows = append(rows, row)
		out[i] = Result{Seq: in.Seq, Status: StatusApplied, Version: next}
	}
	if failed != nil {
		for i, in := range group {
			if out[i].Status != StatusRejected {
				out[i] = Result{Seq: in.Seq, Status: StatusRejected, Code: CodeGroup, Message: groupMessage(failed)}
			}
			fj, _ := json.Marshal(out[i].Fields)
			st.rejects = append(st.rejects, rejectRow{seq: in.Seq, code: out[i].Code, message: out[i].Message, fields: string(fj)})
		}
		return out, seq, nil
	}
	st.promote(staged, stagedUniq)
	st.changes = append(st.changes, rows...)
	return out, next, nil
}

// promote makes what one action staged part of the push, to be written.
func (st *pushState) promote(staged map[string]*record, stagedUniq map[string]string) {
	for id, r := range staged {
		st.recs[id] = r
		st.dirty[id] = true
	}
	for k, v := range stagedUniq {
		st.uniq[k] = v
	}
}

// lookup returns the newest copy of a record: staged in this action, written
// earlier in this push, or as loaded.
func (st *pushState) lookup(id string, staged map[string]*record) (*record, error) {
	if r, ok := staged[id]; ok {
		return r, nil
	}
	if r, ok := st.recs[id]; ok {
		return r, nil
	}
	// Not preloaded (a reference added by an earlier change of this push).
	var entity, fields string
	var version int64
	err := st.tx.QueryRowContext(st.ctx, st.s.q(`SELECT entity, fields, version FROM records WHERE id = ?`), id).Scan(&entity, &fields, &version)
	if errors.Is(err, sql.ErrNoRows) {
		st.recs[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hub: push: read record %s: %w", id, err)
	}
	r, err := loadRecord(id, entity, fields, version)
	if err != nil {
		return nil, err
	}
	st.recs[id] = r
	return r, nil
}

func rawJSON(v any) json.RawMessage {
	b, _ := json.Marshal(v) // field values are strings, int64 or nil
	return b
}

// merge applies one change to its record at hub sequence seq. Fields merge
// one by one and the later write in hub order wins, so two edits to
// different fields both survive and, for the same field, the last to reach
// the hub wins: an outcome no laptop's clock can change. A write that
// replaces a value its author had not pulled yet (written by another device
// after the change's base) is a conflict, logged with the losing value. A
// deletion wins over concurrent edits and a concurrent restore.
func (st *pushState) merge(in incoming, seq int64, staged map[string]*record, stagedUniq map[string]string) (changeRow, *Result, error) {
	reject := func(code, msg string, fields []FieldError) (changeRow, *Result, error) {
		return changeRow{}, &Result{Seq: in.Seq, Status: StatusRejected, Code: code, Message: msg, Fields: fields}, nil
	}
	cur, err := st.lookup(in.ID, staged)
	if err != nil {
		return changeRow{}, nil, err
	}
	if cur != nil && cur.entity != in.kind {
		return reject(CodeMalformed, fmt.Sprintf("id %s belongs to a %s, not a %s", in.ID, cur.entity, in.kind), nil)
	}
	var nr *record
	switch {
	case cur != nil:
		nr = cur.clone()
	case in.Op == "put":
		nr = &record{id: in.ID, entity: in.kind, f: model.FieldMap{}, m: map[string]fieldMeta{}}
	default:
		return reject(CodeUnknownRecord, fmt.Sprintf("the hub has no %s %s: its creation was refused or never sent", in.kind, in.ID), nil)
	}
	me := fieldMeta{Seq: seq, Device: st.device, User: st.user.Name, HLC: in.HLC}
	concurrent := func(m fieldMeta) bool { return m.Device != st.device && m.Seq > in.Base }
	wasDeleted := nr.deleted()
	delMeta := nr.m["deleted_at"]
	// applied is what the change log carries: for every field the change
	// wrote, the value the hub ended with.
	applied := model.FieldMap{}
	var conflicts []Conflict
	lostToDelete := model.FieldMap{}
	names := make([]string, 0, len(in.fields))
	for k := range in.fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := in.fields[k]
		if k == "deleted_at" {
			switch {
			case v != nil && !wasDeleted: // a deletion
				edited := model.FieldMap{}
				var last fieldMeta
				for g, m := range nr.m {
					if g != "deleted_at" && g != "created_at" && concurrent(m) {
						edited[g] = nr.f[g]
						if m.Seq > last.Seq {
							last = m
						}
					}
				}
				if len(edited) > 0 {
					conflicts = append(conflicts, Conflict{Kind: ConflictDelete, Lost: rawJSON(edited), LostBy: last.User, LostDevice: last.Device, LostHLC: last.HLC, LostSeq: last.Seq,
						Won: rawJSON(v), WonBy: me.User, WonDevice: me.Device, WonHLC: me.HLC, WonSeq: seq})
				}
				nr.f[k], nr.m[k], applied[k] = v, me, v
			case v == nil && wasDeleted: // a restore
				if concurrent(delMeta) {
					conflicts = append(conflicts, Conflict{Kind: ConflictDelete, Field: k, Lost: rawJSON(nil), LostBy: me.User, LostDevice: me.Device, LostHLC: me.HLC, LostSeq: seq,
						Won: rawJSON(nr.f[k]), WonBy: delMeta.User, WonDevice: delMeta.Device, WonHLC: delMeta.HLC, WonSeq: delMeta.Seq})
					// The log carries the value that stays, so the laptop
					// that sent the restore deletes the record again.
					applied[k] = nr.f[k]
					continue
				}
				nr.f[k], nr.m[k], applied[k] = v, me, v
			default:
				// Deleting a deleted record or restoring a live one changes
				// nothing; the log says what the field holds.
				applied[k] = nr.f[k]
			}
			continue
		}
		if wasDeleted && concurrent(delMeta) && k != "created_at" {
			lostToDelete[k] = v
		}
		old, had := nr.f[k]
		if m, ok := nr.m[k]; had && ok && k != "created_at" && concurrent(m) && old != v {
			conflicts = append(conflicts, Conflict{Kind: ConflictField, Field: k, Lost: rawJSON(old), LostBy: m.User, LostDevice: m.Device, LostHLC: m.HLC, LostSeq: m.Seq,
				Won: rawJSON(v), WonBy: me.User, WonDevice: me.Device, WonHLC: me.HLC, WonSeq: seq})
		}
		if k == "created_at" && had && old != nil {
			applied[k] = old // a record is created once
			continue
		}
		nr.f[k], nr.m[k], applied[k] = v, me, v
	}
	if len(lostToDelete) > 0 {
		// The edit is kept inside the tombstone (a restore brings it back) but
		// the record stays deleted: tell the editor.
		conflicts = append(conflicts, Conflict{Kind: ConflictDelete, Lost: rawJSON(lostToDelete), LostBy: me.User, LostDevice: me.Device, LostHLC: me.HLC, LostSeq: seq,
			Won: rawJSON(nr.f["deleted_at"]), WonBy: delMeta.User, WonDevice: delMeta.Device, WonHLC: delMeta.HLC, WonSeq: delMeta.Seq})
	}
	if c, err := st.renumberRevision(&in, nr, applied, staged, seq); err != nil {
		return changeRow{}, nil, err
	} else if c != nil {
		conflicts = append(conflicts, *c)
	}
	if !nr.deleted() {
		if res := validate(nr); res != nil {
			res.Seq = in.Seq
			return changeRow{}, res, nil
		}
	}
	// References must name records the hub has, or every other laptop's pull
	// would fail on a dangling foreign key.
	var refErrs []FieldError
	for f, target := range model.Refs(in.kind) {
		id, ok := applied[f].(string)
		if !ok || id == "" {
			continue
		}
		t, err := st.lookup(id, staged)
		if err != nil {
			return changeRow{}, nil, err
		}
		if t == nil || t.entity != target {
			refErrs = append(refErrs, FieldError{Field: f, Code: model.CodeInvalid, Message: fmt.Sprintf("points to no existing %s", target)})
		}
	}
	if len(refErrs) > 0 {
		sort.Slice(refErrs, func(i, j int) bool { return refErrs[i].Field < refErrs[j].Field })
		return reject(CodeInvalid, "invalid record: "+joinFieldErrors(refErrs), refErrs)
	}
	adds, removes, res, err := st.checkUnique(cur, nr, staged, stagedUniq)
	if err != nil || res != nil {
		if res != nil {
			res.Seq = in.Seq
		}
		return changeRow{}, res, err
	}
	nr.version = seq
	staged[nr.id] = nr
	cj := "[]"
	if len(conflicts) > 0 {
		b, _ := json.Marshal(conflicts)
		cj = string(b)
	}
	data := appendFields(nil, applied)
	return changeRow{seq: seq, entity: string(in.kind), id: in.ID, op: in.Op, data: string(data), hlc: in.HLC, txID: in.TxID,
		conflicts: cj, deviceSeq: in.Seq, uniqAdds: adds, uniqRemoves: removes}, nil, nil
}

func joinFieldErrors(fs []FieldError) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.Field + ": " + f.Message
	}
	return strings.Join(parts, "; ")
}

// validate decodes the merged record into its typed struct and runs the
// same rules the laptops run.
func validate(r *record) *Result {
	rec, err := model.New(r.entity)
	if err != nil {
		return &Result{Status: StatusRejected, Code: CodeMalformed, Message: err.Error()}
	}
	if err := model.Decode(rec, r.f); err != nil {
		return &Result{Status: StatusRejected, Code: CodeMalformed, Message: strings.TrimPrefix(err.Error(), "model: ")}
	}
	err = rec.Validate()
	if err == nil {
		return nil
	}
	res := &Result{Status: StatusRejected, Code: CodeInvalid, Message: err.Error()}
	if ve, ok := model.AsValidation(err); ok {
		for _, e := range ve {
			res.Fields = append(res.Fields, FieldError{Field: e.Field, Code: e.Code, Message: e.Msg})
		}
	}
	return res
}

// uniqueKeys returns the table keys the record holds, "entity\x00json".
func uniqueKeys(r *record) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, uk := range model.UniqueKeys(r.entity) {
		if uk.LiveOnly && r.deleted() {
			continue
		}
		vals := make([]any, len(uk.Fields))
		for i, f := range uk.Fields {
			vals[i] = r.f[f]
		}
		out = append(out, string(r.entity)+"\x00"+string(rawJSON(vals)))
	}
	return out
}

func (st *pushState) checkUnique(cur, nr *record, staged map[string]*record, stagedUniq map[string]string) (adds, removes []string, res *Result, err error) {
	oldKeys, newKeys := uniqueKeys(cur), uniqueKeys(nr)
	if len(oldKeys) == 0 && len(newKeys) == 0 {
		return nil, nil, nil, nil
	}
	has := map[string]bool{}
	for _, k := range oldKeys {
		has[k] = true
	}
	for i, k := range newKeys {
		if has[k] {
			delete(has, k)
			continue
		}
		owner, err := st.uniqueOwner(k, stagedUniq)
		if err != nil {
			return nil, nil, nil, err
		}
		if owner != "" && owner != nr.id {
			uk := model.UniqueKeys(nr.entity)[i]
			vals := make([]string, len(uk.Fields))
			for j, f := range uk.Fields {
				vals[j] = fmt.Sprint(nr.f[f])
			}
			msg := fmt.Sprintf("another %s already has %s %s", nr.entity, strings.Join(uk.Fields, " and "), strings.Join(vals, " "))
			return nil, nil, &Result{Status: StatusRejected, Code: CodeDuplicate, Message: msg,
				Fields: []FieldError{{Field: uk.Fields[0], Code: CodeDuplicate, Message: msg}}}, nil
		}
		adds = append(adds, k)
	}
	for k := range has {
		removes = append(removes, k)
	}
	for _, k := range removes {
		stagedUniq[k] = ""
	}
	for _, k := range adds {
		stagedUniq[k] = nr.id
	}
	return adds, removes, nil, nil
}

func (st *pushState) uniqueOwner(key string, stagedUniq map[string]string) (string, error) {
	if v, ok := stagedUniq[key]; ok {
		return v, nil
	}
	if v, ok := st.uniq[key]; ok {
		return v, nil
	}
	entity, k, _ := strings.Cut(key, "\x00")
	var id string
	err := st.tx.QueryRowContext(st.ctx, st.s.q(`SELECT record_id FROM uniques WHERE entity = ? AND ukey = ?`), entity, k).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("hub: push: check unique values: %w", err)
	}
	return id, nil
}

// write stores everything the push changed, the device's position and the
// hub's sequence.
func (st *pushState) write(lastSeq, seq int64) error {
	if err := st.flush(); err != nil {
		return err
	}
	s, ctx, tx := st.s, st.ctx, st.tx
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO devices(id, user_id, last_seq, created_at, last_seen) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET last_seq = excluded.last_seq, last_seen = excluded.last_seen`), st.device, st.user.ID, lastSeq, st.at, st.at); err != nil {
		return fmt.Errorf("hub: push: update device: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE counters SET n = ? WHERE name = 'seq'`), seq); err != nil {
		return fmt.Errorf("hub: push: update sequence: %w", err)
	}
	return nil
}

// flush writes the records, change-log entries, rejections and unique keys
// gathered so far with multi-row statements (a 10,000-change push is a few
// dozen round trips, not tens of thousands) and empties the buffers.
func (st *pushState) flush() error {
	s, ctx, tx := st.s, st.ctx, st.tx
	ids := make([]string, 0, len(st.dirty))
	for id := range st.dirty {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	err := execRows(ctx, tx, s, `INSERT INTO records(id, entity, fields, deleted, version) VALUES `, 5, len(ids), func(i int) []any {
		r := st.recs[ids[i]]
		b := encodeStored(r.f, r.m)
		del := 0
		if r.deleted() {
			del = 1
		}
		return []any{r.id, string(r.entity), string(b), del, r.version}
	}, ` ON CONFLICT (id) DO UPDATE SET fields = excluded.fields, deleted = excluded.deleted, version = excluded.version`)
	if err != nil {
		return fmt.Errorf("hub: push: write records: %w", err)
	}
	err = execRows(ctx, tx, s, `INSERT INTO changes(seq, entity, entity_id, op, data, hlc, device_id, device_seq, user_name, tx_id, at, conflicts) VALUES `, 12, len(st.changes), func(i int) []any {
		c := st.changes[i]
		return []any{c.seq, c.entity, c.id, c.op, c.data, c.hlc, st.device, c.deviceSeq, st.user.Name, c.txID, st.at, c.conflicts}
	}, "")
	if err != nil {
		return fmt.Errorf("hub: push: write the change log: %w", err)
	}
	err = execRows(ctx, tx, s, `INSERT INTO rejections(device_id, device_seq, code, message, fields, at) VALUES `, 6, len(st.rejects), func(i int) []any {
		r := st.rejects[i]
		return []any{st.device, r.seq, r.code, r.message, r.fields, st.at}
	}, ` ON CONFLICT (device_id, device_seq) DO NOTHING`)
	if err != nil {
		return fmt.Errorf("hub: push: write rejections: %w", err)
	}
	for _, c := range st.changes {
		for _, k := range c.uniqRemoves {
			entity, key, _ := strings.Cut(k, "\x00")
			if _, err := tx.ExecContext(ctx, s.q(`DELETE FROM uniques WHERE entity = ? AND ukey = ? AND record_id = ?`), entity, key, c.id); err != nil {
				return fmt.Errorf("hub: push: write unique values: %w", err)
			}
		}
		for _, k := range c.uniqAdds {
			entity, key, _ := strings.Cut(k, "\x00")
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO uniques(entity, ukey, record_id) VALUES (?, ?, ?) ON CONFLICT (entity, ukey) DO UPDATE SET record_id = excluded.record_id`), entity, key, c.id); err != nil {
				return fmt.Errorf("hub: push: write unique values: %w", err)
			}
		}
	}
	st.dirty, st.changes, st.rejects = map[string]bool{}, nil, nil
	st.uniq = map[string]string{} // the table now holds what it overrode
	return nil
}

// execRows runs "prefix (?, …), (?, …) suffix" over n rows in chunks that
// stay under both databases' limits on bound parameters.
func execRows(ctx context.Context, tx *sql.Tx, s *Store, prefix string, cols, n int, row func(i int) []any, suffix string) error {
	per := 30000 / cols
	if per > 1000 {
		per = 1000
	}
	one := "(" + placeholders(cols) + ")"
	for _, part := range chunks(n, per) {
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, (part[1]-part[0])*cols)
		for i := part[0]; i < part[1]; i++ {
			if i > part[0] {
				b.WriteString(", ")
			}
			b.WriteString(one)
			args = append(args, row(i)...)
		}
		b.WriteString(suffix)
		if _, err := tx.ExecContext(ctx, s.q(b.String()), args...); err != nil {
			return err
		}
	}
	return nil
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// chunks splits [0, n) into [start, end) ranges of at most size.
func chunks(n, size int) [][2]int {
	var out [][2]int
	for i := 0; i < n; i += size {
		out = append(out, [2]int{i, min(i+size, n)})
	}
	return out
}
