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
