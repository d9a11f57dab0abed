package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Settings are this laptop's preferences (language, formats, company profile,
// hub address …). They live in the local kv table under "setting:" keys and
// are not synced: each coordinator's laptop keeps its own.

// Setting returns the value stored for key, or def when none is.
func (s *Store) Setting(ctx context.Context, key, def string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, "setting:"+key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return def, nil
	}
	if err != nil {
		return def, fmt.Errorf("model: read setting %s: %w", key, err)
	}
	return v, nil
}

// SetSetting stores value under key.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO kv(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		"setting:"+key, value); err != nil {
		return fmt.Errorf("model: save setting %s: %w", key, translate(err))
	}
	return nil
}

// MarkDemo records, inside the transaction that writes it, that this
// database holds generated demo data: such data must never reach a team hub.
func (t *Tx) MarkDemo(what string) error {
	if _, err := t.exec(`INSERT INTO kv(key, value) VALUES ('demo', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, what); err != nil {
		return fmt.Errorf("model: mark demo data: %w", translate(err))
	}
	return nil
}

// IsDemo reports whether the database holds generated demo data (see MarkDemo).
func (s *Store) IsDemo(ctx context.Context) (bool, error) {
	var v string
	err := s.r.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = 'demo'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("model: read the demo mark: %w", err)
	}
	return true, nil
}
