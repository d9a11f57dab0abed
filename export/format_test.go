package export_test

import (
	"encoding/json"
	"strings"
	"testing"

	"golang.org/x/image/font/sfnt"

	"relais/assets"
	"relais/export"
	"relais/model"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		minor  int64
		cur    string
		fr, en string
	}{
		{0, "EUR", "0,00\u00a0€", "€0.00"},
		{5, "EUR", "0,05\u00a0€", "€0.05"},
		{123456789, "EUR", "1\u202f234\u202f567,89\u00a0€", "€1,234,567.89"},
		{-23973, "EUR", "−239,73\u00a0€", "−€239.73"},
		{1234, "JPY", "1\u202f234\u00a0¥", "¥1,234"},
		{3507, "BHD", "3,507\u00a0BHD", "3.507\u00a0BHD"},
		{100000, "CHF", "1\u202f000,00\u00a0CHF", "1,000.00\u00a0CHF"},
		{99, "PLN", "0,99\u00a0zł", "0.99\u00a0zł"},
		{-9223372036854775808, "EUR", "−92\u202f233\u202f720\u202f368\u202f547\u202f758,08\u00a0€", "−€92,233,720,368,547,758.08"},
	}
	for _, tc := range tests {
		t.Run(tc.en, func(t *testing.T) {
			if got := export.FormatMoney(tc.minor, tc.cur, "fr"); got != tc.fr {
				t.Errorf("fr: %q, want %q", got, tc.fr)
			}
			if got := export.FormatMoney(tc.minor, tc.cur, "en"); got != tc.en {
				t.Errorf("en: %q, want %q", got, tc.en)
			}
		})
	}
}

func TestFormatQuantityRateDate(t *testing.T) {
	tests := []struct{ got, want string }{
		{export.FormatQuantity(2500, "fr"), "2,5"},
		{export.FormatQuantity(2500, "en"), "2.5"},
		{export.FormatQuantity(1000, "en"), "1"},
		{export.FormatQuantity(1, "en"), "0.001"},
		{export.FormatQuantity(1234000, "fr"), "1\u202f234"},
		{export.FormatRate(2000, "fr"), "20\u00a0%"},
		{export.FormatRate(550, "fr"), "5,5\u00a0%"},
		{export.FormatRate(550, "en"), "5.5%"},
		{export.FormatRate(0, "en"), "0%"},
		{export.FormatDate(model.MustDate("2026-12-01"), "fr"), "1er décembre 2026"},
		{export.FormatDate(model.MustDate("2026-08-15"), "fr"), "15 août 2026"},
		{export.FormatDate(model.MustDate("2026-08-15"), "en"), "15 August 2026"},
		{export.FormatDate(model.Date{}, "en"), ""},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestFontCoversDocuments checks that the embedded font can draw every
// character the documents print themselves: labels, currency signs and the
// spaces and minus sign of formatted numbers.
func TestFontCoversDocuments(t *testing.T) {
	f, err := sfnt.Parse(assets.FontRegular)
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, area := range []string{"pdf", "proposal"} {
		for _, lang := range []string{"fr", "en"} {
			l, err := export.LoadLabels(area, lang)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range l {
				text.WriteString(v)
			}
		}
	}
	for _, cur := range []string{"EUR", "USD", "GBP", "JPY", "CHF", "CAD", "PLN", "TRY", "RUB", "UAH"} {
		text.WriteString(export.FormatMoney(-123456, cur, "fr") + export.FormatMoney(-123456, cur, "en"))
	}
	text.WriteString("\ufffd″")
	var buf sfnt.Buffer
	for _, r := range text.String() {
		if r == '\n' {
			continue // paragraphs of e-mail texts
		}
		if gi, err := f.GlyphIndex(&buf, r); err != nil || gi == 0 {
			t.Errorf("the PDF font has no glyph for %q (U+%04X)", r, r)
		}
	}
}

func TestLabels(t *testing.T) {
	fr, err := export.LoadLabels("proposal", "fr")
	if err != nil {
		t.Fatal(err)
	}
	for _, area := range []string{"pdf", "proposal"} {
		raw := map[string]map[string]string{}
		for _, lang := range []string{"fr", "en"} {
			b, err := assets.Translations.ReadFile("translations/" + area + "." + lang + ".json")
			if err != nil {
				t.Fatal(err)
			}
			m := map[string]string{}
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatalf("%s.%s.json: %v", area, lang, err)
			}
			raw[lang] = m
		}
		for k := range raw["en"] {
			if _, ok := raw["fr"][k]; !ok {
				t.Errorf("%s.fr.json lacks %s", area, k)
			}
		}
		for k := range raw["fr"] {
			if _, ok := raw["en"][k]; !ok {
				t.Errorf("%s.en.json lacks %s", area, k)
			}
		}
	}
	if got := fr.Get("proposal.pdf.tax_line", "Rate", "20 %", "Base", "10 €"); got != "TVA 20 % sur 10 €" {
		t.Errorf("Get = %q", got)
	}
	if got := fr.Get("no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key = %q", got)
	}
	if _, err := export.LoadLabels("proposal", "de"); err == nil {
		t.Error("no error for a language without translations")
	}
}
