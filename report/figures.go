package report

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"sort"
	"time"

	"relais/model"
)

// Figure is an amount or a count for the report's month beside the same
// figure for the month before and for the same month a year earlier.
type Figure struct {
	Value    int64
	Previous int64
	LastYear int64
}

// VsPrevious is the change against the month before, in basis points
// (1250 = +12.5 %); ok is false when there is nothing to compare with.
func (f Figure) VsPrevious() (bp int64, ok bool) { return Change(f.Value, f.Previous) }

// VsLastYear is the change against the same month a year earlier.
func (f Figure) VsLastYear() (bp int64, ok bool) { return Change(f.Value, f.LastYear) }

// Change returns (cur − base) / base in basis points, rounded; ok is false
// when base is not positive, where a percentage means nothing.
func Change(cur, base int64) (int64, bool) {
	if base <= 0 {
		return 0, false
	}
	return int64(math.Round(float64(cur-base) / float64(base) * 10000)), true
}

// Ratio returns part / whole in basis points, rounded; ok is false when
// whole is not positive.
func Ratio(part, whole int64) (int64, bool) {
	if whole <= 0 {
		return 0, false
	}
	return int64(math.Round(float64(part) / float64(whole) * 10000)), true
}

// divRound divides rounding half away from zero; 0 when d is 0. Averages of
// money stay integer minor units.
func divRound(n, d int64) int64 {
	if d == 0 {
		return 0
	}
	if (n < 0) != (d < 0) {
		return -((abs(n) + abs(d)/2) / abs(d))
	}
	return (abs(n) + abs(d)/2) / abs(d)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// weighted is a deal's expected value: amount × probability, rounded to the
// minor unit.
func weighted(amountTimesProb int64) int64 { return divRound(amountTimesProb, 100) }

// query runs a read and calls scan for each row.
func query(ctx context.Context, db model.Querier, what, q string, args []any, scan func(*sql.Rows) error) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("report: %s: %w", what, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("report: %s: %w", what, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: %s: %w", what, err)
	}
	return nil
}

// Options tune a report. The zero value is fine.
type Options struct {
	// Currency the report is in. Orders and deals in other currencies are
	// not converted (Relais keeps no exchange rates): they are left out and
	// counted apart. "" picks the currency most orders of the last two
	// years were made in, or the ui.currency setting when there are none.
	Currency string
	// Now is when the report is made: the date of the pipeline snapshot and
	// of overdue checks. Zero: the store's clock.
	Now time.Time
	// Location is the user's time zone, for instants such as the time a
	// client issue was opened. Nil: UTC.
	Location *time.Location
	// TopN is the length of the top-seller and under-performer lists and
	// of each rep's top customers. 0: 10.
	TopN int
	// TrendMonths is how many months of history the trend shows, 12 to 24.
	// 0: 24.
	TrendMonths int
	// UnderBP is how far below its own average of the three previous months
	// a product's sales must fall to be listed as under-performing, in basis
	// points. 0: 2500 (25 % below).
	UnderBP int64
}

func (o Options) resolve(s *model.Store) Options {
	if o.Now.IsZero() {
		o.Now = s.Now()
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.TopN <= 0 {
		o.TopN = 10
	}
	switch {
	case o.TrendMonths == 0:
		o.TrendMonths = 24
	case o.TrendMonths < 12:
		o.TrendMonths = 12
	case o.TrendMonths > 24:
		o.TrendMonths = 24
	}
	if o.UnderBP <= 0 || o.UnderBP > 10000 {
		o.UnderBP = 2500
	}
	return o
}

// defaultCurrency is the ui.currency setting, else EUR.
func defaultCurrency(ctx context.Context, s *model.Store) (string, error) {
	return s.Setting(ctx, model.SettingCurrency, "EUR")
}

// today is the report's date in the user's zone.
func (o Options) today() model.Date { return model.DateOf(o.Now.In(o.Location)) }

// sortBy sorts xs by key descending, then by name for equal keys, so that
// reports list ties in a stable order.
func sortBy[T any](xs []T, key func(T) int64, name func(T) string) {
	sort.SliceStable(xs, func(i, j int) bool {
		ki, kj := key(xs[i]), key(xs[j])
		if ki != kj {
			return ki > kj
		}
		return name(xs[i]) < name(xs[j])
	})
}
