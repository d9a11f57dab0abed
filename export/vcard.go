package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"relais/model"
)

// vCard versions the exporter writes: 4.0 (RFC 6350) for current address
// books, 3.0 (RFC 2426) for older phones and Outlook.
const (
	VCard4 = "4.0"
	VCard3 = "3.0"
)

// VCardWriter writes contacts as vCards. Lines are folded at 75 octets
// without splitting a UTF-8 character and end in CRLF, as both RFCs require.
//
// It formats lines itself rather than with go-vcard's encoder, which neither
// folds lines nor leaves data: URIs unescaped (it turns "base64," into
// "base64\,", which address books then cannot read); reading uses go-vcard.
type VCardWriter struct {
	w       *bufio.Writer
	version string
	err     error
}

// NewVCardWriter returns a writer of vCards in version (VCard4 or VCard3).
func NewVCardWriter(w io.Writer, version string) (*VCardWriter, error) {
	if version != VCard4 && version != VCard3 {
		return nil, fmt.Errorf("export: vCard version %q: use 4.0 or 3.0", version)
	}
	return &VCardWriter{w: bufio.NewWriter(w), version: version}, nil
}

// Write writes one contact; acc, its account (nil if none), gives ORG and the
// work address.
func (v *VCardWriter) Write(c *model.Contact, acc *model.Account) error {
	if v.err != nil {
		return v.err
	}
	v.line("BEGIN", nil, "VCARD")
	v.line("VERSION", nil, v.version)
	v.line("PRODID", nil, "-//Relais//Relais//EN")
	v.line("UID", nil, "urn:uuid:"+c.ID)
	fn := c.FullName()
	if fn == "" && len(c.Emails) > 0 {
		fn = c.Emails[0]
	}
	v.line("FN", nil, escText(fn))
	v.line("N", nil, escText(c.LastName)+";"+escText(c.FirstName)+";;;")
	if acc != nil && acc.Name != "" {
		v.line("ORG", nil, escText(acc.Name))
	}
	if c.Title != "" {
		v.line("TITLE", nil, escText(c.Title))
	}
	for i, e := range c.Emails {
		v.line("EMAIL", v.typed(i == 0, "work", "INTERNET"), escText(e))
	}
	for i, p := range c.Phones {
		v.line("TEL", v.typed(i == 0, "work", "VOICE"), escText(p))
	}
	if acc != nil && (acc.Street != "" || acc.City != "" || acc.PostalCode != "" || acc.Country != "") {
		adr := strings.Join([]string{"", "", escText(acc.Street), escText(acc.City), "", escText(acc.PostalCode), escText(acc.Country)}, ";")
		v.line("ADR", v.typed(false, "work", ""), adr)
	}
	for _, t := range c.Tags {
		v.line("CATEGORIES", nil, escText(t))
	}
	if c.Language != "" && v.version == VCard4 {
		v.line("LANG", nil, escText(c.Language))
	}
	if c.Notes != "" {
		v.line("NOTE", nil, escText(c.Notes))
	}
	if c.Photo != "" {
		v.photo(c.Photo)
	}
	if !c.UpdatedAt.IsZero() {
		v.line("REV", nil, c.UpdatedAt.UTC().Format("20060102T150405Z"))
	}
	v.line("END", nil, "VCARD")
	return v.err
}

// typed builds the TYPE (and preference) parameters the version expects:
// 4.0 writes TYPE=work;PREF=1, 3.0 writes TYPE=WORK,VOICE,PREF.
func (v *VCardWriter) typed(pref bool, typ, v3extra string) []string {
	if v.version == VCard4 {
		ps := []string{"TYPE=" + typ}
		if pref {
			ps = append(ps, "PREF=1")
		}
		return ps
	}
	types := []string{strings.ToUpper(typ)}
	if v3extra != "" {
		types = append(types, v3extra)
	}
	if pref {
		types = append(types, "PREF")
	}
	return []string{"TYPE=" + strings.Join(types, ",")}
}

// photo writes a data: URI photo: as a URI in 4.0, as inline base64 with
// ENCODING=b in 3.0.
func (v *VCardWriter) photo(uri string) {
	meta, data, ok := strings.Cut(strings.TrimPrefix(uri, "data:"), ",")
	if !ok || !strings.HasSuffix(meta, ";base64") {
		return
	}
	if v.version == VCard4 {
		v.line("PHOTO", nil, uri)
		return
	}
	mediaType := strings.TrimSuffix(meta, ";base64")
	typ := strings.ToUpper(strings.TrimPrefix(mediaType, "image/"))
	v.line("PHOTO", []string{"ENCODING=b", "TYPE=" + typ}, data)
}

// line writes one content line, folded. value must already be escaped.
func (v *VCardWriter) line(name string, params []string, value string) {
	if v.err != nil {
		return
	}
	var b strings.Builder
	b.WriteString(name)
	for _, p := range params {
		b.WriteByte(';')
		b.WriteString(p)
	}
	b.WriteByte(':')
	b.WriteString(value)
	v.err = writeFolded(v.w, b.String())
}

// Flush writes buffered cards out.
func (v *VCardWriter) Flush() error {
	if v.err != nil {
		return v.err
	}
	if err := v.w.Flush(); err != nil {
		v.err = fmt.Errorf("export: write vCard: %w", err)
	}
	return v.err
}

// writeFolded writes s as lines of at most 75 octets, continuation lines
// starting with a space, never cutting a UTF-8 sequence.
func writeFolded(w *bufio.Writer, s string) error {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	_, err := w.WriteString("\r\n")
	if err != nil {
		return fmt.Errorf("export: write vCard: %w", err)
	}
	return nil
}

var textEscaper = strings.NewReplacer(`\`, `\\`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`, ",", `\,`, ";", `\;`)

// escText escapes a TEXT value or one component of a structured value.
func escText(s string) string { return textEscaper.Replace(s) }

// Contacts writes every contact matching q as vCards in version and returns
// how many it wrote.
func Contacts(ctx context.Context, db model.Querier, q model.Query, w io.Writer, version string) (int, error) {
	vw, err := NewVCardWriter(w, version)
	if err != nil {
		return 0, err
	}
	accounts := map[string]*model.Account{}
	n := 0
	err = Pages(ctx, db, model.KindContact, q, func(page []model.Record) error {
		var want []any
		for _, r := range page {
			c := r.(*model.Contact)
			if _, ok := accounts[c.AccountID]; c.AccountID != "" && !ok {
				accounts[c.AccountID] = nil
				want = append(want, c.AccountID)
			}
		}
		if len(want) > 0 {
			aq := model.Query{Where: "id IN (?" + strings.Repeat(",?", len(want)-1) + ")", Args: want, WithDeleted: true}
			if err := Pages(ctx, db, model.KindAccount, aq, func(as []model.Record) error {
				for _, a := range as {
					accounts[a.Base().ID] = a.(*model.Account)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		for _, r := range page {
			c := r.(*model.Contact)
			if err := vw.Write(c, accounts[c.AccountID]); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("export: vCards: %w", err)
	}
	return n, vw.Flush()
}
