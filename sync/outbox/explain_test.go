package outbox_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// Every way a round can fail ends in one sentence, in French and English,
// that names the cause and what to do, on the Status the Sync screen and
// `relais sync --status` read.
func TestEveryRefusalIsExplained(t *testing.T) {
	h := hubtest.Start(t, hubtest.SQLite)
	status := func(code int) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(code)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	for _, tc := range []struct {
		name, url, token, want string
	}{
		{"revoked token", h.URL, "rlh_nope", outbox.ReasonAuth},
		{"hub off", "http://127.0.0.1:1", "rlh_x", outbox.ReasonNetwork},
		{"not a hub", status(404), "rlh_x", outbox.ReasonNotHub},
		{"busy", status(429), "rlh_x", outbox.ReasonBusy},
		{"hub error", status(500), "rlh_x", outbox.ReasonHubDown},
		{"too large", status(413), "rlh_x", outbox.ReasonTooLarge},
		{"bad request", status(400), "rlh_x", outbox.ReasonBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := newLaptop(t, "A", tc.url, tc.token, nil, nil)
			if _, err := l.sync.Sync(context.Background()); err == nil {
				t.Fatal("the round succeeded")
			}
			st := l.sync.Status()
			if st.Reason != tc.want {
				t.Fatalf("reason %q (%s), want %q", st.Reason, st.LastError, tc.want)
			}
			for _, lang := range []string{"en", "fr"} {
				if why := outbox.Explain(st.Reason, lang); why == "" || strings.Count(why, ". ") > 0 {
					t.Fatalf("%s: %q is not one sentence", lang, why)
				}
			}
		})
	}
	for _, r := range []string{outbox.ReasonNotSetUp, outbox.ReasonDemo, outbox.ReasonAuth, outbox.ReasonDeviceOwner, outbox.ReasonSeqGap, outbox.ReasonEpoch,
		outbox.ReasonTooLarge, outbox.ReasonBadRequest, outbox.ReasonNotHub, outbox.ReasonBusy, outbox.ReasonHubDown, outbox.ReasonTLS, outbox.ReasonNetwork, outbox.ReasonOther} {
		en, fr := outbox.Explain(r, "en"), outbox.Explain(r, "fr")
		if en == "" || fr == "" || en == fr || !strings.Contains(en, ":") {
			t.Errorf("%s: %q / %q", r, en, fr)
		}
	}
}
