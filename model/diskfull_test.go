package model_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

// TestDiskFull fills a real, tiny file system (an 8 MiB tmpfs) until SQLite
// cannot write. The failed change must report a full disk in words, every
// change committed before it must still be there with its outbox row, and
// once space is freed the store must carry on. It needs root to mount.
func TestDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a tmpfs needs root")
	}
	dir := filepath.Join(t.TempDir(), "disk")
	os.MkdirAll(dir, 0o700)
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", "-l", dir).Run()
	// Ballast that is deleted later to free space.
	ballast := filepath.Join(dir, "ballast")
	if err := os.WriteFile(ballast, make([]byte, 512<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	path := filepath.Join(dir, "relais.db")
	s := modeltest.OpenAt(t, path, time.Now)
	var saved []string
	var fullErr error
	for i := 0; i < 100000 && fullErr == nil; i++ {
		c := &model.Contact{FirstName: "Élodie", LastName: fmt.Sprintf("Lefèvre %d", i), Notes: strings.Repeat("note ", 200)}
		if err := s.Create(ctx, c); err != nil {
			fullErr = err
			break
		}
		saved = append(saved, c.ID)
	}
	if fullErr == nil {
		t.Fatal("the disk never filled up")
	}
	if !strings.Contains(fullErr.Error(), "disk is full") {
		t.Fatalf("error on a full disk: %v; want it to say the disk is full", fullErr)
	}
	t.Logf("%d contacts saved before the disk filled", len(saved))

	check := func(stage string, st *model.Store) {
		t.Helper()
		if err := st.Check(ctx); err != nil {
			t.Fatalf("%s: %v", stage, err)
		}
		n, err := model.Count(ctx, st.DB(), model.KindContact, model.Query{})
		if err != nil || n < len(saved) {
			t.Fatalf("%s: %d contacts (%v), want at least the %d saved", stage, n, err, len(saved))
		}
		for _, id := range []string{saved[0], saved[len(saved)-1]} {
			if err := st.Get(ctx, id, &model.Contact{}); err != nil {
				t.Fatalf("%s: contact %s: %v", stage, id, err)
			}
		}
		if q, _ := st.OutboxCount(ctx); q != n {
			t.Fatalf("%s: %d contacts but %d queued changes", stage, n, q)
		}
	}
	check("on a full disk", s)

	// Free space: the store carries on, and nothing was lost.
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	after := &model.Contact{LastName: "After"}
	if err := s.Create(ctx, after); err != nil {
		t.Fatalf("after freeing space: %v", err)
	}
	saved = append(saved, after.ID)
	s.Close()
	s2 := modeltest.OpenAt(t, path, time.Now)
	check("after reopening", s2)
}
