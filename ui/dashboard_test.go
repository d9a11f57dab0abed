package ui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
	"github.com/xuri/excelize/v2"

	"relais/model"
	"relais/report"
)

// salesFixture adds orders to the shared fixture: in October 2026 Acme
// orders 3 000 € (Camille) and Fromagerie Lefèvre 1 000 € (Hugo); in
// September Acme ordered 2 000 €.
func salesFixture(t *testing.T, s *model.Store) *fixture {
	f := loadFixture(t, s)
	order := func(num, date string, acc *model.Account, owner *model.TeamMember, net int64) {
		o := &model.Order{Number: num, AccountID: acc.ID, OwnerID: owner.ID, OrderDate: model.MustDate(date), Currency: "EUR", NetMinor: net, Status: model.OrderInvoiced}
		if err := s.Create(t.Context(), o); err != nil {
			t.Fatal(err)
		}
	}
	order("C-1", "2026-10-05", f.acme, f.me, 300000)
	order("C-2", "2026-10-20", f.bio, f.rep, 100000)
	order("C-3", "2026-09-12", f.acme, f.me, 200000)
	return f
}

func openDashboard(t *testing.T) (*App, *dashboardScreen, *fixture) {
	t.Helper()
	var f *fixture
	a, _ := openApp(t, "en", func(s *model.Store) { f = salesFixture(t, s) })
	a.show("reports")
	a.settle()
	s := a.current.(*dashboardScreen)
	if s.r == nil {
		t.Fatal("no report loaded")
	}
	return a, s, f
}

func cardTexts(s *dashboardScreen, i int) (label, value, change string) {
	c := s.cards.Objects[i].(*card)
	return c.label.Text, c.value.Text, c.change.Text
}

func TestDashboardFigures(t *testing.T) {
	a, s, _ := openDashboard(t)
	if s.month != (report.Month{Year: 2026, Month: time.October}) {
		t.Fatalf("the dashboard opened on %s, not the last complete month", s.month)
	}
	if s.picker.Selected != "October 2026" {
		t.Errorf("picker shows %q", s.picker.Selected)
	}
	if len(s.cards.Objects) != 12 {
		t.Fatalf("%d figure cards", len(s.cards.Objects))
	}
	// 4 000 € in October against 2 000 € in September: +100 %, good news.
	label, value, change := cardTexts(s, 0)
	if label != "Sales" || value != "€4,000.00" || change != "▲ +100% vs Sep" {
		t.Errorf("sales card = %q %q %q", label, value, change)
	}
	if imp := s.cards.Objects[0].(*card).change.Importance; imp != widget.SuccessImportance {
		t.Errorf("a rise in sales is shown as %v", imp)
	}
	if _, value, _ := cardTexts(s, 1); value != "2" {
		t.Errorf("orders = %q", value)
	}
	// The overdue issue (due 26 November) is not overdue at the end of October.
	if label, value, _ := cardTexts(s, 11); label != "Client issues overdue" || value != "0" {
		t.Errorf("overdue card = %q %q", label, value)
	}
	// Going back a month recomputes: September had one order of 2 000 €.
	s.step(-1)
	a.settle()
	if _, value, _ := cardTexts(s, 0); s.month.Month != time.September || value != "€2,000.00" {
		t.Errorf("after stepping back: %s, sales %q", s.month, value)
	}
	// November, in progress: the picker says so and the overdue issue counts.
	s.step(2)
	a.settle()
	if !strings.HasSuffix(s.picker.Selected, "(in progress)") || !s.r.Partial {
		t.Errorf("November: %q partial=%v", s.picker.Selected, s.r.Partial)
	}
	if _, value, _ := cardTexts(s, 11); value != "1" {
		t.Errorf("overdue now = %q", value)
	}
}

func TestDashboardRecordsBehind(t *testing.T) {
	a, s, f := openDashboard(t)
	// A tap on the sales card lists the month's orders, largest first.
	test.Tap(s.cards.Objects[0].(*card))
	a.settle()
	if s.behind == nil || len(s.behind.items) != 2 || s.behind.items[0].Label != "C-1" || s.behind.total != 2 {
		t.Fatalf("records behind sales: %+v", s.behind)
	}
	// Orders have no screen of their own: the customer opens.
	s.openItem(s.behind, s.behind.items[0])
	a.settle()
	if a.current.id() != "accounts" {
		t.Errorf("opening an order showed %q", a.current.id())
	}

	// A tap on a rep's bar lists their orders.
	a.show("reports")
	a.settle()
	s.reps.Resize(fyne.NewSize(400, 200))
	var hugo int = -1
	for i, b := range s.reps.bars {
		if b.label == f.rep.Name {
			hugo = i
		}
	}
	if hugo < 0 || len(s.reps.hits) != len(s.reps.bars) {
		t.Fatalf("bars %+v, hits %d", s.reps.bars, len(s.reps.hits))
	}
	h := s.reps.hits[hugo]
	s.reps.Tapped(&fyne.PointEvent{Position: fyne.NewPos(h.pos.X+h.size.X/2, h.pos.Y+h.size.Y/2)})
	a.settle()
	if s.behind == nil || len(s.behind.items) != 1 || s.behind.items[0].Label != "C-2" {
		t.Errorf("records behind Hugo's bar: %+v", s.behind)
	}
	// A deal behind the pipeline card opens on the pipeline.
	test.Tap(s.cards.Objects[6].(*card))
	a.settle()
	if len(s.behind.items) != 2 || s.behind.items[0].Kind != model.KindDeal {
		t.Fatalf("open deals: %+v", s.behind.items)
	}
	s.openItem(s.behind, s.behind.items[0])
	a.settle()
	if a.current.id() != "pipeline" {
		t.Errorf("opening a deal showed %q", a.current.id())
	}
}

func TestDashboardCharts(t *testing.T) {
	_, s, f := openDashboard(t)
	// Monthly sales from the first order (September) to October.
	if len(s.sales.bars) < 2 || s.sales.bars[0].label != "Sep" || s.sales.bars[1].total() != 400000 {
		t.Errorf("monthly bars: %+v", s.sales.bars)
	}
	// Reps: Camille's 3 000 € against her 50 000 € target.
	var camille *chartBar
	for i := range s.reps.bars {
		if s.reps.bars[i].label == f.me.Name {
			camille = &s.reps.bars[i]
		}
	}
	if camille == nil || camille.total() != 300000 || camille.mark != 5000000 || camille.note != "€3,000.00 · 6%" {
		t.Errorf("Camille's bar: %+v", camille)
	}
	// The chart draws at any size without panicking, and lays out its bars.
	for _, sz := range []fyne.Size{{Width: 0, Height: 0}, {Width: 30, Height: 20}, {Width: 900, Height: 300}} {
		s.sales.Resize(sz)
		s.reps.Resize(sz)
	}
	if len(s.sales.hits) != len(s.sales.bars) {
		t.Errorf("%d hit boxes for %d bars", len(s.sales.hits), len(s.sales.bars))
	}
}

func TestDashboardExport(t *testing.T) {
	a, s, _ := openDashboard(t)
	dir := t.TempDir()
	for _, ext := range []string{".pdf", ".xlsx", ".csv"} {
		path := filepath.Join(dir, "report"+ext)
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.writeReport(a.ctx, w, s.r, ext); err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		switch ext {
		case ".pdf":
			if !bytes.HasPrefix(b, []byte("%PDF-")) {
				t.Error("not a PDF")
			}
		case ".xlsx":
			x, err := excelize.OpenReader(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := x.GetCellValue("Key figures", "A2"); v != "Sales" {
				t.Errorf("xlsx A2 = %q", v)
			}
			x.Close()
		case ".csv":
			if !bytes.HasPrefix(b, []byte("\uFEFFKey figures\r\n")) || !bytes.Contains(b, []byte("Sales,4000.00,2000.00,100,")) {
				t.Errorf("csv starts %q", b[:min(len(b), 200)])
			}
		}
	}
}

func TestDashboardFrench(t *testing.T) {
	a, _ := openApp(t, "fr", func(s *model.Store) { salesFixture(t, s) })
	a.show("reports")
	a.settle()
	s := a.current.(*dashboardScreen)
	if s.picker.Selected != "octobre 2026" {
		t.Errorf("picker shows %q", s.picker.Selected)
	}
	label, value, change := cardTexts(s, 0)
	if label != "Chiffre d’affaires" || value != "4\u00a0000,00\u00a0€" || change != "▲ +100\u00a0% vs sept." {
		t.Errorf("sales card = %q %q %q", label, value, change)
	}
}
