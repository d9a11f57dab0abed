package model_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"relais/model"
)

// fixedNow is the clock of every test store: Friday 27 November 2026, 10:00 UTC.
var fixedNow = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// mustOpen opens a fresh store on a real SQLite file in a temporary folder.
func mustOpen(tb testing.TB) *model.Store {
	tb.Helper()
	s, err := model.Open(context.Background(), filepath.Join(tb.TempDir(), "relais.db"), model.Options{Now: func() time.Time { return fixedNow }})
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func mustCreate(tb testing.TB, s *model.Store, rs ...model.Record) {
	tb.Helper()
	for _, r := range rs {
		if err := s.Create(context.Background(), r); err != nil {
			tb.Fatalf("create %s: %v", r.Kind(), err)
		}
	}
}

func outboxLen(tb testing.TB, s *model.Store) int {
	tb.Helper()
	n, err := s.OutboxCount(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return n
}
