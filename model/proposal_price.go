package model

import (
	"context"
	"fmt"
)

// Catalogue prices and their history.
//
// Product.PriceMinor is the price in force today. Every change goes through
// ChangePrice, which also appends a ProductPrice row (effective from a date),
// so that "the price on <date>" can be answered later: a proposal records the
// date its prices were taken from (PricesAsOf) and is flagged when the
// catalogue price on that date differs from the price today.

// priceHistory returns the live price rows of a product, oldest first.
func priceHistory(ctx context.Context, db Querier, productID string) ([]*ProductPrice, error) {
	return List[ProductPrice](ctx, db, Query{Where: "product_id = ?", Args: []any{productID}, OrderBy: "effective_from, created_at, id"})
}

// PriceHistory returns the product's recorded prices, oldest first.
func (s *Store) PriceHistory(ctx context.Context, productID string) ([]*ProductPrice, error) {
	return priceHistory(ctx, s.r, productID)
}

// CatalogPrice returns the product's price on day: that of the latest history
// row effective on or before it, or the product's own price when the history
// has none (a product never repriced, or a day before its first recorded price).
func CatalogPrice(p *Product, history []*ProductPrice, day Date) int64 {
	price, found := p.PriceMinor, false
	var best Date
	for _, h := range history {
		if h.Currency != p.Currency || day.Before(h.EffectiveFrom) {
			continue
		}
		if !found || !h.EffectiveFrom.Before(best) {
			price, best, found = h.PriceMinor, h.EffectiveFrom, true
		}
	}
	return price
}

// ChangePrice records a new catalogue price for the product, effective from
// the given date, and returns the history row. When the product had no
// history yet, its current price is recorded first (effective from the day it
// was created) so the history is complete. A price effective today or earlier
// also becomes the product's current price; a future one waits for
// ApplyDuePrices. The whole change is one transaction, synced like any other.
func (s *Store) ChangePrice(ctx context.Context, productID string, priceMinor int64, from Date, note string) (*ProductPrice, error) {
	var row *ProductPrice
	today := s.today()
	err := s.Write(ctx, func(tx *Tx) error {
		var p Product
		if err := tx.Get(productID, &p); err != nil {
			return err
		}
		if p.Deleted() {
			return fmt.Errorf("model: product %s is in the trash; restore it first: %w", p.SKU, ErrReadOnly)
		}
		hist, err := priceHistory(ctx, tx.SQL(), productID)
		if err != nil {
			return err
		}
		// Same-day changes too: the old price must stay findable, since a
		// proposal priced this morning is flagged by it.
		if created := DateOf(p.CreatedAt); len(hist) == 0 && !from.Before(created) {
			first := &ProductPrice{ProductID: p.ID, PriceMinor: p.PriceMinor, Currency: p.Currency, EffectiveFrom: created, Note: "initial price"}
			if err := tx.Create(first); err != nil {
				return err
			}
			hist = append(hist, first)
		}
		row = &ProductPrice{ProductID: p.ID, PriceMinor: priceMinor, Currency: p.Currency, EffectiveFrom: from, Note: note}
		if err := tx.Create(row); err != nil {
			return err
		}
		hist = append(hist, row)
		if now := CatalogPrice(&p, hist, today); now != p.PriceMinor {
			p.PriceMinor = now
			return tx.Update(&p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return row, nil
}

// ApplyDuePrices brings every product's current price to the price its
// history says is in force today (a future price whose day has come) and
// returns how many products changed.
func (s *Store) ApplyDuePrices(ctx context.Context, today Date) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *Tx) error {
		ps, err := List[Product](ctx, tx.SQL(), Query{Where: "id IN (SELECT product_id FROM product_prices WHERE deleted_at IS NULL AND effective_from <= ?)", Args: []any{today.String()}})
		if err != nil {
			return err
		}
		for _, p := range ps {
			hist, err := priceHistory(ctx, tx.SQL(), p.ID)
			if err != nil {
				return err
			}
			if now := CatalogPrice(p, hist, today); now != p.PriceMinor {
				p.PriceMinor = now
				if err := tx.Update(p); err != nil {
					return fmt.Errorf("model: apply the new price of %s: %w", p.SKU, err)
				}
				n++
			}
		}
		return nil
	})
	return n, err
}

// PriceChange describes one proposal line whose product changed in the
// catalogue since the proposal's prices were taken.
type PriceChange struct {
	LineID       string
	ProductID    string
	SKU          string
	Name         string
	LineMinor    int64  // the line's unit price
	WasMinor     int64  // catalogue price on the prices-as-of date
	NowMinor     int64  // catalogue price today
	Availability string // the product's availability today
	Changed      bool   // the catalogue price moved (see PriceChanges)
}

// PriceChanged reports whether the catalogue price moved.
func (c PriceChange) PriceChanged() bool { return c.Changed }

// Unavailable reports whether the product can no longer be delivered as offered.
func (c PriceChange) Unavailable() bool {
	return c.Availability == Backorder || c.Availability == Discontinued
}

// PriceChanges lists the lines of p whose product's catalogue price changed
// since p.PricesAsOf, or whose product is now on backorder or discontinued.
// An empty result means the proposal's prices are current.
//
// A price changed when the catalogue price today differs from the one on the
// prices-as-of date, or when the line still carries an earlier catalogue
// price of its product that is no longer today's (a change made the same day
// the proposal was priced). A line whose price was set by hand to a price the
// catalogue never had (a negotiated price) is flagged only by the first rule.
func (s *Store) PriceChanges(ctx context.Context, p *Proposal, lines []*ProposalLine) ([]PriceChange, error) {
	return priceChanges(ctx, s.r, p, lines, s.today())
}

func priceChanges(ctx context.Context, db Querier, p *Proposal, lines []*ProposalLine, today Date) ([]PriceChange, error) {
	asOf := p.PricesAsOf
	if asOf.IsZero() {
		asOf = p.IssueDate
	}
	products := map[string]*Product{}
	histories := map[string][]*ProductPrice{}
	var out []PriceChange
	for _, l := range lines {
		if l.ProductID == "" {
			continue
		}
		pr, ok := products[l.ProductID]
		if !ok {
			ps, err := List[Product](ctx, db, Query{Where: "id = ?", Args: []any{l.ProductID}, WithDeleted: true})
			if err != nil {
				return nil, err
			}
			if len(ps) == 1 {
				pr = ps[0]
			}
			products[l.ProductID] = pr
			if histories[l.ProductID], err = priceHistory(ctx, db, l.ProductID); err != nil {
				return nil, err
			}
		}
		if pr == nil || pr.Currency != p.Currency {
			continue
		}
		h := histories[l.ProductID]
		c := PriceChange{LineID: l.ID, ProductID: pr.ID, SKU: pr.SKU, Name: pr.Name, LineMinor: l.UnitPriceMinor,
			WasMinor: CatalogPrice(pr, h, asOf), NowMinor: CatalogPrice(pr, h, today), Availability: pr.Availability}
		c.Changed = c.WasMinor != c.NowMinor || (c.LineMinor != c.NowMinor && wasCataloguePrice(h, pr.Currency, c.LineMinor))
		if pr.Deleted() {
			c.Availability = Discontinued
		}
		if c.PriceChanged() || c.Unavailable() {
			out = append(out, c)
		}
	}
	return out, nil
}

// wasCataloguePrice reports whether the history ever listed price.
func wasCataloguePrice(history []*ProductPrice, currency string, price int64) bool {
	for _, h := range history {
		if h.Currency == currency && h.PriceMinor == price {
			return true
		}
	}
	return false
}
