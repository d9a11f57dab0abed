package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"relais/assets"
	"relais/export"
	"relais/model"
	"relais/model/demo"
	"relais/model/modeltest"
	"relais/report"
)

var october = report.Month{Year: 2026, Month: time.October}

// demoDB is the demo dataset (scale 1, seed 1) made once per test run with
// the modeltest clock, so its months are always the same; tests open it
// read-only through their own store.
var demoDB = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "relais-export-demo-")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "demo.db")
	s, err := model.Open(context.Background(), path, model.Options{Now: func() time.Time { return modeltest.Now }})
	if err != nil {
		return "", err
	}
	defer s.Close()
	_, err = demo.Generate(context.Background(), s, demo.Options{Scale: 1, Seed: 1})
	return path, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if path, err := demoDB(); err == nil && path != "" {
		os.RemoveAll(filepath.Dir(path))
	}
	os.Exit(code)
}

func demoStore(t testing.TB) *model.Store {
	t.Helper()
	path, err := demoDB()
	if err != nil {
		t.Fatalf("demo data: %v", err)
	}
	return modeltest.OpenAt(t, path, func() time.Time { return modeltest.Now })
}

func demoMonthly(t testing.TB) (*model.Store, *report.MonthlyReport) {
	t.Helper()
	s := demoStore(t)
	r, err := report.Monthly(context.Background(), s, october, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s, r
}

// flat folds runs of white space (line breaks of wrapped text) into one space.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// writePDF renders into a temporary file and returns its path.
func writePDF(t testing.TB, name string, render func(*bytes.Buffer) error) (string, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := render(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path, b.Bytes()
}

func TestMonthlyPDFText(t *testing.T) {
	_, r := demoMonthly(t)
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			path, _ := writePDF(t, "monthly.pdf", func(b *bytes.Buffer) error { return export.WriteMonthlyPDF(b, demoLetterhead(), r, lang) })
			text := pdfText(t, path)
			money := func(v int64) string { return spaces.Replace(export.FormatMoney(v, "EUR", lang)) }
			want := map[string][]string{
				"fr": {"Rapport mensuel des ventes", "octobre 2026", "Établi le 27 novembre 2026", "Chiffres clés", "Chiffre d’affaires", "Panier moyen",
					"Ventes par commercial", "Meilleures ventes", "Produits en recul", "Ventes par segment", "Ventes par région", "Pipeline par étape",
					"Prévision", "Erreur de prévision", "Réclamations clients", "Meilleurs clients du mois", "vs sept.", "Atelier Lumière & Cie"},
				"en": {"Monthly sales report", "October 2026", "Made on 27 November 2026", "Key figures", "Average order", "Sales per team member",
					"Top sellers", "Under-performers", "Sales by segment", "Sales by region", "Pipeline by stage", "Forecast error", "Client issues",
					"Best customers of the month", "vs Sep"},
			}[lang]
			// The figures printed are the report's.
			want = append(want, money(r.Sales.Value), money(r.AvgOrder.Value), money(r.Pipeline.Weighted), money(r.Trend.Forecast[0].Total))
			for _, rp := range r.Reps {
				if rp.MemberID != "" {
					want = append(want, rp.Name, money(rp.Sales.Value))
				}
			}
			want = append(want, r.TopProducts[0].Name, r.Segments[0].Name)
			for _, s := range want {
				if !strings.Contains(text, spaces.Replace(s)) {
					t.Errorf("the PDF lacks %q", s)
				}
			}
			// A cover, a summary, charts, tables, then a page per member.
			n := pageCount(t, path)
			members := 0
			for _, rp := range r.Reps {
				if rp.MemberID != "" {
					members++
				}
			}
			if n < 4+members {
				t.Errorf("%d pages for %d members", n, members)
			}
			if !regexp.MustCompile(`Page 1/\d+`).MatchString(text) {
				t.Error("no page numbers")
			}
		})
	}
}

func TestMonthlyPDFFontsAndMetadata(t *testing.T) {
	_, r := demoMonthly(t)
	path, pdf := writePDF(t, "monthly.pdf", func(b *bytes.Buffer) error { return export.WriteMonthlyPDF(b, demoLetterhead(), r, "fr") })
	info := poppler(t, "pdfinfo", path)
	for _, want := range []string{`Title:\s+Rapport mensuel des ventes — octobre 2026\n`, `Author:\s+Atelier Lumière & Cie\n`, `CreationDate:\s+Fri Nov 27 00:00:00 2026 UTC`} {
		if !regexp.MustCompile(want).MatchString(info) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
	fonts := poppler(t, "pdffonts", path)
	rows := strings.Split(strings.TrimSpace(fonts), "\n")[2:]
	for _, row := range rows {
		f := strings.Fields(row)
		if !strings.Contains(strings.ToLower(f[0]), "dejavu") || f[len(f)-5] != "yes" {
			t.Errorf("font not embedded DejaVu: %s", row)
		}
	}
	if len(rows) != 3 {
		t.Errorf("%d fonts:\n%s", len(rows), fonts)
	}
	// The same data gives the same bytes.
	_, again := writePDF(t, "again.pdf", func(b *bytes.Buffer) error { return export.WriteMonthlyPDF(b, demoLetterhead(), r, "fr") })
	if !bytes.Equal(pdf, again) {
		t.Error("two renderings of the same report differ")
	}
}

// TestMonthlyPDFCharts checks that the charts are vectors: filled
// rectangles in the page content, and no image but the logo.
func TestMonthlyPDFCharts(t *testing.T) {
	_, r := demoMonthly(t)
	path, _ := writePDF(t, "monthly.pdf", func(b *bytes.Buffer) error { return export.WriteMonthlyPDF(b, demoLetterhead(), r, "en") })
	if imgs := poppler(t, "pdfimages", "-list", path); strings.Count(strings.TrimSpace(imgs), "\n") > 1 {
		t.Errorf("the report has images:\n%s", imgs)
	}
	text := pdfText(t, path)
	for _, s := range []string{"Monthly sales and forecast", "Forecast: weighted pipeline", "Forecast made the month before", "Sales per team member against target", "Target"} {
		if !strings.Contains(text, s) {
			t.Errorf("no chart label %q", s)
		}
	}
	// Axis labels are text: €1M-style ticks on the monthly chart.
	if !regexp.MustCompile(`€\d+(\.\d)?[kM]`).MatchString(text) {
		t.Error("no compact amounts on the chart axes")
	}
}

func TestMonthlyXLSXReadBack(t *testing.T) {
	_, r := demoMonthly(t)
	tables, err := export.MonthlyTables(r, "fr")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.WriteReportXLSX(&b, tables); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != len(tables) {
		t.Fatalf("%d sheets for %d tables: %q", len(sheets), len(tables), sheets)
	}
	for i, tb := range tables {
		rows, err := f.GetRows(sheets[i])
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != len(tb.Rows)+1 {
			t.Errorf("sheet %s: %d rows, want %d + header", sheets[i], len(rows), len(tb.Rows))
		}
	}
	// The summary: sales as a real number in euros, its header naming the currency.
	if sheets[0] != "Chiffres clés" {
		t.Errorf("first sheet %q", sheets[0])
	}
	head, _ := f.GetCellValue(sheets[0], "B1")
	if head != "oct. 2026 (EUR)" && head != "oct. 2026" {
		t.Errorf("B1 = %q", head)
	}
	label, _ := f.GetCellValue(sheets[0], "A2")
	raw, _ := f.GetCellValue(sheets[0], "B2", excelize.Options{RawCellValue: true})
	if v, err := strconv.ParseFloat(raw, 64); label != "Chiffre d’affaires" || err != nil || math.Abs(v-float64(r.Sales.Value)/100) > 0.004 {
		t.Errorf("A2, B2 = %q, %q (sales %d)", label, raw, r.Sales.Value)
	}
	typ, _ := f.GetCellType(sheets[0], "B2")
	if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("sales cell type %v", typ)
	}
	// Every rep is on the reps sheet.
	repsSheet := sheets[1]
	col, _ := f.GetCols(repsSheet)
	names := strings.Join(col[0], "|")
	for _, rp := range r.Reps {
		if rp.MemberID != "" && !strings.Contains(names, rp.Name) {
			t.Errorf("%s is not on the reps sheet", rp.Name)
		}
	}
}

func TestMonthlyCSVParseBack(t *testing.T) {
	_, r := demoMonthly(t)
	for _, tc := range []struct {
		lang, sales, label string
		comma              rune
	}{
		{"fr", strings.Replace(strings.TrimSuffix(model.Money{Minor: r.Sales.Value, Currency: "EUR"}.String(), " EUR"), ".", ",", 1), "Chiffre d’affaires", ';'},
		{"en", strings.TrimSuffix(model.Money{Minor: r.Sales.Value, Currency: "EUR"}.String(), " EUR"), "Sales", ','},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			tables, err := export.MonthlyTables(r, tc.lang)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := export.WriteReportCSV(&b, tables, tc.lang); err != nil {
				t.Fatal(err)
			}
			data := b.Bytes()
			if !bytes.HasPrefix(data, []byte("\uFEFF")) {
				t.Fatal("no byte-order mark")
			}
			rd := csv.NewReader(bytes.NewReader(data[3:]))
			rd.Comma, rd.FieldsPerRecord = tc.comma, -1
			recs, err := rd.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			// Sections: a title line, the header, the rows; blank lines between are skipped by readers.
			var titles []string
			for i, rec := range recs {
				if len(rec) == 1 && i+1 < len(recs) && len(recs[i+1]) > 1 {
					titles = append(titles, rec[0])
				}
			}
			if len(titles) != len(tables) {
				t.Errorf("%d sections for %d tables: %q", len(titles), len(tables), titles)
			}
			found := false
			for _, rec := range recs {
				if len(rec) > 1 && rec[0] == tc.label {
					found = true
					if rec[1] != tc.sales {
						t.Errorf("sales = %q, want %q", rec[1], tc.sales)
					}
					break
				}
			}
			if !found {
				t.Errorf("no %q row", tc.label)
			}
		})
	}
}

func TestEventReportDocuments(t *testing.T) {
	s := demoStore(t)
	ctx := context.Background()
	ev, err := report.FindEvent(ctx, s.DB(), "SIRHA Lyon")
	if err != nil {
		t.Fatal(err)
	}
	r, err := report.Event(ctx, s, ev.ID, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Leads) == 0 || len(r.Costs) == 0 || r.MeetingsTotal == 0 {
		t.Fatalf("the demo show has no leads, costs or meetings: %d %d %d", len(r.Leads), len(r.Costs), r.MeetingsTotal)
	}
	path, _ := writePDF(t, "event.pdf", func(b *bytes.Buffer) error { return export.WriteEventPDF(b, demoLetterhead(), r, "fr") })
	text := pdfText(t, path)
	money := func(v int64) string { return spaces.Replace(export.FormatMoney(v, "EUR", "fr")) }
	for _, s := range []string{"Bilan de salon", "SIRHA Lyon", "Eurexpo Lyon", "Contacts captés", "Contacts par note", "Coût par contact", "Coûts et budget",
		"Propositions", "Rendez-vous", money(r.Cost), money(r.Budget), money(r.CostPerLead), r.Leads[0].Name, r.Costs[0].Title} {
		if !strings.Contains(text, spaces.Replace(s)) {
			t.Errorf("the event report lacks %q", s)
		}
	}
	tables, err := export.EventTables(r, "en")
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.WriteReportXLSX(&b, tables); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows("Leads captured")
	if len(rows) != len(r.Leads)+1 {
		t.Errorf("leads sheet: %d rows for %d leads", len(rows), len(r.Leads))
	}
}

// demoAgenda is a sales seminar's programme built by hand.
func demoAgenda() *report.Agenda {
	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(day, h, m int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, paris) }
	return &report.Agenda{
		Event: model.Event{Name: "Séminaire d’hiver", Type: "sales_meeting", Venue: "Château de la Verrerie", Address: "Route de Bourges", City: "Oizon",
			Country: "FR", StartDate: model.MustDate("2026-12-07"), EndDate: model.MustDate("2026-12-08"), TZ: "Europe/Paris"},
		Location: paris,
		Days: []report.AgendaDay{
			{Date: model.MustDate("2026-12-07"), Slots: []report.AgendaSlot{
				{Start: at(7, 9, 0), End: at(7, 10, 0), Title: "Bilan du mois et objectifs 2027", Type: "session", Lead: "Julien Marchetti"},
				{Start: at(7, 10, 0), End: at(7, 10, 15), Title: "Pause café", Type: "break"},
				{Start: at(7, 10, 15), End: at(7, 11, 30), Title: "Revue du pipeline par région", Type: "session", Lead: "Sophie Lambert", Place: "Salle des Tilleuls",
					Guest: "Élodie Lefèvre (Fromagerie Lefèvre)"},
			}},
			{Date: model.MustDate("2026-12-08"), Slots: []report.AgendaSlot{
				{Start: at(8, 9, 0), End: at(8, 11, 0), Title: "Préparer le SIRHA : stand, rendez-vous, relances", Type: "session", Lead: "Camille Roussel"},
			}},
		},
		Attendees: []report.Attendee{
			{Kind: "member", Name: "Camille Roussel", Role: model.RoleCoordinator, Email: "camille.roussel@relais-demo.fr"},
			{Kind: "member", Name: "Julien Marchetti", Role: model.RoleManager, Email: "julien.marchetti@relais-demo.fr"},
			{Kind: "member", Name: "Sophie Lambert", Role: model.RoleRep, Email: "sophie.lambert@relais-demo.fr"},
			{Kind: "contact", Name: "Élodie Lefèvre", Role: "Directrice marketing", Company: "Fromagerie Lefèvre", Email: "elodie@lefevre.example"},
		},
	}
}

func TestAgendaPDF(t *testing.T) {
	for _, tc := range []struct {
		lang string
		want []string
	}{
		{"fr", []string{"Ordre du jour de la réunion commerciale", "Séminaire d’hiver", "Château de la Verrerie, Route de Bourges, Oizon, FR",
			"7 décembre 2026 – 8 décembre 2026", "Lundi 7 décembre 2026", "Mardi 8 décembre 2026", "09:00 – 10:00", "10:15 – 11:30", "Bilan du mois et objectifs 2027",
			"Pause café", "Salle des Tilleuls", "Élodie Lefèvre (Fromagerie", "Participants (4)", "Coordinatrice", "Notre équipe",
			"Directrice marketing", "Europe/Paris"}},
		{"en", []string{"Sales meeting agenda", "Monday 7 December 2026", "Led by", "Attendees (4)", "Sales coordinator", "Our team"}},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			path, _ := writePDF(t, "agenda.pdf", func(b *bytes.Buffer) error {
				return export.WriteAgendaPDF(b, demoLetterhead(), demoAgenda(), tc.lang, model.MustDate("2026-11-27"))
			})
			text := flat(pdfText(t, path))
			for _, s := range tc.want {
				if !strings.Contains(text, s) {
					t.Errorf("the agenda lacks %q", s)
				}
			}
			if n := pageCount(t, path); n != 1 {
				t.Errorf("%d pages", n)
			}
		})
	}
	// An event with nothing planned yet says so.
	a := demoAgenda()
	a.Days, a.Attendees = nil, nil
	path, _ := writePDF(t, "empty.pdf", func(b *bytes.Buffer) error { return export.WriteAgendaPDF(b, demoLetterhead(), a, "en", model.Date{}) })
	if text := pdfText(t, path); !strings.Contains(text, "No slot on the agenda yet.") || !strings.Contains(text, "Nobody is listed yet.") {
		t.Errorf("empty agenda:\n%s", text)
	}
}

func TestReportFileNames(t *testing.T) {
	e := &model.Event{Name: "Equip'Hôtel Paris", StartDate: model.MustDate("2026-11-02")}
	if got := export.EventFileName("agenda", e); got != "agenda-Equip-Hotel-Paris-2026" {
		t.Errorf("EventFileName = %q", got)
	}
	if got := export.MonthlyFileName(october, "fr"); got != "rapport-ventes-2026-10" {
		t.Errorf("MonthlyFileName = %q", got)
	}
}

// BenchmarkMonthlyPDF renders the monthly report of the demo data at scale
// 1 (ten team members, sixteen pages). Target (issue 9): ≤ 300 ms.
func BenchmarkMonthlyPDF(b *testing.B) {
	_, r := demoMonthly(b)
	lh := demoLetterhead()
	var buf bytes.Buffer
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf.Reset()
		if err := export.WriteMonthlyPDF(&buf, lh, r, "fr"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KiB")
}

// TestReportDocs renders the demo monthly report in French and English, a
// trade-show report and an agenda, and with -docs ../docs keeps the PDFs and
// some of their pages as PNG for the documentation:
//
//	go test ./export -run TestReportDocs -docs ../docs
func TestReportDocs(t *testing.T) {
	dir := *docsDir
	if dir == "" {
		dir = t.TempDir()
	}
	s, r := demoMonthly(t)
	lh := demoLetterhead()
	lh.Logo = assets.Icon
	keep := func(name string, pdf []byte, pages ...int) {
		t.Helper()
		path := filepath.Join(dir, name+".pdf")
		if err := os.WriteFile(path, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			n := strconv.Itoa(p)
			if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", n, "-l", n, "-singlefile", path, filepath.Join(dir, name+"-"+n)).CombinedOutput(); err != nil {
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			if _, err := os.Stat(filepath.Join(dir, name+"-"+n+".png")); err != nil {
				t.Errorf("no rendered page %d of %s: %v", p, name, err)
			}
		}
	}
	for _, lang := range []string{"fr", "en"} {
		_, pdf := writePDF(t, "m.pdf", func(b *bytes.Buffer) error { return export.WriteMonthlyPDF(b, lh, r, lang) })
		keep("report-monthly-demo-"+lang, pdf, 1, 2, 3, 4, 5, 6, 8)
	}
	ev, err := report.FindEvent(context.Background(), s.DB(), "Equip'Hôtel Paris")
	if err != nil {
		t.Fatal(err)
	}
	er, err := report.Event(context.Background(), s, ev.ID, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, pdf := writePDF(t, "e.pdf", func(b *bytes.Buffer) error { return export.WriteEventPDF(b, lh, er, "fr") })
	keep("report-trade-show-demo-fr", pdf, 1)
	_, pdf = writePDF(t, "a.pdf", func(b *bytes.Buffer) error {
		return export.WriteAgendaPDF(b, lh, demoAgenda(), "fr", model.MustDate("2026-11-27"))
	})
	keep("agenda-demo-fr", pdf, 1)
}
