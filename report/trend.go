package report

import (
	"context"
	"database/sql"
	"fmt"
	"math"

	"relais/model"
)

// How the sales forecast is made
//
// The forecast of the next three months adds two parts:
//
//  1. A time series of monthly sales, fitted on the complete months up to
//     the report's month (up to three years of them; a first month the
//     business only began partway through, after its 7th day, is left out).
//     With two years of history or more it is the seasonal naive method with
//     drift: next October is last October times the growth of the last
//     twelve months over the twelve before. With less, Holt's linear trend
//     (double exponential smoothing): level ℓ and trend b are updated each
//     month as ℓ = α·y + (1−α)(ℓ+b), b = β(ℓ−ℓ₋₁) + (1−β)b, starting from
//     the first month and the mean of the first three monthly steps, with α
//     and β chosen on a 0.05 grid to minimise the squared one-month-ahead
//     errors; the forecast h months ahead is ℓ + h·b. Negative forecasts are
//     read as zero. With fewer than four months there is no forecast.
//
//  2. The weighted pipeline: the open deals expected to close in each month
//     (amount × the deal's probability); deals whose expected date has
//     passed count in the first month, deals with no date are left out.
//
// Part of past sales came through deals, so the time series already holds
// some deal business. The share s of sales that won deals made up over the
// last twelve months (won value / sales, at most 100 %) is taken out of the
// time series and replaced by the pipeline:
//
//	forecast = time series × (1 − s) + weighted pipeline
//
// The forecast's own error is shown on past months (a backtest): for each of
// the last six months it had the history for, the time-series method is
// fitted on the months before it alone and forecasts it one month ahead;
// the table compares that with what was sold, and MAPE is the mean absolute
// error as a share of actual sales. The pipeline part cannot be backtested:
// Relais keeps no past snapshots of the pipeline.

// Forecast methods.
const (
	MethodNone          = ""               // too little history
	MethodHolt          = "holt"           // Holt's linear trend
	MethodSeasonalNaive = "seasonal_naive" // last year's month × the year's growth
)

// historyMonths is how far back the forecast looks.
const historyMonths = 36

// Minimum history, in complete months, for each method.
const (
	minHolt     = 4
	minSeasonal = 24
)

// backtestMonths is how many past months the backtest covers.
const backtestMonths = 6

// Trend is monthly sales over time and the forecast of the next months.
type Trend struct {
	Months []MonthPoint // oldest first, ending with the report's month

	Method string
	Alpha  float64 // Holt's smoothing parameters
	Beta   float64
	Growth float64 // the seasonal naive method's growth factor

	DealShareBP int64 // s above, in basis points
	Forecast    []ForecastPoint
	Backtest    []BacktestPoint
}

// MonthPoint is one month of sales.
type MonthPoint struct {
	Month   Month
	Sales   int64
	Orders  int64
	Partial bool // a month not over yet, or the business's first, partial month
}

// ForecastPoint is the forecast of one month.
type ForecastPoint struct {
	Month      Month
	TimeSeries int64 // the time-series method's forecast
	Baseline   int64 // TimeSeries × (1 − deal share)
	Pipeline   int64 // weighted pipeline expected to close in the month
	Deals      int64 // how many deals make up Pipeline
	Total      int64 // Baseline + Pipeline
}

// BacktestPoint compares a past month's one-month-ahead forecast with what was sold.
type BacktestPoint struct {
	Month    Month
	Forecast int64
	Actual   int64
}

// ErrorBP is the forecast's error as a share of actual sales, signed
// (positive: it forecast too much); ok is false when nothing was sold.
func (b BacktestPoint) ErrorBP() (int64, bool) { return Change(b.Forecast, b.Actual) }

// MAPE is the mean absolute percentage error of the backtest, in basis points.
func (t *Trend) MAPE() (int64, bool) {
	var sum float64
	n := 0
	for _, b := range t.Backtest {
		if e, ok := b.ErrorBP(); ok {
			sum += math.Abs(float64(e))
			n++
		}
	}
	if n == 0 {
		return 0, false
	}
	return int64(math.Round(sum / float64(n))), true
}

// Trends computes monthly sales for the months up to through and the
// forecast that follows, as the monthly report shows them.
func Trends(ctx context.Context, s *model.Store, through Month, opts Options) (*Trend, error) {
	o := opts.resolve(s)
	c := &monthly{ctx: ctx, s: s, db: s.DB(), r: &MonthlyReport{Month: through, Currency: o.Currency, AsOf: o.today()}, o: o, m: through}
	c.r.Partial = !through.Last().Before(c.r.AsOf)
	if err := c.team(); err != nil {
		return nil, err
	}
	if err := c.totals(); err != nil {
		return nil, err
	}
	return buildTrend(ctx, c.db, through, c.r.Partial, c.monthSales, c.r.Currency, o)
}

func buildTrend(ctx context.Context, db model.Querier, m Month, partial bool, sales map[Month]CurrencyTotal, cur string, o Options) (*Trend, error) {
	t := &Trend{}
	var earliest sql.NullString
	if err := db.QueryRowContext(ctx, `SELECT MIN(order_date) FROM orders o WHERE `+liveOrder+` AND o.currency = ?`, cur).Scan(&earliest); err != nil {
		return nil, fmt.Errorf("report: first order: %w", err)
	}
	if !earliest.Valid {
		return t, nil
	}
	first, err := model.ParseDate(earliest.String)
	if err != nil {
		return nil, fmt.Errorf("report: first order: %w", err)
	}
	start := MonthOfDate(first)
	firstComplete := start
	if first.Day > 7 {
		firstComplete = start.Add(1)
	}
	shown := m.Add(-(o.TrendMonths - 1))
	if shown.Sub(start) < 0 {
		shown = start
	}
	for mo := shown; mo.Sub(m) <= 0; mo = mo.Add(1) {
		s := sales[mo]
		t.Months = append(t.Months, MonthPoint{Month: mo, Sales: s.Sales, Orders: s.Orders, Partial: mo == m && partial || mo.Sub(firstComplete) < 0})
	}

	// The series the method is fitted on: complete months only.
	fitEnd := m
	if partial {
		fitEnd = m.Add(-1)
	}
	fitStart := firstComplete
	if fitEnd.Add(-(historyMonths - 1)).Sub(fitStart) > 0 {
		fitStart = fitEnd.Add(-(historyMonths - 1))
	}
	var ys []float64
	for mo := fitStart; mo.Sub(fitEnd) <= 0; mo = mo.Add(1) {
		ys = append(ys, float64(sales[mo].Sales))
	}
	n := len(ys)
	var fc func(y []float64, h int) float64
	minFit := 0
	switch {
	case n >= minSeasonal:
		t.Method, minFit = MethodSeasonalNaive, minSeasonal
		t.Growth = seasonalGrowth(ys)
		fc = seasonalNaive
	case n >= minHolt:
		t.Method, minFit = MethodHolt, minHolt
		t.Alpha, t.Beta = fitHolt(ys)
		fc = func(y []float64, h int) float64 {
			a, b := fitHolt(y)
			return holt(y, a, b, h)
		}
	default:
		return t, nil
	}
	for k := min(backtestMonths, n-minFit); k >= 1; k-- {
		i := n - k
		t.Backtest = append(t.Backtest, BacktestPoint{Month: fitStart.Add(i), Forecast: roundMinor(fc(ys[:i], 1)), Actual: int64(ys[i])})
	}

	// The deal share of the last twelve months of sales.
	yearFrom := fitEnd.Add(-11)
	var won, sold int64
	for mo := yearFrom; mo.Sub(fitEnd) <= 0; mo = mo.Add(1) {
		sold += sales[mo].Sales
	}
	if err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_minor), 0) FROM deals WHERE status = 'won' AND deleted_at IS NULL
		AND currency = ? AND closed_on BETWEEN ? AND ?`, cur, yearFrom.First().String(), fitEnd.Last().String()).Scan(&won); err != nil {
		return nil, fmt.Errorf("report: won deals: %w", err)
	}
	if share, ok := Ratio(won, sold); ok {
		t.DealShareBP = min(share, 10000)
	}

	// The weighted pipeline expected in each forecast month.
	next := fitEnd.Add(1)
	pipe := map[Month][2]int64{}
	err = query(ctx, db, "pipeline by expected close", `SELECT CASE WHEN expected_close < ? THEN ? ELSE substr(expected_close, 1, 7) END,
		COUNT(*), SUM(amount_minor * probability) FROM deals
		WHERE status = 'open' AND deleted_at IS NULL AND currency = ? AND expected_close IS NOT NULL AND expected_close <= ?
		GROUP BY 1`, []any{next.First().String(), next.String(), cur, next.Add(2).Last().String()}, func(rows *sql.Rows) error {
		var ym string
		var nd, wp int64
		if err := rows.Scan(&ym, &nd, &wp); err != nil {
			return err
		}
		mo, err := ParseMonth(ym)
		if err != nil {
			return err
		}
		pipe[mo] = [2]int64{nd, weighted(wp)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for h := 1; h <= 3; h++ {
		mo := fitEnd.Add(h)
		ts := roundMinor(fc(ys, h))
		p := ForecastPoint{Month: mo, TimeSeries: ts, Baseline: divRound(ts*(10000-t.DealShareBP), 10000), Deals: pipe[mo][0], Pipeline: pipe[mo][1]}
		p.Total = p.Baseline + p.Pipeline
		t.Forecast = append(t.Forecast, p)
	}
	return t, nil
}

func roundMinor(v float64) int64 {
	if v < 0 || math.IsNaN(v) {
		return 0
	}
	return int64(math.Round(v))
}

// holtRun runs Holt's linear trend over y with smoothing a (level) and b
// (trend) and returns the final level and trend and the sum of squared
// one-step-ahead errors.
func holtRun(y []float64, a, b float64) (level, trend, sse float64) {
	level = y[0]
	k := min(3, len(y)-1)
	if k > 0 {
		trend = (y[k] - y[0]) / float64(k)
	}
	for _, v := range y[1:] {
		e := v - (level + trend)
		sse += e * e
		prev := level
		level = a*v + (1-a)*(level+trend)
		trend = b*(level-prev) + (1-b)*trend
	}
	return level, trend, sse
}

// holt forecasts h steps after the last value of y.
func holt(y []float64, a, b float64, h int) float64 {
	level, trend, _ := holtRun(y, a, b)
	return level + float64(h)*trend
}

// fitHolt chooses α and β on a 0.05 grid (0.05 … 0.95) minimising the
// squared one-step-ahead errors; ties go to the smaller values, which smooth more.
func fitHolt(y []float64) (alpha, beta float64) {
	best := math.Inf(1)
	for i := 1; i <= 19; i++ {
		for j := 1; j <= 19; j++ {
			a, b := float64(i)/20, float64(j)/20
			// A relative margin keeps float noise from picking larger values.
			if _, _, sse := holtRun(y, a, b); math.IsInf(best, 1) || sse < best*(1-1e-9)-1e-6 {
				best, alpha, beta = sse, a, b
			}
		}
	}
	return alpha, beta
}

// seasonalGrowth is the last twelve months' sales over the twelve before (1 when
// those were nothing).
func seasonalGrowth(y []float64) float64 {
	n := len(y)
	var last, before float64
	for i := n - 12; i < n; i++ {
		last += y[i]
		before += y[i-12]
	}
	if before <= 0 {
		return 1
	}
	return last / before
}

// seasonalNaive forecasts h months (1…12) after y: the same month a year
// earlier times the growth of the last twelve months.
func seasonalNaive(y []float64, h int) float64 {
	return y[len(y)-12+(h-1)%12] * seasonalGrowth(y)
}
