package ui

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"relais/export"
	"relais/model"
)

// frenchCSV is a contact list as a French spreadsheet saves it: semicolons,
// French titles, one row with a bad e-mail and one matching a contact of
// the fixture (Élodie Lefèvre, by e-mail).
const frenchCSV = "Prénom;Nom;Société;E-mail;Téléphone portable;Commentaires\r\n" +
	"Inès;Garnier;Garnier Traiteur;ines@garnier.example;06 12 34 56 78;Vue au salon\r\n" +
	"Luc;Durand;Durand SA;pas-un-email;;\r\n" +
	"Élodie;Lefèvre;Fromagerie Lefèvre;elodie@lefevre.example;03 81 00 00 00;Rappeler en janvier\r\n" +
	"Paul;Roux;Acme Industrie;paul@roux.example;;\r\n"

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func countContacts(t *testing.T, s *model.Store) int {
	t.Helper()
	n, err := model.Count(t.Context(), s.DB(), model.KindContact, model.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportFrenchCSV drives the import dialog as a user would: the mapping
// is suggested from French titles, the preview shows the bad row before
// anything is written, all-or-nothing refuses the file, and "skip bad rows"
// imports the others, updating the duplicate.
func TestImportFrenchCSV(t *testing.T) {
	a, s := openApp(t, "fr", func(s *model.Store) { loadFixture(t, s) })
	before := countContacts(t, s)
	path := writeTemp(t, "contacts.csv", frenchCSV)

	if it := menuItem(t, a, fyne.KeyI); it.Label != "Importer…" {
		t.Errorf("Ctrl+I is %q, want the import", it.Label)
	}
	d := a.openImport(path)
	a.settle()

	if got := d.detected.Text; !strings.Contains(got, "UTF-8") || !strings.Contains(got, "« ; »") || !strings.Contains(got, "oui") {
		t.Errorf("detected = %q, want UTF-8, « ; » and a header", got)
	}
	want := []string{"first_name", "last_name", "account_id", "emails", "phones", "notes"}
	if len(d.fields) != len(want) {
		t.Fatalf("%d mapping selects, want %d", len(d.fields), len(want))
	}
	for i, w := range want {
		if got := d.fields[i].Value(); got != w {
			t.Errorf("column %q → %q, want %q", d.columns[i], got, w)
		}
	}
	if got := d.fields[0].Selected; got != "Prénom" {
		t.Errorf("the first select shows %q, want the French field title", got)
	}

	// The preview: four rows, the second refused with its row, column and reason.
	if len(d.preview) != 4 {
		t.Fatalf("preview has %d rows, want 4", len(d.preview))
	}
	actions := []string{}
	for _, r := range d.preview {
		actions = append(actions, r.Action)
	}
	if strings.Join(actions, ",") != "create,error,update,create" {
		t.Errorf("preview actions = %v", actions)
	}
	if got := d.errs.Text; !strings.Contains(got, "Ligne 3, colonne « E-mail »") || !strings.Contains(got, "n’est pas une adresse e-mail") {
		t.Errorf("row errors = %q, want row 3, column E-mail", got)
	}
	if !contains(d.titles, "Prénom") || !contains(d.titles, "E-mails") {
		t.Errorf("preview columns = %v", d.titles)
	}
	if n := countContacts(t, s); n != before {
		t.Fatalf("the preview wrote: %d contacts, want %d", n, before)
	}

	// Changing a column's field re-runs the preview.
	d.fields[5].SetValue("")
	a.settle()
	if contains(d.titles, "Notes") {
		t.Errorf("notes still previewed after ignoring the column: %v", d.titles)
	}
	d.fields[5].SetValue("notes")
	a.settle()

	// Dry run, then all or nothing: nothing is saved.
	d.run(true)
	a.settle()
	if d.last == nil || !d.last.DryRun || d.last.Created != 2 || d.last.Updated != 1 || d.last.Failed != 1 {
		t.Fatalf("dry run summary = %+v", d.last)
	}
	d.run(false)
	a.settle()
	if d.last.Committed || d.last.Failed != 1 || countContacts(t, s) != before {
		t.Fatalf("all-or-nothing saved something: %+v, %d contacts", d.last, countContacts(t, s))
	}

	// Skip bad rows: two created, Élodie updated, Luc reported.
	d.skipBad.SetChecked(true)
	d.run(false)
	a.settle()
	sum := d.last
	if !sum.Committed || sum.Created != 2 || sum.Updated != 1 || sum.Skipped != 0 || sum.Failed != 1 {
		t.Fatalf("summary = %+v", sum)
	}
	if len(sum.Errors) != 1 || sum.Errors[0].Row != 3 || sum.Errors[0].Column != "E-mail" {
		t.Errorf("errors = %+v", sum.Errors)
	}
	if n := countContacts(t, s); n != before+2 {
		t.Errorf("%d contacts after the import, want %d", n, before+2)
	}
	ines, err := model.List[model.Contact](t.Context(), s.DB(), model.Query{Where: "last_name = ?", Args: []any{"Garnier"}})
	if err != nil || len(ines) != 1 || ines[0].FirstName != "Inès" || ines[0].AccountID == "" || len(ines[0].Phones) != 1 {
		t.Fatalf("imported contact = %+v, %v", ines, err)
	}
	elodie, err := model.List[model.Contact](t.Context(), s.DB(), model.Query{Where: "last_name = ?", Args: []any{"Lefèvre"}})
	if err != nil || len(elodie) != 1 || !strings.Contains(elodie[0].Notes, "Rappeler en janvier") {
		t.Errorf("Élodie was not updated from her row: %+v, %v", elodie, err)
	}

	// The summary saves as text, in the user's language.
	out := filepath.Join(t.TempDir(), "bilan.txt")
	if err := sum.Save(out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(out); !strings.Contains(string(b), "créées 2, mises à jour 1, ignorées 0, erreurs 1") {
		t.Errorf("saved summary:\n%s", b)
	}
}

// TestImportThunderbirdSemicolon reads a real semicolon CSV from Thunderbird
// in English: the display name is left out because first and last names
// are there.
func TestImportThunderbirdSemicolon(t *testing.T) {
	a, s := openApp(t, "en", nil)
	d := a.openImport(filepath.Join("testdata", "import", "thunderbird-csv_semicolon.csv"))
	a.settle()
	got := []string{}
	for _, f := range d.fields {
		got = append(got, f.Value())
	}
	if strings.Join(got, ",") != ",first_name,last_name,emails" {
		t.Errorf("mapping = %v", got)
	}
	if len(d.preview) != 2 || d.errs.Text != "No errors in these rows." {
		t.Errorf("preview = %d rows, errors %q", len(d.preview), d.errs.Text)
	}
	d.run(false)
	a.settle()
	if d.last == nil || !d.last.Committed || d.last.Created != 2 || countContacts(t, s) != 2 {
		t.Errorf("summary = %+v", d.last)
	}
}

// TestImportUnreadable shows a sentence, not a Go error, when no column maps.
func TestImportNothingMapped(t *testing.T) {
	a, s := openApp(t, "en", nil)
	d := a.openImport(writeTemp(t, "x.csv", "Foo,Bar\n1,2\n"))
	a.settle()
	if !strings.Contains(d.status.Text, "choose a field for at least one column") || !d.importBt.Disabled() {
		t.Errorf("status = %q, import enabled = %v", d.status.Text, !d.importBt.Disabled())
	}
	if countContacts(t, s) != 0 {
		t.Error("something was written")
	}
}

// TestExportFilteredContacts exports the contact list with its current
// filter to CSV (French: semicolons, French titles), vCard 3.0 and XLSX.
func TestExportFilteredContacts(t *testing.T) {
	a, _ := openApp(t, "fr", func(s *model.Store) { loadFixture(t, s) })
	a.show("contacts")
	a.settle()
	c := a.screenByID("contacts").(*contactsScreen)
	c.source.SetValue("website")
	a.settle()
	k, q := c.exportQuery()
	dir := t.TempDir()

	path := filepath.Join(dir, "contacts.csv")
	a.exportListTo(k, q, path, export.VCard4)
	a.settle()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("%d CSV records, want the header and John only: %v", len(recs), recs)
	}
	head := strings.TrimPrefix(strings.Join(recs[0], "|"), "\ufeff")
	if !strings.Contains(head, "Prénom") {
		t.Errorf("header = %v, want French titles", recs[0])
	}
	if !contains(recs[1], "John") || !contains(recs[1], "Smith") {
		t.Errorf("row = %v", recs[1])
	}
	if _, err := os.Stat(path + ".partial"); !os.IsNotExist(err) {
		t.Error("the temporary file was left behind")
	}

	vcf := filepath.Join(dir, "contacts.vcf")
	a.exportListTo(k, q, vcf, export.VCard3)
	a.settle()
	b, err := os.ReadFile(vcf)
	if err != nil || strings.Count(string(b), "BEGIN:VCARD") != 1 || !strings.Contains(string(b), "VERSION:3.0") {
		t.Errorf("vCard export:\n%s\n%v", b, err)
	}

	xlsx := filepath.Join(dir, "contacts.xlsx")
	a.exportListTo(k, q, xlsx, export.VCard4)
	a.settle()
	if b, err := os.ReadFile(xlsx); err != nil || !strings.HasPrefix(string(b), "PK") {
		t.Errorf("XLSX export is not a workbook: %v", err)
	}

	// Accounts cannot go to vCard: the file is not written.
	if _, err := export.ListFile(t.Context(), a.store.DB(), model.KindAccount, model.Query{}, filepath.Join(dir, "a.vcf"), export.VCard4, export.Options{Lang: "fr"}); err == nil {
		t.Error("accounts exported to vCard")
	}
}

// TestExportEverything writes the export-all folder, which reads back.
func TestExportEverything(t *testing.T) {
	a, _ := openApp(t, "en", func(s *model.Store) { loadFixture(t, s) })
	dir := filepath.Join(t.TempDir(), "all")
	a.exportAllTo(dir)
	a.settle()
	if _, err := os.Stat(filepath.Join(dir, export.ManifestFile)); err != nil {
		t.Fatalf("no manifest: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "contact.csv")); err != nil {
		t.Errorf("no contacts file: %v", err)
	}
}

// TestImportPreviewChoices: a row whose e-mail is Élodie's but whose name
// and title differ shows each difference with a choice; the stored values
// are kept unless the user chooses otherwise. An owner Relais lacks is a
// warning — or created when the box is ticked.
func TestImportPreviewChoices(t *testing.T) {
	var f *fixture
	a, s := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	path := writeTemp(t, "c.csv", "First name,Last name,Email,Job title,Phone,Owner\n"+
		"Elodie,Lefèvre-Martin,elodie@lefevre.example,CEO,,\n"+
		"Zoé,Autre,zoe@autre.example,,,Nadia Nouvelle\n")
	d := a.openImport(path)
	a.settle()
	// Every value of Élodie's row differs and is kept: nothing to write yet.
	if len(d.preview) != 2 || d.preview[0].Action != "skip" || d.preview[1].Action != "create" {
		t.Fatalf("preview actions %s, %s", d.preview[0].Action, d.preview[1].Action)
	}
	if len(d.diffs) != 3 { // first name, last name, title
		t.Fatalf("%d choices, want 3: %v", len(d.diffs), d.diffKeys)
	}
	for _, c := range d.diffs {
		if c.Value() != "keep" {
			t.Errorf("a differing value defaults to %q", c.Value())
		}
	}
	if !strings.Contains(d.notes.Text, `no team member is named "Nadia Nouvelle": left empty`) {
		t.Errorf("notes %q", d.notes.Text)
	}
	// Take the new title, keep the name.
	for i, k := range d.diffKeys {
		if k.Field == "title" {
			d.diffs[i].SetValue("new")
		}
	}
	d.createMissing.SetChecked(true)
	a.settle()
	d.run(false)
	a.settle()
	if d.last == nil || !d.last.Committed || d.last.RefsCreated != 1 || d.last.Differing != 3 {
		t.Fatalf("summary %+v", d.last)
	}
	c := &model.Contact{}
	s.Get(t.Context(), f.elodie.ID, c)
	if c.FullName() != "Élodie Lefèvre" || c.Title != "CEO" {
		t.Errorf("Élodie is now %q, %q", c.FullName(), c.Title)
	}
	zoe, _ := model.List[model.Contact](t.Context(), s.DB(), model.Query{Where: "last_name = ?", Args: []any{"Autre"}})
	if len(zoe) != 1 || zoe[0].OwnerID == "" {
		t.Errorf("Zoé %+v: want an owner created", zoe)
	}
}
