package hub

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"relais/model"
)

// Page sizes the hub answers with at most.
const (
	MaxPullPage     = 5000
	MaxSnapshotPage = 2000
)

func (s *Store) purgedUpto(ctx context.Context) (int64, error) {
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM hub_meta WHERE key = 'purged_upto'`).Scan(&v); err != nil {
		return 0, fmt.Errorf("hub: read retention: %w", err)
	}
	return strconv.ParseInt(v, 10, 64)
}

// record_times keeps, for records whose last change was compacted away, the
// time the hub accepted that change: a snapshot hands it to laptops as the
// record's updated_at, the same value the laptops that pulled the change
// hold. (Hubs compacted before this table existed do not know it for the
// records compacted then; their snapshot records carry no time, see
// SnapshotRecord.At.)
func init() {
	schema = append(schema, `CREATE TABLE IF NOT EXISTS record_times (id TEXT PRIMARY KEY, at TEXT NOT NULL)`)
}

// Pull returns up to limit changes after cursor in hub order, tombstones
// included, or Reset when the changes right after cursor were compacted
// away, or when the cursor is ahead of the hub's own log (the hub was
// restored from an older backup): without the reset such a client would
// silently skip every change until the log caught up with its cursor.
func (s *Store) Pull(ctx context.Context, cursor int64, limit int) (*PullResponse, error) {
	if limit <= 0 || limit > MaxPullPage {
		limit = MaxPullPage
	}
	if cursor < 0 {
		cursor = 0
	}
	purged, err := s.purgedUpto(ctx)
	if err != nil {
		return nil, err
	}
	var head int64
	if err := s.db.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'seq'`).Scan(&head); err != nil {
		return nil, fmt.Errorf("hub: pull: read the log head: %w", err)
	}
	resp := &PullResponse{Hub: s.id, Next: cursor, Changes: []PulledChange{}}
	if cursor < purged || cursor > head {
		resp.Reset = true
		return resp, nil
	}
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT seq, entity, entity_id, op, data, hlc, device_id, device_seq, user_name, at, conflicts
		FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`), cursor, limit+1)
	if err != nil {
		return nil, fmt.Errorf("hub: pull: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c PulledChange
		var data, conflicts string
		if err := rows.Scan(&c.Seq, &c.Entity, &c.ID, &c.Op, &data, &c.HLC, &c.Device, &c.DeviceSeq, &c.User, &c.At, &conflicts); err != nil {
			return nil, fmt.Errorf("hub: pull: %w", err)
		}
		if len(resp.Changes) == limit {
			resp.More = true
			break
		}
		c.Data = json.RawMessage(data)
		if conflicts != "[]" && conflicts != "" {
			if err := json.Unmarshal([]byte(conflicts), &c.Conflicts); err != nil {
				return nil, fmt.Errorf("hub: pull: change %d is damaged: %w", c.Seq, err)
			}
		}
		resp.Changes = append(resp.Changes, c)
		resp.Next = c.Seq
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("hub: pull: %w", err)
	}
	return resp, nil
}

// Snapshot returns a page of every record (tombstones included) after the
// position after, and the cursor to pull from once all pages are applied.
// Pages are read without one long transaction: a record changed meanwhile
// comes in its newer state, and pulling from Cursor replays its changes in
// hub order, ending in the same state.
func (s *Store) Snapshot(ctx context.Context, after string, limit int) (*SnapshotResponse, error) {
	if limit <= 0 || limit > MaxSnapshotPage {
		limit = MaxSnapshotPage
	}
	seq, err := s.Seq(ctx)
	if err != nil {
		return nil, err
	}
	resp := &SnapshotResponse{Hub: s.id, Cursor: seq, Records: []SnapshotRecord{}, Next: after}
	// The time of each record's last change: its change-log entry, or what
	// compaction kept of it.
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT r.id, r.entity, r.fields, r.version, COALESCE(c.at, t.at, '')
		FROM records r LEFT JOIN changes c ON c.seq = r.version LEFT JOIN record_times t ON t.id = r.id
		WHERE r.id > ? ORDER BY r.id LIMIT ?`), after, limit+1)
	if err != nil {
		return nil, fmt.Errorf("hub: snapshot: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, entity, fields, at string
		var version int64
		if err := rows.Scan(&id, &entity, &fields, &version, &at); err != nil {
			return nil, fmt.Errorf("hub: snapshot: %w", err)
		}
		if len(resp.Records) == limit {
			resp.More = true
			break
		}
		r, err := loadRecord(id, entity, fields, version)
		if err != nil {
			return nil, err
		}
		resp.Records = append(resp.Records, SnapshotRecord{Entity: entity, ID: id, Fields: rawJSON(r.f), Version: version, At: at})
		resp.Next = id
	}
	return resp, rows.Err()
}

// Record returns the hub's copy of one record.
func (s *Store) Record(ctx context.Context, id string) (*RecordResponse, error) {
	var entity, fields string
	var version int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT entity, fields, version FROM records WHERE id = ?`), id).Scan(&entity, &fields, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return &RecordResponse{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hub: read record %s: %w", id, err)
	}
	r, err := loadRecord(id, entity, fields, version)
	if err != nil {
		return nil, err
	}
	return &RecordResponse{Exists: true, Fields: rawJSON(r.f), Version: version}, nil
}

// Compact drops change-log entries older than cutoff (records, tombstones
// included, and rejection verdicts stay). A client whose cursor is older gets Reset and takes a
// snapshot. It returns how many entries went.
func (s *Store) Compact(ctx context.Context, cutoff time.Time) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("hub: compact: %w", err)
	}
	defer tx.Rollback()
	var seq int64
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET n = n WHERE name = 'seq' RETURNING n`).Scan(&seq); err != nil {
		return 0, fmt.Errorf("hub: compact: %w", err)
	}
	var upto sql.NullInt64
	if err := tx.QueryRowContext(ctx, s.q(`SELECT MAX(seq) FROM changes WHERE at < ?`), model.FormatTime(cutoff)).Scan(&upto); err != nil {
		return 0, fmt.Errorf("hub: compact: %w", err)
	}
	if !upto.Valid {
		return 0, nil
	}
	// Keep the acceptance time of each record's last change before it goes:
	// snapshots hand it out as updated_at.
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO record_times(id, at)
		SELECT r.id, c.at FROM records r JOIN changes c ON c.seq = r.version WHERE c.seq <= ?
		ON CONFLICT (id) DO UPDATE SET at = excluded.at`), upto.Int64); err != nil {
		return 0, fmt.Errorf("hub: compact: keep record times: %w", err)
	}
	res, err := tx.ExecContext(ctx, s.q(`DELETE FROM changes WHERE seq <= ?`), upto.Int64)
	if err != nil {
		return 0, fmt.Errorf("hub: compact: %w", err)
	}
	n, _ := res.RowsAffected()
	if _, err := tx.ExecContext(ctx, s.q(`UPDATE hub_meta SET value = ? WHERE key = 'purged_upto'`), strconv.FormatInt(upto.Int64, 10)); err != nil {
		return 0, fmt.Errorf("hub: compact: %w", err)
	}
	// Rejections stay: they are the verdicts a resend must get again, and a
	// change missing from both tables would otherwise pass for a duplicate.
	return n, s.commit(tx)
}
