package export

import (
	"strconv"
	"strings"

	"relais/model"
	"relais/report"
)

// Formatting shared by the report documents (monthly, trade show, agenda):
// months, percentages and compact amounts in French or English.

var shortMonths = map[string][12]string{
	"fr": {"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	"en": {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
}

func docLang(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "fr") {
		return "fr"
	}
	return "en"
}

// FormatMonth renders a month in full: "octobre 2026" / "October 2026".
func FormatMonth(m report.Month, lang string) string {
	return monthNames[docLang(lang)][m.Month-1] + " " + strconv.Itoa(m.Year)
}

// formatShortMonth renders "oct. 2026" / "Oct 2026", or without the year.
func formatShortMonth(m report.Month, lang string, year bool) string {
	s := shortMonths[docLang(lang)][m.Month-1]
	if year {
		s += " " + strconv.Itoa(m.Year)
	}
	return s
}

// formatPct renders basis points as a percentage with one decimal at most:
// 1250 → "12,5 %" / "12.5%"; signed adds "+" to a rise (a fall always has
// its "−").
func formatPct(bp int64, lang string, signed bool) string {
	// Round to tenths of a percent (10 bp), half away from zero.
	r := (abs64(bp) + 5) / 10 * 10
	if bp < 0 {
		r = -r
	}
	s := FormatRate(r, docLang(lang))
	if signed && r > 0 {
		s = "+" + s
	}
	return s
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// formatChange is a figure's change, or "—" with nothing to compare with.
func formatChange(bp int64, ok bool, lang string) string {
	if !ok {
		return "—"
	}
	return formatPct(bp, lang, true)
}

// formatShortMoney renders an amount compactly for chart axes and tiles:
// "1,2 M€" / "€1.2M", "350 k€" / "€350k"; small amounts in full units.
func formatShortMoney(minor int64, currency, lang string) string {
	lang = docLang(lang)
	unit := int64(1)
	for i := 0; i < model.CurrencyDigits(currency); i++ {
		unit *= 10
	}
	whole := float64(minor) / float64(unit)
	a := whole
	if a < 0 {
		a = -a
	}
	var scaled float64
	var suffix string
	switch {
	case a >= 1e9:
		scaled, suffix = whole/1e9, "G"
	case a >= 1e6:
		scaled, suffix = whole/1e6, "M"
	case a >= 1e4:
		scaled, suffix = whole/1e3, "k"
	default:
		scaled, suffix = whole, ""
	}
	// One decimal below 10, none above: "1,2 M€", "35 k€".
	tenths := int64(scaled*10 + 0.5)
	if scaled < 0 {
		tenths = int64(scaled*10 - 0.5)
	}
	num := decimal(tenths, 1, true, lang)
	if abs64(tenths) >= 100 || suffix == "" {
		num = decimal((tenths+5*sign(tenths))/10, 0, true, lang)
	}
	sym, ok := symbols[currency]
	if !ok {
		sym = currency
	}
	if lang == "fr" {
		return num + nbsp + suffix + sym
	}
	if ok && prefixSymbol[currency] {
		if strings.HasPrefix(num, "−") {
			return "−" + sym + strings.TrimPrefix(num, "−") + suffix
		}
		return sym + num + suffix
	}
	return num + suffix + nbsp + sym
}

func sign(v int64) int64 {
	if v < 0 {
		return -1
	}
	return 1
}

// formatCount groups a whole number: "12 345" / "12,345".
func formatCount(n int64, lang string) string { return decimal(n, 0, true, docLang(lang)) }

// niceScale returns a round step and the top of an axis that shows values
// up to max in about ticks steps: steps are 1, 2 or 5 times a power of ten.
func niceScale(max float64, ticks int) (step, top float64) {
	if max <= 0 {
		return 1, float64(ticks)
	}
	raw := max / float64(ticks)
	p := 1.0
	for p*10 <= raw {
		p *= 10
	}
	for p > raw {
		p /= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	top = step * float64(int64(max/step+0.999999))
	if top < max {
		top += step
	}
	return step, top
}
