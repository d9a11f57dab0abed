package export_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

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
