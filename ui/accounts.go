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

// accountsScreen is the list of client companies beside the open account:
// its fields, its contacts, deals, proposals, orders and client issues, and
// the timeline of every interaction with it or its people.
type accountsScreen struct {
	opening string // the id being opened: an older open that finishes later is dropped
	a       *App
	box     fyne.CanvasObject
	filter  model.ListFilter
	pages   widgets.Pages[model.AccountRow]
	list    *widget.List
	count   *widget.Label

	tag, segment, owner, region, sort *choice

	detail *detailPane
	cur    *model.Account
	form   *form
	in     accountInputs
	log    *activityPanel
}

type accountInputs struct {
	name, industry, segment, region, street, postal, city, country, shipTo, website, phone, email, vat, tags, notes *widgets.Entry
	owner                                                                                                           *choice
}

func newAccountsScreen(a *App) screen {
	s := &accountsScreen{a: a, detail: newDetailPane("accounts.empty")}
	s.filter.Sort = "name"
	s.pages = widgets.Pages[model.AccountRow]{
		Load: func(offset, limit int) ([]model.AccountRow, error) {
			return model.AccountRows(a.ctx, a.store.DB(), s.filter, offset, limit)
		},
		Go:       func(work func() func()) { a.load(func(context.Context) func() { return work() }) },
		OnLoaded: func() { s.list.Refresh() },
		OnError:  a.showError,
	}
	s.list = widget.NewList(s.pages.Len,
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("Name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("City · Segment")
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
			sub.SetText(joinDot(r.City, r.Segment, lang.L("accounts.n_contacts", map[string]any{"Count": r.Contacts})))
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
	s.region = newChoice(valuesOptions("filter.any_region", nil), "", s.onFilter)
	s.sort = newChoice([]option{{"name", lang.L("sort.name")}, {"recent", lang.L("sort.recent")}}, "name", s.onFilter)
	newBtn := widget.NewButtonWithIcon(lang.L("accounts.new"), theme.ContentAddIcon(), s.newRecord)
	// Three filters a row: five in one row cut their labels ("Étiquet…") at 1366 px.
	filters := container.NewGridWithColumns(3, s.tag, s.segment, s.owner, s.region, s.sort, newBtn)
	left := container.NewBorder(container.NewVBox(filters, container.NewBorder(nil, nil, nil, a.exportButton(s), s.count)), nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.detail.scroll)
	split.Offset = 0.45
	s.box = split
	s.log = newActivityPanel(a, func(act *model.Activity) { act.AccountID = s.cur.ID }, func() { s.open(s.cur.ID) })
	return s
}

func (s *accountsScreen) id() string                 { return "accounts" }
func (s *accountsScreen) title() string              { return lang.L("nav.accounts") }
func (s *accountsScreen) icon() fyne.Resource        { return theme.HomeIcon() }
func (s *accountsScreen) content() fyne.CanvasObject { return s.box }
func (s *accountsScreen) kinds() []model.Kind        { return []model.Kind{model.KindAccount} }

// exportQuery is the list as filtered now, for File › Export this list.
func (s *accountsScreen) exportQuery() (model.Kind, model.Query) {
	return model.KindAccount, model.AccountQuery(s.filter)
}

func (s *accountsScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		db := a.store.DB()
		tags, err1 := model.FilterValues(ctx, db, model.KindAccount, "tags", 300)
		segs, err2 := model.FilterValues(ctx, db, model.KindAccount, "segment", 100)
		regions, err3 := model.FilterValues(ctx, db, model.KindAccount, "region", 100)
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
			s.region.setOptions(valuesOptions("filter.any_region", regions), s.region.Value())
			members[0].label = lang.L("filter.any_owner")
			s.owner.setOptions(members, s.owner.Value())
		}
	})
	s.reload()
	if s.cur != nil && s.form == nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	}
}

func (s *accountsScreen) reload() {
	f := s.filter
	s.a.load(func(ctx context.Context) func() {
		n, err := model.CountAccounts(ctx, s.a.store.DB(), f)
		var rows []model.AccountRow
		if err == nil {
			rows, err = model.AccountRows(ctx, s.a.store.DB(), f, 0, 100)
		}
		return func() {
			if err != nil {
				s.a.showError(err)
				return
			}
			if f != s.filter {
				return
			}
			s.pages.Reset(n)
			s.pages.Put(0, rows)
			s.list.UnselectAll()
			s.list.Refresh()
			s.count.SetText(s.a.count("accounts.count", n))
		}
	})
}

func (s *accountsScreen) onFilter(string) {
	f := model.ListFilter{Tag: s.tag.Value(), Segment: s.segment.Value(), OwnerID: s.owner.Value(), Region: s.region.Value(), Sort: s.sort.Value()}
	if f == s.filter {
		return
	}
	s.filter = f
	s.reload()
}

func (s *accountsScreen) openRecord(_ model.Kind, id string) { s.open(id) }

type accountDetail struct {
	acc       *model.Account
	owner     string
	contacts  []*model.Contact
	deals     []*model.Deal
	proposals []*model.Proposal
	orders    []*model.Order
	issues    []*model.ClientIssue
	acts      []*model.Activity
}

func loadAccount(ctx context.Context, st *model.Store, id string) (*accountDetail, error) {
	d := &accountDetail{acc: &model.Account{}}
	if err := st.Get(ctx, id, d.acc); err != nil {
		return nil, err
	}
	if d.acc.Deleted() {
		return nil, model.ErrNotFound
	}
	db := st.DB()
	if d.acc.OwnerID != "" {
		var m model.TeamMember
		if st.Get(ctx, d.acc.OwnerID, &m) == nil {
			d.owner = m.Name
		}
	}
	by := model.Query{Where: "account_id = ?", Args: []any{id}, Limit: 50}
	var err error
	if d.contacts, err = model.List[model.Contact](ctx, db, withOrder(by, "last_name, first_name")); err != nil {
		return nil, err
	}
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
	d.acts, err = model.List[model.Activity](ctx, db, model.Query{
		Where: "account_id = ? OR contact_id IN (SELECT id FROM contacts WHERE account_id = ?)", Args: []any{id, id},
		OrderBy: "at DESC", Limit: timelineLimit})
	return d, err
}

func (s *accountsScreen) open(id string) {
	s.opening = id
	s.form = nil
	s.log.cancel()
	s.a.load(func(ctx context.Context) func() {
		d, err := loadAccount(ctx, s.a.store, id)
		return func() {
			if s.opening != id {
				return
			}
			if err != nil {
				s.a.showError(err)
				return
			}
			s.cur = d.acc
			s.show(d)
		}
	})
}

func (s *accountsScreen) show(d *accountDetail) {
	a, acc := s.a, d.acc
	edit := widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), s.edit)
	logBtn := widget.NewButtonWithIcon(lang.L("activity.log")+" (Ctrl+L)", theme.HistoryIcon(), s.logActivity)
	del := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), s.delete)
	del.Importance = widget.DangerImportance
	address := strings.TrimSpace(strings.Join([]string{acc.Street, strings.TrimSpace(acc.PostalCode + " " + acc.City), acc.Country}, "\n"))
	var contacts, deals, props, orders, issues []link
	for _, x := range d.contacts {
		contacts = append(contacts, link{model.KindContact, x.ID, x.FullName(), x.Title})
	}
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
		title(acc.Name),
		muted(joinDot(acc.Industry, acc.Segment, acc.Region)),
		container.NewHBox(edit, logBtn, del),
		s.log.content,
		pairs(
			pair{"field.address", address},
			pair{"field.ship_to", acc.ShipTo},
			pair{"field.phone", acc.Phone},
			pair{"field.email", acc.Email},
			pair{"field.website", acc.Website},
			pair{"field.vat_number", acc.VATNumber},
			pair{"field.owner_id", d.owner},
			pair{"field.tags", strings.Join(acc.Tags, ", ")},
			pair{"field.notes", acc.Notes},
		),
		widget.NewSeparator(),
		a.links("detail.contacts", contacts), a.links("detail.deals", deals),
		a.links("detail.proposals", props), a.links("detail.orders", orders),
		a.links("detail.issues", issues),
		widget.NewSeparator(),
		a.timeline(d.acts),
	)
}

func (s *accountsScreen) newRecord() {
	s.opening = ""
	s.list.UnselectAll()
	s.startForm(&model.Account{OwnerID: s.a.setting(model.SettingMe, "")})
}

func (s *accountsScreen) edit() {
	if s.cur != nil {
		s.startForm(s.cur)
	}
}

func (s *accountsScreen) startForm(acc *model.Account) {
	a := s.a
	s.log.cancel()
	f := newForm(a, model.KindAccount)
	in := &s.in
	in.name = f.entry("name", "field.name", acc.Name)
	in.industry = f.entry("industry", "field.industry", acc.Industry)
	in.segment = f.entry("segment", "field.segment", acc.Segment)
	in.region = f.entry("region", "field.region", acc.Region)
	in.street = f.entry("street", "field.street", acc.Street)
	in.postal = f.entry("postal_code", "field.postal_code", acc.PostalCode)
	in.city = f.entry("city", "field.city", acc.City)
	in.country = f.entry("country", "field.country", acc.Country)
	in.country.SetPlaceHolder("FR")
	in.shipTo = f.multiline("ship_to", "field.ship_to", acc.ShipTo)
	in.phone = f.entry("phone", "field.phone", acc.Phone)
	in.email = f.entry("email", "field.email", acc.Email)
	in.website = f.entry("website", "field.website", acc.Website)
	in.vat = f.entry("vat_number", "field.vat_number", acc.VATNumber)
	members, err := memberOptions(a.ctx, a.store)
	if err != nil {
		a.showError(err)
		return
	}
	in.owner = f.choice("owner_id", "field.owner_id", members, acc.OwnerID)
	in.tags = f.entry("tags", "field.tags", strings.Join(acc.Tags, ", "))
	in.tags.SetPlaceHolder(lang.L("form.comma_separated"))
	in.notes = f.multiline("notes", "field.notes", acc.Notes)
	base := *acc
	f.read = func() model.Record {
		r := base
		t := func(e *widgets.Entry) string { return strings.TrimSpace(e.Text) }
		r.Name, r.Industry, r.Segment, r.Region = t(in.name), t(in.industry), t(in.segment), t(in.region)
		r.Street, r.PostalCode, r.City = t(in.street), t(in.postal), t(in.city)
		r.Country = strings.ToUpper(t(in.country))
		r.ShipTo, r.Phone, r.Email, r.Website, r.VATNumber = t(in.shipTo), t(in.phone), t(in.email), t(in.website), t(in.vat)
		r.OwnerID, r.Tags, r.Notes = in.owner.Value(), listValue(in.tags.Text), in.notes.Text
		return &r
	}
	f.onSubmit, f.onCancel = s.save, s.cancel
	s.form = f
	heads := lang.L("accounts.new")
	if acc.ID != "" {
		heads = lang.L("accounts.edit", map[string]any{"Name": acc.Name})
	}
	s.detail.set(title(heads), f.content(), formButtons(s.save, s.cancel))
	f.focusFirst()
}

func (s *accountsScreen) save() {
	if s.form == nil {
		s.log.save()
		return
	}
	saved := s.form.save(s.a)
	if saved == nil {
		return
	}
	acc := saved.(*model.Account)
	s.form = nil
	s.a.notify(lang.L("accounts.saved", map[string]any{"Name": acc.Name}))
	s.reload()
	s.open(acc.ID)
}

func (s *accountsScreen) cancel() {
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
		s.detail.set(mutedPara(lang.L("accounts.empty")))
	}
}

func (s *accountsScreen) logActivity() {
	if s.cur == nil || s.cur.ID == "" || s.form != nil {
		return
	}
	s.log.start()
}

func (s *accountsScreen) delete() {
	if s.cur == nil || s.cur.ID == "" {
		return
	}
	acc := s.cur
	if !s.a.moveToTrash(model.KindAccount, acc.ID, acc.Name) {
		return
	}
	s.cur = nil
	s.detail.set(mutedPara(lang.L("accounts.empty")))
	s.reload()
}
