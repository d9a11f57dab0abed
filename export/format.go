package export

import (
	"strconv"
	"strings"

	"relais/model"
)

// Number formatting for documents and screens, in French or English. Amounts
// stay integers to the last step: only the digits are laid out here.

const (
	nbsp       = "\u00a0" // before a currency symbol or a percent sign in French
	narrowNBSP = "\u202f" // French thousands separator
)

// symbols are the currency signs printed in place of the ISO code.
var symbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF", "CAD": "CA$", "PLN": "zł", "TRY": "₺", "RUB": "₽", "UAH": "₴"}

// prefixSymbol lists the currencies English writes before the amount.
var prefixSymbol = map[string]bool{"EUR": true, "USD": true, "GBP": true, "JPY": true, "CAD": true}

// groupDigits inserts sep every three digits from the right.
func groupDigits(digits, sep string) string {
	if len(digits) <= 3 {
		return digits
	}
	var b strings.Builder
	head := len(digits) % 3
	if head > 0 {
		b.WriteString(digits[:head])
	}
	for i := head; i < len(digits); i += 3 {
		if b.Len() > 0 {
			b.WriteString(sep)
		}
		b.WriteString(digits[i : i+3])
	}
	return b.String()
}

// decimal formats v / 10^scale with exactly scale decimals (or trimmed of
// trailing zeros when trim is set), grouped in thousands, in lang's style.
func decimal(v int64, scale int, trim bool, lang string) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v) // also right for math.MinInt64
	}
	s := strconv.FormatUint(u, 10)
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	whole, frac := s[:len(s)-scale], s[len(s)-scale:]
	if trim {
		frac = strings.TrimRight(frac, "0")
	}
	sep, point := ",", "."
	if lang == "fr" {
		sep, point = narrowNBSP, ","
	}
	out := groupDigits(whole, sep)
	if frac != "" {
		out += point + frac
	}
	if neg {
		out = "−" + out // U+2212, the typographic minus
	}
	return out
}

// FormatMoney renders an amount of minor units for lang ("fr" or "en"):
// "1 234,50 €" in French, "€1,234.50" in English.
func FormatMoney(minor int64, currency, lang string) string {
	num := decimal(minor, model.CurrencyDigits(currency), false, lang)
	sym, ok := symbols[currency]
	if !ok {
		sym = currency
	}
	if lang == "fr" {
		return num + nbsp + sym
	}
	if ok && prefixSymbol[currency] {
		if strings.HasPrefix(num, "−") {
			return "−" + sym + strings.TrimPrefix(num, "−")
		}
		return sym + num
	}
	return num + nbsp + sym
}

// FormatQuantity renders thousandths of a unit without trailing zeros: "2,5" / "2.5".
func FormatQuantity(milli int64, lang string) string { return decimal(milli, 3, true, lang) }

// FormatRate renders basis points as a percentage: "5,5 %" / "5.5%".
func FormatRate(bp int64, lang string) string {
	n := decimal(bp, 2, true, lang)
	if lang == "fr" {
		return n + nbsp + "%"
	}
	return n + "%"
}

var monthNames = map[string][12]string{
	"fr": {"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// FormatDate renders a date in full: "27 novembre 2026" / "27 November 2026";
// "" for an unset date.
func FormatDate(d model.Date, lang string) string {
	if d.IsZero() {
		return ""
	}
	names, ok := monthNames[lang]
	if !ok {
		names = monthNames["en"]
	}
	day := strconv.Itoa(d.Day)
	if lang == "fr" && d.Day == 1 {
		day = "1er"
	}
	return day + " " + names[d.Month-1] + " " + strconv.Itoa(d.Year)
}
