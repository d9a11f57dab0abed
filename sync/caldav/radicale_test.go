package caldav_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// radicale is a real Radicale CalDAV server (the Debian package, installed
// by `make test`) on 127.0.0.1 with its storage in a temporary folder and no
// authentication: any user name is accepted and owns /<user>/.
type radicale struct {
	t       *testing.T
	addr    string
	dir     string
	cmd     *exec.Cmd
	exited  chan struct{}
	logPath string
}

// startRadicale starts a server, or skips the test when Radicale is not
// installed (and fails it in CI, where it must be).
func startRadicale(t *testing.T) *radicale {
	t.Helper()
	if _, err := exec.LookPath("radicale"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("radicale is not installed: the CalDAV integration tests need it (apt-get install radicale, done by `make test`)")
		}
		t.Skip("radicale is not installed (apt-get install radicale)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	r := &radicale{t: t, addr: addr, dir: t.TempDir()}
	r.start()
	t.Cleanup(r.stop)
	return r
}

func (r *radicale) url() string { return "http://" + r.addr + "/" }

func (r *radicale) start() {
	r.t.Helper()
	cfg := filepath.Join(r.dir, "config")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`[server]
hosts = %s
[auth]
type = none
[storage]
filesystem_folder = %s
[logging]
level = warning
`, r.addr, filepath.Join(r.dir, "collections"))), 0o600)
	r.logPath = filepath.Join(r.dir, "radicale.log")
	logf, err := os.Create(r.logPath)
	if err != nil {
		r.t.Fatal(err)
	}
	r.cmd = exec.Command("radicale", "-C", cfg)
	r.cmd.Stdout, r.cmd.Stderr = logf, logf
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start radicale: %v", err)
	}
	r.exited = make(chan struct{})
	go func() { r.cmd.Wait(); logf.Close(); close(r.exited) }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", r.addr, 200*time.Millisecond); err == nil {
			c.Close()
			return
		}
		select {
		case <-r.exited:
			log, _ := os.ReadFile(r.logPath)
			r.t.Fatalf("radicale exited at start:\n%s", log)
		case <-time.After(100 * time.Millisecond):
		}
	}
	r.t.Fatalf("radicale did not listen on %s within 15 s", r.addr)
}

// stop ends the server this test started (by its own process handle).
func (r *radicale) stop() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	select {
	case <-r.exited:
	default:
		r.cmd.Process.Kill()
		<-r.exited
	}
	r.cmd = nil
}

// raw is another CalDAV client writing directly to the server.
func (r *radicale) raw(method, path, body string, hdr ...string) (*http.Response, string) {
	r.t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, "http://"+r.addr+path, strings.NewReader(body))
	if err != nil {
		r.t.Fatal(err)
	}
	req.SetBasicAuth("alice", "x")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if body != "" && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "text/calendar; charset=utf-8")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}
