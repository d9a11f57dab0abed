package sqlitewal_test

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"relais/model/sqlitewal"
)

// A commit through Connector leaves its pages in the WAL, however many
// (SQLite's own threshold is 1000 pages); a poke copies them into the
// database file, and Stop waits for that copy.
func TestCheckpointOffTheCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.db")
	dsn := "file:" + path + "?_journal_mode=WAL&_synchronous=FULL"
	db := sql.OpenDB(sqlitewal.Connector(dsn))
	defer db.Close()
	if _, err := db.Exec(`CREATE TABLE t (v TEXT)`); err != nil {
		t.Fatal(err)
	}
	tx, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	row := strings.Repeat("é", 500)
	for i := 0; i < 5000; i++ { // about 1,300 pages of 4 KiB: past the automatic threshold
		if _, err := tx.Exec(`INSERT INTO t VALUES (?)`, row); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	size := func() int64 {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return st.Size()
	}
	if n := size(); n > 1<<20 {
		t.Fatalf("the database file is %d bytes right after the commit: the commit checkpointed", n)
	}
	ck, err := sqlitewal.Start(dsn)
	if err != nil {
		t.Fatal(err)
	}
	ck.Poke()
	if err := ck.Stop(); err != nil {
		t.Fatal(err)
	}
	if n := size(); n < 5_000_000 {
		t.Fatalf("the database file is %d bytes after the checkpoint, want the 5 MB committed", n)
	}
	ck.Poke() // after Stop: dropped, no panic
	if err := ck.Stop(); err != nil {
		t.Fatal(err)
	}
}
