package ical_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/ical"
)

// FuzzImport feeds arbitrary bytes through the whole import path (split,
// go-ical, zone resolution, recurrence checks, the store): it must never
// panic, every skipped item must say why with a line, and what the report
// calls imported must be in the store. Seeds are the interop corpus.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/interop/*.ics")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 16<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte("BEGIN:VEVENT\nUID:a\nDTSTART:20260101T000000Z\nRRULE:FREQ=HOURLY;INTERVAL=1\nEND:VEVENT\n"))
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;TZID=\"a\"b:20260101T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	s := modeltest.Open(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, data []byte) {
		before, _ := model.Count(ctx, s.DB(), model.KindAppointment, model.Query{WithDeleted: true})
		rep, err := ical.Import(ctx, s, bytes.NewReader(data), ical.ImportOptions{Zone: time.UTC})
		if err != nil {
			return // a whole-file failure writes nothing; nothing more to check
		}
		for _, it := range rep.Items {
			if it.Action == ical.Skipped && !strings.HasPrefix(it.Reason, "line ") {
				t.Fatalf("skip without a line: %q", it.Reason)
			}
		}
		after, _ := model.Count(ctx, s.DB(), model.KindAppointment, model.Query{WithDeleted: true})
		created := 0
		for _, it := range rep.Items {
			if it.Action == ical.Imported && it.Component == "VEVENT" {
				created++
			}
		}
		if after-before != created {
			t.Fatalf("store grew by %d appointments, report says %d imported", after-before, created)
		}
	})
}

// tenThousand builds an .ics of n events as exported by a typical calendar:
// zoned times, a VTIMEZONE, a few recurring ones, attendees.
func tenThousand(n int) []byte {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n")
	b.WriteString("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nBEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n")
	start := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		s := start.Add(time.Duration(i) * 97 * time.Minute)
		fmt.Fprintf(&b, "BEGIN:VEVENT\r\nUID:bench-%d@example.com\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:%s\r\nDTEND;TZID=Europe/Paris:%s\r\nSUMMARY:Rendez-vous client n°%d\r\nLOCATION:Lyon\r\nDESCRIPTION:Point sur la commande\\, relance devis\r\nATTENDEE;CN=Client %d:mailto:client%d@example.com\r\n",
			i, s.Format("20060102T150405"), s.Add(time.Hour).Format("20060102T150405"), i, i, i%500)
		if i%50 == 0 {
			b.WriteString("RRULE:FREQ=WEEKLY;COUNT=10\r\n")
		}
		b.WriteString("END:VEVENT\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	return []byte(b.String())
}

// BenchmarkImport10k imports a 10,000-event file into an empty store (target ≤ 1 s).
func BenchmarkImport10k(b *testing.B) {
	data := tenThousand(10000)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := modeltest.OpenAt(b, filepath.Join(b.TempDir(), "bench.db"), time.Now)
		b.StartTimer()
		rep, err := ical.Import(ctx, s, bytes.NewReader(data), ical.ImportOptions{})
		if err != nil || rep.Count(ical.Imported) != 10000 {
			b.Fatalf("import: %v, %d imported", err, rep.Count(ical.Imported))
		}
	}
}
