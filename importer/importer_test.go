package importer_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"relais/export"
	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

func runFile(t *testing.T, s *model.Store, path string, opts importer.Options) *importer.Summary {
	t.Helper()
	if opts.Kind == "" {
		opts.Kind = model.KindContact
	}
	sum, err := importer.Run(context.Background(), s, openAny(t, path), opts)
	if err != nil {
		t.Fatalf("import %s: %v", path, err)
	}
	for _, e := range sum.Errors {
		t.Logf("%s", e)
	}
	return sum
}

func TestCSVDetection(t *testing.T) {
	text := "Prénom;Nom;Société;E-mail;Notes\r\nÉlodie;Lefèvre;Fromagerie Lefèvre;elodie@lefevre.fr;\"ligne 1\r\nligne 2; avec point-virgule\"\r\n"
	win, _ := charmap.Windows1252.NewEncoder().String(text)
	utf16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.ReplaceAll(text, ";", "\t"))
	cases := []struct {
		name, data string
		opts       importer.FileOptions
		encoding   string
		delim      rune
	}{
		{"UTF8BOMSemicolon", "\uFEFF" + text, importer.FileOptions{}, importer.EncodingUTF8, ';'},
		{"UTF8NoBOM", text, importer.FileOptions{}, importer.EncodingUTF8, ';'},
		{"Windows1252", win, importer.FileOptions{}, importer.EncodingWindows1252, ';'},
		{"Latin1Chosen", win, importer.FileOptions{Encoding: importer.EncodingLatin1}, importer.EncodingLatin1, ';'},
		{"Comma", strings.ReplaceAll(text, ";", ","), importer.FileOptions{}, importer.EncodingUTF8, ','},
		{"UTF16Tab", utf16, importer.FileOptions{}, importer.EncodingUTF16, '\t'},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src, det, err := importer.NewCSV(strings.NewReader(c.data), int64(len(c.data)), c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if det.Encoding != c.encoding || det.Delimiter != c.delim || !det.Header {
				t.Fatalf("detected %+v", det)
			}
			if got := src.Columns(); got[0] != "Prénom" || len(got) != 5 {
				t.Fatalf("columns %q", got)
			}
			s := modeltest.Open(t)
			sum, err := importer.Run(context.Background(), s, src, importer.Options{Kind: model.KindContact, Lang: "fr"})
			if err != nil || sum.Created != 1 {
				t.Fatalf("import: %v %+v", err, sum)
			}
			cs := contacts(t, s)
			want := "ligne 1\nligne 2; avec point-virgule"
			if c.delim == '\t' || c.delim == ',' {
				want = strings.NewReplacer(";", string(c.delim)).Replace(want)
			}
			if cs[0].FirstName != "Élodie" || cs[0].Notes != want {
				t.Fatalf("stored %q, notes %q", cs[0].FirstName, cs[0].Notes)
			}
			var a model.Account
			if err := s.Get(context.Background(), cs[0].AccountID, &a); err != nil || a.Name != "Fromagerie Lefèvre" {
				t.Fatalf("account %q: %v", a.Name, err)
			}
		})
	}
	t.Run("NoHeader", func(t *testing.T) {
		data := "Dupont,Jean,jean@dupont.fr\nMartin,Anne,anne@martin.fr\n"
		src, det, err := importer.NewCSV(strings.NewReader(data), 0, importer.FileOptions{})
		if err != nil || det.Header {
			t.Fatalf("header detected in %q (%v)", data, err)
		}
		m := importer.Mapping{"last_name", "first_name", "emails"}
		s := modeltest.Open(t)
		sum, err := importer.Run(context.Background(), s, src, importer.Options{Kind: model.KindContact, Mapping: m})
		if err != nil || sum.Created != 2 {
			t.Fatalf("import: %v %+v", err, sum)
		}
	})
}

func TestSuggest(t *testing.T) {
	cases := []struct {
		kind model.Kind
		cols []string
		want importer.Mapping
	}{
		{model.KindContact, []string{"First Name", "Last Name", "Company Name", "Email", "Phone Number", "Lifecycle Stage", "Job Title", "Contact owner"},
			importer.Mapping{"first_name", "last_name", "account_id", "emails", "phones", "tags", "title", "owner_id"}},
		{model.KindContact, []string{"Prénom", "Nom", "Société", "E-mail 2", "Portable", "Commentaires", "Inconnu"},
			importer.Mapping{"first_name", "last_name", "account_id", "emails", "phones", "notes", ""}},
		{model.KindContact, []string{"Display Name", "Primary Email"}, importer.Mapping{"full_name", "emails"}},
		{model.KindAccount, []string{"Company name", "Code postal", "Ville", "Pays", "N° TVA", "Lifecycle Stage"},
			importer.Mapping{"name", "postal_code", "city", "country", "vat_number", "segment"}},
		{model.KindProduct, []string{"Référence", "Désignation", "Prix HT", "TVA", "Unité"},
			importer.Mapping{"sku", "name", "price_minor", "tax_rate_bp", "unit"}},
		{model.KindDeal, []string{"Deal Name", "Deal Stage", "Amount", "Close Date", "Associated Company"},
			importer.Mapping{"title", "stage_id", "amount_minor", "expected_close", "account_id"}},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.cols, ","), func(t *testing.T) {
			got := importer.Suggest(c.kind, c.cols)
			if strings.Join(got, "|") != strings.Join(c.want, "|") {
				t.Fatalf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestDeduplication(t *testing.T) {
	ctx := context.Background()
	file := writeFile(t, "c.csv", "First Name,Last Name,Company,Email,Phone,Tags\n"+
		"Élodie,Lefèvre,Fromagerie Lefèvre,ELODIE@lefevre.fr,,vip\n"+ // same e-mail, other case
		"Marc,Petit,,,06 12 34 56 78,\n"+ // same phone, other format
		"Anne,Martin,Martin SA,,,\n"+ // same name and company
		"Paul,Neuf,,paul@neuf.fr,,\n") // new
	for _, c := range []struct {
		action                    importer.Action
		created, updated, skipped int
		contacts                  int
	}{
		// Élodie's e-mail identifies her; Marc's phone and Anne's name only
		// propose, and their rows add nothing: the same data, skipped.
		{importer.Merge, 1, 1, 2, 4},
		{importer.Update, 1, 1, 2, 4},
		{importer.Skip, 1, 0, 3, 4},
		{importer.Create, 4, 0, 0, 7},
	} {
		t.Run(string(c.action), func(t *testing.T) {
			s := modeltest.Open(t)
			acc := &model.Account{Name: "Martin SA"}
			modeltest.Create(t, s, acc)
			elodie := &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", Emails: []string{"elodie@lefevre.fr"}, Tags: []string{"bio"}}
			marc := &model.Contact{FirstName: "Marc", LastName: "Petit", Phones: []string{"+33 6 12 34 56 78"}, Title: "Chef"}
			anne := &model.Contact{FirstName: "Anne", LastName: "Martin", AccountID: acc.ID}
			modeltest.Create(t, s, elodie, marc, anne)
			sum := runFile(t, s, file, importer.Options{OnDuplicate: c.action})
			if sum.Created != c.created || sum.Updated != c.updated || sum.Skipped != c.skipped {
				t.Fatalf("created %d updated %d skipped %d", sum.Created, sum.Updated, sum.Skipped)
			}
			if n := len(contacts(t, s)); n != c.contacts {
				t.Fatalf("%d contacts, want %d", n, c.contacts)
			}
			if c.action == importer.Update || c.action == importer.Merge {
				var got model.Contact
				s.Get(ctx, elodie.ID, &got)
				if strings.Join(got.Tags, ",") != "bio,vip" || got.AccountID == "" || len(got.Emails) != 1 {
					t.Fatalf("merged: tags %v account %q emails %v", got.Tags, got.AccountID, got.Emails)
				}
				s.Get(ctx, marc.ID, &got)
				if got.Title != "Chef" {
					t.Fatalf("an empty cell blanked the title: %q", got.Title)
				}
			}
		})
	}
}

func TestAllOrNothingAndSkipBadRows(t *testing.T) {
	ctx := context.Background()
	file := writeFile(t, "c.csv", "Nom,Prénom,Email\nDupont,Jean,jean@dupont.fr\nDurand,Luc,pas-un-email\n,,\nMartin,Anne,anne@martin.fr\n")
	t.Run("AllOrNothing", func(t *testing.T) {
		s := modeltest.Open(t)
		sum := runFile(t, s, file, importer.Options{})
		if sum.Committed || sum.Failed != 1 || len(contacts(t, s)) != 0 {
			t.Fatalf("committed %v failed %d", sum.Committed, sum.Failed)
		}
		e := sum.Errors[0]
		if e.Row != 3 || e.Column != "Email" || !strings.Contains(e.Msg, "pas-un-email") {
			t.Fatalf("error %+v", e)
		}
		if n, _ := s.OutboxCount(ctx); n != 0 {
			t.Fatalf("%d outbox rows after a failed import", n)
		}
	})
	t.Run("SkipBadRows", func(t *testing.T) {
		s := modeltest.Open(t)
		sum := runFile(t, s, file, importer.Options{SkipBadRows: true})
		if !sum.Committed || sum.Created != 2 || sum.Failed != 1 || len(contacts(t, s)) != 2 {
			t.Fatalf("%+v", sum)
		}
	})
	t.Run("DryRun", func(t *testing.T) {
		s := modeltest.Open(t)
		sum := runFile(t, s, file, importer.Options{DryRun: true, SkipBadRows: true})
		if sum.Committed || sum.Created != 2 || len(contacts(t, s)) != 0 {
			t.Fatalf("%+v", sum)
		}
	})
	t.Run("AccountsOfRefusedRowsNotCounted", func(t *testing.T) {
		s := modeltest.Open(t)
		f := writeFile(t, "acc.csv", "Nom,Société,Email\nDupont,Alpha,jean@alpha.fr\nDurand,Beta,pas-un-email\n")
		sum := runFile(t, s, f, importer.Options{SkipBadRows: true})
		if sum.AccountsCreated != 1 || sum.Created != 1 || sum.Failed != 1 {
			t.Fatalf("accounts created %d (want 1), created %d, failed %d", sum.AccountsCreated, sum.Created, sum.Failed)
		}
		if n, _ := model.Count(ctx, s.DB(), model.KindAccount, model.Query{}); n != 1 {
			t.Fatalf("%d accounts stored, want 1", n)
		}
	})
	t.Run("OneTransaction", func(t *testing.T) {
		s := modeltest.Open(t)
		runFile(t, s, writeFile(t, "ok.csv", "Nom,Société\nA,X\nB,Y\nC,X\n"), importer.Options{})
		chs, _ := s.Outbox(ctx, 0, 100)
		if len(chs) != 5 { // 3 contacts + 2 accounts
			t.Fatalf("%d outbox rows", len(chs))
		}
		for _, c := range chs {
			if c.TxID != chs[0].TxID {
				t.Fatalf("the import used several transactions")
			}
		}
	})
}

func TestCancel(t *testing.T) {
	s := modeltest.Open(t)
	path := writeContactsCSV(t, 3000)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var seen []importer.Progress
	_, err := importer.Run(ctx, s, openAny(t, path), importer.Options{Kind: model.KindContact, Progress: func(p importer.Progress) {
		seen = append(seen, p)
		if p.Rows >= 1000 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if len(seen) == 0 || seen[0].Fraction <= 0 || seen[0].Fraction >= 1 {
		t.Fatalf("progress %+v", seen)
	}
	if n := len(contacts(t, s)); n != 0 {
		t.Fatalf("%d contacts saved by a cancelled import", n)
	}
}

func TestPreview(t *testing.T) {
	s := modeltest.Open(t)
	path := writeFile(t, "p.csv", "Nom;Prénom;E-mail;Consentement\nDupont;Jean;jean@dupont.fr;oui\nDurand;Luc;faux;non\nMartin;Anne;anne@martin.fr;non\n")
	rows, sum, err := importer.Preview(context.Background(), s, openAny(t, path), importer.Options{Kind: model.KindContact, File: "p.csv"}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0].Action != "create" || rows[1].Action != "error" || sum.Rows != 2 {
		t.Fatalf("rows %+v", rows)
	}
	c := rows[0].Record.(*model.Contact)
	if c.LastName != "Dupont" || !c.Consent || c.ConsentAt.IsZero() {
		t.Fatalf("previewed %+v", c)
	}
	if len(contacts(t, s)) != 0 {
		t.Fatal("the preview saved contacts")
	}
}

func TestProductsPricesDealsOrders(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	modeltest.Create(t, s, &model.Stage{Name: "Découverte", Position: 1, Probability: 10, Outcome: model.OutcomeOpen},
		&model.Stage{Name: "Perdue", Position: 9, Outcome: model.OutcomeLost})
	run := func(kind model.Kind, content string) *importer.Summary {
		t.Helper()
		sum := runFile(t, s, writeFile(t, string(kind)+".csv", content), importer.Options{Kind: kind, Lang: "fr"})
		if !sum.Committed {
			t.Fatalf("%s not imported: %v", kind, sum.Errors)
		}
		return sum
	}
	run(model.KindProduct, "Référence;Désignation;Prix HT;TVA;Unité;Disponibilité\nCMT-24;Comté 24 mois;1 234,50 €;5,5 %;kg;En stock\nBRIE;Brie;12;20;;Rupture\n")
	ps, _ := model.List[model.Product](ctx, s.DB(), model.Query{OrderBy: "sku"})
	if len(ps) != 2 || ps[1].PriceMinor != 123450 || ps[1].TaxRateBP != 550 || ps[0].Availability != model.Backorder || ps[0].Unit != "pc" {
		t.Fatalf("products %+v %+v", ps[0], ps[1])
	}
	run(model.KindProductPrice, "Référence;Prix;Date d'effet\nCMT-24;30,00;01/01/2026\nCMT-24;31,00;01/03/2026\nBRIE;13;01/01/2099\n")
	var cmt model.Product
	s.Get(ctx, ps[1].ID, &cmt)
	if cmt.PriceMinor != 3100 {
		t.Fatalf("the newest price in force was not applied: %d", cmt.PriceMinor)
	}
	run(model.KindDeal, "Affaire;Société;Montant;Étape;Clôture prévue\nPlateaux;Fromagerie;2 500,00;;15/12/2026\nVieux;Fromagerie;100;Perdue;\n")
	ds, _ := model.List[model.Deal](ctx, s.DB(), model.Query{OrderBy: "title"})
	if len(ds) != 2 || ds[0].AmountMinor != 250000 || ds[0].Probability != 10 || ds[0].ExpectedClose.String() != "2026-12-15" || ds[1].Status != model.OutcomeLost {
		t.Fatalf("deals %+v / %+v", ds[0], ds[1])
	}
	sum := run(model.KindOrder, "N° commande;Client;Date;Référence;Quantité;Prix unitaire;Remise\nC-1;Fromagerie;21/11/2026;CMT-24;2,5;;\nC-1;Fromagerie;21/11/2026;BRIE;10;12,00;10 %\nC-2;Épicerie fine;22/11/2026;BRIE;1;;\n")
	if sum.Created != 2 {
		t.Fatalf("orders created %d", sum.Created)
	}
	os, _ := model.List[model.Order](ctx, s.DB(), model.Query{OrderBy: "number"})
	// 2.5 kg × 31.00 + 10 × 12.00 − 10 % = 77.50 + 108.00
	if len(os) != 2 || os[0].NetMinor != 18550 || os[1].NetMinor != 1200 {
		t.Fatalf("orders %+v / %+v", os[0], os[1])
	}
}

// A list exported to CSV (French) or XLSX reads back through the importer
// unchanged, and a vCard export reads back with its photo.
func TestListExportsReadBack(t *testing.T) {
	ctx := context.Background()
	src := modeltest.Open(t)
	seedAll(t, src)
	for _, format := range []string{"csv-fr", "csv-en", "xlsx", "vcf4", "vcf3"} {
		t.Run(format, func(t *testing.T) {
			dir := t.TempDir()
			var buf bytes.Buffer
			var path string
			q := model.Query{}
			switch format {
			case "csv-fr", "csv-en":
				opts := export.Options{Lang: format[4:], Location: time.UTC}
				tw := export.NewCSVTable(&buf, opts)
				if _, err := export.List(ctx, src.DB(), model.KindContact, q, tw, opts); err != nil {
					t.Fatal(err)
				}
				tw.Close()
				path = filepath.Join(dir, "c.csv")
			case "xlsx":
				tw, err := export.NewXLSXTable(&buf, "Contacts", export.Options{Location: time.UTC})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := export.List(ctx, src.DB(), model.KindContact, q, tw, export.Options{}); err != nil {
					t.Fatal(err)
				}
				if err := tw.Close(); err != nil {
					t.Fatal(err)
				}
				path = filepath.Join(dir, "c.xlsx")
			default:
				v := export.VCard4
				if format == "vcf3" {
					v = export.VCard3
				}
				if _, err := export.Contacts(ctx, src.DB(), q, &buf, v); err != nil {
					t.Fatal(err)
				}
				path = filepath.Join(dir, "c.vcf")
			}
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			dst := modeltest.Open(t)
			// References other than the account are resolved by name, not created.
			modeltest.Create(t, dst, &model.TeamMember{Name: "Camille Durand", Role: model.RoleRep, TargetCurrency: "EUR"},
				&model.Event{Name: "SIAL Paris", Type: "trade_show", StartDate: model.MustDate("2026-10-18"), Currency: "EUR", Status: "done"})
			sum := runFile(t, dst, path, importer.Options{Kind: model.KindContact, Lang: format[max(0, len(format)-2):], Location: time.UTC})
			if sum.Created != 1 || sum.Failed != 0 {
				t.Fatalf("created %d failed %d", sum.Created, sum.Failed)
			}
			want := contacts(t, src)[0]
			got := contacts(t, dst)[0]
			if got.FullName() != want.FullName() || strings.Join(got.Emails, ",") != strings.Join(want.Emails, ",") ||
				strings.Join(got.Phones, ",") != strings.Join(want.Phones, ",") || got.Title != want.Title || strings.Join(got.Tags, ",") != strings.Join(want.Tags, ",") {
				t.Fatalf("read back %+v\nwant %+v", got, want)
			}
			var acc model.Account
			if err := dst.Get(ctx, got.AccountID, &acc); err != nil || !strings.HasPrefix(acc.Name, "Fromagerie Lefèvre") {
				t.Fatalf("account %q %v", acc.Name, err)
			}
			if strings.HasPrefix(format, "vcf") {
				if got.ID != want.ID || got.Photo == "" {
					t.Fatalf("vCard lost the UID or the photo: %s / %d bytes", got.ID, len(got.Photo))
				}
			} else if !got.Consent || !got.ConsentAt.Equal(want.ConsentAt) || got.Grade != "A" {
				t.Fatalf("consent %v %v grade %q", got.Consent, got.ConsentAt, got.Grade)
			}
		})
	}
}

// A file named .vcf that holds no card at all (a picture, a CSV saved with
// the wrong name) is refused with a sentence and saves nothing; an empty
// file or text around real cards is still fine.
func TestVCardNotAVCard(t *testing.T) {
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
	cases := []struct {
		name, data string
		wantErr    bool
		created    int
	}{
		{"picture", png, true, 0},
		{"csv", "First name,Last name\nÉlodie,Lefèvre\n", true, 0},
		{"empty", "", false, 0},
		{"blank lines", "\r\n\r\n", false, 0},
		{"text around a card", "exported by X\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Élodie Lefèvre\r\nN:Lefèvre;Élodie;;;\r\nEND:VCARD\r\n", false, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := modeltest.Open(t)
			_, err := importer.Run(context.Background(), s, importer.NewVCard(strings.NewReader(c.data), int64(len(c.data))), importer.Options{Kind: model.KindContact, File: "leads.vcf"})
			if c.wantErr {
				if err == nil || !strings.Contains(err.Error(), "leads.vcf") || !strings.Contains(err.Error(), "not a vCard file") {
					t.Fatalf("err = %v, want a sentence naming leads.vcf", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if n, _ := model.Count(context.Background(), s.DB(), model.KindContact, model.Query{}); n != c.created {
				t.Fatalf("%d contacts, want %d", n, c.created)
			}
		})
	}
}
