package ui

import (
	"context"
	"strings"
	"testing"

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
