package report

import (
	"fmt"
	"strings"
	"time"

	"relais/model"
)

// Month is a calendar month, the period of the monthly report.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads a month written YYYY-MM, such as 2026-10.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Year() < 1900 || t.Year() > 2200 {
		return Month{}, fmt.Errorf("report: %q is not a month of the form YYYY-MM, such as 2026-10", s)
	}
	return Month{t.Year(), t.Month()}, nil
}

// MonthOf returns the month of t in t's location.
func MonthOf(t time.Time) Month { return Month{t.Year(), t.Month()} }

// MonthOfDate returns the month a date falls in.
func MonthOfDate(d model.Date) Month { return Month{d.Year, d.Month} }

// String writes the month as YYYY-MM, the form SQL dates start with.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, m.Month) }

// IsZero reports whether the month is unset.
func (m Month) IsZero() bool { return m.Year == 0 && m.Month == 0 }

// Add returns the month n months later (earlier for negative n).
func (m Month) Add(n int) Month {
	i := m.index() + n
	return Month{i / 12, time.Month(i%12 + 1)}
}

// Sub returns how many months m is after o.
func (m Month) Sub(o Month) int { return m.index() - o.index() }

func (m Month) index() int { return m.Year*12 + int(m.Month) - 1 }

// First is the first day of the month.
func (m Month) First() model.Date { return model.Date{Year: m.Year, Month: m.Month, Day: 1} }

// Last is the last day of the month.
func (m Month) Last() model.Date { return m.Add(1).First().AddDays(-1) }

// Start is the instant the month begins in loc.
func (m Month) Start(loc *time.Location) time.Time {
	return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, loc)
}

// dateRange is a span of calendar dates, both ends included, as the
// YYYY-MM-DD strings SQL compares.
type dateRange struct{ from, to string }

func (m Month) dates() dateRange { return dateRange{m.First().String(), m.Last().String()} }

// months returns the dates from the first day of a to the last day of b.
func months(a, b Month) dateRange { return dateRange{a.First().String(), b.Last().String()} }

// instants returns the stored forms of the instants the month spans in loc:
// [from, to), comparable with the store's UTC timestamps.
func (m Month) instants(loc *time.Location) (string, string) {
	return model.FormatTime(m.Start(loc)), model.FormatTime(m.Add(1).Start(loc))
}
