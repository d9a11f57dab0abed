package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/ui/widgets"
)

// contactsScreen is the contact list (virtualised, filtered, sorted, read
// from SQLite a page at a time) beside the open contact: its fields, linked
// deals, proposals, orders and client issues, and its interaction timeline.
type contactsScreen struct {
	opening string // the id being opened: an older open that finishes later is dropped
	a       *App
	box     fyne.CanvasObject
	filter  model.ListFilter
	pages   widgets.Pages[model.ContactRow]
	list    *widget.List
	count   *widget.Label

	tag, segment, owner, source, sort *choice

	detail *detailPane
	cur    *model.Contact // the contact shown or edited; nil for none
	form   *form          // non-nil while editing
	in     contactInputs
	log    *activityPanel
}

// contactInputs are the inputs of the contact form.
type contactInputs struct {
	first, last, title, emails, phones, source, tags, consentSource, notes *widgets.Entry
	account                                                                *recordPicker
	language, owner, grade                                                 *choice
	consent                                                                *widget.Check
}

func newContactsScreen(a *App) screen {
	s := &contactsScreen{a: a, detail: newDetailPane("contacts.empty")}
	s.filter.Sort = "name"
	s.pages = widgets.Pages[model.ContactRow]{
		Load: func(offset, limit int) ([]model.ContactRow, error) {
			return model.ContactRows(a.ctx, a.store.DB(), s.filter, offset, limit)
		},
		Go:       func(work func() func()) { a.load(func(context.Context) func() { return work() }) },
		OnLoaded: func() { s.list.Refresh() },
		OnError:  a.showError,
	}
	s.list = widget.NewList(s.pages.Len,
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("Name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("Title · Account")
			sub.Importance = widget.LowImportance
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.New(&tightRows{}, name, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			objs := o.(*fyne.Container).Objects
			name, sub := objs[0].(*widget.Label), objs[1].(*widget.Label)
			r, ok := s.pages.Get(i)
			if !ok {
				name.SetText("…")
				sub.SetText("")
				return
			}
			name.SetText(r.Name)
			sub.SetText(joinDot(r.Title, r.Account, r.Email))
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if r, ok := s.pages.Get(i); ok {
			s.open(r.ID)
		}
	}
	s.count = muted("")
	s.tag = newChoice(valuesOptions("filter.any_tag", nil), "", s.onFilter)
	s.segment = newChoice(valuesOptions("filter.any_segment", nil), "", s.onFilter)
	s.owner = newChoice([]option{{"", lang.L("filter.any_owner")}}, "", s.onFilter)
	s.source = newChoice(valuesOptions("filter.any_source", nil), "", s.onFilter)
	s.sort = newChoice([]option{{"name", lang.L("sort.name")}, {"recent", lang.L("sort.recent")}}, "name", s.onFilter)
	for _, c := range []*choice{s.tag, s.segment, s.owner, s.source} {
		c.PlaceHolder = ""
	}
	newBtn := widget.NewButtonWithIcon(lang.L("contacts.new"), theme.ContentAddIcon(), s.newRecord)
	// Three filters a row: five in one row cut their labels ("Étiquet…") at 1366 px.
	filters := container.NewGridWithColumns(3, s.tag, s.segment, s.owner, s.source, s.sort, newBtn)
	left := container.NewBorder(container.NewVBox(filters, container.NewBorder(nil, nil, nil, a.exportButton(s), s.count)), nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.detail.scroll)
	split.Offset = 0.45
	s.box = split
	s.log = newActivityPanel(a, func(act *model.Activity) {
		act.ContactID = s.cur.ID
		act.AccountID = s.cur.AccountID
	}, func() { s.open(s.cur.ID) })
	return s
}

func (s *contactsScreen) id() string                 { return "contacts" }
func (s *contactsScreen) title() string              { return lang.L("nav.contacts") }
func (s *contactsScreen) icon() fyne.Resource        { return theme.AccountIcon() }
func (s *contactsScreen) content() fyne.CanvasObject { return s.box }
func (s *contactsScreen) kinds() []model.Kind        { return []model.Kind{model.KindContact} }

// exportQuery is the list as filtered now, for File › Export this list.
func (s *contactsScreen) exportQuery() (model.Kind, model.Query) {
	return model.KindContact, model.ContactQuery(s.filter)
}

// refresh reloads the filter choices and the list, and the open contact
// unless it is being edited.
func (s *contactsScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		db := a.store.DB()
		tags, err1 := model.FilterValues(ctx, db, model.KindContact, "tags", 300)
		segs, err2 := model.FilterValues(ctx, db, model.KindAccount, "segment", 100)
		srcs, err3 := model.FilterValues(ctx, db, model.KindContact, "source", 100)
		members, err4 := memberOptions(ctx, a.store)
		return func() {
			for _, err := range []error{err1, err2, err3, err4} {
				if err != nil {
					a.showError(err)
					return
				}
			}
			s.tag.setOptions(valuesOptions("filter.any_tag", tags), s.tag.Value())
			s.segment.setOptions(valuesOptions("filter.any_segment", segs), s.segment.Value())
			s.source.setOptions(sourceOptions(srcs), s.source.Value())
			members[0].label = lang.L("filter.any_owner")
			s.owner.setOptions(members, s.owner.Value())
		}
	})
	s.reload()
	if s.cur != nil && s.form == nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	}
}

// reload counts the matching contacts and reads the first page.
func (s *contactsScreen) reload() {
	f := s.filter
	s.a.load(func(ctx context.Context) func() {
		n, err := model.CountContacts(ctx, s.a.store.DB(), f)
		var rows []model.ContactRow
		if err == nil {
			rows, err = model.ContactRows(ctx, s.a.store.DB(), f, 0, 100)
		}
		return func() {
			if err != nil {
				s.a.showError(err)
				return
			}
			if f != s.filter {
				return // a newer filter is loading
			}
			s.pages.Reset(n)
			s.pages.Put(0, rows)
			s.list.UnselectAll()
			s.list.Refresh()
			s.count.SetText(s.a.count("contacts.count", n))
		}
	})
}

func (s *contactsScreen) onFilter(string) {
	f := model.ListFilter{Tag: s.tag.Value(), Segment: s.segment.Value(), OwnerID: s.owner.Value(), Source: s.source.Value(), Sort: s.sort.Value()}
	if f == s.filter {
		return
	}
	s.filter = f
	s.reload()
}

// openRecord implements recordOpener.
func (s *contactsScreen) openRecord(_ model.Kind, id string) { s.open(id) }

// contactDetail is everything the detail pane shows about one contact.
type contactDetail struct {
	c         *model.Contact
	account   string
	owner     string
	deals     []*model.Deal
	proposals []*model.Proposal
	orders    []*model.Order
	issues    []*model.ClientIssue
	acts      []*model.Activity
}

func loadContact(ctx context.Context, st *model.Store, id string) (*contactDetail, error) {
	d := &contactDetail{c: &model.Contact{}}
	if err := st.Get(ctx, id, d.c); err != nil {
		return nil, err
	}
	if d.c.Deleted() {
		return nil, model.ErrNotFound
	}
	db := st.DB()
	var err error
	d.account, _ = model.Label(ctx, db, d.c.AccountID)
	if d.c.OwnerID != "" {
		var m model.TeamMember
		if st.Get(ctx, d.c.OwnerID, &m) == nil {
			d.owner = m.Name
		}
	}
	by := model.Query{Where: "contact_id = ?", Args: []any{id}, Limit: 50}
	if d.deals, err = model.List[model.Deal](ctx, db, withOrder(by, "status = 'open' DESC, expected_close")); err != nil {
		return nil, err
	}
	if d.proposals, err = model.List[model.Proposal](ctx, db, withOrder(by, "issue_date DESC")); err != nil {
		return nil, err
	}
	if d.orders, err = model.List[model.Order](ctx, db, withOrder(by, "order_date DESC")); err != nil {
		return nil, err
	}
	if d.issues, err = model.List[model.ClientIssue](ctx, db, withOrder(by, "status IN ('resolved','closed'), due")); err != nil {
		return nil, err
	}
	d.acts, err = model.List[model.Activity](ctx, db, model.Query{Where: "contact_id = ?", Args: []any{id}, OrderBy: "at DESC", Limit: timelineLimit})
	return d, err
}

func withOrder(q model.Query, order string) model.Query {
	q.OrderBy = order
	return q
}

// open shows contact id in the detail pane.
func (s *contactsScreen) open(id string) {
	s.opening = id
	s.form = nil
	s.log.cancel()
	s.a.load(func(ctx context.Context) func() {
		d, err := loadContact(ctx, s.a.store, id)
		return func() {
			if s.opening != id {
				return
			}
			if err != nil {
				s.a.showError(err)
				return
			}
			s.cur = d.c
			s.show(d)
		}
	})
}

func (s *contactsScreen) show(d *contactDetail) {
	a, c := s.a, d.c
	edit := widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), s.edit)
	logBtn := widget.NewButtonWithIcon(lang.L("activity.log")+" (Ctrl+L)", theme.HistoryIcon(), s.logActivity)
	del := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), s.delete)
	del.Importance = widget.DangerImportance
	head := container.NewVBox(title(c.FullName()))
	if sub := joinDot(c.Title, d.account); sub != "" {
		if c.AccountID != "" {
			head.Add(linkRow(theme.HomeIcon(), sub, "", func() { a.Open(model.KindAccount, c.AccountID) }))
		} else {
			head.Add(muted(sub))
		}
	}
	consent := ""
	if c.Consent {
		consent = lang.L("contacts.consent_given", map[string]any{"Date": a.fmt.Day(c.ConsentAt), "Source": c.ConsentSource})
	}
	var deals, props, orders, issues []link
	for _, x := range d.deals {
		deals = append(deals, link{model.KindDeal, x.ID, x.Title, a.fmt.Money(x.AmountMinor, x.Currency) + " · " + lang.L("deal.status."+x.Status)})
	}
	for _, x := range d.proposals {
		props = append(props, link{model.KindProposal, x.ID, joinDot(x.Number, x.Title), lang.L("proposal.status." + x.Status)})
	}
	for _, x := range d.orders {
		orders = append(orders, link{model.KindOrder, x.ID, x.Number, a.fmt.Money(x.NetMinor, x.Currency) + " · " + a.fmt.Date(x.OrderDate)})
	}
	for _, x := range d.issues {
		issues = append(issues, link{model.KindClientIssue, x.ID, x.Title, lang.L("issue.status." + x.Status)})
	}
	s.detail.set(
		head,
		container.NewHBox(edit, logBtn, del),
		s.log.content,
		pairs(
			pair{"field.emails", strings.Join(c.Emails, ", ")},
			pair{"field.phones", strings.Join(c.Phones, ", ")},
			pair{"field.language", languageName(c.Language)},
			pair{"field.source", sourceLabel(c.Source)},
			pair{"field.owner_id", d.owner},
			pair{"field.tags", strings.Join(c.Tags, ", ")},
			pair{"field.grade", c.Grade},
			pair{"field.consent", consent},
			pair{"field.notes", c.Notes},
		),
		widget.NewSeparator(),
		a.links("detail.deals", deals), a.links("detail.proposals", props),
		a.links("detail.orders", orders), a.links("detail.issues", issues),
		widget.NewSeparator(),
		a.timeline(d.acts),
	)
}

// newRecord implements newRecorder: an empty contact form.
func (s *contactsScreen) newRecord() {
	s.opening = ""
	s.list.UnselectAll()
	s.startForm(&model.Contact{OwnerID: s.a.setting(model.SettingMe, "")})
}

func (s *contactsScreen) edit() {
	if s.cur != nil {
		s.startForm(s.cur)
	}
}

// startForm shows the form for c (a new contact when c.ID is empty).
func (s *contactsScreen) startForm(c *model.Contact) {
	a := s.a
	s.log.cancel()
	f := newForm(a, model.KindContact)
	in := &s.in
	in.first = f.entry("first_name", "field.first_name", c.FirstName)
	in.last = f.entry("last_name", "field.last_name", c.LastName)
	in.title = f.entry("title", "field.title", c.Title)
	in.account = f.picker("account_id", "field.account_id", model.KindAccount, c.AccountID)
	in.emails = f.entry("emails", "field.emails", strings.Join(c.Emails, ", "))
	in.emails.SetPlaceHolder(lang.L("form.comma_separated"))
	in.phones = f.entry("phones", "field.phones", strings.Join(c.Phones, ", "))
	in.language = f.choice("language", "field.language", languageChoices(), c.Language)
	in.source = f.entry("source", "field.source", c.Source)
	members, err := memberOptions(a.ctx, a.store)
	if err != nil {
		a.showError(err)
		return
	}
	in.owner = f.choice("owner_id", "field.owner_id", members, c.OwnerID)
	in.tags = f.entry("tags", "field.tags", strings.Join(c.Tags, ", "))
	in.tags.SetPlaceHolder(lang.L("form.comma_separated"))
	in.grade = f.choice("grade", "field.grade", gradeOptions(), c.Grade)
	in.consent = f.checkbox("consent", "field.consent", c.Consent, lang.L("contacts.consent_check"))
	f.alsoShow("consent", "consent_at", "consent_text")
	in.consentSource = f.entry("consent_source", "field.consent_source", c.ConsentSource)
	in.notes = f.multiline("notes", "field.notes", c.Notes)
	base := *c
	f.read = func() model.Record {
		r := base
		r.FirstName, r.LastName = strings.TrimSpace(in.first.Text), strings.TrimSpace(in.last.Text)
		r.Title = strings.TrimSpace(in.title.Text)
		r.AccountID = in.account.ID()
		r.Emails, r.Phones = listValue(in.emails.Text), listValue(in.phones.Text)
		r.Language, r.Source = in.language.Value(), strings.TrimSpace(in.source.Text)
		r.OwnerID, r.Tags, r.Grade = in.owner.Value(), listValue(in.tags.Text), in.grade.Value()
		r.Consent, r.ConsentSource = in.consent.Checked, strings.TrimSpace(in.consentSource.Text)
		if r.Consent && r.ConsentAt.IsZero() {
			r.ConsentAt = a.store.Now()
		}
		if !r.Consent {
			r.ConsentAt = base.ConsentAt
		}
		r.Notes = in.notes.Text
		return &r
	}
	f.onSubmit, f.onCancel = s.save, s.cancel
	s.form = f
	heads := lang.L("contacts.new")
	if c.ID != "" {
		heads = lang.L("contacts.edit", map[string]any{"Name": c.FullName()})
	}
	s.detail.set(title(heads), f.content(), formButtons(s.save, s.cancel))
	f.focusFirst()
}

// save implements saver: it saves the form, or the activity being logged.
func (s *contactsScreen) save() {
	if s.form == nil {
		s.log.save()
		return
	}
	saved := s.form.save(s.a)
	if saved == nil {
		return
	}
	c := saved.(*model.Contact)
	s.form = nil
	s.a.notify(lang.L("contacts.saved", map[string]any{"Name": c.FullName()}))
	s.reload()
	s.open(c.ID)
}

// cancel implements canceller.
func (s *contactsScreen) cancel() {
	if s.log.active() {
		s.log.cancel()
		return
	}
	if s.form == nil {
		return
	}
	s.form = nil
	if s.cur != nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	} else {
		s.detail.set(mutedPara(lang.L("contacts.empty")))
	}
}

// logActivity implements activityLogger.
func (s *contactsScreen) logActivity() {
	if s.cur == nil || s.cur.ID == "" || s.form != nil {
		return
	}
	s.log.start()
}

func (s *contactsScreen) delete() {
	if s.cur == nil || s.cur.ID == "" {
		return
	}
	c := s.cur
	if !s.a.moveToTrash(model.KindContact, c.ID, c.FullName()) {
		return
	}
	s.cur = nil
	s.detail.set(mutedPara(lang.L("contacts.empty")))
	s.reload()
}

func languageChoices() []option {
	return []option{{"", lang.L("form.unknown")}, {"fr", "Français"}, {"en", "English"}, {"de", "Deutsch"},
		{"es", "Español"}, {"it", "Italiano"}, {"nl", "Nederlands"}, {"pt", "Português"}, {"pl", "Polski"}}
}

func languageName(code string) string { return optionLabel(languageChoices(), code) }

func gradeOptions() []option {
	return []option{{"", lang.L("form.none")}, {"A", "A"}, {"B", "B"}, {"C", "C"}, {"D", "D"}}
}

// joinDot joins the non-empty parts with " · ".
func joinDot(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// tightRows stacks objects vertically with no padding: two-line list rows.
type tightRows struct{}

func (tightRows) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for _, o := range objs {
		m := o.MinSize()
		w = fyne.Max(w, m.Width)
		h += m.Height - 2*theme.Padding()
	}
	return fyne.NewSize(w, h+2*theme.Padding())
}

func (tightRows) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	y := float32(0)
	for _, o := range objs {
		h := o.MinSize().Height
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h - 2*theme.Padding()
	}
}
