package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/leads"
	"relais/model"
	"relais/model/modeltest"
)

// keyboard drives the window as the desktop driver does: typed characters
// go to the focused widget (a newline is the Return key, as a wedge scanner
// sends it), Tab moves the focus on unless the widget takes tabs.
type keyboard struct {
	t *testing.T
	a *App
}

func (k keyboard) focused() fyne.Focusable {
	f := k.a.win.Canvas().Focused()
	if f == nil {
		k.t.Fatal("nothing has the keyboard focus")
	}
	return f
}

func (k keyboard) typ(text string) {
	for _, r := range text {
		if r == '\n' {
			k.focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		} else {
			k.focused().TypedRune(r)
		}
		k.a.settle()
	}
}

func (k keyboard) tab() {
	if tb, ok := k.focused().(fyne.Tabbable); ok && tb.AcceptsTab() {
		k.focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyTab})
	} else {
		test.FocusNext(k.a.win.Canvas())
	}
	k.a.settle()
}

func (k keyboard) enter() { k.typ("\n") }

// boothFixture adds, to the usual fixture, a trade show on today (the
// modeltest clock) and a product to be interested in.
func boothFixture(t *testing.T, s *model.Store) (*fixture, *model.Event, *model.Product) {
	f := loadFixture(t, s)
	ev := &model.Event{Name: "SIRHA Lyon", Type: leads.TypeTradeShow, Venue: "Eurexpo", StartDate: model.MustDate("2026-11-26"),
		EndDate: model.MustDate("2026-11-30"), TZ: "Europe/Paris", Booth: "Hall 4 — B12", Currency: "EUR", Status: "confirmed"}
	old := &model.Event{Name: "Equip'Hôtel", Type: leads.TypeTradeShow, StartDate: model.MustDate("2026-11-02"), Currency: "EUR", Status: "done"}
	p := &model.Product{SKU: "CUI-1000", Name: "Four mixte 10 niveaux", Unit: "pc", PriceMinor: 1249000, Currency: "EUR", Availability: model.InStock}
	modeltest.Create(t, s, ev, old, p)
	return f, ev, p
}

// TestCaptureTwentyLeadsByKeyboard captures 20 visitors in a row with the
// keyboard only — half scanned (MECARD and vCard badges typed by a wedge
// scanner), half typed field by field — then finds them in Contacts,
// linked to the event.
func TestCaptureTwentyLeadsByKeyboard(t *testing.T) {
	var f *fixture
	var ev *model.Event
	a, st := openApp(t, "en", func(s *model.Store) { f, ev, _ = boothFixture(t, s) })
	a.show("leads")
	a.settle()
	s := a.current.(*leadsScreen)
	if s.event.Value() != ev.ID {
		t.Fatalf("the screen opened on event %q, not the show on today", s.event.Value())
	}
	if a.win.Canvas().Focused() != s.scan {
		t.Fatal("the scan box does not have the focus")
	}
	k := keyboard{t, a}
	grades := "ABCDABCDABCDABCDABCD"
	for i := 0; i < 20; i++ {
		g := string(grades[i])
		switch i % 4 {
		case 0: // a MECARD badge, with the scanner's Enter at the end
			k.typ(fmt.Sprintf("MECARD:N:Visitor%02d,Ann;ORG:Brasserie %02d;EMAIL:ann%02d@brasserie.example;TEL:+33 4 78 00 00 %02d;;\n", i, i, i, i))
		case 1: // a vCard badge: every line ends with an Enter
			k.typ(fmt.Sprintf("BEGIN:VCARD\nVERSION:3.0\nN:Visitor%02d;Bob;;;\nORG:Hôtel %02d\nTITLE:Chef\nEMAIL:bob%02d@hotel.example\nEND:VCARD\n", i, i, i))
		default: // typed by hand, Tab from field to field
			k.tab()
			if a.win.Canvas().Focused() != s.first {
				t.Fatalf("lead %d: Tab from the scan box went to %T, not the first name", i, a.win.Canvas().Focused())
			}
			k.typ("Cléa")
			k.tab()
			k.typ(fmt.Sprintf("Visitor%02d", i))
			k.tab()
			k.typ(fmt.Sprintf("Café %02d", i))
			k.tab() // title
			k.tab()
			k.typ(fmt.Sprintf("clea%02d@cafe.example", i))
			k.tab() // phone
			k.tab()
		}
		if a.win.Canvas().Focused() != s.grade {
			t.Fatalf("lead %d: the focus is on %T, not the grade", i, a.win.Canvas().Focused())
		}
		k.typ(strings.ToLower(g))
		if i%5 == 0 {
			k.tab()
			k.typ("four mixte")
			k.tab() // consent
			k.typ(" ")
			k.tab() // notes
			k.typ("Wants a demo")
		}
		k.enter()
		if s.result == nil || !strings.HasSuffix(s.result.Contact.LastName, fmt.Sprintf("%02d", i)) {
			t.Fatalf("lead %d not saved: %q", i, s.msg.Text)
		}
		if s.first.Text != "" || s.grade.Text != "" || a.win.Canvas().Focused() != s.scan {
			t.Fatalf("lead %d: the form was not cleared for the next visitor", i)
		}
	}
	if want := "Leads today at SIRHA Lyon: 20 — A 5 · B 5 · C 5 · D 5"; s.counter.Text != want {
		t.Errorf("counter %q, want %q", s.counter.Text, want)
	}

	ctx := t.Context()
	captured, err := leads.EventLeads(ctx, st.DB(), ev.ID, 100)
	if err != nil || len(captured) != 20 {
		t.Fatalf("%d leads linked to the event (%v)", len(captured), err)
	}
	for _, c := range captured {
		if c.Source != leads.SourceTradeShow || c.Grade == "" || c.AccountID == "" || len(c.Emails) != 1 || c.OwnerID != f.me.ID {
			t.Errorf("lead %+v", c)
		}
		if n := c.LastName[len(c.LastName)-2:]; n == "00" || n == "05" || n == "10" || n == "15" {
			if !c.Consent || len(c.Interests) != 1 || !strings.Contains(c.Notes, "Wants a demo") {
				t.Errorf("lead %s: consent %v, interests %v, notes %q", c.LastName, c.Consent, c.Interests, c.Notes)
			}
		}
	}
	tasks, _ := model.Count(ctx, st.DB(), model.KindTask, model.Query{Where: "link_kind = 'contact' AND title LIKE 'Follow up%'"})
	if tasks != 15 { // A, B and C get follow-ups; D does not
		t.Errorf("%d follow-up tasks, want 15", tasks)
	}

	// Find them in Contacts: the trade-show source filter lists them, and
	// each one opens with its event.
	a.show("contacts")
	a.settle()
	cs := a.current.(*contactsScreen)
	cs.source.SetValue(leads.SourceTradeShow)
	a.settle()
	names := listNames(cs)
	for _, c := range captured {
		if !contains(names, c.FullName()) {
			t.Errorf("%s is not in the trade-show contacts %v", c.FullName(), names)
		}
	}
	a.Open(model.KindContact, captured[0].ID)
	a.settle()
	if cs.cur == nil || cs.cur.ID != captured[0].ID || cs.cur.SourceEventID != ev.ID {
		t.Errorf("the contact opened is %+v", cs.cur)
	}
	// … and on the event's Leads tab.
	a.Open(model.KindEvent, ev.ID)
	a.settle()
	es := a.current.(*eventsScreen)
	if es.cur == nil || es.cur.ID != ev.ID || es.tabs == nil {
		t.Fatal("the event did not open")
	}
}

// TestCaptureDuplicateChoice: a badge of someone already in Relais shows
// who, and Enter merges the visit into that contact unless "separate" is
// ticked.
func TestCaptureDuplicateChoice(t *testing.T) {
	var f *fixture
	var ev *model.Event
	a, st := openApp(t, "en", func(s *model.Store) { f, ev, _ = boothFixture(t, s) })
	a.show("leads")
	a.settle()
	s := a.current.(*leadsScreen)
	k := keyboard{t, a}
	n, _ := model.Count(t.Context(), st.DB(), model.KindContact, model.Query{})
	k.typ("MECARD:N:Lefèvre,Élodie;EMAIL:ELODIE@lefevre.example;TEL:06 00 00 00 01;;\n")
	if !s.banner.Visible() || !strings.Contains(s.dupLabel.Text, "Élodie Lefèvre · Fromagerie Lefèvre (same e-mail)") {
		t.Fatalf("banner %v %q", s.banner.Visible(), s.dupLabel.Text)
	}
	k.typ("a\n")
	if s.result == nil || !s.result.Merged || s.result.Contact.ID != f.elodie.ID {
		t.Fatalf("not merged: %+v (%q)", s.result, s.msg.Text)
	}
	c := &model.Contact{}
	st.Get(t.Context(), f.elodie.ID, c)
	if c.SourceEventID != ev.ID || c.Grade != "A" || len(c.Phones) != 1 {
		t.Errorf("merged contact %+v", c)
	}
	// Typed by hand, the duplicate shows at Enter; ticking "separate" then
	// saves a new contact.
	k.tab()
	k.typ("John")
	k.tab()
	k.typ("Smith")
	k.tab()
	k.typ("Acme Industrie")
	k.enter()
	if !s.banner.Visible() || s.first.Text != "John" || !strings.Contains(s.msg.Text, "already a contact") {
		t.Fatalf("the duplicate was not shown before saving: %q", s.msg.Text)
	}
	s.separate.SetChecked(true)
	k.enter()
	if s.result == nil || s.result.Merged || s.result.Contact.ID == f.john.ID {
		t.Fatalf("not saved apart: %+v", s.result)
	}
	if m, _ := model.Count(t.Context(), st.DB(), model.KindContact, model.Query{}); m != n+1 {
		t.Errorf("%d contacts, want %d", m, n+1)
	}
}

func TestCaptureRefusals(t *testing.T) {
	a, st := openApp(t, "en", func(s *model.Store) { boothFixture(t, s) })
	a.show("leads")
	a.settle()
	s := a.current.(*leadsScreen)
	k := keyboard{t, a}
	n, _ := model.Count(t.Context(), st.DB(), model.KindContact, model.Query{})
	k.enter()
	if !strings.Contains(s.msg.Text, "Scan a badge or type") {
		t.Errorf("empty form: %q", s.msg.Text)
	}
	k.typ("4006381333931\n")
	if !strings.Contains(s.msg.Text, "not a vCard or MECARD") {
		t.Errorf("unreadable scan: %q", s.msg.Text)
	}
	s.scan.SetText("")
	k.tab()
	k.typ("Zoé")
	k.tab()
	k.tab()
	k.tab()
	k.tab()
	k.typ("zoe@")
	k.tab()
	k.tab()
	k.typ("E\n")
	if !strings.Contains(s.msg.Text, "A, B, C or D") {
		t.Errorf("bad grade: %q", s.msg.Text)
	}
	s.grade.SetText("")
	k.enter()
	if !strings.Contains(s.msg.Text, "E-mail") || s.first.Text != "Zoé" {
		t.Errorf("bad e-mail: %q, form kept %q", s.msg.Text, s.first.Text)
	}
	s.email.SetText("zoe@example.org")
	s.products.SetText("unobtainium")
	a.settle()
	k.enter()
	if !strings.Contains(s.msg.Text, "no product matches unobtainium") {
		t.Errorf("unknown product: %q", s.msg.Text)
	}
	if m, _ := model.Count(t.Context(), st.DB(), model.KindContact, model.Query{}); m != n {
		t.Errorf("refused captures saved %d contacts", m-n)
	}
}

func TestEventsScreen(t *testing.T) {
	var f *fixture
	var ev *model.Event
	a, st := openApp(t, "en", func(s *model.Store) { f, ev, _ = boothFixture(t, s) })
	ctx := t.Context()
	paris, _ := time.LoadLocation("Europe/Paris")
	modeltest.Create(t, st, &model.Appointment{Title: "Dentist", Start: time.Date(2026, 11, 27, 11, 0, 0, 0, paris),
		End: time.Date(2026, 11, 27, 12, 0, 0, 0, paris), OwnerID: f.me.ID})
	a.Open(model.KindEvent, ev.ID)
	a.settle()
	s := a.current.(*eventsScreen)
	if s.cur == nil || s.cur.ID != ev.ID {
		t.Fatal("the event did not open")
	}
	// The standard checklist, then an overdue item shows on Today's query.
	cfg, _ := leads.LoadConfig(ctx, st, "en")
	if _, err := leads.ApplyTemplate(ctx, st, ev.ID, f.me.ID, cfg); err != nil {
		t.Fatal(err)
	}
	s.open(ev.ID)
	a.settle()
	if len(s.items) != len(leads.Templates[leads.TypeTradeShow]) {
		t.Errorf("%d checklist items", len(s.items))
	}
	over, err := overdueEventItems(ctx, st.DB(), model.DateOf(st.Now()), 20)
	if err != nil || len(over) == 0 || over[0].EventName != "SIRHA Lyon" {
		t.Fatalf("overdue items for Today: %+v %v", over, err)
	}
	// The Today line opens the event.
	a.show("today")
	a.settle()
	row := a.overdueEventItemRow(over[0])
	link := row.(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*widget.Hyperlink)
	link.OnTapped()
	a.settle()
	if a.current.id() != "events" || a.current.(*eventsScreen).cur.ID != ev.ID {
		t.Error("the Today line of an overdue item does not open its event")
	}
	// The actual cost of an item is entered in its dialog, and the budget adds it up.
	s.editItem(s.items[0], &eventDetail{ev: ev, members: []option{{"", "-"}}})
	if s.editing == nil {
		t.Fatal("no item dialog")
	}
	s.editing.fields[7].entry.SetText("1 234.50")
	s.editing.onSubmit()
	a.settle()
	b, _ := leads.EventBudget(ctx, st.DB(), ev)
	if b.ActualMinor != 123450 {
		t.Errorf("actual cost %d", b.ActualMinor)
	}
	// A shift over the dentist's appointment is flagged.
	modeltest.Create(t, st, &model.RotaShift{EventID: ev.ID, MemberID: f.me.ID, Start: time.Date(2026, 11, 27, 9, 0, 0, 0, paris),
		End: time.Date(2026, 11, 27, 13, 0, 0, 0, paris), Role: "Accueil"})
	s.open(ev.ID)
	a.settle()
	if len(s.clashes) != 1 || s.clashes[0].Appointment.Title != "Dentist" {
		t.Errorf("clashes %+v", s.clashes)
	}
	// Agenda: slots, then one booked with John becomes an appointment.
	slots, err := leads.AddSlots(ctx, st, ev.ID, model.MustDate("2026-11-28"), "10:00", "11:00", 30*time.Minute, "Booth meeting")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := leads.Book(ctx, st, slots[0].ID, f.john.ID, f.me.ID); err != nil {
		t.Fatal(err)
	}
	s.open(ev.ID)
	a.settle()
	if len(s.slots) != 2 || s.slots[0].AppointmentID == "" {
		t.Errorf("slots %+v", s.slots)
	}
	// A new event through the form, with a bad time zone first.
	press(t, a, fyne.KeyN)
	if s.form == nil {
		t.Fatal("Ctrl+N did not open the event form")
	}
	typeInto(a, s.in.name, "Internorga")
	s.in.start.SetText("2027-03-13")
	s.in.tz.SetText("Europe/Hambourg")
	press(t, a, fyne.KeyS)
	if s.form == nil || s.form.message("tz") == "" {
		t.Fatalf("a bad time zone was accepted (message %q)", s.form.message("tz"))
	}
	s.in.tz.SetText("Europe/Berlin")
	press(t, a, fyne.KeyS)
	if s.form != nil {
		t.Fatalf("not saved: %q", s.form.general.Text)
	}
	got, _ := model.List[model.Event](ctx, st.DB(), model.Query{Where: "name = 'Internorga'"})
	if len(got) != 1 || got[0].TZ != "Europe/Berlin" || got[0].StartDate != model.MustDate("2027-03-13") || got[0].Status != "planned" {
		t.Errorf("saved %+v", got)
	}
}
