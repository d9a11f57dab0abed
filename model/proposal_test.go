package model_test

import (
	"errors"
	"math/rand"
	"reflect"
	"testing"

	"relais/model"
)

// ln builds a proposal line: quantity in thousandths, price in minor units,
// discount and tax in basis points.
func ln(section string, qtyMilli, price, discBP, taxBP int64) *model.ProposalLine {
	return &model.ProposalLine{Section: section, Description: "x", QuantityMilli: qtyMilli, UnitPriceMinor: price, DiscountBP: discBP, TaxRateBP: taxBP}
}

func optional(l *model.ProposalLine) *model.ProposalLine { l.Optional = true; return l }

func TestProposalTotals(t *testing.T) {
	type want struct {
		lineNet                          []int64
		subtotal, discount, net, tax, tt int64
		taxes                            []model.TaxTotal
		sections                         map[string]int64
		optional                         int64
	}
	tests := []struct {
		name     string
		currency string
		discBP   int64
		lines    []*model.ProposalLine
		want     want
	}{
		{name: "empty", currency: "EUR", want: want{lineNet: []int64{}}},
		{name: "one line 20 %", currency: "EUR", lines: []*model.ProposalLine{ln("", 3000, 1999, 0, 2000)},
			// 3 × 19.99 = 59.97; VAT 11.994 → 11.99
			want: want{lineNet: []int64{5997}, subtotal: 5997, net: 5997, tax: 1199, tt: 7196,
				taxes: []model.TaxTotal{{RateBP: 2000, BaseMinor: 5997, TaxMinor: 1199}}, sections: map[string]int64{"": 5997}}},
		{name: "line discount on fractional quantity", currency: "EUR", lines: []*model.ProposalLine{ln("", 2500, 8000, 1000, 2000)},
			// 2.5 h × 80.00 − 10 % = 180.00
			want: want{lineNet: []int64{18000}, subtotal: 18000, net: 18000, tax: 3600, tt: 21600,
				taxes: []model.TaxTotal{{RateBP: 2000, BaseMinor: 18000, TaxMinor: 3600}}, sections: map[string]int64{"": 18000}}},
		{name: "half a cent rounds away from zero", currency: "EUR", lines: []*model.ProposalLine{
			ln("", 500, 1, 0, 0),      // 0.5 cent → 1
			ln("", 1000, 5, 5000, 0),  // 2.5 cents → 3
			ln("", 1333, 10, 0, 0),    // 13.33 cents → 13
			ln("", 1000, 5, 0, 1000)}, // tax on 5 cents at 10 % = 0.5 → 1
			want: want{lineNet: []int64{1, 3, 13, 5}, subtotal: 22, net: 22, tax: 1, tt: 23,
				taxes:    []model.TaxTotal{{RateBP: 1000, BaseMinor: 5, TaxMinor: 1}, {RateBP: 0, BaseMinor: 17, TaxMinor: 0}},
				sections: map[string]int64{"": 22}}},
		{name: "optional lines stay out of every total", currency: "EUR", lines: []*model.ProposalLine{
			ln("Stand", 1000, 100000, 0, 2000), optional(ln("Stand", 2000, 25000, 0, 2000)), optional(ln("", 1000, 999, 0, 550))},
			want: want{lineNet: []int64{100000, 50000, 999}, subtotal: 100000, net: 100000, tax: 20000, tt: 120000,
				taxes: []model.TaxTotal{{RateBP: 2000, BaseMinor: 100000, TaxMinor: 20000}}, sections: map[string]int64{"Stand": 100000}, optional: 50999}},
		{name: "three French VAT rates", currency: "EUR", lines: []*model.ProposalLine{
			ln("Matériel", 2000, 12550, 0, 2000), // 251.00, VAT 50.20
			ln("Traiteur", 40000, 1890, 0, 1000), // 40 × 18.90 = 756.00, VAT 75.60
			ln("Livres", 3000, 999, 0, 550)},     // 29.97, VAT 1.64835 → 1.65
			want: want{lineNet: []int64{25100, 75600, 2997}, subtotal: 103697, net: 103697, tax: 12745, tt: 116442,
				taxes:    []model.TaxTotal{{RateBP: 2000, BaseMinor: 25100, TaxMinor: 5020}, {RateBP: 1000, BaseMinor: 75600, TaxMinor: 7560}, {RateBP: 550, BaseMinor: 2997, TaxMinor: 165}},
				sections: map[string]int64{"Matériel": 25100, "Traiteur": 75600, "Livres": 2997}}},
		{name: "overall discount is taken per rate", currency: "EUR", discBP: 500, lines: []*model.ProposalLine{
			ln("", 1000, 10001, 0, 2000), // 100.01 − 5 % (5.0005 → 5.00) = 95.01; VAT 19.002 → 19.00
			ln("", 1000, 3333, 0, 550)},  // 33.33 − 5 % (1.6665 → 1.67) = 31.66; VAT 1.7413 → 1.74
			want: want{lineNet: []int64{10001, 3333}, subtotal: 13334, discount: 667, net: 12667, tax: 2074, tt: 14741,
				taxes:    []model.TaxTotal{{RateBP: 2000, BaseMinor: 9501, DiscountMinor: 500, TaxMinor: 1900}, {RateBP: 550, BaseMinor: 3166, DiscountMinor: 167, TaxMinor: 174}},
				sections: map[string]int64{"": 13334}}},
		{name: "line and overall discount combine", currency: "EUR", discBP: 1000, lines: []*model.ProposalLine{ln("", 1000, 10000, 2000, 2000)},
			want: want{lineNet: []int64{8000}, subtotal: 8000, discount: 800, net: 7200, tax: 1440, tt: 8640,
				taxes: []model.TaxTotal{{RateBP: 2000, BaseMinor: 7200, DiscountMinor: 800, TaxMinor: 1440}}, sections: map[string]int64{"": 8000}}},
		{name: "100 % discount gives zero", currency: "EUR", lines: []*model.ProposalLine{ln("", 1000, 5000, 10000, 2000)},
			want: want{lineNet: []int64{0}, taxes: []model.TaxTotal{{RateBP: 2000}}, sections: map[string]int64{"": 0}}},
		{name: "yen has no minor unit", currency: "JPY", lines: []*model.ProposalLine{ln("", 3000, 1234, 0, 1000), ln("", 1000, 5, 1000, 1000)},
			// ¥3702 + ¥4.5 → ¥5; tax 370.7 → 371
			want: want{lineNet: []int64{3702, 5}, subtotal: 3707, net: 3707, tax: 371, tt: 4078,
				taxes: []model.TaxTotal{{RateBP: 1000, BaseMinor: 3707, TaxMinor: 371}}, sections: map[string]int64{"": 3707}}},
		{name: "dinar has three decimals", currency: "BHD", lines: []*model.ProposalLine{ln("", 1500, 2125, 0, 1000)},
			// 1.5 × 2.125 BHD = 3.1875 → 3.188; VAT 0.3188 → 0.319
			want: want{lineNet: []int64{3188}, subtotal: 3188, net: 3188, tax: 319, tt: 3507,
				taxes: []model.TaxTotal{{RateBP: 1000, BaseMinor: 3188, TaxMinor: 319}}, sections: map[string]int64{"": 3188}}},
		{name: "sections group lines in order of first appearance", currency: "USD", lines: []*model.ProposalLine{
			ln("B", 1000, 100, 0, 0), ln("A", 1000, 200, 0, 0), ln("B", 1000, 300, 0, 0)},
			want: want{lineNet: []int64{100, 200, 300}, subtotal: 600, net: 600, tt: 600,
				taxes: []model.TaxTotal{{RateBP: 0, BaseMinor: 600}}, sections: map[string]int64{"B": 400, "A": 200}}},
		{name: "large but exact amounts", currency: "EUR", lines: []*model.ProposalLine{ln("", 999_999_999_999, 9_999_999, 1, 2000)},
			// 999 999 999.999 × 99 999.99 × 0.9999 computed exactly, no float drift
			want: want{lineNet: []int64{9998999000090001}, subtotal: 9998999000090001, net: 9998999000090001, tax: 1999799800018000, tt: 11998798800108001,
				taxes: []model.TaxTotal{{RateBP: 2000, BaseMinor: 9998999000090001, TaxMinor: 1999799800018000}}, sections: map[string]int64{"": 9998999000090001}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := &model.Proposal{Currency: tc.currency, DiscountBP: tc.discBP}
			got, err := model.ProposalTotals(p, tc.lines)
			if err != nil {
				t.Fatal(err)
			}
			w := tc.want
			if !reflect.DeepEqual(got.LineNet, w.lineNet) {
				t.Errorf("line nets = %v, want %v", got.LineNet, w.lineNet)
			}
			if got.SubtotalMinor != w.subtotal || got.DiscountMinor != w.discount || got.NetMinor != w.net || got.TaxMinor != w.tax || got.TotalMinor != w.tt {
				t.Errorf("subtotal %d discount %d net %d tax %d total %d; want %d %d %d %d %d",
					got.SubtotalMinor, got.DiscountMinor, got.NetMinor, got.TaxMinor, got.TotalMinor, w.subtotal, w.discount, w.net, w.tax, w.tt)
			}
			if len(got.Taxes) != len(w.taxes) || (len(w.taxes) > 0 && !reflect.DeepEqual(got.Taxes, w.taxes)) {
				t.Errorf("taxes = %+v, want %+v", got.Taxes, w.taxes)
			}
			secs := map[string]int64{}
			for _, s := range got.Sections {
				secs[s.Name] = s.NetMinor
			}
			if len(secs) != len(w.sections) || (len(secs) > 0 && !reflect.DeepEqual(secs, w.sections)) {
				t.Errorf("sections = %v, want %v", secs, w.sections)
			}
			if got.OptionalMinor != w.optional {
				t.Errorf("optional = %d, want %d", got.OptionalMinor, w.optional)
			}
			checkInvariants(t, got)
		})
	}
}

func TestProposalTotalsSectionOrder(t *testing.T) {
	lines := []*model.ProposalLine{ln("B", 1000, 1, 0, 0), ln("A", 1000, 1, 0, 0), ln("B", 1000, 1, 0, 0), optional(ln("B", 1000, 1, 0, 0))}
	got, err := model.ProposalTotals(&model.Proposal{Currency: "EUR"}, lines)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Sections) != 2 || got.Sections[0].Name != "B" || !reflect.DeepEqual(got.Sections[0].Lines, []int{0, 2}) || !reflect.DeepEqual(got.Sections[1].Lines, []int{1}) {
		t.Errorf("sections = %+v", got.Sections)
	}
	if !reflect.DeepEqual(got.Optional, []int{3}) {
		t.Errorf("optional = %v", got.Optional)
	}
}

func TestProposalTotalsTooLarge(t *testing.T) {
	tests := []struct {
		name  string
		lines []*model.ProposalLine
	}{
		{"one line", []*model.ProposalLine{ln("", 1e12, 1e13, 0, 0)}},
		{"sum of lines", []*model.ProposalLine{ln("", 1e9, 5e12, 0, 0), ln("", 1e9, 5e12, 0, 0)}},
		{"with tax", []*model.ProposalLine{ln("", 1e9, 9e12, 0, 2000)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := model.ProposalTotals(&model.Proposal{Currency: "EUR"}, tc.lines)
			if !errors.Is(err, model.ErrAmountTooLarge) {
				t.Fatalf("err = %v, want ErrAmountTooLarge", err)
			}
		})
	}
}

// checkInvariants asserts that the printed figures add up exactly.
func checkInvariants(t *testing.T, got model.Totals) {
	t.Helper()
	var secs, bases, taxes, discs int64
	for _, s := range got.Sections {
		secs += s.NetMinor
		var sum int64
		for _, i := range s.Lines {
			sum += got.LineNet[i]
		}
		if sum != s.NetMinor {
			t.Errorf("section %q = %d, its lines sum to %d", s.Name, s.NetMinor, sum)
		}
	}
	for _, x := range got.Taxes {
		bases += x.BaseMinor
		taxes += x.TaxMinor
		discs += x.DiscountMinor
	}
	if secs != got.SubtotalMinor || discs != got.DiscountMinor || bases != got.NetMinor || got.SubtotalMinor-got.DiscountMinor != got.NetMinor ||
		taxes != got.TaxMinor || got.NetMinor+got.TaxMinor != got.TotalMinor {
		t.Errorf("figures do not add up: %+v", got)
	}
}

func TestProposalTotalsInvariants(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	rates := []int64{0, 210, 550, 1000, 2000}
	for i := 0; i < 500; i++ {
		var lines []*model.ProposalLine
		for j := rng.Intn(40); j >= 0; j-- {
			l := ln(string(rune('A'+rng.Intn(4))), 1+rng.Int63n(100000), rng.Int63n(1000000), rng.Int63n(10001), rates[rng.Intn(len(rates))])
			l.Optional = rng.Intn(8) == 0
			lines = append(lines, l)
		}
		got, err := model.ProposalTotals(&model.Proposal{Currency: "EUR", DiscountBP: rng.Int63n(3000)}, lines)
		if err != nil {
			t.Fatal(err)
		}
		checkInvariants(t, got)
	}
}

func TestDisplayNumber(t *testing.T) {
	p := &model.Proposal{Number: "Q-2026-7KQ2M-0001", Revision: 1}
	if got := p.DisplayNumber(); got != "Q-2026-7KQ2M-0001" {
		t.Errorf("rev 1: %q", got)
	}
	p.Revision = 3
	if got := p.DisplayNumber(); got != "Q-2026-7KQ2M-0001-R3" {
		t.Errorf("rev 3: %q", got)
	}
}
