package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/leads"
	"relais/model"
	"relais/ui/widgets"
)

// leadsScreen is the booth's capture screen, built for speed: a badge
// scanner (a keyboard wedge) types the QR code into the scan box, the form
// fills and the focus jumps to the grade; Tab moves through the fields and
// Enter saves and clears the form for the next visitor. Everything is saved
// locally in one transaction, so a lead is never lost to a missing network.
type leadsScreen struct {
	a   *App
	box fyne.CanvasObject

	event   *choice
	events  []*model.Event
	counter *widget.Label

	scan                                         *scanEntry
	first, last, company, jobTitle, email, phone *widgets.Entry
	grade, products, notes                       *widgets.Entry
	consent, deal                                *widget.Check
	consentText                                  *widget.Label
	productHint                                  *widget.Label

	banner   *fyne.Container
	dupLabel *widget.Label
	separate *widget.Check
	msg      *widget.Label

	cfg      leads.Config
	extra    leads.Card    // what the last scan gave beyond the form: notes, language, photo
	chk      *leads.Check  // the duplicate check of chkKey
	chkKey   string        // the identity the check was made for
	saving   bool          // a save is under way: a second Enter waits
	result   *leads.Result // the last capture, for the status line (and tests)
	checkGen int
}

// scanEntry is the scan box: several lines (vCards are), but Tab leaves it
// like any field instead of typing a tab, and leaving it reads what it holds.
type scanEntry struct {
	widgets.Entry
	onLeave func()
}

// FocusLost reads the scan when the user moves on (a scanner set up to
// send no Enter after the code).
func (e *scanEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onLeave != nil {
		e.onLeave()
	}
}

func newScanEntry() *scanEntry {
	e := &scanEntry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapBreak
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab makes Tab move the focus on.
func (e *scanEntry) AcceptsTab() bool { return false }

func newLeadsScreen(a *App) screen {
	s := &leadsScreen{a: a}
	s.event = newChoice(nil, "", func(string) { s.onEvent() })
	s.event.PlaceHolder = lang.L("leads.choose_event")
	s.counter = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.scan = newScanEntry()
	s.scan.SetPlaceHolder(lang.L("leads.scan_here"))
	s.scan.SetMinRowsVisible(2)
	s.scan.OnChanged = s.onScan
	s.scan.onLeave = func() {
		if strings.TrimSpace(s.scan.Text) != "" {
			s.readScan(true)
		}
	}
	s.scan.OnEscape = s.cancel

	entry := func(placeholder string) *widgets.Entry {
		e := widgets.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnSubmitted = func(string) { s.save() }
		e.OnEscape = s.cancel
		return e
	}
	s.first, s.last = entry(lang.L("field.first_name")), entry(lang.L("field.last_name"))
	s.company, s.jobTitle = entry(lang.L("leads.company")), entry(lang.L("field.title"))
	s.email, s.phone = entry(lang.L("leads.email")), entry(lang.L("leads.phone"))
	for _, e := range []*widgets.Entry{s.first, s.last, s.company, s.email, s.phone} {
		e.OnChanged = func(string) { s.identityChanged() }
	}
	s.grade = entry("A B C D")
	s.grade.OnChanged = func(t string) {
		if u := strings.ToUpper(t); u != t {
			s.grade.SetText(u)
		}
	}
	s.products = entry(lang.L("leads.products_hint"))
	s.products.OnChanged = s.onProducts
	s.notes = entry(lang.L("field.notes"))
	s.productHint = muted("")
	s.productHint.Truncation = fyne.TextTruncateEllipsis
	s.productHint.Hide()
	s.consentText = mutedPara("")
	s.consent = widget.NewCheck(lang.L("leads.consent"), nil)
	s.deal = widget.NewCheck(lang.L("leads.new_deal"), nil)

	s.dupLabel = widget.NewLabel("")
	s.dupLabel.Wrapping = fyne.TextWrapWord
	s.dupLabel.Importance = widget.WarningImportance
	s.separate = widget.NewCheck(lang.L("leads.keep_separate"), nil)
	s.banner = container.NewVBox(s.dupLabel, s.separate)
	s.banner.Hide()
	s.msg = widget.NewLabel("")
	s.msg.Wrapping = fyne.TextWrapWord
	s.msg.Hide()

	row := func(key string, obj fyne.CanvasObject) fyne.CanvasObject {
		l := widget.NewLabel(lang.L(key))
		return container.New(&captureRow{}, l, obj)
	}
	saveBtn := widget.NewButtonWithIcon(lang.L("leads.save")+" (Enter)", theme.DocumentSaveIcon(), s.save)
	saveBtn.Importance = widget.HighImportance
	clearBtn := widget.NewButtonWithIcon(lang.L("leads.clear")+" (Esc)", theme.ContentClearIcon(), s.cancel)
	full := widget.NewButtonWithIcon(lang.L("leads.full_screen"), theme.ViewFullScreenIcon(), func() { a.win.SetFullScreen(!a.win.FullScreen()) })
	imp := widget.NewButtonWithIcon(lang.L("leads.import_vcf"), theme.FolderOpenIcon(), s.onImport)

	form := container.NewVBox(
		row("leads.scan", s.scan),
		container.NewGridWithColumns(2, row("field.first_name", s.first), row("field.last_name", s.last)),
		container.NewGridWithColumns(2, row("leads.company", s.company), row("field.title", s.jobTitle)),
		container.NewGridWithColumns(2, row("leads.email", s.email), row("leads.phone", s.phone)),
		s.banner,
		container.NewGridWithColumns(2, row("field.grade", s.grade), row("leads.products", container.NewVBox(s.products, s.productHint))),
		container.NewBorder(nil, nil, s.consent, nil, s.consentText),
		container.NewBorder(nil, nil, nil, container.NewVBox(layoutSpacer(), s.deal), row("field.notes", s.notes)),
	)
	top := container.NewBorder(nil, nil, widget.NewLabel(lang.L("leads.event")), container.NewHBox(saveBtn, clearBtn, imp, full), s.event)
	// A column of readable width in the middle, however wide the screen is;
	// the buttons and the outcome of the last save stay in sight above it.
	s.box = container.NewBorder(container.NewVBox(top, s.counter, s.msg, widget.NewSeparator()), nil, nil, nil,
		container.NewVScroll(container.New(&centerColumn{max: 980}, form)))
	return s
}

func (s *leadsScreen) id() string                 { return "leads" }
func (s *leadsScreen) title() string              { return lang.L("nav.leads") }
func (s *leadsScreen) icon() fyne.Resource        { return theme.ContentAddIcon() }
func (s *leadsScreen) content() fyne.CanvasObject { return s.box }

// refresh reloads the events and the configuration, then the counter.
func (s *leadsScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		evs, err := model.List[model.Event](ctx, a.store.DB(), model.Query{Where: "status != 'cancelled'", OrderBy: "start_date DESC", Limit: 200})
		var cfg leads.Config
		if err == nil {
			cfg, err = leads.LoadConfig(ctx, a.store, a.lang)
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.cfg = cfg
			s.consentText.SetText("« " + cfg.ConsentText + " »")
			s.events = evs
			opts := make([]option, len(evs))
			for i, e := range evs {
				opts[i] = option{e.ID, e.Name + " · " + a.fmt.Date(e.StartDate)}
			}
			s.event.setOptions(opts, s.event.Value())
			if s.event.Value() == "" {
				// Leads are mostly met at trade shows: pick among those first.
				var shows []*model.Event
				for _, e := range evs {
					if e.Type == leads.TypeTradeShow {
						shows = append(shows, e)
					}
				}
				if len(shows) == 0 {
					shows = evs
				}
				s.event.SetValue(currentEvent(shows, a.store.Now(), a.setting(settingLeadsEvent, "")))
			}
			s.updateCounter()
			a.win.Canvas().Focus(s.scan)
		}
	})
}

const settingLeadsEvent = "leads.event"

// currentEvent picks the event to capture for: the one remembered when it
// is still on, else the one on today, else the next to come, else the last.
func currentEvent(evs []*model.Event, now time.Time, remembered string) string {
	var on, next, last *model.Event
	for _, e := range evs {
		loc := time.UTC
		if l, err := time.LoadLocation(e.TZ); err == nil && e.TZ != "" {
			loc = l
		}
		today := model.DateOf(now.In(loc))
		end := e.EndDate
		if end.IsZero() {
			end = e.StartDate
		}
		switch {
		case !today.Before(e.StartDate) && !end.Before(today):
			if e.ID == remembered || on == nil {
				on = e
			}
		case today.Before(e.StartDate):
			if next == nil || e.StartDate.Before(next.StartDate) {
				next = e
			}
		case last == nil || last.StartDate.Before(e.StartDate):
			last = e
		}
	}
	for _, e := range []*model.Event{on, next, last} {
		if e != nil {
			return e.ID
		}
	}
	return ""
}

// useEvent selects the event to capture for (from the Events screen).
func (s *leadsScreen) useEvent(id string) {
	s.event.SetValue(id)
	s.onEvent()
}

func (s *leadsScreen) onEvent() {
	if id := s.event.Value(); id != "" {
		if err := s.a.store.SetSetting(s.a.ctx, settingLeadsEvent, id); err != nil {
			fyne.LogError("ui: remember the capture event", err)
		}
	}
	s.updateCounter()
}

func (s *leadsScreen) currentEvent() *model.Event {
	for _, e := range s.events {
		if e.ID == s.event.Value() {
			return e
		}
	}
	return nil
}

// updateCounter shows today's leads of the event, by grade.
func (s *leadsScreen) updateCounter() {
	ev := s.currentEvent()
	if ev == nil {
		s.counter.SetText(lang.L("leads.no_event"))
		return
	}
	a := s.a
	a.load(func(ctx context.Context) func() {
		c, err := leads.CountToday(ctx, a.store.DB(), ev, a.store.Now())
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			var parts []string
			for _, g := range leads.Grades {
				parts = append(parts, fmt.Sprintf("%s %d", g, c.ByGrade[g]))
			}
			if n := c.ByGrade[""]; n > 0 {
				parts = append(parts, lang.L("leads.ungraded", map[string]any{"Count": n}))
			}
			s.counter.SetText(lang.L("leads.today", map[string]any{"Event": ev.Name, "Count": c.Total}) + " — " + strings.Join(parts, " · "))
		}
	})
}

// onScan reads the scan box at the Enter a wedge scanner sends after the
// code: at once for a one-line code (a MECARD, an e-mail), after END:VCARD
// for a vCard, whose lines are Enters too. Reading at that Enter, and not at
// the last character, keeps it from landing in the grade and saving.
func (s *leadsScreen) onScan(text string) {
	if !strings.HasSuffix(text, "\n") {
		return
	}
	t := strings.TrimSpace(text)
	switch {
	case t == "": // Enter in the empty box saves, as in any field
		s.scan.SetText("")
		s.save()
	case strings.HasPrefix(strings.ToUpper(t), "BEGIN:VCARD") && !leads.Complete(t):
	default:
		s.readScan(false)
	}
}

// readScan parses the scan box and fills the form; leaving says the user
// tabbed out (the focus then goes where they went).
func (s *leadsScreen) readScan(leaving bool) {
	card, err := leads.ParseScan(strings.TrimSpace(s.scan.Text))
	if err != nil {
		s.setMsg(lang.L("leads.scan_unreadable"), true)
		return
	}
	s.scan.SetText("")
	s.fill(card)
	if !leaving {
		s.a.win.Canvas().Focus(s.grade)
	}
}

// fill puts a scanned card into the form, replacing what was there.
func (s *leadsScreen) fill(c leads.Card) {
	s.first.SetText(c.FirstName)
	s.last.SetText(c.LastName)
	s.company.SetText(c.Company)
	s.jobTitle.SetText(c.Title)
	s.email.SetText(strings.Join(c.Emails, ", "))
	s.phone.SetText(strings.Join(c.Phones, ", "))
	s.extra = leads.Card{Notes: c.Notes, Language: c.Language, Photo: c.Photo}
	s.setMsg(lang.L("leads.scanned", map[string]any{"Name": firstNonEmptyUI(c.FullName(), c.Company, strings.Join(c.Emails, ""))}), false)
	s.check(nil)
}

// card reads the identity part of the form.
func (s *leadsScreen) card() leads.Card {
	c := leads.Card{FirstName: strings.TrimSpace(s.first.Text), LastName: strings.TrimSpace(s.last.Text),
		Company: strings.TrimSpace(s.company.Text), Title: strings.TrimSpace(s.jobTitle.Text),
		Emails: listValue(s.email.Text), Phones: listValue(s.phone.Text)}
	c.Language, c.Photo = s.extra.Language, s.extra.Photo
	return c
}

func cardKey(c leads.Card) string {
	return strings.ToLower(strings.Join([]string{c.FirstName, c.LastName, c.Company, strings.Join(c.Emails, ","), strings.Join(c.Phones, ",")}, "|"))
}

// identityChanged forgets a duplicate check made for other values.
func (s *leadsScreen) identityChanged() {
	if s.chkKey != "" && s.chkKey != cardKey(s.card()) {
		s.chk, s.chkKey = nil, ""
		s.banner.Hide()
	}
}

// check looks the form's card up among existing contacts in the
// background and shows what it finds; then runs after, if given.
func (s *leadsScreen) check(after func()) {
	card := s.card()
	if card.Empty() {
		return
	}
	key := cardKey(card)
	s.checkGen++
	gen := s.checkGen
	a := s.a
	a.load(func(ctx context.Context) func() {
		chk, err := leads.CheckCard(ctx, a.store, card)
		return func() {
			if gen != s.checkGen {
				return
			}
			if err != nil {
				s.saving = false
				s.showErr(err)
				return
			}
			s.chk, s.chkKey = chk, key
			s.showDuplicate()
			if after != nil {
				after()
			}
		}
	})
}

func (s *leadsScreen) showDuplicate() {
	if s.chk == nil || s.chk.Duplicate == nil {
		s.banner.Hide()
		return
	}
	d := s.chk.Duplicate
	s.dupLabel.SetText(lang.L("leads.duplicate", map[string]any{"Name": joinDot(d.FullName(), s.chk.Company),
		"Reason": lang.L("leads.reason." + s.chk.Reason)}))
	s.separate.SetChecked(false)
	s.banner.Show()
}

// onProducts shows which catalogue products the typed names stand for.
func (s *leadsScreen) onProducts(text string) {
	a := s.a
	toks := listValue(text)
	if len(toks) == 0 {
		s.productHint.SetText("")
		s.productHint.Hide()
		return
	}
	a.load(func(ctx context.Context) func() {
		_, labels, missing := resolveProducts(ctx, a.store, toks)
		return func() {
			if s.products.Text != text {
				return
			}
			hint := strings.Join(labels, ", ")
			if len(missing) > 0 {
				hint = joinDot(hint, lang.L("leads.no_product", map[string]any{"Name": strings.Join(missing, ", ")}))
			}
			s.productHint.SetText(hint)
			showIf(s.productHint, hint != "")
		}
	})
}

// resolveProducts finds the catalogue product each typed name or SKU stands
// for (the best search hit).
func resolveProducts(ctx context.Context, st *model.Store, toks []string) (ids, labels, missing []string) {
	for _, t := range toks {
		hits, err := st.Search(ctx, t, 40)
		found := false
		if err == nil {
			for _, h := range hits {
				if h.Kind == model.KindProduct {
					ids, labels, found = append(ids, h.ID), append(labels, h.Label), true
					break
				}
			}
		}
		if !found {
			missing = append(missing, t)
		}
	}
	return ids, labels, missing
}

// save implements saver: check for a duplicate if the values were not
// checked yet, then capture. A duplicate found at that point is shown and
// the next Enter merges (or keeps apart, as ticked).
func (s *leadsScreen) save() {
	if s.saving {
		return
	}
	ev := s.currentEvent()
	if ev == nil {
		s.setMsg(lang.L("leads.no_event"), true)
		return
	}
	card := s.card()
	if card.Empty() {
		s.setMsg(lang.L("leads.empty"), true)
		s.a.win.Canvas().Focus(s.scan)
		return
	}
	g := strings.ToUpper(strings.TrimSpace(s.grade.Text))
	if g != "" && (len(g) != 1 || !strings.Contains("ABCD", g)) {
		s.setMsg(lang.L("leads.bad_grade"), true)
		s.a.win.Canvas().Focus(s.grade)
		return
	}
	s.saving = true
	if s.chkKey != cardKey(card) {
		s.check(func() {
			if s.chk.Duplicate != nil {
				s.saving = false // let the user see it and choose; Enter again saves
				s.setMsg(lang.L("leads.duplicate_choose"), true)
				return
			}
			s.capture(ev, card, g)
		})
		return
	}
	s.capture(ev, card, g)
}

func (s *leadsScreen) capture(ev *model.Event, card leads.Card, grade string) {
	a := s.a
	l := leads.Lead{Card: card, EventID: ev.ID, Grade: grade, Notes: strings.TrimSpace(s.notes.Text), Consent: s.consent.Checked,
		ConsentText: s.cfg.ConsentText, OwnerID: a.setting(model.SettingMe, ""), NewDeal: s.deal.Checked}
	if n := strings.TrimSpace(s.extra.Notes); n != "" {
		l.Notes = strings.TrimSpace(l.Notes + "\n" + n)
	}
	if s.chk != nil {
		l.AccountID = s.chk.AccountID
		if s.chk.Duplicate != nil && !s.separate.Checked {
			l.MergeInto = s.chk.Duplicate.ID
		}
	}
	toks := listValue(s.products.Text)
	cfg := s.cfg
	a.load(func(ctx context.Context) func() {
		ids, _, missing := resolveProducts(ctx, a.store, toks)
		if len(missing) > 0 {
			return func() {
				s.saving = false
				s.setMsg(lang.L("leads.no_product", map[string]any{"Name": strings.Join(missing, ", ")}), true)
				a.win.Canvas().Focus(s.products)
			}
		}
		l.Interests = ids
		res, err := leads.Capture(ctx, a.store, l, cfg)
		return func() {
			s.saving = false
			if err != nil {
				s.showErr(err)
				return
			}
			s.result = res
			s.clear()
			text := lang.L("leads.saved", map[string]any{"Name": res.Contact.FullName()})
			if res.Merged {
				text = lang.L("leads.merged", map[string]any{"Name": res.Contact.FullName()})
			}
			if res.Task != nil {
				text += " " + lang.L("leads.follow_up", map[string]any{"Due": a.fmt.DateTime(res.Task.Due)})
			}
			s.setMsg(text, false)
			a.changed()
			s.updateCounter()
		}
	})
}

// showErr puts validation problems in the status line, naming the fields.
func (s *leadsScreen) showErr(err error) {
	if es, ok := model.AsValidation(err); ok {
		var parts []string
		for _, e := range es {
			var name string
			switch e.Field {
			case "company":
				name = lang.L("leads.company")
			case "emails":
				name = lang.L("leads.email")
			case "phones":
				name = lang.L("leads.phone")
			default:
				name = fieldLabel(e.Field)
			}
			parts = append(parts, name+" : "+validationText(model.KindContact, e))
		}
		s.setMsg(strings.Join(parts, "\n"), true)
		return
	}
	s.a.showError(err)
}

func (s *leadsScreen) setMsg(text string, bad bool) {
	s.msg.Importance = widget.MediumImportance
	if bad {
		s.msg.Importance = widget.DangerImportance
	}
	s.msg.SetText(text)
	showIf(s.msg, text != "")
}

// showIf shows o when cond holds and hides it otherwise, so an empty line
// takes no room.
func showIf(o fyne.CanvasObject, cond bool) {
	if cond {
		o.Show()
	} else {
		o.Hide()
	}
}

// clear empties the form for the next visitor and puts the focus in the scan box.
func (s *leadsScreen) clear() {
	for _, e := range []*widgets.Entry{s.first, s.last, s.company, s.jobTitle, s.email, s.phone, s.grade, s.products, s.notes} {
		e.SetText("")
	}
	s.scan.SetText("")
	s.consent.SetChecked(false)
	s.deal.SetChecked(false)
	s.extra = leads.Card{}
	s.chk, s.chkKey = nil, ""
	s.checkGen++
	s.banner.Hide()
	s.productHint.SetText("")
	s.productHint.Hide()
	s.a.win.Canvas().Focus(s.scan)
}

// cancel implements canceller: Esc clears the form.
func (s *leadsScreen) cancel() {
	s.clear()
	s.setMsg("", false)
}

// onImport imports a .vcf file of leads (an organiser's lead list, cards
// exported from a phone) into the current event.
func (s *leadsScreen) onImport() {
	ev := s.currentEvent()
	if ev == nil {
		s.setMsg(lang.L("leads.no_event"), true)
		return
	}
	a := s.a
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		path := rc.URI().Path()
		grade := strings.ToUpper(strings.TrimSpace(s.grade.Text))
		a.runLong(lang.L("leads.import_vcf"), func(ctx context.Context, _ model.Progress) error {
			defer rc.Close()
			sum, tasks, err := leads.ImportVCF(ctx, a.store, ev.ID, rc, leads.ImportOptions{Grade: grade, Consent: s.consent.Checked,
				OwnerID: a.setting(model.SettingMe, ""), File: rc.URI().Name()}, s.cfg)
			if err != nil {
				return err
			}
			a.do(func() {
				if !sum.Committed {
					var lines []string
					for _, e := range sum.Errors {
						lines = append(lines, e.String())
					}
					dialog.ShowInformation(lang.L("leads.import_vcf"), lang.L("leads.import_failed", map[string]any{"File": path})+"\n\n"+strings.Join(lines, "\n"), a.win)
					return
				}
				s.setMsg(lang.L("leads.imported", map[string]any{"Created": sum.Created, "Updated": sum.Updated, "Tasks": tasks}), false)
				a.changed()
				s.updateCounter()
			})
			return nil
		}, nil)
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".vcf", ".vcard"}))
	d.Show()
}

func firstNonEmptyUI(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// captureRow lays a label above its input, compactly.
type captureRow struct{}

func (captureRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	l, in := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(fyne.Max(l.Width, in.Width), l.Height+in.Height-2*theme.Padding())
}

func (captureRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	lh := objs[0].MinSize().Height
	objs[0].Move(fyne.NewPos(0, 0))
	objs[0].Resize(fyne.NewSize(size.Width, lh))
	objs[1].Move(fyne.NewPos(0, lh-2*theme.Padding()))
	objs[1].Resize(fyne.NewSize(size.Width, objs[1].MinSize().Height)) // never stretched by a taller neighbour
}

// centerColumn centres its content in a column at most max wide.
type centerColumn struct{ max float32 }

func (c *centerColumn) MinSize(objs []fyne.CanvasObject) fyne.Size { return objs[0].MinSize() }

func (c *centerColumn) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := fyne.Min(size.Width, fyne.Max(c.max, objs[0].MinSize().Width))
	objs[0].Move(fyne.NewPos((size.Width-w)/2, 0))
	objs[0].Resize(fyne.NewSize(w, size.Height))
}
