package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"relais/model"
)

func TestProductsScreen(t *testing.T) {
	var acct *model.Account
	a, s := openApp(t, "fr", func(s *model.Store) {
		acct = &model.Account{Name: "Fromagerie Lefèvre"}
		if err := s.Create(t.Context(), acct); err != nil {
			t.Fatal(err)
		}
	})
	a.show("products")
	a.settle()
	scr := a.current.(*productsScreen)

	// A new product through the form (Ctrl+N, then Ctrl+S).
	press(t, a, fyne.KeyN)
	typeInto(a, scr.in.sku, "STD-9")
	typeInto(a, scr.in.name, "Stand 9 m²")
	typeInto(a, scr.in.price, "2 500,00")
	press(t, a, fyne.KeyS)
	if scr.pages.Len() != 1 || scr.cur == nil || scr.cur.ID == "" || scr.cur.PriceMinor != 250000 || scr.cur.TaxRateBP != 2000 {
		t.Fatalf("after save: %d products, current %+v", scr.pages.Len(), scr.cur)
	}
	prod := scr.cur

	// Refused input stays typed, with the message beside it.
	scr.in.tax.SetText("")
	typeInto(a, scr.in.tax, "vingt")
	press(t, a, fyne.KeyS)
	if scr.frm.message("tax_rate_bp") == "" || scr.in.tax.Text != "vingt" {
		t.Errorf("bad VAT: message %q, text %q", scr.frm.message("tax_rate_bp"), scr.in.tax.Text)
	}

	// An open proposal uses it; a price change effective today flags it.
	p, err := s.NewProposal(t.Context(), model.ProposalSource{AccountID: acct.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EditProposal(t.Context(), p.ID, func(e *model.ProposalEdit) error { _, err := e.AddProduct(prod.ID, "", 1000); return err }); err != nil {
		t.Fatal(err)
	}
	scr.open(prod.ID)
	a.settle()
	scr.onChangePrice()
	d := scr.priceForm
	d.price.SetText("")
	typeInto(a, d.price, "2 750")
	d.submit()
	a.settle()
	if scr.cur.PriceMinor != 275000 || len(scr.hist) != 2 || scr.hist[0].PriceMinor != 250000 || scr.hist[1].PriceMinor != 275000 {
		t.Fatalf("after the price change: price %d, history %+v", scr.cur.PriceMinor, scr.hist)
	}
	if len(scr.using) != 1 || !strings.Contains(scr.usingNote.Text, p.Number) {
		t.Errorf("using note %q", scr.usingNote.Text)
	}
	sums, err := s.ProposalSummaries(t.Context(), false, model.Query{})
	if err != nil || len(sums) != 1 {
		t.Fatal(err)
	}
	// Priced this morning at 2 500 €, repriced today: the proposal is flagged.
	if len(sums[0].Changes) != 1 || sums[0].Changes[0].NowMinor != 275000 {
		t.Errorf("the proposal is not flagged: %+v", sums[0].Changes)
	}

	// Search is accent- and case-insensitive.
	typeInto(a, scr.search, "std")
	if scr.pages.Len() != 1 {
		t.Errorf("search found %d", scr.pages.Len())
	}
	scr.search.SetText("")
	typeInto(a, scr.search, "zzz")
	if scr.pages.Len() != 0 {
		t.Errorf("search for zzz found %d", scr.pages.Len())
	}
}
