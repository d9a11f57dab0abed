package model

import (
	"context"
	"fmt"
	"time"
)

// Change is one queued outbox row: a create ("put"), an update of some fields
// ("patch") or a move to the trash ("delete") of one record.
type Change struct {
	Seq       int64     `json:"seq"`
	TxID      string    `json:"tx_id"`
	Entity    Kind      `json:"entity"`
	EntityID  string    `json:"entity_id"`
	Op        string    `json:"op"`
	Data      string    `json:"data"` // JSON object of the changed fields in stored form
	HLC       string    `json:"hlc"`
	CreatedAt time.Time `json:"created_at"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
}

// OutboxCount returns how many changes wait to be sent. Changes leave the
// outbox only from the front (an acknowledgement covers every seq up to a
// point), so the queue is one contiguous range of seq and its length is read
// from the primary key in microseconds, where COUNT(*) took 400 ms on a
// million queued changes.
func (s *Store) OutboxCount(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE((SELECT MAX(seq) FROM outbox) - (SELECT MIN(seq) FROM outbox) + 1, 0)`).Scan(&n); err != nil {
		return 0, fmt.Errorf("model: count outbox: %w", err)
	}
	return n, nil
}

// Outbox returns up to limit queued changes with seq > after, oldest first.
func (s *Store) Outbox(ctx context.Context, after int64, limit int) ([]Change, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT seq, tx_id, entity, entity_id, op, data, hlc, created_at, attempts, last_error
		FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
	if err != nil {
		return nil, fmt.Errorf("model: read outbox: %w", err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var entity, created string
		if err := rows.Scan(&c.Seq, &c.TxID, &entity, &c.EntityID, &c.Op, &c.Data, &c.HLC, &created, &c.Attempts, &c.LastError); err != nil {
			return nil, fmt.Errorf("model: read outbox: %w", err)
		}
		c.Entity = Kind(entity)
		c.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("model: read outbox: %w", err)
	}
	return out, nil
}
