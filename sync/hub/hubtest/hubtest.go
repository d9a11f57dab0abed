// Package hubtest starts real hubs for tests: on a SQLite file in a
// temporary folder, or on a PostgreSQL cluster it starts itself (initdb on a
// temporary folder, a free loopback port) and stops when the tests end.
//
// A package whose tests use the PostgreSQL backend calls Main from its
// TestMain. Where PostgreSQL is not installed, the PostgreSQL variants fail
// with a clear message when CI=true and are skipped otherwise.
package hubtest

import (
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"relais/sync/hub"
)

// Backend names a hub storage.
type Backend string

// The backends.
const (
	SQLite   Backend = "sqlite"
	Postgres Backend = "postgres"
)

// Backends returns the backends to run a test on: SQLite always, PostgreSQL
// when it can be started (see the package comment).
func Backends(tb testing.TB) []Backend {
	if _, err := cluster(); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("hubtest: PostgreSQL is needed in CI (make test installs Debian's postgresql): %v", err)
		}
		tb.Logf("hubtest: PostgreSQL variant skipped: %v", err)
		return []Backend{SQLite}
	}
	return []Backend{SQLite, Postgres}
}

// Main runs the tests and then stops the PostgreSQL cluster if one was started.
func Main(m *testing.M) {
	code := m.Run()
	stopCluster()
	os.Exit(code)
}

// OpenStore opens an empty hub store on backend, closed at cleanup.
func OpenStore(tb testing.TB, b Backend) *hub.Store {
	tb.Helper()
	o := hub.Options{DataDir: tb.TempDir()}
	if b == Postgres {
		o.Database = NewDatabase(tb)
	}
	s, err := hub.OpenStore(context.Background(), o)
	if err != nil {
		tb.Fatalf("hubtest: open %s hub: %v", b, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Hub is a hub served over loopback HTTP.
type Hub struct {
	URL    string
	Store  *hub.Store
	Server *httptest.Server
}

// Start serves a new hub on backend at 127.0.0.1, stopped at cleanup.
func Start(tb testing.TB, b Backend) *Hub {
	tb.Helper()
	s := OpenStore(tb, b)
	return Serve(tb, s, 0)
}

// Serve serves store over loopback HTTP with the given body limit (0: default).
func Serve(tb testing.TB, s *hub.Store, maxBody int64) *Hub {
	tb.Helper()
	srv := httptest.NewServer(hub.NewServer(s, maxBody, tb.Logf).Handler())
	tb.Cleanup(srv.Close)
	return &Hub{URL: srv.URL, Store: s, Server: srv}
}

// AddUser creates a hub user and returns the token.
func (h *Hub) AddUser(tb testing.TB, name string) string {
	tb.Helper()
	tok, err := h.Store.AddUser(context.Background(), name)
	if err != nil {
		tb.Fatalf("hubtest: add user %s: %v", name, err)
	}
	return tok
}

type pgCluster struct {
	dir   string
	port  int
	cmd   *exec.Cmd
	admin *sql.DB
}

var (
	pgOnce sync.Once
	pg     *pgCluster
	pgErr  error
	pgN    atomic.Int64
	pgMu   sync.Mutex
)

func cluster() (*pgCluster, error) {
	pgOnce.Do(func() { pg, pgErr = startCluster() })
	return pg, pgErr
}

// binDir finds the newest installed PostgreSQL's binaries.
func binDir() (string, error) {
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/postgres")
	sort.Slice(ms, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(ms[i]))))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(ms[j]))))
		return vi > vj
	})
	if len(ms) == 0 {
		if p, err := exec.LookPath("postgres"); err == nil {
			return filepath.Dir(p), nil
		}
		return "", fmt.Errorf("no PostgreSQL server binaries in /usr/lib/postgresql/*/bin or on PATH")
	}
	return filepath.Dir(ms[0]), nil
}

func startCluster() (*pgCluster, error) {
	bin, err := binDir()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "relais-pg-")
	if err != nil {
		return nil, err
	}
	c := &pgCluster{dir: dir}
	// initdb and postgres refuse to run as root: run them as the postgres user.
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and there is no postgres user to run PostgreSQL as: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	run := func(name string, args ...string) *exec.Cmd {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setpgid: true}
		return cmd
	}
	data := filepath.Join(dir, "data")
	if out, err := run("initdb", "-D", data, "-U", "relais", "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	// Durability settings are off: the cluster lives for one test run.
	c.cmd = run("postgres", "-D", data, "-p", strconv.Itoa(c.port), "-h", "127.0.0.1", "-k", dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200")
	logf, _ := os.Create(filepath.Join(dir, "postgres.log"))
	c.cmd.Stdout, c.cmd.Stderr = logf, logf
	if err := c.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start postgres: %w", err)
	}
	c.admin, _ = sql.Open("pgx", c.dsn("postgres"))
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err = c.admin.PingContext(ctx)
		cancel()
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "postgres.log"))
			c.stop()
			return nil, fmt.Errorf("postgres did not start within 30 s: %v\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c, nil
}

func (c *pgCluster) dsn(db string) string {
	return fmt.Sprintf("postgres://relais@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

func (c *pgCluster) stop() {
	if c.admin != nil {
		c.admin.Close()
	}
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT) // fast shutdown
		done := make(chan struct{})
		go func() { c.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			c.cmd.Process.Kill()
			<-done
		}
	}
	os.RemoveAll(c.dir)
}

func stopCluster() {
	pgMu.Lock()
	defer pgMu.Unlock()
	if pg != nil {
		pg.stop()
		pg = nil
	}
}

// NewDatabase creates an empty database on the test cluster and returns its
// URL; it is dropped at cleanup.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	c, err := cluster()
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("hubtest: PostgreSQL is needed in CI: %v", err)
		}
		tb.Skipf("hubtest: PostgreSQL not available: %v", err)
	}
	name := fmt.Sprintf("t%d_%d", os.Getpid(), pgN.Add(1))
	if _, err := c.admin.Exec(`CREATE DATABASE ` + name); err != nil {
		tb.Fatalf("hubtest: create database: %v", err)
	}
	tb.Cleanup(func() {
		pgMu.Lock()
		defer pgMu.Unlock()
		if pg != nil {
			pg.admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
		}
	})
	return c.dsn(name)
}
