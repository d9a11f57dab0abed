// Package modeltest opens real, throw-away Relais stores for tests in any
// package: a SQLite file in t.TempDir(), a fixed clock, closed at cleanup.
package modeltest

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"relais/model"
)

// Now is the clock of every store Open makes: Friday 27 November 2026, 10:00 UTC.
var Now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// Open returns a new empty store in a temporary folder, with the clock fixed at Now.
func Open(tb testing.TB) *model.Store {
	tb.Helper()
	return OpenAt(tb, filepath.Join(tb.TempDir(), "relais.db"), func() time.Time { return Now })
}

// OpenAt opens (or reopens) the store at path with the given clock.
func OpenAt(tb testing.TB, path string, now func() time.Time) *model.Store {
	tb.Helper()
	s, err := model.Open(context.Background(), path, model.Options{Now: now})
	if err != nil {
		tb.Fatalf("modeltest: open %s: %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Create saves each record in its own transaction, failing the test on error.
func Create(tb testing.TB, s *model.Store, rs ...model.Record) {
	tb.Helper()
	for _, r := range rs {
		if err := s.Create(context.Background(), r); err != nil {
			tb.Fatalf("modeltest: create %s: %v", r.Kind(), err)
		}
	}
}
