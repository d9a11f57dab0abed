package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"relais/model"
)

// listNames is what the contact list shows, page by page.
func listNames(s *contactsScreen) []string {
	var out []string
	for i := 0; i < s.pages.Len(); i++ {
		if r, ok := s.pages.Get(i); ok {
			out = append(out, r.Name)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCreateContactThroughTheForm(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.show("contacts")
	a.settle()
	s := a.current.(*contactsScreen)
	press(t, a, fyne.KeyN)
	if s.form == nil {
		t.Fatal("Ctrl+N did not open the contact form")
	}
	if a.win.Canvas().Focused() != s.in.first {
		t.Error("the form did not focus its first input")
	}
	typeInto(a, s.in.first, "Renée")
	typeInto(a, s.in.last, "Dupré")
	typeInto(a, s.in.title, "Acheteuse")
	typeInto(a, s.in.account.entry, "acme")
	if len(s.in.account.hits) == 0 {
		t.Fatal("the account picker found nothing for “acme”")
	}
	s.in.account.choose(0)
	typeInto(a, s.in.emails, "renee@acme.example")
	press(t, a, fyne.KeyS)
	if s.form != nil {
		t.Fatalf("the form stayed open: messages %q", s.form.general.Text)
	}
	got, err := model.List[model.Contact](t.Context(), st.DB(), model.Query{Where: "last_name = ?", Args: []any{"Dupré"}})
	if err != nil || len(got) != 1 {
		t.Fatalf("stored contacts: %v, %v", got, err)
	}
	c := got[0]
	if c.FirstName != "Renée" || c.AccountID != f.acme.ID || c.Emails[0] != "renee@acme.example" || c.OwnerID != f.me.ID {
		t.Errorf("stored %+v", c)
	}
	if names := listNames(s); !contains(names, "Renée Dupré") || len(names) != 4 {
		t.Errorf("list shows %v", names)
	}
	if s.cur == nil || s.cur.ID != c.ID {
		t.Error("the saved contact is not the one shown")
	}
	press(t, a, fyne.KeyF)
	typeInto(a, a.search.entry, "dupre")
	if len(a.search.rows) < 2 || a.search.rows[1].hit.ID != c.ID {
		t.Fatalf("search rows %+v", a.search.rows)
	}
	a.search.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	a.settle()
	if a.current.id() != "contacts" || s.cur.ID != c.ID || a.search.active() {
		t.Error("Enter on the search result did not open the contact")
	}
}

func TestValidationKeepsTypedValues(t *testing.T) {
	a, st := openApp(t, "en", func(s *model.Store) { loadFixture(t, s) })
	a.show("contacts")
	a.settle()
	s := a.current.(*contactsScreen)
	press(t, a, fyne.KeyN)
	typeInto(a, s.in.title, "Chef de projet")
	typeInto(a, s.in.emails, "not-an-address")
	if got := s.form.message("emails"); got != "One of these is not an e-mail address." {
		t.Errorf("message beside e-mails while typing = %q", got)
	}
	if got := s.form.message("last_name"); got != "" {
		t.Errorf("untouched last name shows %q before saving", got)
	}
	press(t, a, fyne.KeyS)
	if s.form == nil {
		t.Fatal("an invalid contact was accepted")
	}
	if got := s.form.message("last_name"); got != "Enter a first or a last name." {
		t.Errorf("message beside last name = %q", got)
	}
	if s.in.title.Text != "Chef de projet" || s.in.emails.Text != "not-an-address" {
		t.Errorf("typed values lost: %q %q", s.in.title.Text, s.in.emails.Text)
	}
	n, _ := model.Count(t.Context(), st.DB(), model.KindContact, model.Query{})
	if n != 3 {
		t.Errorf("%d contacts stored, want the 3 of the fixture", n)
	}
	// Correcting the values clears the messages as the user types.
	s.in.emails.SetText("")
	typeInto(a, s.in.emails, "chef@atelier.example")
	typeInto(a, s.in.last, "Roux")
	if m := s.form.message("emails") + s.form.message("last_name"); m != "" {
		t.Errorf("messages left after correcting: %q", m)
	}
	press(t, a, fyne.KeyS)
	if s.form != nil {
		t.Fatal("the corrected contact was not saved")
	}
}

func TestEditContact(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindContact, f.john.ID)
	a.settle()
	s := a.current.(*contactsScreen)
	s.edit()
	if s.in.first.Text != "John" || s.in.account.entry.Text == "" {
		t.Fatalf("form not filled: %q %q", s.in.first.Text, s.in.account.entry.Text)
	}
	s.in.title.SetText("")
	typeInto(a, s.in.title, "Head of purchasing")
	s.in.tags.SetText("")
	typeInto(a, s.in.tags, "key, decision maker")
	press(t, a, fyne.KeyS)
	var got model.Contact
	if err := st.Get(t.Context(), f.john.ID, &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != "Head of purchasing" || strings.Join(got.Tags, "|") != "key|decision maker" || got.AccountID != f.acme.ID {
		t.Errorf("after edit: %+v", got)
	}
	// The update queued a patch of only the changed fields.
	chs, _ := st.Outbox(t.Context(), 0, 1000)
	last := chs[len(chs)-1]
	if last.Op != "patch" || !strings.Contains(last.Data, `"title":"Head of purchasing"`) || strings.Contains(last.Data, "first_name") {
		t.Errorf("last outbox change %s %s", last.Op, last.Data)
	}
}

func TestEscapeCancelsTheForm(t *testing.T) {
	var f *fixture
	a, _ := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindContact, f.marta.ID)
	a.settle()
	s := a.current.(*contactsScreen)
	s.edit()
	typeInto(a, s.in.first, "X")
	s.in.first.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	a.settle()
	if s.form != nil || s.cur.FirstName != "Marta" {
		t.Error("Esc did not abandon the edit")
	}
}

func TestDeleteAndRestoreContact(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindContact, f.marta.ID)
	a.settle()
	s := a.current.(*contactsScreen)
	s.delete()
	a.settle()
	if names := listNames(s); contains(names, "Marta Nowak") {
		t.Fatalf("deleted contact still listed: %v", names)
	}
	if hits, _ := st.Search(t.Context(), "nowak", 5); len(hits) != 0 {
		t.Errorf("deleted contact still found by search: %v", hits)
	}
	if !strings.Contains(a.status.message.Text, "Marta Nowak") || !a.status.undo.Visible() {
		t.Errorf("status bar says %q", a.status.message.Text)
	}
	a.show("trash")
	a.settle()
	tr := a.current.(*trashScreen)
	if len(tr.items) != 1 || tr.items[0].ID != f.marta.ID {
		t.Fatalf("trash holds %+v", tr.items)
	}
	tr.restore(tr.items[0])
	a.settle()
	if len(tr.items) != 0 {
		t.Errorf("trash still holds %+v", tr.items)
	}
	a.show("contacts")
	a.settle()
	if names := listNames(s); !contains(names, "Marta Nowak") {
		t.Errorf("restored contact not listed: %v", names)
	}
	if hits, _ := st.Search(t.Context(), "nowak", 5); len(hits) != 1 {
		t.Errorf("restored contact not found by search: %v", hits)
	}
}

func TestUndoDelete(t *testing.T) {
	var f *fixture
	a, _ := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindContact, f.john.ID)
	a.settle()
	s := a.current.(*contactsScreen)
	s.delete()
	a.settle()
	test.Tap(a.status.undo)
	a.settle()
	if names := listNames(s); !contains(names, "John Smith") || s.cur == nil || s.cur.ID != f.john.ID {
		t.Errorf("Undo did not bring John back: %v", names)
	}
}

func TestLogActivityInTwoKeystrokes(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindContact, f.elodie.ID)
	a.settle()
	s := a.current.(*contactsScreen)
	press(t, a, fyne.KeyL) // keystroke 1
	if a.win.Canvas().Focused() != s.log.chooser {
		t.Fatal("Ctrl+L did not focus the activity chooser")
	}
	s.log.chooser.TypedRune('c') // keystroke 2: a call
	if a.win.Canvas().Focused() != s.log.summary {
		t.Fatal("C did not open the call form on its summary")
	}
	typeInto(a, s.log.summary, "Confirmed the visit; wants a quote for 12 sensors")
	typeInto(a, s.log.minutes, "15")
	press(t, a, fyne.KeyS)
	acts, err := model.List[model.Activity](t.Context(), st.DB(), model.Query{Where: "contact_id = ?", Args: []any{f.elodie.ID}, OrderBy: "at DESC"})
	if err != nil || len(acts) != 2 {
		t.Fatalf("activities %v %v", acts, err)
	}
	if acts[0].Type != model.ActivityCall || acts[0].DurationMin != 15 || acts[0].AccountID != f.bio.ID || acts[0].OwnerID != f.me.ID {
		t.Errorf("stored %+v", acts[0])
	}
	if !strings.Contains(test.RenderObjectToMarkup(s.detail.box), "Confirmed the visit; wants a quote for 12 sensors") {
		t.Error("the new activity is not on the timeline")
	}
}
