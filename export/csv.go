package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"relais/model"
)

// CSV writes comma-separated values the way a spreadsheet in the user's
// language expects them: in French, semicolons between fields and a decimal
// comma (Excel in a French locale reads "," as the decimal separator and
// would split "1,5" into two cells); in English, commas and a decimal point.
// Every file starts with a UTF-8 byte-order mark, without which Excel reads
// UTF-8 as Windows-1252 and mangles "é". Reports use it for their tables.
type CSV struct {
	out     io.Writer
	w       *csv.Writer
	lang    string
	decimal byte
	started bool
	err     error
}

// NewCSV returns a CSV writer for lang ("fr" or "en"; anything else is
// treated as English).
func NewCSV(w io.Writer, lang string) *CSV {
	c := &CSV{out: w, w: csv.NewWriter(w), lang: "en", decimal: '.'}
	if strings.HasPrefix(strings.ToLower(lang), "fr") {
		c.lang, c.decimal, c.w.Comma = "fr", ',', ';'
	}
	c.w.UseCRLF = true // what Excel writes, and what RFC 4180 asks for
	return c
}

// Comma is the field separator this writer uses.
func (c *CSV) Comma() rune { return c.w.Comma }

// Lang is the language the writer formats for: "fr" or "en".
func (c *CSV) Lang() string { return c.lang }

// Write writes one record. Errors are sticky: once a write fails, later
// writes do nothing and Flush reports the first error. Text a spreadsheet
// would run as a formula is written defused (see DefuseFormula).
func (c *CSV) Write(cells ...string) error {
	if c.err != nil {
		return c.err
	}
	if c.bom(); c.err != nil {
		return c.err
	}
	copied := false // the caller's slice stays as given
	for i, cell := range cells {
		if safe := DefuseFormula(cell); safe != cell {
			if !copied {
				cells, copied = append([]string(nil), cells...), true
			}
			cells[i] = safe
		}
	}
	if err := c.w.Write(cells); err != nil {
		c.err = fmt.Errorf("export: write CSV: %w", err)
	}
	return c.err
}

// DefuseFormula keeps a spreadsheet from running a text cell as a formula:
// Excel and LibreOffice evaluate a CSV cell starting with = + - @ (or a tab
// or carriage return before one), so a contact named
// `=HYPERLINK("http://evil.example","clic")` would become a live link. Such a
// cell gets a leading apostrophe, which spreadsheets read as "this is text"
// (OWASP's advice). Plain numbers such as "-12.50" are left alone. A value
// that already starts with apostrophes before such a character gets one more,
// so RestoreFormula gives back exactly the original text.
func DefuseFormula(s string) string {
	if formulaLike(strings.TrimLeft(s, "'")) {
		return "'" + s
	}
	return s
}

// RestoreFormula undoes DefuseFormula: the importer reads back what Relais
// (or another careful tool) wrote.
func RestoreFormula(s string) string {
	if strings.HasPrefix(s, "'") && formulaLike(strings.TrimLeft(s, "'")) {
		return s[1:]
	}
	return s
}

// formulaLike reports whether a spreadsheet would take s as a formula.
func formulaLike(s string) bool {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return false
	}
	return !plainNumber.MatchString(s)
}

// plainNumber is a signed decimal, with either separator: what the writer
// itself produces for negative amounts.
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)

// Flush writes any buffered data and returns the first error met.
func (c *CSV) Flush() error {
	c.bom() // an empty file still gets its BOM
	c.w.Flush()
	if c.err == nil {
		if err := c.w.Error(); err != nil {
			c.err = fmt.Errorf("export: write CSV: %w", err)
		}
	}
	return c.err
}

// bom writes the byte-order mark before the first record.
func (c *CSV) bom() {
	if c.started || c.err != nil {
		return
	}
	c.started = true
	if _, err := io.WriteString(c.out, "\uFEFF"); err != nil {
		c.err = fmt.Errorf("export: write CSV: %w", err)
	}
}

// Decimal formats v/10^digits with the writer's decimal separator and no
// thousands separator, so that a spreadsheet reads it as a number:
// Decimal(123450, 2) is "1234.50" in English and "1234,50" in French.
func (c *CSV) Decimal(v int64, digits int) string {
	return formatDecimal(v, digits, c.decimal, false)
}

// Money formats an amount in its currency's minor-unit precision, without
// the currency code (put that in its own column).
func (c *CSV) Money(m model.Money) string {
	return c.Decimal(m.Minor, model.CurrencyDigits(m.Currency))
}

// Percent formats basis points as a percentage number: 2000 is "20", 550 is
// "5.5" (or "5,5").
func (c *CSV) Percent(bp int64) string { return formatDecimal(bp, 2, c.decimal, true) }

// Date formats a calendar date as ISO 8601 (YYYY-MM-DD), which spreadsheets
// in every locale read as a date.
func (c *CSV) Date(d model.Date) string { return d.String() }

// Time formats an instant in loc as "YYYY-MM-DD HH:MM", a form spreadsheets
// read as a date and time; "" for the zero time.
func (c *CSV) Time(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

// Bool formats a yes/no value in the writer's language.
func (c *CSV) Bool(b bool) string {
	switch {
	case b && c.lang == "fr":
		return "oui"
	case b:
		return "yes"
	case c.lang == "fr":
		return "non"
	}
	return "no"
}

// formatDecimal renders v/10^digits. trim drops trailing fractional zeros
// (for percentages and quantities, where "20" reads better than "20.00").
func formatDecimal(v int64, digits int, sep byte, trim bool) string {
	neg := v < 0
	u := uint64(v)
	if neg {
		u = uint64(-v)
	}
	s := strconv.FormatUint(u, 10)
	if digits > 0 {
		if len(s) <= digits {
			s = strings.Repeat("0", digits-len(s)+1) + s
		}
		intPart, frac := s[:len(s)-digits], s[len(s)-digits:]
		if trim {
			frac = strings.TrimRight(frac, "0")
		}
		s = intPart
		if frac != "" {
			s += string(sep) + frac
		}
	}
	if neg {
		s = "-" + s
	}
	return s
}
