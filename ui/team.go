package ui

import (
	"context"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/ui/widgets"
)

// teamScreen lists the sales team with each member's monthly target, what
// they won this month, their open deals and their open tasks.
type teamScreen struct {
	opening string // the id being opened: an older open that finishes later is dropped
	a       *App
	box     fyne.CanvasObject
	members []*model.TeamMember
	stats   map[string]*model.MemberStats
	list    *widget.List
	detail  *detailPane
	cur     *model.TeamMember
	form    *form
	in      memberInputs
}

type memberInputs struct {
	name, email, phone, region, target, start *widgets.Entry
	role, currency                            *choice
	active                                    *widget.Check
}

func newTeamScreen(a *App) screen {
	s := &teamScreen{a: a, detail: newDetailPane("team.empty")}
	s.list = widget.NewList(func() int { return len(s.members) },
		func() fyne.CanvasObject {
			n := widget.NewLabelWithStyle("Name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			n.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("role · region")
			sub.Importance = widget.LowImportance
			sub.Truncation = fyne.TextTruncateEllipsis
			bar := widget.NewProgressBar()
			return container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(130, 36), bar), container.New(&tightRows{}, n, sub))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			m := s.members[i]
			c := o.(*fyne.Container)
			rows := c.Objects[0].(*fyne.Container).Objects
			rows[0].(*widget.Label).SetText(m.Name)
			st := s.stats[m.ID]
			open := 0
			if st != nil {
				open = st.OpenDeals
			}
			rows[1].(*widget.Label).SetText(joinDot(lang.L("role."+m.Role), m.Region, lang.L("team.n_deals", map[string]any{"Count": open})))
			bar := c.Objects[1].(*fyne.Container).Objects[0].(*widget.ProgressBar)
			bar.SetValue(s.progress(m))
		})
	s.list.OnSelected = func(i widget.ListItemID) { s.open(s.members[i].ID) }
	newBtn := widget.NewButtonWithIcon(lang.L("team.new"), theme.ContentAddIcon(), s.newRecord)
	split := container.NewHSplit(container.NewBorder(container.NewBorder(nil, nil, nil, newBtn, muted(lang.L("team.month_note"))), nil, nil, nil, s.list), s.detail.scroll)
	split.Offset = 0.42
	s.box = split
	return s
}

func (s *teamScreen) id() string                 { return "team" }
func (s *teamScreen) title() string              { return lang.L("nav.team") }
func (s *teamScreen) icon() fyne.Resource        { return theme.AccountIcon() }
func (s *teamScreen) content() fyne.CanvasObject { return s.box }
func (s *teamScreen) kinds() []model.Kind        { return []model.Kind{model.KindTeamMember} }

// progress is the share of the monthly target won this month, 0…1.
func (s *teamScreen) progress(m *model.TeamMember) float64 {
	st := s.stats[m.ID]
	if st == nil || m.TargetMinor <= 0 {
		return 0
	}
	v := float64(st.WonThisPeriod[m.TargetCurrency]) / float64(m.TargetMinor)
	if v > 1 {
		v = 1
	}
	return v
}

func (s *teamScreen) monthStart() model.Date {
	now := s.a.store.Now().In(s.a.fmt.loc)
	return model.Date{Year: now.Year(), Month: now.Month(), Day: 1}
}

func (s *teamScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		ms, err := model.List[model.TeamMember](ctx, a.store.DB(), model.Query{OrderBy: "active DESC, name", Limit: 500})
		var stats map[string]*model.MemberStats
		if err == nil {
			stats, err = model.TeamStats(ctx, a.store.DB(), a.store.Now(), s.monthStart())
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.members, s.stats = ms, stats
			s.list.Refresh()
		}
	})
	if s.cur != nil && s.form == nil {
		s.open(s.cur.ID)
	}
}

func (s *teamScreen) openRecord(_ model.Kind, id string) { s.open(id) }

// memberDetail is a member with their open deals and tasks.
type memberDetail struct {
	m     *model.TeamMember
	stats *model.MemberStats
	deals []*model.Deal
	tasks []*model.Task
}

func (s *teamScreen) open(id string) {
	s.opening = id
	s.form = nil
	a := s.a
	a.load(func(ctx context.Context) func() {
		d := &memberDetail{m: &model.TeamMember{}}
		err := a.store.Get(ctx, id, d.m)
		if err == nil && d.m.Deleted() {
			err = model.ErrNotFound
		}
		if err == nil {
			var stats map[string]*model.MemberStats
			stats, err = model.TeamStats(ctx, a.store.DB(), a.store.Now(), s.monthStart())
			d.stats = stats[id]
		}
		if err == nil {
			d.deals, err = model.List[model.Deal](ctx, a.store.DB(), model.Query{Where: "owner_id = ? AND status = 'open'", Args: []any{id},
				OrderBy: "expected_close IS NULL, expected_close", Limit: 20})
		}
		if err == nil {
			d.tasks, err = model.List[model.Task](ctx, a.store.DB(), model.Query{Where: "assignee_id = ? AND status = 'open'", Args: []any{id},
				OrderBy: "due IS NULL, due, priority", Limit: 20})
		}
		return func() {
			if s.opening != id {
				return
			}
			if err != nil {
				a.showError(err)
				return
			}
			s.cur = d.m
			s.show(d)
		}
	})
}

// sums writes per-currency amounts, largest first.
func (s *teamScreen) sums(m map[string]int64) string {
	curs := make([]string, 0, len(m))
	for c := range m {
		curs = append(curs, c)
	}
	sort.Slice(curs, func(i, j int) bool { return m[curs[i]] > m[curs[j]] })
	var parts []string
	for _, c := range curs {
		parts = append(parts, s.a.fmt.Money(m[c], c))
	}
	return strings.Join(parts, " · ")
}

func (s *teamScreen) show(d *memberDetail) {
	a, m := s.a, d.m
	st := d.stats
	if st == nil {
		st = &model.MemberStats{OpenAmount: map[string]int64{}, WonThisPeriod: map[string]int64{}}
	}
	target := ""
	if m.TargetMinor > 0 {
		target = a.fmt.Money(m.TargetMinor, m.TargetCurrency)
	}
	won := a.fmt.Money(st.WonThisPeriod[m.TargetCurrency], orDefault(m.TargetCurrency, a.fmt.currency))
	bar := widget.NewProgressBar()
	bar.SetValue(s.progress(m))
	var deals, tasks []link
	for _, x := range d.deals {
		deals = append(deals, link{model.KindDeal, x.ID, x.Title, a.fmt.Money(x.AmountMinor, x.Currency)})
	}
	for _, x := range d.tasks {
		tasks = append(tasks, link{model.KindTask, x.ID, x.Title, a.fmt.Day(x.Due)})
	}
	status := lang.L("team.active")
	if !m.Active {
		status = lang.L("team.inactive")
	}
	edit := widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), s.edit)
	s.detail.set(
		title(m.Name),
		muted(joinDot(lang.L("role."+m.Role), m.Region, status)),
		pairs(
			pair{"field.email", m.Email},
			pair{"field.phone", m.Phone},
			pair{"field.target_minor", target},
			pair{"team.won_month", won},
			pair{"team.open_deals", joinDot(a.fmt.Int(int64(st.OpenDeals)), s.sums(st.OpenAmount))},
			pair{"team.open_tasks", lang.L("team.tasks_overdue", map[string]any{"Count": st.OpenTasks, "Overdue": st.OverdueTasks})},
			pair{"field.start_date", a.fmt.Date(m.StartDate)},
		),
		bar,
		edit,
		widget.NewSeparator(),
		a.links("team.their_deals", deals), a.links("team.their_tasks", tasks),
	)
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *teamScreen) newRecord() {
	s.opening = ""
	s.list.UnselectAll()
	s.startForm(&model.TeamMember{Role: model.RoleRep, Active: true, TargetCurrency: s.a.fmt.currency,
		StartDate: model.DateOf(s.a.store.Now().In(s.a.fmt.loc))})
}

func (s *teamScreen) edit() {
	if s.cur != nil {
		s.startForm(s.cur)
	}
}

func (s *teamScreen) startForm(m *model.TeamMember) {
	a := s.a
	f := newForm(a, model.KindTeamMember)
	in := &s.in
	in.name = f.entry("name", "field.name", m.Name)
	in.email = f.entry("email", "field.email", m.Email)
	in.phone = f.entry("phone", "field.phone", m.Phone)
	in.role = f.choice("role", "field.role", []option{{model.RoleRep, lang.L("role.rep")}, {model.RoleManager, lang.L("role.manager")},
		{model.RoleCoordinator, lang.L("role.coordinator")}}, m.Role)
	in.region = f.entry("region", "field.region", m.Region)
	in.target = f.money("target_minor", "field.target_minor", m.TargetMinor, m.TargetCurrency)
	in.currency = f.choice("target_currency", "field.currency", currencyOptions(m.TargetCurrency), m.TargetCurrency)
	in.active = f.checkbox("active", "field.active", m.Active, lang.L("team.active"))
	in.start = f.date("start_date", "field.start_date", m.StartDate)
	base := *m
	f.read = func() model.Record {
		r := base
		r.Name, r.Email, r.Phone = strings.TrimSpace(in.name.Text), strings.TrimSpace(in.email.Text), strings.TrimSpace(in.phone.Text)
		r.Role, r.Region = in.role.Value(), strings.TrimSpace(in.region.Text)
		r.TargetCurrency = in.currency.Value()
		r.TargetMinor = f.moneyValue("target_minor", in.target, r.TargetCurrency)
		r.Active = in.active.Checked
		r.StartDate = f.dateValue("start_date", in.start)
		return &r
	}
	f.onSubmit, f.onCancel = s.save, s.cancel
	s.form = f
	heads := lang.L("team.new")
	if m.ID != "" {
		heads = m.Name
	}
	s.detail.set(title(heads), f.content(), formButtons(s.save, s.cancel))
	f.focusFirst()
}

func (s *teamScreen) save() {
	if s.form == nil {
		return
	}
	saved := s.form.save(s.a)
	if saved == nil {
		return
	}
	m := saved.(*model.TeamMember)
	s.form = nil
	s.cur = m
	s.a.notify(lang.L("team.saved", map[string]any{"Name": m.Name}))
	s.refresh()
}

func (s *teamScreen) cancel() {
	if s.form == nil {
		return
	}
	s.form = nil
	if s.cur != nil {
		s.open(s.cur.ID)
	} else {
		s.detail.set(mutedPara(lang.L("team.empty")))
	}
}
