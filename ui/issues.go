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

// issuesScreen lists client issues (order discrepancies, late deliveries,
// questions, complaints) by status and due date; an issue opens as its
// form: edit it, route it to a department, assign it, resolve it.
type issuesScreen struct {
	opening string // the id being opened: an older open that finishes later is dropped
	a       *App
	box     fyne.CanvasObject
	status  *choice
	dept    *choice
	count   *widget.Label
	query   model.Query
	pages   widgets.Pages[issueRow]
	list    *widget.List
	detail  *detailPane
	cur     *model.ClientIssue
	form    *form
	in      issueInputs
}

// issueRow is an issue with its account's name, as the list shows it.
type issueRow struct {
	issue   *model.ClientIssue
	account string
}

type issueInputs struct {
	title, due, description, resolution   *widgets.Entry
	account, contact                      *recordPicker
	typ, dept, priority, status, assignee *choice
	resolve                               *widget.Button
}

func newIssuesScreen(a *App) screen {
	s := &issuesScreen{a: a, detail: newDetailPane("issues.empty")}
	statusOpts := []option{{"unresolved", lang.L("issues.unresolved")}}
	for _, st := range model.IssueStatuses {
		statusOpts = append(statusOpts, option{st, lang.L("issue.status." + st)})
	}
	statusOpts = append(statusOpts, option{"all", lang.L("issues.all")})
	s.status = newChoice(statusOpts, "unresolved", func(string) { s.reload() })
	s.dept = newChoice(append([]option{{"", lang.L("filter.any_department")}}, departmentOptions()...), "", func(string) { s.reload() })
	s.count = muted("")
	s.pages = widgets.Pages[issueRow]{
		Load: func(offset, limit int) ([]issueRow, error) {
			return s.rows(a.ctx, offset, limit)
		},
		Go:       func(work func() func()) { a.load(func(context.Context) func() { return work() }) },
		OnLoaded: func() { s.list.Refresh() },
		OnError:  a.showError,
	}
	s.list = widget.NewList(s.pages.Len,
		func() fyne.CanvasObject {
			t := widget.NewLabel("Issue title")
			t.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("account · department · due")
			sub.Importance = widget.LowImportance
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, container.New(&tightRows{}, t, sub))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			rows := c.Objects[0].(*fyne.Container).Objects
			t, sub := rows[0].(*widget.Label), rows[1].(*widget.Label)
			r, ok := s.pages.Get(i)
			if !ok {
				t.SetText("…")
				sub.SetText("")
				return
			}
			is := r.issue
			t.SetText(is.Title)
			due := a.fmt.Date(is.Due)
			late := s.late(is)
			if late {
				due = lang.L("today.overdue_since", map[string]any{"Date": due})
			}
			sub.SetText(joinDot(due, r.account, lang.L("department."+is.Department), lang.L("issue.status."+is.Status)))
			if late {
				sub.Importance = widget.DangerImportance
			} else {
				sub.Importance = widget.LowImportance
			}
			sub.Refresh()
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if r, ok := s.pages.Get(i); ok {
			s.open(r.issue.ID)
		}
	}
	newBtn := widget.NewButtonWithIcon(lang.L("issues.new"), theme.ContentAddIcon(), s.newRecord)
	top := container.NewVBox(container.NewGridWithColumns(2, s.status, s.dept), container.NewBorder(nil, nil, nil, newBtn, s.count))
	split := container.NewHSplit(container.NewBorder(top, nil, nil, nil, s.list), s.detail.scroll)
	split.Offset = 0.42
	s.box = split
	return s
}

func (s *issuesScreen) id() string                 { return "issues" }
func (s *issuesScreen) title() string              { return lang.L("nav.issues") }
func (s *issuesScreen) icon() fyne.Resource        { return theme.WarningIcon() }
func (s *issuesScreen) content() fyne.CanvasObject { return s.box }
func (s *issuesScreen) kinds() []model.Kind        { return []model.Kind{model.KindClientIssue} }

func (s *issuesScreen) late(is *model.ClientIssue) bool {
	return !is.Due.IsZero() && is.Status != "resolved" && is.Status != "closed" &&
		is.Due.Before(model.DateOf(s.a.store.Now().In(s.a.fmt.loc)))
}

func (s *issuesScreen) rows(ctx context.Context, offset, limit int) ([]issueRow, error) {
	q := s.query
	q.Offset, q.Limit = offset, limit
	issues, err := model.List[model.ClientIssue](ctx, s.a.store.DB(), q)
	if err != nil {
		return nil, err
	}
	out := make([]issueRow, len(issues))
	for i, is := range issues {
		out[i].issue = is
		out[i].account, _ = model.Label(ctx, s.a.store.DB(), is.AccountID)
	}
	return out, nil
}

func (s *issuesScreen) refresh() {
	s.reload()
	if s.cur != nil && s.cur.ID != "" && s.form == nil {
		s.open(s.cur.ID)
	}
}

func (s *issuesScreen) reload() {
	q := model.Query{OrderBy: "due IS NULL, due, priority, id"}
	var conds []string
	switch st := s.status.Value(); st {
	case "unresolved":
		conds = append(conds, "status NOT IN ('resolved', 'closed')")
	case "all", "":
	default:
		conds = append(conds, "status = ?")
		q.Args = append(q.Args, st)
	}
	if d := s.dept.Value(); d != "" {
		conds = append(conds, "department = ?")
		q.Args = append(q.Args, d)
	}
	q.Where = strings.Join(conds, " AND ")
	s.query = q
	s.a.load(func(ctx context.Context) func() {
		n, err := model.Count(ctx, s.a.store.DB(), model.KindClientIssue, q)
		var first []issueRow
		if err == nil {
			first, err = s.rows(ctx, 0, 100)
		}
		return func() {
			if err != nil {
				s.a.showError(err)
				return
			}
			s.pages.Reset(n)
			s.pages.Put(0, first)
			s.list.UnselectAll()
			s.list.Refresh()
			s.count.SetText(s.a.count("issues.count", n))
		}
	})
}

func (s *issuesScreen) openRecord(_ model.Kind, id string) { s.open(id) }

func (s *issuesScreen) open(id string) {
	s.opening = id
	s.a.load(func(ctx context.Context) func() {
		var is model.ClientIssue
		err := s.a.store.Get(ctx, id, &is)
		if err == nil && is.Deleted() {
			err = model.ErrNotFound
		}
		return func() {
			if s.opening != id {
				return
			}
			if err != nil {
				s.a.showError(err)
				return
			}
			s.cur = &is
			s.startForm(&is)
		}
	})
}

func (s *issuesScreen) newRecord() {
	s.opening = ""
	s.list.UnselectAll()
	s.cur = nil
	s.startForm(&model.ClientIssue{Type: model.IssueQuestion, Department: "customer_service", Priority: model.PriorityNormal,
		Status: "open", AssigneeID: s.a.setting(model.SettingMe, "")})
}

func departmentOptions() []option {
	var opts []option
	for _, d := range model.Departments {
		opts = append(opts, option{d, lang.L("department." + d)})
	}
	return opts
}

func (s *issuesScreen) startForm(is *model.ClientIssue) {
	a := s.a
	f := newForm(a, model.KindClientIssue)
	in := &s.in
	in.title = f.entry("title", "field.title", is.Title)
	types := []option{}
	for _, t := range []string{model.IssueOrderDiscrepancy, model.IssueLateDelivery, model.IssueQuestion, model.IssueComplaint} {
		types = append(types, option{t, lang.L("issue.type." + t)})
	}
	in.typ = f.choice("type", "field.type", types, is.Type)
	in.account = f.picker("account_id", "field.account_id", model.KindAccount, is.AccountID)
	in.contact = f.picker("contact_id", "field.contact_id", model.KindContact, is.ContactID)
	in.dept = f.choice("department", "field.department", departmentOptions(), is.Department)
	in.priority = f.choice("priority", "field.priority", priorityOptions(), strconv.FormatInt(is.Priority, 10))
	var statuses []option
	for _, st := range model.IssueStatuses {
		statuses = append(statuses, option{st, lang.L("issue.status." + st)})
	}
	in.status = f.choice("status", "field.status", statuses, is.Status)
	in.due = f.date("due", "field.due", is.Due)
	members, err := memberOptions(a.ctx, a.store)
	if err != nil {
		a.showError(err)
		return
	}
	in.assignee = f.choice("assignee_id", "field.assignee_id", members, is.AssigneeID)
	in.description = f.multiline("description", "field.description", is.Description)
	in.resolution = f.multiline("resolution", "field.resolution", is.Resolution)
	base := *is
	f.read = func() model.Record {
		r := base
		r.Title = strings.TrimSpace(in.title.Text)
		r.Type, r.Department, r.Status = in.typ.Value(), in.dept.Value(), in.status.Value()
		r.AccountID, r.ContactID = in.account.ID(), in.contact.ID()
		r.Priority, _ = strconv.ParseInt(in.priority.Value(), 10, 64)
		r.Due = f.dateValue("due", in.due)
		r.AssigneeID = in.assignee.Value()
		r.Description, r.Resolution = in.description.Text, strings.TrimSpace(in.resolution.Text)
		if r.OpenedAt.IsZero() {
			r.OpenedAt = a.store.Now()
		}
		switch {
		case (r.Status == "resolved" || r.Status == "closed") && r.ResolvedAt.IsZero():
			r.ResolvedAt = a.store.Now()
		case r.Status != "resolved" && r.Status != "closed":
			r.ResolvedAt = time.Time{}
		}
		return &r
	}
	f.onSubmit, f.onCancel = s.save, s.cancel
	s.form = f
	heads := lang.L("issues.new")
	if is.ID != "" {
		heads = is.Title
	}
	buttons := formButtons(s.save, s.cancel).(*fyne.Container)
	if is.ID != "" {
		if is.Status != "resolved" && is.Status != "closed" {
			in.resolve = widget.NewButtonWithIcon(lang.L("issues.resolve"), theme.ConfirmIcon(), s.resolve)
			in.resolve.Importance = widget.HighImportance
			buttons.Add(in.resolve)
		}
		del := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), s.delete)
		del.Importance = widget.DangerImportance
		buttons.Add(del)
	}
	objs := []fyne.CanvasObject{title(heads)}
	if is.ID != "" {
		objs = append(objs, muted(lang.L("issues.opened", map[string]any{"Date": a.fmt.DateTime(is.OpenedAt)})))
	}
	s.detail.set(append(objs, f.content(), buttons)...)
	if is.ID == "" {
		f.focusFirst()
	}
}

// resolve sets the status to resolved and saves; without a resolution
// text the form says it is required and nothing is saved.
func (s *issuesScreen) resolve() {
	s.in.status.SetValue("resolved")
	if s.in.resolution.Text == "" {
		s.a.win.Canvas().Focus(s.in.resolution)
	}
	s.save()
}

func (s *issuesScreen) save() {
	if s.form == nil {
		return
	}
	saved := s.form.save(s.a)
	if saved == nil {
		return
	}
	is := saved.(*model.ClientIssue)
	s.form = nil
	s.cur = is
	s.a.notify(lang.L("issues.saved", map[string]any{"Title": is.Title}))
	s.refresh()
}

func (s *issuesScreen) cancel() {
	if s.form == nil {
		return
	}
	s.form = nil
	if s.cur != nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	} else {
		s.detail.set(mutedPara(lang.L("issues.empty")))
	}
}

func (s *issuesScreen) delete() {
	if s.cur == nil {
		return
	}
	is := s.cur
	if !s.a.moveToTrash(model.KindClientIssue, is.ID, is.Title) {
		return
	}
	s.cur, s.form = nil, nil
	s.detail.set(mutedPara(lang.L("issues.empty")))
	s.reload()
}
