package model

import (
	"fmt"
	"time"
)

// Date is a calendar date with no time of day or zone (an expected close date,
// a validity date). The zero Date means "not set".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads an ISO 8601 date (YYYY-MM-DD) and rejects impossible ones such as 2026-02-30.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return Date{}, fmt.Errorf("model: %q is not a date of the form YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// MustDate is ParseDate for literals in tests and fixtures.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether the date is unset.
func (d Date) IsZero() bool { return d.Year == 0 && d.Month == 0 && d.Day == 0 }

// String formats the date as YYYY-MM-DD, or "" when unset.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Time returns midnight of the date in loc.
func (d Date) Time(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days later (or earlier for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.Time(time.UTC).AddDate(0, 0, n)) }

// Before reports whether d is strictly earlier than o.
func (d Date) Before(o Date) bool { return d.String() < o.String() }

// valid reports whether the fields form a real calendar date.
func (d Date) valid() bool {
	if d.IsZero() {
		return true
	}
	return DateOf(d.Time(time.UTC)) == d && d.Year >= 1900 && d.Year <= 2200
}

// Money is an amount in minor units (cents) of an ISO 4217 currency. Relais
// never represents money as a float.
type Money struct {
	Minor    int64
	Currency string
}

// minorDigits is the ISO 4217 exponent for the currencies whose exponent is not 2.
var minorDigits = map[string]int{"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "VND": 0, "XOF": 0, "XAF": 0, "HUF": 2, "BHD": 3, "KWD": 3, "TND": 3, "JOD": 3, "OMR": 3}

// CurrencyDigits returns how many decimal digits the currency's minor unit has.
func CurrencyDigits(cur string) int {
	if d, ok := minorDigits[cur]; ok {
		return d
	}
	return 2
}

// validCurrency reports whether cur looks like an ISO 4217 code (three capitals).
func validCurrency(cur string) bool {
	if len(cur) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if cur[i] < 'A' || cur[i] > 'Z' {
			return false
		}
	}
	return true
}

// String renders the amount as "1234.50 EUR": locale-neutral, for logs and the CLI.
// The UI and PDFs format money for the user's language.
func (m Money) String() string {
	digits := CurrencyDigits(m.Currency)
	sign := ""
	v := m.Minor
	if v < 0 {
		sign, v = "-", -v
	}
	if digits == 0 {
		return fmt.Sprintf("%s%d %s", sign, v, m.Currency)
	}
	p := int64(1)
	for i := 0; i < digits; i++ {
		p *= 10
	}
	return fmt.Sprintf("%s%d.%0*d %s", sign, v/p, digits, v%p, m.Currency)
}
