package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/export"
	"relais/model"
	"relais/ui/widgets"
)

// proposalsScreen lists proposals (latest revisions, newest first) beside
// the editor of the open one. Lines are saved as soon as they are added or
// changed (one action, one transaction); the header fields (title, validity,
// discount, letter, terms) are saved with Save (Ctrl+S). Totals always come
// from model.ProposalTotals, like the PDF's.
type proposalsScreen struct {
	a     *App
	box   fyne.CanvasObject
	pages widgets.Pages[model.ProposalSummary]
	list  *widget.List
	count *widget.Label
	ed    *proposalEditor
}

func newProposalsScreen(a *App) screen {
	s := &proposalsScreen{a: a}
	s.pages = widgets.Pages[model.ProposalSummary]{
		Size: 50,
		Load: func(offset, limit int) ([]model.ProposalSummary, error) {
			return a.store.ProposalSummaries(a.ctx, false, model.Query{Limit: limit, Offset: offset})
		},
		Go:       func(work func() func()) { a.load(func(context.Context) func() { return work() }) },
		OnLoaded: func() { s.list.Refresh() },
		OnError:  a.showError,
	}
	s.list = widget.NewList(s.pages.Len,
		func() fyne.CanvasObject {
			top := widget.NewLabelWithStyle("Q-2026-XXXXX-0000-R2", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			top.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("Customer · total · status")
			sub.Truncation = fyne.TextTruncateEllipsis
			sub.Importance = widget.LowImportance
			return container.NewVBox(top, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			objs := o.(*fyne.Container).Objects
			top, sub := objs[0].(*widget.Label), objs[1].(*widget.Label)
			r, ok := s.pages.Get(i)
			if !ok {
				top.SetText("…")
				sub.SetText("")
				return
			}
			text := r.Proposal.DisplayNumber()
			if len(r.Changes) > 0 {
				text = "⚠ " + text
			}
			top.SetText(text)
			sub.SetText(strings.Join([]string{r.AccountName, a.fmt.Money(r.Totals.TotalMinor, r.Proposal.Currency), statusText(r.Proposal.Status)}, " · "))
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if r, ok := s.pages.Get(i); ok {
			s.ed.open(r.Proposal.ID)
		}
	}
	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance
	newBtn := widget.NewButtonWithIcon(lang.L("proposal.ui.new"), theme.ContentAddIcon(), s.newRecord)
	s.ed = newProposalEditor(a, s.reload)
	left := container.NewBorder(container.NewBorder(nil, nil, nil, newBtn, s.count), nil, nil, nil, s.list)
	split := container.NewHSplit(left, s.ed.content())
	split.Offset = 0.24
	s.box = split
	return s
}

func (s *proposalsScreen) id() string                 { return "proposals" }
func (s *proposalsScreen) title() string              { return lang.L("nav.proposals") }
func (s *proposalsScreen) icon() fyne.Resource        { return theme.DocumentIcon() }
func (s *proposalsScreen) content() fyne.CanvasObject { return s.box }
func (s *proposalsScreen) kinds() []model.Kind        { return []model.Kind{model.KindProposal} }
func (s *proposalsScreen) openRecord(_ model.Kind, id string) {
	s.ed.open(id)
}
func (s *proposalsScreen) save()   { s.ed.onSave() }
func (s *proposalsScreen) cancel() { s.ed.reopen() }

// refresh brings statuses and catalogue prices up to date (expiry is
// automatic), then reloads the list and the open proposal.
func (s *proposalsScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		today := model.DateOf(a.store.Now())
		_, err := a.store.ApplyDuePrices(ctx, today)
		if err == nil {
			_, err = a.store.ExpireProposals(ctx, today)
		}
		return func() {
			if err != nil {
				a.showError(err)
			}
			s.reload()
			s.ed.reopen()
		}
	})
}

func (s *proposalsScreen) reload() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		n, err := model.Count(ctx, a.store.DB(), model.KindProposal, model.ProposalListQuery(false, model.Query{}))
		var rows []model.ProposalSummary
		if err == nil {
			rows, err = a.store.ProposalSummaries(ctx, false, model.Query{Limit: 50})
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.pages.Reset(n)
			s.pages.Put(0, rows)
			s.list.Refresh()
			s.count.SetText(a.count("proposal.ui.count", n))
		}
	})
}

// newRecord asks what the proposal is for (an account, a contact or a
// deal), creates it and opens it (Ctrl+N). An account name that matches
// none is created with the proposal: a coordinator at a booth meets clients
// the database does not know yet.
func (s *proposalsScreen) newRecord() {
	a := s.a
	kinds := []option{{string(model.KindAccount), lang.L("proposal.ui.for_account")}, {string(model.KindContact), lang.L("proposal.ui.for_contact")}, {string(model.KindDeal), lang.L("proposal.ui.for_deal")}}
	holder := container.NewStack()
	hint := widget.NewLabel("")
	hint.Wrapping = fyne.TextWrapWord
	hint.Importance = widget.LowImportance
	var picker *recordPicker
	var kind *choice
	updateHint := func() {
		text := strings.TrimSpace(picker.entry.Text)
		switch {
		case picker.ID() != "" || text == "":
			hint.SetText("")
		case model.Kind(kind.Value()) == model.KindAccount:
			hint.SetText(lang.L("proposal.ui.will_create_account", map[string]any{"Name": text}))
		default:
			hint.SetText(lang.L("proposal.ui.pick_from_list"))
		}
	}
	setKind := func(k string) {
		picker = newRecordPicker(a, model.Kind(k), "", updateHint)
		picker.entry.OnChanged = func(text string) {
			picker.onChanged(text)
			updateHint()
		}
		holder.Objects = []fyne.CanvasObject{picker.content}
		holder.Refresh()
		if kind != nil {
			updateHint()
		}
	}
	kind = newChoice(kinds, string(model.KindAccount), setKind)
	setKind(string(model.KindAccount))
	body := container.NewVBox(kind, holder, hint)
	d := dialog.NewCustomConfirm(lang.L("proposal.ui.new"), lang.L("proposal.ui.create"), lang.L("action.cancel"), container.NewGridWrap(fyne.NewSize(420, 260), body), func(ok bool) {
		if !ok {
			return
		}
		s.createFor(model.Kind(kind.Value()), picker.ID(), strings.TrimSpace(picker.entry.Text))
	}, a.win)
	d.Show()
	a.win.Canvas().Focus(picker.entry)
}

// createFor creates the proposal the New proposal dialog asked for: for the
// record picked, or, for an account name that matches none, for a new
// account of that name. Whatever it cannot do, it says.
func (s *proposalsScreen) createFor(k model.Kind, id, text string) {
	a := s.a
	if id == "" && k == model.KindAccount && text != "" {
		// Typed in full but not picked: the account of that very name, if
		// there is one, rather than a twin.
		// (SQLite's NOCASE folds ASCII only: "étoile" is not "Étoile".)
		hits, err := a.store.Search(a.ctx, text, 50)
		if err != nil {
			a.showError(err)
			return
		}
		// Only when one account has it: two companies of one name (in two
		// cities) are for the user to choose between, from the list.
		var same []string
		for _, h := range hits {
			var acc model.Account
			if h.Kind == model.KindAccount && a.store.Get(a.ctx, h.ID, &acc) == nil && strings.EqualFold(strings.TrimSpace(acc.Name), text) {
				same = append(same, acc.ID)
			}
		}
		switch len(same) {
		case 0:
		case 1:
			id = same[0]
		default:
			dialog.ShowInformation(lang.L("proposal.ui.new"), lang.L("proposal.ui.several_accounts", map[string]any{"Name": text, "Count": len(same)}), a.win)
			return
		}
	}
	if id == "" && k == model.KindAccount && text != "" {
		acc := &model.Account{Name: text}
		if err := a.store.Create(a.ctx, acc); err != nil {
			a.showError(err)
			return
		}
		a.notify(lang.L("proposal.ui.account_created", map[string]any{"Name": text}))
		id = acc.ID
	}
	if id == "" {
		key := "proposal.ui.nothing_picked"
		if text != "" {
			key = "proposal.ui.pick_from_list"
		}
		dialog.ShowInformation(lang.L("proposal.ui.new"), lang.L(key), a.win)
		return
	}
	var src model.ProposalSource
	switch k {
	case model.KindContact:
		src.ContactID = id
	case model.KindDeal:
		src.DealID = id
	default:
		src.AccountID = id
	}
	s.create(src)
}

// create makes a proposal from src and opens it.
func (s *proposalsScreen) create(src model.ProposalSource) {
	p, err := s.a.store.NewProposal(s.a.ctx, src)
	if err != nil {
		s.a.showError(err)
		return
	}
	s.a.changed()
	s.reload()
	s.ed.open(p.ID)
}

// NewProposal creates a proposal for an account, a contact or a deal and
// shows it in the editor: the "New proposal" action of other screens.
func (a *App) NewProposal(src model.ProposalSource) {
	a.show("proposals")
	if s, ok := a.screenByID("proposals").(*proposalsScreen); ok {
		s.create(src)
	}
}

func statusText(status string) string { return lang.L("proposal.status." + status) }

// proposalEditor edits one proposal; earlier revisions and anything sent are
// shown read-only.
type proposalEditor struct {
	a      *App
	listed func() // reload the list after a change

	p         *model.Proposal
	lines     []*model.ProposalLine
	totals    model.Totals
	locked    string
	changes   []model.PriceChange
	revisions []*model.Proposal
	customer  string
	templates []*model.TermsTemplate
	rows      []lineRow
	selected  int // index into lines, -1 for none

	box                                    *fyne.Container
	empty                                  *widget.Label
	heading, banner, priceNote, validity   *widget.Label
	noSender                               *fyne.Container // "the PDF has no sender" and a way to fix it
	updatePrices                           *widget.Button
	revision, status                       *widget.Select
	title, validUntil, discount            *widgets.Entry
	language                               *choice
	letter, terms                          *widgets.Entry
	template                               *widget.Select
	lineList                               *widget.List
	section, quantity                      *widgets.Entry
	product                                *recordPicker
	addProduct, addFree, addSection        *widget.Button
	editLine, removeLine, moveUp, moveDown *widget.Button
	optional                               *widget.Check
	totalLabels, totalAmounts              *widget.RichText
	totalRows                              [][2]string // label and amount of each totals row, as shown
	lineDlg                                *lineDialog // the open line dialog, for tests
	newRevision, save                      *widget.Button
	preview, print, saveAs, email          *widget.Button
	settingUp                              bool
}

// lineRow is one row of the lines list: a section heading, a line, a
// section subtotal or the heading of the optional lines.
type lineRow struct {
	kind   int
	line   int // index into lines for rowLine
	text   string
	amount int64
}

const (
	rowSection = iota
	rowLine
	rowSubtotal
	rowOptions
)

func newProposalEditor(a *App, listed func()) *proposalEditor {
	e := &proposalEditor{a: a, listed: listed, selected: -1}
	e.empty = widget.NewLabel(lang.L("proposal.ui.empty"))
	e.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	e.heading.Truncation = fyne.TextTruncateEllipsis
	e.banner = widget.NewLabel("")
	e.banner.Importance = widget.WarningImportance
	e.banner.Wrapping = fyne.TextWrapWord
	e.validity = widget.NewLabel("")
	e.validity.Importance = widget.WarningImportance
	e.priceNote = widget.NewLabel("")
	e.priceNote.Importance = widget.WarningImportance
	e.priceNote.Wrapping = fyne.TextWrapWord
	e.updatePrices = widget.NewButtonWithIcon(lang.L("proposal.ui.update_prices"), theme.ViewRefreshIcon(), e.onUpdatePrices)
	e.revision = widget.NewSelect(nil, e.onRevision)
	e.status = widget.NewSelect(nil, e.onStatus)

	e.title = widgets.NewEntry()
	e.validUntil = widgets.NewEntry()
	e.validUntil.SetPlaceHolder(a.fmt.DatePlaceholder())
	e.discount = widgets.NewEntry()
	e.discount.SetPlaceHolder("0 %")
	e.discount.OnChanged = func(string) { e.previewTotals() }
	e.language = newChoice([]option{{"fr", "Français"}, {"en", "English"}}, "fr", nil)
	e.letter = widgets.NewMultiLineEntry()
	e.letter.SetMinRowsVisible(4)
	e.terms = widgets.NewMultiLineEntry()
	e.terms.SetMinRowsVisible(3)
	e.template = widget.NewSelect(nil, e.onTemplate)
	e.template.PlaceHolder = lang.L("proposal.ui.terms_template")
	for _, en := range []*widgets.Entry{e.title, e.validUntil, e.discount} {
		en.OnSubmitted = func(string) { e.onSave() }
	}

	e.lineList = widget.NewList(func() int { return len(e.rows) }, e.newLineRow, e.updateLineRow)
	e.lineList.OnSelected = func(i widget.ListItemID) {
		e.selected = -1
		if i < len(e.rows) && e.rows[i].kind == rowLine {
			e.selected = e.rows[i].line
		}
		e.enable()
	}
	e.section = widgets.NewEntry()
	e.section.SetPlaceHolder(lang.L("proposal.ui.section"))
	e.quantity = widgets.NewEntry()
	e.quantity.SetText("1")
	e.product = newRecordPicker(a, model.KindProduct, "", nil)
	e.product.entry.OnChanged = e.product.onChanged
	e.optional = widget.NewCheck(lang.L("proposal.ui.optional"), nil)
	e.addProduct = widget.NewButtonWithIcon(lang.L("proposal.ui.add_product"), theme.ContentAddIcon(), e.onAddProduct)
	e.addFree = widget.NewButtonWithIcon(lang.L("proposal.ui.add_free"), theme.ContentAddIcon(), func() { e.editLineDialog(nil) })
	e.addSection = widget.NewButtonWithIcon(lang.L("proposal.ui.add_section"), theme.ListIcon(), e.onAddSection)
	e.editLine = widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), func() {
		if e.selected >= 0 {
			e.editLineDialog(e.lines[e.selected])
		}
	})
	e.removeLine = widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), e.onRemoveLine)
	e.moveUp = widget.NewButtonWithIcon("", theme.MoveUpIcon(), func() { e.onMove(-1) })
	e.moveDown = widget.NewButtonWithIcon("", theme.MoveDownIcon(), func() { e.onMove(1) })

	e.newRevision = widget.NewButtonWithIcon(lang.L("proposal.ui.new_revision"), theme.ContentCopyIcon(), e.onNewRevision)
	e.save = widget.NewButtonWithIcon(lang.L("action.save"), theme.DocumentSaveIcon(), e.onSave)
	e.save.Importance = widget.HighImportance
	e.preview = widget.NewButtonWithIcon(lang.L("proposal.ui.preview"), theme.VisibilityIcon(), e.onPreview)
	e.print = widget.NewButtonWithIcon(lang.L("proposal.ui.print"), theme.DocumentPrintIcon(), e.onPrint)
	e.saveAs = widget.NewButtonWithIcon(lang.L("proposal.ui.save_as"), theme.DownloadIcon(), e.onSaveAs)
	e.email = widget.NewButtonWithIcon(lang.L("proposal.ui.email"), theme.MailSendIcon(), e.onEmail)

	label := func(key string) *widget.Label { return widget.NewLabel(lang.L(key)) }
	fixed := func(w float32, o fyne.CanvasObject) fyne.CanvasObject {
		return container.NewGridWrap(fyne.NewSize(w, o.MinSize().Height), o)
	}
	header := container.NewBorder(nil, nil, nil, container.NewHBox(label("proposal.ui.revision"), e.revision, label("proposal.ui.status"), e.status), e.heading)
	actions := container.NewHBox(e.save, e.newRevision, layoutSpacer(), e.preview, e.print, e.saveAs, e.email)
	fields := container.NewBorder(nil, nil, label("proposal.ui.title"), container.NewHBox(label("proposal.ui.valid_until"), fixed(130, e.validUntil),
		label("proposal.ui.discount"), fixed(70, e.discount), label("proposal.ui.language"), fixed(120, e.language)), e.title)
	adder := container.NewBorder(nil, nil, nil, container.NewVBox(container.NewHBox(label("proposal.ui.quantity"), fixed(70, e.quantity), e.optional, e.addProduct)), e.product.content)
	lineTools := container.NewHBox(fixed(200, e.section), e.addSection, e.addFree, layoutSpacer(), e.editLine, e.removeLine, e.moveUp, e.moveDown)
	e.totalLabels, e.totalAmounts = widget.NewRichText(), widget.NewRichText()
	totals := container.NewGridWithColumns(3, layoutSpacer(), e.totalLabels, e.totalAmounts)
	lines := container.NewBorder(container.NewVBox(lineTools, adder), totals, nil, nil, e.lineList)
	texts := container.NewGridWithColumns(2,
		container.NewBorder(label("proposal.ui.letter"), nil, nil, nil, e.letter),
		container.NewBorder(container.NewBorder(nil, nil, label("proposal.ui.terms"), e.template), nil, nil, nil, e.terms))
	tabs := container.NewAppTabs(container.NewTabItem(lang.L("proposal.ui.lines"), lines), container.NewTabItem(lang.L("proposal.ui.texts"), texts))
	// A first proposal printed before the company profile is filled has no
	// sender: said here, before it is sent, with the way to fix it.
	noSender := widget.NewLabel(lang.L("proposal.ui.no_sender"))
	noSender.Importance = widget.WarningImportance
	noSender.Wrapping = fyne.TextWrapWord
	e.noSender = container.NewBorder(nil, nil, nil, widget.NewButtonWithIcon(lang.L("proposal.ui.fill_profile"), theme.SettingsIcon(), func() { a.show("settings") }), noSender)
	e.noSender.Hide()
	top := container.NewVBox(header, e.banner, e.noSender, container.NewBorder(nil, nil, nil, e.updatePrices, e.priceNote), actions, fields, e.validity)
	e.box = container.NewStack(e.empty, container.NewBorder(top, nil, nil, nil, tabs))
	e.show(false)
	return e
}

func (e *proposalEditor) content() fyne.CanvasObject { return e.box }

func (e *proposalEditor) show(open bool) {
	if open {
		e.empty.Hide()
		e.box.Objects[1].Show()
	} else {
		e.empty.Show()
		e.box.Objects[1].Hide()
	}
}

// proposalView is what the editor shows, loaded off the UI goroutine.
type proposalView struct {
	p         *model.Proposal
	lines     []*model.ProposalLine
	totals    model.Totals
	locked    string
	changes   []model.PriceChange
	revisions []*model.Proposal
	customer  string
	templates []*model.TermsTemplate
}

func loadProposalView(ctx context.Context, st *model.Store, id string) (*proposalView, error) {
	p, lines, err := st.Proposal(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &proposalView{p: p, lines: lines}
	if v.totals, err = model.ProposalTotals(p, lines); err != nil {
		return nil, err
	}
	if v.locked, err = st.ProposalLocked(ctx, p); err != nil {
		return nil, err
	}
	if v.changes, err = st.PriceChanges(ctx, p, lines); err != nil {
		return nil, err
	}
	if v.revisions, err = st.Revisions(ctx, id); err != nil {
		return nil, err
	}
	if v.customer, err = model.Label(ctx, st.DB(), p.AccountID); err != nil {
		return nil, err
	}
	v.templates, err = model.List[model.TermsTemplate](ctx, st.DB(), model.Query{Where: "language = ?", Args: []any{p.Language}, OrderBy: "name"})
	return v, err
}

// open loads the proposal id into the editor, replacing what is typed.
func (e *proposalEditor) open(id string) {
	e.a.load(func(ctx context.Context) func() {
		v, err := loadProposalView(ctx, e.a.store, id)
		return func() {
			if err != nil {
				e.a.showError(err)
				return
			}
			e.apply(v, true)
		}
	})
}

// reopen reloads the open proposal, if any.
func (e *proposalEditor) reopen() {
	if e.p != nil {
		e.open(e.p.ID)
	}
}

// reloadLines reloads after a line change, keeping the header as typed.
func (e *proposalEditor) reloadLines() {
	id := e.p.ID
	e.a.load(func(ctx context.Context) func() {
		v, err := loadProposalView(ctx, e.a.store, id)
		return func() {
			if err != nil {
				e.a.showError(err)
				return
			}
			if e.p == nil || e.p.ID != id {
				return
			}
			e.apply(v, false)
		}
	})
}

func (e *proposalEditor) apply(v *proposalView, header bool) {
	e.settingUp = true
	defer func() { e.settingUp = false }()
	e.p, e.lines, e.totals, e.locked, e.changes, e.revisions, e.customer, e.templates = v.p, v.lines, v.totals, v.locked, v.changes, v.revisions, v.customer, v.templates
	f := e.a.fmt
	e.heading.SetText(e.p.DisplayNumber() + " — " + e.customer)
	var revs []string
	for _, r := range e.revisions {
		revs = append(revs, revisionLabel(r))
	}
	e.revision.SetOptions(revs)
	e.revision.SetSelected(revisionLabel(e.p))
	statuses := []string{statusText(e.p.Status)}
	for _, to := range []string{model.ProposalDraft, model.ProposalSent, model.ProposalAccepted, model.ProposalDeclined, model.ProposalExpired} {
		if to != e.p.Status {
			statuses = append(statuses, statusText(to))
		}
	}
	e.status.SetOptions(statuses)
	e.status.SetSelected(statusText(e.p.Status))
	if header {
		e.title.SetText(e.p.Title)
		e.validUntil.SetText(f.Date(e.p.ValidUntil))
		e.discount.SetText(blankZero(e.p.DiscountBP, f.fr()))
		e.language.SetValue(e.p.Language)
		e.letter.SetText(e.p.CoverLetter)
		e.terms.SetText(e.p.Terms)
	}
	var names []string
	for _, t := range e.templates {
		names = append(names, t.Name)
	}
	e.template.SetOptions(names)
	e.template.ClearSelected()

	e.noSender.Hide()
	if strings.TrimSpace(e.a.setting(model.SettingCompanyName, "")) == "" {
		e.noSender.Show()
	}
	e.banner.SetText("")
	e.banner.Hide()
	if e.locked != "" {
		e.banner.SetText(lang.L("proposal.ui.read_only", map[string]any{"Reason": e.lockedText()}))
		e.banner.Show()
	}
	e.validity.Hide()
	if left, ok := e.a.store.ValidityLeft(e.p); ok && left < 0 && e.p.Open() {
		e.validity.SetText(lang.L("proposal.ui.validity_passed", map[string]any{"Date": f.Date(e.p.ValidUntil)}))
		e.validity.Show()
	}
	e.priceNote.Hide()
	e.updatePrices.Hide()
	if len(e.changes) > 0 {
		e.priceNote.SetText(e.changesText())
		e.priceNote.Show()
		if e.locked == "" {
			e.updatePrices.Show()
		}
	}
	e.buildRows()
	e.selected = -1
	e.lineList.UnselectAll()
	e.lineList.Refresh()
	e.showTotals(e.totals)
	e.enable()
	e.show(true)
}

func revisionLabel(p *model.Proposal) string {
	return lang.L("proposal.ui.revision_n", map[string]any{"N": p.Revision, "Status": statusText(p.Status)})
}

// lockedText explains in the user's language why the proposal is read-only.
func (e *proposalEditor) lockedText() string {
	for _, r := range e.revisions {
		if r.Revision > e.p.Revision {
			return lang.L("proposal.ui.locked_revision", map[string]any{"N": e.revisions[len(e.revisions)-1].Revision})
		}
	}
	return lang.L("proposal.ui.locked_status", map[string]any{"Status": strings.ToLower(statusText(e.p.Status))})
}

func (e *proposalEditor) changesText() string {
	var parts []string
	for _, c := range e.changes {
		switch {
		case c.PriceChanged():
			parts = append(parts, lang.L("proposal.ui.price_changed", map[string]any{"Product": c.Name, "Was": e.a.fmt.Money(c.LineMinor, e.p.Currency), "Now": e.a.fmt.Money(c.NowMinor, e.p.Currency)}))
		case c.Unavailable():
			parts = append(parts, lang.L("proposal.ui.unavailable", map[string]any{"Product": c.Name, "Availability": lang.L("product.availability." + c.Availability)}))
		}
	}
	return lang.L("proposal.ui.catalogue_changed", map[string]any{"Date": e.a.fmt.Date(e.p.PricesAsOf)}) + " " + strings.Join(parts, "; ")
}

// enable turns the editing controls on or off for a read-only proposal.
func (e *proposalEditor) enable() {
	editable := e.p != nil && e.locked == ""
	for _, w := range []fyne.Disableable{e.title, e.validUntil, e.discount, e.language, e.letter, e.terms, e.template, e.section, e.quantity, e.product.entry,
		e.optional, e.addProduct, e.addFree, e.addSection, e.save} {
		if editable {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	for _, w := range []fyne.Disableable{e.editLine, e.removeLine, e.moveUp, e.moveDown} {
		if editable && e.selected >= 0 {
			w.Enable()
		} else {
			w.Disable()
		}
	}
}

// buildRows lays the lines out as the PDF does: sections with their
// subtotals, then the optional lines apart.
func (e *proposalEditor) buildRows() {
	e.rows = e.rows[:0]
	t := e.totals
	grouped := len(t.Sections) > 1 || (len(t.Sections) == 1 && t.Sections[0].Name != "")
	for _, s := range t.Sections {
		name := s.Name
		if name == "" {
			name = lang.L("proposal.ui.no_section")
		}
		if grouped {
			e.rows = append(e.rows, lineRow{kind: rowSection, text: name})
		}
		for _, i := range s.Lines {
			e.rows = append(e.rows, lineRow{kind: rowLine, line: i})
		}
		if grouped {
			e.rows = append(e.rows, lineRow{kind: rowSubtotal, text: lang.L("proposal.ui.subtotal", map[string]any{"Section": name}), amount: s.NetMinor})
		}
	}
	if len(t.Optional) > 0 {
		e.rows = append(e.rows, lineRow{kind: rowOptions, text: lang.L("proposal.ui.options")})
		for _, i := range t.Optional {
			e.rows = append(e.rows, lineRow{kind: rowLine, line: i})
		}
	}
}

// lineColumns are the relative widths of description, quantity, unit
// price, discount, VAT and amount.
var lineColumns = []float32{46, 12, 13, 8, 8, 13}

func (e *proposalEditor) newLineRow() fyne.CanvasObject {
	cells := make([]fyne.CanvasObject, len(lineColumns))
	for i := range cells {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		if i > 0 {
			l.Alignment = fyne.TextAlignTrailing
		}
		cells[i] = l
	}
	return container.New(&weightedColumns{weights: lineColumns}, cells...)
}

func (e *proposalEditor) updateLineRow(i widget.ListItemID, o fyne.CanvasObject) {
	cells := o.(*fyne.Container).Objects
	set := func(j int, text string, bold bool) {
		l := cells[j].(*widget.Label)
		l.TextStyle = fyne.TextStyle{Bold: bold}
		l.SetText(text)
	}
	if i >= len(e.rows) {
		return
	}
	r := e.rows[i]
	f := e.a.fmt
	if r.kind != rowLine {
		set(0, r.text, true)
		for j := 1; j < 5; j++ {
			set(j, "", false)
		}
		amount := ""
		if r.kind == rowSubtotal {
			amount = f.Money(r.amount, e.p.Currency)
		}
		set(5, amount, true)
		return
	}
	l := e.lines[r.line]
	desc := l.Description
	if l.SKU != "" {
		desc = l.SKU + " · " + desc
	}
	if l.Note != "" {
		desc += " — " + l.Note
	}
	qty := formatScaled(l.QuantityMilli, 3, f.fr())
	if l.Unit != "" {
		qty += "\u00a0" + l.Unit
	}
	disc := ""
	if l.DiscountBP > 0 {
		disc = e.rate(l.DiscountBP)
	}
	set(0, desc, false)
	set(1, qty, false)
	set(2, f.Money(l.UnitPriceMinor, e.p.Currency), false)
	set(3, disc, false)
	set(4, e.rate(l.TaxRateBP), false)
	set(5, f.Money(e.totals.LineNet[r.line], e.p.Currency), false)
}

// rate shows basis points as a percentage in the user's style: "5,5 %", "5.5%".
func (e *proposalEditor) rate(bp int64) string {
	if e.a.fmt.fr() {
		return formatScaled(bp, 2, true) + "\u00a0%"
	}
	return formatScaled(bp, 2, false) + "%"
}

// showTotals fills the totals panel: the same figures as the PDF.
func (e *proposalEditor) showTotals(t model.Totals) {
	f, cur := e.a.fmt, e.p.Currency
	e.totalRows = e.totalRows[:0]
	var labels, amounts []widget.RichTextSegment
	row := func(label string, v int64, bold bool) {
		st := widget.RichTextStyle{Alignment: fyne.TextAlignTrailing, TextStyle: fyne.TextStyle{Bold: bold}}
		labels = append(labels, &widget.TextSegment{Text: label, Style: st})
		amounts = append(amounts, &widget.TextSegment{Text: f.Money(v, cur), Style: st})
		e.totalRows = append(e.totalRows, [2]string{label, f.Money(v, cur)})
	}
	if t.DiscountMinor != 0 {
		row(lang.L("proposal.ui.total_before_discount"), t.SubtotalMinor, false)
		row(lang.L("proposal.ui.total_discount"), -t.DiscountMinor, false)
	}
	row(lang.L("proposal.ui.total_net"), t.NetMinor, true)
	for _, x := range t.Taxes {
		row(lang.L("proposal.ui.total_tax", map[string]any{"Rate": e.rate(x.RateBP), "Base": f.Money(x.BaseMinor, cur)}), x.TaxMinor, false)
	}
	row(lang.L("proposal.ui.total"), t.TotalMinor, true)
	if len(t.Optional) > 0 {
		row(lang.L("proposal.ui.total_options"), t.OptionalMinor, false)
	}
	e.totalLabels.Segments, e.totalAmounts.Segments = labels, amounts
	e.totalLabels.Refresh()
	e.totalAmounts.Refresh()
}

// previewTotals recomputes the totals with the discount as typed, before it is saved.
func (e *proposalEditor) previewTotals() {
	if e.p == nil || e.settingUp {
		return
	}
	bp, err := parseScaled(e.discount.Text, 2)
	if err != nil || bp < 0 || bp > 10000 {
		return
	}
	p := *e.p
	p.DiscountBP = bp
	if t, err := model.ProposalTotals(&p, e.lines); err == nil {
		e.showTotals(t)
	}
}

// edit runs fn on the open proposal in one transaction, then reloads.
func (e *proposalEditor) edit(fn func(ed *model.ProposalEdit) error, header bool) bool {
	if e.p == nil {
		return false
	}
	if err := e.a.store.EditProposal(e.a.ctx, e.p.ID, fn); err != nil {
		e.a.showError(err)
		return false
	}
	e.a.changed()
	e.listed()
	if header {
		e.open(e.p.ID)
	} else {
		e.reloadLines()
	}
	return true
}

// onSave saves the header fields (Ctrl+S).
func (e *proposalEditor) onSave() {
	if e.p == nil || e.locked != "" {
		return
	}
	f := e.a.fmt
	valid, err := f.ParseDate(e.validUntil.Text)
	if err != nil {
		e.a.showError(&model.ValidationError{Field: "valid_until", Code: model.CodeInvalid, Msg: err.Error()})
		return
	}
	disc, err := parseScaled(e.discount.Text, 2)
	if err != nil {
		e.a.showError(&model.ValidationError{Field: "discount_bp", Code: model.CodeInvalid, Msg: err.Error()})
		return
	}
	e.edit(func(ed *model.ProposalEdit) error {
		ed.P.Title = strings.TrimSpace(e.title.Text)
		ed.P.ValidUntil = valid
		ed.P.DiscountBP = disc
		ed.P.Language = e.language.Value()
		ed.P.CoverLetter = e.letter.Text
		ed.P.Terms = e.terms.Text
		return nil
	}, true)
}

func (e *proposalEditor) onTemplate(name string) {
	if e.settingUp || name == "" {
		return
	}
	for _, t := range e.templates {
		if t.Name == name {
			e.terms.SetText(t.Body)
		}
	}
}

func (e *proposalEditor) onAddProduct() {
	id := e.product.ID()
	if id == "" {
		e.a.showError(&model.ValidationError{Field: "product_id", Code: model.CodeRequired, Msg: "choose a product"})
		return
	}
	qty, err := parseScaled(e.quantity.Text, 3)
	if err != nil || qty <= 0 {
		e.a.showError(&model.ValidationError{Field: "quantity_milli", Code: model.CodeRange, Msg: "the quantity must be greater than zero"})
		return
	}
	section, optional := strings.TrimSpace(e.section.Text), e.optional.Checked
	if e.edit(func(ed *model.ProposalEdit) error {
		l, err := ed.AddProduct(id, section, qty)
		if err != nil || !optional {
			return err
		}
		l.Optional = true
		return ed.SaveLine(l)
	}, false) {
		e.product.Set("")
		e.quantity.SetText("1")
		e.optional.SetChecked(false)
	}
}

// onAddSection asks for a section name; the next lines go into it.
func (e *proposalEditor) onAddSection() {
	name := widgets.NewEntry()
	d := dialog.NewCustomConfirm(lang.L("proposal.ui.add_section"), lang.L("action.save"), lang.L("action.cancel"), name, func(ok bool) {
		if ok {
			e.section.SetText(strings.TrimSpace(name.Text))
		}
	}, e.a.win)
	d.Resize(fyne.NewSize(360, 160))
	d.Show()
	e.a.win.Canvas().Focus(name)
}

func (e *proposalEditor) onRemoveLine() {
	if e.selected < 0 {
		return
	}
	id := e.lines[e.selected].ID
	e.edit(func(ed *model.ProposalEdit) error { return ed.RemoveLine(id) }, false)
}

func (e *proposalEditor) onMove(delta int) {
	if e.selected < 0 {
		return
	}
	id := e.lines[e.selected].ID
	e.edit(func(ed *model.ProposalEdit) error { return ed.MoveLine(id, delta) }, false)
}

func (e *proposalEditor) onUpdatePrices() {
	e.edit(func(ed *model.ProposalEdit) error { _, err := ed.UpdatePrices(); return err }, true)
}

func (e *proposalEditor) onNewRevision() {
	if e.p == nil {
		return
	}
	latest := e.revisions[len(e.revisions)-1]
	np, err := e.a.store.NewRevision(e.a.ctx, latest.ID)
	if err != nil {
		e.a.showError(err)
		return
	}
	e.a.changed()
	e.listed()
	e.open(np.ID)
}

func (e *proposalEditor) onRevision(label string) {
	if e.settingUp {
		return
	}
	for _, r := range e.revisions {
		if revisionLabel(r) == label && r.ID != e.p.ID {
			e.open(r.ID)
		}
	}
}

func (e *proposalEditor) onStatus(label string) {
	if e.settingUp || e.p == nil {
		return
	}
	for _, st := range []string{model.ProposalDraft, model.ProposalSent, model.ProposalAccepted, model.ProposalDeclined, model.ProposalExpired} {
		if statusText(st) == label && st != e.p.Status {
			if err := e.a.store.SetProposalStatus(e.a.ctx, e.p.ID, st); err != nil {
				e.a.showError(err)
			} else {
				e.a.changed()
				e.listed()
			}
			e.open(e.p.ID)
			return
		}
	}
}

// lineDialog is the open dialog that edits one line.
type lineDialog struct {
	in     lineInputs
	frm    *form
	submit func()
}

// lineInputs is the line dialog's inputs.
type lineInputs struct {
	section, description, note, quantity, unit, price, discount, tax *widgets.Entry
	optional                                                         *widget.Check
}

// editLineDialog edits a line, or adds a free one when l is nil.
func (e *proposalEditor) editLineDialog(l *model.ProposalLine) {
	if e.p == nil || e.locked != "" {
		return
	}
	f := e.a.fmt
	adding := l == nil
	if adding {
		l = &model.ProposalLine{ProposalID: e.p.ID, Section: strings.TrimSpace(e.section.Text), QuantityMilli: 1000, TaxRateBP: 2000}
	}
	frm := newForm(e.a, model.KindProposalLine)
	in := lineInputs{
		section:     frm.entry("section", "proposal.line.section", l.Section),
		description: frm.multiline("description", "proposal.line.description", l.Description),
		note:        frm.entry("note", "proposal.line.note", l.Note),
		quantity:    frm.entry("quantity_milli", "proposal.line.quantity", formatScaled(l.QuantityMilli, 3, f.fr())),
		unit:        frm.entry("unit", "proposal.line.unit", l.Unit),
		price:       frm.money("unit_price_minor", "proposal.line.unit_price", l.UnitPriceMinor, e.p.Currency),
		discount:    frm.entry("discount_bp", "proposal.line.discount", blankZero(l.DiscountBP, f.fr())),
		tax:         frm.entry("tax_rate_bp", "proposal.line.tax", formatScaled(l.TaxRateBP, 2, f.fr())),
	}
	in.optional = frm.checkbox("optional", "proposal.line.optional", l.Optional, lang.L("proposal.ui.optional"))
	base := *l
	frm.read = func() model.Record { return readLine(frm, in, base, e.p.Currency) }
	var d *dialog.CustomDialog
	submit := func() {
		rec, ok := frm.validate()
		if !ok {
			return
		}
		nl := rec.(*model.ProposalLine)
		if e.edit(func(ed *model.ProposalEdit) error {
			if adding {
				return ed.AddLine(nl)
			}
			return ed.SaveLine(nl)
		}, false) {
			d.Hide()
		}
	}
	frm.onSubmit = submit
	e.lineDlg = &lineDialog{in: in, frm: frm, submit: submit}
	d = dialog.NewCustomWithoutButtons(lang.L("proposal.ui.line"), container.NewVScroll(frm.content()), e.a.win)
	frm.onCancel = d.Hide
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("action.cancel"), d.Hide), &widget.Button{Text: lang.L("action.save"), Importance: widget.HighImportance, OnTapped: submit}})
	d.Resize(fyne.NewSize(720, 560))
	d.Show()
	frm.focusFirst()
}

// readLine builds the line from the dialog's inputs, noting parse errors.
func readLine(frm *form, in lineInputs, base model.ProposalLine, cur string) model.Record {
	l := base
	l.Section = strings.TrimSpace(in.section.Text)
	l.Description = strings.TrimSpace(in.description.Text)
	l.Note = strings.TrimSpace(in.note.Text)
	l.Unit = strings.TrimSpace(in.unit.Text)
	l.UnitPriceMinor = frm.moneyValue("unit_price_minor", in.price, cur)
	l.Optional = in.optional.Checked
	scaled := func(field string, e *widgets.Entry, scale int) int64 {
		v, err := parseScaled(e.Text, scale)
		if err != nil {
			frm.parseErrs = append(frm.parseErrs, &model.ValidationError{Field: field, Code: "number_format", Msg: err.Error()})
		}
		return v
	}
	l.QuantityMilli = scaled("quantity_milli", in.quantity, 3)
	l.DiscountBP = scaled("discount_bp", in.discount, 2)
	l.TaxRateBP = scaled("tax_rate_bp", in.tax, 2)
	return &l
}

// render builds the open proposal's PDF off the UI goroutine and hands it to
// done on the UI goroutine.
func (e *proposalEditor) render(done func(d *export.ProposalData, pdf []byte)) {
	if e.p == nil {
		return
	}
	id := e.p.ID
	e.a.load(func(ctx context.Context) func() {
		d, err := export.LoadProposal(ctx, e.a.store, id)
		var b bytes.Buffer
		if err == nil {
			err = export.WriteProposalPDF(&b, d)
		}
		return func() {
			if err != nil {
				e.a.showError(err)
				return
			}
			done(d, b.Bytes())
		}
	})
}

func (e *proposalEditor) onPreview() {
	e.render(func(d *export.ProposalData, pdf []byte) {
		e.a.showPDFPreview(lang.L("proposal.ui.preview")+" — "+d.Proposal.DisplayNumber(), pdf, export.ProposalFileName(&d.Proposal))
	})
}

func (e *proposalEditor) onPrint() {
	e.a.load(func(ctx context.Context) func() {
		names, def, err := export.Printers(ctx)
		return func() {
			if errors.Is(err, export.ErrNoPrinting) {
				dialog.ShowInformation(lang.L("proposal.ui.print"), lang.L("proposal.ui.no_cups"), e.a.win)
				return
			}
			if err != nil {
				e.a.showError(err)
				return
			}
			if len(names) == 0 {
				dialog.ShowInformation(lang.L("proposal.ui.print"), lang.L("proposal.ui.no_printer"), e.a.win)
				return
			}
			printer := widget.NewSelect(names, nil)
			if def != "" {
				printer.SetSelected(def)
			} else {
				printer.SetSelectedIndex(0)
			}
			copies := widgets.NewEntry()
			copies.SetText("1")
			form := container.New(&formRowLayout{}, widget.NewLabel(lang.L("proposal.ui.printer")), printer, widget.NewLabel(""))
			form2 := container.New(&formRowLayout{}, widget.NewLabel(lang.L("proposal.ui.copies")), copies, widget.NewLabel(""))
			dialog.ShowCustomConfirm(lang.L("proposal.ui.print"), lang.L("proposal.ui.print"), lang.L("action.cancel"), container.NewVBox(form, form2), func(ok bool) {
				if !ok {
					return
				}
				n, _ := strconv.Atoi(strings.TrimSpace(copies.Text))
				e.printTo(printer.Selected, max(n, 1))
			}, e.a.win)
		}
	})
}

func (e *proposalEditor) printTo(printer string, copies int) {
	e.render(func(d *export.ProposalData, pdf []byte) {
		path, err := privateTempFile(export.ProposalFileName(&d.Proposal), pdf)
		if err != nil {
			e.a.showError(err)
			return
		}
		e.a.load(func(ctx context.Context) func() {
			_, err := export.Print(ctx, path, printer, copies)
			return func() {
				if err != nil {
					e.a.showError(err)
					return
				}
				e.a.notify(lang.L("proposal.ui.printed", map[string]any{"Number": d.Proposal.DisplayNumber(), "Printer": printer}))
			}
		})
	})
}

func (e *proposalEditor) onSaveAs() {
	e.render(func(d *export.ProposalData, pdf []byte) {
		e.a.savePDFAs(pdf, export.ProposalFileName(&d.Proposal))
	})
}

func (e *proposalEditor) onEmail() {
	e.render(func(d *export.ProposalData, pdf []byte) {
		draft, err := export.ProposalEmail(d, pdf)
		var b bytes.Buffer
		if err == nil {
			err = export.WriteEML(&b, draft)
		}
		var path string
		if err == nil {
			path, err = privateTempFile(strings.TrimSuffix(export.ProposalFileName(&d.Proposal), ".pdf")+".eml", b.Bytes())
		}
		if err == nil {
			err = export.OpenFile(e.a.ctx, path)
		}
		if err != nil {
			e.a.showError(fmt.Errorf("ui: e-mail draft %s: %w", path, err))
		}
	})
}

// parseScaled reads a decimal typed with a comma or a point ("2,5", "5.5 %",
// "1 000") as an integer scaled by 10^scale: 2.5 with scale 3 is 2500.
func parseScaled(s string, scale int) (int64, error) {
	clean := strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "%", "").Replace(strings.TrimSpace(s))
	if clean == "" {
		return 0, nil
	}
	clean = strings.Replace(clean, ",", ".", 1)
	whole, frac, _ := strings.Cut(clean, ".")
	if len(frac) > scale {
		return 0, fmt.Errorf("ui: %q has more than %d decimals", s, scale)
	}
	if whole == "" {
		whole = "0"
	}
	frac += strings.Repeat("0", scale-len(frac))
	w, err1 := strconv.ParseInt(whole, 10, 64)
	fv, err2 := strconv.ParseInt("0"+frac, 10, 64)
	if err1 != nil || err2 != nil || w < 0 || w > 1e12 {
		return 0, fmt.Errorf("ui: %q is not a number", s)
	}
	for i := 0; i < scale; i++ {
		w *= 10
	}
	return w + fv, nil
}

// blankZero shows basis points as a percentage to edit, "" for none.
func blankZero(bp int64, fr bool) string {
	if bp == 0 {
		return ""
	}
	return formatScaled(bp, 2, fr)
}

// formatScaled shows a scaled integer without trailing zeros: 2500 with
// scale 3 is "2,5" in French, "2.5" in English.
func formatScaled(v int64, scale int, fr bool) string {
	s := strconv.FormatInt(v, 10)
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	whole, frac := s[:len(s)-scale], strings.TrimRight(s[len(s)-scale:], "0")
	if frac == "" {
		return whole
	}
	if fr {
		return whole + "," + frac
	}
	return whole + "." + frac
}

// weightedColumns lays its objects side by side with widths in proportion
// to weights, each as tall as the row.
type weightedColumns struct{ weights []float32 }

func (l *weightedColumns) total() float32 {
	var t float32
	for _, w := range l.weights {
		t += w
	}
	return t
}

func (l *weightedColumns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x, t := float32(0), l.total()
	for i, o := range objs {
		w := size.Width * l.weights[i] / t
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w
	}
}

func (l *weightedColumns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*40, h)
}
