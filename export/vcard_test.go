package export_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"relais/export"
	"relais/model"
)

func TestVCardWriter(t *testing.T) {
	photo := "data:image/png;base64," + strings.Repeat("iVBORw0KGgo", 20)
	c := &model.Contact{Meta: model.Meta{ID: "01a00000-0000-7000-8000-000000000001", UpdatedAt: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)},
		FirstName: "Élodie", LastName: "Lefèvre; fille", Title: "Gérante, fromagère", Emails: []string{"e@l.fr"}, Notes: "ligne 1\nligne 2 — très longue " + strings.Repeat("é", 60), Photo: photo, Tags: []string{"bio", "A"}}
	acc := &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon", Country: "FR"}
	for _, v := range []string{export.VCard4, export.VCard3} {
		t.Run(v, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := export.NewVCardWriter(&buf, v)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.Write(c, acc); err != nil || w.Flush() != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, line := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
				if len(line) > 75 {
					t.Errorf("line longer than 75 octets: %q", line)
				}
			}
			unfolded := strings.ReplaceAll(out, "\r\n ", "")
			for _, want := range []string{"VERSION:" + v, "N:Lefèvre\\; fille;Élodie;;;", "TITLE:Gérante\\, fromagère", "ORG:Fromagerie Lefèvre",
				"NOTE:ligne 1\\nligne 2", "CATEGORIES:bio", "UID:urn:uuid:" + c.ID, "REV:20261127T100000Z"} {
				if !strings.Contains(unfolded, want) {
					t.Errorf("missing %q in\n%s", want, unfolded)
				}
			}
			wantPhoto := "PHOTO:" + photo
			if v == export.VCard3 {
				wantPhoto = "PHOTO;ENCODING=b;TYPE=PNG:" + strings.TrimPrefix(photo, "data:image/png;base64,")
			}
			if !strings.Contains(unfolded, wantPhoto) {
				t.Errorf("photo not written as %.40q…", wantPhoto)
			}
		})
	}
	if _, err := export.NewVCardWriter(&bytes.Buffer{}, "2.1"); err == nil {
		t.Error("vCard 2.1 accepted for writing")
	}
}
