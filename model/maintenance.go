package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/mattn/go-sqlite3"
)

// Progress reports how far a long operation has come, as done out of total.
type Progress func(done, total int)

// Backup copies the live database to path with SQLite's online backup API,
// so the app may keep writing meanwhile. The copy is written to a temporary
// file beside path and renamed into place only when complete and checked.
func (s *Store) Backup(ctx context.Context, path string, progress Progress) error {
	tmp := path + ".partial"
	os.Remove(tmp)
	defer os.Remove(tmp)
	if err := copyDB(ctx, s.w, tmp, false, progress); err != nil {
		return fmt.Errorf("model: back up to %s: %w", path, err)
	}
	if err := checkFile(ctx, tmp); err != nil {
		return fmt.Errorf("model: back up to %s: the copy failed its check: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("model: back up to %s: %w", path, err)
	}
	return nil
}

// RestoreBackup replaces the live database's content with the backup at path,
// after checking the backup is a sound Relais database no newer than this
// binary. The restored database gets a new device identity: the hub has
// already seen the old device's later changes and numbers, and reusing them
// would silently drop or duplicate work.
func (s *Store) RestoreBackup(ctx context.Context, path string, progress Progress) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("model: restore from %s: %w", path, err)
	}
	if err := checkFile(ctx, path); err != nil {
		return fmt.Errorf("model: restore from %s: %w", path, err)
	}
	if err := copyDB(ctx, s.w, path, true, progress); err != nil {
		return fmt.Errorf("model: restore from %s: %w", path, err)
	}
	s.device = Device{ID: NewID(), Code: newDeviceCode()}
	if _, err := s.w.ExecContext(ctx, `UPDATE device SET id = ?, code = ?`, s.device.ID, s.device.Code); err != nil {
		return fmt.Errorf("model: restore from %s: new device identity: %w", path, err)
	}
	s.clock = NewClock(s.device.ID, s.now)
	return s.migrate(ctx)
}

// copyDB runs the SQLite backup API between the store's writer connection and
// the file at path: live → file, or file → live when reverse is set.
func copyDB(ctx context.Context, live *sql.DB, path string, reverse bool, progress Progress) error {
	other, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		return err
	}
	defer other.Close()
	otherConn, err := other.Conn(ctx)
	if err != nil {
		return err
	}
	defer otherConn.Close()
	liveConn, err := live.Conn(ctx)
	if err != nil {
		return err
	}
	defer liveConn.Close()
	return liveConn.Raw(func(lc any) error {
		return otherConn.Raw(func(oc any) error {
			src, dst := lc.(*sqlite3.SQLiteConn), oc.(*sqlite3.SQLiteConn)
			if reverse {
				src, dst = dst, src
			}
			b, err := dst.Backup("main", src, "main")
			if err != nil {
				return err
			}
			for {
				if err := ctx.Err(); err != nil {
					b.Close()
					return err
				}
				done, err := b.Step(256)
				if err != nil {
					b.Close()
					return err
				}
				if progress != nil {
					total := b.PageCount()
					progress(total-b.Remaining(), total)
				}
				if done {
					return b.Finish()
				}
			}
		})
	})
}

// checkFile opens a database file read-only and runs the integrity checks and
// the schema version check on it.
func checkFile(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return err
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return fmt.Errorf("not a Relais database: %w", translate(err))
	}
	if v > SchemaVersion() {
		return fmt.Errorf("schema version %d is newer than this Relais (%d): %w", v, SchemaVersion(), ErrTooNew)
	}
	return integrity(ctx, db)
}

// Check runs PRAGMA integrity_check and foreign_key_check on the live database.
func (s *Store) Check(ctx context.Context) error {
	if err := integrity(ctx, s.r); err != nil {
		return fmt.Errorf("model: check %s: %w", s.path, err)
	}
	return nil
}

func integrity(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return translate(err)
	}
	var problems []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			rows.Close()
			return err
		}
		if msg != "ok" {
			problems = append(problems, msg)
		}
	}
	rows.Close()
	if len(problems) > 0 {
		return errors.New("integrity check failed: " + strings.Join(problems, "; "))
	}
	rows, err = db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var table string
		var rowid sql.NullInt64
		var parent string
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return err
		}
		problems = append(problems, fmt.Sprintf("%s row %d refers to a missing %s", table, rowid.Int64, parent))
	}
	if len(problems) > 0 {
		return errors.New("broken references: " + strings.Join(problems, "; "))
	}
	return rows.Err()
}

// FileSize returns the size in bytes of the database file and its WAL.
func (s *Store) FileSize() int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.path + suffix); err == nil {
			n += fi.Size()
		}
	}
	return n
}
