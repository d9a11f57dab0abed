package report_test

import (
	"testing"

	"relais/report"
)

// FuzzParseMonth: whatever is typed after --month, ParseMonth either
// refuses it or returns a real month that prints back to the same month.
func FuzzParseMonth(f *testing.F) {
	for _, s := range []string{"2026-10", " 2026-01 ", "2026-13", "1899-12", "2200-12", "10/2026", "", "2026-1", "２０２６-10"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := report.ParseMonth(s)
		if err != nil {
			return
		}
		if m.Month < 1 || m.Month > 12 || m.Year < 1900 || m.Year > 2200 {
			t.Fatalf("ParseMonth(%q) = %+v", s, m)
		}
		again, err := report.ParseMonth(m.String())
		if err != nil || again != m {
			t.Fatalf("%q → %s → %v, %v", s, m, again, err)
		}
		if m.First().String()[:7] != m.String() || m.Last().Before(m.First()) {
			t.Fatalf("bad range for %s", m)
		}
	})
}
