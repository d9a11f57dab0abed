package ui

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"github.com/jeandeaual/go-locale"

	"relais/assets"
	"relais/model"
)

var loadTranslations = sync.OnceValue(func() error {
	return lang.AddTranslationsFS(assets.Translations, "translations")
})

// useLanguage makes lang.L answer in code ("fr" or "en").
//
// Fyne 2.7's lang package has no setter: it picks the language from the
// environment (LC_ALL, LC_MESSAGES or LANG, then LANGUAGE) each time
// translations are added. So we set LANGUAGE and add an empty translation
// file, which re-runs its matcher. go-locale ignores LANGUAGE when the locale
// is exactly "C" or "POSIX"; those are replaced by C.UTF-8, the same locale
// with UTF-8, so that LANGUAGE is read. Forcing the language this way also
// stops the "Error parsing user locale C" that Fyne logs whenever it re-reads
// a C.UTF-8 environment — except the first one, which Fyne's lang package
// logs from its init function, before any of our code runs.
func useLanguage(code string) {
	if code != "fr" {
		code = "en"
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" {
			continue
		}
		if val == "C" || val == "POSIX" {
			os.Setenv(v, "C.UTF-8")
		}
		break
	}
	os.Setenv("LANGUAGE", code)
	if err := loadTranslations(); err != nil {
		fyne.LogError("ui: load translations", err)
	}
	if err := lang.AddTranslationsForLocale([]byte("{}"), fyne.Locale(code)); err != nil {
		fyne.LogError("ui: switch language", err)
	}
}

// systemLanguage returns "fr" when the user's preferred languages put French
// before English, else "en". It reads the locales with go-locale itself
// rather than lang.SystemLocale, which logs an error for the "C" locale.
func systemLanguage() string {
	locs, _ := locale.GetLocales()
	for _, l := range locs {
		base, _, _ := strings.Cut(strings.ReplaceAll(l, "_", "-"), "-")
		switch strings.ToLower(base) {
		case "fr":
			return "fr"
		case "en":
			return "en"
		}
	}
	return "en"
}

// uiKeys is the set of keys of the English translation files (ui.en.json
// and the other areas' <area>.en.json): validation messages look up a
// field-specific key first and must know whether it exists without making
// go-i18n log a miss.
var uiKeys = sync.OnceValue(func() map[string]bool {
	keys := map[string]bool{}
	files, _ := fs.Glob(assets.Translations, "translations/*.en.json")
	for _, name := range files {
		b, err := fs.ReadFile(assets.Translations, name)
		if err != nil {
			continue
		}
		var m map[string]string
		if json.Unmarshal(b, &m) == nil {
			for k := range m {
				keys[k] = true
			}
		}
	}
	return keys
})

// count is the translation of key for n things, formatted: key+".one"
// when n takes the singular (1, and also 0 in French: « 0 proposition »)
// and that key exists, else key. Count is n as the language writes it.
func (a *App) count(key string, n int) string {
	if (n == 1 || (n == 0 && a.lang == "fr")) && hasText(key+".one") {
		key += ".one"
	}
	return lang.L(key, map[string]any{"Count": a.fmt.Int(int64(n))})
}

// hasText reports whether key is one of our translation keys.
func hasText(key string) bool { return uiKeys()[key] }

// Date display styles offered in Settings; "" follows the language.
const (
	dateStyleLanguage = ""
	dateStyleISO      = "iso" // 2026-11-27
	dateStyleDMY      = "dmy" // 27/11/2026
	dateStyleMDY      = "mdy" // 11/27/2026
)

// formats formats and parses numbers, money and dates for the chosen
// language. Money is never a float: amounts are integer minor units and are
// grouped and punctuated here. (golang.org/x/text's currency formatting takes
// floats and places symbols the same way in every language, so a few lines of
// our own are both exact and right for French and English.)
type formats struct {
	lang      string         // "fr" or "en"
	dateStyle string         // one of the dateStyle constants
	currency  string         // default currency of new records, e.g. "EUR"
	loc       *time.Location // where the user is: times are shown in it
}

func (f formats) fr() bool { return f.lang == "fr" }

var currencySymbols = map[string]string{"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CHF": "CHF", "CAD": "CA$"}

func symbol(cur string) string {
	if s, ok := currencySymbols[cur]; ok {
		return s
	}
	return cur
}

// group writes n with thousands separators: 1 234 567 in French (no-break
// spaces, so an amount never wraps), 1,234,567 in English.
func (f formats) group(n uint64) string {
	s := strconv.FormatUint(n, 10)
	sep := ","
	if f.fr() {
		sep = "\u00a0"
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Int formats a whole number with grouping.
func (f formats) Int(n int64) string {
	if n < 0 {
		return "-" + f.group(uint64(-n))
	}
	return f.group(uint64(n))
}

// Money formats an amount: "1 234,50 €" in French, "€1,234.50" in English.
func (f formats) Money(minor int64, cur string) string {
	neg := minor < 0
	if neg {
		minor = -minor
	}
	digits := model.CurrencyDigits(cur)
	p := uint64(1)
	for i := 0; i < digits; i++ {
		p *= 10
	}
	u := uint64(minor)
	num := f.group(u / p)
	if digits > 0 {
		dec := "."
		if f.fr() {
			dec = ","
		}
		num += dec + fmt.Sprintf("%0*d", digits, u%p)
	}
	return f.placeSymbol(num, cur, neg)
}

// MoneyWhole is Money without the minor unit when it is zero ("25 500 €"
// rather than "25 500,00 €"), for tight places such as pipeline cards;
// an amount with cents keeps them.
func (f formats) MoneyWhole(minor int64, cur string) string {
	p := int64(1)
	for i := 0; i < model.CurrencyDigits(cur); i++ {
		p *= 10
	}
	if minor%p != 0 {
		return f.Money(minor, cur)
	}
	neg := minor < 0
	if neg {
		minor = -minor
	}
	return f.placeSymbol(f.group(uint64(minor/p)), cur, neg)
}

func (f formats) placeSymbol(num, cur string, neg bool) string {
	sign := ""
	if neg {
		sign = "-"
	}
	sym := symbol(cur)
	if f.fr() || len([]rune(sym)) > 1 && sym == cur {
		return sign + num + "\u00a0" + sym
	}
	return sign + sym + num
}

// MoneyShort formats a large amount compactly for totals: "1,2 M€", "€1.2M".
func (f formats) MoneyShort(minor int64, cur string) string {
	p := int64(1)
	for i := 0; i < model.CurrencyDigits(cur); i++ {
		p *= 10
	}
	whole := minor / p
	abs := whole
	if abs < 0 {
		abs = -abs
	}
	var num, suffix string
	switch {
	case abs >= 1_000_000:
		num, suffix = f.oneDecimal(whole, 1_000_000), "M"
	case abs >= 10_000:
		num, suffix = f.Int(whole/1000), "k"
	default:
		return f.Money(whole*p, cur)
	}
	if f.fr() {
		return num + "\u00a0" + suffix + symbol(cur)
	}
	if s := symbol(cur); s != cur {
		return s + num + suffix
	}
	return num + suffix + "\u00a0" + cur
}

func (f formats) oneDecimal(v, unit int64) string {
	tenths := (v*10 + unit/2) / unit
	s := f.Int(tenths / 10)
	if r := tenths % 10; r != 0 {
		if r < 0 {
			r = -r
		}
		dec := "."
		if f.fr() {
			dec = ","
		}
		s += dec + strconv.FormatInt(r, 10)
	}
	return s
}

// Percent formats a whole percentage: "25 %" in French, "25%" in English.
func (f formats) Percent(p int64) string {
	if f.fr() {
		return strconv.FormatInt(p, 10) + "\u00a0%"
	}
	return strconv.FormatInt(p, 10) + "%"
}

// dateLayout is the Go layout of dates as shown and typed.
func (f formats) dateLayout() string {
	switch f.dateStyle {
	case dateStyleISO:
		return "2006-01-02"
	case dateStyleDMY:
		return "02/01/2006"
	case dateStyleMDY:
		return "01/02/2006"
	}
	if f.fr() {
		return "02/01/2006"
	}
	return "2 Jan 2006"
}

// DatePlaceholder shows the expected input form of a date.
func (f formats) DatePlaceholder() string {
	switch f.dateLayout() {
	case "2006-01-02":
		return "2026-12-31"
	case "01/02/2006":
		return "12/31/2026"
	case "2 Jan 2006":
		return "31 Dec 2026"
	}
	return "31/12/2026"
}

// Date formats a calendar date; "" when unset.
func (f formats) Date(d model.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.Time(time.UTC).Format(f.dateLayout())
}

// Day formats the local calendar date of an instant.
func (f formats) Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return f.Date(model.DateOf(t.In(f.loc)))
}

// Clock formats the local time of day of an instant: "14:30", or "2:30 PM" in English.
func (f formats) Clock(t time.Time) string {
	if f.fr() || f.dateStyle == dateStyleISO {
		return t.In(f.loc).Format("15:04")
	}
	return t.In(f.loc).Format("3:04 PM")
}

// DateTime formats an instant as its local date and time.
func (f formats) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return f.Day(t) + " " + f.Clock(t)
}

// ParseDate reads a date typed in the display format, or in ISO form, which
// is always accepted. Empty input is the zero Date.
func (f formats) ParseDate(s string) (model.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return model.Date{}, nil
	}
	for _, layout := range []string{f.dateLayout(), "2006-01-02", "2/1/2006", "2 January 2006"} {
		if f.dateStyle == dateStyleMDY && layout == "2/1/2006" {
			layout = "1/2/2006"
		}
		if t, err := time.Parse(layout, s); err == nil {
			return model.DateOf(t), nil
		}
	}
	return model.Date{}, fmt.Errorf("ui: %q is not a date", s)
}

// ParseMoney reads an amount typed by the user into minor units. It accepts
// both decimal marks, grouping spaces, and a currency symbol or code around
// the number; it refuses more decimals than the currency has.
func (f formats) ParseMoney(s, cur string) (int64, error) {
	clean := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", symbol(cur), "", cur, "", "€", "", "$", "", "£", "").Replace(strings.TrimSpace(s))
	if clean == "" {
		return 0, nil
	}
	neg := strings.HasPrefix(clean, "-")
	clean = strings.TrimPrefix(clean, "-")
	// The last '.' or ',' is the decimal mark when followed by 1–3 digits
	// that do not look like a thousands group in English ("1,234").
	intPart, frac := clean, ""
	if i := strings.LastIndexAny(clean, ".,"); i >= 0 {
		tail := clean[i+1:]
		if !(clean[i] == ',' && !f.fr() && len(tail) == 3) && !(clean[i] == '.' && f.fr() && len(tail) == 3 && strings.Count(clean, ".") > 1) {
			intPart, frac = clean[:i], tail
		}
	}
	intPart = strings.NewReplacer(",", "", ".", "").Replace(intPart)
	digits := model.CurrencyDigits(cur)
	if len(frac) > digits {
		return 0, fmt.Errorf("ui: %q has more than %d decimals", s, digits)
	}
	if intPart == "" {
		intPart = "0"
	}
	for _, part := range []string{intPart, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("ui: %q is not an amount", s)
			}
		}
	}
	whole, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil || whole > 1e13 {
		return 0, fmt.Errorf("ui: %q is not an amount", s)
	}
	v := whole
	for i := 0; i < digits; i++ {
		v *= 10
	}
	if frac != "" {
		frac += strings.Repeat("0", digits-len(frac))
		fv, _ := strconv.ParseInt(frac, 10, 64)
		v += fv
	}
	if neg {
		v = -v
	}
	return v, nil
}

// MoneyInput formats an amount for editing: no symbol, no grouping.
func (f formats) MoneyInput(minor int64, cur string) string {
	if minor == 0 {
		return ""
	}
	s := model.Money{Minor: minor, Currency: cur}.String()
	s = strings.TrimSuffix(s, " "+cur)
	if f.fr() {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
