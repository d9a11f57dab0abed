package outbox_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// One user action larger than a push (a 100,000-row contacts import) goes
// to the hub in parts that the hub stages and applies whole. The children
// below run the hub and the client in their own processes so that they can
// be killed with SIGKILL and their peak memory measured apart.
const (
	envBigHub      = "RELAIS_BIG_HUB_DIR"   // serve a SQLite hub from this folder
	envBigAddr     = "RELAIS_BIG_HUB_ADDR"  // on this address
	envBigPush     = "RELAIS_BIG_PUSH_DB"   // sync this laptop database
	envBigPushOnly = "RELAIS_BIG_PUSH_ONLY" // "1": push without pulling
)

func maybeBigChild() bool {
	ctx := context.Background()
	if dir := os.Getenv(envBigHub); dir != "" {
		st, err := hub.OpenStore(ctx, hub.Options{DataDir: dir})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ln, err := net.Listen("tcp", os.Getenv(envBigAddr))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println("ready")
		srv := hub.NewServer(st, 0, func(string, ...any) {}).HTTPServer("")
		_ = srv.Serve(ln)
		os.Exit(0)
	}
	if db := os.Getenv(envBigPush); db != "" {
		s, err := model.Open(ctx, db, model.Options{})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		sy, err := outbox.New(ctx, s, outbox.Options{Secrets: outbox.FileSecrets{Path: db + ".secrets"}})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		fmt.Println("ready")
		run := sy.Sync
		if os.Getenv(envBigPushOnly) == "1" {
			run = sy.Push
		}
		rep, err := run(ctx)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("pushed=%d pulled=%d\n", rep.Pushed, rep.Pulled)
		os.Exit(0)
	}
	return false
}

// importAction writes n contacts (and the 1 account they work for) in one
// user action, as a contacts CSV import does.
func importAction(t testing.TB, s *model.Store, n int) {
	t.Helper()
	err := s.Write(context.Background(), func(tx *model.Tx) error {
		acc := &model.Account{Name: "Fromagerie Étienne & Fils", City: "Besançon", Country: "FR"}
		if err := tx.Create(acc); err != nil {
			return err
		}
		for i := 0; i < n; i++ {
			c := &model.Contact{FirstName: fmt.Sprintf("Zoé %d", i), LastName: "Lefèvre", AccountID: acc.ID,
				Emails: []string{fmt.Sprintf("zoe.%d@client.example", i)}, Phones: []string{"+33 6 12 34 56 78"}}
			if err := tx.Create(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func bigSize() int {
	if raceOn {
		return 3000
	}
	return 100000
}

// TestHundredThousandChangeAction: one action of 100,000 changes pushes and
// an empty laptop pulls it; both laptops hold the same data table by table.
func TestHundredThousandChangeAction(t *testing.T) {
	if testing.Short() {
		t.Skip("pushes 100,000 changes")
	}
	for _, be := range hubtest.Backends(t) {
		t.Run(string(be), func(t *testing.T) {
			h := hubtest.Start(t, be)
			a := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
			importAction(t, a.store, bigSize())
			rep := a.syncOK(t)
			if rep.Pushed != bigSize()+1 || a.outboxLen(t) != 0 {
				t.Fatalf("push: %+v, %d still queued", rep, a.outboxLen(t))
			}
			b := newLaptop(t, "B", h.URL, h.AddUser(t, "Bruno"), nil, nil)
			if rep := b.syncOK(t); rep.Pulled != bigSize()+1 {
				t.Fatalf("pull: %+v", rep)
			}
			sameTables(t, a.store, b.store)
			exactlyOnce(t, h, "", []*laptop{a})
		})
	}
}

// sameTables compares two laptops' records table by table.
func sameTables(t testing.TB, a, b *model.Store) {
	t.Helper()
	ctx := context.Background()
	for _, k := range model.Kinds() {
		na, err := model.Count(ctx, a.DB(), k, model.Query{WithDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		nb, err := model.Count(ctx, b.DB(), k, model.Query{WithDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		if na != nb {
			t.Errorf("%s: %d on one laptop, %d on the other", k, na, nb)
		}
	}
	if da, db := dump(t, a), dump(t, b); da != db {
		t.Fatalf("the laptops differ (accounts, contacts, products): %d vs %d bytes", len(da), len(db))
	}
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// child starts the test binary as one of the children and waits for "ready".
func child(t testing.TB, env ...string) (*exec.Cmd, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	rd := bufio.NewReader(out)
	if line, err := rd.ReadString('\n'); err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not start: %q %v", line, err)
	}
	return cmd, rd
}

func kill(t testing.TB, cmd *exec.Cmd) {
	t.Helper()
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
}

// waitHealthy waits until a hub answers at addr.
func waitHealthy(t testing.TB, addr string) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if r, err := http.Get("http://" + addr + "/v1/health"); err == nil {
			r.Body.Close()
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no hub at %s", addr)
}

// bigSetup makes a hub folder with a user and a laptop database holding one
// big action, configured for that hub.
func bigSetup(t testing.TB, n int, addr string) (hubDir, db, token string) {
	t.Helper()
	ctx := context.Background()
	hubDir = t.TempDir()
	st, err := hub.OpenStore(ctx, hub.Options{DataDir: hubDir})
	if err != nil {
		t.Fatal(err)
	}
	token, err = st.AddUser(ctx, "Anne")
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	db = filepath.Join(t.TempDir(), "relais.db")
	s, err := model.Open(ctx, db, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	importAction(t, s, n)
	if err := outbox.SaveSettings(ctx, s, outbox.FileSecrets{Path: db + ".secrets"}, outbox.Settings{HubURL: "http://" + addr, Token: token}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return hubDir, db, token
}

// TestKill9DuringBigAction kills the client, then separately the hub, with
// SIGKILL at random moments while one 100,000-change action is pushed, 10
// times each. Afterwards every change is held once and the outbox drains.
func TestKill9DuringBigAction(t *testing.T) {
	if testing.Short() || raceOn {
		t.Skip("re-executes the test binary 40 times over 100,000 changes")
	}
	for _, victim := range []string{"client", "hub"} {
		t.Run(victim, func(t *testing.T) {
			ctx := context.Background()
			addr := freeAddr(t)
			n := bigSize()
			hubDir, db, token := bigSetup(t, n, addr)
			hubEnv := []string{envBigHub + "=" + hubDir, envBigAddr + "=" + addr}
			hubCmd, _ := child(t, hubEnv...)
			defer func() { kill(t, hubCmd) }()
			rnd := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
			for i := 0; i < 10; i++ {
				cl, _ := child(t, envBigPush+"="+db)
				time.Sleep(time.Duration(200+rnd.IntN(3000)) * time.Millisecond)
				if victim == "client" {
					kill(t, cl)
					continue
				}
				kill(t, hubCmd)
				hubCmd, _ = child(t, hubEnv...)
				waitHealthy(t, addr)
				cl.Wait() // the client fails (or finished); the next round retries
			}
			// Heal: one clean sync.
			cl, rd := child(t, envBigPush+"="+db)
			line, _ := rd.ReadString('\n') // before Wait, which closes the pipe
			if err := cl.Wait(); err != nil {
				t.Fatalf("final sync failed: %v", err)
			}
			t.Logf("final sync: %s", strings.TrimSpace(line))
			kill(t, hubCmd)
			st, err := hub.OpenStore(ctx, hub.Options{DataDir: hubDir})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			a := connect(t, "A", modeltest.OpenAt(t, db, time.Now), "http://"+addr, token, nil)
			if q := a.outboxLen(t); q != 0 {
				t.Fatalf("%d changes still queued", q)
			}
			exactlyOnce(t, &hubtest.Hub{Store: st}, token, []*laptop{a})
			if seq, _ := st.Seq(ctx); seq != int64(n+1) {
				t.Fatalf("the hub holds %d changes, want %d", seq, n+1)
			}
		})
	}
}

// BenchmarkPushAction100k: one 100,000-change action pushed to a SQLite hub
// (target ≤ 10 s), then pulled into an empty laptop (target ≤ 8 s), hub and
// client each in their own process; reports their peak memory.
func BenchmarkPushAction100k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		addr := freeAddr(b)
		hubDir, db, token := bigSetup(b, 100000, addr)
		hubCmd, _ := child(b, envBigHub+"="+hubDir, envBigAddr+"="+addr)
		b.StartTimer()
		t0 := time.Now()
		cl, _ := child(b, envBigPush+"="+db, envBigPushOnly+"=1")
		if err := cl.Wait(); err != nil {
			b.Fatalf("push: %v", err)
		}
		push := time.Since(t0)
		b.StopTimer()
		// The empty laptop.
		ctx := context.Background()
		db2 := filepath.Join(b.TempDir(), "relais.db")
		s, err := model.Open(ctx, db2, model.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := outbox.SaveSettings(ctx, s, outbox.FileSecrets{Path: db2 + ".secrets"}, outbox.Settings{HubURL: "http://" + addr, Token: token}); err != nil {
			b.Fatal(err)
		}
		s.Close()
		t1 := time.Now()
		pl, rd := child(b, envBigPush+"="+db2)
		line, _ := rd.ReadString('\n')
		if err := pl.Wait(); err != nil {
			b.Fatalf("pull: %v", err)
		}
		pull := time.Since(t1)
		kill(b, hubCmd)
		b.ReportMetric(push.Seconds(), "push-s")
		b.ReportMetric(pull.Seconds(), "pull-s")
		b.ReportMetric(maxRSS(cl), "client-push-MB")
		b.ReportMetric(maxRSS(pl), "client-pull-MB")
		b.ReportMetric(maxRSS(hubCmd), "hub-MB")
		b.Logf("pull child: %s", strings.TrimSpace(line))
	}
}

// maxRSS is a finished child's peak resident memory in MB.
func maxRSS(cmd *exec.Cmd) float64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024 // Linux reports KiB
	}
	return 0
}

// An action sent in parts is still all or nothing: when its last change is
// refused, none of its changes reach the hub, each is rejected (the culprit
// with its reason, the others as group_rejected), and the outbox drains.
func TestActionInPartsIsAtomic(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	s := modeltest.OpenAt(t, filepath.Join(t.TempDir(), "relais.db"), func() time.Time { return modeltest.Now })
	sec := outbox.FileSecrets{Path: s.Path() + ".secrets"}
	if err := outbox.SaveSettings(ctx, s, sec, outbox.Settings{HubURL: h.URL, Token: h.AddUser(t, "Anne")}); err != nil {
		t.Fatal(err)
	}
	sy, err := outbox.New(ctx, s, outbox.Options{Secrets: sec, PushBatch: 100, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	importAction(t, s, 499) // 500 changes: five parts of 100
	// The action's last change patches a record the hub never had.
	if err := s.Write(ctx, func(tx *model.Tx) error {
		_, err := tx.SQL().ExecContext(ctx, `INSERT INTO outbox(tx_id, entity, entity_id, op, data, hlc, created_at)
			SELECT tx_id, 'account', ?, 'patch', '{"name":"Fantôme"}', hlc, created_at FROM outbox ORDER BY seq DESC LIMIT 1`, model.NewID())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	rep, err := sy.Sync(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pushed != 0 || rep.Rejected != 501 {
		t.Fatalf("report %+v, want 501 rejected, none pushed", rep)
	}
	if n, _ := h.Store.Seq(ctx); n != 0 {
		t.Fatalf("the hub applied %d changes of a refused action", n)
	}
	var culprit, group int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE code = 'unknown_record'), COUNT(*) FILTER (WHERE code = 'group_rejected') FROM sync_rejections`).Scan(&culprit, &group); err != nil {
		t.Fatal(err)
	}
	if culprit != 1 || group != 500 {
		t.Fatalf("rejections: %d culprit, %d group, want 1 and 500", culprit, group)
	}
	var waiting int
	s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&waiting)
	if waiting != 0 {
		t.Fatalf("%d changes still queued", waiting)
	}
}
