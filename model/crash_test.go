package model_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

// TestCrashChild is the writer half of TestKill9: it only runs inside the
// child process, writing until it is killed. Each transaction creates an
// account and two contacts, and updates the previous account, so a torn
// transaction would show as an account with fewer than two contacts.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("RELAIS_CRASH_DB")
	if path == "" {
		t.Skip("runs only as the child of TestKill9")
	}
	s, err := model.Open(context.Background(), path, model.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	ctx := context.Background()
	var prev string // the newest account, carried over from the previous child
	s.DB().QueryRowContext(ctx, `SELECT id FROM accounts ORDER BY id DESC LIMIT 1`).Scan(&prev)
	for i := 0; ; i++ {
		err := s.Write(ctx, func(tx *model.Tx) error {
			a := &model.Account{Name: fmt.Sprintf("Société %d", i), City: "Besançon"}
			if err := tx.Create(a); err != nil {
				return err
			}
			for j := 0; j < 2; j++ {
				if err := tx.Create(&model.Contact{AccountID: a.ID, FirstName: "Zoé", LastName: fmt.Sprintf("Noël %d-%d", i, j)}); err != nil {
					return err
				}
			}
			if prev != "" {
				if err := tx.Set(model.KindAccount, prev, model.FieldMap{"notes": fmt.Sprintf("suivi %d", i)}); err != nil {
					return err
				}
			}
			prev = a.ID
			return nil
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
	}
}

// TestKill9 kills a writing process with SIGKILL at random moments, 20 times,
// reopening the same file each time. After every kill the database must pass
// its integrity check, every committed record must have exactly one "put" in
// the outbox, and no transaction may be half there.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 9))
	ctx := context.Background()
	for round := 0; round < 20; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "RELAIS_CRASH_DB="+path)
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(30+r.IntN(250)) * time.Millisecond)
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		if cmd.ProcessState.ExitCode() > 0 {
			t.Fatalf("round %d: child failed on its own: %v", round, err)
		}

		s := modeltest.OpenAt(t, path, time.Now)
		if err := s.Check(ctx); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		var accounts, contacts, puts, orphans, torn, patches, missing int
		q := func(dst *int, query string) {
			if err := s.DB().QueryRowContext(ctx, query).Scan(dst); err != nil {
				t.Fatalf("round %d: %s: %v", round, query, err)
			}
		}
		q(&accounts, `SELECT COUNT(*) FROM accounts`)
		q(&contacts, `SELECT COUNT(*) FROM contacts`)
		q(&puts, `SELECT COUNT(*) FROM outbox WHERE op = 'put'`)
		// Each record has exactly one put naming it, and each put names a record.
		q(&orphans, `SELECT COUNT(*) FROM (SELECT entity_id FROM outbox WHERE op = 'put' GROUP BY entity_id HAVING COUNT(*) != 1)`)
		q(&missing, `SELECT COUNT(*) FROM (SELECT id FROM accounts UNION ALL SELECT id FROM contacts) r
			WHERE NOT EXISTS (SELECT 1 FROM outbox o WHERE o.entity_id = r.id AND o.op = 'put')`)
		q(&torn, `SELECT COUNT(*) FROM accounts a WHERE (SELECT COUNT(*) FROM contacts c WHERE c.account_id = a.id) != 2`)
		q(&patches, `SELECT COUNT(*) FROM outbox WHERE op = 'patch'`)
		if puts != accounts+contacts || orphans != 0 || missing != 0 || torn != 0 {
			t.Fatalf("round %d: %d accounts + %d contacts but %d puts (%d duplicated, %d missing), %d torn transactions",
				round, accounts, contacts, puts, orphans, missing, torn)
		}
		if accounts > 0 && patches != accounts-1 {
			t.Fatalf("round %d: %d accounts but %d patches; want one per transaction after the first", round, accounts, patches)
		}
		if n, _ := s.OutboxCount(ctx); n != puts+patches {
			t.Fatalf("round %d: OutboxCount %d, rows %d", round, n, puts+patches)
		}
		s.Close()
		if round == 19 {
			t.Logf("%d transactions committed across 20 kills", accounts)
		}
	}
}
