package ui

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"relais/model"
	"relais/model/demo"
	"relais/model/modeltest"
)

// benchApp opens the window on a demo database: the file named by
// RELAIS_BENCH_DB (e.g. one made with `relais demo --scale 70`, about
// 100 000 contacts), else a fresh demo dataset at RELAIS_BENCH_SCALE
// (default 2) generated in a temporary folder.
func benchApp(b *testing.B) (*App, *model.Store) {
	b.Helper()
	var st *model.Store
	if path := os.Getenv("RELAIS_BENCH_DB"); path != "" {
		st = modeltest.OpenAt(b, path, func() time.Time { return modeltest.Now })
	} else {
		st = modeltest.Open(b)
		scale, _ := strconv.Atoi(os.Getenv("RELAIS_BENCH_SCALE"))
		if scale < 1 {
			scale = 2
		}
		if _, err := demo.Generate(context.Background(), st, demo.Options{Scale: scale, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	n, _ := model.Count(context.Background(), st.DB(), model.KindContact, model.Query{})
	b.Logf("%d contacts", n)
	a := newApp(test.NewTempApp(b), st, Options{Location: time.UTC, queue: &uiQueue{}})
	b.Cleanup(func() { a.cancel(); a.settle() })
	a.settle()
	a.win.Resize(fyne.NewSize(1366, 768))
	a.settle()
	return a, st
}

// BenchmarkSearchKeystroke types names into the global search one key at
// a time and measures, per keystroke, the time until its grouped results
// are on screen (the query in the background plus building the list).
func BenchmarkSearchKeystroke(b *testing.B) {
	a, _ := benchApp(b)
	words := []string{"lefèvre", "brasserie", "dupont", "four mixte", "annecy", "rousseau", "q-2026", "hôtel du parc"}
	var all []time.Duration
	worstAt := ""
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, w := range words {
			a.search.clear()
			typed := ""
			for _, r := range w {
				typed += string(r)
				start := time.Now()
				test.Type(a.search.entry, string(r))
				a.settle()
				d := time.Since(start)
				if len(all) == 0 || d > slices.Max(all) {
					worstAt = typed
				}
				all = append(all, d)
				if a.search.latency == 0 && len([]rune(typed)) > 1 {
					b.Fatalf("no results for %q", typed)
				}
			}
		}
	}
	b.StopTimer()
	slices.Sort(all)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(all[len(all)/2]), "ms-p50")
	b.ReportMetric(ms(all[len(all)*95/100]), "ms-p95")
	b.ReportMetric(ms(all[len(all)-1]), "ms-max")
	b.ReportMetric(0, "ns/op")
	b.Logf("%d keystrokes; slowest after typing %q", len(all), worstAt)
}

// BenchmarkContactListScroll scrolls the contact list from the top to the
// bottom a screenful at a time and jumps to random places, measuring how
// long each newly shown page of rows takes to arrive from SQLite (while it
// loads, rows show "…"; the UI goroutine itself never waits for a query).
func BenchmarkContactListScroll(b *testing.B) {
	a, _ := benchApp(b)
	a.show("contacts")
	a.settle()
	s := a.current.(*contactsScreen)
	n := s.pages.Len()
	var worst time.Duration
	steps := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s.pages.Reset(n)
		for _, frac := range []float64{0, 0.25, 0.5, 0.75, 0.999, 0.1, 0.9} {
			row := int(frac * float64(n))
			start := time.Now()
			s.list.ScrollTo(row)
			s.list.Refresh()
			a.settle()
			s.list.Refresh() // the rows now read from the loaded page
			if d := time.Since(start); d > worst {
				worst = d
			}
			steps++
			if _, ok := s.pages.Get(row); !ok {
				b.Fatalf("row %d not loaded after scrolling to it", row)
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(steps)/1000, "ms/jump")
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-worst-jump")
	b.ReportMetric(0, "ns/op")
}

// BenchmarkContactPage measures one page query at the start, the middle
// and the end of the list, by sort order.
func BenchmarkContactPage(b *testing.B) {
	_, st := benchApp(b)
	ctx := context.Background()
	n, _ := model.CountContacts(ctx, st.DB(), model.ListFilter{})
	for _, sort := range []string{"name", "recent"} {
		for _, at := range []struct {
			name string
			off  int
		}{{"start", 0}, {"middle", n / 2}, {"end", n - 100}} {
			b.Run(fmt.Sprintf("%s/%s", sort, at.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					rows, err := model.ContactRows(ctx, st.DB(), model.ListFilter{Sort: sort}, at.off, 100)
					if err != nil || len(rows) == 0 {
						b.Fatal(rows, err)
					}
				}
			})
		}
	}
}

// BenchmarkShowScreen measures the time from choosing a screen in the
// sidebar to its data being on screen (every query runs off the UI goroutine).
func BenchmarkShowScreen(b *testing.B) {
	a, _ := benchApp(b)
	for _, id := range []string{"today", "contacts", "accounts", "pipeline", "tasks", "issues", "team", "trash"} {
		b.Run(id, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				a.show("settings")
				a.settle()
				a.show(id)
				a.settle()
			}
		})
	}
}
