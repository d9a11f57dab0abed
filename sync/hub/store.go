// Package hub is the team hub that `relais hub` serves: it receives the
// changes each laptop queued offline, merges them per field in the order it
// receives them, refuses invalid ones with a code the laptop shows, and hands
// every laptop the resulting change log to pull.
//
// Records are stored generically (kind, id, per-field value with the seq,
// device, user and HLC of its last write, a deleted flag), validated by
// decoding into model's typed structs. The store is an embedded SQLite file by
// default and PostgreSQL (through pgx) for a team that outgrows one machine;
// both run the same SQL, written once with ? placeholders.
package hub

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	_ "github.com/mattn/go-sqlite3"    // the "sqlite3" driver

	"relais/model"
	"relais/model/sqlitewal"
)

// Store is the hub's database.
type Store struct {
	db       *sql.DB
	postgres bool
	id       string // the hub's identity, made once
	now      func() time.Time
	where    string                  // "SQLite file …" or "PostgreSQL …", for messages
	ck       *sqlitewal.Checkpointer // SQLite: checkpoints after commits, off the request path
}

// Options tune OpenStore.
type Options struct {
	// Database is a postgres:// URL; empty means SQLite in DataDir/hub.db.
	Database string
	DataDir  string
	Now      func() time.Time
}

// OpenStore opens (creating if needed) the hub database and its schema.
func OpenStore(ctx context.Context, o Options) (*Store, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Store{now: o.Now}
	var err error
	switch {
	case strings.HasPrefix(o.Database, "postgres://") || strings.HasPrefix(o.Database, "postgresql://"):
		s.postgres = true
		s.where = "PostgreSQL " + redact(o.Database)
		s.db, err = sql.Open("pgx", o.Database)
		if err == nil {
			s.db.SetMaxOpenConns(8)
		}
	case o.Database != "":
		return nil, fmt.Errorf("hub: --database must be a postgres:// URL, not %q", redact(o.Database))
	default:
		if o.DataDir == "" {
			return nil, errors.New("hub: give a data folder (--data) or a PostgreSQL URL (--database)")
		}
		if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("hub: create the data folder %s: %w", o.DataDir, err)
		}
		path := filepath.Join(o.DataDir, "hub.db")
		s.where = "SQLite file " + path
		// The hub's files hold the team's whole client base and token
		// hashes: owner only. SQLite gives its -wal and -shm files the
		// database file's mode, so creating it 0600 first covers them.
		if err := privateFiles(path); err != nil {
			return nil, fmt.Errorf("hub: protect %s: %w", path, err)
		}
		q := url.Values{}
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "FULL")
		q.Set("_busy_timeout", "10000")
		q.Set("_txlock", "immediate")
		dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
		// Every connection may write, so every one has automatic
		// checkpoints off: the checkpoint of a 100,000-change action was
		// 2.2 s of its commit, with the client waiting for the answer.
		s.db = sql.OpenDB(sqlitewal.Connector(dsn))
		// One writer at a time is all SQLite does; readers share the pool.
		s.db.SetMaxOpenConns(4)
		s.ck, err = sqlitewal.Start(dsn)
	}
	if err != nil {
		return nil, fmt.Errorf("hub: open %s: %w", s.where, err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("hub: open %s: %w", s.where, err)
	}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// privateFiles creates the database file 0600 if missing and narrows an
// existing one (and its -wal, -shm) to 0600.
func privateFiles(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// redact hides a password in a database URL.
func redact(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return "(unreadable URL)"
	}
	if _, ok := p.User.Password(); ok {
		p.User = url.UserPassword(p.User.Username(), "xxxxx")
	}
	return p.String()
}

// Close closes the database.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.ck != nil {
		// The last checkpoint, once no request writes any more.
		err = errors.Join(err, s.ck.Stop())
	}
	return err
}

// commit commits tx and asks for a checkpoint: the hub's writes of any size
// go through here, so the WAL never grows for long.
func (s *Store) commit(tx *sql.Tx) error {
	if err := tx.Commit(); err != nil {
		return err
	}
	if s.ck != nil {
		s.ck.Poke()
	}
	return nil
}

// ID is the hub's identity; a client seeing a different one starts over.
func (s *Store) ID() string { return s.id }

// Postgres reports whether the store is PostgreSQL.
func (s *Store) Postgres() bool { return s.postgres }

// q rewrites ? placeholders as $1, $2 … for PostgreSQL. No query of this
// package has a ? inside a string literal.
func (s *Store) q(query string) string {
	if !s.postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// schemaVersion is the hub schema this binary writes.
const schemaVersion = 2

// The schema: portable SQL that SQLite and PostgreSQL both run.
var schema = []string{
	`CREATE TABLE IF NOT EXISTS hub_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
	// counters.seq is the last change-log sequence; pushes lock its row first,
	// which serialises them (also across hub processes on one PostgreSQL), so
	// sequences commit in order and a pull never skips a late commit.
	`CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n BIGINT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS users (
		id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, token_hash TEXT NOT NULL UNIQUE,
		created_at TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0)`,
	`CREATE TABLE IF NOT EXISTS devices (
		id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id),
		last_seq BIGINT NOT NULL, created_at TEXT NOT NULL, last_seen TEXT NOT NULL)`,
	// fields: {"f": {field: value}, "m": {field: {"s": seq, "d": device, "u": user, "h": hlc}}}
	// Record ids are UUIDs, unique across kinds, so the id alone is the key.
	`CREATE TABLE IF NOT EXISTS records (
		id TEXT PRIMARY KEY, entity TEXT NOT NULL, fields TEXT NOT NULL,
		deleted INTEGER NOT NULL, version BIGINT NOT NULL)`,
	`CREATE TABLE IF NOT EXISTS changes (
		seq BIGINT PRIMARY KEY, entity TEXT NOT NULL, entity_id TEXT NOT NULL, op TEXT NOT NULL,
		data TEXT NOT NULL, hlc TEXT NOT NULL, device_id TEXT NOT NULL, device_seq BIGINT NOT NULL,
		user_name TEXT NOT NULL, tx_id TEXT NOT NULL, at TEXT NOT NULL, conflicts TEXT NOT NULL)`,
	`CREATE INDEX IF NOT EXISTS changes_device ON changes(device_id, device_seq)`,
	`CREATE INDEX IF NOT EXISTS changes_tx ON changes(tx_id)`,
	// Rejections are kept so that a resend after a lost reply gets the same answer.
	`CREATE TABLE IF NOT EXISTS rejections (
		device_id TEXT NOT NULL, device_seq BIGINT NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL,
		fields TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (device_id, device_seq))`,
	// Unique keys of live records (model.UniqueKeys): key is the JSON of the values.
	`CREATE TABLE IF NOT EXISTS uniques (
		entity TEXT NOT NULL, ukey TEXT NOT NULL, record_id TEXT NOT NULL, PRIMARY KEY (entity, ukey))`,
	`CREATE INDEX IF NOT EXISTS uniques_record ON uniques(record_id)`,
	// Parts of a user action too large for one request, held until its last
	// part arrives (see PushRequest.Open), as they came.
	`CREATE TABLE IF NOT EXISTS staged (
		device_id TEXT NOT NULL, device_seq BIGINT NOT NULL, tx_id TEXT NOT NULL, entity TEXT NOT NULL,
		entity_id TEXT NOT NULL, op TEXT NOT NULL, data TEXT NOT NULL, hlc TEXT NOT NULL, base BIGINT NOT NULL,
		PRIMARY KEY (device_id, device_seq))`,
	// One epoch per life of the data: a new one starts when the hub finds it
	// was restored from an older backup (a laptop knows more of its own
	// acknowledged changes than the hub does), so laptops re-send and re-pull.
	`CREATE TABLE IF NOT EXISTS epochs (id TEXT PRIMARY KEY, start_seq BIGINT NOT NULL, started_at TEXT NOT NULL)`,
}

func (s *Store) migrate(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("hub: prepare %s: %w", s.where, err)
	}
	defer tx.Rollback()
	if s.postgres {
		// Two hub processes starting at once must not both create the schema.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7365001)`); err != nil {
			return fmt.Errorf("hub: prepare %s: %w", s.where, err)
		}
	}
	for _, stmt := range schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("hub: prepare %s: %w", s.where, err)
		}
	}
	var v string
	err = tx.QueryRowContext(ctx, s.q(`SELECT value FROM hub_meta WHERE key = 'schema'`)).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		s.id = randomID()
		for _, kv := range [][2]string{{"schema", strconv.Itoa(schemaVersion)}, {"hub_id", s.id}, {"purged_upto", "0"}} {
			if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO hub_meta(key, value) VALUES (?, ?)`), kv[0], kv[1]); err != nil {
				return fmt.Errorf("hub: prepare %s: %w", s.where, err)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO counters(name, n) VALUES ('seq', 0)`)); err != nil {
			return fmt.Errorf("hub: prepare %s: %w", s.where, err)
		}
	case err != nil:
		return fmt.Errorf("hub: read the schema version of %s: %w", s.where, err)
	default:
		if n, _ := strconv.Atoi(v); n > schemaVersion {
			return fmt.Errorf("hub: %s has hub schema %s but this Relais knows only up to %d; install a newer Relais", s.where, v, schemaVersion)
		}
		if err := tx.QueryRowContext(ctx, s.q(`SELECT value FROM hub_meta WHERE key = 'hub_id'`)).Scan(&s.id); err != nil {
			return fmt.Errorf("hub: read the identity of %s: %w", s.where, err)
		}
		if _, err := tx.ExecContext(ctx, s.q(`UPDATE hub_meta SET value = ? WHERE key = 'schema'`), strconv.Itoa(schemaVersion)); err != nil {
			return fmt.Errorf("hub: prepare %s: %w", s.where, err)
		}
	}
	var epochs int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM epochs`).Scan(&epochs); err != nil {
		return fmt.Errorf("hub: read the epochs of %s: %w", s.where, err)
	}
	if epochs == 0 {
		if _, err := s.newEpoch(ctx, tx); err != nil {
			return err
		}
	}
	if err := s.commit(tx); err != nil {
		return fmt.Errorf("hub: prepare %s: %w", s.where, err)
	}
	return nil
}

// newEpoch starts a new epoch at the current sequence.
func (s *Store) newEpoch(ctx context.Context, tx *sql.Tx) (string, error) {
	id := randomID()
	var seq int64
	if err := tx.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'seq'`).Scan(&seq); err != nil {
		return "", fmt.Errorf("hub: start an epoch: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO epochs(id, start_seq, started_at) VALUES (?, ?, ?)`), id, seq, model.FormatTime(s.now())); err != nil {
		return "", fmt.Errorf("hub: start an epoch: %w", err)
	}
	if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO hub_meta(key, value) VALUES ('epoch', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`), id); err != nil {
		return "", fmt.Errorf("hub: start an epoch: %w", err)
	}
	return id, nil
}

// Epoch returns the hub's current epoch.
func (s *Store) Epoch(ctx context.Context) (string, error) {
	return s.epoch(ctx, s.db)
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Store) epoch(ctx context.Context, q queryer) (string, error) {
	var e string
	if err := q.QueryRowContext(ctx, `SELECT value FROM hub_meta WHERE key = 'epoch'`).Scan(&e); err != nil {
		return "", fmt.Errorf("hub: read the epoch: %w", err)
	}
	return e, nil
}

func randomID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("hub: crypto/rand failed: " + err.Error())
	}
	return hex.EncodeToString(b[:])
}

// User is a member of the team allowed to sync.
type User struct {
	ID        string
	Name      string
	CreatedAt string
	Disabled  bool
	Devices   int
}

// hashToken is how tokens are stored: they are 256 random bits, so a plain
// SHA-256 (no slow KDF) is enough to make a stolen database useless.
func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

func newToken() string {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("hub: crypto/rand failed: " + err.Error())
	}
	return "rlh_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// ErrExists is returned when a user of that name already exists.
var ErrExists = errors.New("already exists")

// ErrNoUser is returned for an unknown user name.
var ErrNoUser = errors.New("no such user")

// AddUser creates a user and returns its token, which is shown once and
// stored only hashed.
func (s *Store) AddUser(ctx context.Context, name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 100 || strings.ContainsAny(name, "\r\n\x00") {
		return "", fmt.Errorf("hub: add user: the name must be one line of 1 to 100 characters")
	}
	var one int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT 1 FROM users WHERE name = ?`), name).Scan(&one)
	if err == nil {
		return "", fmt.Errorf("hub: add user %q: %w", name, ErrExists)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("hub: add user %q: %w", name, err)
	}
	token := newToken()
	if _, err := s.db.ExecContext(ctx, s.q(`INSERT INTO users(id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`),
		model.NewID(), name, hashToken(token), model.FormatTime(s.now())); err != nil {
		return "", fmt.Errorf("hub: add user %q: %w", name, err)
	}
	return token, nil
}

// NewToken replaces a user's token (the old one stops working) and returns the new one.
func (s *Store) NewToken(ctx context.Context, name string) (string, error) {
	token := newToken()
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE users SET token_hash = ? WHERE name = ?`), hashToken(token), name)
	if err != nil {
		return "", fmt.Errorf("hub: new token for %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return "", fmt.Errorf("hub: new token for %q: %w", name, ErrNoUser)
	}
	return token, nil
}

// SetDisabled stops (or lets again) a user from syncing.
func (s *Store) SetDisabled(ctx context.Context, name string, disabled bool) error {
	d := 0
	if disabled {
		d = 1
	}
	res, err := s.db.ExecContext(ctx, s.q(`UPDATE users SET disabled = ? WHERE name = ?`), d, name)
	if err != nil {
		return fmt.Errorf("hub: update user %q: %w", name, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("hub: update user %q: %w", name, ErrNoUser)
	}
	return nil
}

// Users lists the users with their device counts.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT u.id, u.name, u.created_at, u.disabled,
		(SELECT COUNT(*) FROM devices d WHERE d.user_id = u.id) FROM users u ORDER BY u.name`)
	if err != nil {
		return nil, fmt.Errorf("hub: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		var u User
		var dis int
		if err := rows.Scan(&u.ID, &u.Name, &u.CreatedAt, &dis, &u.Devices); err != nil {
			return nil, fmt.Errorf("hub: list users: %w", err)
		}
		u.Disabled = dis != 0
		out = append(out, u)
	}
	return out, rows.Err()
}

// Authenticate returns the enabled user holding token, or ok=false.
func (s *Store) Authenticate(ctx context.Context, token string) (User, bool, error) {
	if token == "" {
		return User{}, false, nil
	}
	var u User
	var dis int
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, name, disabled FROM users WHERE token_hash = ?`), hashToken(token)).Scan(&u.ID, &u.Name, &dis)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && dis != 0) {
		return User{}, false, nil
	}
	if err != nil {
		return User{}, false, fmt.Errorf("hub: check token: %w", err)
	}
	return u, true, nil
}

// Seq returns the last change-log sequence.
func (s *Store) Seq(ctx context.Context) (int64, error) {
	var n int64
	if err := s.db.QueryRowContext(ctx, `SELECT n FROM counters WHERE name = 'seq'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("hub: read sequence: %w", err)
	}
	return n, nil
}
