package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/outbox"
)

// openApp builds the whole main window on a fresh store in language code,
// with the modeltest clock and UTC as the user's zone.
func openApp(t *testing.T, code string, fixtures func(s *model.Store)) (*App, *model.Store) {
	t.Helper()
	fa := test.NewTempApp(t)
	s := modeltest.Open(t)
	if err := s.SetSetting(t.Context(), model.SettingLanguage, code); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(t.Context(), settingWelcomed, "1"); err != nil {
		t.Fatal(err)
	}
	if fixtures != nil {
		useLanguage(code) // fixtures name the default stages in the app's language
		fixtures(s)
	}
	a := newApp(fa, s, Options{Location: time.UTC, queue: &uiQueue{}, Secrets: outbox.FileSecrets{Path: s.Path() + ".secrets"}})
	t.Cleanup(func() { a.cancel(); a.settle() })
	a.settle()
	a.win.Resize(fyne.NewSize(1366, 768))
	a.settle()
	return a, s
}

// menuItem finds the main-menu item bound to Ctrl+key, as the desktop
// driver does when the key is pressed.
func menuItem(t *testing.T, a *App, key fyne.KeyName) *fyne.MenuItem {
	t.Helper()
	for _, m := range a.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == "CustomDesktop:Control+"+string(key) {
				return it
			}
		}
	}
	t.Fatalf("no menu item for Ctrl+%s", key)
	return nil
}

// press triggers the shortcut Ctrl+key and waits for the work it started.
func press(t *testing.T, a *App, key fyne.KeyName) {
	t.Helper()
	menuItem(t, a, key).Action()
	a.settle()
}

// typeInto types text into an entry and waits for what it started.
func typeInto(a *App, e fyne.Focusable, text string) {
	test.Type(e, text)
	a.settle()
}

// fixture is a small, fixed dataset: two team members (the first is "me"),
// the default pipeline, three accounts, four contacts, deals, tasks,
// issues, an appointment and activities, dated around modeltest.Now.
type fixture struct {
	me, rep             *model.TeamMember
	stages              []*model.Stage
	acme, bio, atelier  *model.Account
	elodie, john, marta *model.Contact
	bigDeal, smallDeal  *model.Deal
	task                *model.Task
	issue               *model.ClientIssue
}

func loadFixture(t *testing.T, s *model.Store) *fixture {
	t.Helper()
	ctx := t.Context()
	f := &fixture{}
	day := func(n int) time.Time { return modeltest.Now.AddDate(0, 0, n) }
	f.me = &model.TeamMember{Name: "Camille Martin", Email: "camille@relais.example", Role: model.RoleCoordinator, Region: "Est",
		TargetMinor: 5000000, TargetCurrency: "EUR", Active: true}
	f.rep = &model.TeamMember{Name: "Hugo Bernard", Role: model.RoleRep, Region: "Sud", TargetMinor: 8000000, TargetCurrency: "EUR", Active: true}
	modeltest.Create(t, s, f.me, f.rep)
	if err := s.SetSetting(ctx, model.SettingMe, f.me.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.Write(ctx, createDefaultStages); err != nil {
		t.Fatal(err)
	}
	stages, err := model.List[model.Stage](ctx, s.DB(), model.Query{OrderBy: "position"})
	if err != nil {
		t.Fatal(err)
	}
	f.stages = stages
	f.acme = &model.Account{Name: "Acme Industrie", City: "Lyon", Segment: "Industry", Region: "Est", OwnerID: f.me.ID, Tags: []string{"key"}}
	f.bio = &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon", Segment: "Food", Region: "Est", OwnerID: f.rep.ID}
	f.atelier = &model.Account{Name: "Atelier Nord", City: "Lille", Segment: "Retail", Region: "Nord"}
	modeltest.Create(t, s, f.acme, f.bio, f.atelier)
	f.elodie = &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", Title: "Directrice", AccountID: f.bio.ID,
		Emails: []string{"elodie@lefevre.example"}, Source: "trade_show", OwnerID: f.me.ID, Tags: []string{"vip"}, Language: "fr"}
	f.john = &model.Contact{FirstName: "John", LastName: "Smith", Title: "Buyer", AccountID: f.acme.ID, Source: "website", OwnerID: f.rep.ID}
	f.marta = &model.Contact{FirstName: "Marta", LastName: "Nowak", AccountID: f.atelier.ID, Source: "referral"}
	modeltest.Create(t, s, f.elodie, f.john, f.marta)
	f.bigDeal = &model.Deal{Title: "Acme retrofit line 3", AccountID: f.acme.ID, ContactID: f.john.ID, StageID: stages[2].ID,
		AmountMinor: 4800000, Currency: "EUR", Probability: 50, ExpectedClose: model.MustDate("2026-12-15"), OwnerID: f.me.ID, Status: model.OutcomeOpen}
	f.smallDeal = &model.Deal{Title: "Cheese cave sensors", AccountID: f.bio.ID, ContactID: f.elodie.ID, StageID: stages[0].ID,
		AmountMinor: 350000, Currency: "EUR", Probability: 10, OwnerID: f.me.ID, Status: model.OutcomeOpen}
	won := &model.Deal{Title: "Atelier shelving", AccountID: f.atelier.ID, StageID: stages[4].ID, AmountMinor: 1200000, Currency: "EUR",
		Probability: 100, OwnerID: f.me.ID, Status: model.OutcomeWon, ClosedOn: model.MustDate("2026-11-20")}
	modeltest.Create(t, s, f.bigDeal, f.smallDeal, won)
	f.task = &model.Task{Title: "Send the revised quote to John", Due: day(-2), Priority: model.PriorityHigh, Status: model.TaskOpen,
		AssigneeID: f.me.ID, LinkKind: string(model.KindContact), LinkID: f.john.ID}
	later := &model.Task{Title: "Book the trade-show booth", Due: day(10), Priority: model.PriorityNormal, Status: model.TaskOpen, AssigneeID: f.me.ID}
	theirs := &model.Task{Title: "Call Atelier Nord", Due: day(0), Priority: model.PriorityNormal, Status: model.TaskOpen, AssigneeID: f.rep.ID}
	modeltest.Create(t, s, f.task, later, theirs)
	f.issue = &model.ClientIssue{Title: "Pallet 4 missing from order", Type: model.IssueOrderDiscrepancy, AccountID: f.acme.ID,
		Department: "logistics", Priority: model.PriorityHigh, Status: "open", Due: model.MustDate("2026-11-26"), OpenedAt: day(-3), AssigneeID: f.me.ID}
	modeltest.Create(t, s, f.issue,
		&model.Appointment{Title: "Visit Fromagerie Lefèvre", Start: modeltest.Now.Add(4 * time.Hour), End: modeltest.Now.Add(5 * time.Hour),
			Location: "Besançon", ContactID: f.elodie.ID, Status: "confirmed"},
		&model.Activity{Type: model.ActivityCall, At: day(-40), Summary: "Asked about the sensor range", ContactID: f.elodie.ID, AccountID: f.bio.ID},
		&model.Activity{Type: model.ActivityMeeting, At: day(-3), Summary: "Walked the line with John", DealID: f.bigDeal.ID, ContactID: f.john.ID, AccountID: f.acme.ID},
	)
	return f
}
