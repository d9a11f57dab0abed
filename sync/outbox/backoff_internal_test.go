package outbox

import (
	"net/http"
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	top := func(n int64) int64 { return n - 1 } // the largest delay the jitter can pick
	zero := func(int64) int64 { return 0 }
	for _, tc := range []struct {
		n          int
		retryAfter time.Duration
		rnd        func(int64) int64
		want       time.Duration
	}{
		{1, 0, top, 2 * time.Second},
		{3, 0, top, 8 * time.Second},
		{12, 0, top, 5 * time.Minute}, // capped
		{100, 0, top, 5 * time.Minute},
		{3, 0, zero, 0},                              // full jitter reaches down to 0
		{1, 30 * time.Second, top, 30 * time.Second}, // Retry-After wins over a shorter wait
		{12, time.Second, top, 5 * time.Minute},
	} {
		if got := backoff(tc.n, tc.retryAfter, tc.rnd); got != tc.want {
			t.Errorf("backoff(%d, %v) = %v, want %v", tc.n, tc.retryAfter, got, tc.want)
		}
	}
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{"7": 7 * time.Second, now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second, "soon": 0, "": 0, "-3": 0} {
		if got := parseRetryAfter(v, now); got != want {
			t.Errorf("Retry-After %q = %v, want %v", v, got, want)
		}
	}
	if !Temporary(&HTTPError{Status: 429}) || !Temporary(&HTTPError{Status: 503}) || Temporary(&HTTPError{Status: 400}) || Temporary(ErrAuth) {
		t.Error("Temporary misclassifies")
	}
}
