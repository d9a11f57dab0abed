package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

// seedShow makes a database with a trade show, its rota and a known
// contact, closes it and returns its path and the event.
func seedShow(t *testing.T) (string, *model.Event, *model.Contact) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "relais.db")
	now := time.Date(2020, 10, 1, 9, 0, 0, 0, time.UTC)
	s := modeltest.OpenAt(t, path, func() time.Time { return now })
	ev := &model.Event{Name: "Equip'Hôtel Paris", Type: "trade_show", Venue: "Paris Expo", StartDate: model.MustDate("2020-11-02"),
		EndDate: model.MustDate("2020-11-06"), TZ: "Europe/Paris", Booth: "Hall 7 — stand C4", Currency: "EUR", Status: "confirmed"}
	me := &model.TeamMember{Name: "Camille Martin", Phone: "+33 6 11 22 33 44", Role: model.RoleCoordinator, TargetCurrency: "EUR", Active: true}
	known := &model.Contact{FirstName: "John", LastName: "Smith", Emails: []string{"john@acme.example"}}
	modeltest.Create(t, s, ev, me, known)
	paris, _ := time.LoadLocation("Europe/Paris")
	modeltest.Create(t, s, &model.RotaShift{EventID: ev.ID, MemberID: me.ID, Start: time.Date(2020, 11, 3, 9, 0, 0, 0, paris),
		End: time.Date(2020, 11, 3, 13, 0, 0, 0, paris), Role: "Accueil"})
	if err := s.SetSetting(context.Background(), model.SettingMe, me.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path, ev, known
}

func TestLeadCLI(t *testing.T) {
	db, ev, known := seedShow(t)
	scan := "MECARD:N:Dupré,Renée;ORG:Brasserie du Parc;EMAIL:renee@parc.example;;"
	out, errOut, code := runCLI(t, "--db", db, "lead", "add", "--event", "equip'hotel", "--scan", scan, "--grade", "a", "--consent")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	id := strings.TrimSpace(out)
	if !strings.Contains(errOut, "Saved Renée Dupré as a lead of Equip'Hôtel Paris") || !strings.Contains(errOut, "Follow-up due") {
		t.Errorf("stderr %q", errOut)
	}
	// The same badge again: the contact it matched, updated.
	out, errOut, code = runCLI(t, "--db", db, "lead", "add", "--event", ev.ID, "--scan", scan, "--grade", "B")
	if code != 0 || strings.TrimSpace(out) != id || !strings.Contains(errOut, "Matched the existing contact Renée Dupré (same e-mail)") {
		t.Errorf("second scan: %d %q %q", code, out, errOut)
	}
	// A vCard typed by the scanner, matching a contact by e-mail, kept apart with --new.
	vcard := "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Johnny Smith\r\nEMAIL:JOHN@acme.example\r\nEND:VCARD\r\n"
	out, errOut, code = runCLI(t, "--db", db, "lead", "add", "--event", ev.ID, "--scan", vcard, "--new")
	if code != 0 || strings.TrimSpace(out) == known.ID || !strings.Contains(errOut, "although John Smith has the same e-mail") {
		t.Errorf("--new: %d %q %q", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "--db", db, "lead", "add", "--event", ev.ID, "--scan", vcard)
	if code != 0 || strings.TrimSpace(out) != known.ID {
		t.Errorf("vCard scan: %d %q %q", code, out, errOut)
	}

	s := modeltest.OpenAt(t, db, time.Now)
	c := &model.Contact{}
	if err := s.Get(context.Background(), id, c); err != nil {
		t.Fatal(err)
	}
	if c.SourceEventID != ev.ID || c.Grade != "B" || !c.Consent || c.AccountID == "" {
		t.Errorf("stored lead %+v", c)
	}
	n, _ := model.Count(context.Background(), s.DB(), model.KindTask, model.Query{})
	s.Close()
	if n != 2 {
		t.Errorf("%d follow-up tasks, want 2 (grade A, then B; ungraded leads get none)", n)
	}

	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"lead", "add", "--event", ev.ID}, 2, "--event and --scan are required"},
		{[]string{"lead", "add", "--event", ev.ID, "--scan", scan, "--grade", "E"}, 2, `--grade "E"`},
		{[]string{"lead", "add", "--event", "Nowhere", "--scan", scan}, 1, `No event is named "Nowhere".`},
		{[]string{"lead", "add", "--event", ev.ID, "--scan", "12345678"}, 1, "not a vCard, MECARD or BIZCARD"},
		{[]string{"lead", "add", "--event", ev.ID, "--scan", "MECARD:N:X;EMAIL:bad@;;"}, 1, `Emails "bad@" is not an e-mail address.`},
		{[]string{"lead", "frob"}, 2, "unknown lead command"},
	} {
		_, errOut, code := runCLI(t, append([]string{"--db", db}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.msg) || strings.Contains(errOut, "leads:") {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.msg)
		}
	}
}

func TestLeadImportCLI(t *testing.T) {
	db, ev, _ := seedShow(t)
	out, errOut, code := runCLI(t, "--db", db, "lead", "import", "--event", ev.ID, "leads/testdata/vcf/ezvcard-gmail-list.vcf", "--grade", "B")
	if code != 0 || !strings.Contains(out, "3 new, 0 updated, 0 unchanged; 3 follow-up tasks") {
		t.Errorf("import: %d %q %q", code, out, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.vcf")
	os.WriteFile(bad, []byte("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:cut\n"), 0o644)
	_, errOut, code = runCLI(t, "--db", db, "lead", "import", "--event", ev.ID, bad)
	if code != 1 || !strings.Contains(errOut, "row 2 (line 5)") || !strings.Contains(errOut, "nothing was imported") {
		t.Errorf("bad file: %d %q", code, errOut)
	}
}

func TestRunsheetCLI(t *testing.T) {
	db, ev, _ := seedShow(t)
	pdf := filepath.Join(t.TempDir(), "day.pdf")
	out, errOut, code := runCLI(t, "--db", db, "runsheet", "Equip'Hôtel Paris", "--day", "2020-11-03", "-o", pdf, "--home-tz", "America/Montreal", "--lang", "fr")
	if code != 0 || !strings.Contains(out, "1 items, 1 people on site") {
		t.Fatalf("runsheet: %d %q %q", code, out, errOut)
	}
	text, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Feuille de route", "mardi 3 novembre 2020", "09:00–13:00", "03:00–07:00", "Camille Martin", "+33 6 11 22 33 44"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"runsheet", ev.ID, "--day", "2020-11-03"}, 2, "--day and -o are required"},
		{[]string{"runsheet", ev.ID, "--day", "3/11/2020", "-o", pdf}, 2, "YYYY-MM-DD"},
		{[]string{"runsheet", ev.ID, "--day", "2020-11-09", "-o", pdf}, 1, "2020-11-09 is not one of its days"},
		{[]string{"runsheet", ev.ID, "--day", "2020-11-03", "-o", pdf, "--home-tz", "Mars/Olympus"}, 2, "--home-tz"},
		{[]string{"runsheet", "--day", "2020-11-03", "-o", pdf}, 2, "name one event"},
	} {
		_, errOut, code := runCLI(t, append([]string{"--db", db}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, errOut, c.code, c.msg)
		}
	}
}
