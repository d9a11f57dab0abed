package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"relais/report"
)

func TestCLIReports(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "relais.db")
	if code, _, errs := relais(t, db, "demo", "--seed", "3"); code != 0 {
		t.Fatalf("demo: %q", errs)
	}
	// The demo data is dated from today: report on the last complete month.
	month := report.MonthOf(time.Now()).Add(-1).String()
	out := func(name string) string { return filepath.Join(dir, name) }

	code, stdout, errs := relais(t, db, "report", "monthly", "--month", month, "-o", out("m.pdf"), "--lang", "en")
	if code != 0 || !strings.HasPrefix(stdout, "wrote "+out("m.pdf")+" ("+month+": ") {
		t.Fatalf("monthly pdf: %d %q %q", code, stdout, errs)
	}
	if b, _ := os.ReadFile(out("m.pdf")); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatal("m.pdf is not a PDF")
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		text, _ := exec.Command("pdftotext", "-enc", "UTF-8", out("m.pdf"), "-").Output()
		if !strings.Contains(string(text), "Monthly sales report") || !strings.Contains(string(text), "Sales per team member") {
			t.Errorf("m.pdf text:\n%.400s", text)
		}
	}

	if code, _, errs := relais(t, db, "report", "monthly", "--month", month, "-o", out("m.xlsx")); code != 0 {
		t.Fatalf("monthly xlsx: %q", errs)
	}
	f, err := excelize.OpenFile(out("m.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	if sheets := f.GetSheetList(); len(sheets) < 10 {
		t.Errorf("sheets: %q", sheets)
	}
	f.Close()

	if code, _, errs := relais(t, db, "report", "monthly", "--month", month, "-o", out("m.csv"), "--lang", "fr"); code != 0 {
		t.Fatalf("monthly csv: %q", errs)
	}
	b, _ := os.ReadFile(out("m.csv"))
	if !bytes.HasPrefix(b, []byte("\uFEFFChiffres clés\r\n")) {
		t.Errorf("m.csv starts %q", b[:min(len(b), 40)])
	}
	rd := csv.NewReader(bytes.NewReader(b[3:]))
	rd.Comma, rd.FieldsPerRecord = ';', -1
	if recs, err := rd.ReadAll(); err != nil || len(recs) < 20 || recs[2][0] != "Chiffre d’affaires" || !strings.Contains(recs[2][1], ",") {
		t.Errorf("m.csv: %v, %q", err, recs[:min(len(recs), 3)])
	}

	// The default file name and month.
	wd, _ := os.Getwd()
	os.Chdir(dir)
	code, stdout, _ = relais(t, db, "report", "monthly", "--lang", "fr")
	os.Chdir(wd)
	if code != 0 || !strings.Contains(stdout, "rapport-ventes-"+month+".pdf") {
		t.Errorf("default monthly: %d %q", code, stdout)
	}

	// Trade-show report and agenda of a demo show.
	if code, stdout, errs := relais(t, db, "report", "event", "SIRHA", "Lyon", "-o", out("e.pdf")); code != 0 || !strings.Contains(stdout, "SIRHA Lyon:") {
		t.Fatalf("event report: %d %q %q", code, stdout, errs)
	}
	if code, _, errs := relais(t, db, "report", "event", "SIRHA Lyon", "-o", out("e.xlsx")); code != 0 {
		t.Fatalf("event xlsx: %q", errs)
	}
	if code, stdout, errs := relais(t, db, "agenda", "HostMilano", "-o", out("a.pdf")); code != 0 || !strings.Contains(stdout, "slots over 3 days") {
		t.Fatalf("agenda: %d %q %q", code, stdout, errs)
	}

	// Mistakes: a clear sentence, exit 2 for usage and 1 for the rest, nothing written.
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"report"}, 2, "say which report"},
		{[]string{"report", "weekly"}, 2, `unknown report "weekly"`},
		{[]string{"report", "monthly", "--month", "2026-13"}, 2, `--month: "2026-13" is not a month`},
		{[]string{"report", "monthly", "-o", out("m.txt")}, 2, "must end in .pdf, .xlsx or .csv"},
		{[]string{"report", "monthly", "--lang", "de"}, 2, "--lang must be fr or en"},
		{[]string{"report", "monthly", "--currency", "EURO"}, 2, "three-letter code"},
		{[]string{"report", "event"}, 2, "name the event"},
		{[]string{"report", "event", "Nowhere Expo"}, 1, `No event is named "Nowhere Expo"; the events are listed on the Events screen.`},
		{[]string{"agenda", "HostMilano", "-o", out("a.xlsx")}, 2, "must end in .pdf"},
		{[]string{"agenda"}, 2, "name the event"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errs := relais(t, db, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) || strings.Contains(errs, "report: report") || strings.Contains(errs, "not found") {
				t.Errorf("exit %d, %q", code, errs)
			}
		})
	}
	if _, err := os.Stat(out("m.txt")); err == nil {
		t.Error("a file was written for a refused extension")
	}
}
