package model

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mattn/go-sqlite3"

	"relais/model/sqlitewal"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Store is the local SQLite database of one user. It is safe for concurrent
// use: writes are serialised on one connection, reads use a separate pool.
type Store struct {
	path   string
	w      *sql.DB // exactly one connection: SQLite allows one writer
	r      *sql.DB // readers (WAL lets them run beside the writer)
	ck     *sqlitewal.Checkpointer
	now    func() time.Time
	clock  *Clock
	device Device
}

// Device identifies this database for sync (ID) and in human numbers (Code).
type Device struct {
	ID   string
	Code string
}

// Options tune Open. The zero value is fine.
type Options struct {
	// Now is the wall clock; tests pass a fixed one. Defaults to time.Now.
	Now func() time.Time
}

// DefaultPath is where the database lives when --db is not given:
// <user config dir>/Relais/relais.db.
func DefaultPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("model: find the user configuration folder: %w", err)
	}
	return filepath.Join(dir, "Relais", "relais.db"), nil
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Set("_journal_mode", "WAL")
	q.Set("_synchronous", "FULL") // a committed change survives power loss
	q.Set("_foreign_keys", "on")
	q.Set("_busy_timeout", "10000")
	q.Set("_cache_size", "-65536") // 64 MiB: big imports stay in memory until commit
	if readOnly {
		q.Set("_query_only", "on")
	} else {
		// BEGIN IMMEDIATE: take the write lock up front, so a transaction never
		// fails half-way with SQLITE_BUSY on its first write.
		q.Set("_txlock", "immediate")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path, applies pending
// migrations, and returns the store. It fails with ErrTooNew when the file was
// written by a newer Relais.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("model: create the folder for %s: %w", path, err)
	}
	w := sql.OpenDB(sqlitewal.Connector(dsn(path, false)))
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	s := &Store{path: path, w: w, now: opts.Now}
	if err := s.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("model: open %s for reading: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.r = r
	if s.ck, err = sqlitewal.Start(dsn(path, false)); err != nil {
		s.Close()
		return nil, err
	}
	if err := s.loadDevice(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connection pools, after a last checkpoint.
func (s *Store) Close() error {
	var errs []error
	if s.ck != nil {
		errs = append(errs, s.ck.Stop())
	}
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	errs = append(errs, s.w.Close())
	return errors.Join(errs...)
}

// Path is the database file's location.
func (s *Store) Path() string { return s.path }

// Device returns this database's sync identity.
func (s *Store) Device() Device { return s.device }

// Clock returns the store's hybrid logical clock.
func (s *Store) Clock() *Clock { return s.clock }

// Now returns the store's wall-clock time.
func (s *Store) Now() time.Time { return s.now() }

// DB returns the read-only pool, for queries the store has no method for
// (reports, list screens). Never write through it.
func (s *Store) DB() *sql.DB { return s.r }

type migration struct {
	version int
	name    string
	sql     string
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("model: read embedded migrations: %w", err)
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("model: migration file %s must start with a number and an underscore", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("model: read migration %s: %w", e.Name(), err)
		}
		out = append(out, migration{v, e.Name(), string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

// SchemaVersion is the newest migration this binary knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("model: open %s: %w", s.path, translate(err))
	}
	applied := map[int]bool{}
	rows, err := s.w.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("model: read the schema version of %s: %w", s.path, translate(err))
	}
	current := 0
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return fmt.Errorf("model: read the schema version of %s: %w", s.path, err)
		}
		applied[v] = true
		current = max(current, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("model: read the schema version of %s: %w", s.path, err)
	}
	ms, err := migrations()
	if err != nil {
		return err
	}
	if latest := ms[len(ms)-1].version; current > latest {
		return fmt.Errorf("model: %s has schema version %d but this Relais knows only up to %d; install a newer Relais: %w", s.path, current, latest, ErrTooNew)
	}
	// Apply every migration not recorded yet, not only those above the
	// newest: a database made by a build that lacked one (a branch, a
	// developer build) still gets it.
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		if err := s.applyMigration(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) applyMigration(ctx context.Context, m migration) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("model: migration %s: %w", m.name, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("model: migration %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, FormatTime(s.now())); err != nil {
		return fmt.Errorf("model: record migration %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("model: commit migration %s: %w", m.name, err)
	}
	return nil
}

// loadDevice reads (or on first open creates) the device identity and
// restores the HLC high-water mark so timestamps never go backwards across
// restarts, even if the wall clock does.
func (s *Store) loadDevice(ctx context.Context) error {
	err := s.w.QueryRowContext(ctx, `SELECT id, code FROM device`).Scan(&s.device.ID, &s.device.Code)
	if errors.Is(err, sql.ErrNoRows) {
		s.device = Device{ID: NewID(), Code: newDeviceCode()}
		_, err = s.w.ExecContext(ctx, `INSERT INTO device(id, code, created_at) VALUES (?, ?, ?)`,
			s.device.ID, s.device.Code, FormatTime(s.now()))
	}
	if err != nil {
		return fmt.Errorf("model: read the device identity of %s: %w", s.path, err)
	}
	s.clock = NewClock(s.device.ID, s.now)
	var last sql.NullString
	if err := s.w.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = 'hlc'`).Scan(&last); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("model: read the clock of %s: %w", s.path, err)
	}
	if last.Valid {
		if h, err := ParseHLC(last.String); err == nil {
			s.clock.Observe(h)
		}
	}
	return nil
}

// translate turns driver errors into model errors where a caller can act on them.
func translate(err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch {
		case se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey:
			return fmt.Errorf("%w: a record with the same unique value already exists (%v)", ErrConflict, err)
		case se.ExtendedCode == sqlite3.ErrConstraintForeignKey:
			return fmt.Errorf("%w: a reference points to a record that does not exist (%v)", ErrConflict, err)
		case se.Code == sqlite3.ErrFull:
			return fmt.Errorf("the disk is full; free some space and try again: %w", err)
		case se.Code == sqlite3.ErrReadonly:
			return fmt.Errorf("the database file is read-only: %w", err)
		case se.Code == sqlite3.ErrCorrupt || se.Code == sqlite3.ErrNotADB:
			return fmt.Errorf("the database file is damaged or is not a Relais database: %w", err)
		}
	}
	return err
}
