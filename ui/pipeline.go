package ui

import (
	"context"
	"fmt"
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

// pipelineScreen shows the open deals by stage, one column per stage with
// its count, total and probability-weighted total, beside the selected deal:
// move it to another stage, mark it won or lost (with a reason), edit it.
type pipelineScreen struct {
	opening string // the id being opened: an older open that finishes later is dropped
	a       *App
	box     *fyne.Container
	board   *fyne.Container
	summary *widget.Label
	stages  []*model.Stage
	columns []*stageColumn
	detail  *detailPane
	cur     *model.Deal
	form    *form
	in      dealInputs
	move    *choice
	reason  *widgets.Entry
	submit  func() // what Ctrl+S does while a form is shown
	log     *activityPanel
}

// stageColumn is one stage of the board: a header and a virtualised list.
type stageColumn struct {
	stage  *model.Stage
	head   *widget.Label
	totals *widget.Label
	pages  widgets.Pages[*model.Deal]
	list   *widget.List
}

type dealInputs struct {
	title, amount, probability, expected, notes *widgets.Entry
	account, contact                            *recordPicker
	currency, stage, owner, grade               *choice
}

// Columns share the board's width but are never narrower than this; when
// there are too many stages to fit, the board scrolls sideways.
const stageColumnMin = 180

// columnsLayout gives its objects equal widths, each at least min.
type columnsLayout struct{ min float32 }

func (l *columnsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	for _, o := range objs {
		h = fyne.Max(h, o.MinSize().Height)
	}
	return fyne.NewSize(float32(len(objs))*(l.min+theme.Padding()), h)
}

func (l *columnsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	if len(objs) == 0 {
		return
	}
	pad := theme.Padding()
	w := (size.Width - pad*float32(len(objs)-1)) / float32(len(objs))
	for i, o := range objs {
		o.Move(fyne.NewPos(float32(i)*(w+pad), 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func newPipelineScreen(a *App) screen {
	s := &pipelineScreen{a: a, detail: newDetailPane("pipeline.empty")}
	s.board = container.New(&columnsLayout{min: stageColumnMin})
	s.summary = muted("")
	newBtn := widget.NewButtonWithIcon(lang.L("pipeline.new"), theme.ContentAddIcon(), s.newRecord)
	boardScroll := container.NewHScroll(s.board)
	left := container.NewBorder(container.NewBorder(nil, nil, nil, newBtn, s.summary), nil, nil, nil, boardScroll)
	split := container.NewHSplit(left, s.detail.scroll)
	split.Offset = 0.7 // the board gets the room: its cards carry amount, probability and date
	s.box = container.NewStack(split)
	s.log = newActivityPanel(a, func(act *model.Activity) {
		act.DealID, act.ContactID, act.AccountID = s.cur.ID, s.cur.ContactID, s.cur.AccountID
	}, func() { s.open(s.cur.ID) })
	return s
}

func (s *pipelineScreen) id() string                 { return "pipeline" }
func (s *pipelineScreen) title() string              { return lang.L("nav.pipeline") }
func (s *pipelineScreen) icon() fyne.Resource        { return theme.MediaFastForwardIcon() }
func (s *pipelineScreen) content() fyne.CanvasObject { return s.box }
func (s *pipelineScreen) kinds() []model.Kind        { return []model.Kind{model.KindDeal} }

// refresh reloads the stages, their totals and their first pages of deals.
func (s *pipelineScreen) refresh() {
	a := s.a
	a.load(func(ctx context.Context) func() {
		db := a.store.DB()
		stages, err := model.List[model.Stage](ctx, db, model.Query{OrderBy: "position, name"})
		var totals []model.StageTotal
		if err == nil {
			totals, err = model.PipelineTotals(ctx, db)
		}
		first := map[string][]*model.Deal{}
		for _, st := range stages {
			if err != nil || st.Outcome != model.OutcomeOpen {
				continue
			}
			first[st.ID], err = model.List[model.Deal](ctx, db, stageDeals(st.ID, 0, 50))
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.build(stages, totals, first)
		}
	})
	if s.cur != nil && s.form == nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	}
}

// stageDeals selects a page of the open deals of a stage, soonest close first.
func stageDeals(stageID string, offset, limit int) model.Query {
	return model.Query{Where: "stage_id = ? AND status = 'open'", Args: []any{stageID},
		OrderBy: "expected_close IS NULL, expected_close, id", Offset: offset, Limit: limit}
}

func (s *pipelineScreen) build(stages []*model.Stage, totals []model.StageTotal, first map[string][]*model.Deal) {
	a := s.a
	s.stages = stages
	byStage := map[string][]model.StageTotal{}
	var count int
	sums := map[string][2]int64{}
	for _, t := range totals {
		byStage[t.StageID] = append(byStage[t.StageID], t)
		count += t.Count
		v := sums[t.Currency]
		sums[t.Currency] = [2]int64{v[0] + t.Amount, v[1] + t.Weighted}
	}
	s.summary.SetText(lang.L("pipeline.summary", map[string]any{"Count": a.fmt.Int(int64(count)),
		"Total": s.moneyList(sums, 0), "Weighted": s.moneyList(sums, 1)}))
	s.columns = nil
	s.board.Objects = nil
	for _, st := range stages {
		if st.Outcome != model.OutcomeOpen {
			continue
		}
		col := s.column(st, byStage[st.ID], first[st.ID])
		s.columns = append(s.columns, col)
		box := container.NewBorder(container.NewVBox(col.head, col.totals, widget.NewSeparator()), nil, nil, nil, col.list)
		s.board.Add(box)
	}
	if len(s.columns) == 0 {
		s.board.Add(muted(lang.L("pipeline.no_stages")))
	}
	s.board.Refresh()
}

// moneyList writes per-currency sums, biggest first: "€120k · $40k".
func (s *pipelineScreen) moneyList(sums map[string][2]int64, i int) string {
	curs := make([]string, 0, len(sums))
	for c := range sums {
		curs = append(curs, c)
	}
	sort.Slice(curs, func(x, y int) bool { return sums[curs[x]][i] > sums[curs[y]][i] })
	var parts []string
	for _, c := range curs {
		parts = append(parts, s.a.fmt.MoneyShort(sums[c][i], c))
	}
	if len(parts) == 0 {
		return s.a.fmt.Money(0, s.a.fmt.currency)
	}
	return strings.Join(parts, " · ")
}

func (s *pipelineScreen) column(st *model.Stage, totals []model.StageTotal, first []*model.Deal) *stageColumn {
	a := s.a
	col := &stageColumn{stage: st}
	n := 0
	sums := map[string][2]int64{}
	for _, t := range totals {
		n += t.Count
		sums[t.Currency] = [2]int64{t.Amount, t.Weighted}
	}
	col.head = widget.NewLabelWithStyle(fmt.Sprintf("%s (%s)", st.Name, a.fmt.Int(int64(n))), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	col.head.Truncation = fyne.TextTruncateEllipsis
	col.totals = muted(s.moneyList(sums, 0) + "\n" + lang.L("pipeline.weighted", map[string]any{"Amount": s.moneyList(sums, 1)}))
	col.pages = widgets.Pages[*model.Deal]{
		Size: 50,
		Load: func(offset, limit int) ([]*model.Deal, error) {
			return model.List[model.Deal](a.ctx, a.store.DB(), stageDeals(st.ID, offset, limit))
		},
		Go:       func(work func() func()) { a.load(func(context.Context) func() { return work() }) },
		OnLoaded: func() { col.list.Refresh() },
		OnError:  a.showError,
	}
	col.pages.Reset(n)
	col.pages.Put(0, first)
	col.list = widget.NewList(col.pages.Len,
		func() fyne.CanvasObject {
			t := widget.NewLabel("Deal title")
			t.Truncation = fyne.TextTruncateEllipsis
			m := widget.NewLabel("€0")
			m.Importance = widget.LowImportance
			m.Truncation = fyne.TextTruncateEllipsis
			return container.New(&tightRows{}, t, m)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			objs := o.(*fyne.Container).Objects
			t, m := objs[0].(*widget.Label), objs[1].(*widget.Label)
			d, ok := col.pages.Get(i)
			if !ok {
				t.SetText("…")
				m.SetText("")
				return
			}
			t.SetText(d.Title)
			m.SetText(joinDot(a.fmt.MoneyWhole(d.AmountMinor, d.Currency), a.fmt.Percent(d.Probability), a.fmt.Date(d.ExpectedClose)))
		})
	col.list.OnSelected = func(i widget.ListItemID) {
		if d, ok := col.pages.Get(i); ok {
			for _, c := range s.columns {
				if c != col {
					c.list.UnselectAll()
				}
			}
			s.open(d.ID)
		}
	}
	return col
}

func (s *pipelineScreen) openRecord(_ model.Kind, id string) { s.open(id) }

// dealDetail is the selected deal with the names it points to.
type dealDetail struct {
	d                       *model.Deal
	account, contact, owner string
	stage                   string
	stages                  []*model.Stage
	acts                    []*model.Activity
}

func loadDeal(ctx context.Context, st *model.Store, id string) (*dealDetail, error) {
	dd := &dealDetail{d: &model.Deal{}}
	if err := st.Get(ctx, id, dd.d); err != nil {
		return nil, err
	}
	if dd.d.Deleted() {
		return nil, model.ErrNotFound
	}
	db := st.DB()
	dd.account, _ = model.Label(ctx, db, dd.d.AccountID)
	dd.contact, _ = model.Label(ctx, db, dd.d.ContactID)
	dd.owner, _ = model.Label(ctx, db, dd.d.OwnerID)
	var err error
	if dd.stages, err = model.List[model.Stage](ctx, db, model.Query{OrderBy: "position, name"}); err != nil {
		return nil, err
	}
	for _, st := range dd.stages {
		if st.ID == dd.d.StageID {
			dd.stage = st.Name
		}
	}
	dd.acts, err = model.List[model.Activity](ctx, db, model.Query{Where: "deal_id = ?", Args: []any{id}, OrderBy: "at DESC", Limit: timelineLimit})
	return dd, err
}

func (s *pipelineScreen) open(id string) {
	s.opening = id
	s.form = nil
	s.log.cancel()
	s.a.load(func(ctx context.Context) func() {
		dd, err := loadDeal(ctx, s.a.store, id)
		return func() {
			if s.opening != id {
				return
			}
			if err != nil {
				s.a.showError(err)
				return
			}
			s.cur, s.stages = dd.d, dd.stages
			s.show(dd)
		}
	})
}

func (s *pipelineScreen) show(dd *dealDetail) {
	a, d := s.a, dd.d
	objs := []fyne.CanvasObject{title(d.Title)}
	if d.AccountID != "" {
		objs = append(objs, linkRow(theme.HomeIcon(), dd.account, "", func() { a.Open(model.KindAccount, d.AccountID) }))
	}
	status := lang.L("deal.status." + d.Status)
	if d.Status != model.OutcomeOpen {
		status += " · " + a.fmt.Date(d.ClosedOn)
	}
	objs = append(objs, pairs(
		pair{"field.amount_minor", a.fmt.Money(d.AmountMinor, d.Currency)},
		pair{"field.probability", a.fmt.Percent(d.Probability)},
		pair{"pipeline.weighted_value", a.fmt.Money(d.AmountMinor*d.Probability/100, d.Currency)},
		pair{"field.stage_id", dd.stage},
		pair{"field.status", status},
		pair{"field.lost_reason", d.LostReason},
		pair{"field.expected_close", a.fmt.Date(d.ExpectedClose)},
		pair{"field.contact_id", dd.contact},
		pair{"field.owner_id", dd.owner},
		pair{"field.grade", d.Grade},
		pair{"field.notes", d.Notes},
	))
	if d.Status == model.OutcomeOpen {
		var opts []option
		for _, st := range s.stages {
			if st.Outcome == model.OutcomeOpen {
				opts = append(opts, option{st.ID, st.Name})
			}
		}
		s.move = newChoice(opts, d.StageID, func(stageID string) { s.moveTo(stageID) })
		won := widget.NewButtonWithIcon(lang.L("pipeline.mark_won"), theme.ConfirmIcon(), s.markWon)
		won.Importance = widget.HighImportance
		lost := widget.NewButtonWithIcon(lang.L("pipeline.mark_lost"), theme.CancelIcon(), s.askLost)
		objs = append(objs, container.NewBorder(nil, nil, widget.NewLabel(lang.L("pipeline.move_to")), nil, s.move),
			container.NewHBox(won, lost))
	} else {
		reopen := widget.NewButtonWithIcon(lang.L("pipeline.reopen"), theme.ContentUndoIcon(), s.reopen)
		objs = append(objs, reopen)
	}
	edit := widget.NewButtonWithIcon(lang.L("action.edit"), theme.DocumentCreateIcon(), s.edit)
	logBtn := widget.NewButtonWithIcon(lang.L("activity.log")+" (Ctrl+L)", theme.HistoryIcon(), s.logActivity)
	del := widget.NewButtonWithIcon(lang.L("action.delete"), theme.DeleteIcon(), s.delete)
	del.Importance = widget.DangerImportance
	// Two short rows rather than one long one: the pane must stay narrow
	// enough for four stage columns beside it at 1366 px, in French too.
	objs = append(objs, container.NewHBox(logBtn), container.NewHBox(edit, del), s.log.content, widget.NewSeparator(), a.timeline(dd.acts))
	s.detail.set(objs...)
}

// moveTo moves the selected deal to another open stage; its probability
// becomes the stage's default.
func (s *pipelineScreen) moveTo(stageID string) {
	d := s.cur
	if d == nil || stageID == "" || stageID == d.StageID {
		return
	}
	fields := model.FieldMap{"stage_id": stageID}
	for _, st := range s.stages {
		if st.ID == stageID {
			fields["probability"] = st.Probability
			s.a.notify(lang.L("pipeline.moved", map[string]any{"Title": d.Title, "Stage": st.Name}))
		}
	}
	s.setFields(d.ID, fields)
}

func (s *pipelineScreen) markWon() {
	d := s.cur
	if d == nil {
		return
	}
	fields := model.FieldMap{"status": model.OutcomeWon, "probability": int64(100), "closed_on": model.DateOf(s.a.store.Now().In(s.a.fmt.loc)).String()}
	if st := s.outcomeStage(model.OutcomeWon); st != "" {
		fields["stage_id"] = st
	}
	s.a.notify(lang.L("pipeline.won", map[string]any{"Title": d.Title}))
	s.setFields(d.ID, fields)
}

// askLost asks why the deal was lost: the reason is required.
func (s *pipelineScreen) askLost() {
	if s.cur == nil {
		return
	}
	f := newForm(s.a, model.KindDeal)
	s.reason = f.entry("lost_reason", "field.lost_reason", "")
	s.reason.SetPlaceHolder(lang.L("pipeline.lost_placeholder"))
	base := *s.cur
	f.read = func() model.Record {
		d := base
		d.Status, d.LostReason = model.OutcomeLost, strings.TrimSpace(s.reason.Text)
		return &d
	}
	f.onSubmit = func() { s.markLost(f) }
	f.onCancel = func() { s.open(base.ID) }
	s.form, s.submit = f, f.onSubmit
	s.detail.set(title(lang.L("pipeline.lost_title", map[string]any{"Title": base.Title})), f.content(),
		formButtons(func() { s.markLost(f) }, f.onCancel))
	s.a.win.Canvas().Focus(s.reason)
}

func (s *pipelineScreen) markLost(f *form) {
	r, ok := f.validate()
	if !ok {
		return
	}
	d := r.(*model.Deal)
	fields := model.FieldMap{"status": model.OutcomeLost, "lost_reason": d.LostReason, "probability": int64(0),
		"closed_on": model.DateOf(s.a.store.Now().In(s.a.fmt.loc)).String()}
	if st := s.outcomeStage(model.OutcomeLost); st != "" {
		fields["stage_id"] = st
	}
	s.form = nil
	s.a.notify(lang.L("pipeline.lost", map[string]any{"Title": d.Title}))
	s.setFields(d.ID, fields)
}

func (s *pipelineScreen) reopen() {
	d := s.cur
	if d == nil {
		return
	}
	fields := model.FieldMap{"status": model.OutcomeOpen, "closed_on": nil, "lost_reason": ""}
	for _, st := range s.stages {
		if st.Outcome == model.OutcomeOpen {
			fields["stage_id"], fields["probability"] = st.ID, st.Probability
		}
	}
	s.setFields(d.ID, fields)
}

// outcomeStage is the id of the first stage with that outcome, "" if none.
func (s *pipelineScreen) outcomeStage(outcome string) string {
	for _, st := range s.stages {
		if st.Outcome == outcome {
			return st.ID
		}
	}
	return ""
}

func (s *pipelineScreen) setFields(id string, fields model.FieldMap) {
	if err := s.a.store.Set(s.a.ctx, model.KindDeal, id, fields); err != nil {
		s.a.showError(err)
		s.open(id)
		return
	}
	s.a.changed()
	s.refresh()
	s.open(id)
}

func (s *pipelineScreen) newRecord() {
	s.opening = ""
	stage := ""
	for _, st := range s.stages {
		if st.Outcome == model.OutcomeOpen {
			stage = st.ID
			break
		}
	}
	prob := int64(0)
	for _, st := range s.stages {
		if st.ID == stage {
			prob = st.Probability
		}
	}
	s.startForm(&model.Deal{StageID: stage, Probability: prob, Currency: s.a.fmt.currency, Status: model.OutcomeOpen,
		OwnerID: s.a.setting(model.SettingMe, "")})
}

func (s *pipelineScreen) edit() {
	if s.cur != nil {
		s.startForm(s.cur)
	}
}

func currencyOptions(extra string) []option {
	var opts []option
	seen := map[string]bool{}
	for _, c := range []string{"EUR", "USD", "GBP", "CHF", "CAD", "JPY", extra} {
		if c != "" && !seen[c] {
			seen[c] = true
			opts = append(opts, option{c, c})
		}
	}
	return opts
}

func (s *pipelineScreen) startForm(d *model.Deal) {
	a := s.a
	s.log.cancel()
	f := newForm(a, model.KindDeal)
	in := &s.in
	in.title = f.entry("title", "field.title", d.Title)
	in.account = f.picker("account_id", "field.account_id", model.KindAccount, d.AccountID)
	in.contact = f.picker("contact_id", "field.contact_id", model.KindContact, d.ContactID)
	in.amount = f.money("amount_minor", "field.amount_minor", d.AmountMinor, d.Currency)
	in.currency = f.choice("currency", "field.currency", currencyOptions(d.Currency), d.Currency)
	var stageOpts []option
	for _, st := range s.stages {
		if st.Outcome == model.OutcomeOpen || st.ID == d.StageID {
			stageOpts = append(stageOpts, option{st.ID, st.Name})
		}
	}
	in.stage = f.choice("stage_id", "field.stage_id", stageOpts, d.StageID)
	in.probability = f.number("probability", "field.probability", d.Probability)
	in.expected = f.date("expected_close", "field.expected_close", d.ExpectedClose)
	members, err := memberOptions(a.ctx, a.store)
	if err != nil {
		a.showError(err)
		return
	}
	in.owner = f.choice("owner_id", "field.owner_id", members, d.OwnerID)
	in.grade = f.choice("grade", "field.grade", gradeOptions(), d.Grade)
	in.notes = f.multiline("notes", "field.notes", d.Notes)
	base := *d
	f.read = func() model.Record {
		r := base
		r.Title = strings.TrimSpace(in.title.Text)
		r.AccountID, r.ContactID = in.account.ID(), in.contact.ID()
		r.Currency = in.currency.Value()
		r.AmountMinor = f.moneyValue("amount_minor", in.amount, r.Currency)
		r.StageID = in.stage.Value()
		r.Probability = f.numberValue("probability", in.probability)
		r.ExpectedClose = f.dateValue("expected_close", in.expected)
		r.OwnerID, r.Grade, r.Notes = in.owner.Value(), in.grade.Value(), in.notes.Text
		return &r
	}
	f.onSubmit, f.onCancel = s.saveDeal, s.cancel
	s.form, s.submit = f, s.saveDeal
	heads := lang.L("pipeline.new")
	if d.ID != "" {
		heads = lang.L("pipeline.edit", map[string]any{"Title": d.Title})
	}
	s.detail.set(title(heads), f.content(), formButtons(s.saveDeal, s.cancel))
	f.focusFirst()
}

// save implements saver: the form shown, or the activity being logged.
func (s *pipelineScreen) save() {
	if s.form == nil {
		s.log.save()
		return
	}
	s.submit()
}

func (s *pipelineScreen) saveDeal() {
	saved := s.form.save(s.a)
	if saved == nil {
		return
	}
	d := saved.(*model.Deal)
	s.form = nil
	s.a.notify(lang.L("pipeline.saved", map[string]any{"Title": d.Title}))
	s.refresh()
	s.open(d.ID)
}

func (s *pipelineScreen) cancel() {
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
		s.detail.set(mutedPara(lang.L("pipeline.empty")))
	}
}

func (s *pipelineScreen) logActivity() {
	if s.cur == nil || s.cur.ID == "" || s.form != nil {
		return
	}
	s.log.start()
}

func (s *pipelineScreen) delete() {
	if s.cur == nil {
		return
	}
	d := s.cur
	if !s.a.moveToTrash(model.KindDeal, d.ID, d.Title) {
		return
	}
	s.cur = nil
	s.detail.set(mutedPara(lang.L("pipeline.empty")))
	s.refresh()
}
