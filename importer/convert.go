package importer

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"

	"relais/model"
)

// Date orders for ambiguous dates such as 03/04/2026.
const (
	DMY = "dmy" // 03/04/2026 is 3 April (France, most of the world)
	MDY = "mdy" // 03/04/2026 is 4 March (United States)
)

// parser turns cell text into stored values, following the user's choices.
type parser struct {
	decSep    byte   // '.' or ','; the separator a lone "1,234" is read with
	dateOrder string // DMY or MDY
	loc       *time.Location
}

// cleanNumber strips what people put around numbers: spaces (also the
// no-break spaces French formatting uses as thousands separators),
// currency symbols and codes, and a trailing percent sign.
func cleanNumber(s string) (num, symbol string) {
	var b strings.Builder
	var sym strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9', r == '.', r == ',', r == '-', r == '+':
			b.WriteRune(r)
		case r == '\'': // Swiss thousands separator
		case unicode.IsSpace(r), r == '\u00A0', r == '\u202F', r == '%':
		case r == '(' || r == ')':
			// Accounting negatives: (12.50)
			if r == '(' {
				b.WriteRune('-')
			}
		default:
			sym.WriteRune(r)
		}
	}
	return b.String(), strings.TrimSpace(sym.String())
}

var errNotNumber = newMsg("not_number")

// decimal parses a decimal number into an integer scaled by 10^digits,
// rounding half away from zero: decimal("1 234,5", 2) is 123450.
func (p *parser) decimal(s string, digits int) (int64, string, error) {
	num, sym := cleanNumber(s)
	if num == "" || strings.Count(num, "-") > 1 {
		return 0, sym, errNotNumber
	}
	neg := strings.HasPrefix(num, "-")
	num = strings.TrimLeft(num, "+-")
	// Decide which of . and , is the decimal separator.
	lastDot, lastComma := strings.LastIndexByte(num, '.'), strings.LastIndexByte(num, ',')
	var sep byte
	switch {
	case lastDot >= 0 && lastComma >= 0:
		sep = '.'
		if lastComma > lastDot {
			sep = ','
		}
	case lastDot >= 0 || lastComma >= 0:
		only := byte('.')
		if lastComma >= 0 {
			only = ','
		}
		i := strings.LastIndexByte(num, only)
		// "1,234,567" or a lone separator before exactly three digits in a
		// locale that uses the other one is a thousands separator.
		if strings.Count(num, string(only)) > 1 || (only != p.decSep && len(num)-i-1 == 3) {
			sep = 0
		} else {
			sep = only
		}
	}
	intPart, frac := num, ""
	if sep != 0 {
		i := strings.LastIndexByte(num, sep)
		intPart, frac = num[:i], num[i+1:]
	}
	intPart = strings.NewReplacer(".", "", ",", "").Replace(intPart)
	if strings.ContainsAny(frac, ".,") || (intPart == "" && frac == "") {
		return 0, sym, errNotNumber
	}
	if intPart == "" {
		intPart = "0"
	}
	// Round to digits.
	roundUp := false
	if len(frac) > digits {
		roundUp = frac[digits] >= '5'
		frac = frac[:digits]
	}
	frac += strings.Repeat("0", digits-len(frac))
	v, err := strconv.ParseInt(intPart+frac, 10, 64)
	if err != nil {
		return 0, sym, newMsg("too_large")
	}
	if roundUp {
		v++
	}
	if neg {
		v = -v
	}
	return v, sym, nil
}

// integer parses a whole number; "12.0" is accepted, "12.5" is not.
func (p *parser) integer(s string) (int64, error) {
	v, _, err := p.decimal(s, 3)
	if err != nil {
		return 0, err
	}
	if v%1000 != 0 {
		return 0, newMsg("not_whole")
	}
	return v / 1000, nil
}

// currencySymbols maps symbols written next to amounts to ISO codes.
var currencySymbols = map[string]string{"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "CHF": "CHF", "FR": "CHF", "¥": "JPY", "C$": "CAD", "CA$": "CAD", "A$": "AUD", "KR": "SEK", "ZŁ": "PLN"}

// currencyOf returns the ISO code written in an amount ("12 €", "EUR 12"), or "".
func currencyOf(sym string) string {
	s := strings.ToUpper(strings.TrimSpace(sym))
	if c, ok := currencySymbols[s]; ok {
		return c
	}
	if len(s) == 3 && strings.IndexFunc(s, func(r rune) bool { return r < 'A' || r > 'Z' }) < 0 {
		return s
	}
	return ""
}

// percent parses a rate into basis points: "20", "20 %", "5,5" and the
// fraction spreadsheets store for a cell formatted as percent ("0.2").
func (p *parser) percent(s string) (int64, error) {
	bp, _, err := p.decimal(s, 2)
	if err != nil {
		return 0, err
	}
	if !strings.Contains(s, "%") && bp > 0 && bp < 100 && strings.ContainsAny(s, ".,") {
		bp *= 100 // 0.2 means 20 %
	}
	return bp, nil
}

// boolean reads yes/no in French and English, and the usual spellings of both.
func boolean(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "yes", "y", "true", "oui", "o", "vrai", "x", "✓", "on", "opted in", "subscribed":
		return true, nil
	case "0", "no", "n", "false", "non", "faux", "off", "-", "opted out", "unsubscribed":
		return false, nil
	}
	return false, newMsg("not_bool")
}

// excelSerial reads a spreadsheet date serial number (days since 1899-12-30).
func excelSerial(s string) (time.Time, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || f < 1 || f > 2958465 || math.IsNaN(f) {
		return time.Time{}, false
	}
	t, err := excelize.ExcelDateToTime(f, false)
	return t, err == nil
}

var dateLayouts = []string{"2006-01-02", "2006/01/02", "20060102", "2 January 2006", "2 Jan 2006", "January 2, 2006", "Jan 2, 2006", "02-Jan-2006"}

// date reads a calendar date: ISO, day/month/year or month/day/year by the
// chosen order (with /, . or - between), spreadsheet serials, and a date
// and time (whose time is dropped).
func (p *parser) date(s string) (model.Date, error) {
	s = strings.TrimSpace(s)
	if t, ok := excelSerial(s); ok && !strings.ContainsAny(s, "/-") {
		return model.DateOf(t), nil
	}
	if d, ok := p.numericDate(s); ok {
		return d, nil
	}
	if t, err := p.instant(s); err == nil {
		return model.DateOf(t.In(p.loc)), nil
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return model.DateOf(t), nil
		}
	}
	if p.dateOrder == MDY {
		return model.Date{}, newMsg("not_date_mdy")
	}
	return model.Date{}, newMsg("not_date_dmy")
}

// numericDate reads "27/11/2026", "27.11.26", "2026-11-27" and friends.
func (p *parser) numericDate(s string) (model.Date, bool) {
	datePart, _, _ := strings.Cut(s, " ")
	datePart, _, _ = strings.Cut(datePart, "T")
	parts := strings.FieldsFunc(datePart, func(r rune) bool { return r == '/' || r == '.' || r == '-' })
	if len(parts) != 3 {
		return model.Date{}, false
	}
	n := make([]int, 3)
	for i, part := range parts {
		v, err := strconv.Atoi(part)
		if err != nil {
			return model.Date{}, false
		}
		n[i] = v
	}
	var y, m, d int
	switch {
	case len(parts[0]) == 4:
		y, m, d = n[0], n[1], n[2]
	case p.dateOrder == MDY:
		m, d, y = n[0], n[1], n[2]
	default:
		d, m, y = n[0], n[1], n[2]
	}
	if len(parts[2]) == 2 && len(parts[0]) != 4 {
		y += 2000
		if y > time.Now().Year()+20 {
			y -= 100
		}
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d || y < 1900 || y > 2200 {
		return model.Date{}, false
	}
	return model.DateOf(t), true
}

// instant reads a date and time: RFC 3339, "2026-11-27 14:30[:05]",
// "27/11/2026 14:30", a spreadsheet serial, or a bare date (midnight).
// Times without a zone are in the user's location.
func (p *parser) instant(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, ok := excelSerial(s); ok && !strings.ContainsAny(s, "/-") {
		wall := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, p.loc)
		return wall.UTC(), nil
	}
	for _, l := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05.999999999Z07:00"} {
		if t, err := time.ParseInLocation(l, s, p.loc); err == nil {
			return t.UTC(), nil
		}
	}
	datePart, timePart, hasTime := strings.Cut(s, " ")
	if d, ok := p.numericDate(datePart); ok {
		h, m, sec := 0, 0, 0
		if hasTime {
			t, err := time.Parse("15:04:05", timePart)
			if err != nil {
				t, err = time.Parse("15:04", timePart)
			}
			if err != nil {
				return time.Time{}, newMsg("not_datetime")
			}
			h, m, sec = t.Hour(), t.Minute(), t.Second()
		}
		return time.Date(d.Year, d.Month, d.Day, h, m, sec, 0, p.loc).UTC(), nil
	}
	return time.Time{}, newMsg("not_datetime")
}

// splitList splits a cell holding several values: e-mails and tags on
// commas, semicolons, pipes and line breaks; phones not on commas, which
// some numbers contain.
func splitList(field, s string) []string {
	seps := ",;|\n\r"
	if field == "phones" {
		seps = ";|\n\r"
	}
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) })
	out := parts[:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// digitsOnly keeps the digits of a phone number; the last nine identify a
// number whatever prefix it was written with (+33 6…, 06…, 0033 6…).

// enumSynonyms maps what people write to the stored value of fields with a
// fixed set of values, keyed by normalised text (see normHeader).
var enumSynonyms = map[string]map[string]string{
	"availability": {"instock": model.InStock, "enstock": model.InStock, "available": model.InStock, "disponible": model.InStock,
		"low": model.LowStock, "lowstock": model.LowStock, "stockfaible": model.LowStock, "faible": model.LowStock,
		"backorder": model.Backorder, "onbackorder": model.Backorder, "outofstock": model.Backorder, "rupture": model.Backorder, "enrupture": model.Backorder, "surcommande": model.Backorder,
		"discontinued": model.Discontinued, "arrete": model.Discontinued, "abandonne": model.Discontinued, "finrie": model.Discontinued},
	"deal.status": {"open": model.OutcomeOpen, "ouvert": model.OutcomeOpen, "ouverte": model.OutcomeOpen, "encours": model.OutcomeOpen, "inprogress": model.OutcomeOpen,
		"won": model.OutcomeWon, "gagne": model.OutcomeWon, "gagnee": model.OutcomeWon, "closedwon": model.OutcomeWon,
		"lost": model.OutcomeLost, "perdu": model.OutcomeLost, "perdue": model.OutcomeLost, "closedlost": model.OutcomeLost},
	"order.status": {"open": model.OrderOpen, "ouverte": model.OrderOpen, "ouvert": model.OrderOpen, "encours": model.OrderOpen, "new": model.OrderOpen, "nouvelle": model.OrderOpen,
		"shipped": model.OrderShipped, "expediee": model.OrderShipped, "expedie": model.OrderShipped,
		"delivered": model.OrderDelivered, "livree": model.OrderDelivered, "livre": model.OrderDelivered,
		"invoiced": model.OrderInvoiced, "facturee": model.OrderInvoiced, "facture": model.OrderInvoiced,
		"cancelled": model.OrderCancelled, "canceled": model.OrderCancelled, "annulee": model.OrderCancelled, "annule": model.OrderCancelled},
	"language": {"fr": "fr", "francais": "fr", "french": "fr", "frfr": "fr", "frbe": "fr", "frch": "fr", "frca": "fr",
		"en": "en", "anglais": "en", "english": "en", "enus": "en", "engb": "en"},
}

// countryCodes maps the country names seen most in French and English files
// to ISO 3166-1 alpha-2 codes; two-letter codes pass through.
var countryCodes = map[string]string{"france": "FR", "belgique": "BE", "belgium": "BE", "suisse": "CH", "switzerland": "CH",
	"luxembourg": "LU", "allemagne": "DE", "germany": "DE", "deutschland": "DE", "espagne": "ES", "spain": "ES", "espana": "ES",
	"italie": "IT", "italy": "IT", "italia": "IT", "paysbas": "NL", "netherlands": "NL", "holland": "NL", "portugal": "PT",
	"royaumeuni": "GB", "unitedkingdom": "GB", "uk": "GB", "greatbritain": "GB", "angleterre": "GB", "england": "GB",
	"irlande": "IE", "ireland": "IE", "etatsunis": "US", "unitedstates": "US", "usa": "US", "unitedstatesofamerica": "US",
	"canada": "CA", "autriche": "AT", "austria": "AT", "pologne": "PL", "poland": "PL", "suede": "SE", "sweden": "SE",
	"danemark": "DK", "denmark": "DK", "norvege": "NO", "norway": "NO", "finlande": "FI", "finland": "FI", "monaco": "MC",
	"maroc": "MA", "morocco": "MA", "tunisie": "TN", "tunisia": "TN", "algerie": "DZ", "algeria": "DZ", "japon": "JP", "japan": "JP",
	"chine": "CN", "china": "CN", "grece": "GR", "greece": "GR", "turquie": "TR", "turkey": "TR", "tchequie": "CZ", "czechia": "CZ",
	"republiquetcheque": "CZ", "czechrepublic": "CZ", "roumanie": "RO", "romania": "RO", "hongrie": "HU", "hungary": "HU"}

// normalizeEnum turns a human spelling into the stored value of a field
// with fixed values; unknown spellings pass through (lower-cased, spaces as
// underscores) for validation to name.
func normalizeEnum(k model.Kind, field, v string) string {
	key := normHeader(v)
	for _, name := range []string{string(k) + "." + field, field} {
		if m, ok := enumSynonyms[name]; ok {
			if s, ok := m[key]; ok {
				return s
			}
		}
	}
	switch field {
	case "country":
		if len(strings.TrimSpace(v)) == 2 {
			return strings.ToUpper(strings.TrimSpace(v))
		}
		if c, ok := countryCodes[key]; ok {
			return c
		}
		return v
	case "grade", "currency", "target_currency":
		return strings.ToUpper(strings.TrimSpace(v))
	case "status", "availability", "role", "type", "outcome", "department":
		return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(v)), " ", "_")
	}
	return v
}

// enumFields are fields normalizeEnum applies to.
var enumFields = map[string]bool{"availability": true, "status": true, "language": true, "country": true, "grade": true,
	"currency": true, "target_currency": true, "role": true, "type": true, "outcome": true, "department": true}
