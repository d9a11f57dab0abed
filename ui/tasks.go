package ui

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/ui/widgets"
)

// tasksScreen is the to-do list: mine or the whole team's, open or done,
// by due date then priority; complete, snooze or reassign a task, or edit it.
type tasksScreen struct {
	opening string // the id being opened: an older open that finishes later is dropped
	a       *App
	box     fyne.CanvasObject
	whose   *choice
	status  *choice
	count   *widget.Label
	pages   widgets.Pages[*model.Task]
	list    *widget.List
	members []option
	query   model.Query
	detail  *detailPane
	cur     *model.Task
	form    *form
	in      taskInputs
}

type taskInputs struct {
	title, due, notes *widgets.Entry
	priority, owner   *choice
}

func newTasksScreen(a *App) screen {
	s := &tasksScreen{a: a, detail: newDetailPane("tasks.empty")}
	s.whose = newChoice([]option{{"mine", lang.L("tasks.mine")}, {"team", lang.L("tasks.team")}}, "mine", func(string) { s.reload() })
	s.status = newChoice([]option{{model.TaskOpen, lang.L("tasks.open")}, {model.TaskDone, lang.L("tasks.done_list")}}, model.TaskOpen, func(string) { s.reload() })
	s.count = muted("")
	s.pages = widgets.Pages[*model.Task]{
		Load: func(offset, limit int) ([]*model.Task, error) {
			q := s.query
			q.Offset, q.Limit = offset, limit
			return model.List[model.Task](a.ctx, a.store.DB(), q)
		},
		Go:       func(work func() func()) { a.load(func(context.Context) func() { return work() }) },
		OnLoaded: func() { s.list.Refresh() },
		OnError:  a.showError,
	}
	s.list = widget.NewList(s.pages.Len,
		func() fyne.CanvasObject {
			t := widget.NewLabel("Task title")
			t.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("due · priority · who")
			sub.Importance = widget.LowImportance
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), nil, container.New(&tightRows{}, t, sub))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			rows := c.Objects[0].(*fyne.Container).Objects
			t, sub := rows[0].(*widget.Label), rows[1].(*widget.Label)
			ic := c.Objects[1].(*widget.Icon)
			task, ok := s.pages.Get(i)
			if !ok {
				t.SetText("…")
				sub.SetText("")
				return
			}
			t.SetText(task.Title)
			ic.SetResource(priorityIcon(task.Priority))
			sub.SetText(s.describe(task))
			if s.overdue(task) {
				sub.Importance = widget.DangerImportance
			} else {
				sub.Importance = widget.LowImportance
			}
			sub.Refresh()
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if t, ok := s.pages.Get(i); ok {
			s.open(t.ID)
		}
	}
	newBtn := widget.NewButtonWithIcon(lang.L("tasks.new"), theme.ContentAddIcon(), s.newRecord)
	top := container.NewVBox(container.NewGridWithColumns(2, s.whose, s.status), container.NewBorder(nil, nil, nil, newBtn, s.count))
	split := container.NewHSplit(container.NewBorder(top, nil, nil, nil, s.list), s.detail.scroll)
	split.Offset = 0.5
	s.box = split
	return s
}

func (s *tasksScreen) id() string                 { return "tasks" }
func (s *tasksScreen) title() string              { return lang.L("nav.tasks") }
func (s *tasksScreen) icon() fyne.Resource        { return theme.ConfirmIcon() }
func (s *tasksScreen) content() fyne.CanvasObject { return s.box }
func (s *tasksScreen) kinds() []model.Kind        { return []model.Kind{model.KindTask} }

func (s *tasksScreen) describe(t *model.Task) string {
	a := s.a
	var parts []string
	if !t.Due.IsZero() {
		due := a.fmt.Day(t.Due)
		if s.overdue(t) {
			due = lang.L("today.overdue_since", map[string]any{"Date": due})
		}
		parts = append(parts, due)
	}
	parts = append(parts, lang.L("priority."+priorityKey(t.Priority)))
	if who := optionLabel(s.members, t.AssigneeID); who != "" {
		parts = append(parts, who)
	}
	if t.SnoozedUntil.After(a.store.Now()) {
		parts = append(parts, lang.L("tasks.snoozed_until", map[string]any{"Date": a.fmt.Day(t.SnoozedUntil)}))
	}
	return joinDot(parts...)
}

func (s *tasksScreen) overdue(t *model.Task) bool {
	return t.Status == model.TaskOpen && !t.Due.IsZero() && t.Due.Before(startOfDay(s.a.store.Now().In(s.a.fmt.loc)))
}

func priorityKey(p int64) string {
	switch p {
	case model.PriorityHigh:
		return "high"
	case model.PriorityLow:
		return "low"
	}
	return "normal"
}

func (s *tasksScreen) refresh() {
	s.reload()
	if s.cur != nil && s.form == nil {
		s.open(s.cur.ID)
	}
}

// reload rebuilds the query from the filters and reads the first page.
func (s *tasksScreen) reload() {
	a := s.a
	q := model.Query{Where: "status = ?", Args: []any{s.status.Value()}, OrderBy: "due IS NULL, due, priority, id"}
	if s.status.Value() == model.TaskDone {
		q.OrderBy = "done_at DESC, id"
	}
	if me := a.setting(model.SettingMe, ""); s.whose.Value() == "mine" && me != "" {
		q.Where += " AND assignee_id = ?"
		q.Args = append(q.Args, me)
	}
	s.query = q
	a.load(func(ctx context.Context) func() {
		members, err := memberOptions(ctx, a.store)
		var n int
		var first []*model.Task
		if err == nil {
			n, err = model.Count(ctx, a.store.DB(), model.KindTask, q)
		}
		if err == nil {
			fq := q
			fq.Limit = 100
			first, err = model.List[model.Task](ctx, a.store.DB(), fq)
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.members = members
			s.pages.Reset(n)
			s.pages.Put(0, first)
			s.list.UnselectAll()
			s.list.Refresh()
			s.count.SetText(a.count("tasks.count", n))
		}
	})
}

func (s *tasksScreen) openRecord(_ model.Kind, id string) { s.open(id) }

func (s *tasksScreen) open(id string) {
	s.opening = id
	s.form = nil
	s.a.load(func(ctx context.Context) func() {
		var t model.Task
		err := s.a.store.Get(ctx, id, &t)
		if err == nil && t.Deleted() {
			err = model.ErrNotFound
		}
		link := ""
		if err == nil && t.LinkID != "" {
			link, _ = model.Label(ctx, s.a.store.DB(), t.LinkID)
		}
		return func() {
			if s.opening != id {
				return
			}
			if err != nil {
				s.a.showError(err)
				return
			}
			s.cur = &t
			s.show(&t, link)
		}
	})
}

func (s *tasksScreen) show(t *model.Task, linkLabel string) {
	a := s.a
	objs := []fyne.CanvasObject{title(t.Title), muted(s.describe(t))}
	if t.LinkID != "" && linkLabel != "" {
		objs = append(objs, linkRow(kindIcon(model.Kind(t.LinkKind)), kindName(model.Kind(t.LinkKind))+" · "+linkLabel, "",
			func() { a.Open(model.Kind(t.LinkKind), t.LinkID) }))
	}
	if t.Notes != "" {
		objs = append(objs, pairs(pair{"field.notes", t.Notes}))
	}
	if t.Status == model.TaskOpen {
		done := widget.NewButtonWithIcon(lang.L("tasks.complete"), theme.ConfirmIcon(), s.complete)
		done.Importance = widget.HighImportance
		snooze := newChoice([]option{{"1", lang.L("tasks.snooze_1d")}, {"3", lang.L("tasks.snooze_3d")}, {"7", lang.L("tasks.snooze_1w")}}, "", s.snooze)
		snooze.PlaceHolder = lang.L("tasks.snooze")
		who := newChoice(s.members, t.AssigneeID, s.reassign)
		objs = append(objs, container.NewHBox(done),
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("tasks.snooze")), nil, snooze),
			container.NewBorder(nil, nil, widget.NewLabel(lang.L("tasks.reassign")), nil, who))
	} else {
		objs = append(objs, muted(lang.L("tasks.done_on", map[string]any{"Date": a.fmt.DateTime(t.DoneAt)})),
			widget.NewButtonWithIcon(lang.L("tasks.reopen"), theme.ContentUndoIcon(), s.reopen))
	}
	edit := widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), s.edit)
	del := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), s.delete)
	del.Importance = widget.DangerImportance
	objs = append(objs, widget.NewSeparator(), container.NewHBox(edit, del))
	s.detail.set(objs...)
}

func (s *tasksScreen) set(fields model.FieldMap, msg string) {
	if s.cur == nil {
		return
	}
	if err := s.a.store.Set(s.a.ctx, model.KindTask, s.cur.ID, fields); err != nil {
		s.a.showError(err)
		return
	}
	s.a.changed()
	s.a.notify(msg)
	s.refresh()
}

func (s *tasksScreen) complete() {
	s.set(model.FieldMap{"status": model.TaskDone, "done_at": model.FormatTime(s.a.store.Now())},
		lang.L("tasks.done", map[string]any{"Title": s.cur.Title}))
}

func (s *tasksScreen) reopen() {
	s.set(model.FieldMap{"status": model.TaskOpen, "done_at": nil}, lang.L("tasks.reopened", map[string]any{"Title": s.cur.Title}))
}

// snooze hides the task from Today until the given number of days from now.
func (s *tasksScreen) snooze(days string) {
	n, err := strconv.Atoi(days)
	if err != nil || s.cur == nil {
		return
	}
	until := startOfDay(s.a.store.Now().In(s.a.fmt.loc)).AddDate(0, 0, n)
	s.set(model.FieldMap{"snoozed_until": model.FormatTime(until)},
		lang.L("tasks.snoozed", map[string]any{"Title": s.cur.Title, "Date": s.a.fmt.Day(until)}))
}

func (s *tasksScreen) reassign(memberID string) {
	if s.cur == nil || memberID == s.cur.AssigneeID {
		return
	}
	var v any
	if memberID != "" {
		v = memberID
	}
	s.set(model.FieldMap{"assignee_id": v}, lang.L("tasks.reassigned", map[string]any{"Title": s.cur.Title, "Who": optionLabel(s.members, memberID)}))
}

func (s *tasksScreen) newRecord() {
	s.opening = ""
	s.list.UnselectAll()
	s.startForm(&model.Task{Priority: model.PriorityNormal, Status: model.TaskOpen, AssigneeID: s.a.setting(model.SettingMe, "")})
}

func (s *tasksScreen) edit() {
	if s.cur != nil {
		s.startForm(s.cur)
	}
}

func (s *tasksScreen) startForm(t *model.Task) {
	a := s.a
	f := newForm(a, model.KindTask)
	in := &s.in
	in.title = f.entry("title", "field.title", t.Title)
	var due model.Date
	if !t.Due.IsZero() {
		due = model.DateOf(t.Due.In(a.fmt.loc))
	}
	in.due = f.date("due", "field.due", due)
	in.priority = f.choice("priority", "field.priority", priorityOptions(), strconv.FormatInt(t.Priority, 10))
	in.owner = f.choice("assignee_id", "field.assignee_id", s.members, t.AssigneeID)
	in.notes = f.multiline("notes", "field.notes", t.Notes)
	base := *t
	f.read = func() model.Record {
		r := base
		r.Title = strings.TrimSpace(in.title.Text)
		if d := f.dateValue("due", in.due); d.IsZero() {
			r.Due = time.Time{}
		} else if d != due || base.Due.IsZero() {
			r.Due = d.Time(a.fmt.loc)
		}
		r.Priority, _ = strconv.ParseInt(in.priority.Value(), 10, 64)
		r.AssigneeID, r.Notes = in.owner.Value(), in.notes.Text
		return &r
	}
	f.onSubmit, f.onCancel = s.save, s.cancel
	s.form = f
	heads := lang.L("tasks.new")
	if t.ID != "" {
		heads = lang.L("tasks.edit")
	}
	s.detail.set(title(heads), f.content(), formButtons(s.save, s.cancel))
	f.focusFirst()
}

func (s *tasksScreen) save() {
	if s.form == nil {
		return
	}
	saved := s.form.save(s.a)
	if saved == nil {
		return
	}
	t := saved.(*model.Task)
	s.form = nil
	s.cur = t
	s.a.notify(lang.L("tasks.saved", map[string]any{"Title": t.Title}))
	s.refresh()
}

func (s *tasksScreen) cancel() {
	if s.form == nil {
		return
	}
	s.form = nil
	if s.cur != nil {
		s.open(s.cur.ID)
	} else {
		s.detail.set(mutedPara(lang.L("tasks.empty")))
	}
}

func (s *tasksScreen) delete() {
	if s.cur == nil {
		return
	}
	t := s.cur
	if !s.a.moveToTrash(model.KindTask, t.ID, t.Title) {
		return
	}
	s.cur = nil
	s.detail.set(mutedPara(lang.L("tasks.empty")))
	s.reload()
}
