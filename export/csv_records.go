package export

import (
	"context"
	"fmt"
	"strings"

	"relais/model"
)

// pageSize is how many records one read brings into memory.
const pageSize = 1000

type pager func(ctx context.Context, db model.Querier, q model.Query) ([]model.Record, error)

func pagerOf[T any, P interface {
	*T
	model.Record
}]() pager {
	return func(ctx context.Context, db model.Querier, q model.Query) ([]model.Record, error) {
		rs, err := model.List[T, P](ctx, db, q)
		if err != nil {
			return nil, err
		}
		out := make([]model.Record, len(rs))
		for i, r := range rs {
			out[i] = r
		}
		return out, nil
	}
}

// pagers reads any kind without a type parameter; model.List needs one.
var pagers = map[model.Kind]pager{
	model.KindTeamMember:    pagerOf[model.TeamMember](),
	model.KindStage:         pagerOf[model.Stage](),
	model.KindEvent:         pagerOf[model.Event](),
	model.KindAccount:       pagerOf[model.Account](),
	model.KindContact:       pagerOf[model.Contact](),
	model.KindDeal:          pagerOf[model.Deal](),
	model.KindActivity:      pagerOf[model.Activity](),
	model.KindTask:          pagerOf[model.Task](),
	model.KindProduct:       pagerOf[model.Product](),
	model.KindProductPrice:  pagerOf[model.ProductPrice](),
	model.KindProposal:      pagerOf[model.Proposal](),
	model.KindProposalLine:  pagerOf[model.ProposalLine](),
	model.KindOrder:         pagerOf[model.Order](),
	model.KindOrderLine:     pagerOf[model.OrderLine](),
	model.KindVendor:        pagerOf[model.Vendor](),
	model.KindAppointment:   pagerOf[model.Appointment](),
	model.KindEventItem:     pagerOf[model.EventItem](),
	model.KindRotaShift:     pagerOf[model.RotaShift](),
	model.KindAgendaSlot:    pagerOf[model.AgendaSlot](),
	model.KindClientIssue:   pagerOf[model.ClientIssue](),
	model.KindTermsTemplate: pagerOf[model.TermsTemplate](),
}

// Pages calls fn with successive pages of the records of kind k that match
// q, in q's order (then by id, so that paging is stable). q.Limit, if set,
// caps the total. fn must not keep the slice.
func Pages(ctx context.Context, db model.Querier, k model.Kind, q model.Query, fn func(page []model.Record) error) error {
	p, ok := pagers[k]
	if !ok {
		return fmt.Errorf("export: cannot read records of kind %q", k)
	}
	if q.OrderBy == "" {
		q.OrderBy = "id"
	} else if q.OrderBy != "id" {
		q.OrderBy += ", id"
	}
	total, offset := q.Limit, q.Offset
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		pq := q
		pq.Limit, pq.Offset = pageSize, offset
		if total > 0 && total-(offset-q.Offset) < pageSize {
			pq.Limit = total - (offset - q.Offset)
		}
		page, err := p(ctx, db, pq)
		if err != nil {
			return err
		}
		if len(page) > 0 {
			if err := fn(page); err != nil {
				return err
			}
		}
		offset += len(page)
		if len(page) < pq.Limit || (total > 0 && offset-q.Offset >= total) {
			return nil
		}
	}
}

// Label is how a record is named where another record refers to it: an
// account by its name, a contact by full name, a product by SKU, an order by
// its number. The importer resolves references by the same labels, so a
// list export reads back in.
func Label(r model.Record) string {
	switch x := r.(type) {
	case *model.Account:
		return x.Name
	case *model.Contact:
		return x.FullName()
	case *model.TeamMember:
		return x.Name
	case *model.Stage:
		return x.Name
	case *model.Event:
		return x.Name
	case *model.Product:
		return x.SKU
	case *model.Deal:
		return x.Title
	case *model.Order:
		return x.Number
	case *model.Proposal:
		return x.Number
	case *model.Vendor:
		return x.Name
	case *model.Appointment:
		return x.Title
	case *model.ClientIssue:
		return x.Title
	case *model.TermsTemplate:
		return x.Name
	}
	return r.Base().ID
}

// labeler caches the labels of referenced records during one export.
type labeler struct {
	ctx    context.Context
	db     model.Querier
	labels map[model.Kind]map[string]string
}

func newLabeler(ctx context.Context, db model.Querier) *labeler {
	return &labeler{ctx: ctx, db: db, labels: map[model.Kind]map[string]string{}}
}

// prefetch loads, in a few queries, the labels a page of records refers to.
func (l *labeler) prefetch(cols []ListColumn, page []model.Record) error {
	want := map[model.Kind][]string{}
	for _, c := range cols {
		if c.Type != TypeRef {
			continue
		}
		known := l.labels[c.Ref]
		if known == nil {
			known = map[string]string{}
			l.labels[c.Ref] = known
		}
		for _, r := range page {
			fm, err := model.Encode(r)
			if err != nil {
				return err
			}
			if id, ok := fm[c.Field].(string); ok && id != "" {
				if _, seen := known[id]; !seen {
					known[id] = id // placeholder until found; also dedups within the page
					want[c.Ref] = append(want[c.Ref], id)
				}
			}
		}
	}
	for k, ids := range want {
		for len(ids) > 0 {
			n := min(len(ids), 500)
			chunk := ids[:n]
			ids = ids[n:]
			args := make([]any, len(chunk))
			for i, id := range chunk {
				args[i] = id
			}
			q := model.Query{Where: "id IN (?" + strings.Repeat(",?", len(chunk)-1) + ")", Args: args, WithDeleted: true}
			err := Pages(l.ctx, l.db, k, q, func(rs []model.Record) error {
				for _, r := range rs {
					l.labels[k][r.Base().ID] = Label(r)
				}
				return nil
			})
			if err != nil {
				return err
			}
		}
	}
	return nil
}

func (l *labeler) label(k model.Kind, id string) string {
	if s, ok := l.labels[k][id]; ok {
		return s
	}
	return id
}
