package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/model/modeltest"
	"relais/sync/outbox"
)

// `relais sync --status` says in one sentence why the laptop cannot sync
// and what to do, in the user's language, including for a round that failed
// in another process (the Sync screen's background loop).
func TestSyncStatusExplains(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "disabled:") // no keyring: the token stays in a file in the temp folder
	t.Setenv("LC_ALL", "en_GB.UTF-8")
	db := filepath.Join(t.TempDir(), "relais.db")
	s := modeltest.OpenAt(t, db, func() time.Time { return modeltest.Now })
	if code, out, errs := relais(t, db, "sync", "--status"); code != 0 || !strings.Contains(out, "why it cannot sync: "+outbox.Explain(outbox.ReasonNotSetUp, "en")) {
		t.Fatalf("not configured: %d %q %q", code, out, errs)
	}
	ctx := context.Background()
	sec := outbox.FileSecrets{Path: s.Path() + ".secrets"}
	if err := outbox.SaveSettings(ctx, s, sec, outbox.Settings{HubURL: "http://127.0.0.1:1", Token: "rlh_x"}); err != nil {
		t.Fatal(err)
	}
	sy, err := outbox.New(ctx, s, outbox.Options{Secrets: sec})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sy.Sync(ctx); err == nil {
		t.Fatal("synced with nothing listening")
	}
	if code, out, errs := relais(t, db, "sync", "--status"); code != 0 || !strings.Contains(out, "why it cannot sync: "+outbox.Explain(outbox.ReasonRefused, "en")) ||
		!strings.Contains(out, "last error: ") {
		t.Fatalf("refused: %d %q %q", code, out, errs)
	}
	t.Setenv("LC_ALL", "fr_FR.UTF-8")
	if code, out, errs := relais(t, db, "sync", "--status"); code != 0 || !strings.Contains(out, "pourquoi la synchronisation échoue : "+outbox.Explain(outbox.ReasonRefused, "fr")) {
		t.Fatalf("refused, in French: %d %q %q", code, out, errs)
	}
	// A failing `relais sync` says it too.
	if code, _, errs := relais(t, db, "sync"); code == 0 || !strings.Contains(errs, outbox.Explain(outbox.ReasonRefused, "fr")) {
		t.Fatalf("sync: %d %q", code, errs)
	}
}
