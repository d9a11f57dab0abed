package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-vcard"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/htmlindex"
)

// vCard files are read in two steps. normalizer turns what address books
// actually write — vCard 2.1's bare parameters (TEL;WORK;VOICE:),
// QUOTED-PRINTABLE values with soft line breaks and a CHARSET, BASE64 photos,
// Windows-1252 text, lower-case keywords — into clean 3.0-style lines, and
// cuts the stream into cards; go-vcard then parses each card. A card that
// cannot be read is reported with its line and the next one is read.

// vcardColumns are the contact fields a card fills, in the order of the
// cells a vCard source returns; they double as its mapping.
var vcardColumns = []string{"id", "first_name", "last_name", FieldFullName, "account_id", "title", "emails", "phones", "tags", "notes", "language", "photo"}

// vcardTitles name those columns after the vCard properties they come from,
// which is what an error report should point at.
var vcardTitles = []string{"UID", "N (given name)", "N (family name)", "FN", "ORG", "TITLE", "EMAIL", "TEL", "CATEGORIES", "NOTE", "LANG", "PHOTO"}

type vcardSource struct {
	f    io.Closer
	n    *normalizer
	size int64
	num  int
}

// OpenVCard opens a .vcf file of one or more cards (versions 2.1, 3.0, 4.0).
func OpenVCard(path string) (Source, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("importer: %w", err)
	}
	s := NewVCard(f, st.Size()).(*vcardSource)
	s.f = f
	return s, nil
}

// NewVCard reads cards from r (size bytes, for progress; 0 if unknown).
func NewVCard(r io.Reader, size int64) Source {
	c := &countingReader{r: r}
	return &vcardSource{n: &normalizer{r: bufio.NewReaderSize(c, 64<<10), counter: c}, size: size}
}

// IsVCard reports whether path names a vCard file, by extension.
func IsVCard(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".vcf" || ext == ".vcard"
}

func (s *vcardSource) Columns() []string { return vcardTitles }
func (s *vcardSource) HasHeader() bool   { return true }

// Mapping maps each of the source's columns to the field of the same name.
func (s *vcardSource) Mapping() Mapping { return append(Mapping(nil), vcardColumns...) }

func (s *vcardSource) Next() (Row, error) {
	text, line, err := s.n.nextCard()
	if errors.Is(err, io.EOF) {
		if s.num == 0 && s.n.stray {
			// Text but not one card: a file misnamed .vcf, not an empty address book.
			return Row{}, errors.New("this is not a vCard file: it has no BEGIN:VCARD line")
		}
		return Row{}, io.EOF
	}
	s.num++
	row := Row{Num: s.num, Line: line}
	if err != nil {
		return row, err
	}
	card, err := vcard.NewDecoder(strings.NewReader(text)).Decode()
	if err != nil {
		return row, newMsg("unreadable_card", "Msg", bounded(strings.TrimPrefix(err.Error(), "vcard: ")))
	}
	cells, warn, err := cardCells(card)
	if err != nil {
		return row, err
	}
	row.Cells, row.warn = cells, warn
	for _, w := range warn {
		row.Warnings = append(row.Warnings, w.Error())
	}
	return row, nil
}

func (s *vcardSource) Progress() float64 {
	if s.size <= 0 {
		return 0
	}
	return min(1, float64(s.n.counter.n)/float64(s.size))
}

func (s *vcardSource) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

// cardCells extracts a contact's fields from a card.
func cardCells(card vcard.Card) ([]string, []error, error) {
	if k := card.Kind(); k == vcard.KindGroup || k == vcard.KindOrganization || k == vcard.KindLocation {
		return nil, nil, newMsg("not_person", "Kind", string(k))
	}
	var warnings []error
	cells := make([]string, len(vcardColumns))
	set := func(col, v string) {
		for i, c := range vcardColumns {
			if c == col {
				cells[i] = v
			}
		}
	}
	if uid := strings.TrimPrefix(strings.ToLower(strings.TrimSpace(card.Value(vcard.FieldUID))), "urn:uuid:"); looksLikeID(uid) {
		set("id", uid)
	}
	if n := card.Preferred(vcard.FieldName); n != nil {
		parts := splitUnescaped(n.Value, ';')
		family, given := part(parts, 0), part(parts, 1)
		if extra := part(parts, 2); extra != "" && given != "" {
			given += " " + strings.ReplaceAll(extra, ",", " ")
		}
		set("last_name", family)
		set("first_name", given)
	}
	set(FieldFullName, vcardText(card.PreferredValue(vcard.FieldFormattedName)))
	if org := card.Preferred(vcard.FieldOrganization); org != nil {
		set("account_id", part(splitUnescaped(org.Value, ';'), 0))
	}
	set("title", vcardText(card.PreferredValue(vcard.FieldTitle)))
	var emails, phones, tags, notes []string
	for _, f := range card[vcard.FieldEmail] {
		if v := strings.TrimSpace(vcardText(f.Value)); v != "" {
			emails = append(emails, strings.TrimPrefix(v, "mailto:"))
		}
	}
	for _, f := range card[vcard.FieldTelephone] {
		v := strings.TrimSpace(vcardText(f.Value))
		v = strings.TrimPrefix(v, "tel:")
		if base, ext, ok := strings.Cut(v, ";ext="); ok {
			v = base + " ext. " + ext
		}
		if v != "" {
			phones = append(phones, v)
		}
	}
	for _, f := range card[vcard.FieldCategories] {
		for _, t := range strings.Split(f.Value, ",") {
			if t = strings.TrimSpace(vcardText(t)); t != "" {
				tags = append(tags, t)
			}
		}
	}
	for _, f := range card[vcard.FieldNote] {
		if v := strings.TrimSpace(vcardText(f.Value)); v != "" {
			notes = append(notes, v)
		}
	}
	set("emails", strings.Join(emails, "\n"))
	set("phones", strings.Join(phones, "\n"))
	set("tags", strings.Join(tags, "\n"))
	set("notes", strings.Join(notes, "\n\n"))
	if lang := card.Preferred(vcard.FieldLanguage); lang != nil {
		set("language", strings.ToLower(strings.TrimSpace(lang.Value)))
	}
	if p := card.Preferred(vcard.FieldPhoto); p != nil {
		uri, err := cardPhoto(p)
		if err != nil {
			warnings = append(warnings, newMsg("photo_left_out", "Msg", err.Error()))
		}
		set("photo", uri)
	}
	if cells[1] == "" && cells[2] == "" && cells[3] == "" {
		if len(emails) > 0 {
			set(FieldFullName, emails[0])
		}
	}
	return cells, warnings, nil
}

// cardPhoto reads an inline photo (base64 in 2.1/3.0, a data: URI in 4.0);
// a photo given by URL is skipped, since Relais works offline.
func cardPhoto(f *vcard.Field) (string, error) {
	v := strings.TrimSpace(f.Value)
	enc := strings.ToLower(f.Params.Get("ENCODING"))
	if enc == "b" || enc == "base64" {
		b, err := decodeBase64(v)
		if err != nil {
			return "", err
		}
		return photoFromBytes(b)
	}
	return photoURI(v)
}

func part(parts []string, i int) string {
	if i < len(parts) {
		return strings.TrimSpace(vcardText(parts[i]))
	}
	return ""
}

// splitUnescaped splits a structured value on sep where it is not escaped
// with a backslash (go-vcard leaves "\;" alone).
func splitUnescaped(s string, sep byte) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
			continue
		}
		if s[i] == sep {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// vcardText undoes the escapes go-vcard leaves in place.
var vcardUnescaper = strings.NewReplacer(`\;`, ";", `\N`, "\n", `\:`, ":", `\"`, `"`)

func vcardText(s string) string { return vcardUnescaper.Replace(s) }

// normalizer reads logical vCard lines and cuts them into cards.
type normalizer struct {
	r       *bufio.Reader
	counter *countingReader
	line    int // physical lines read
	peeked  *string
	stray   bool // non-blank text was seen outside any card
	// tooBig says the current card went over maxCardBytes: the rest of it
	// is read and dropped, and the card is refused.
	tooBig bool
}

// physical reads one physical line without its line ending. A line longer
// than what a card may hold is cut there (the rest is read and dropped, so
// memory stays bounded) and marks the card too big.
func (n *normalizer) physical() (string, error) {
	if n.peeked != nil {
		s := *n.peeked
		n.peeked = nil
		return s, nil
	}
	var buf []byte
	for {
		chunk, err := n.r.ReadSlice('\n')
		if len(buf)+len(chunk) <= maxCardBytes {
			buf = append(buf, chunk...)
		} else {
			n.tooBig = true
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && (len(buf) == 0 || !errors.Is(err, io.EOF)) {
			return "", err
		}
		break
	}
	n.line++
	return strings.TrimRight(string(buf), "\r\n"), nil
}

// logical reads one content line: folded continuations joined, and
// quoted-printable soft line breaks ("=" at the end) joined too.
func (n *normalizer) logical() (string, int, error) {
	l, err := n.physical()
	if err != nil {
		return "", 0, err
	}
	start := n.line
	qp := isQuotedPrintable(l)
	for {
		if len(l) > maxCardBytes {
			// Folded on and on: keep reading (and dropping) the folds.
			n.tooBig = true
			l = l[:0]
		}
		if qp && strings.HasSuffix(l, "=") {
			next, err := n.physical()
			if err != nil {
				break
			}
			l = l[:len(l)-1] + strings.TrimLeft(next, " \t")
			continue
		}
		next, err := n.physical()
		if err != nil {
			break
		}
		if next != "" && (next[0] == ' ' || next[0] == '\t') {
			l += next[1:]
			continue
		}
		n.peeked = &next // n.line stays on it: it was the last line read
		break
	}
	return l, start, nil
}

func isQuotedPrintable(l string) bool {
	head, _, ok := strings.Cut(l, ":")
	return ok && strings.Contains(strings.ToUpper(head), "QUOTED-PRINTABLE")
}

// nextCard returns the next card's text, normalised, and the line it begins on.
func (n *normalizer) nextCard() (string, int, error) {
	var b strings.Builder
	begin, depth := 0, 0
	for {
		l, at, err := n.logical()
		if err != nil {
			if begin > 0 {
				if n.tooBig {
					n.tooBig = false
					return "", begin, newMsg("card_too_large", "Size", sizeText(maxCardBytes))
				}
				return "", begin, newMsg("no_end_vcard")
			}
			return "", 0, io.EOF
		}
		key := strings.ToUpper(strings.TrimSpace(l))
		switch {
		case key == "BEGIN:VCARD":
			depth++
			if depth == 1 {
				begin = at
				b.Reset()
				n.tooBig = false
				b.WriteString("BEGIN:VCARD\r\n")
				continue
			}
		case key == "END:VCARD" && depth > 0:
			depth--
			if depth == 0 {
				if n.tooBig {
					n.tooBig = false
					b.Reset()
					return "", begin, newMsg("card_too_large", "Size", sizeText(maxCardBytes))
				}
				b.WriteString("END:VCARD\r\n")
				return b.String(), begin, nil
			}
			continue
		}
		if depth == 0 && key != "" {
			n.stray = true
		}
		if depth != 1 {
			continue // outside cards, or inside a card embedded in one (2.1 AGENT)
		}
		if nl, ok := normalizeLine(l); ok {
			if b.Len()+len(nl) > maxCardBytes {
				n.tooBig = true // the rest of the card is read, not kept
				continue
			}
			b.WriteString(nl)
			b.WriteString("\r\n")
		}
	}
}

// normalizeLine rewrites one content line in the form go-vcard reads.
func normalizeLine(l string) (string, bool) {
	if strings.TrimSpace(l) == "" {
		return "", false
	}
	// Split "group.NAME;params:value" at the first colon outside quotes.
	colon, inQuote := -1, false
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '"':
			inQuote = !inQuote
		case ':':
			if !inQuote {
				colon = i
			}
		}
		if colon >= 0 {
			break
		}
	}
	if colon < 0 {
		return "", false
	}
	head, value := l[:colon], l[colon+1:]
	parts := strings.Split(head, ";")
	name := strings.ToUpper(strings.TrimSpace(parts[0]))
	var params []string
	encoding, charset := "", ""
	for _, p := range parts[1:] {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, hasEq := strings.Cut(p, "=")
		k = strings.ToUpper(k)
		if !hasEq {
			// vCard 2.1 writes bare parameter values.
			switch k {
			case "QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT":
				k, v = "ENCODING", k
			default:
				k, v = "TYPE", strings.ToLower(k)
			}
		}
		switch k {
		case "ENCODING":
			encoding = strings.ToUpper(strings.Trim(v, `"`))
			if encoding == "BASE64" || encoding == "B" {
				params = append(params, "ENCODING=b")
			}
			continue
		case "CHARSET":
			charset = strings.Trim(v, `"`)
			continue
		}
		params = append(params, k+"="+v)
	}
	raw := []byte(value)
	if encoding == "QUOTED-PRINTABLE" {
		if dec, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw))); err == nil {
			raw = dec
		}
	}
	text := toUTF8(raw, charset)
	if encoding == "QUOTED-PRINTABLE" {
		// Decoded line breaks must be escaped to stay on one content line.
		text = strings.NewReplacer("\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(text)
	}
	if name == "VERSION" {
		text = strings.TrimSpace(text)
	}
	out := name
	if len(params) > 0 {
		out += ";" + strings.Join(params, ";")
	}
	return out + ":" + text, true
}

// toUTF8 decodes a value from its declared charset, or from Windows-1252
// when it is not valid UTF-8 (old Outlook and phone exports).
func toUTF8(b []byte, charset string) string {
	if charset != "" && !strings.EqualFold(charset, "utf-8") {
		if enc, err := htmlindex.Get(charset); err == nil {
			if out, err := enc.NewDecoder().Bytes(b); err == nil {
				return string(out)
			}
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	out, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(out)
}
