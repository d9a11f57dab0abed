package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/export"
	"relais/leads"
	"relais/model"
	"relais/model/modeltest"
	"relais/sync/ical"
	"relais/ui/widgets"
)

func TestTodayShowsTheDay(t *testing.T) {
	a, _ := openApp(t, "en", func(s *model.Store) { loadFixture(t, s) })
	s := a.current.(*todayScreen)
	markup := test.RenderObjectToMarkup(s.box)
	for _, want := range []string{
		"Friday 27 November 2026",
		"2:00 PM–3:00 PM  Visit Fromagerie Lefèvre", // the appointment at 14:00 UTC
		"Send the revised quote to John", "overdue since 25 Nov 2026",
		"Book the trade-show booth", // due in 10 days: must NOT be listed
		"Cheese cave sensors",       // no activity ever: a follow-up
		"Pallet 4 missing from order",
	} {
		has := strings.Contains(markup, want)
		if want == "Book the trade-show booth" || want == "Call Atelier Nord" {
			if has {
				t.Errorf("Today lists %q", want)
			}
			continue
		}
		if !has {
			t.Errorf("Today does not show %q", want)
		}
	}
	if strings.Contains(markup, "Acme retrofit line 3") {
		t.Error("a deal with a meeting 3 days ago is listed as needing a follow-up")
	}
	if !strings.Contains(markup, "changes waiting to sync") {
		t.Error("no count of changes waiting")
	}
}

func TestTodayCompletesATask(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	s := a.current.(*todayScreen)
	s.complete(f.task)
	a.settle()
	var got model.Task
	st.Get(t.Context(), f.task.ID, &got)
	if got.Status != model.TaskDone || got.DoneAt.IsZero() {
		t.Errorf("task %+v", got)
	}
	if strings.Contains(test.RenderObjectToMarkup(s.box), "Send the revised quote") {
		t.Error("the done task is still on Today")
	}
}

func TestTasksMineAndTeam(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.show("tasks")
	a.settle()
	s := a.current.(*tasksScreen)
	if s.pages.Len() != 2 {
		t.Errorf("my tasks: %d, want 2", s.pages.Len())
	}
	first, _ := s.pages.Get(0)
	if first.ID != f.task.ID {
		t.Errorf("first task %q, want the overdue one", first.Title)
	}
	s.whose.SetSelected("The team’s tasks")
	a.settle()
	if s.pages.Len() != 3 {
		t.Errorf("team tasks: %d, want 3", s.pages.Len())
	}
	a.Open(model.KindTask, f.task.ID)
	a.settle()
	s.reassign(f.rep.ID)
	a.settle()
	var got model.Task
	st.Get(t.Context(), f.task.ID, &got)
	if got.AssigneeID != f.rep.ID {
		t.Error("reassign did not stick")
	}
	s.snooze("7")
	a.settle()
	st.Get(t.Context(), f.task.ID, &got)
	if got.SnoozedUntil.Format("2006-01-02") != "2026-12-04" {
		t.Errorf("snoozed until %v", got.SnoozedUntil)
	}
	s.complete()
	a.settle()
	st.Get(t.Context(), f.task.ID, &got)
	if got.Status != model.TaskDone {
		t.Error("complete did not stick")
	}
}

func TestNewTaskWithDueDate(t *testing.T) {
	a, st := openApp(t, "en", func(s *model.Store) { loadFixture(t, s) })
	a.show("tasks")
	a.settle()
	s := a.current.(*tasksScreen)
	press(t, a, fyne.KeyN)
	press(t, a, fyne.KeyS)
	if got := s.form.message("title"); got != "Give the task a title." {
		t.Errorf("message %q", got)
	}
	typeInto(a, s.in.title, "Prepare the Sirha booth")
	typeInto(a, s.in.due, "2026-12-02")
	press(t, a, fyne.KeyS)
	ts, _ := model.List[model.Task](t.Context(), st.DB(), model.Query{Where: "title = ?", Args: []any{"Prepare the Sirha booth"}})
	if len(ts) != 1 || ts[0].Due.Format("2006-01-02") != "2026-12-02" || ts[0].Priority != model.PriorityNormal {
		t.Fatalf("stored %+v", ts)
	}
}

func TestClientIssueLifecycle(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.show("issues")
	a.settle()
	s := a.current.(*issuesScreen)
	if s.pages.Len() != 1 {
		t.Fatalf("%d unresolved issues listed", s.pages.Len())
	}
	press(t, a, fyne.KeyN)
	typeInto(a, s.in.title, "Wrong oven model delivered")
	press(t, a, fyne.KeyS)
	if got := s.form.message("account_id"); got != "Choose the customer’s account." {
		t.Errorf("message %q", got)
	}
	typeInto(a, s.in.account.entry, "atelier")
	s.in.account.choose(0)
	s.in.dept.SetValue("logistics")
	s.in.typ.SetValue(model.IssueOrderDiscrepancy)
	typeInto(a, s.in.due, "3 Dec 2026")
	press(t, a, fyne.KeyS)
	is, _ := model.List[model.ClientIssue](t.Context(), st.DB(), model.Query{Where: "title = ?", Args: []any{"Wrong oven model delivered"}})
	if len(is) != 1 || is[0].AccountID != f.atelier.ID || is[0].Department != "logistics" || is[0].Due.String() != "2026-12-03" || is[0].OpenedAt.IsZero() {
		t.Fatalf("stored %+v", is)
	}
	if s.pages.Len() != 2 {
		t.Errorf("%d unresolved issues listed after creating one", s.pages.Len())
	}
	// Resolving needs a resolution.
	s.resolve()
	a.settle()
	if got := s.form.message("resolution"); got != "Say how the issue was resolved." {
		t.Errorf("message %q", got)
	}
	typeInto(a, s.in.resolution, "Swapped on site")
	s.resolve()
	a.settle()
	var got model.ClientIssue
	st.Get(t.Context(), is[0].ID, &got)
	if got.Status != "resolved" || got.Resolution != "Swapped on site" || got.ResolvedAt.IsZero() {
		t.Errorf("resolved issue %+v", got)
	}
	if s.pages.Len() != 1 {
		t.Errorf("the resolved issue is still listed as unresolved")
	}
}

func TestTeamTargets(t *testing.T) {
	var f *fixture
	a, _ := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.Open(model.KindTeamMember, f.me.ID)
	a.settle()
	s := a.current.(*teamScreen)
	if got := s.progress(f.me); got < 0.239 || got > 0.241 {
		t.Errorf("progress %v, want 12 000 / 50 000", got)
	}
	markup := test.RenderObjectToMarkup(s.detail.box)
	for _, want := range []string{"€50,000.00", "€12,000.00", "Acme retrofit line 3", "Send the revised quote to John", "2 open, 1 overdue"} {
		if !strings.Contains(markup, want) {
			t.Errorf("member detail lacks %q", want)
		}
	}
}

func TestSwitchToFrench(t *testing.T) {
	a, st := openApp(t, "en", func(s *model.Store) { loadFixture(t, s) })
	a.show("settings")
	a.settle()
	s := a.current.(*settingsScreen)
	s.language.SetSelected("Français")
	a.settle()
	if v, _ := st.Setting(t.Context(), model.SettingLanguage, ""); v != "fr" {
		t.Errorf("language setting %q", v)
	}
	if a.current.id() != "settings" || a.heading.Text != "Paramètres" || a.win.Title() != "Paramètres — Relais" {
		t.Errorf("heading %q, title %q", a.heading.Text, a.win.Title())
	}
	var titles []string
	for _, sc := range a.screens {
		titles = append(titles, sc.title())
	}
	if got := strings.Join(titles[:4], ", "); got != "Aujourd’hui, Contacts, Comptes, Pipeline" {
		t.Errorf("sidebar %s", got)
	}
	if m := a.win.MainMenu().Items[0]; m.Label != "Fichier" || m.Items[0].Label != "Nouveau" {
		t.Errorf("menu %q %q", m.Label, m.Items[0].Label)
	}
	a.show("today")
	a.settle()
	markup := test.RenderObjectToMarkup(a.current.content())
	for _, want := range []string{"vendredi 27 novembre 2026", "Rendez-vous du jour", "en retard depuis le 25/11/2026", "Demandes clients ouvertes"} {
		if !strings.Contains(markup, want) {
			t.Errorf("French Today lacks %q", want)
		}
	}
	a.show("pipeline")
	a.settle()
	if got := a.current.(*pipelineScreen).summary.Text; got != "2 affaires ouvertes · 51\u00a0k€ · pondéré 24\u00a0k€" {
		t.Errorf("French pipeline summary %q", got)
	}
}

func TestWelcomeStartEmpty(t *testing.T) {
	fa := test.NewTempApp(t)
	st := modeltest.Open(t)
	a := newApp(fa, st, Options{queue: &uiQueue{}})
	t.Cleanup(func() { a.cancel(); a.settle() })
	a.settle()
	if !a.welcome {
		t.Fatal("an empty database did not show the welcome screen")
	}
	w := &welcome{a: a}
	w.name = a.win.Canvas().Focused().(*widgets.Entry)
	typeInto(a, w.name, "Camille Martin")
	w.name.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	a.settle()
	// The second step: the company profile the PDFs print as sender.
	if !a.welcome || !hasLabel(a.win.Content(), lang.L("welcome.company_title")) {
		t.Fatal("Start empty did not ask for the company profile")
	}
	typeInto(a, a.win.Canvas().Focused(), "Fromagerie Martin SAS")
	for _, o := range test.LaidOutObjects(a.win.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == lang.L("welcome.company_save") {
			test.Tap(b)
		}
	}
	a.settle()
	if a.welcome || a.current.id() != "today" {
		t.Fatal("Save and continue did not open the main window")
	}
	if name, _ := st.Setting(t.Context(), model.SettingCompanyName, ""); name != "Fromagerie Martin SAS" {
		t.Errorf("company name saved %q", name)
	}
	stages, _ := model.List[model.Stage](t.Context(), st.DB(), model.Query{})
	me, _ := st.Setting(t.Context(), model.SettingMe, "")
	var m model.TeamMember
	if len(stages) != 6 || st.Get(t.Context(), me, &m) != nil || m.Name != "Camille Martin" {
		t.Errorf("stages %d, me %q %+v", len(stages), me, m)
	}
}

func TestWelcomeLoadDemo(t *testing.T) {
	fa := test.NewTempApp(t)
	st := modeltest.Open(t)
	loaded := false
	a := newApp(fa, st, Options{queue: &uiQueue{}, LoadDemo: func(ctx context.Context, s *model.Store, p model.Progress) error {
		p(1, 2)
		loaded = true
		m := &model.TeamMember{Name: "Demo Coordinator", Role: model.RoleCoordinator, Active: true, TargetCurrency: "EUR"}
		return s.Create(ctx, m)
	}})
	t.Cleanup(func() { a.cancel(); a.settle() })
	a.settle()
	(&welcome{a: a}).onLoadDemo()
	a.settle()
	// The company step can be skipped; nothing is saved then.
	for _, o := range test.LaidOutObjects(a.win.Content()) {
		if b, ok := o.(*widget.Button); ok && b.Text == lang.L("welcome.company_skip") {
			test.Tap(b)
		}
	}
	a.settle()
	if name, _ := st.Setting(t.Context(), model.SettingCompanyName, ""); name != "" {
		t.Errorf("skipping saved a company name %q", name)
	}
	if !loaded || a.welcome {
		t.Fatal("Load demo data did not run or did not open the main window")
	}
	if me, _ := st.Setting(t.Context(), model.SettingMe, ""); me == "" {
		t.Error("no user chosen after loading demo data")
	}
}

// Today expands recurring appointments (a weekly meeting created weeks ago
// shows today) and lists overdue trade-show checklist items.
func TestTodayRecurringAndChecklist(t *testing.T) {
	a, _ := openApp(t, "en", func(s *model.Store) {
		loadFixture(t, s)
		start := time.Date(2026, 10, 30, 8, 0, 0, 0, time.UTC) // a Friday, four weeks before "today"
		ev := &model.Event{Name: "SIRHA Lyon", Type: "trade_show", StartDate: model.MustDate("2027-01-22"), Currency: "EUR", Status: "planned"}
		modeltest.Create(t, s, ev,
			&model.Appointment{UID: "weekly@test", Title: "Weekly pipeline review", Start: start, End: start.Add(time.Hour), TZ: "Europe/Paris", RRule: "FREQ=WEEKLY;BYDAY=FR"})
		modeltest.Create(t, s,
			&model.EventItem{EventID: ev.ID, Title: "Order the booth carpet", Status: "todo", Due: model.MustDate("2026-11-20")},
			&model.EventItem{EventID: ev.ID, Title: "Print the price lists", Status: "done", Due: model.MustDate("2026-11-20")},
		)
	})
	markup := test.RenderObjectToMarkup(a.current.(*todayScreen).box)
	for _, want := range []string{"Weekly pipeline review", "Order the booth carpet", "SIRHA Lyon"} {
		if !strings.Contains(markup, want) {
			t.Errorf("Today does not show %q", want)
		}
	}
	if strings.Contains(markup, "Print the price lists") {
		t.Error("a done checklist item is listed as overdue")
	}
}

// The proposal and lead defaults typed in Settings are stored when they
// read right, and refused beside the field when they do not.
func TestSettingsDefaults(t *testing.T) {
	a, st := openApp(t, "en", nil)
	a.show("settings")
	a.settle()
	s := a.current.(*settingsScreen)
	get := func(key string) string {
		v, _ := st.Setting(t.Context(), key, "")
		return v
	}
	s.followRules.SetText("A=12, B=72")
	if got := get(leads.SettingFollowUp); got != "A=12,B=72,C=0,D=0" || s.followRulesMsg.Text != "" {
		t.Fatalf("rules stored as %q, message %q", got, s.followRulesMsg.Text)
	}
	s.followRules.SetText("A=soon")
	if got := get(leads.SettingFollowUp); got != "A=12,B=72,C=0,D=0" || s.followRulesMsg.Text == "" {
		t.Fatalf("bad rules: stored %q, message %q", got, s.followRulesMsg.Text)
	}
	s.validity.SetText("45")
	s.paper.SetValue("Letter")
	if get(model.SettingValidityDays) != "45" || get(export.SettingPaper) != "Letter" {
		t.Fatalf("validity %q, paper %q", get(model.SettingValidityDays), get(export.SettingPaper))
	}
	s.validity.SetText("0")
	if get(model.SettingValidityDays) != "45" || s.validityMsg.Text == "" {
		t.Fatal("a validity of 0 days was accepted")
	}
}

// Invitations queued offline leave with the background calendar loop once
// Settings says how: here as .eml files in a folder.
func TestInvitationsHandedOver(t *testing.T) {
	dir := t.TempDir()
	a, st := openApp(t, "en", nil)
	a.show("settings")
	a.settle()
	s := a.current.(*settingsScreen)
	s.smtpAddr.SetText("not a server")
	if s.mailMsg.Hidden {
		t.Fatal("a bad SMTP address gave no message")
	}
	s.smtpAddr.SetText("")
	s.mailFrom.SetText("camille@relais-demo.fr")
	s.mailDir.SetText(dir)
	if !s.mailMsg.Hidden || a.setting(settingMailDir, "") != dir {
		t.Fatalf("folder not stored: message %q", s.mailMsg.Text)
	}
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ap := &model.Appointment{Title: "Dégustation", Start: start, End: start.Add(time.Hour), TZ: "Europe/Paris",
		Organizer: "mailto:camille@relais-demo.fr", Attendees: []string{"mailto:elodie@fromagerie.example"}}
	var queued int
	if err := st.Write(t.Context(), func(tx *model.Tx) (err error) { queued, err = ical.SaveAppointment(tx, ap); return }); err != nil || queued != 1 {
		t.Fatalf("queued %d: %v", queued, err)
	}
	syncCalendars(a)
	files, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
	if len(files) != 1 {
		t.Fatalf("%d .eml files, want 1", len(files))
	}
	body, _ := os.ReadFile(files[0])
	if !strings.Contains(string(body), "METHOD:REQUEST") || !strings.Contains(string(body), "elodie@fromagerie.example") {
		t.Errorf("the .eml is not the invitation:\n%s", body)
	}
	if left, _ := ical.Invitations(t.Context(), st.DB(), false); len(left) != 0 {
		t.Errorf("%d invitations still queued", len(left))
	}
}
