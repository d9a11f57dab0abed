package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"relais/export"
	"relais/model"
	"relais/model/modeltest"
)

func TestCSVLocale(t *testing.T) {
	cases := []struct {
		lang, want string
	}{
		{"fr", "\uFEFFMontant;TVA;Quantité;Payé\r\n1234,50;5,5;2,5;oui\r\n-0,05;20;1;non\r\n"},
		{"en", "\uFEFFAmount,Tax,Quantity,Paid\r\n1234.50,5.5,2.5,yes\r\n-0.05,20,1,no\r\n"},
	}
	for _, c := range cases {
		t.Run(c.lang, func(t *testing.T) {
			var buf bytes.Buffer
			w := export.NewCSV(&buf, c.lang)
			if c.lang == "fr" {
				w.Write("Montant", "TVA", "Quantité", "Payé")
			} else {
				w.Write("Amount", "Tax", "Quantity", "Paid")
			}
			w.Write(w.Money(model.Money{Minor: 123450, Currency: "EUR"}), w.Percent(550), export.NewCSV(nil, c.lang).FormatValue(export.Value{Type: export.TypeQuantity, Num: 2500}, nil), w.Bool(true))
			w.Write(w.Decimal(-5, 2), w.Percent(2000), w.FormatValue(export.Value{Type: export.TypeQuantity, Num: 1000}, nil), w.Bool(false))
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if buf.String() != c.want {
				t.Fatalf("got  %q\nwant %q", buf.String(), c.want)
			}
		})
	}
	t.Run("JPYHasNoDecimals", func(t *testing.T) {
		w := export.NewCSV(&bytes.Buffer{}, "fr")
		if got := w.Money(model.Money{Minor: 1500, Currency: "JPY"}); got != "1500" {
			t.Fatalf("got %q", got)
		}
	})
}

func TestListFilterAndHeaders(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	acc := &model.Account{Name: "Fromagerie Lefèvre"}
	modeltest.Create(t, s, acc)
	modeltest.Create(t, s,
		&model.Contact{FirstName: "Élodie", LastName: "Lefèvre", AccountID: acc.ID, Emails: []string{"e@l.fr", "x@l.fr"}},
		&model.Contact{FirstName: "Bob", LastName: "Martin"})
	var buf bytes.Buffer
	opts := export.Options{Lang: "fr", Location: time.UTC}
	tw := export.NewCSVTable(&buf, opts)
	n, err := export.List(ctx, s.DB(), model.KindContact, model.Query{Where: "account_id = ?", Args: []any{acc.ID}}, tw, opts)
	if err != nil || tw.Close() != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\r\n")
	if n != 1 || len(lines) != 2 {
		t.Fatalf("%d rows: %q", n, lines)
	}
	if !strings.HasPrefix(lines[0], "\uFEFFID;Compte;Prénom;Nom;") || !strings.Contains(lines[1], ";Fromagerie Lefèvre;Élodie;Lefèvre;") || !strings.Contains(lines[1], ";e@l.fr, x@l.fr;") {
		t.Fatalf("got %q", lines)
	}
}

// A text cell a spreadsheet would run as a formula gets an apostrophe in
// CSV; numbers and ordinary text are written as they are, and RestoreFormula
// gives back exactly what was written.
func TestCSVDefusesFormulas(t *testing.T) {
	cases := []struct{ in, want string }{
		{`=HYPERLINK("http://evil.example","clic")`, `'=HYPERLINK("http://evil.example","clic")`},
		{"+33 3 81 00 00 00", "'+33 3 81 00 00 00"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"'=1+1", "''=1+1"}, // already quoted text keeps its apostrophe
		{"''@x", "'''@x"},
		{"-1234.50", "-1234.50"},
		{"-0,05", "-0,05"},
		{"+42", "+42"},
		{"'-5", "'-5"},
		{"O'Neil", "O'Neil"},
		{"a=b", "a=b"},
		{"'", "'"},
		{"", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			if got := export.DefuseFormula(c.in); got != c.want {
				t.Fatalf("DefuseFormula(%q) = %q, want %q", c.in, got, c.want)
			}
			if back := export.RestoreFormula(c.want); back != c.in {
				t.Fatalf("RestoreFormula(%q) = %q, want %q", c.want, back, c.in)
			}
			var buf bytes.Buffer
			w := export.NewCSV(&buf, "en")
			cells := []string{c.in}
			w.Write(cells...)
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if cells[0] != c.in {
				t.Fatalf("Write changed the caller's slice: %q", cells[0])
			}
			got, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).Read()
			if c.in == "" {
				return // an empty record reads back as no record
			}
			if err != nil || len(got) != 1 || strings.ReplaceAll(got[0], "\r", "") != strings.ReplaceAll(c.want, "\r", "") {
				t.Fatalf("CSV cell %q (%v), want %q", got, err, c.want)
			}
		})
	}
}

// In an XLSX list export, text that looks like a formula is a text cell:
// Excel shows it and never evaluates it.
func TestXLSXTextIsNeverAFormula(t *testing.T) {
	s := modeltest.Open(t)
	evil := `=HYPERLINK("http://evil.example","clic")`
	modeltest.Create(t, s, &model.Contact{FirstName: "Eve", LastName: evil, Title: "@SUM(A1)"})
	var buf bytes.Buffer
	tw, err := export.NewXLSXTable(&buf, "Contacts", export.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := export.List(context.Background(), s.DB(), model.KindContact, model.Query{}, tw, export.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Contacts")
	if err != nil || len(rows) != 2 {
		t.Fatalf("%d rows (%v)", len(rows), err)
	}
	found := 0
	for i, v := range rows[1] {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if formula, _ := f.GetCellFormula("Contacts", cell); formula != "" {
			t.Errorf("%s holds the formula %q", cell, formula)
		}
		if v == evil || v == "@SUM(A1)" {
			found++
		}
	}
	if found != 2 {
		t.Fatalf("the text did not come back as written: %q", rows[1])
	}
}
