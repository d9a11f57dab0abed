package ui

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/export"
	"relais/leads"
	"relais/model"
	"relais/ui/widgets"
)

// eventsScreen lists trade shows and sales meetings beside the open one:
// its facts and budget, the logistics checklist, the staff rota with its
// clashes, the agenda (slots booked with clients become appointments), the
// vendors, the leads captured, and the run-sheet of each day.
type eventsScreen struct {
	a      *App
	box    fyne.CanvasObject
	list   *widget.List
	events []*model.Event
	detail *detailPane
	cur    *model.Event
	form   *form
	in     eventInputs
	tabs   *container.AppTabs
	tab    int // the tab shown, kept when the event is reopened
	// editing is the checklist item form of the open dialog (for tests)
	editing *form

	// the parts of the open event, for tests
	items   []*model.EventItem
	shifts  []*model.RotaShift
	clashes []leads.Clash
	slots   []*model.AgendaSlot
}

type eventInputs struct {
	name, start, end, tz, venue, address, city, country, booth, boothSize, budget, currency, notes *widgets.Entry
	typ, status                                                                                    *choice
}

func newEventsScreen(a *App) screen {
	s := &eventsScreen{a: a, detail: newDetailPane("events.empty")}
	s.list = widget.NewList(func() int { return len(s.events) },
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("Event", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("dates · city")
			sub.Importance = widget.LowImportance
			sub.Truncation = fyne.TextTruncateEllipsis
			return container.New(&tightRows{}, name, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			objs := o.(*fyne.Container).Objects
			e := s.events[i]
			objs[0].(*widget.Label).SetText(e.Name)
			objs[1].(*widget.Label).SetText(joinDot(s.dates(e), e.City, lang.L("events.status."+e.Status)))
		})
	s.list.OnSelected = func(i widget.ListItemID) { s.open(s.events[i].ID) }
	newBtn := widget.NewButtonWithIcon(lang.L("events.new"), theme.ContentAddIcon(), s.newRecord)
	left := container.NewBorder(container.NewHBox(newBtn), nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.detail.scroll)
	split.Offset = 0.28
	s.box = split
	return s
}

func (s *eventsScreen) id() string                 { return "events" }
func (s *eventsScreen) title() string              { return lang.L("nav.events") }
func (s *eventsScreen) icon() fyne.Resource        { return theme.GridIcon() }
func (s *eventsScreen) content() fyne.CanvasObject { return s.box }
func (s *eventsScreen) kinds() []model.Kind {
	return []model.Kind{model.KindEvent, model.KindEventItem, model.KindVendor, model.KindRotaShift, model.KindAgendaSlot}
}

func (s *eventsScreen) dates(e *model.Event) string {
	if e.EndDate.IsZero() || e.EndDate == e.StartDate {
		return s.a.fmt.Date(e.StartDate)
	}
	return s.a.fmt.Date(e.StartDate) + " – " + s.a.fmt.Date(e.EndDate)
}

func (s *eventsScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		evs, err := model.List[model.Event](ctx, a.store.DB(), model.Query{OrderBy: "start_date DESC", Limit: 500})
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.events = evs
			s.list.Refresh()
			if s.cur != nil && s.form == nil {
				s.open(s.cur.ID)
			}
		}
	})
}

// openRecord implements recordOpener: an event, or one of its parts.
func (s *eventsScreen) openRecord(k model.Kind, id string) {
	if k == model.KindEvent {
		s.open(id)
		return
	}
	a := s.a
	a.load(func(ctx context.Context) func() {
		var evID string
		var err error
		switch k {
		case model.KindEventItem:
			var it model.EventItem
			err = a.store.Get(ctx, id, &it)
			evID = it.EventID
		case model.KindRotaShift:
			var sh model.RotaShift
			err = a.store.Get(ctx, id, &sh)
			evID = sh.EventID
		case model.KindAgendaSlot:
			var sl model.AgendaSlot
			err = a.store.Get(ctx, id, &sl)
			evID = sl.EventID
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			if evID != "" {
				s.tab = map[model.Kind]int{model.KindEventItem: 0, model.KindRotaShift: 1, model.KindAgendaSlot: 2}[k]
				s.open(evID)
			} else if k == model.KindVendor && s.cur != nil {
				s.tab = 4
				s.open(s.cur.ID)
			}
		}
	})
}

// eventDetail is what the detail pane shows of one event.
type eventDetail struct {
	ev      *model.Event
	budget  leads.Budget
	items   []*model.EventItem
	shifts  []*model.RotaShift
	clashes []leads.Clash
	slots   []*model.AgendaSlot
	vendors []*model.Vendor
	leads   []*model.Contact
	counts  leads.Counts
	names   map[string]string // team member, contact and vendor names by id
	members []option
}

func loadEvent(ctx context.Context, st *model.Store, id string) (*eventDetail, error) {
	d := &eventDetail{ev: &model.Event{}, names: map[string]string{}}
	if err := st.Get(ctx, id, d.ev); err != nil {
		return nil, err
	}
	if d.ev.Deleted() {
		return nil, model.ErrNotFound
	}
	db := st.DB()
	var err error
	by := model.Query{Where: "event_id = ?", Args: []any{id}}
	if d.budget, err = leads.EventBudget(ctx, db, d.ev); err != nil {
		return nil, err
	}
	if d.items, err = model.List[model.EventItem](ctx, db, withOrder(by, "position, due")); err != nil {
		return nil, err
	}
	if d.shifts, err = model.List[model.RotaShift](ctx, db, withOrder(by, "start_at")); err != nil {
		return nil, err
	}
	if d.clashes, err = leads.Clashes(ctx, db, id); err != nil {
		return nil, err
	}
	if d.slots, err = model.List[model.AgendaSlot](ctx, db, withOrder(by, "start_at")); err != nil {
		return nil, err
	}
	if d.vendors, err = model.List[model.Vendor](ctx, db, model.Query{OrderBy: "name", Limit: 500}); err != nil {
		return nil, err
	}
	if d.leads, err = leads.EventLeads(ctx, db, id, 100); err != nil {
		return nil, err
	}
	if d.counts, err = leads.CountToday(ctx, db, d.ev, st.Now()); err != nil {
		return nil, err
	}
	if d.members, err = memberOptions(ctx, st); err != nil {
		return nil, err
	}
	for _, m := range d.members {
		d.names[m.value] = m.label
	}
	for _, v := range d.vendors {
		d.names[v.ID] = v.Name
	}
	for _, sl := range d.slots {
		if sl.ContactID != "" {
			d.names[sl.ContactID], _ = model.Label(ctx, db, sl.ContactID)
		}
	}
	for _, c := range d.clashes {
		if c.Other != nil {
			d.names[c.Other.EventID], _ = model.Label(ctx, db, c.Other.EventID)
		}
	}
	return d, nil
}

// open shows event id.
func (s *eventsScreen) open(id string) {
	s.form = nil
	s.a.load(func(ctx context.Context) func() {
		d, err := loadEvent(ctx, s.a.store, id)
		return func() {
			if err != nil {
				s.a.showError(err)
				return
			}
			s.cur = d.ev
			s.show(d)
		}
	})
}

// zone is the event's time zone; its agenda and rota are shown on its clock.
func eventZone(e *model.Event) *time.Location {
	if e.TZ != "" {
		if loc, err := time.LoadLocation(e.TZ); err == nil {
			return loc
		}
	}
	return time.UTC
}

func (s *eventsScreen) show(d *eventDetail) {
	a, e := s.a, d.ev
	s.items, s.shifts, s.clashes, s.slots = d.items, d.shifts, d.clashes, d.slots
	loc := eventZone(e)
	edit := widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), func() { s.startForm(e) })
	capture := widget.NewButtonWithIcon(lang.L("events.capture"), theme.ContentAddIcon(), func() {
		a.show("leads")
		if ls, ok := a.current.(*leadsScreen); ok {
			ls.useEvent(e.ID)
		}
	})
	capture.Importance = widget.HighImportance
	del := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), s.delete)
	del.Importance = widget.DangerImportance
	budget := ""
	if d.budget.BudgetMinor > 0 || d.budget.PlannedMinor > 0 {
		budget = lang.L("events.budget_line", map[string]any{"Budget": a.fmt.Money(d.budget.BudgetMinor, e.Currency),
			"Planned": a.fmt.Money(d.budget.PlannedMinor, e.Currency), "Actual": a.fmt.Money(d.budget.ActualMinor, e.Currency)})
	}
	booth := joinDot(e.Booth, e.BoothSize)
	head := container.NewVBox(title(e.Name), muted(joinDot(lang.L("events.type."+e.Type), s.dates(e), lang.L("events.status."+e.Status))))
	overview := pairs(
		pair{"events.venue", strings.Join(nonBlank(e.Venue, e.Address, joinDot(e.City, e.Country)), "\n")},
		pair{"events.booth", booth},
		pair{"events.time_zone", e.TZ},
		pair{"events.budget", budget},
		pair{"events.checklist_done", lang.L("events.done_of", map[string]any{"Done": d.budget.Done, "Total": d.budget.Total})},
		pair{"field.notes", e.Notes},
	)
	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("events.tab.checklist"), s.checklistTab(d)),
		container.NewTabItem(lang.L("events.tab.rota"), s.rotaTab(d, loc)),
		container.NewTabItem(lang.L("events.tab.agenda"), s.agendaTab(d, loc)),
		container.NewTabItem(lang.L("events.tab.leads"), s.leadsTab(d)),
		container.NewTabItem(lang.L("events.tab.vendors"), s.vendorsTab(d)),
	)
	if s.tab < len(s.tabs.Items) {
		s.tabs.SelectIndex(s.tab)
	}
	s.tabs.OnSelected = func(*container.TabItem) { s.tab = s.tabs.SelectedIndex() }
	s.detail.set(head, container.NewHBox(edit, capture, s.runSheetButton(e), del), overview, widget.NewSeparator(), s.tabs)
}

func nonBlank(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// checklistTab lists the logistics checklist: tick an item done, add one,
// or add the template's items.
func (s *eventsScreen) checklistTab(d *eventDetail) fyne.CanvasObject {
	a, e := s.a, d.ev
	box := container.NewVBox()
	today := model.DateOf(a.store.Now().In(a.fmt.loc))
	for _, it := range d.items {
		it := it
		done := widget.NewCheck("", nil)
		done.SetChecked(it.Status == "done")
		done.OnChanged = func(on bool) {
			status := "todo"
			if on {
				status = "done"
			}
			s.setItem(it.ID, model.FieldMap{"status": status})
		}
		cost := ""
		if it.PlannedCostMinor > 0 || it.ActualCostMinor > 0 {
			cost = a.fmt.Money(it.PlannedCostMinor, e.Currency)
			if it.ActualCostMinor > 0 {
				cost += " → " + a.fmt.Money(it.ActualCostMinor, e.Currency)
			}
		}
		note := joinDot(a.fmt.Date(it.Due), d.names[it.OwnerID], d.names[it.VendorID], cost)
		row := linkRow(nil, it.Title, note, func() { s.editItem(it, d) })
		if it.Status != "done" && !it.Due.IsZero() && it.Due.Before(today) {
			late := muted(lang.L("events.overdue"))
			late.Importance = widget.DangerImportance
			row = container.NewBorder(nil, nil, nil, late, row)
		}
		box.Add(container.NewBorder(nil, nil, done, nil, row))
	}
	if len(d.items) == 0 {
		box.Add(muted(lang.L("events.no_items")))
	}
	tpl := widget.NewButtonWithIcon(lang.L("events.apply_template"), theme.ContentCopyIcon(), func() {
		cfg, err := leads.LoadConfig(a.ctx, a.store, a.lang)
		if err == nil {
			var added []*model.EventItem
			added, err = leads.ApplyTemplate(a.ctx, a.store, e.ID, a.setting(model.SettingMe, ""), cfg)
			if err == nil {
				a.notify(lang.L("events.template_added", map[string]any{"Count": len(added)}))
			}
		}
		s.after(err)
	})
	// Adding an item: title, due date, owner, vendor, planned cost.
	title := widgets.NewEntry()
	title.SetPlaceHolder(lang.L("events.item_title"))
	due := widgets.NewEntry()
	due.SetPlaceHolder(a.fmt.DatePlaceholder())
	owner := newChoice(d.members, a.setting(model.SettingMe, ""), nil)
	vendors := []option{{"", lang.L("form.none")}}
	for _, v := range d.vendors {
		vendors = append(vendors, option{v.ID, v.Name})
	}
	vendor := newChoice(vendors, "", nil)
	cost := widgets.NewEntry()
	cost.SetPlaceHolder(lang.L("events.planned_cost"))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	add := func() {
		day, err := a.fmt.ParseDate(due.Text)
		if err != nil {
			msg.SetText(lang.L("err.date_format"))
			return
		}
		amount, err := a.fmt.ParseMoney(cost.Text, e.Currency)
		if err != nil {
			msg.SetText(lang.L("err.amount_format"))
			return
		}
		it := &model.EventItem{EventID: e.ID, Title: strings.TrimSpace(title.Text), Due: day, OwnerID: owner.Value(), VendorID: vendor.Value(),
			PlannedCostMinor: amount, Status: "todo", Position: int64(len(d.items) + 1)}
		if err := a.store.Create(a.ctx, it); err != nil {
			if es, ok := model.AsValidation(err); ok {
				msg.SetText(fieldLabel(es[0].Field) + " : " + validationText(model.KindEventItem, es[0]))
				return
			}
			a.showError(err)
			return
		}
		s.after(nil)
	}
	title.OnSubmitted, due.OnSubmitted, cost.OnSubmitted = func(string) { add() }, func(string) { add() }, func(string) { add() }
	addBtn := widget.NewButtonWithIcon(lang.L("events.add_item"), theme.ContentAddIcon(), add)
	form := container.NewVBox(container.NewGridWithColumns(2, title, due), container.NewGridWithColumns(3, owner, vendor, cost), container.NewHBox(addBtn, tpl), msg)
	return container.NewVBox(box, widget.NewSeparator(), form)
}

// editItem edits a checklist item in a dialog: its owner, due date,
// vendor, status, and its planned and actual costs.
func (s *eventsScreen) editItem(it *model.EventItem, d *eventDetail) {
	a, cur := s.a, d.ev.Currency
	f := newForm(a, model.KindEventItem)
	titleIn := f.entry("title", "events.item_title", it.Title)
	category := f.entry("category", "events.category", it.Category)
	due := f.date("due", "field.due", it.Due)
	owner := f.choice("owner_id", "field.owner_id", d.members, it.OwnerID)
	vendors := []option{{"", lang.L("form.none")}}
	for _, v := range d.vendors {
		vendors = append(vendors, option{v.ID, v.Name})
	}
	vendor := f.choice("vendor_id", "events.vendor", vendors, it.VendorID)
	status := f.choice("status", "field.status", []option{{"todo", lang.L("events.item.todo")}, {"doing", lang.L("events.item.doing")}, {"done", lang.L("events.item.done")}}, it.Status)
	planned := f.money("planned_cost_minor", "events.planned_cost", it.PlannedCostMinor, cur)
	actual := f.money("actual_cost_minor", "events.actual_cost", it.ActualCostMinor, cur)
	notes := f.multiline("notes", "field.notes", it.Notes)
	base := *it
	f.read = func() model.Record {
		r := base
		r.Title, r.Category = strings.TrimSpace(titleIn.Text), strings.TrimSpace(category.Text)
		r.Due, r.OwnerID, r.VendorID, r.Status = f.dateValue("due", due), owner.Value(), vendor.Value(), status.Value()
		r.PlannedCostMinor, r.ActualCostMinor = f.moneyValue("planned_cost_minor", planned, cur), f.moneyValue("actual_cost_minor", actual, cur)
		r.Notes = notes.Text
		return &r
	}
	var dlg dialog.Dialog
	save := func() {
		if f.save(a) != nil {
			dlg.Hide()
			s.after(nil)
		}
	}
	f.onSubmit, f.onCancel = save, func() { dlg.Hide() }
	dlg = dialog.NewCustomWithoutButtons(it.Title, container.NewVBox(f.content(), formButtons(save, func() { dlg.Hide() })), a.win)
	dlg.Resize(fyne.NewSize(760, 560))
	dlg.Show()
	s.editing = f
	f.focusFirst()
}

// setItem changes fields of a checklist item.
func (s *eventsScreen) setItem(id string, fields model.FieldMap) {
	s.after(s.a.store.Set(s.a.ctx, model.KindEventItem, id, fields))
}

// after reopens the event after a change, or shows what went wrong.
func (s *eventsScreen) after(err error) {
	if err != nil {
		s.a.showError(err)
		return
	}
	s.a.changed()
	if s.cur != nil {
		s.open(s.cur.ID)
	}
}

// clock is "09:30–13:00" on the show's clock.
func clock(from, to time.Time, loc *time.Location) string {
	return from.In(loc).Format("15:04") + "–" + to.In(loc).Format("15:04")
}

// rotaTab lists who is at the booth when, with the clashes found, and adds a shift.
func (s *eventsScreen) rotaTab(d *eventDetail, loc *time.Location) fyne.CanvasObject {
	a, e := s.a, d.ev
	box := container.NewVBox(muted(lang.L("events.times_in", map[string]any{"Zone": e.TZ})))
	byShift := map[string][]leads.Clash{}
	for _, c := range d.clashes {
		byShift[c.Shift.ID] = append(byShift[c.Shift.ID], c)
	}
	for _, sh := range d.shifts {
		sh := sh
		text := joinDot(a.fmt.Date(model.DateOf(sh.Start.In(loc))), clock(sh.Start, sh.End, loc), d.names[sh.MemberID])
		del := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { s.after(a.store.Delete(a.ctx, model.KindRotaShift, sh.ID)) })
		box.Add(container.NewBorder(nil, nil, nil, del, linkRow(theme.AccountIcon(), text, sh.Role, nil)))
		for _, c := range byShift[sh.ID] {
			box.Add(s.clashLabel(c, d, loc))
		}
	}
	if len(d.shifts) == 0 {
		box.Add(muted(lang.L("events.no_shifts")))
	}
	days := s.dayOptions(e)
	member := newChoice(d.members[1:], "", nil)
	member.PlaceHolder = lang.L("events.who")
	day := newChoice(days, firstValue(days), nil)
	from, to, role := widgets.NewEntry(), widgets.NewEntry(), widgets.NewEntry()
	from.SetPlaceHolder("09:00")
	to.SetPlaceHolder("13:00")
	role.SetPlaceHolder(lang.L("events.role"))
	warn := widget.NewLabel("")
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	read := func() (*model.RotaShift, error) {
		dd, err := model.ParseDate(day.Value())
		if err != nil {
			return nil, err
		}
		start, err1 := wall(dd, from.Text, loc)
		end, err2 := wall(dd, to.Text, loc)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("time")
		}
		return &model.RotaShift{EventID: e.ID, MemberID: member.Value(), Start: start, End: end, Role: strings.TrimSpace(role.Text)}, nil
	}
	// Clashes show while the shift is typed, before it is saved.
	preview := func() {
		sh, err := read()
		if err != nil || sh.MemberID == "" || !sh.End.After(sh.Start) {
			warn.SetText("")
			return
		}
		a.load(func(ctx context.Context) func() {
			cs, err := leads.ShiftClashes(ctx, a.store.DB(), sh, e)
			return func() {
				if err != nil {
					return
				}
				var lines []string
				for _, c := range cs {
					lines = append(lines, s.clashText(c, d, loc))
				}
				warn.SetText(strings.Join(lines, "\n"))
			}
		})
	}
	member.OnChanged = func(string) { preview() }
	from.OnChanged, to.OnChanged = func(string) { preview() }, func(string) { preview() }
	add := func() {
		sh, err := read()
		if err != nil {
			warn.SetText(lang.L("events.bad_time"))
			return
		}
		if err := a.store.Create(a.ctx, sh); err != nil {
			if es, ok := model.AsValidation(err); ok {
				warn.SetText(fieldLabel(es[0].Field) + " : " + validationText(model.KindRotaShift, es[0]))
				return
			}
			a.showError(err)
			return
		}
		s.after(nil)
	}
	to.OnSubmitted, role.OnSubmitted = func(string) { add() }, func(string) { add() }
	addBtn := widget.NewButtonWithIcon(lang.L("events.add_shift"), theme.ContentAddIcon(), add)
	return container.NewVBox(box, widget.NewSeparator(), container.NewGridWithColumns(5, member, day, from, to, role), container.NewHBox(addBtn), warn)
}

func (s *eventsScreen) clashLabel(c leads.Clash, d *eventDetail, loc *time.Location) fyne.CanvasObject {
	l := widget.NewLabel("⚠ " + s.clashText(c, d, loc))
	l.Importance = widget.WarningImportance
	l.Wrapping = fyne.TextWrapWord
	return l
}

func (s *eventsScreen) clashText(c leads.Clash, d *eventDetail, loc *time.Location) string {
	if c.Appointment != nil {
		return lang.L("events.clash_appointment", map[string]any{"Title": c.Appointment.Title, "Time": clock(c.Appointment.Start, c.Appointment.End, loc)})
	}
	return lang.L("events.clash_shift", map[string]any{"Event": d.names[c.Other.EventID], "Time": clock(c.Other.Start, c.Other.End, loc)})
}

func wall(d model.Date, hhmm string, loc *time.Location) (time.Time, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(strings.Replace(strings.ToLower(hhmm), "h", ":", 1)))
	if err != nil {
		return time.Time{}, err
	}
	return time.Date(d.Year, d.Month, d.Day, t.Hour(), t.Minute(), 0, 0, loc), nil
}

func (s *eventsScreen) dayOptions(e *model.Event) []option {
	var out []option
	for _, d := range leads.Days(e) {
		out = append(out, option{d.String(), s.a.fmt.Date(d)})
	}
	return out
}

func firstValue(opts []option) string {
	if len(opts) > 0 {
		return opts[0].value
	}
	return ""
}

// agendaTab lists the slots; a free meeting slot can be booked with a
// client (an appointment is made), a booked one freed; slots are added a
// day at a time.
func (s *eventsScreen) agendaTab(d *eventDetail, loc *time.Location) fyne.CanvasObject {
	a, e := s.a, d.ev
	box := container.NewVBox(muted(lang.L("events.times_in", map[string]any{"Zone": e.TZ})))
	for _, sl := range d.slots {
		sl := sl
		text := joinDot(a.fmt.Date(model.DateOf(sl.Start.In(loc))), clock(sl.Start, sl.End, loc), sl.Title)
		var action fyne.CanvasObject
		note := lang.L("events.slot." + sl.Type)
		switch {
		case sl.ContactID != "":
			note = joinDot(d.names[sl.ContactID], d.names[sl.MemberID])
			action = widget.NewButton(lang.L("events.unbook"), func() { s.after(leads.Unbook(a.ctx, a.store, sl.ID)) })
		case sl.Type == "meeting":
			action = widget.NewButton(lang.L("events.book"), func() { s.startBooking(sl, d) })
		default:
			action = container.NewHBox()
		}
		box.Add(container.NewBorder(nil, nil, nil, action, linkRow(theme.CalendarIcon(), text, note, nil)))
	}
	if len(d.slots) == 0 {
		box.Add(muted(lang.L("events.no_slots")))
	}
	days := s.dayOptions(e)
	day := newChoice(days, firstValue(days), nil)
	from, to, length, what := widgets.NewEntry(), widgets.NewEntry(), widgets.NewEntry(), widgets.NewEntry()
	from.SetText("09:00")
	to.SetText("18:00")
	length.SetText("30")
	what.SetText(lang.L("events.booth_meeting"))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	add := func() {
		dd, err := model.ParseDate(day.Value())
		n, err2 := strconv.Atoi(strings.TrimSpace(length.Text))
		if err != nil || err2 != nil || n <= 0 {
			msg.SetText(lang.L("events.bad_time"))
			return
		}
		if _, err := leads.AddSlots(a.ctx, a.store, e.ID, dd, from.Text, to.Text, time.Duration(n)*time.Minute, strings.TrimSpace(what.Text)); err != nil {
			msg.SetText(lang.L("events.bad_time"))
			return
		}
		s.after(nil)
	}
	addBtn := widget.NewButtonWithIcon(lang.L("events.add_slots"), theme.ContentAddIcon(), add)
	return container.NewVBox(box, widget.NewSeparator(), container.NewGridWithColumns(5, day, from, to, length, what), container.NewHBox(addBtn), msg)
}

// startBooking asks for the client (and the team member) of a slot.
func (s *eventsScreen) startBooking(sl *model.AgendaSlot, d *eventDetail) {
	a := s.a
	picker := newRecordPicker(a, model.KindContact, "", nil)
	member := newChoice(d.members, firstNonEmptyUI(sl.MemberID, a.setting(model.SettingMe, "")), nil)
	var dlg dialog.Dialog
	book := func(contactID string) {
		if contactID == "" {
			return
		}
		_, err := leads.Book(a.ctx, a.store, sl.ID, contactID, member.Value())
		dlg.Hide()
		s.after(err)
	}
	picker.OnPicked = book
	dlg = dialog.NewCustomConfirm(lang.L("events.book_title"), lang.L("events.book"), lang.L("action.cancel"),
		container.NewVBox(widget.NewLabel(lang.L("events.book_with")), picker.content, member), func(ok bool) {
			if ok {
				book(picker.ID())
			}
		}, a.win)
	dlg.Resize(fyne.NewSize(480, 360))
	dlg.Show()
	a.win.Canvas().Focus(picker.entry)
}

// leadsTab shows the leads captured at the event, today's count first.
func (s *eventsScreen) leadsTab(d *eventDetail) fyne.CanvasObject {
	a := s.a
	var parts []string
	for _, g := range leads.Grades {
		parts = append(parts, fmt.Sprintf("%s %d", g, d.counts.ByGrade[g]))
	}
	box := container.NewVBox(widget.NewLabel(lang.L("leads.today", map[string]any{"Event": d.ev.Name, "Count": d.counts.Total}) + " — " + strings.Join(parts, " · ")))
	for _, c := range d.leads {
		c := c
		note := joinDot(c.Grade, a.fmt.DateTime(c.LeadAt))
		box.Add(linkRow(theme.AccountIcon(), c.FullName(), note, func() { a.Open(model.KindContact, c.ID) }))
	}
	if len(d.leads) == 0 {
		box.Add(muted(lang.L("events.no_leads")))
	}
	return box
}

// vendorsTab lists the suppliers with their contacts, and adds one.
func (s *eventsScreen) vendorsTab(d *eventDetail) fyne.CanvasObject {
	a := s.a
	box := container.NewVBox()
	for _, v := range d.vendors {
		box.Add(linkRow(theme.StorageIcon(), joinDot(v.Name, v.Provides), joinDot(v.ContactName, v.Phone, v.Email), nil))
	}
	if len(d.vendors) == 0 {
		box.Add(muted(lang.L("events.no_vendors")))
	}
	name, provides, contact, phone, email := widgets.NewEntry(), widgets.NewEntry(), widgets.NewEntry(), widgets.NewEntry(), widgets.NewEntry()
	name.SetPlaceHolder(lang.L("field.name"))
	provides.SetPlaceHolder(lang.L("events.provides"))
	contact.SetPlaceHolder(lang.L("events.vendor_contact"))
	phone.SetPlaceHolder(lang.L("field.phone"))
	email.SetPlaceHolder(lang.L("field.email"))
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	add := func() {
		v := &model.Vendor{Name: strings.TrimSpace(name.Text), Provides: strings.TrimSpace(provides.Text), ContactName: strings.TrimSpace(contact.Text),
			Phone: strings.TrimSpace(phone.Text), Email: strings.TrimSpace(email.Text)}
		if err := a.store.Create(a.ctx, v); err != nil {
			if es, ok := model.AsValidation(err); ok {
				msg.SetText(fieldLabel(es[0].Field) + " : " + validationText(model.KindVendor, es[0]))
				return
			}
			a.showError(err)
			return
		}
		s.after(nil)
	}
	email.OnSubmitted = func(string) { add() }
	addBtn := widget.NewButtonWithIcon(lang.L("events.add_vendor"), theme.ContentAddIcon(), add)
	return container.NewVBox(box, widget.NewSeparator(), container.NewGridWithColumns(5, name, provides, contact, phone, email), container.NewHBox(addBtn), msg)
}

// runSheetButton saves the run-sheet PDF of a day chosen from a menu.
func (s *eventsScreen) runSheetButton(e *model.Event) fyne.CanvasObject {
	a := s.a
	var btn *widget.Button
	btn = widget.NewButtonWithIcon(lang.L("events.run_sheet"), theme.DocumentPrintIcon(), func() {
		var items []*fyne.MenuItem
		for _, d := range leads.Days(e) {
			d := d
			items = append(items, fyne.NewMenuItem(a.fmt.Date(d), func() { s.saveRunSheet(e, d) }))
		}
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(btn)
		widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), a.win.Canvas(), pos.Add(fyne.NewPos(0, btn.Size().Height)))
	})
	return btn
}

// saveRunSheet renders the day's run-sheet and asks where to save it.
func (s *eventsScreen) saveRunSheet(e *model.Event, day model.Date) {
	a := s.a
	a.load(func(ctx context.Context) func() {
		var b bytes.Buffer
		d, err := export.LoadRunSheet(ctx, a.store, e.ID, day, a.opts.Location, a.lang)
		if err == nil {
			err = export.WriteRunSheetPDF(&b, d)
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					return
				}
				defer w.Close()
				if _, err := w.Write(b.Bytes()); err != nil {
					a.showError(err)
					return
				}
				a.notify(lang.L("events.run_sheet_saved", map[string]any{"File": w.URI().Name()}))
			}, a.win)
			save.SetFileName(export.RunSheetFileName(e, day))
			save.SetFilter(storage.NewExtensionFileFilter([]string{".pdf"}))
			save.Show()
		}
	})
}

// newRecord implements newRecorder: an empty event form.
func (s *eventsScreen) newRecord() {
	s.list.UnselectAll()
	cur := s.a.setting(model.SettingCurrency, "EUR")
	s.startForm(&model.Event{Type: leads.TypeTradeShow, Status: "planned", Currency: cur, TZ: s.a.opts.Location.String()})
}

func (s *eventsScreen) startForm(e *model.Event) {
	a := s.a
	f := newForm(a, model.KindEvent)
	in := &s.in
	in.name = f.entry("name", "field.name", e.Name)
	in.typ = f.choice("type", "field.type", []option{{leads.TypeTradeShow, lang.L("events.type.trade_show")}, {leads.TypeSalesMeeting, lang.L("events.type.sales_meeting")}}, e.Type)
	in.status = f.choice("status", "field.status", []option{{"planned", lang.L("events.status.planned")}, {"confirmed", lang.L("events.status.confirmed")},
		{"done", lang.L("events.status.done")}, {"cancelled", lang.L("events.status.cancelled")}}, e.Status)
	in.start = f.date("start_date", "field.start_date", e.StartDate)
	in.end = f.date("end_date", "events.end_date", e.EndDate)
	in.tz = f.entry("tz", "events.time_zone", e.TZ)
	in.tz.SetPlaceHolder("Europe/Paris")
	in.venue = f.entry("venue", "events.venue", e.Venue)
	in.address = f.entry("address", "field.address", e.Address)
	in.city = f.entry("city", "field.city", e.City)
	in.country = f.entry("country", "field.country", e.Country)
	in.booth = f.entry("booth", "events.booth", e.Booth)
	in.boothSize = f.entry("booth_size", "events.booth_size", e.BoothSize)
	in.budget = f.money("budget_minor", "events.budget", e.BudgetMinor, e.Currency)
	in.currency = f.entry("currency", "field.currency", e.Currency)
	in.notes = f.multiline("notes", "field.notes", e.Notes)
	base := *e
	f.read = func() model.Record {
		r := base
		r.Name, r.Type, r.Status = strings.TrimSpace(in.name.Text), in.typ.Value(), in.status.Value()
		r.StartDate, r.EndDate = f.dateValue("start_date", in.start), f.dateValue("end_date", in.end)
		r.TZ, r.Venue, r.Address = strings.TrimSpace(in.tz.Text), strings.TrimSpace(in.venue.Text), strings.TrimSpace(in.address.Text)
		r.City, r.Country = strings.TrimSpace(in.city.Text), strings.ToUpper(strings.TrimSpace(in.country.Text))
		r.Booth, r.BoothSize = strings.TrimSpace(in.booth.Text), strings.TrimSpace(in.boothSize.Text)
		r.Currency = strings.ToUpper(strings.TrimSpace(in.currency.Text))
		r.BudgetMinor = f.moneyValue("budget_minor", in.budget, r.Currency)
		r.Notes = in.notes.Text
		return &r
	}
	f.onSubmit, f.onCancel = s.save, s.cancel
	s.form = f
	heads := lang.L("events.new")
	if e.ID != "" {
		heads = e.Name
	}
	s.detail.set(title(heads), f.content(), formButtons(s.save, s.cancel))
	f.focusFirst()
}

// save implements saver.
func (s *eventsScreen) save() {
	if s.form == nil {
		return
	}
	r := s.form.save(s.a)
	if r == nil {
		return
	}
	e := r.(*model.Event)
	s.form = nil
	s.cur = e
	s.a.notify(lang.L("events.saved", map[string]any{"Name": e.Name}))
	s.refresh()
}

// cancel implements canceller.
func (s *eventsScreen) cancel() {
	if s.form == nil {
		return
	}
	s.form = nil
	if s.cur != nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	} else {
		s.detail.set(mutedPara(lang.L("events.empty")))
	}
}

func (s *eventsScreen) delete() {
	if s.cur == nil {
		return
	}
	e := s.cur
	if !s.a.moveToTrash(model.KindEvent, e.ID, e.Name) {
		return
	}
	s.cur = nil
	s.detail.set(mutedPara(lang.L("events.empty")))
	s.refresh()
}

// overdueEventItems lists the logistics checklist items past their due
// date and not done, for the Today screen (one line per item: its title,
// its event, its due date; opening it opens the event).
func overdueEventItems(ctx context.Context, db model.Querier, today model.Date, limit int) ([]leads.OverdueItem, error) {
	return leads.OverdueItems(ctx, db, today, limit)
}

// overdueEventItemRow is the Today line of an overdue checklist item: its
// title, its event and due date; it opens the event.
func (a *App) overdueEventItemRow(it leads.OverdueItem) fyne.CanvasObject {
	note := joinDot(it.EventName, a.fmt.Date(it.Item.Due))
	return linkRow(theme.GridIcon(), it.Item.Title, note, func() { a.Open(model.KindEventItem, it.Item.ID) })
}
