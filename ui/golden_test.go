package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"relais/model"
)

// TestMarkupGoldens renders the main screens on the fixture and compares
// them with the markup in testdata/*.xml (regenerate by copying
// testdata/failed/*.xml over them after checking the difference).
func TestMarkupGoldens(t *testing.T) {
	for _, c := range []struct {
		golden, lang, screen string
		open                 func(a *App, f *fixture)
	}{
		{"today.xml", "en", "today", nil},
		{"today_fr.xml", "fr", "today", nil},
		{"contacts.xml", "en", "contacts", func(a *App, f *fixture) { a.Open(model.KindContact, f.elodie.ID) }},
		{"accounts.xml", "en", "accounts", func(a *App, f *fixture) { a.Open(model.KindAccount, f.acme.ID) }},
		{"pipeline.xml", "en", "pipeline", func(a *App, f *fixture) { a.Open(model.KindDeal, f.bigDeal.ID) }},
		{"tasks.xml", "en", "tasks", nil},
		{"issues.xml", "en", "issues", func(a *App, f *fixture) { a.Open(model.KindClientIssue, f.issue.ID) }},
		{"team.xml", "en", "team", func(a *App, f *fixture) { a.Open(model.KindTeamMember, f.me.ID) }},
		{"settings.xml", "en", "settings", func(a *App, f *fixture) {
			// The database lives in a new temporary folder on each run.
			a.current.(*settingsScreen).dbInfo.SetText("Location: relais.db (1 MB)")
		}},
		{"contact_form_fr.xml", "fr", "contacts", func(a *App, f *fixture) {
			a.current.(newRecorder).newRecord()
			a.current.(saver).save() // shows every message beside its field
		}},
	} {
		t.Run(c.golden, func(t *testing.T) {
			var f *fixture
			a, _ := openApp(t, c.lang, func(s *model.Store) { f = loadFixture(t, s) })
			a.show(c.screen)
			a.settle()
			if c.open != nil {
				c.open(a, f)
				a.settle()
			}
			test.AssertRendersToMarkup(t, c.golden, a.win.Canvas())
		})
	}
}
