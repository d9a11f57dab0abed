package ical_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/ical"
)

// TestInteropCorpus imports every file of testdata/interop (calendars from
// collective/icalendar, ical.js, libical, khal, node-ical): each item either
// imports or is skipped with a line number and a reason, nothing panics, and
// importing the same file again changes nothing.
func TestInteropCorpus(t *testing.T) {
	files, err := filepath.Glob("testdata/interop/*.ics")
	if err != nil || len(files) < 60 {
		t.Fatalf("corpus missing: %v (%d files)", err, len(files))
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	ctx := context.Background()
	totalImported, totalSkipped := 0, 0
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s := modeltest.Open(t)
			rep, err := ical.Import(ctx, s, bytes.NewReader(data), ical.ImportOptions{Zone: paris})
			if err != nil {
				t.Fatalf("import failed as a whole: %v", err)
			}
			for _, it := range rep.Items {
				switch it.Action {
				case ical.Imported:
					totalImported++
				case ical.Skipped:
					totalSkipped++
					if !strings.HasPrefix(it.Reason, "line ") {
						t.Errorf("skipped item at line %d has no line in its reason: %q", it.Line, it.Reason)
					}
				default:
					t.Errorf("first import: item at line %d: action %q", it.Line, it.Action)
				}
			}
			n, _ := model.Count(ctx, s.DB(), model.KindAppointment, model.Query{})
			m, _ := model.Count(ctx, s.DB(), model.KindTask, model.Query{})
			if n+m != rep.Count(ical.Imported) {
				t.Errorf("store holds %d appointments and %d tasks, report says %d imported", n, m, rep.Count(ical.Imported))
			}
			again, err := ical.Import(ctx, s, bytes.NewReader(data), ical.ImportOptions{Zone: paris})
			if err != nil {
				t.Fatal(err)
			}
			if got := again.Count(ical.Imported) + again.Count(ical.Updated); got != 0 {
				for _, it := range again.Items {
					if it.Action != ical.Unchanged && it.Action != ical.Skipped {
						t.Logf("line %d %s %q: %s", it.Line, it.UID, it.Summary, it.Action)
					}
				}
				t.Errorf("re-import changed %d items; want none", got)
			}
			if testing.Verbose() {
				for _, it := range rep.Items {
					t.Logf("%5d %-8s %-9s %q %s %v", it.Line, it.Component, it.Action, it.Summary, it.Reason, it.Notes)
				}
			}
		})
	}
	t.Logf("corpus: %d items imported, %d skipped with a reason", totalImported, totalSkipped)
	if totalImported < 100 {
		t.Errorf("only %d items imported from the corpus", totalImported)
	}
}

// Text that holds no calendar at all (a web page served instead of a feed, a
// picture named .ics) is refused with a sentence and saves nothing; an
// empty file or a bare VEVENT is still read.
func TestImportNotACalendar(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name, data string
		wantErr    bool
		imported   int
	}{
		{"web page", "<!DOCTYPE html>\n<html><body>Please log in</body></html>\n", true, 0},
		{"picture", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", true, 0},
		{"empty", "", false, 0},
		{"empty calendar", "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", false, 0},
		{"bare event", "BEGIN:VEVENT\r\nUID:a@b\r\nDTSTART:20261201T090000Z\r\nSUMMARY:x\r\nEND:VEVENT\r\n", false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := modeltest.Open(t)
			rep, err := ical.Import(ctx, s, strings.NewReader(c.data), ical.ImportOptions{})
			if c.wantErr {
				if err == nil || !strings.Contains(err.Error(), "not an iCalendar file") {
					t.Fatalf("err = %v, want a sentence saying it is not a calendar", err)
				}
			} else if err != nil || rep.Count(ical.Imported) != c.imported {
				t.Fatalf("err %v, report %+v", err, rep)
			}
			if n, _ := model.Count(ctx, s.DB(), model.KindAppointment, model.Query{}); n != c.imported {
				t.Fatalf("%d appointments saved, want %d", n, c.imported)
			}
		})
	}
}
