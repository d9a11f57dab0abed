package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/ui/widgets"
)

// form is the shared record form: one row per input with its label on the
// left and its validation message beside it on the right. It validates as
// the user types (showing messages only for inputs already touched) and on
// save (showing all). Its inputs keep what was typed whatever happens, so a
// failed save never loses work.
//
// A screen builds the inputs with entry, multiline, choice, check, date,
// money and picker, then sets read: a function turning the inputs into the
// record to validate and save. Parse problems (a date or an amount that
// cannot be read) are reported through dateValue and moneyValue.
type form struct {
	a      *App
	kind   model.Kind
	fields []*field
	rows   *fyne.Container
	// general shows errors no input is bound to.
	general *widget.Label
	// read builds the record from the inputs.
	read func() model.Record
	// OnSave and OnCancel are called by Enter in single-line inputs and by Esc.
	onSubmit, onCancel func()

	parseErrs model.ValidationErrors
	showAll   bool
}

// field is one input of a form.
type field struct {
	name    string   // the model field its errors belong to
	also    []string // other model fields reported here
	label   *widget.Label
	input   fyne.CanvasObject
	msg     *widget.Label
	touched bool
	entry   *widgets.Entry // for text-based inputs
}

func newForm(a *App, kind model.Kind) *form {
	f := &form{a: a, kind: kind, rows: container.NewVBox()}
	f.general = widget.NewLabel("")
	f.general.Importance = widget.DangerImportance
	f.general.Wrapping = fyne.TextWrapWord
	f.general.Hide()
	return f
}

// Label and message columns are fixed so inputs line up and fit 1366 px.
const (
	formLabelWidth = 170
	formMsgWidth   = 210
)

func (f *form) add(name, labelKey string, input fyne.CanvasObject, e *widgets.Entry) *field {
	fl := &field{name: name, input: input, entry: e}
	fl.label = widget.NewLabel(lang.L(labelKey))
	fl.label.Wrapping = fyne.TextWrapWord
	fl.msg = widget.NewLabel("")
	fl.msg.Importance = widget.DangerImportance
	fl.msg.Wrapping = fyne.TextWrapWord
	f.fields = append(f.fields, fl)
	row := container.New(&formRowLayout{}, fl.label, input, fl.msg)
	f.rows.Add(row)
	if e != nil {
		e.OnEscape = func() {
			if f.onCancel != nil {
				f.onCancel()
			}
		}
		if !e.MultiLine {
			e.OnSubmitted = func(string) {
				if f.onSubmit != nil {
					f.onSubmit()
				}
			}
		}
		e.OnChanged = func(string) { f.touch(fl) }
	}
	return fl
}

func (f *form) touch(fl *field) {
	fl.touched = true
	f.check()
}

// entry adds a single-line text input.
func (f *form) entry(name, labelKey, value string) *widgets.Entry {
	e := widgets.NewEntry()
	e.SetText(value)
	f.add(name, labelKey, e, e)
	return e
}

// multiline adds a text area.
func (f *form) multiline(name, labelKey, value string) *widgets.Entry {
	e := widgets.NewMultiLineEntry()
	e.SetText(value)
	e.SetMinRowsVisible(3)
	f.add(name, labelKey, e, e)
	return e
}

// option is one choice of a select: the stored value and its label.
type option struct{ value, label string }

// choice is a select over fixed options that remembers stored values.
type choice struct {
	*widget.Select
	opts []option
}

// Value is the stored value of the selected option ("" for none).
func (c *choice) Value() string {
	for _, o := range c.opts {
		if o.label == c.Selected {
			return o.value
		}
	}
	return ""
}

// SetValue selects the option with the stored value v.
func (c *choice) SetValue(v string) {
	for _, o := range c.opts {
		if o.value == v {
			c.SetSelected(o.label)
			return
		}
	}
	c.ClearSelected()
}

// setOptions replaces the options and selects value (when offered),
// without firing OnChanged.
func (c *choice) setOptions(opts []option, v string) {
	c.opts = opts
	labels := make([]string, len(opts))
	for i, o := range opts {
		labels[i] = o.label
	}
	c.Options = labels
	changed := c.OnChanged
	c.OnChanged = nil
	c.SetValue(v)
	c.OnChanged = changed
	c.Refresh()
}

func newChoice(opts []option, value string, changed func(string)) *choice {
	labels := make([]string, len(opts))
	for i, o := range opts {
		labels[i] = o.label
	}
	// The choice, not its inner Select, is what containers draw: extending
	// the base widget with c makes Select's Refresh reach that renderer, so
	// a value set after the first draw shows.
	c := &choice{opts: opts, Select: &widget.Select{Options: labels}}
	c.ExtendBaseWidget(c)
	c.PlaceHolder = lang.L("form.choose") // Fyne's own "(Select one)" is not translated
	c.SetValue(value)
	c.OnChanged = func(string) {
		if changed != nil {
			changed(c.Value())
		}
	}
	return c
}

// choice adds a select.
func (f *form) choice(name, labelKey string, opts []option, value string) *choice {
	var fl *field
	c := newChoice(opts, value, func(string) {
		if fl != nil {
			f.touch(fl)
		}
	})
	c.PlaceHolder = lang.L("form.choose")
	fl = f.add(name, labelKey, c, nil)
	return c
}

// checkbox adds a check box.
func (f *form) checkbox(name, labelKey string, value bool, text string) *widget.Check {
	var fl *field
	c := widget.NewCheck(text, func(bool) {
		if fl != nil {
			f.touch(fl)
		}
	})
	c.SetChecked(value)
	fl = f.add(name, labelKey, c, nil)
	return c
}

// date adds a date input in the user's format.
func (f *form) date(name, labelKey string, d model.Date) *widgets.Entry {
	e := f.entry(name, labelKey, f.a.fmt.Date(d))
	e.SetPlaceHolder(f.a.fmt.DatePlaceholder())
	return e
}

// money adds an amount input.
func (f *form) money(name, labelKey string, minor int64, cur string) *widgets.Entry {
	return f.entry(name, labelKey, f.a.fmt.MoneyInput(minor, cur))
}

// number adds a whole-number input.
func (f *form) number(name, labelKey string, n int64) *widgets.Entry {
	s := ""
	if n != 0 {
		s = strconv.FormatInt(n, 10)
	}
	return f.entry(name, labelKey, s)
}

// picker adds an input that finds a record of kind k by name.
func (f *form) picker(name, labelKey string, k model.Kind, id string) *recordPicker {
	var fl *field
	p := newRecordPicker(f.a, k, id, func() {
		if fl != nil {
			f.touch(fl)
		}
	})
	fl = f.add(name, labelKey, p.content, p.entry)
	p.entry.OnChanged = p.onChanged // the picker validates once a record is chosen
	return p
}

// alsoShow routes errors about other model fields to the input of name.
func (f *form) alsoShow(name string, others ...string) {
	for _, fl := range f.fields {
		if fl.name == name {
			fl.also = append(fl.also, others...)
		}
	}
}

// dateValue reads a date input, noting a parse error against name.
func (f *form) dateValue(name string, e *widgets.Entry) model.Date {
	d, err := f.a.fmt.ParseDate(e.Text)
	if err != nil {
		f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: name, Code: "date_format", Msg: err.Error()})
	}
	return d
}

// moneyValue reads an amount input, noting a parse error against name.
func (f *form) moneyValue(name string, e *widgets.Entry, cur string) int64 {
	v, err := f.a.fmt.ParseMoney(e.Text, cur)
	if err != nil {
		f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: name, Code: "amount_format", Msg: err.Error()})
	}
	return v
}

// numberValue reads a whole-number input.
func (f *form) numberValue(name string, e *widgets.Entry) int64 {
	s := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(e.Text), "%"))
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: name, Code: "number_format", Msg: err.Error()})
	}
	return n
}

// listValue splits a comma-separated input into trimmed, non-empty items.
func listValue(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// content is the form's widget tree.
func (f *form) content() fyne.CanvasObject {
	return container.NewVBox(f.rows, f.general)
}

// record reads the inputs and validates; it returns the record and every problem found.
func (f *form) record() (model.Record, model.ValidationErrors) {
	f.parseErrs = nil
	r := f.read()
	errs := append(model.ValidationErrors(nil), f.parseErrs...)
	if err := r.Validate(); err != nil {
		if es, ok := model.AsValidation(err); ok {
			for _, e := range es {
				if errs.For(e.Field) == nil { // a parse error says more than "required"
					errs = append(errs, e)
				}
			}
		}
	}
	return r, errs
}

// check re-validates after a change and shows messages for touched inputs.
func (f *form) check() {
	if f.read == nil {
		return
	}
	_, errs := f.record()
	f.display(errs)
}

// validate shows every problem and returns the record when there is none.
func (f *form) validate() (model.Record, bool) {
	f.showAll = true
	r, errs := f.record()
	f.display(errs)
	return r, len(errs) == 0
}

// save validates the form and creates or updates its record (a record with
// no id yet is new). Problems go beside their inputs, or to a sentence when
// they concern no input; what was typed stays either way. It returns the
// saved record, or nil when nothing was saved.
func (f *form) save(a *App) model.Record {
	r, ok := f.validate()
	if !ok {
		return nil
	}
	var err error
	if r.Base().ID == "" {
		err = a.store.Create(a.ctx, r)
	} else {
		err = a.store.Update(a.ctx, r)
	}
	if err != nil {
		if !f.showErrors(err) {
			a.showError(err)
		}
		return nil
	}
	a.changed()
	return r
}

// showErrors displays the validation errors carried by err (from a save)
// beside their inputs and reports whether there were any.
func (f *form) showErrors(err error) bool {
	es, ok := model.AsValidation(err)
	if !ok {
		return false
	}
	f.showAll = true
	f.display(es)
	return true
}

func (f *form) display(errs model.ValidationErrors) {
	used := map[*model.ValidationError]bool{}
	for _, fl := range f.fields {
		var msg string
		if fl.touched || f.showAll {
			for _, name := range append([]string{fl.name}, fl.also...) {
				if e := errs.For(name); e != nil {
					msg = validationText(f.kind, e)
					used[e] = true
					break
				}
			}
		} else {
			for _, name := range append([]string{fl.name}, fl.also...) {
				if e := errs.For(name); e != nil {
					used[e] = true
				}
			}
		}
		if fl.msg.Text != msg {
			fl.msg.SetText(msg)
		}
	}
	var rest []string
	if f.showAll {
		for _, e := range errs {
			if !used[e] {
				rest = append(rest, fieldLabel(e.Field)+" : "+validationText(f.kind, e))
			}
		}
	}
	if len(rest) > 0 {
		f.general.SetText(strings.Join(rest, "\n"))
		f.general.Show()
	} else {
		f.general.Hide()
	}
}

// message returns the message shown beside an input, for tests.
func (f *form) message(name string) string {
	for _, fl := range f.fields {
		if fl.name == name {
			return fl.msg.Text
		}
	}
	return ""
}

// focusFirst puts the keyboard focus in the first text input.
func (f *form) focusFirst() {
	for _, fl := range f.fields {
		if fl.entry != nil {
			f.a.win.Canvas().Focus(fl.entry)
			return
		}
	}
}

// validationText translates a validation error: a sentence specific to the
// kind and field when ui.en.json has one, else the generic one for its code.
func validationText(kind model.Kind, e *model.ValidationError) string {
	if key := fmt.Sprintf("err.%s.%s.%s", kind, e.Field, e.Code); hasText(key) {
		return lang.L(key)
	}
	// The same field has the same limits in every kind (a discount is 0 to
	// 100 % on a proposal and on its lines): one sentence with the range.
	if key := fmt.Sprintf("err.field.%s.%s", e.Field, e.Code); hasText(key) {
		return lang.L(key)
	}
	if key := "err." + e.Code; hasText(key) {
		return lang.L(key)
	}
	return lang.L("err.invalid")
}

// formRowLayout lays out label | input | message with fixed label and
// message columns; the row is as tall as its tallest part.
type formRowLayout struct{}

func (l *formRowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	lab, in, msg := objs[0], objs[1], objs[2]
	h := in.MinSize().Height
	for _, o := range []fyne.CanvasObject{lab, msg} {
		o.Resize(fyne.NewSize(widthOf(o), o.MinSize().Height))
		if mh := heightFor(o, widthOf(o)); mh > h {
			h = mh
		}
	}
	return fyne.NewSize(formLabelWidth+in.MinSize().Width+formMsgWidth+2*theme.Padding(), h)
}

func (l *formRowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	lab, in, msg := objs[0], objs[1], objs[2]
	pad := theme.Padding()
	inW := size.Width - formLabelWidth - formMsgWidth - 2*pad
	lab.Move(fyne.NewPos(0, 0))
	lab.Resize(fyne.NewSize(formLabelWidth, heightFor(lab, formLabelWidth)))
	in.Move(fyne.NewPos(formLabelWidth+pad, 0))
	in.Resize(fyne.NewSize(inW, fyne.Max(in.MinSize().Height, size.Height)))
	if _, isEntry := in.(*widgets.Entry); isEntry && !in.(*widgets.Entry).MultiLine {
		in.Resize(fyne.NewSize(inW, in.MinSize().Height))
	}
	msg.Move(fyne.NewPos(formLabelWidth+inW+2*pad, 0))
	msg.Resize(fyne.NewSize(formMsgWidth, heightFor(msg, formMsgWidth)))
}

func widthOf(o fyne.CanvasObject) float32 {
	if o.Size().Width > 0 {
		return o.Size().Width
	}
	return formLabelWidth
}

// heightFor is the height a wrapping label needs at width w.
func heightFor(o fyne.CanvasObject, w float32) float32 {
	if l, ok := o.(*widget.Label); ok {
		if l.Text == "" {
			return 0
		}
		old := l.Size()
		l.Resize(fyne.NewSize(w, old.Height))
		h := l.MinSize().Height
		return h
	}
	return o.MinSize().Height
}

// layoutSpacer expands to push its neighbours apart in a box.
func layoutSpacer() fyne.CanvasObject { return layout.NewSpacer() }

// recordPicker finds a record of one kind by typing part of its name: hits
// appear under the input; Up/Down and Enter or a tap choose one.
type recordPicker struct {
	a       *App
	kind    model.Kind
	id      string
	entry   *widgets.Entry
	list    *widget.List
	hits    []model.Hit
	content *fyne.Container
	picked  func()
	gen     int
	setting bool
	// OnPicked, when set, is told the chosen id (after picked).
	OnPicked func(id string)
}

func newRecordPicker(a *App, k model.Kind, id string, picked func()) *recordPicker {
	p := &recordPicker{a: a, kind: k, id: id, picked: picked}
	p.entry = widgets.NewEntry()
	p.entry.SetPlaceHolder(lang.L("form.type_to_find"))
	p.list = widget.NewList(func() int { return len(p.hits) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(p.hits[i].Label) })
	p.list.OnSelected = func(i widget.ListItemID) { p.choose(i) }
	p.entry.OnDown = func() {
		if len(p.hits) > 0 {
			p.a.win.Canvas().Focus(p.list)
		}
	}
	p.entry.OnSubmitted = func(string) {
		if len(p.hits) > 0 {
			p.choose(0)
		}
	}
	p.content = container.NewVBox(p.entry)
	if id != "" {
		p.setting = true
		p.entry.SetText(recordLabel(a, k, id))
		p.setting = false
	}
	return p
}

// ID is the chosen record's id, "" for none.
func (p *recordPicker) ID() string { return p.id }

// Set chooses the record id (with its label) without a search.
func (p *recordPicker) Set(id string) {
	p.id = id
	p.setting = true
	p.entry.SetText(recordLabel(p.a, p.kind, id))
	p.setting = false
}

func (p *recordPicker) onChanged(text string) {
	if p.setting {
		return
	}
	p.id = ""
	p.gen++
	gen := p.gen
	if strings.TrimSpace(text) == "" {
		p.showHits(nil)
		if p.picked != nil {
			p.picked()
		}
		return
	}
	p.a.load(func(ctx context.Context) func() {
		all, err := p.a.store.Search(ctx, text, 80)
		var hits []model.Hit
		for _, h := range all {
			if h.Kind == p.kind && len(hits) < 8 {
				hits = append(hits, h)
			}
		}
		return func() {
			if gen != p.gen || err != nil {
				return
			}
			p.showHits(hits)
		}
	})
}

func (p *recordPicker) showHits(hits []model.Hit) {
	p.hits = hits
	if len(hits) == 0 {
		p.content.Objects = []fyne.CanvasObject{p.entry}
	} else {
		h := float32(len(hits))*(p.list.MinSize().Height+4) + 8
		if h > 160 {
			h = 160
		}
		p.content.Objects = []fyne.CanvasObject{p.entry, container.NewGridWrap(fyne.NewSize(360, h), p.list)}
	}
	p.list.UnselectAll()
	p.list.Refresh()
	p.content.Refresh()
}

// choose picks hit i.
func (p *recordPicker) choose(i int) {
	if i < 0 || i >= len(p.hits) {
		return
	}
	h := p.hits[i]
	p.id = h.ID
	p.setting = true
	p.entry.SetText(h.Label)
	p.setting = false
	p.showHits(nil)
	p.a.win.Canvas().Focus(p.entry)
	if p.picked != nil {
		p.picked()
	}
	if p.OnPicked != nil {
		p.OnPicked(h.ID)
	}
}

// recordLabel is a short label for a record: a contact's name, an account's
// name, a deal's title … "" when id is empty or unknown.
func recordLabel(a *App, k model.Kind, id string) string {
	if id == "" {
		return ""
	}
	label, err := model.Label(a.ctx, a.store.DB(), id)
	if err != nil {
		fyne.LogError("ui: label of "+string(k)+" "+id, err)
	}
	return label
}
