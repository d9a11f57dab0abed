package outbox_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// oneSentence checks an explanation: present in both languages, different,
// one sentence with a cause and, after the colon, what to do.
func oneSentence(t *testing.T, reason string) {
	t.Helper()
	en, fr := outbox.Explain(reason, "en"), outbox.Explain(reason, "fr")
	for _, s := range []string{en, fr} {
		if s == "" || strings.Count(s, ". ") > 0 || !strings.HasSuffix(s, ".") || !strings.Contains(s, ":") {
			t.Errorf("%s: %q is not one sentence with a cause and what to do", reason, s)
		}
	}
	if en == fr {
		t.Errorf("%s: the French sentence is the English one", reason)
	}
}

// Every way a round can fail, met for real over loopback: the Status the
// Sync screen and `relais sync --status` read names its reason, and the
// reason has its sentence in French and English.
func TestEveryRefusalIsExplained(t *testing.T) {
	h := hubtest.Start(t, hubtest.SQLite)
	status := func(code int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			if body != "" {
				w.Header().Set("Content-Type", "application/json")
			}
			w.WriteHeader(code)
			fmt.Fprint(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(slow.Close)
	tlsHub := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsHub.Close)
	for _, tc := range []struct {
		name, url, token, fingerprint, want string
		hc                                  *http.Client
	}{
		{name: "revoked token", url: h.URL, token: "rlh_nope", want: outbox.ReasonAuth},
		{name: "hub off", url: "http://127.0.0.1:1", want: outbox.ReasonRefused},
		{name: "unknown name", url: "http://hub.invalid:8750", want: outbox.ReasonDNS},
		{name: "no answer", url: slow.URL, hc: &http.Client{Timeout: 200 * time.Millisecond}, want: outbox.ReasonTimeout},
		{name: "not a hub", url: status(404, ""), want: outbox.ReasonNotHub},
		{name: "busy", url: status(429, ""), want: outbox.ReasonBusy},
		{name: "hub error", url: status(500, `{"error":{"code":"internal","message":"disk I/O error"}}`), want: outbox.ReasonHubDown},
		{name: "proxy, hub down", url: status(502, ""), want: outbox.ReasonUnavailable},
		{name: "maintenance", url: status(503, ""), want: outbox.ReasonUnavailable},
		{name: "too large", url: status(413, `{"error":{"code":"too_large","message":"request body over 64 MiB"}}`), want: outbox.ReasonTooLarge},
		{name: "bad request", url: status(400, `{"error":{"code":"bad_utf8","field":"changes[0].data","message":"not UTF-8"}}`), want: outbox.ReasonBadRequest},
		{name: "self-signed hub", url: tlsHub.URL, want: outbox.ReasonTLSUnknown},
		{name: "other certificate", url: tlsHub.URL, fingerprint: strings.Repeat("ab", 32), want: outbox.ReasonTLSPin},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.token == "" {
				tc.token = "rlh_x"
			}
			s := modeltest.OpenAt(t, filepath.Join(t.TempDir(), "relais.db"), func() time.Time { return modeltest.Now })
			sec := outbox.FileSecrets{Path: s.Path() + ".secrets"}
			if err := outbox.SaveSettings(context.Background(), s, sec, outbox.Settings{HubURL: tc.url, Token: tc.token, Fingerprint: tc.fingerprint}); err != nil {
				t.Fatal(err)
			}
			sy, err := outbox.New(context.Background(), s, outbox.Options{Secrets: sec, HTTPClient: tc.hc, Logf: t.Logf})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sy.Sync(context.Background()); err == nil {
				t.Fatal("the round succeeded")
			}
			st := sy.Status()
			if st.Reason != tc.want {
				t.Fatalf("reason %q (%s), want %q", st.Reason, st.LastError, tc.want)
			}
			oneSentence(t, st.Reason)
			// Kept for `relais sync --status`, which runs in another process.
			again, err := outbox.New(context.Background(), s, outbox.Options{Secrets: sec})
			if err != nil {
				t.Fatal(err)
			}
			if got := again.Status().Reason; got != tc.want {
				t.Fatalf("reason after reopening %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("demo database", func(t *testing.T) {
		l := newLaptop(t, "A", h.URL, h.AddUser(t, "Anne"), nil, nil)
		if err := l.store.Write(context.Background(), func(tx *model.Tx) error { return tx.MarkDemo("test") }); err != nil {
			t.Fatal(err)
		}
		if _, err := l.sync.Sync(context.Background()); !errors.Is(err, outbox.ErrDemo) {
			t.Fatalf("sync of a demo database: %v", err)
		}
		if r := l.sync.Status().Reason; r != outbox.ReasonDemo {
			t.Fatalf("reason %q", r)
		}
	})
	t.Run("not configured", func(t *testing.T) {
		s := modeltest.OpenAt(t, filepath.Join(t.TempDir(), "relais.db"), func() time.Time { return modeltest.Now })
		sy, err := outbox.New(context.Background(), s, outbox.Options{Secrets: outbox.FileSecrets{Path: s.Path() + ".secrets"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := sy.Sync(context.Background()); err == nil {
			t.Fatal("an unconfigured laptop synced")
		}
		if r := sy.Status().Reason; r != outbox.ReasonNotSetUp {
			t.Fatalf("reason %q", r)
		}
	})
}

// Every code and status the hub (or a proxy in front of it) can answer maps
// to its reason. These refusals need a hub in a particular state (a device
// id owned by someone else, a restored hub) that other tests set up for
// real; here each answer is classified as the client receives it.
func TestReasonOfEveryAnswer(t *testing.T) {
	for _, tc := range []struct {
		status int
		code   string
		want   string
	}{
		{401, "unauthorized", outbox.ReasonAuth},
		{403, "device_owner", outbox.ReasonDeviceOwner},
		{409, "seq_gap", outbox.ReasonSeqGap},
		{409, "epoch", outbox.ReasonEpoch},
		{413, "too_many", outbox.ReasonTooLarge},
		{413, "too_large", outbox.ReasonTooLarge},
		{413, "", outbox.ReasonTooLarge},
		{400, "malformed", outbox.ReasonBadRequest},
		{400, "bad_seq", outbox.ReasonBadRequest},
		{400, "bad_device", outbox.ReasonBadRequest},
		{400, "bad_utf8", outbox.ReasonBadRequest},
		{404, "not_found", outbox.ReasonNotHub},
		{404, "", outbox.ReasonNotHub},
		{405, "", outbox.ReasonNotHub},
		{408, "", outbox.ReasonTimeout},
		{429, "", outbox.ReasonBusy},
		{500, "internal", outbox.ReasonHubDown},
		{500, "", outbox.ReasonHubDown},
		{502, "", outbox.ReasonUnavailable},
		{503, "", outbox.ReasonUnavailable},
		{504, "", outbox.ReasonUnavailable},
		{418, "", outbox.ReasonOther},
	} {
		err := fmt.Errorf("outbox: push: %w", &outbox.HTTPError{Status: tc.status, Code: tc.code})
		if got := outbox.Reason(err); got != tc.want {
			t.Errorf("%d %q: reason %q, want %q", tc.status, tc.code, got, tc.want)
		}
	}
	for _, r := range []string{outbox.ReasonNotSetUp, outbox.ReasonDemo, outbox.ReasonAuth, outbox.ReasonDeviceOwner, outbox.ReasonSeqGap,
		outbox.ReasonEpoch, outbox.ReasonTooLarge, outbox.ReasonBadRequest, outbox.ReasonNotHub, outbox.ReasonBusy, outbox.ReasonHubDown,
		outbox.ReasonUnavailable, outbox.ReasonTLS, outbox.ReasonTLSUnknown, outbox.ReasonTLSPin, outbox.ReasonDNS, outbox.ReasonRefused,
		outbox.ReasonTimeout, outbox.ReasonNetwork, outbox.ReasonOther} {
		oneSentence(t, r)
	}
	if outbox.Explain(outbox.ReasonNone, "en") != "" || outbox.Reason(nil) != outbox.ReasonNone {
		t.Error("a round that worked is explained")
	}
}
