package export_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"relais/export"
	"relais/model"
	"relais/model/modeltest"
)

// render writes d's PDF to a temporary file and returns its path and bytes.
func render(t testing.TB, d *export.ProposalData) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := export.WriteProposalPDF(&b, d); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), export.ProposalFileName(&d.Proposal))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

// poppler runs one of the poppler-utils tools and returns its output.
func poppler(t testing.TB, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Fatalf("%s is missing: install poppler-utils (make test does)", tool)
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
	return string(out)
}

// spaces folds the no-break spaces of formatted numbers into plain ones, so
// expectations can be written plainly.
var spaces = strings.NewReplacer("\u202f", " ", "\u00a0", " ")

func pdfText(t testing.TB, path string) string {
	return spaces.Replace(poppler(t, "pdftotext", "-enc", "UTF-8", path, "-"))
}

func pageCount(t testing.TB, path string) int {
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(poppler(t, "pdfinfo", path))
	if m == nil {
		t.Fatalf("pdfinfo shows no page count for %s", path)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestProposalPDFText(t *testing.T) {
	tests := []struct {
		lang string
		want []string
	}{
		{"fr", []string{"Proposition commerciale", "Q-2026-7KQ2M-0042-R2", "27 novembre 2026", "Valable jusqu’au", "27 décembre 2026", "Prix au", "20 novembre 2026",
			"Fromagerie Lefèvre", "Élodie Lefèvre", "Suite à notre rencontre", "Sous-total Stand", "Sous-total Traiteur",
			"Options (non comprises dans le total)", "Écran 55″ sur pied", "Remise 5 %", "TVA 20 % sur", "TVA 5,5 % sur", "Total TTC",
			"Conditions générales", "Bon pour accord", "Nom et qualité", "Signature", "« Bon pour accord »", "Page 1/2", "SIRET 912 345 678 00017"}},
		{"en", []string{"Proposal", "27 November 2026", "Valid until", "Prices as of", "20 November 2026", "Subtotal Booth", "Modular booth 9 m² “Horizon”",
			"Options (not included in the total)", "Discount 5%", "VAT 20% on", "VAT 5.5% on", "Total incl. VAT", "Terms and conditions", "Acceptance", "Name and title", "Page 1/2"}},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			d := demoProposal(tc.lang, len(demoItems))
			path, _ := render(t, d)
			text := pdfText(t, path)
			// The totals printed are exactly those the editor computes.
			tot := d.Totals
			money := func(v int64) string { return spaces.Replace(export.FormatMoney(v, "EUR", tc.lang)) }
			want := append(tc.want, money(tot.SubtotalMinor), money(-tot.DiscountMinor), money(tot.NetMinor), money(tot.Taxes[0].TaxMinor),
				money(tot.Taxes[1].TaxMinor), money(tot.Taxes[2].TaxMinor), money(tot.TotalMinor), money(tot.OptionalMinor))
			for _, s := range tc.want {
				if !strings.Contains(text, spaces.Replace(s)) {
					t.Errorf("the PDF lacks %q", s)
				}
			}
			for _, s := range want[len(tc.want):] {
				if !strings.Contains(text, s) {
					t.Errorf("the PDF lacks the amount %q", s)
				}
			}
			if tc.lang == "fr" && !strings.Contains(text, "5 275,35 €") {
				t.Errorf("the French total is not 5 275,35 €:\n%s", text)
			}
			if tc.lang == "en" && !strings.Contains(text, "€5,275.35") {
				t.Errorf("the English total is not €5,275.35:\n%s", text)
			}
		})
	}
}

func TestProposalPDFMetadataAndFonts(t *testing.T) {
	d := demoProposal("fr", 7)
	path, _ := render(t, d)
	info := poppler(t, "pdfinfo", path)
	for _, want := range []string{`Title:\s+Proposition commerciale Q-2026-7KQ2M-0042-R2\n`, `Author:\s+Atelier Lumière & Cie\n`,
		`Creator:\s+Relais\n`, `CreationDate:\s+Fri Nov 27 00:00:00 2026 UTC`, `Page size:\s+595.28 x 841.89 pts \(A4\)`} {
		if !regexp.MustCompile(want).MatchString(info) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	fonts := poppler(t, "pdffonts", path)
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	if len(rows) != 3 {
		t.Fatalf("want the regular, bold and italic fonts:\n%s", fonts)
	}
	for _, r := range rows {
		f := strings.Fields(r)
		// name type… encoding emb sub uni object ID
		if !strings.Contains(f[0], "dejavu") || f[len(f)-5] != "yes" || f[len(f)-3] != "yes" {
			t.Errorf("font not embedded with a Unicode map: %s", r)
		}
	}

	t.Run("Letter", func(t *testing.T) {
		d := demoProposal("en", 7)
		d.Letterhead.Paper = "Letter"
		path, _ := render(t, d)
		if info := poppler(t, "pdfinfo", path); !strings.Contains(info, "612 x 792 pts (letter)") {
			t.Errorf("not Letter:\n%s", info)
		}
	})
	t.Run("ErrPaper", func(t *testing.T) {
		d := demoProposal("en", 1)
		d.Letterhead.Paper = "A3"
		err := export.WriteProposalPDF(&bytes.Buffer{}, d)
		if err == nil || !strings.Contains(err.Error(), `"A3"`) || !strings.Contains(err.Error(), export.SettingPaper) {
			t.Errorf("err = %v", err)
		}
	})
}

func TestProposalPDFIsDeterministic(t *testing.T) {
	_, first := render(t, demoProposal("fr", 30))
	for i := 0; i < 4; i++ {
		_, again := render(t, demoProposal("fr", 30))
		if !bytes.Equal(first, again) {
			t.Fatalf("render %d differs from the first", i+2)
		}
	}
	if !bytes.Contains(first, []byte("D:20261127000000")) {
		t.Error("the creation date is not the proposal's issue date")
	}
}

// TestProposalPDFPages checks the page counts and that the line table's
// header is repeated on every page that shows lines.
func TestProposalPDFPages(t *testing.T) {
	tests := []struct{ lines, pages int }{{1, 1}, {30, 3}, {200, 12}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d lines", tc.lines), func(t *testing.T) {
			path, _ := render(t, demoProposal("fr", tc.lines))
			if n := pageCount(t, path); n != tc.pages {
				t.Errorf("%d pages, want %d", n, tc.pages)
			}
			pages := strings.Split(pdfText(t, path), "\f")
			for i, pg := range pages {
				if strings.Contains(pg, "Réf. ") && !strings.Contains(pg, "Désignation") {
					t.Errorf("page %d shows lines without the table header", i+1)
				}
				if strings.TrimSpace(pg) != "" && !strings.Contains(pg, fmt.Sprintf("Page %d/%d", i+1, tc.pages)) {
					t.Errorf("page %d lacks “Page %d/%d”", i+1, i+1, tc.pages)
				}
			}
			checkInsideMargins(t, path)
		})
	}
}

// checkInsideMargins asserts that no word drawn on any page reaches past the
// right margin: long text wrapped instead of overflowing its cell.
func checkInsideMargins(t *testing.T, path string) {
	t.Helper()
	bbox := poppler(t, "pdftotext", "-bbox", path, "-")
	words := regexp.MustCompile(`<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"`).FindAllStringSubmatch(bbox, -1)
	if len(words) == 0 {
		t.Fatal("pdftotext -bbox found no words")
	}
	const right = 595.28 - 15/25.4*72 + 0.5 // A4 width minus the 15 mm margin, half a point of slack
	for _, w := range words {
		if x, _ := strconv.ParseFloat(w[2], 64); x > right {
			t.Errorf("a word ends at x=%.1f pt, past the right margin (%.1f)", x, right)
			return
		}
	}
}

func TestProposalPDFMultilingual(t *testing.T) {
	d := demoProposal("fr", 3)
	d.Account.Name = "Łódzkie Zakłady Żółć — Gülşen & Şükrü Öztürk A.Ş."
	d.Account.City = "Θεσσαλονίκη"
	d.Contact = &model.Contact{FirstName: "Αθηνά", LastName: "Παπαδοπούλου", Title: "Пётр Ильич Чайковский"}
	d.Lines[0].Description = "Cœur d’œuvre « spécial » — 12 € l’unité; İstanbul, Kraków, Ελλάδα, Москва"
	d.Lines[1].Description = "Cafe\u0301 cre\u0300me" // decomposed, as typed on a Mac
	d.Lines[1].Note = "Emoji 🎉 and CJK 漢字 are not in the font"
	d.Lines[2].Description = strings.Repeat("Donaudampfschifffahrtsgesellschaftskapitän", 30) // one 1 260-letter word
	d.Lines[2].Note = strings.Repeat("Une note très longue qui doit passer à la ligne proprement. ", 200)
	t2, err := model.ProposalTotals(&d.Proposal, d.Lines)
	if err != nil {
		t.Fatal(err)
	}
	d.Totals = t2
	path, _ := render(t, d)
	text := strings.Join(strings.Fields(pdfText(t, path)), " ") // wrapped lines joined
	for _, want := range []string{"Łódzkie Zakłady Żółć", "Gülşen & Şükrü Öztürk A.Ş.", "Θεσσαλονίκη", "Αθηνά Παπαδοπούλου", "Пётр Ильич Чайковский",
		"Cœur d’œuvre « spécial » — 12 € l’unité; İstanbul, Kraków, Ελλάδα, Москва", "Café crème", "Emoji \ufffd and CJK \ufffd\ufffd"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	flat := strings.ReplaceAll(text, " ", "")
	if !strings.Contains(flat, strings.Repeat("Donaudampfschifffahrtsgesellschaftskapitän", 3)) {
		t.Error("the long word was lost")
	}
	checkInsideMargins(t, path)
	if n := pageCount(t, path); n < 3 {
		t.Errorf("a note longer than a page gave %d pages", n)
	}
}

func TestProposalPDFFromStore(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	logo := filepath.Join(t.TempDir(), "logo.png")
	writePNG(t, logo)
	for k, v := range map[string]string{export.SettingCompanyName: "Atelier Lumière", export.SettingCompanyAddress: "12, rue de l’Œuvre\n69002 Lyon",
		export.SettingCompanyLegal: "SAS · RCS Lyon 912 345 678", export.SettingCompanyLogo: logo, export.SettingPaper: "Letter"} {
		if err := s.SetSetting(ctx, k, v); err != nil {
			t.Fatal(err)
		}
	}
	acct := &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon"}
	prod := &model.Product{SKU: "STD-9", Name: "Stand 9 m²", Unit: "pc", PriceMinor: 250000, Currency: "EUR", TaxRateBP: 2000, Availability: model.InStock}
	modeltest.Create(t, s, acct, prod)
	p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: acct.ID, Title: "Stand"})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error { _, err := e.AddProduct(prod.ID, "", 2000); return err }); err != nil {
		t.Fatal(err)
	}
	d, err := export.LoadProposal(ctx, s, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Letterhead.Paper != "Letter" || len(d.Letterhead.Logo) == 0 || d.Account.Name != acct.Name || d.Totals.TotalMinor != 600000 {
		t.Fatalf("loaded %+v", d)
	}
	path, _ := render(t, d)
	text := pdfText(t, path)
	for _, want := range []string{p.Number, "Fromagerie Lefèvre", "Stand 9 m²", "6 000,00 €", "Atelier Lumière"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	if list := poppler(t, "pdfimages", "-list", path); !strings.Contains(list, "png") && !strings.Contains(list, "image") {
		t.Errorf("the logo is not in the PDF:\n%s", list)
	}

	t.Run("ErrLogo", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "logo.txt")
		os.WriteFile(bad, []byte("not an image"), 0o644)
		for _, path := range []string{bad, filepath.Join(t.TempDir(), "missing.png")} {
			s.SetSetting(ctx, export.SettingCompanyLogo, path)
			_, err := export.LoadProposal(ctx, s, p.ID)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), export.SettingCompanyLogo) {
				t.Errorf("logo %s: err = %v", path, err)
			}
		}
	})
	t.Run("ErrNotFound", func(t *testing.T) {
		if _, err := export.LoadProposal(ctx, s, "nope"); err == nil {
			t.Error("no error for an unknown proposal")
		}
	})
}

func writePNG(t *testing.T, path string) {
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := 0; x < 120; x++ {
		for y := 0; y < 40; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 2), 80, 160, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

func BenchmarkProposalPDF(b *testing.B) {
	for _, n := range []int{30, 200} {
		d := demoProposal("fr", n)
		b.Run(fmt.Sprintf("lines=%d", n), func(b *testing.B) {
			var buf bytes.Buffer
			for i := 0; i < b.N; i++ {
				buf.Reset()
				if err := export.WriteProposalPDF(&buf, d); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len())/1024, "KiB/pdf")
		})
	}
}
