package importer

import (
	"context"
	"strings"

	"relais/export"
	"relais/model"
)

// dedupIndex finds the existing record a new one duplicates, by the kind's
// natural keys, in order of confidence:
//
//   - contacts: an e-mail address (case-insensitive), then a phone number
//     (its last nine digits), then first + last name within the same account;
//   - accounts: the VAT number, then the name in the same city (or the name
//     alone when one side has no city);
//   - products: the SKU; price-list entries: product and effective date;
//   - deals: title within the same account; orders: the number.
//
// The keys of every live record are loaded once (a few tens of bytes per
// record) and the records the import writes are added as it goes, so a file
// that lists a person twice updates the first row's contact.
type dedupIndex struct {
	kind model.Kind
	keys map[string]string // key → record id
}

func loadDedup(ctx context.Context, tx *model.Tx, k model.Kind) (*dedupIndex, error) {
	d := &dedupIndex{kind: k, keys: map[string]string{}}
	probe, _ := model.New(k)
	if len(d.addKeys(probe)) == 0 && !hasNaturalKey(k) {
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

// find returns the id of the record r duplicates, or "".
func (d *dedupIndex) find(r model.Record) string {
	for _, k := range d.findKeys(r) {
		if id, ok := d.keys[k]; ok {
			return id
		}
	}
	return ""
}

// add records r's keys; an earlier record keeps a key it already holds.
func (d *dedupIndex) add(r model.Record) {
	for _, k := range d.addKeys(r) {
		if _, taken := d.keys[k]; !taken {
			d.keys[k] = r.Base().ID
		}
	}
}

func fold(s string) string { return normHeader(s) }

// findKeys are the keys to look r up by, most telling first.
func (d *dedupIndex) findKeys(r model.Record) []string {
	switch x := r.(type) {
	case *model.Account:
		var ks []string
		if v := fold(x.VATNumber); v != "" {
			ks = append(ks, "v:"+v)
		}
		if n := fold(x.Name); n != "" {
			if c := fold(x.City); c != "" {
				ks = append(ks, "nc:"+n+"|"+c, "n0:"+n)
			} else {
				ks = append(ks, "n:"+n)
			}
		}
		return ks
	}
	return d.addKeys(r)
}

// addKeys are the keys r is found by.
func (d *dedupIndex) addKeys(r model.Record) []string {
	var ks []string
	switch x := r.(type) {
	case *model.Contact:
		for _, e := range x.Emails {
			if e = strings.ToLower(strings.TrimSpace(e)); e != "" {
				ks = append(ks, "e:"+e)
			}
		}
		for _, p := range x.Phones {
			if p = phoneKey(p); p != "" {
				ks = append(ks, "p:"+p)
			}
		}
		if n := fold(x.FirstName + " " + x.LastName); n != "" {
			ks = append(ks, "n:"+n+"|"+x.AccountID)
		}
	case *model.Account:
		if v := fold(x.VATNumber); v != "" {
			ks = append(ks, "v:"+v)
		}
		if n := fold(x.Name); n != "" {
			ks = append(ks, "n:"+n)
			if c := fold(x.City); c != "" {
				ks = append(ks, "nc:"+n+"|"+c)
			} else {
				ks = append(ks, "n0:"+n)
			}
		}
	case *model.Product:
		if s := strings.ToUpper(strings.TrimSpace(x.SKU)); s != "" {
			ks = append(ks, "s:"+s)
		}
	case *model.ProductPrice:
		if x.ProductID != "" {
			ks = append(ks, "pp:"+x.ProductID+"|"+x.EffectiveFrom.String())
		}
	case *model.Deal:
		if t := fold(x.Title); t != "" {
			ks = append(ks, "t:"+t+"|"+x.AccountID)
		}
	case *model.Order:
		if n := strings.TrimSpace(x.Number); n != "" {
			ks = append(ks, "o:"+n)
		}
	}
	return ks
}

// resolver finds the records a row names: by id, or by label (an account by
// name, a product by SKU, a contact by name or e-mail, a team member by name
// or e-mail). Each kind's labels are loaded once, on first use.
type resolver struct {
	ctx    context.Context
	tx     *model.Tx
	idx    map[model.Kind]*refIndex
	staged []staged
}

type refIndex struct {
	ids     map[string]bool
	byLabel map[string]string
}

type staged struct {
	k model.Kind
	r model.Record
}

func newResolver(ctx context.Context, tx *model.Tx) *resolver {
	return &resolver{ctx: ctx, tx: tx, idx: map[model.Kind]*refIndex{}}
}

func (rs *resolver) index(k model.Kind) (*refIndex, error) {
	if ix, ok := rs.idx[k]; ok {
		return ix, nil
	}
	ix := &refIndex{ids: map[string]bool{}, byLabel: map[string]string{}}
	err := export.Pages(rs.ctx, rs.tx.SQL(), k, model.Query{}, func(page []model.Record) error {
		for _, r := range page {
			ix.add(r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	rs.idx[k] = ix
	return ix, nil
}

func (ix *refIndex) add(r model.Record) {
	ix.ids[r.Base().ID] = true
	labels := []string{export.Label(r)}
	switch x := r.(type) {
	case *model.Contact:
		labels = append(labels, x.Emails...)
	case *model.TeamMember:
		labels = append(labels, x.Email)
	}
	for _, l := range labels {
		if k := fold(l); k != "" {
			if _, taken := ix.byLabel[k]; !taken {
				ix.byLabel[k] = r.Base().ID
			}
		}
	}
}

// resolve returns the id of the record of kind k that text names, or "".
func (rs *resolver) resolve(k model.Kind, text string) (string, error) {
	ix, err := rs.index(k)
	if err != nil {
		return "", err
	}
	if ix.ids[text] {
		return text, nil
	}
	for _, s := range rs.staged {
		if s.k == k && fold(export.Label(s.r)) == fold(text) {
			return s.r.Base().ID, nil
		}
	}
	return ix.byLabel[fold(text)], nil
}

// learn notes a record the current row created; commit makes it findable by
// later rows once the row has succeeded, discard forgets it.
func (rs *resolver) learn(k model.Kind, r model.Record) { rs.staged = append(rs.staged, staged{k, r}) }

func (rs *resolver) commit() {
	for _, s := range rs.staged {
		if ix, ok := rs.idx[s.k]; ok {
			ix.add(s.r)
		}
	}
	rs.staged = rs.staged[:0]
}

func (rs *resolver) discard() { rs.staged = rs.staged[:0] }
