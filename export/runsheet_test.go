package export_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/export"
	"relais/model"
	"relais/model/modeltest"
)

// runSheetStore is a show in Chicago run from Lyon: the rota, booked booth
// meetings, a session, another appointment of the show, a checklist item
// due on the day with its vendor, and an event on another day.
func runSheetStore(t testing.TB, lang string) (*model.Store, *model.Event) {
	t.Helper()
	s := modeltest.Open(t)
	ctx := context.Background()
	chicago, _ := time.LoadLocation("America/Chicago")
	at := func(h, m int) time.Time { return time.Date(2027, 5, 16, h, m, 0, 0, chicago) }
	fr := lang == "fr"
	pick := func(f, e string) string {
		if fr {
			return f
		}
		return e
	}
	ev := &model.Event{Name: "NRA Show", Type: "trade_show", Venue: "McCormick Place", Address: "2301 S King Dr", City: "Chicago, IL 60616",
		Country: "US", StartDate: model.MustDate("2027-05-15"), EndDate: model.MustDate("2027-05-18"), TZ: "America/Chicago",
		Booth: "Hall 4 — stand B12", BoothSize: "36 m²", Currency: "USD", Status: "confirmed"}
	camille := &model.TeamMember{Name: "Camille Martin", Phone: "+33 6 11 22 33 44", Email: "camille@atelier-lumiere.fr", Role: model.RoleCoordinator, TargetCurrency: "EUR", Active: true}
	hugo := &model.TeamMember{Name: "Hugo Bernard", Phone: "+33 6 55 66 77 88", Email: "hugo@atelier-lumiere.fr", Role: model.RoleRep, TargetCurrency: "EUR", Active: true}
	acme := &model.Account{Name: "Harbour Kitchen Group", City: "Chicago", Phone: "+1 312 555 0100"}
	shipper := &model.Vendor{Name: "Transports Brunet & Fils", Provides: pick("Transport du stand aller-retour", "Booth shipping out and back"), ContactName: "Marc Brunet", Phone: "+33 4 78 00 11 22", Email: "marc@brunet.example"}
	hotel := &model.Vendor{Name: "Hilton Chicago", Provides: pick("Hébergement de l'équipe", "Team hotel"), ContactName: "Group desk", Phone: "+1 312 922 4400"}
	modeltest.Create(t, s, ev, camille, hugo, acme, shipper, hotel)
	sean := &model.Contact{FirstName: "Seán", LastName: "O'Brien", AccountID: acme.ID, Phones: []string{"+1 312 555 0142"}}
	maria := &model.Contact{FirstName: "María", LastName: "Núñez", Phones: []string{"+1 773 555 0199"}}
	modeltest.Create(t, s, sean, maria)
	booked := &model.Appointment{Title: pick("Rendez-vous stand — Seán O'Brien", "Booth meeting — Seán O'Brien"), Start: at(10, 30), End: at(11, 15), TZ: ev.TZ,
		ContactID: sean.ID, OwnerID: camille.ID, EventID: ev.ID, Location: ev.Booth, Status: "confirmed"}
	dinner := &model.Appointment{Title: pick("Dîner client", "Client dinner"), Start: at(19, 30), End: at(21, 30), TZ: ev.TZ, ContactID: maria.ID,
		OwnerID: hugo.ID, EventID: ev.ID, Location: "Gibsons, 1028 N Rush St", Status: "confirmed"}
	otherDay := &model.Appointment{Title: "Setup", Start: at(10, 0).AddDate(0, 0, -1), End: at(12, 0).AddDate(0, 0, -1), EventID: ev.ID, OwnerID: hugo.ID}
	modeltest.Create(t, s, booked, dinner, otherDay)
	modeltest.Create(t, s,
		&model.RotaShift{EventID: ev.ID, MemberID: camille.ID, Start: at(9, 0), End: at(13, 0), Role: pick("Accueil stand", "Booth welcome")},
		&model.RotaShift{EventID: ev.ID, MemberID: hugo.ID, Start: at(13, 0), End: at(17, 0), Role: pick("Démonstrations", "Product demos")},
		&model.AgendaSlot{EventID: ev.ID, Start: at(10, 30), End: at(11, 15), Title: booked.Title, Type: "meeting", ContactID: sean.ID, MemberID: camille.ID, Location: ev.Booth, AppointmentID: booked.ID},
		&model.AgendaSlot{EventID: ev.ID, Start: at(12, 0), End: at(13, 0), Title: pick("Déjeuner", "Lunch"), Type: "break"},
		&model.AgendaSlot{EventID: ev.ID, Start: at(14, 0), End: at(14, 45), Title: pick("Conférence : la cuisine connectée", "Talk: the connected kitchen"), Type: "session", MemberID: hugo.ID, Location: "Room S100"},
		&model.EventItem{EventID: ev.ID, Title: pick("Organiser le retour du stand", "Ship the booth back"), Due: model.MustDate("2027-05-16"), Status: "todo", VendorID: shipper.ID, OwnerID: camille.ID},
		&model.EventItem{EventID: ev.ID, Title: pick("Réserver les hôtels", "Book the hotels"), Due: model.MustDate("2027-03-01"), Status: "done", VendorID: hotel.ID},
	)
	if err := s.SetSetting(ctx, export.SettingCompanyName, "Atelier Lumière & Cie"); err != nil {
		t.Fatal(err)
	}
	return s, ev
}

func renderRunSheet(t testing.TB, lang string) (*export.RunSheetData, string, []byte) {
	t.Helper()
	s, ev := runSheetStore(t, lang)
	paris, _ := time.LoadLocation("Europe/Paris")
	d, err := export.LoadRunSheet(context.Background(), s, ev.ID, model.MustDate("2027-05-16"), paris, lang)
	if err != nil {
		t.Fatal(err)
	}
	d.Letterhead = demoLetterhead()
	var b bytes.Buffer
	if err := export.WriteRunSheetPDF(&b, d); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), export.RunSheetFileName(&d.Event, d.Day))
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return d, path, b.Bytes()
}

func TestRunSheetPDF(t *testing.T) {
	d, path, pdf := renderRunSheet(t, "en")
	if len(d.Items) != 7 {
		t.Errorf("%d schedule lines, want 2 shifts, 3 slots, the dinner and the item due", len(d.Items))
	}
	text := strings.Join(strings.Fields(pdfText(t, path)), " ") // cells wrap: compare words
	for _, want := range []string{
		"Run sheet", "NRA Show", "Sunday 16 May 2027", "Hall 4 — stand B12 (36 m²)",
		"Chicago (UTC−05:00)", "Paris (UTC+02:00)", "McCormick Place", "2301 S King Dr",
		"09:00–13:00", "16:00–20:00", // Camille's shift, on the show's clock and at home
		"10:30–11:15", "17:30–18:15", "Booth meeting — Seán O'Brien", "Seán O'Brien, Harbour Kitchen Group", "+1 312 555 0142",
		"19:30–21:30", "02:30–04:30 (+1)", "20:00–24:00", "Client dinner", "María Núñez", "Gibsons, 1028 N Rush St",
		"Talk: the connected kitchen", "Room S100", "Lunch",
		"Due today", "Ship the booth back", "Transports Brunet & Fils", "+33 4 78 00 11 22",
		"Team on site", "Camille Martin", "+33 6 11 22 33 44", "hugo@atelier-lumiere.fr", "13:00–17:00",
		"Vendors", "Hilton Chicago", "Team hotel", "+1 312 922 4400",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the run-sheet lacks %q", want)
		}
	}
	if strings.Contains(text, "Setup") {
		t.Error("an appointment of another day is on the sheet")
	}
	if strings.Index(text, "Booth welcome") > strings.Index(text, "Client dinner") {
		t.Error("the schedule is not in time order")
	}
	if fonts := poppler(t, "pdffonts", path); !strings.Contains(fonts, "utf8dejavu") || strings.Contains(fonts, "Helvetica") {
		t.Errorf("fonts:\n%s", fonts)
	}
	checkInsideMargins(t, path)
	_, _, again := renderRunSheet(t, "en")
	if !bytes.Equal(pdf, again) {
		t.Error("the same day renders to different bytes")
	}
}

func TestRunSheetFrenchAndSameZone(t *testing.T) {
	_, path, _ := renderRunSheet(t, "fr")
	text := strings.Join(strings.Fields(pdfText(t, path)), " ")
	for _, want := range []string{"Feuille de route", "dimanche 16 mai 2027", "Programme", "Chez nous", "Équipe sur place", "Fournisseurs", "À faire aujourd'hui"} {
		if !strings.Contains(text, want) {
			t.Errorf("the French run-sheet lacks %q", want)
		}
	}
	// At home in the show's own zone, the home column is left out.
	s, ev := runSheetStore(t, "en")
	chicago, _ := time.LoadLocation("America/Chicago")
	d, err := export.LoadRunSheet(context.Background(), s, ev.ID, model.MustDate("2027-05-16"), chicago, "en")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.WriteRunSheetPDF(&b, d); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "same.pdf")
	os.WriteFile(p, b.Bytes(), 0o644)
	if text := pdfText(t, p); strings.Contains(text, "Home time") || strings.Contains(text, "16:00–20:00") {
		t.Error("a home column for the show's own zone")
	}
	if _, err := export.LoadRunSheet(context.Background(), s, ev.ID, model.MustDate("2027-05-20"), chicago, "en"); err == nil || !strings.Contains(err.Error(), "2027-05-20 is not one of its days") {
		t.Errorf("a day outside the show: %v", err)
	}
}

// TestRunSheetDocs renders the demo run-sheet in both languages; with
// -docs ../docs it keeps the PDFs and their pages for the documentation:
//
//	go test ./export -run TestRunSheetDocs -docs ../docs
func TestRunSheetDocs(t *testing.T) {
	dir := *docsDir
	if dir == "" {
		t.Skip("writes docs only with -docs")
	}
	for _, lang := range []string{"en", "fr"} {
		_, path, pdf := renderRunSheet(t, lang)
		out := filepath.Join(dir, "runsheet-demo-"+lang+".pdf")
		if err := os.WriteFile(out, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		if b, err := exec.Command("pdftoppm", "-png", "-r", "70", path, filepath.Join(dir, "runsheet-demo-"+lang)).CombinedOutput(); err != nil {
			t.Fatalf("pdftoppm: %v\n%s", err, b)
		}
	}
}
