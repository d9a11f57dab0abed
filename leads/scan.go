package leads

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"strings"

	"relais/importer"
)

// Card is what a badge, a business card or a typed form says about a
// person: the identity part of a lead.
type Card struct {
	FirstName string
	LastName  string
	Company   string
	Title     string
	Emails    []string
	Phones    []string
	Notes     string // NOTE / MEMO of the card
	Language  string
	Photo     string // data: URI, "" when none
	Format    string // where it came from: FormatVCard, FormatMECARD, FormatBizcard, FormatEmail or "" (typed)
}

// Scan formats ParseScan recognises.
const (
	FormatVCard   = "vcard"
	FormatMECARD  = "mecard"
	FormatBizcard = "bizcard"
	FormatEmail   = "email"
)

// FullName joins first and last name.
func (c Card) FullName() string { return strings.TrimSpace(c.FirstName + " " + c.LastName) }

// Empty reports whether the card names nobody and gives no way to reach them.
func (c Card) Empty() bool {
	return strings.TrimSpace(c.FirstName+c.LastName+c.Company) == "" && len(c.Emails) == 0 && len(c.Phones) == 0
}

// maxScan bounds a scan: a QR code holds at most about 3 KB, a vCard with a
// photo a few tens; anything bigger was pasted by mistake.
const maxScan = 256 << 10

// ErrUnrecognised is returned for scan text that is no known card format.
var ErrUnrecognised = errors.New("leads: the scanned text is not a vCard, MECARD or BIZCARD, nor an e-mail address")

// Complete reports whether text, as typed so far by a keyboard-wedge
// scanner, holds a whole card: a vCard up to END:VCARD, a MECARD or BIZCARD
// up to its closing ";;". The capture screen parses once it is.
func Complete(text string) bool {
	t := strings.TrimSpace(text)
	u := strings.ToUpper(t)
	switch {
	case strings.HasPrefix(u, "BEGIN:VCARD"):
		return strings.HasSuffix(u, "END:VCARD")
	case strings.HasPrefix(u, "MECARD:"), strings.HasPrefix(u, "BIZCARD:"):
		return strings.HasSuffix(t, ";;") && !strings.HasSuffix(t, `\;;`)
	}
	return false
}

// ParseScan reads what a badge scanner typed: a vCard (2.1, 3.0 or 4.0, read
// by the importer's vCard reader, the one file imports use), a MECARD or a
// BIZCARD (the formats of most badge and business-card QR codes), or a bare
// e-mail address. Line endings may be CR, LF or CRLF: scanners differ.
func ParseScan(text string) (Card, error) {
	if len(text) > maxScan {
		return Card{}, fmt.Errorf("leads: the scanned text is %d KB, too long for a badge", len(text)>>10)
	}
	t := strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
	u := strings.ToUpper(t)
	switch {
	case strings.HasPrefix(u, "BEGIN:VCARD"):
		// Scanners that end lines with a bare CR would make the whole card one line.
		t = strings.ReplaceAll(strings.ReplaceAll(t, "\r\n", "\n"), "\r", "\n")
		cards, errs := ReadVCards(strings.NewReader(t))
		if len(errs) > 0 {
			return Card{}, fmt.Errorf("leads: the scanned vCard cannot be read: %s", errs[0].Msg)
		}
		if len(cards) == 0 {
			return Card{}, errors.New("leads: the scanned vCard holds no card")
		}
		return cards[0], nil
	case strings.HasPrefix(u, "MECARD:"):
		return parseMECARD(t[len("MECARD:"):]), nil
	case strings.HasPrefix(u, "BIZCARD:"):
		return parseBizcard(t[len("BIZCARD:"):]), nil
	}
	if a, err := mail.ParseAddress(t); err == nil && !strings.ContainsAny(t, " \n") {
		return Card{Emails: []string{a.Address}, Format: FormatEmail}, nil
	}
	return Card{}, ErrUnrecognised
}

// CardError is a card of a .vcf file that could not be read.
type CardError struct {
	Card int // its number in the file, from 1
	Line int // the line it starts on
	Msg  string
}

func (e CardError) String() string {
	return fmt.Sprintf("card %d (line %d): %s", e.Card, e.Line, e.Msg)
}

// ReadVCards reads every card of a vCard stream with the importer's reader
// (vCard 2.1 quoted-printable and charsets, 3.0, 4.0, folded lines). Cards
// that cannot be read are reported and the others kept.
func ReadVCards(r io.Reader) ([]Card, []CardError) {
	src := importer.NewVCard(r, 0)
	defer src.Close()
	var mapping importer.Mapping
	if m, ok := src.(interface{ Mapping() importer.Mapping }); ok {
		mapping = m.Mapping()
	}
	var cards []Card
	var errs []CardError
	for {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if row.Num == 0 {
				errs = append(errs, CardError{Msg: err.Error()})
				break
			}
			errs = append(errs, CardError{Card: row.Num, Line: row.Line, Msg: err.Error()})
			continue
		}
		cards = append(cards, cardFromCells(mapping, row.Cells))
	}
	return cards, errs
}

// cardFromCells turns the importer's cells for one card into a Card.
func cardFromCells(mapping importer.Mapping, cells []string) Card {
	c := Card{Format: FormatVCard}
	var full string
	for i, field := range mapping {
		if i >= len(cells) {
			break
		}
		v := cells[i]
		switch field {
		case "first_name":
			c.FirstName = oneLine(v)
		case "last_name":
			c.LastName = oneLine(v)
		case importer.FieldFullName:
			full = oneLine(v)
		case "account_id":
			c.Company = oneLine(v)
		case "title":
			c.Title = oneLine(v)
		case "emails":
			c.Emails = lines(v)
		case "phones":
			c.Phones = lines(v)
		case "notes":
			c.Notes = strings.TrimSpace(v)
		case "language":
			c.Language = v
		case "photo":
			c.Photo = v
		}
	}
	if c.FirstName == "" && c.LastName == "" && full != "" && !strings.Contains(full, "@") {
		c.FirstName, c.LastName = splitName(full)
	}
	return c
}

func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// oneLine folds line breaks and runs of spaces: names and titles are one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// splitName splits "Jean-Pierre Martin" at the last space, "MARTIN, Jean" at the comma.
func splitName(full string) (first, last string) {
	if l, f, ok := strings.Cut(full, ","); ok {
		return strings.TrimSpace(f), strings.TrimSpace(l)
	}
	i := strings.LastIndexByte(full, ' ')
	if i < 0 {
		return "", full
	}
	return strings.TrimSpace(full[:i]), strings.TrimSpace(full[i+1:])
}

// fields splits a MECARD or BIZCARD body into NAME:value pairs at the
// semicolons not escaped with a backslash, and undoes the escapes (\; \: \, \\).
func fields(body string) [][2]string {
	var out [][2]string
	var cur strings.Builder
	flush := func() {
		s := cur.String()
		cur.Reset()
		name, value, ok := cutUnescaped(s, ':')
		if !ok {
			return
		}
		out = append(out, [2]string{strings.ToUpper(strings.TrimSpace(name)), unescape(value)})
	}
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\\':
			cur.WriteByte('\\')
			if i+1 < len(body) {
				i++
				cur.WriteByte(body[i])
			}
		case ';':
			flush()
		case '\r', '\n':
			// scanners may break long codes into lines; they mean nothing here
		default:
			cur.WriteByte(body[i])
		}
	}
	flush()
	return out
}

func cutUnescaped(s string, sep byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == sep {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func unescape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.TrimSpace(b.String())
}

// parseMECARD reads the body of a MECARD (NTT DoCoMo's format, used by most
// QR business cards): N:last,first;TEL:…;EMAIL:…;ORG:…;TITLE:…;NOTE:…;;
func parseMECARD(body string) Card {
	c := Card{Format: FormatMECARD}
	for _, f := range fields(body) {
		v := f[1]
		if v == "" {
			continue
		}
		switch f[0] {
		case "N":
			if last, first, ok := cutUnescaped(v, ','); ok {
				c.LastName, c.FirstName = oneLine(last), oneLine(first)
			} else {
				c.FirstName, c.LastName = splitName(oneLine(v))
			}
		case "TEL", "TEL-AV":
			c.Phones = append(c.Phones, oneLine(v))
		case "EMAIL":
			c.Emails = append(c.Emails, oneLine(v))
		case "ORG":
			c.Company = oneLine(v)
		case "TITLE", "ROLE":
			c.Title = oneLine(v)
		case "NOTE", "MEMO":
			c.Notes = joinNotes(c.Notes, v)
		case "URL", "ADR":
			c.Notes = joinNotes(c.Notes, v)
		}
	}
	return c
}

// parseBizcard reads the body of a BIZCARD (ZXing's business-card format):
// N:first;X:last;T:title;C:company;A:address;B:phone;M:mobile;F:fax;E:email;;
func parseBizcard(body string) Card {
	c := Card{Format: FormatBizcard}
	for _, f := range fields(body) {
		v := oneLine(f[1])
		if v == "" {
			continue
		}
		switch f[0] {
		case "N":
			c.FirstName = v
		case "X":
			c.LastName = v
		case "T":
			c.Title = v
		case "C":
			c.Company = v
		case "B", "M":
			c.Phones = append(c.Phones, v)
		case "E":
			c.Emails = append(c.Emails, v)
		case "A":
			c.Notes = joinNotes(c.Notes, v)
		}
	}
	return c
}

func joinNotes(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}
