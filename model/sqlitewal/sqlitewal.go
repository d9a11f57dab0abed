// Package sqlitewal runs SQLite's checkpoints (copying the write-ahead log
// back into the database file) in the background instead of inside the
// commit that crossed SQLite's threshold, for the laptop's store and the
// hub's SQLite file alike.
package sqlitewal

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync"

	"github.com/mattn/go-sqlite3"
)

// Measured on a 100,000-contact import, the automatic checkpoint was an
// eighth of the whole import's time, and on the hub applying a 100,000-change
// action it was 2.2 s of a 2.7 s commit, spent after the data was already
// durable. Durability does not change: a commit is safe once its WAL frames
// are synced (synchronous=FULL); the checkpoint only tidies up.

// noAutoCheckpoint opens connections with automatic checkpoints off.
// Every connection that writes must come from it, or that connection would
// checkpoint inside its own commits again.
type noAutoCheckpoint struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

// Connector opens connections to dsn with automatic checkpoints off: use it
// with sql.OpenDB for every pool that writes, and Start a Checkpointer.
func Connector(dsn string) driver.Connector {
	return &noAutoCheckpoint{dsn: dsn, drv: &sqlite3.SQLiteDriver{
		ConnectHook: func(c *sqlite3.SQLiteConn) error {
			_, err := c.Exec("PRAGMA wal_autocheckpoint = 0", nil)
			return err
		},
	}}
}

func (c *noAutoCheckpoint) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }
func (c *noAutoCheckpoint) Driver() driver.Driver                        { return c.drv }

// Checkpointer runs PASSIVE checkpoints on its own connection when poked
// after a commit; a PASSIVE checkpoint never blocks readers or the writer.
type Checkpointer struct {
	db   *sql.DB
	wake chan struct{}
	done chan struct{}

	mu      sync.Mutex // guards stopped, so no poke sends on a closed channel
	stopped bool
	stopErr error
}

// Start opens the checkpoint connection to dsn and its goroutine.
func Start(dsn string) (*Checkpointer, error) {
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlitewal: open the checkpoint connection: %w", err)
	}
	db.SetMaxOpenConns(1)
	c := &Checkpointer{db: db, wake: make(chan struct{}, 1), done: make(chan struct{})}
	go c.run()
	return c, nil
}

func (c *Checkpointer) run() {
	defer close(c.done)
	for range c.wake {
		// An error here (busy, disk full) leaves the WAL longer, never loses
		// data; the next commit tries again.
		_, _ = c.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
	}
}

// Poke asks for a checkpoint soon; commits in a row share one. A poke
// after Stop (a write racing Close) is dropped.
func (c *Checkpointer) Poke() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopped {
		return
	}
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// Stop finishes the pending checkpoint and closes the connection; calling
// it again (a store closed twice) does nothing more.
func (c *Checkpointer) Stop() error {
	c.mu.Lock()
	if c.stopped {
		c.mu.Unlock()
		return c.stopErr
	}
	c.stopped = true
	close(c.wake)
	c.mu.Unlock()
	<-c.done
	err := c.db.Close()
	c.mu.Lock()
	c.stopErr = err
	c.mu.Unlock()
	return err
}
