package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"relais/model"
	"relais/model/modeltest"
)

func TestShellNavigation(t *testing.T) {
	a, _ := openApp(t, "en", nil)
	if got := a.win.Title(); got != "Today — Relais" {
		t.Fatalf("window title = %q", got)
	}
	press(t, a, fyne.KeyName("4"))
	if a.current.id() != "pipeline" || a.win.Title() != "Pipeline — Relais" {
		t.Fatalf("Ctrl+4 showed %q (%q)", a.current.id(), a.win.Title())
	}
	a.nav.Select(1)
	a.settle()
	if a.current.id() != "contacts" {
		t.Fatalf("sidebar selection showed %q", a.current.id())
	}
}

func TestSearchAsYouType(t *testing.T) {
	a, _ := openApp(t, "en", func(s *model.Store) {
		acc := &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon"}
		modeltest.Create(t, s, acc, &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", AccountID: acc.ID})
	})
	press(t, a, fyne.KeyF)
	if a.win.Canvas().Focused() != a.search.entry {
		t.Fatal("Ctrl+F did not focus the search")
	}
	typeInto(a, a.search.entry, "lefev")
	if !a.search.active() {
		t.Fatal("no results shown")
	}
	var headers, hits []string
	for _, r := range a.search.rows {
		if r.header != "" {
			headers = append(headers, r.header)
		} else {
			hits = append(hits, r.hit.Label)
		}
	}
	if len(headers) != 2 || headers[0] != "Contacts" || headers[1] != "Accounts" {
		t.Errorf("groups = %v, want Contacts then Accounts", headers)
	}
	if len(hits) != 2 || hits[0] != "Élodie Lefèvre" {
		t.Errorf("hits = %v", hits)
	}
	a.search.entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if a.search.active() || a.search.entry.Text != "" {
		t.Error("Esc did not close the search")
	}
}
