package importer_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

// openAny opens a test file as the CLI would: vCard by extension, else CSV/XLSX.
func openAny(t testing.TB, path string) importer.Source {
	t.Helper()
	var src importer.Source
	var err error
	if importer.IsVCard(path) {
		src, err = importer.OpenVCard(path)
	} else {
		src, err = importer.Open(path, importer.FileOptions{})
	}
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

func contacts(t testing.TB, s *model.Store) []*model.Contact {
	t.Helper()
	cs, err := model.List[model.Contact](context.Background(), s.DB(), model.Query{OrderBy: "last_name, first_name"})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// Every interop CSV and vCard imports, or reports its errors row by row;
// none crashes, and what is imported is checked against the file.
func TestInteropFiles(t *testing.T) {
	type want struct {
		created, failed int
		check           func(t *testing.T, cs []*model.Contact)
	}
	cases := map[string]want{
		"csv/atomiccrm-contacts_export.csv": {created: 1, failed: 1, check: func(t *testing.T, cs []*model.Contact) {
			c := cs[0]
			if c.FirstName != "John" || c.LastName != "Doe" || c.Title != "Sales Executive" {
				t.Errorf("John Doe: got %q %q %q", c.FirstName, c.LastName, c.Title)
			}
			if strings.Join(c.Emails, ",") != "john@doe.example,john.doe@gmail.com,jdoe@caramail.com" {
				t.Errorf("emails: %v", c.Emails)
			}
			if len(c.Phones) != 3 || !containsAll(c.Tags, "influencer", "developer") {
				t.Errorf("phones %v tags %v", c.Phones, c.Tags)
			}
		}},
		"csv/thunderbird-basic_csv_addressbook.csv": {created: 2, check: func(t *testing.T, cs []*model.Contact) {
			if cs[0].FullName() != "Jane Doe" || cs[0].Emails[0] != "jane@doe.invalid" {
				t.Errorf("got %q %v", cs[0].FullName(), cs[0].Emails)
			}
		}},
		"csv/thunderbird-csv_semicolon.csv": {created: 2, check: func(t *testing.T, cs []*model.Contact) {
			if cs[1].FullName() != "John Doe" || cs[1].Emails[0] != "john@doe.invalid" {
				t.Errorf("got %q %v", cs[1].FullName(), cs[1].Emails)
			}
		}},
		// contact1@invalid has no dot after the @: the store refuses it, and says so per row.
		"csv/thunderbird-export.csv": {failed: 2},
		// Six cards of QUOTED-PRINTABLE UTF-8 names; the fifth gives "ÑÑÑ…" as
		// an e-mail address, which is refused with its row and column.
		"vcf/ezvcard-John_Doe_ANDROID.vcf": {created: 5, failed: 1, check: func(t *testing.T, cs []*model.Contact) {
			found := false
			for _, c := range cs {
				found = found || c.FullName() == "ÑÑÑÑ"
			}
			if !found {
				t.Errorf("no contact named ÑÑÑÑ (QUOTED-PRINTABLE UTF-8 decoding)")
			}
		}},
		"vcf/ezvcard-John_Doe_GMAIL.vcf": {created: 1},
		"vcf/ezvcard-John_Doe_IPHONE.vcf": {created: 1, check: func(t *testing.T, cs []*model.Contact) {
			if !strings.HasPrefix(cs[0].Photo, "data:image/jpeg;base64,") {
				t.Errorf("photo: %.40q", cs[0].Photo)
			}
		}},
		"vcf/ezvcard-John_Doe_MS_OUTLOOK.vcf": {created: 1, check: func(t *testing.T, cs []*model.Contact) {
			c := cs[0]
			if c.FirstName != "John Richter James" || c.Title != "Money Counter" || len(c.Phones) != 2 || c.Emails[0] != "john.doe@ibm.cm" {
				t.Errorf("got %q %q %v %v", c.FirstName, c.Title, c.Phones, c.Emails)
			}
		}},
		"vcf/ezvcard-fullcontact.vcf":  {created: 1},
		"vcf/ezvcard-gmail-list.vcf":   {created: 3},
		"vcf/ezvcard-outlook-2007.vcf": {created: 1},
		"vcf/ezvcard-rfc6350-example.vcf": {created: 1, check: func(t *testing.T, cs []*model.Contact) {
			if cs[0].FullName() != "Simon Perreault" || cs[0].Language != "fr" {
				t.Errorf("got %q lang %q", cs[0].FullName(), cs[0].Language)
			}
		}},
		"vcf/ezvcard-thunderbird-MoreFunctionsForAddressBook-extension.vcf": {created: 1},
		"vcf/icaljs-escape_semicolon.vcf":                                   {created: 1},
		"vcf/icaljs-vcard3.vcf":                                             {created: 1},
		"vcf/libical-test.vcf": {created: 2, check: func(t *testing.T, cs []*model.Contact) {
			if cs[0].FullName() != "Mickey Mouse" || !containsAll(cs[1].Tags, "foo", "bar") {
				t.Errorf("got %q / tags %v", cs[0].FullName(), cs[1].Tags)
			}
		}},
		"vcf/thunderbird-export.vcf": {failed: 2},
		"vcf/vobject-issue153.vcf": {created: 1, check: func(t *testing.T, cs []*model.Contact) {
			if cs[0].FullName() != "Test Benutzer" || cs[0].Photo == "" {
				t.Errorf("got %q photo %d bytes", cs[0].FullName(), len(cs[0].Photo))
			}
		}},
	}
	files, _ := filepath.Glob("testdata/interop/*/*")
	for _, path := range files {
		rel, _ := filepath.Rel("testdata/interop", path)
		if strings.HasSuffix(rel, ".md") {
			continue
		}
		w, ok := cases[rel]
		if !ok {
			t.Errorf("%s: no expectation written for this file", rel)
			continue
		}
		t.Run(rel, func(t *testing.T) {
			s := modeltest.Open(t)
			sum, err := importer.Run(context.Background(), s, openAny(t, path), importer.Options{Kind: model.KindContact, SkipBadRows: true, File: rel})
			if err != nil {
				t.Fatalf("import: %v", err)
			}
			for _, e := range sum.Errors {
				t.Logf("%s", e)
				if e.Row == 0 || e.Msg == "" {
					t.Errorf("error without a row or a reason: %+v", e)
				}
			}
			if sum.Created != w.created || sum.Failed != w.failed {
				t.Fatalf("created %d failed %d, want %d and %d", sum.Created, sum.Failed, w.created, w.failed)
			}
			cs := contacts(t, s)
			if len(cs) != w.created {
				t.Fatalf("%d contacts stored, want %d", len(cs), w.created)
			}
			if w.check != nil {
				w.check(t, cs)
			}
		})
	}
}

func containsAll(list []string, want ...string) bool {
	for _, w := range want {
		found := false
		for _, l := range list {
			found = found || l == w
		}
		if !found {
			return false
		}
	}
	return true
}

func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
