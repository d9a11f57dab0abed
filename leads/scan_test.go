package leads

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseScan(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       Card
	}{
		{"vCard 3.0 from a badge QR, LF", "BEGIN:VCARD\nVERSION:3.0\nN:Lefèvre;Élodie;;;\nFN:Élodie Lefèvre\nORG:Fromagerie Lefèvre;Affinage\nTITLE:Gérante\nEMAIL;TYPE=work:elodie@lefevre.example\nTEL;TYPE=cell:+33 6 12 34 56 78\nEND:VCARD",
			Card{FirstName: "Élodie", LastName: "Lefèvre", Company: "Fromagerie Lefèvre", Title: "Gérante", Emails: []string{"elodie@lefevre.example"}, Phones: []string{"+33 6 12 34 56 78"}, Format: FormatVCard}},
		{"vCard 4.0 with CR line ends as some wedge scanners type them", "BEGIN:VCARD\rVERSION:4.0\rFN:John Smith\rORG:Acme Ltd\rEMAIL:john@acme.example\rTEL;VALUE=uri:tel:+44-20-7946-0000\rEND:VCARD\r",
			Card{FirstName: "John", LastName: "Smith", Company: "Acme Ltd", Emails: []string{"john@acme.example"}, Phones: []string{"+44-20-7946-0000"}, Format: FormatVCard}},
		{"vCard 2.1 quoted-printable Latin-1", "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:B=E9nard;Ren=E9e\r\nTEL;WORK;VOICE:03 81 00 00 00\r\nEND:VCARD\r\n",
			Card{FirstName: "Renée", LastName: "Bénard", Phones: []string{"03 81 00 00 00"}, Format: FormatVCard}},
		{"MECARD with escapes and a note", `MECARD:N:O'Brien,Seán;ORG:Harbour Kitchen\; Bar;TEL:+353 1 555 0100;EMAIL:sean@harbour.example;NOTE:Hall 4\, stand B12;;`,
			Card{FirstName: "Seán", LastName: "O'Brien", Company: "Harbour Kitchen; Bar", Emails: []string{"sean@harbour.example"}, Phones: []string{"+353 1 555 0100"}, Notes: "Hall 4, stand B12", Format: FormatMECARD}},
		{"MECARD lower-case prefix, name without comma, two phones", "mecard:N:Camille Martin;TEL:0612345678;TEL:0387000000;EMAIL:camille@example.org;;",
			Card{FirstName: "Camille", LastName: "Martin", Emails: []string{"camille@example.org"}, Phones: []string{"0612345678", "0387000000"}, Format: FormatMECARD}},
		{"BIZCARD", "BIZCARD:N:Sean;X:Owen;T:Software Engineer;C:Google;A:76 9th Avenue, New York, NY 10011;B:+12125551212;E:sean@example.com;;",
			Card{FirstName: "Sean", LastName: "Owen", Company: "Google", Title: "Software Engineer", Emails: []string{"sean@example.com"}, Phones: []string{"+12125551212"}, Notes: "76 9th Avenue, New York, NY 10011", Format: FormatBizcard}},
		{"bare e-mail from a plain barcode", "  visitor@example.com\n", Card{Emails: []string{"visitor@example.com"}, Format: FormatEmail}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseScan(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestParseScanRejects(t *testing.T) {
	for _, c := range []struct{ name, text, msg string }{
		{"badge number only", "4006381333931", "not a vCard, MECARD or BIZCARD"},
		{"vCard cut short", "BEGIN:VCARD\nVERSION:3.0\nFN:Half a card", "no END:VCARD"},
		{"a pasted document", "BEGIN:VCARD\n" + strings.Repeat("NOTE:x\n", 60000) + "END:VCARD", "too long"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseScan(c.text)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want one saying %q", err, c.msg)
			}
		})
	}
	if _, err := ParseScan("hello"); !errors.Is(err, ErrUnrecognised) {
		t.Errorf("unrecognised text: %v", err)
	}
}

func TestComplete(t *testing.T) {
	for text, want := range map[string]bool{
		"BEGIN:VCARD\nVERSION:3.0\nFN:A":              false,
		"BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n": true,
		"begin:vcard\r\nfn:A\r\nend:vcard":            true,
		"MECARD:N:Doe,John;TEL:123;":                  false,
		"MECARD:N:Doe,John;TEL:123;;":                 true,
		`MECARD:N:Doe,John;NOTE:ends with \;;`:        false,
		"BIZCARD:N:Sean;X:Owen;;":                     true,
		"john@example.com":                            false,
		"":                                            false,
		"BEGIN:VCARD\nEND:VCARD\nBEGIN:VCARD\nFN:B\n": false,
	} {
		if got := Complete(text); got != want {
			t.Errorf("Complete(%q) = %v", text, got)
		}
	}
}

// TestInteropVCards reads every .vcf of the shared interop set (copied in
// testdata/vcf): each card is read or reported with its number and line.
func TestInteropVCards(t *testing.T) {
	files, _ := filepath.Glob("testdata/vcf/*.vcf")
	if len(files) < 14 {
		t.Fatalf("only %d .vcf files in testdata/vcf", len(files))
	}
	want := map[string]string{ // the first card's name, where the file names someone
		"ezvcard-John_Doe_IPHONE.vcf":     "John Richter James Doe",
		"ezvcard-gmail-list.vcf":          "Arnold Smith",
		"ezvcard-rfc6350-example.vcf":     "Simon Perreault",
		"icaljs-vcard3.vcf":               "John Quinlan Public",
		"thunderbird-export.vcf":          "contact one",
		"vobject-issue153.vcf":            "Test Benutzer",
		"ezvcard-outlook-2007.vcf":        "Michael Angstadt",
		"libical-test.vcf":                "Simon Perreault",
		"ezvcard-John_Doe_MS_OUTLOOK.vcf": "John Richter James Doe",
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			cards, errs := ReadVCards(r)
			if len(cards)+len(errs) == 0 {
				t.Fatal("neither a card nor an error")
			}
			for _, e := range errs {
				if e.Card < 1 || e.Line < 1 || e.Msg == "" {
					t.Errorf("unclear report %+v", e)
				}
			}
			for i, c := range cards {
				if c.Empty() {
					t.Errorf("card %d read as empty: %+v", i+1, c)
				}
			}
			if w, ok := want[filepath.Base(f)]; ok && (len(cards) == 0 || cards[0].FullName() != w) {
				t.Errorf("first card %+v, want %q", cards, w)
			}
			// A badge QR code holding the same card fills the same fields.
			if len(errs) == 0 && len(cards) == 1 {
				b, _ := os.ReadFile(f)
				scanned, err := ParseScan(string(b))
				if err != nil || scanned.FullName() != cards[0].FullName() || !reflect.DeepEqual(scanned.Emails, cards[0].Emails) {
					t.Errorf("as a scan: %+v, %v", scanned, err)
				}
			}
		})
	}
}

func FuzzParseScan(f *testing.F) {
	files, _ := filepath.Glob("testdata/vcf/*.vcf")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil && len(b) < 8000 {
			f.Add(string(b))
		}
	}
	f.Add(`MECARD:N:O'Brien,Seán;ORG:Harbour\; Bar;TEL:+353;EMAIL:s@h.example;NOTE:a\,b;;`)
	f.Add("BIZCARD:N:Sean;X:Owen;C:Google;;")
	f.Add("mecard:N:\\")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseScan(s)
		if err != nil {
			return
		}
		if !Complete(s) && c.Format != FormatEmail && c.Format != FormatVCard {
			// MECARD and BIZCARD parse leniently without the closing ";;"
			return
		}
		for _, e := range c.Emails {
			if strings.ContainsAny(e, "\r\n") {
				t.Errorf("e-mail with a line break: %q", e)
			}
		}
		if strings.ContainsAny(c.FirstName+c.LastName+c.Company+c.Title, "\r\n") {
			t.Errorf("one-line field with a line break: %+v", c)
		}
	})
}
