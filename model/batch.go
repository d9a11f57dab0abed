package model

import (
	"fmt"
	"strings"
)

// batch gathers rows for an append-only table and inserts them many per
// statement. Each statement crossing from Go into SQLite costs a few
// microseconds whatever it does; the outbox and the search documents take
// one row per change, so on an import this halves the statements run.
// Rows are flushed before anything in the transaction could read the table
// (see Tx.flush), so batching is invisible to the rest of the store.
type batch struct {
	table string
	cols  int
	rows  int
	args  []any
	full  string // the INSERT for a full batch
	one   string // the INSERT for a single row
}

const batchRows = 64

func newBatch(table string, cols ...string) *batch {
	row := "(?" + strings.Repeat(", ?", len(cols)-1) + ")"
	head := "INSERT INTO " + table + "(" + strings.Join(cols, ", ") + ") VALUES "
	return &batch{table: table, cols: len(cols), full: head + strings.Repeat(row+", ", batchRows-1) + row, one: head + row}
}

// add queues one row, writing the batch when it is full.
func (t *Tx) add(b *batch, vals ...any) error {
	b.args = append(b.args, vals...)
	b.rows++
	if b.rows == batchRows {
		return t.flushBatch(b)
	}
	return nil
}

func (t *Tx) flushBatch(b *batch) error {
	if b.rows == 0 {
		return nil
	}
	var lastID int64
	if b.rows == batchRows {
		res, err := t.exec(b.full, b.args...)
		if err != nil {
			return fmt.Errorf("model: write %s: %w", b.table, translate(err))
		}
		lastID, _ = res.LastInsertId()
	} else {
		for i := 0; i < b.rows; i++ {
			res, err := t.exec(b.one, b.args[i*b.cols:(i+1)*b.cols]...)
			if err != nil {
				return fmt.Errorf("model: write %s: %w", b.table, translate(err))
			}
			lastID, _ = res.LastInsertId()
		}
	}
	if b == t.docs && t.ftsFrom == 0 {
		// AUTOINCREMENT rowids are consecutive within this transaction.
		t.ftsFrom = lastID - int64(b.rows) + 1
	}
	b.rows, b.args = 0, b.args[:0]
	return nil
}

// flush writes every queued row; call it before reading the outbox or the
// search documents inside the transaction.
func (t *Tx) flush() error {
	if err := t.flushBatch(t.outbox); err != nil {
		return err
	}
	return t.flushBatch(t.docs)
}
