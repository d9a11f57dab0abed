package report

import (
	"math"
	"testing"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestHolt checks Holt's method against a run worked by hand on y = 10, 14,
// 12 with α = β = 0.5: start ℓ = 10, b = (12 − 10) / 2 = 1. Month 2: forecast
// 11, error 3; ℓ = 0.5·14 + 0.5·11 = 12.5, b = 0.5·2.5 + 0.5·1 = 1.75. Month 3:
// forecast 14.25, error −2.25; ℓ = 0.5·12 + 0.5·14.25 = 13.125, b = 0.5·0.625
// + 0.5·1.75 = 1.1875. SSE = 9 + 5.0625; two months ahead: 13.125 + 2·1.1875 = 15.5.
func TestHolt(t *testing.T) {
	l, b, sse := holtRun([]float64{10, 14, 12}, 0.5, 0.5)
	if !near(l, 13.125) || !near(b, 1.1875) || !near(sse, 14.0625) {
		t.Errorf("holtRun = %v, %v, %v", l, b, sse)
	}
	if f := holt([]float64{10, 14, 12}, 0.5, 0.5, 2); !near(f, 15.5) {
		t.Errorf("forecast = %v, want 15.5", f)
	}
	// A straight line is fitted exactly by any α and β: the grid keeps the
	// first (smoothest) pair and the forecast continues the line.
	line := []float64{10, 12, 14, 16, 18}
	a, bb := fitHolt(line)
	if a != 0.05 || bb != 0.05 {
		t.Errorf("fitHolt(line) = %v, %v", a, bb)
	}
	if f := holt(line, a, bb, 3); !near(f, 24) {
		t.Errorf("line forecast = %v, want 24", f)
	}
	// On a noisy series the chosen pair beats its neighbours on the grid.
	y := []float64{100, 130, 90, 160, 120, 170, 150, 200, 160, 210}
	a, bb = fitHolt(y)
	_, _, best := holtRun(y, a, bb)
	for _, d := range [][2]float64{{0.05, 0}, {-0.05, 0}, {0, 0.05}, {0, -0.05}} {
		na, nb := a+d[0], bb+d[1]
		if na < 0.05 || na > 0.95 || nb < 0.05 || nb > 0.95 {
			continue
		}
		if _, _, sse := holtRun(y, na, nb); sse < best {
			t.Errorf("α=%v β=%v (SSE %v) beats the chosen α=%v β=%v (SSE %v)", na, nb, sse, a, bb, best)
		}
	}
}

// TestSeasonalNaiveMethod: two years whose second is 1.5 times the first;
// next month is month 1 of the second year × 1.5.
func TestSeasonalNaiveMethod(t *testing.T) {
	var y []float64
	for i := 1; i <= 12; i++ {
		y = append(y, float64(10*i))
	}
	for i := 1; i <= 12; i++ {
		y = append(y, float64(15*i))
	}
	if g := seasonalGrowth(y); !near(g, 1.5) {
		t.Errorf("growth = %v", g)
	}
	if f := seasonalNaive(y, 1); !near(f, 22.5) {
		t.Errorf("h=1: %v, want 15 × 1.5", f)
	}
	if f := seasonalNaive(y, 3); !near(f, 67.5) {
		t.Errorf("h=3: %v, want 45 × 1.5", f)
	}
}
