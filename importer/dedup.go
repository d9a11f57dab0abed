package importer

import (
	"context"

	"relais/export"
	"relais/model"
)

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
