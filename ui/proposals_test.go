package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/model"
)

// totalsText is the totals panel as "label=amount" lines.
func totalsText(e *proposalEditor) string {
	var b strings.Builder
	for _, r := range e.totalRows {
		b.WriteString(r[0] + "=" + r[1] + "\n")
	}
	return b.String()
}

func TestProposalEditor(t *testing.T) {
	var acct *model.Account
	var stand, catering *model.Product
	a, s := openApp(t, "en", func(s *model.Store) {
		acct = &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon"}
		stand = &model.Product{SKU: "STD-9", Name: "Stand 9 m²", Unit: "pc", PriceMinor: 250000, Currency: "EUR", TaxRateBP: 2000, Availability: model.InStock}
		catering = &model.Product{SKU: "CAT-1", Name: "Lunch tray", Unit: "pc", PriceMinor: 1890, Currency: "EUR", TaxRateBP: 1000, Availability: model.InStock}
		for _, r := range []model.Record{acct, stand, catering} {
			if err := s.Create(t.Context(), r); err != nil {
				t.Fatal(err)
			}
		}
	})
	a.show("proposals")
	a.settle()
	scr := a.current.(*proposalsScreen)
	scr.create(model.ProposalSource{AccountID: acct.ID})
	a.settle()
	e := scr.ed
	if e.p == nil || e.p.AccountID != acct.ID || !strings.Contains(e.heading.Text, "Fromagerie Lefèvre") {
		t.Fatalf("the new proposal is not open: %+v", e.p)
	}
	if scr.pages.Len() != 1 {
		t.Errorf("the list shows %d proposals", scr.pages.Len())
	}

	// A section, a product line in it, another product line, an optional line.
	typeInto(a, e.section, "Stand")
	typeInto(a, e.product.entry, "std-9") // search the catalogue, Enter takes the first hit
	e.product.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if e.product.ID() != stand.ID {
		t.Fatalf("the product search chose %q", e.product.ID())
	}
	test.Tap(e.addProduct)
	a.settle()
	e.product.Set(catering.ID)
	e.quantity.SetText("")
	typeInto(a, e.quantity, "40")
	typeInto(a, e.section, "") // unchanged section: still "Stand"
	e.section.SetText("Catering")
	test.Tap(e.addProduct)
	a.settle()
	if len(e.lines) != 2 || e.lines[1].QuantityMilli != 40000 || e.lines[1].Section != "Catering" {
		t.Fatalf("lines = %+v", e.lines)
	}
	if got := totalsText(e); got != "Total excl. VAT=€3,256.00\nVAT 20% on €2,500.00=€500.00\nVAT 10% on €756.00=€75.60\nTotal incl. VAT=€3,831.60\n" {
		t.Errorf("totals after two lines:\n%s", got)
	}
	// Rows: section, line, subtotal for each of the two sections.
	if len(e.rows) != 6 || e.rows[0].text != "Stand" || e.rows[2].kind != rowSubtotal || e.rows[3].text != "Catering" {
		t.Errorf("rows = %+v", e.rows)
	}

	// A free optional line through the line dialog.
	e.editLineDialog(nil)
	d := e.lineDlg
	typeInto(a, d.in.description, "Écran 55″ (location 3 jours)")
	d.in.quantity.SetText("")
	typeInto(a, d.in.quantity, "1")
	typeInto(a, d.in.price, "450")
	d.in.section.SetText("Stand")
	test.Tap(d.in.optional)
	d.submit()
	a.settle()
	for _, f := range []string{"description", "quantity_milli", "unit_price_minor", "section", "optional"} {
		if m := d.frm.message(f); m != "" {
			t.Errorf("%s: %s", f, m)
		}
	}
	if len(e.lines) != 3 || !e.lines[2].Optional || e.lines[2].UnitPriceMinor != 45000 {
		t.Fatalf("lines = %+v", e.lines)
	}
	if got := totalsText(e); !strings.Contains(got, "Total incl. VAT=€3,831.60\n") || !strings.Contains(got, "Options, excl. VAT=€450.00") {
		t.Errorf("the optional line changed the total:\n%s", got)
	}

	// An overall discount: totals follow as it is typed, and Ctrl+S saves it.
	typeInto(a, e.discount, "5")
	if got := totalsText(e); !strings.Contains(got, "Discount=-€162.80\n") || !strings.Contains(got, "Total incl. VAT=€3,640.02\n") {
		t.Errorf("totals with 5 %% typed:\n%s", got)
	}
	press(t, a, fyne.KeyS)
	var saved model.Proposal
	if err := s.Get(t.Context(), e.p.ID, &saved); err != nil || saved.DiscountBP != 500 {
		t.Fatalf("saved discount = %d, %v", saved.DiscountBP, err)
	}

	// A bad line is refused beside its field, nothing saved.
	e.editLineDialog(nil)
	d = e.lineDlg
	typeInto(a, d.in.quantity, "abc")
	d.submit()
	a.settle()
	if d.frm.message("description") == "" || d.frm.message("quantity_milli") == "" || len(e.lines) != 3 {
		t.Errorf("messages %q %q, %d lines", d.frm.message("description"), d.frm.message("quantity_milli"), len(e.lines))
	}

	// Send it, then make a new revision: the first stays as it was, read-only.
	first := e.p.ID
	e.status.SetSelected("Sent")
	a.settle()
	if e.p.Status != model.ProposalSent || e.locked == "" || !e.addProduct.Disabled() {
		t.Fatalf("after sending: status %s, locked %q", e.p.Status, e.locked)
	}
	test.Tap(e.newRevision)
	a.settle()
	if e.p.Revision != 2 || e.p.ID == first || e.locked != "" || len(e.lines) != 3 || len(e.revisions) != 2 {
		t.Fatalf("revision 2: %+v, locked %q, %d lines", e.p, e.locked, len(e.lines))
	}
	e.product.Set(stand.ID)
	test.Tap(e.addProduct)
	a.settle()
	if len(e.lines) != 4 {
		t.Fatalf("revision 2 has %d lines", len(e.lines))
	}
	e.revision.SetSelected(revisionLabel(e.revisions[0]))
	a.settle()
	if e.p.ID != first || len(e.lines) != 3 || e.locked == "" || !e.addProduct.Disabled() || !strings.Contains(e.banner.Text, "revision 2 replaces it") {
		t.Errorf("revision 1 reopened: %s, %d lines, banner %q", e.p.DisplayNumber(), len(e.lines), e.banner.Text)
	}
	if got := totalsText(e); !strings.Contains(got, "Total incl. VAT=€3,640.02\n") {
		t.Errorf("revision 1 totals changed:\n%s", got)
	}
}

func TestParseScaled(t *testing.T) {
	tests := []struct {
		in    string
		scale int
		want  int64
		bad   bool
	}{
		{"2,5", 3, 2500, false}, {"2.5", 3, 2500, false}, {"1 000", 3, 1000000, false}, {"5,5 %", 2, 550, false},
		{"", 2, 0, false}, {"0.001", 3, 1, false}, {"0.0001", 3, 0, true}, {"abc", 3, 0, true}, {"-1", 3, 0, true},
	}
	for _, tc := range tests {
		got, err := parseScaled(tc.in, tc.scale)
		if (err != nil) != tc.bad || (!tc.bad && got != tc.want) {
			t.Errorf("parseScaled(%q, %d) = %d, %v", tc.in, tc.scale, got, err)
		}
	}
	if got := formatScaled(2500, 3, true); got != "2,5" {
		t.Errorf("formatScaled = %q", got)
	}
}

// overlayButton taps the button labelled text on the top dialog.
func overlayButton(t *testing.T, a *App, text string) *widget.Button {
	t.Helper()
	for _, o := range test.LaidOutObjects(a.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no %q button on the top dialog", text)
	return nil
}

// TestNewProposalCreatesTheAccount is the first-hour dead end of issue 14:
// a proposal for a client the database does not know yet. The dialog says
// it will create the account, and Create does both; a name typed in full
// reuses the account of that name; a contact that does not exist is said,
// not silently dropped.
func TestNewProposalCreatesTheAccount(t *testing.T) {
	a, s := openApp(t, "fr", func(s *model.Store) {
		if err := s.Create(t.Context(), &model.Account{Name: "Fromagerie Lefèvre"}); err != nil {
			t.Fatal(err)
		}
	})
	a.show("proposals")
	a.settle()
	scr := a.current.(*proposalsScreen)
	accounts := func() []*model.Account {
		list, err := model.List[model.Account](t.Context(), s.DB(), model.Query{OrderBy: "name"})
		if err != nil {
			t.Fatal(err)
		}
		return list
	}

	scr.newRecord()
	typeInto(a, a.win.Canvas().Focused(), "Brasserie Étoile")
	a.settle()
	if !hasLabel(a.win.Canvas().Overlays().Top(), "Aucun compte choisi : « Créer » créera aussi le compte « Brasserie Étoile ».") {
		t.Error("the dialog does not say it will create the account")
	}
	test.Tap(overlayButton(t, a, "Créer"))
	a.settle()
	list := accounts()
	if len(list) != 2 || list[0].Name != "Brasserie Étoile" {
		t.Fatalf("accounts %v", list)
	}
	if scr.ed.p == nil || scr.ed.p.AccountID != list[0].ID {
		t.Fatalf("the proposal open is %+v, want one for the new account", scr.ed.p)
	}
	if scr.count.Text != "1 proposition" {
		t.Errorf("the list counts %q, want the singular", scr.count.Text)
	}
	// No company profile yet: the editor says the PDF has no sender.
	if !scr.ed.noSender.Visible() {
		t.Error("a proposal without a company profile does not warn that its PDF has no sender")
	}
	if err := s.SetSetting(t.Context(), model.SettingCompanyName, "Relais Démo SAS"); err != nil {
		t.Fatal(err)
	}
	scr.ed.open(scr.ed.p.ID)
	a.settle()
	if scr.ed.noSender.Visible() {
		t.Error("the no-sender warning stays once the profile has a name")
	}

	// The same name again, typed in full: that account, no twin.
	scr.newRecord()
	typeInto(a, a.win.Canvas().Focused(), "brasserie étoile")
	a.settle()
	test.Tap(overlayButton(t, a, "Créer"))
	a.settle()
	if n := len(accounts()); n != 2 {
		t.Errorf("%d accounts after naming an existing one", n)
	}
	if scr.pages.Len() != 2 {
		t.Errorf("%d proposals, want 2", scr.pages.Len())
	}

	// Two accounts of one name: neither is taken, nothing is created.
	if err := s.Create(t.Context(), &model.Account{Name: "Fromagerie Lefèvre", City: "Dijon"}); err != nil {
		t.Fatal(err)
	}
	scr.createFor(model.KindAccount, "", "Fromagerie Lefèvre")
	a.settle()
	if !hasLabel(a.win.Canvas().Overlays().Top(), "2 comptes s’appellent « Fromagerie Lefèvre » : choisissez le bon dans la liste (leur ville les distingue).") {
		t.Error("two accounts of one name: no message")
	}
	if n := len(accounts()); n != 3 || scr.pages.Len() != 2 {
		t.Errorf("%d accounts and %d proposals after naming two accounts", n, scr.pages.Len())
	}

	// A contact nobody has: the dialog says so instead of closing on nothing.
	scr.createFor(model.KindContact, "", "Personne Inconnue")
	a.settle()
	if !hasLabel(a.win.Canvas().Overlays().Top(), "Choisissez dans la liste : Relais n’en a aucun de ce nom.") {
		t.Error("no message for a contact that does not exist")
	}
	if scr.pages.Len() != 2 {
		t.Errorf("%d proposals after naming no contact", scr.pages.Len())
	}
}

// hasLabel reports whether a label (or a dialog's message) inside o reads text.
func hasLabel(o fyne.CanvasObject, text string) bool {
	for _, x := range test.LaidOutObjects(o) {
		if l, ok := x.(*widget.Label); ok && l.Text == text {
			return true
		}
	}
	return false
}
