package ui

import (
	"context"
	"strings"
	"testing"

	"relais/model"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// When the hub refuses this laptop, the Sync screen says in one sentence why
// and what to do, in the app's language, before the raw message.
func TestSyncScreenExplainsRefusal(t *testing.T) {
	h := hubtest.Start(t, hubtest.SQLite)
	for _, tc := range []struct{ lang, want string }{
		{"en", outbox.Explain(outbox.ReasonAuth, "en")},
		{"fr", outbox.Explain(outbox.ReasonAuth, "fr")},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			a, _ := openApp(t, tc.lang, nil)
			a.show("sync")
			a.settle()
			sc := a.current.(*syncScreen)
			if err := sc.sy.Configure(context.Background(), outbox.Settings{HubURL: h.URL, Token: "rlh_revoked"}); err != nil {
				t.Fatal(err)
			}
			sc.onSyncNow()
			a.settle()
			sc.refresh()
			a.settle()
			if tc.want == "" || !strings.Contains(sc.detail.Text, tc.want) {
				t.Fatalf("detail %q does not say %q", sc.detail.Text, tc.want)
			}
		})
	}
}

// TestStatusDemoData: a demo database says its data never syncs instead of
// counting tens of thousands of changes "waiting to sync".
func TestStatusDemoData(t *testing.T) {
	a, s := openApp(t, "fr", func(s *model.Store) {
		if err := s.Write(t.Context(), func(tx *model.Tx) error {
			if err := tx.Create(&model.Account{Name: "Démo SA"}); err != nil {
				return err
			}
			return tx.MarkDemo("test")
		}); err != nil {
			t.Fatal(err)
		}
	})
	a.refreshStatus()
	a.settle()
	if got := a.status.sync.Text; got != "Données de démonstration : restent sur cet ordinateur, jamais synchronisées" {
		t.Errorf("status %q", got)
	}
	if n, _ := s.OutboxCount(t.Context()); n == 0 {
		t.Fatal("the fixture queued nothing: the test proves nothing")
	}
}
