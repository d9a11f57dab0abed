package ui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/ui/widgets"
)

// Pieces shared by the record screens (contacts, accounts, pipeline,
// issues): section headings, label/value grids, links to other records,
// the interaction timeline and the two-keystroke activity logger.

// heading is a bold section title.
func heading(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
}

// title is a record's name at the top of its detail pane.
func title(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

// muted is secondary text on one line (safe beside other widgets).
func muted(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Importance = widget.LowImportance
	return l
}

// mutedPara is secondary text that wraps: use it only where it has the
// full width, never in a box's side slot.
func mutedPara(text string) *widget.Label {
	l := muted(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// pair is one label/value line of a detail view.
type pair struct{ key, value string }

// pairs lays out non-empty values in two columns of label/value.
func pairs(ps ...pair) fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for _, p := range ps {
		if strings.TrimSpace(p.value) == "" {
			continue
		}
		k := widget.NewLabel(lang.L(p.key))
		k.Importance = widget.LowImportance
		v := widget.NewLabel(p.value)
		v.Wrapping = fyne.TextWrapWord
		v.Selectable = true
		objs = append(objs, k, v)
	}
	if len(objs) == 0 {
		return container.NewVBox()
	}
	return container.New(&pairsLayout{}, objs...)
}

// pairsLayout puts keys in a fixed column and wraps values beside them.
type pairsLayout struct{}

const pairsKeyWidth = 150

func (l *pairsLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var h float32
	w := float32(pairsKeyWidth + 200)
	for i := 0; i+1 < len(objs); i += 2 {
		vw := objs[i+1].Size().Width
		if vw <= 0 {
			vw = 200
		}
		h += fyne.Max(objs[i].MinSize().Height, heightFor(objs[i+1], vw))
	}
	return fyne.NewSize(w, h)
}

func (l *pairsLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var y float32
	vw := size.Width - pairsKeyWidth
	for i := 0; i+1 < len(objs); i += 2 {
		k, v := objs[i], objs[i+1]
		v.Resize(fyne.NewSize(vw, v.MinSize().Height))
		h := fyne.Max(k.MinSize().Height, heightFor(v, vw))
		k.Move(fyne.NewPos(0, y))
		k.Resize(fyne.NewSize(pairsKeyWidth, k.MinSize().Height))
		v.Move(fyne.NewPos(pairsKeyWidth, y))
		v.Resize(fyne.NewSize(vw, h))
		y += h
	}
}

// link is a record another record points to, shown as a button that opens it.
type link struct {
	kind  model.Kind
	id    string
	label string
	note  string // a short detail beside it: an amount, a status, a date
}

// links shows a titled list of records; empty lists show a muted "none".
func (a *App) links(titleKey string, ls []link) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L(titleKey)))
	if len(ls) == 0 {
		box.Add(muted(lang.L("detail.none")))
		return box
	}
	for _, l := range ls {
		box.Add(linkRow(nil, l.label, l.note, func() { a.Open(l.kind, l.id) }))
	}
	return box
}

// linkRow is one line naming a record, with an optional icon on the left
// and a short note on the right. The name is a link when open is set. Both
// texts truncate with an ellipsis, so a long name never widens the window.
func linkRow(icon fyne.Resource, text, note string, open func()) fyne.CanvasObject {
	var main fyne.CanvasObject
	if open != nil {
		h := widget.NewHyperlink(text, nil)
		h.OnTapped = open
		h.Truncation = fyne.TextTruncateEllipsis
		main = h
	} else {
		l := widget.NewLabel(text)
		l.Truncation = fyne.TextTruncateEllipsis
		main = l
	}
	n := muted(note)
	n.Truncation = fyne.TextTruncateEllipsis
	n.Alignment = fyne.TextAlignTrailing
	row := container.New(noteRow{}, main, n)
	if icon == nil {
		return row
	}
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, row)
}

// noteRow lays out a main object and a note label on one line: the note
// gets its natural width up to 45 % of the row, the main object the rest.
type noteRow struct{}

func (noteRow) MinSize(objs []fyne.CanvasObject) fyne.Size {
	a, b := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(a.Width+b.Width, fyne.Max(a.Height, b.Height))
}

func (noteRow) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	main, note := objs[0], objs[1].(*widget.Label)
	w := float32(0)
	if note.Text != "" {
		natural := widget.NewLabelWithStyle(note.Text, note.Alignment, note.TextStyle)
		w = fyne.Min(natural.MinSize().Width+theme.Padding(), size.Width*0.45) // a little slack: truncation rounds up
	}
	main.Move(fyne.NewPos(0, 0))
	main.Resize(fyne.NewSize(size.Width-w, size.Height))
	note.Move(fyne.NewPos(size.Width-w, 0))
	note.Resize(fyne.NewSize(w, size.Height))
}

// activityTypes are the kinds of interaction, with the key that picks each
// after Ctrl+L.
var activityTypes = []struct {
	typ string
	key rune
}{
	{model.ActivityCall, 'c'}, {model.ActivityEmail, 'e'}, {model.ActivityMeeting, 'm'},
	{model.ActivityVisit, 'v'}, {model.ActivityNote, 'n'},
}

func activityIcon(typ string) fyne.Resource {
	switch typ {
	case model.ActivityCall:
		return theme.MediaRecordIcon()
	case model.ActivityEmail:
		return theme.MailComposeIcon()
	case model.ActivityMeeting:
		return theme.AccountIcon()
	case model.ActivityVisit:
		return theme.HomeIcon()
	}
	return theme.DocumentIcon()
}

// timelineLimit bounds how many activities a detail pane shows.
const timelineLimit = 100

// timeline shows activities newest first.
func (a *App) timeline(acts []*model.Activity) fyne.CanvasObject {
	box := container.NewVBox(heading(lang.L("detail.timeline")))
	if len(acts) == 0 {
		box.Add(mutedPara(lang.L("detail.no_activity")))
		return box
	}
	for _, act := range acts {
		head := lang.L("activity."+act.Type) + " · " + a.fmt.DateTime(act.At)
		if act.DurationMin > 0 {
			head += " · " + lang.L("activity.minutes", map[string]any{"N": act.DurationMin})
		}
		text := widget.NewLabel(act.Summary)
		text.Wrapping = fyne.TextWrapWord
		item := container.NewVBox(muted(head), text)
		if act.Outcome != "" {
			item.Add(muted(lang.L("activity.outcome") + " : " + act.Outcome))
		}
		box.Add(container.NewBorder(nil, nil, container.NewVBox(widget.NewIcon(activityIcon(act.Type))), nil, item))
	}
	if len(acts) == timelineLimit {
		box.Add(muted(lang.L("detail.older_hidden")))
	}
	return box
}

// activityPanel logs a call, e-mail, meeting, visit or note on a record:
// Ctrl+L shows it with the type chooser focused, one letter picks the type
// and moves to the summary, Ctrl+S or the Save button saves.
type activityPanel struct {
	a       *App
	content *fyne.Container
	chooser *widgets.KeyChoice
	form    *form
	typ     string
	summary *widgets.Entry
	outcome *widgets.Entry
	minutes *widgets.Entry
	link    func(act *model.Activity) // sets the contact, account or deal
	saved   func()
}

func newActivityPanel(a *App, link func(*model.Activity), saved func()) *activityPanel {
	p := &activityPanel{a: a, link: link, saved: saved, content: container.NewVBox()}
	p.content.Hide()
	return p
}

// start shows the type chooser with the keyboard focus on it.
func (p *activityPanel) start() {
	var choices []widgets.Choice
	for _, t := range activityTypes {
		choices = append(choices, widgets.Choice{Key: t.key, Label: lang.L("activity." + t.typ)})
	}
	p.chooser = widgets.NewKeyChoice(choices, func(i int) { p.choose(activityTypes[i].typ) })
	p.chooser.OnEscape = p.cancel
	p.content.Objects = []fyne.CanvasObject{heading(lang.L("activity.log_title")), p.chooser}
	p.content.Show()
	p.content.Refresh()
	p.a.win.Canvas().Focus(p.chooser)
}

// choose shows the form for an activity of type typ.
func (p *activityPanel) choose(typ string) {
	p.typ = typ
	p.form = newForm(p.a, model.KindActivity)
	p.summary = p.form.multiline("summary", "activity.summary", "")
	p.outcome = p.form.entry("outcome", "activity.outcome", "")
	p.minutes = p.form.number("duration_min", "activity.duration", 0)
	p.form.onCancel = p.cancel
	p.form.onSubmit = p.save
	p.form.read = func() model.Record {
		act := &model.Activity{Type: p.typ, At: p.a.store.Now(), Summary: strings.TrimSpace(p.summary.Text),
			Outcome: strings.TrimSpace(p.outcome.Text), DurationMin: p.form.numberValue("duration_min", p.minutes),
			OwnerID: p.a.setting(model.SettingMe, "")}
		p.link(act)
		return act
	}
	save := widget.NewButtonWithIcon(lang.L("action.save"), theme.DocumentSaveIcon(), p.save)
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(lang.L("action.cancel"), p.cancel)
	p.content.Objects = []fyne.CanvasObject{
		heading(lang.L("activity.log_" + typ)),
		p.form.content(),
		container.NewHBox(save, cancel),
	}
	p.content.Refresh()
	p.a.win.Canvas().Focus(p.summary)
}

// active reports whether the panel is open.
func (p *activityPanel) active() bool { return p.content.Visible() }

// editing reports whether a typed activity form is open (Ctrl+S saves it).
func (p *activityPanel) editing() bool { return p.active() && p.form != nil && p.typ != "" }

func (p *activityPanel) cancel() {
	p.typ, p.form = "", nil
	p.content.Objects = nil
	p.content.Hide()
}

func (p *activityPanel) save() {
	if !p.editing() {
		return
	}
	if p.form.save(p.a) == nil {
		return
	}
	p.cancel()
	p.a.notify(lang.L("activity.saved"))
	if p.saved != nil {
		p.saved()
	}
}

// memberOptions lists the active team members for owner and assignee selects.
func memberOptions(ctx context.Context, s *model.Store) ([]option, error) {
	ms, err := model.List[model.TeamMember](ctx, s.DB(), model.Query{OrderBy: "name", Limit: 500})
	if err != nil {
		return nil, err
	}
	opts := []option{{"", lang.L("form.nobody")}}
	for _, m := range ms {
		opts = append(opts, option{m.ID, m.Name})
	}
	return opts, nil
}

// optionLabel returns the label of value among opts.
func optionLabel(opts []option, value string) string {
	for _, o := range opts {
		if o.value == value && value != "" {
			return o.label
		}
	}
	return ""
}

// valuesOptions makes select options from plain values, with a first
// option meaning "any" for filters.
func valuesOptions(anyKey string, values []string) []option {
	opts := []option{{"", lang.L(anyKey)}}
	for _, v := range values {
		opts = append(opts, option{v, v})
	}
	return opts
}

// sourceOptions are valuesOptions for contact sources, with Relais' own
// codes shown in words.
func sourceOptions(values []string) []option {
	opts := valuesOptions("filter.any_source", values)
	for i := range opts[1:] {
		opts[i+1].label = sourceLabel(opts[i+1].value)
	}
	return opts
}

// sourceLabel shows the codes Relais itself writes in a contact's source
// ("trade_show" from lead capture, "import" …) in the user's language, and
// anything a user typed as it is.
func sourceLabel(v string) string {
	if key := "source." + v; hasText(key) {
		return lang.L(key)
	}
	return v
}

// priorityOptions are task and issue priorities.
func priorityOptions() []option {
	return []option{
		{fmt.Sprint(model.PriorityHigh), lang.L("priority.high")},
		{fmt.Sprint(model.PriorityNormal), lang.L("priority.normal")},
		{fmt.Sprint(model.PriorityLow), lang.L("priority.low")},
	}
}

// detailPane is the right-hand side of a list/detail screen: a scrolled
// area whose content is replaced when a record opens or a form starts.
type detailPane struct {
	scroll *container.Scroll
	box    *fyne.Container
}

func newDetailPane(emptyKey string) *detailPane {
	d := &detailPane{box: container.NewVBox()}
	d.scroll = container.NewVScroll(container.NewPadded(d.box))
	d.set(mutedPara(lang.L(emptyKey)))
	return d
}

// set replaces the pane's content and scrolls to its top.
func (d *detailPane) set(objs ...fyne.CanvasObject) {
	d.box.Objects = objs
	d.box.Refresh()
	d.scroll.ScrollToTop()
}

// formButtons is the Save / Cancel row under a form.
func formButtons(save, cancel func()) fyne.CanvasObject {
	s := widget.NewButtonWithIcon(lang.L("action.save")+" (Ctrl+S)", theme.DocumentSaveIcon(), save)
	s.Importance = widget.HighImportance
	c := widget.NewButtonWithIcon(lang.L("action.cancel")+" (Esc)", theme.CancelIcon(), cancel)
	return container.NewHBox(s, c)
}
