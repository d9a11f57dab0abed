package outbox_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// The kill-9 child: the test binary re-executed with these variables set
// edits and syncs in a loop until the parent kills it.
const (
	envChildDB  = "RELAIS_KILL_CHILD_DB"
	envChildHub = "RELAIS_KILL_CHILD_HUB"
)

// maybeChild runs the child when the binary was started as one; it never returns then.
func maybeChild() bool {
	db := os.Getenv(envChildDB)
	if db == "" {
		return false
	}
	ctx := context.Background()
	s, err := model.Open(ctx, db, model.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	sy, err := outbox.New(ctx, s, outbox.Options{Secrets: outbox.FileSecrets{Path: db + ".secrets"}, PushBatch: 7, PullPage: 5})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	fmt.Println("ready")
	rnd := rand.New(rand.NewPCG(uint64(os.Getpid()), 1))
	for n := 0; ; n++ {
		for k := 0; k < 10; k++ {
			accs, _ := model.List[model.Account](ctx, s.DB(), model.Query{Limit: 50})
			if len(accs) == 0 || rnd.IntN(3) == 0 {
				s.Create(ctx, &model.Account{Name: fmt.Sprintf("Compte %d-%d-%d", os.Getpid(), n, k)})
			} else {
				s.Set(ctx, model.KindAccount, accs[rnd.IntN(len(accs))].ID, model.FieldMap{"notes": fmt.Sprintf("note %d-%d", n, k)})
			}
		}
		sy.Sync(ctx) // errors: the next loop retries
	}
}

// The client killed with SIGKILL 20 times at random moments while it edits
// and syncs: afterwards no change is lost or duplicated, the database is
// sound, and the queue drains (sync.md faults 1 and 3).
func TestKill9DuringSync(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary 20 times")
	}
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	tok := h.AddUser(t, "Anne")
	// A colleague's changes give the pulls something to do.
	other := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
	db := filepath.Join(t.TempDir(), "relais.db")
	s, err := model.Open(ctx, db, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := outbox.SaveSettings(ctx, s, outbox.FileSecrets{Path: db + ".secrets"}, outbox.Settings{HubURL: h.URL, Token: tok}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for i := 0; i < 20; i++ {
		modeltest.Create(t, other.store, &model.Account{Name: fmt.Sprintf("Compte de Bruno %d", i)})
		other.syncOK(t)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envChildDB+"="+db, envChildHub+"="+h.URL)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("child %d did not start: %q %v", i, line, err)
		}
		time.Sleep(time.Duration(rnd.IntN(150)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("child %d ended by itself: %v", i, err)
		}
	}
	a := connect(t, "A", modeltest.OpenAt(t, db, time.Now), h.URL, tok, nil)
	if err := a.store.Check(ctx); err != nil {
		t.Fatalf("after 20 kills: %v", err)
	}
	queued := a.outboxLen(t)
	a.syncOK(t)
	other.syncOK(t)
	if n := a.outboxLen(t); n != 0 {
		t.Fatalf("%d changes still queued", n)
	}
	exactlyOnce(t, h, tok, []*laptop{a, other})
	if da, db := dump(t, a.store), dump(t, other.store); da != db {
		t.Fatalf("the killed laptop and its colleague differ:\n%s\n---\n%s", da, db)
	}
	n, _ := model.Count(ctx, a.store.DB(), model.KindAccount, model.Query{})
	t.Logf("%d accounts, %d changes were queued at the end", n, queued)
}
