package importer

import (
	"context"
	"fmt"
	"strings"

	"relais/export"
	"relais/model"
)

// The matching rules of every way a record arrives — CSV, XLSX and vCard
// imports, and lead capture (leads.CheckCard and leads.ImportVCF) — are in
// this file and merge.go, so that a badge scan and a spreadsheet never
// disagree about who is who.
//
// A key is strong when two records sharing it are the same record: a Relais
// id (a vCard UID is one), an e-mail address, or for things rather than
// people their natural numbers (SKU, VAT number, order number …). A strong
// match identifies the existing record, which the row then completes (see
// merge.go). A key is weak when different people commonly share it: a
// phone number (a switchboard, a shared office line) or a name at a
// company. A weak match only proposes a possible duplicate: the row becomes
// a record of its own, and the summary says whom it may duplicate. Nothing
// is ever merged on a weak key.

// Strength is how sure a match is.
type Strength int

// Strengths of a match.
const (
	NoMatch Strength = iota
	Weak             // a possible duplicate: proposed, never merged
	Strong           // the same record
)

// Why two records match.
const (
	ReasonID          = "id"
	ReasonEmail       = "email"
	ReasonPhone       = "phone"
	ReasonName        = "name" // a person's name at the same account (or both without one)
	ReasonVAT         = "vat"
	ReasonAccountName = "account_name"
	ReasonSKU         = "sku"
	ReasonDate        = "date" // a price-list entry: the product and the date it takes effect
	ReasonTitle       = "title"
	ReasonNumber      = "number"
)

// StrengthOf is the rule: how far a match of kind k by reason identifies.
func StrengthOf(k model.Kind, reason string) Strength {
	switch reason {
	case "":
		return NoMatch
	case ReasonPhone, ReasonName:
		return Weak
	}
	if k == model.KindContact && reason != ReasonID && reason != ReasonEmail {
		return Weak
	}
	// A company's VAT number or its name in its city, a SKU, an order
	// number, a deal's title within its account: these name one thing.
	return Strong
}

// Match is the existing record a new one matches.
type Match struct {
	ID       string
	Reason   string
	Strength Strength
}

// matchKey is one key a record is found by, with the rule it stands for.
type matchKey struct {
	key    string
	reason string
}

// keysOf are the keys r is found by, most telling first.
func keysOf(r model.Record) []matchKey {
	var ks []matchKey
	add := func(reason, key string) { ks = append(ks, matchKey{reason + ":" + key, reason}) }
	switch x := r.(type) {
	case *model.Contact:
		for _, e := range x.Emails {
			if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
				add(ReasonEmail, e)
			}
		}
		for _, p := range x.Phones {
			if p = model.PhoneKey(p); p != "" {
				add(ReasonPhone, p)
			}
		}
		if n := fold(x.FirstName + " " + x.LastName); n != "" {
			add(ReasonName, n+"|"+x.AccountID)
		}
	case *model.Account:
		if v := fold(x.VATNumber); v != "" {
			add(ReasonVAT, v)
		}
		if n := fold(x.Name); n != "" {
			add(ReasonAccountName, n)
			if c := fold(x.City); c != "" {
				add(ReasonAccountName, n+"|"+c)
			} else {
				add(ReasonAccountName, n+"|")
			}
		}
	case *model.Product:
		if s := strings.ToUpper(strings.TrimSpace(x.SKU)); s != "" {
			add(ReasonSKU, s)
		}
	case *model.ProductPrice:
		if x.ProductID != "" {
			add(ReasonDate, x.ProductID+"|"+x.EffectiveFrom.String())
		}
	case *model.Deal:
		if t := fold(x.Title); t != "" {
			add(ReasonTitle, t+"|"+x.AccountID)
		}
	case *model.Order:
		if n := strings.TrimSpace(x.Number); n != "" {
			add(ReasonNumber, n)
		}
	}
	return ks
}

// lookupKeys are the keys to look r up by. They are keysOf, except that an
// account with a city looks for the same name in the same city, then for
// the name on an account with no city; one without a city matches the name
// anywhere.
func lookupKeys(r model.Record) []matchKey {
	a, ok := r.(*model.Account)
	if !ok {
		return keysOf(r)
	}
	var ks []matchKey
	if v := fold(a.VATNumber); v != "" {
		ks = append(ks, matchKey{ReasonVAT + ":" + v, ReasonVAT})
	}
	if n := fold(a.Name); n != "" {
		if c := fold(a.City); c != "" {
			ks = append(ks, matchKey{ReasonAccountName + ":" + n + "|" + c, ReasonAccountName}, matchKey{ReasonAccountName + ":" + n + "|", ReasonAccountName})
		} else {
			ks = append(ks, matchKey{ReasonAccountName + ":" + n, ReasonAccountName})
		}
	}
	return ks
}

func fold(s string) string { return normHeader(s) }

// matchIndex holds the keys of every live record of a kind, for an import.
// They are loaded once (a few tens of bytes per record) and the records the
// import writes are added as it goes, so that a file listing a person twice
// finds the first row's contact.
type matchIndex struct {
	kind model.Kind
	keys map[string]string // key → record id
}

func loadMatchIndex(ctx context.Context, tx *model.Tx, k model.Kind) (*matchIndex, error) {
	d := &matchIndex{kind: k, keys: map[string]string{}}
	if !hasNaturalKey(k) {
		return d, nil
	}
	err := export.Pages(ctx, tx.SQL(), k, model.Query{}, func(page []model.Record) error {
		for _, r := range page {
			d.add(r)
		}
		return nil
	})
	return d, err
}

func hasNaturalKey(k model.Kind) bool {
	switch k {
	case model.KindContact, model.KindAccount, model.KindProduct, model.KindProductPrice, model.KindDeal, model.KindOrder:
		return true
	}
	return false
}

// find returns the best match of r: the first strong one, else the first
// weak one, else NoMatch.
func (d *matchIndex) find(r model.Record) Match {
	var weak Match
	for _, k := range lookupKeys(r) {
		id, ok := d.keys[k.key]
		if !ok {
			continue
		}
		switch StrengthOf(d.kind, k.reason) {
		case Strong:
			return Match{ID: id, Reason: k.reason, Strength: Strong}
		case Weak:
			if weak.ID == "" {
				weak = Match{ID: id, Reason: k.reason, Strength: Weak}
			}
		}
	}
	return weak
}

// add records r's keys; an earlier record keeps a key it already holds.
func (d *matchIndex) add(r model.Record) {
	for _, k := range keysOf(r) {
		if _, taken := d.keys[k.key]; !taken {
			d.keys[k.key] = r.Base().ID
		}
	}
}

// FindContact looks c up among the live contacts of db with the same rules
// as an import, one record at a time: through the search index, so it
// takes a few milliseconds at 100,000 contacts (lead capture runs it at
// every badge). It returns the match and the contact matched, or NoMatch.
func FindContact(ctx context.Context, db model.Querier, c *model.Contact) (Match, *model.Contact, error) {
	if c.ID != "" {
		have, err := model.List[model.Contact](ctx, db, model.Query{Where: "id = ?", Args: []any{c.ID}, Limit: 1})
		if err != nil {
			return Match{}, nil, fmt.Errorf("importer: look for contact %s: %w", c.ID, err)
		}
		if len(have) == 1 {
			return Match{ID: have[0].ID, Reason: ReasonID, Strength: Strong}, have[0], nil
		}
	}
	dup, rule, err := model.FindContactDuplicate(ctx, db, model.ContactKeys{Emails: c.Emails, Phones: c.Phones,
		FirstName: c.FirstName, LastName: c.LastName, AccountID: c.AccountID})
	if err != nil {
		return Match{}, nil, fmt.Errorf("importer: look for duplicates: %w", err)
	}
	if dup == nil {
		return Match{}, nil, nil
	}
	reason := ReasonName
	switch rule {
	case model.MatchEmail:
		reason = ReasonEmail
	case model.MatchPhone:
		reason = ReasonPhone
	}
	return Match{ID: dup.ID, Reason: reason, Strength: StrengthOf(model.KindContact, reason)}, dup, nil
}
