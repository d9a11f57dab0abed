package model

import (
	"errors"
	"fmt"
	"math/big"
	"sort"
)

// Proposal totals and the rounding rule.
//
// Every amount is an integer number of minor units of the proposal's
// currency; no float is involved anywhere. Rounding is half away from zero
// (0.5 cent becomes 1 cent), applied at exactly these points and nowhere else:
//
//  1. Line net = quantity × unit price × (1 − line discount), computed exactly
//     and rounded once to the minor unit.
//  2. Section subtotals and the subtotal are plain sums of line nets.
//     Optional lines are summed apart and never enter a total.
//  3. The overall discount is taken per tax rate: for each rate, discount =
//     round(sum of line nets at that rate × overall discount).
//  4. Tax per rate = round((sum of line nets at that rate − its discount) × rate).
//  5. Net = subtotal − Σ discounts; tax = Σ taxes per rate; total = net + tax.
//
// So every printed figure is the exact sum of the printed figures above it:
// sections add up to the subtotal, the tax bases add up to the net, and net +
// tax is the total. The editor, the PDF and every export call ProposalTotals,
// so they cannot disagree.

// ErrAmountTooLarge is returned when a total does not fit in 64 bits of minor units.
var ErrAmountTooLarge = errors.New("the amount is too large")

// SectionTotal is one section of a proposal: its name ("" for lines outside
// any section), the indexes of its non-optional lines and their sum.
type SectionTotal struct {
	Name     string
	Lines    []int // indexes into the lines given to ProposalTotals, in order
	NetMinor int64
}

// TaxTotal is one row of the tax breakdown.
type TaxTotal struct {
	RateBP        int64
	BaseMinor     int64 // line nets at this rate, after the overall discount
	DiscountMinor int64 // the share of the overall discount taken at this rate
	TaxMinor      int64
}

// Totals is everything a proposal's figures are made of.
type Totals struct {
	Currency      string
	LineNet       []int64        // net of each line given, optional ones included
	Sections      []SectionTotal // in order of each section's first line
	Optional      []int          // indexes of optional lines, shown apart
	OptionalMinor int64          // sum of optional lines: informative, in no total
	SubtotalMinor int64          // sum of non-optional line nets
	DiscountMinor int64          // overall discount, Σ TaxTotal.DiscountMinor
	NetMinor      int64          // subtotal − discount
	Taxes         []TaxTotal     // highest rate first
	TaxMinor      int64
	TotalMinor    int64 // net + tax
}

// roundDiv returns n / d rounded half away from zero; d > 0.
func roundDiv(n, d *big.Int) *big.Int {
	q, r := new(big.Int), new(big.Int)
	q.QuoRem(n, d, r) // truncates toward zero
	r.Abs(r).Lsh(r, 1)
	if r.Cmp(d) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	return q
}

var (
	bpDenom      = big.NewInt(10000)
	lineDenom    = big.NewInt(1000 * 10000) // thousandths of a unit × basis points
	errLineLarge = fmt.Errorf("a line's amount is out of range: %w", ErrAmountTooLarge)
)

func toInt64(v *big.Int) (int64, error) {
	if !v.IsInt64() {
		return 0, errLineLarge
	}
	return v.Int64(), nil
}

// LineNetMinor returns quantity × unit price × (1 − discount), rounded once to
// the minor unit (rule 1).
func LineNetMinor(l *ProposalLine) (int64, error) {
	n := big.NewInt(l.QuantityMilli)
	n.Mul(n, big.NewInt(l.UnitPriceMinor))
	n.Mul(n, big.NewInt(10000-l.DiscountBP))
	return toInt64(roundDiv(n, lineDenom))
}

// applyBP returns round(amount × bp / 10000).
func applyBP(amount, bp int64) int64 {
	n := new(big.Int).Mul(big.NewInt(amount), big.NewInt(bp))
	// |amount| < 2^63 and bp ≤ 10000 so the result fits again.
	return roundDiv(n, bpDenom).Int64()
}

func addChecked(a, b int64) (int64, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, ErrAmountTooLarge
	}
	return s, nil
}

// ProposalTotals computes the figures of p with lines, taken in the order
// given (sort them with SortLines first). It fails only with
// ErrAmountTooLarge, for amounts beyond 92 quadrillion minor units.
func ProposalTotals(p *Proposal, lines []*ProposalLine) (Totals, error) {
	t := Totals{Currency: p.Currency, LineNet: make([]int64, len(lines))}
	sectionAt := map[string]int{}
	base := map[int64]int64{} // tax rate → sum of included line nets
	var err error
	for i, l := range lines {
		net, err := LineNetMinor(l)
		if err != nil {
			return Totals{}, fmt.Errorf("model: line %d (%s): %w", i+1, firstLine(l.Description, 40), err)
		}
		t.LineNet[i] = net
		if l.Optional {
			t.Optional = append(t.Optional, i)
			if t.OptionalMinor, err = addChecked(t.OptionalMinor, net); err != nil {
				return Totals{}, fmt.Errorf("model: optional lines: %w", err)
			}
			continue
		}
		si, ok := sectionAt[l.Section]
		if !ok {
			si = len(t.Sections)
			sectionAt[l.Section] = si
			t.Sections = append(t.Sections, SectionTotal{Name: l.Section})
		}
		s := &t.Sections[si]
		s.Lines = append(s.Lines, i)
		if s.NetMinor, err = addChecked(s.NetMinor, net); err != nil {
			return Totals{}, fmt.Errorf("model: section %q: %w", l.Section, err)
		}
		if t.SubtotalMinor, err = addChecked(t.SubtotalMinor, net); err != nil {
			return Totals{}, fmt.Errorf("model: subtotal: %w", err)
		}
		if base[l.TaxRateBP], err = addChecked(base[l.TaxRateBP], net); err != nil {
			return Totals{}, fmt.Errorf("model: subtotal: %w", err)
		}
	}
	rates := make([]int64, 0, len(base))
	for r := range base {
		rates = append(rates, r)
	}
	sort.Slice(rates, func(i, j int) bool { return rates[i] > rates[j] })
	for _, r := range rates {
		disc := applyBP(base[r], p.DiscountBP)
		net := base[r] - disc
		tax := applyBP(net, r)
		t.Taxes = append(t.Taxes, TaxTotal{RateBP: r, BaseMinor: net, DiscountMinor: disc, TaxMinor: tax})
		t.DiscountMinor += disc // ≤ subtotal, cannot overflow
		if t.TaxMinor, err = addChecked(t.TaxMinor, tax); err != nil {
			return Totals{}, fmt.Errorf("model: tax: %w", err)
		}
	}
	t.NetMinor = t.SubtotalMinor - t.DiscountMinor
	if t.TotalMinor, err = addChecked(t.NetMinor, t.TaxMinor); err != nil {
		return Totals{}, fmt.Errorf("model: total: %w", err)
	}
	return t, nil
}

// SortLines orders lines by position, then by id so that two lines given the
// same position on two laptops still come out in the same order everywhere.
func SortLines(lines []*ProposalLine) {
	sort.SliceStable(lines, func(i, j int) bool {
		if lines[i].Position != lines[j].Position {
			return lines[i].Position < lines[j].Position
		}
		return lines[i].ID < lines[j].ID
	})
}

// DisplayNumber is the number as printed: "Q-2026-7KQ2M-0001", with
// "-R2" appended from the second revision on.
func (p *Proposal) DisplayNumber() string {
	if p.Revision > 1 {
		return fmt.Sprintf("%s-R%d", p.Number, p.Revision)
	}
	return p.Number
}

// Root returns the id shared by every revision of p: its first revision's id.
func (p *Proposal) Root() string {
	if p.RootID != "" {
		return p.RootID
	}
	return p.ID
}

// Open reports whether p still waits for the customer's answer (draft or sent).
func (p *Proposal) Open() bool { return p.Status == ProposalDraft || p.Status == ProposalSent }
