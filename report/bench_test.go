package report_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"relais/export"
	"relais/model"
	"relais/model/demo"
	"relais/model/modeltest"
	"relais/report"
)

// demoStore returns the path of the demo database at --scale 70 (about 1.5
// million records), the volume the report benchmarks are measured on. It
// takes minutes to build, so it is built once, with the modeltest clock so
// that its months are always the same, and kept in the system temporary
// folder keyed by a hash of the demo generator. Opening it applies any
// newer migration, so a new index does not mean building it again.
func demoStore(b *testing.B) string {
	b.Helper()
	h := sha256.New()
	gen, _ := filepath.Glob("../model/demo/*.go")
	for _, f := range gen {
		data, _ := os.ReadFile(f)
		h.Write(data)
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("relais-bench-demo70-%x.db", h.Sum(nil)[:6]))
	if _, err := os.Stat(path); err == nil {
		return path
	}
	b.Logf("building %s (once, a few minutes)…", path)
	tmp := path + ".building"
	os.Remove(tmp)
	s, err := model.Open(context.Background(), tmp, model.Options{Now: func() time.Time { return modeltest.Now }})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := demo.Generate(context.Background(), s, demo.Options{Scale: 70, Seed: 1}); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		b.Fatal(err)
	}
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")
	return path
}

// BenchmarkMonthly computes the monthly report (every figure, the trend and
// the forecast) for October 2026 over the demo data at --scale 70. Target
// (issue 9): ≤ 500 ms.
func BenchmarkMonthly(b *testing.B) {
	s := modeltest.OpenAt(b, demoStore(b), func() time.Time { return modeltest.Now })
	ctx := context.Background()
	m := report.Month{Year: 2026, Month: time.October}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := report.Monthly(ctx, s, m, report.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if r.Sales.Value == 0 || len(r.Reps) == 0 {
			b.Fatalf("empty report: %+v", r.Sales)
		}
	}
}

// BenchmarkMonthlyPDF70 renders the monthly report PDF of the scale-70
// demo data (figures computed once, before timing). Target (issue 9): ≤ 300 ms.
func BenchmarkMonthlyPDF70(b *testing.B) {
	s := modeltest.OpenAt(b, demoStore(b), func() time.Time { return modeltest.Now })
	r, err := report.Monthly(context.Background(), s, report.Month{Year: 2026, Month: time.October}, report.Options{})
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := export.WriteMonthlyPDF(&buf, export.Letterhead{Name: "Relais demo"}, r, "fr"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KiB")
}

// BenchmarkEvent computes the trade-show report of the demo's biggest show
// at scale 70 (about 2,000 leads).
func BenchmarkEvent(b *testing.B) {
	s := modeltest.OpenAt(b, demoStore(b), func() time.Time { return modeltest.Now })
	ctx := context.Background()
	ev, err := report.FindEvent(ctx, s.DB(), "Equip'Hôtel Paris")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r, err := report.Event(ctx, s, ev.ID, report.Options{})
		if err != nil || len(r.Leads) == 0 {
			b.Fatal(err)
		}
	}
}
