package ui

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/leads"
	"relais/model"
)

// todayScreen is where the day starts: today's appointments, overdue and
// due tasks, deals waiting for a follow-up, open client issues by due date,
// and how many changes wait to be synced.
type todayScreen struct {
	a       *App
	box     *fyne.Container
	whoHint *fyne.Container // asks who the user is when Settings does not say
	date    *widget.Label
	pending *widget.Label
	appts   *fyne.Container
	tasks   *fyne.Container
	follow  *fyne.Container
	issues  *fyne.Container
}

// todayLimit is how many rows each section shows before "N more".
const todayLimit = 8

func newTodayScreen(a *App) screen {
	s := &todayScreen{a: a}
	s.date = heading("")
	s.pending = muted("")
	s.appts, s.tasks = container.NewVBox(), container.NewVBox()
	s.follow, s.issues = container.NewVBox(), container.NewVBox()
	left := container.NewVBox(s.appts, widget.NewSeparator(), s.tasks)
	right := container.NewVBox(s.follow, widget.NewSeparator(), s.issues)
	s.whoHint = container.NewHBox(muted(lang.L("today.who_hint")), widget.NewButton(lang.L("nav.settings"), func() { a.show("settings") }))
	s.whoHint.Hide()
	s.box = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, s.date, s.pending), s.whoHint), nil, nil, nil,
		container.NewVScroll(container.NewGridWithColumns(2, left, right)))
	return s
}

func (s *todayScreen) id() string                 { return "today" }
func (s *todayScreen) title() string              { return lang.L("nav.today") }
func (s *todayScreen) icon() fyne.Resource        { return theme.HomeIcon() }
func (s *todayScreen) content() fyne.CanvasObject { return s.box }

// todayData is what the Today screen shows, read in one background pass.
type todayData struct {
	appts      []model.Occurrence // recurring series expanded
	eventItems []leads.OverdueItem
	tasks      []*model.Task
	moreTasks  int
	follow     []model.FollowUp
	followDays int
	issues     []*model.ClientIssue
	moreIssues int
	accounts   map[string]string
	pending    int
}

func (s *todayScreen) refresh() {
	a := s.a
	now := a.store.Now().In(a.fmt.loc)
	days, _ := strconv.Atoi(a.setting(model.SettingFollowUpDays, "14"))
	if days <= 0 {
		days = 14
	}
	me := a.setting(model.SettingMe, "")
	if me == "" {
		s.whoHint.Show()
	} else {
		s.whoHint.Hide()
	}
	a.load(func(ctx context.Context) func() {
		d, err := loadToday(ctx, a.store, now, days, me)
		if err == nil {
			st, serr := a.syncState(ctx)
			err, d.pending = serr, st.Pending
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.show(now, d)
		}
	})
}

func loadToday(ctx context.Context, st *model.Store, now time.Time, days int, me string) (*todayData, error) {
	db := st.DB()
	d := &todayData{followDays: days, accounts: map[string]string{}}
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	end := start.AddDate(0, 0, 1)
	var err error
	if d.appts, err = model.Occurrences(ctx, db, start, end, model.CalendarFilter{}); err != nil {
		return nil, err
	}
	if len(d.appts) > 50 {
		d.appts = d.appts[:50]
	}
	if d.eventItems, err = overdueEventItems(ctx, db, model.DateOf(now), todayLimit); err != nil {
		return nil, err
	}
	taskWhere := "status = 'open' AND due IS NOT NULL AND due < ? AND (snoozed_until IS NULL OR snoozed_until <= ?)"
	args := []any{model.FormatTime(end), model.FormatTime(now)}
	if me != "" {
		taskWhere += " AND assignee_id = ?"
		args = append(args, me)
	}
	q := model.Query{Where: taskWhere, Args: args, OrderBy: "due, priority", Limit: todayLimit}
	if d.tasks, err = model.List[model.Task](ctx, db, q); err != nil {
		return nil, err
	}
	n, err := model.Count(ctx, db, model.KindTask, q)
	if err != nil {
		return nil, err
	}
	d.moreTasks = n - len(d.tasks)
	if d.follow, err = model.FollowUpsDue(ctx, db, now.AddDate(0, 0, -days), todayLimit); err != nil {
		return nil, err
	}
	iq := model.Query{Where: "status NOT IN ('resolved', 'closed')", OrderBy: "due IS NULL, due, priority", Limit: todayLimit}
	if d.issues, err = model.List[model.ClientIssue](ctx, db, iq); err != nil {
		return nil, err
	}
	if n, err = model.Count(ctx, db, model.KindClientIssue, iq); err != nil {
		return nil, err
	}
	d.moreIssues = n - len(d.issues)
	for _, i := range d.issues {
		if _, ok := d.accounts[i.AccountID]; !ok {
			d.accounts[i.AccountID], _ = model.Label(ctx, db, i.AccountID)
		}
	}
	return d, nil
}

func (s *todayScreen) show(now time.Time, d *todayData) {
	a := s.a
	s.date.SetText(a.longDate(now))
	s.pending.SetText(lang.L("status.pending", map[string]any{"Count": a.fmt.Int(int64(d.pending))}))

	s.appts.Objects = []fyne.CanvasObject{heading(lang.L("today.appointments"))}
	if len(d.appts) == 0 {
		s.appts.Add(muted(lang.L("today.no_appointments")))
	}
	for _, oc := range d.appts {
		ap := oc.Appt
		when := a.fmt.Clock(oc.Start)
		if !oc.End.IsZero() {
			when += "–" + a.fmt.Clock(oc.End)
		}
		if ap.AllDay {
			when = lang.L("today.all_day")
		}
		s.appts.Add(s.row(theme.CalendarIcon(), when+"  "+ap.Title, ap.Location, s.apptTarget(ap)))
	}

	s.tasks.Objects = []fyne.CanvasObject{heading(lang.L("today.tasks"))}
	if len(d.tasks) == 0 {
		s.tasks.Add(muted(lang.L("today.no_tasks")))
	}
	for _, t := range d.tasks {
		note := a.fmt.Day(t.Due)
		if t.Due.Before(startOfDay(now)) {
			note = lang.L("today.overdue_since", map[string]any{"Date": note})
		}
		t := t
		done := widget.NewCheck("", func(bool) { s.complete(t) })
		label := s.row(priorityIcon(t.Priority), t.Title, note, func() { a.Open(model.KindTask, t.ID) })
		s.tasks.Add(container.NewBorder(nil, nil, done, nil, label))
	}
	if d.moreTasks > 0 {
		s.tasks.Add(s.more(d.moreTasks, "tasks"))
	}
	if len(d.eventItems) > 0 {
		s.tasks.Add(heading(lang.L("today.event_items")))
		for _, it := range d.eventItems {
			s.tasks.Add(a.overdueEventItemRow(it))
		}
	}

	s.follow.Objects = []fyne.CanvasObject{heading(lang.L("today.followups", map[string]any{"Days": d.followDays}))}
	if len(d.follow) == 0 {
		s.follow.Add(muted(lang.L("today.no_followups")))
	}
	for _, f := range d.follow {
		days := int(now.Sub(f.LastActivity).Hours() / 24)
		note := lang.L("today.days_quiet", map[string]any{"Days": days})
		s.follow.Add(s.row(theme.MediaFastForwardIcon(), f.Title, joinDot(f.Account, note), func() { a.Open(model.KindDeal, f.DealID) }))
	}

	s.issues.Objects = []fyne.CanvasObject{heading(lang.L("today.issues"))}
	if len(d.issues) == 0 {
		s.issues.Add(muted(lang.L("today.no_issues")))
	}
	today := model.DateOf(now)
	for _, i := range d.issues {
		note := a.fmt.Date(i.Due)
		if !i.Due.IsZero() && i.Due.Before(today) {
			note = lang.L("today.overdue_since", map[string]any{"Date": note})
		}
		id := i.ID
		s.issues.Add(s.row(theme.WarningIcon(), i.Title, joinDot(d.accounts[i.AccountID], lang.L("department."+i.Department), note),
			func() { a.Open(model.KindClientIssue, id) }))
	}
	if d.moreIssues > 0 {
		s.issues.Add(s.more(d.moreIssues, "issues"))
	}
	for _, c := range []*fyne.Container{s.appts, s.tasks, s.follow, s.issues} {
		c.Refresh()
	}
}

// row is one clickable line of a Today section.
func (s *todayScreen) row(icon fyne.Resource, text, note string, open func()) fyne.CanvasObject {
	return linkRow(icon, text, note, open)
}

func (s *todayScreen) more(n int, screenID string) fyne.CanvasObject {
	b := widget.NewButton(lang.L("today.more", map[string]any{"Count": n}), func() { s.a.show(screenID) })
	b.Importance = widget.LowImportance
	b.Alignment = widget.ButtonAlignLeading
	return b
}

// complete marks a task done from the Today list.
func (s *todayScreen) complete(t *model.Task) {
	err := s.a.store.Set(s.a.ctx, model.KindTask, t.ID, model.FieldMap{"status": model.TaskDone, "done_at": model.FormatTime(s.a.store.Now())})
	if err != nil {
		s.a.showError(err)
		return
	}
	s.a.changed()
	s.a.notify(lang.L("tasks.done", map[string]any{"Title": t.Title}))
	s.refresh()
}

// apptTarget opens the appointment itself when a screen handles
// appointments (the calendar), else the contact, deal or account it is about.
func (s *todayScreen) apptTarget(ap *model.Appointment) func() {
	for _, t := range []struct {
		kind model.Kind
		id   string
	}{{model.KindAppointment, ap.ID}, {model.KindContact, ap.ContactID}, {model.KindDeal, ap.DealID}, {model.KindAccount, ap.AccountID}} {
		if t.id != "" && s.a.opens(t.kind) {
			return func() { s.a.Open(t.kind, t.id) }
		}
	}
	return nil
}

func startOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

func priorityIcon(p int64) fyne.Resource {
	if p == model.PriorityHigh {
		return theme.WarningIcon()
	}
	return theme.ConfirmIcon()
}

// longDate writes a date in full in the user's language: "Friday 27
// November 2026", "vendredi 27 novembre 2026".
func (a *App) longDate(t time.Time) string {
	t = t.In(a.fmt.loc)
	return fmt.Sprintf("%s %d %s %d", lang.L("weekday."+strconv.Itoa(int(t.Weekday()))), t.Day(),
		lang.L("month."+strconv.Itoa(int(t.Month()))), t.Year())
}
