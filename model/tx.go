package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Tx is one write transaction: one user action. Every change made through it
// writes its outbox row in the same SQLite transaction, and all of them share
// one tx_id so the hub applies them together.
type Tx struct {
	ctx   context.Context
	s     *Store
	tx    *sql.Tx
	group string
	now   time.Time
	stmts map[string]*sql.Stmt
	last  HLC
	buf   []byte          // reused for outbox JSON
	known map[string]bool // ids already seen to exist in this transaction (records are never hard-deleted)
	// ftsFrom is the first search_docs docid added by this transaction and
	// not yet in the FTS index (0: none); see flushIndex.
	ftsFrom int64
	// deferred holds a flush error met where it could not be returned
	// (SQL); Write fails with it.
	deferred error
	outbox   *batch // queued outbox rows
	docs     *batch // queued search_docs rows
}

// Write runs fn in one write transaction and commits it when fn returns nil;
// any error rolls everything back, outbox rows included.
func (s *Store) Write(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("model: begin: %w", translate(err))
	}
	t := &Tx{ctx: ctx, s: s, tx: sqlTx, group: NewID(), now: s.now().UTC(), stmts: map[string]*sql.Stmt{}, known: map[string]bool{},
		outbox: newBatch("outbox", "tx_id", "entity", "entity_id", "op", "data", "hlc", "created_at"),
		docs:   newBatch("search_docs", "kind", "ref_id", "label", "name", "text")}
	defer func() {
		for _, st := range t.stmts {
			st.Close()
		}
	}()
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if t.deferred != nil {
		sqlTx.Rollback()
		return t.deferred
	}
	if err := t.flush(); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := t.flushIndex(); err != nil {
		sqlTx.Rollback()
		return err
	}
	if t.last.WallMS != 0 {
		// Persist the clock's high-water mark with the changes that used it.
		if _, err := t.exec(`INSERT INTO kv(key, value) VALUES ('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, t.last.String()); err != nil {
			sqlTx.Rollback()
			return fmt.Errorf("model: save clock: %w", err)
		}
	}
	if err := sqlTx.Commit(); err != nil {
		sqlTx.Rollback()
		return fmt.Errorf("model: commit: %w", translate(err))
	}
	if s.ck != nil {
		s.ck.Poke()
	}
	return nil
}

// SQL exposes the underlying transaction for queries inside a write. Rows
// the store still holds in its batches are written first, so the queries
// see every change made so far.
func (t *Tx) SQL() *sql.Tx {
	if err := t.flush(); err != nil {
		t.deferred = err
	}
	return t.tx
}

// Context is the context the transaction was started with.
func (t *Tx) Context() context.Context { return t.ctx }

// Now is the wall-clock time the transaction started at; every timestamp it
// writes uses it.
func (t *Tx) Now() time.Time { return t.now }

// Group is the tx_id shared by the outbox rows of this transaction.
func (t *Tx) Group() string { return t.group }

func (t *Tx) stmt(query string) (*sql.Stmt, error) {
	if st, ok := t.stmts[query]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(t.ctx, query)
	if err != nil {
		return nil, err
	}
	t.stmts[query] = st
	return st, nil
}

func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(t.ctx, args...)
}

func (t *Tx) queryRow(query string, args ...any) (*sql.Row, error) {
	st, err := t.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.QueryRowContext(t.ctx, args...), nil
}

// Create inserts r, giving it an id if it has none, and queues a "put".
// It returns ValidationErrors for bad fields and ErrConflict for a duplicate.
func (t *Tx) Create(r Record) error {
	ki, err := infoOf(r)
	if err != nil {
		return err
	}
	m := r.Base()
	if m.ID == "" {
		m.ID = NewID()
	}
	if err := r.Validate(); err != nil {
		return err
	}
	m.CreatedAt, m.UpdatedAt, m.DeletedAt = t.now, t.now, time.Time{}
	vals := encodeRecord(ki, r)
	if err := t.checkRefs(ki, vals, func(int) bool { return true }); err != nil {
		return err
	}
	if err := t.checkUnique(ki, m.ID, vals, func(int) bool { return true }); err != nil {
		return err
	}
	if _, err := t.exec(ki.insertQ, vals...); err != nil {
		return fmt.Errorf("model: create %s: %w", ki.kind, translate(err))
	}
	if err := t.queue(ki, m.ID, "put", vals, func(i int) bool {
		n := ki.cols[i].name
		return n != colID && n != colUpdated && n != colDeleted
	}); err != nil {
		return err
	}
	return t.index(ki, r, false)
}

// Update saves the changed fields of r (matched by id) and queues a "patch"
// holding only those fields. Nothing changed: nothing is written or queued.
// It fails with ErrNotFound for an unknown id, and refuses a record in the trash.
func (t *Tx) Update(r Record) error {
	ki, err := infoOf(r)
	if err != nil {
		return err
	}
	m := r.Base()
	old := ki.newRec()
	if err := t.get(ki, m.ID, old); err != nil {
		return err
	}
	if old.Base().Deleted() {
		return fmt.Errorf("model: update %s %s: it is in the trash; restore it first: %w", ki.kind, m.ID, ErrConflict)
	}
	if err := r.Validate(); err != nil {
		return err
	}
	m.CreatedAt, m.UpdatedAt, m.DeletedAt = old.Base().CreatedAt, old.Base().UpdatedAt, time.Time{}
	oldVals, newVals := encodeRecord(ki, old), encodeRecord(ki, r)
	changed := func(i int) bool { return !storeManaged(ki.cols[i].name) && oldVals[i] != newVals[i] }
	var sets []string
	var args []any
	for i, c := range ki.cols {
		if changed(i) {
			sets = append(sets, c.name+" = ?")
			args = append(args, newVals[i])
		}
	}
	if len(sets) == 0 {
		return nil
	}
	if err := t.checkRefs(ki, newVals, changed); err != nil {
		return err
	}
	if err := t.checkUnique(ki, m.ID, newVals, changed); err != nil {
		return err
	}
	m.UpdatedAt = t.now
	args = append(args, FormatTime(t.now), m.ID)
	if _, err := t.exec(`UPDATE `+ki.table+` SET `+strings.Join(sets, ", ")+`, updated_at = ? WHERE id = ?`, args...); err != nil {
		return fmt.Errorf("model: update %s %s: %w", ki.kind, m.ID, translate(err))
	}
	if err := t.queue(ki, m.ID, "patch", newVals, changed); err != nil {
		return err
	}
	return t.index(ki, r, true)
}

// Set changes some fields of the record k/id, given in their stored form (see
// FieldMap), validating the result; it is Update for callers holding only a
// few values, such as a drag to another pipeline stage.
func (t *Tx) Set(k Kind, id string, fields FieldMap) error {
	ki, err := info(k)
	if err != nil {
		return err
	}
	r := ki.newRec()
	if err := t.get(ki, id, r); err != nil {
		return err
	}
	if err := Decode(r, fields); err != nil {
		return err
	}
	return t.Update(r)
}

// Delete moves the record to the trash (a tombstone) and queues a "delete".
// Deleting a record already in the trash does nothing.
func (t *Tx) Delete(k Kind, id string) error {
	return t.setDeleted(k, id, true)
}

// Restore takes the record out of the trash and queues a patch clearing deleted_at.
func (t *Tx) Restore(k Kind, id string) error {
	return t.setDeleted(k, id, false)
}

func (t *Tx) setDeleted(k Kind, id string, deleted bool) error {
	ki, err := info(k)
	if err != nil {
		return err
	}
	r := ki.newRec()
	if err := t.get(ki, id, r); err != nil {
		return err
	}
	if r.Base().Deleted() == deleted {
		return nil
	}
	var at any
	op := "patch"
	if deleted {
		at, op = FormatTime(t.now), "delete"
		r.Base().DeletedAt = t.now
	} else {
		r.Base().DeletedAt = time.Time{}
	}
	if _, err := t.exec(`UPDATE `+ki.table+` SET deleted_at = ?, updated_at = ? WHERE id = ?`, at, FormatTime(t.now), id); err != nil {
		return fmt.Errorf("model: %s %s %s: %w", op, ki.kind, id, translate(err))
	}
	vals := make([]any, len(ki.cols))
	di := ki.byName[colDeleted]
	vals[di] = at
	if err := t.queue(ki, id, op, vals, func(i int) bool { return i == di }); err != nil {
		return err
	}
	return t.index(ki, r, true)
}

// Get reads the record with r's kind and the given id into r, tombstones
// included (check r.Base().Deleted()). It returns ErrNotFound when absent.
func (t *Tx) Get(id string, r Record) error {
	ki, err := infoOf(r)
	if err != nil {
		return err
	}
	return t.get(ki, id, r)
}

func (t *Tx) get(ki *kindInfo, id string, r Record) error {
	st, err := t.stmt(ki.selectQ)
	if err != nil {
		return fmt.Errorf("model: get %s %s: %w", ki.kind, id, err)
	}
	return scanOne(ki, st.QueryRowContext(t.ctx, id), id, r)
}

// checkRefs verifies that each selected, non-empty reference names an
// existing record, so the error can name the field.
func (t *Tx) checkRefs(ki *kindInfo, vals []any, sel func(int) bool) error {
	var errs ValidationErrors
	for i, c := range ki.cols {
		if c.ref == "" || vals[i] == nil || !sel(i) {
			continue
		}
		if id, _ := vals[i].(string); t.known[string(c.ref)+":"+id] {
			continue
		}
		target := kindByName[c.ref]
		row, err := t.queryRow(`SELECT 1 FROM `+target.table+` WHERE id = ?`, vals[i])
		if err != nil {
			return fmt.Errorf("model: check %s.%s: %w", ki.kind, c.name, err)
		}
		var one int
		if err := row.Scan(&one); errors.Is(err, sql.ErrNoRows) {
			errs = append(errs, &ValidationError{Field: c.name, Code: CodeInvalid, Msg: fmt.Sprintf("points to no existing %s", c.ref)})
		} else if err != nil {
			return fmt.Errorf("model: check %s.%s: %w", ki.kind, c.name, err)
		} else {
			t.known[string(c.ref)+":"+vals[i].(string)] = true
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// checkUnique refuses a value of a unique field that another live record
// already has. The schema cannot enforce it: a pulled change may legitimately
// bring a duplicate made on another laptop offline (see 0001_init.sql).
func (t *Tx) checkUnique(ki *kindInfo, id string, vals []any, sel func(int) bool) error {
	for i, c := range ki.cols {
		if !c.unique || !sel(i) || vals[i] == nil || vals[i] == "" {
			continue
		}
		row, err := t.queryRow(`SELECT 1 FROM `+ki.table+` WHERE `+c.name+` = ? AND id != ? AND deleted_at IS NULL LIMIT 1`, vals[i], id)
		if err != nil {
			return fmt.Errorf("model: check %s.%s: %w", ki.kind, c.name, err)
		}
		var one int
		switch err := row.Scan(&one); {
		case err == nil:
			return ValidationErrors{{Field: c.name, Code: CodeDuplicate, Msg: fmt.Sprintf("another %s already has %q", ki.kind, vals[i])}}
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("model: check %s.%s: %w", ki.kind, c.name, err)
		}
	}
	return nil
}

// queue writes the outbox row for one change.
func (t *Tx) queue(ki *kindInfo, id, op string, vals []any, include func(int) bool) error {
	t.last = t.s.clock.Now()
	t.buf = appendJSON(t.buf[:0], ki, vals, include)
	return t.add(t.outbox, t.group, string(ki.kind), id, op, string(t.buf), t.last.String(), FormatTime(t.now))
}

// NextNumber returns the next human-facing number for prefix and year, such
// as Q-2026-7KQ2M-0042. The device code keeps numbers made on different
// laptops offline from colliding.
func (t *Tx) NextNumber(prefix string, year int) (string, error) {
	key := fmt.Sprintf("counter:%s:%d", prefix, year)
	row, err := t.queryRow(`INSERT INTO kv(key, value) VALUES (?, '1')
		ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) RETURNING value`, key)
	if err != nil {
		return "", fmt.Errorf("model: next %s number: %w", prefix, err)
	}
	var n string
	if err := row.Scan(&n); err != nil {
		return "", fmt.Errorf("model: next %s number: %w", prefix, err)
	}
	return fmt.Sprintf("%s-%d-%s-%04s", prefix, year, t.s.device.Code, n), nil
}

// Create, Update, Delete, Restore and Set on the Store run one action in its own transaction.

// Create inserts r in its own transaction (see Tx.Create).
func (s *Store) Create(ctx context.Context, r Record) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.Create(r) })
}

// Update saves r in its own transaction (see Tx.Update).
func (s *Store) Update(ctx context.Context, r Record) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.Update(r) })
}

// Set changes some fields of a record in its own transaction (see Tx.Set).
func (s *Store) Set(ctx context.Context, k Kind, id string, fields FieldMap) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.Set(k, id, fields) })
}

// Delete moves a record to the trash in its own transaction (see Tx.Delete).
func (s *Store) Delete(ctx context.Context, k Kind, id string) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.Delete(k, id) })
}

// Restore takes a record out of the trash in its own transaction (see Tx.Restore).
func (s *Store) Restore(ctx context.Context, k Kind, id string) error {
	return s.Write(ctx, func(tx *Tx) error { return tx.Restore(k, id) })
}

// Get reads one record (tombstones included) into r; ErrNotFound when absent.
func (s *Store) Get(ctx context.Context, id string, r Record) error {
	ki, err := infoOf(r)
	if err != nil {
		return err
	}
	return scanOne(ki, s.r.QueryRowContext(ctx, ki.selectQ, id), id, r)
}

// Try runs fn inside a savepoint of the transaction: if fn fails, every change
// it made (rows, outbox entries, search entries) is undone and the rest of the
// transaction goes on. Imports use it to skip a bad row without losing the others.
func (t *Tx) Try(fn func() error) error {
	if err := t.flush(); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, "SAVEPOINT relais_try"); err != nil {
		return fmt.Errorf("model: savepoint: %w", translate(err))
	}
	ftsFrom := t.ftsFrom
	if err := fn(); err != nil {
		if ferr := t.flush(); ferr != nil {
			return errors.Join(err, ferr)
		}
		if _, rerr := t.tx.ExecContext(t.ctx, "ROLLBACK TO relais_try; RELEASE relais_try"); rerr != nil {
			return errors.Join(err, fmt.Errorf("model: roll back to savepoint: %w", rerr))
		}
		// Records created inside fn are gone: forget that they existed.
		clear(t.known)
		t.ftsFrom = ftsFrom
		return err
	}
	if err := t.flush(); err != nil {
		return err
	}
	if _, err := t.tx.ExecContext(t.ctx, "RELEASE relais_try"); err != nil {
		return fmt.Errorf("model: release savepoint: %w", translate(err))
	}
	return nil
}
