package ui

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/ui/widgets"
)

// searchKinds is the order result groups appear in.
var searchKinds = []model.Kind{
	model.KindContact, model.KindAccount, model.KindDeal, model.KindProposal, model.KindClientIssue,
	model.KindTask, model.KindProduct, model.KindEvent, model.KindTeamMember, model.KindVendor, model.KindActivity,
}

// searchRow is a line of the result list: a group header or a hit.
type searchRow struct {
	header string
	hit    model.Hit
}

// searchPanel is the global search (Ctrl+F): results appear over the
// current screen as the user types, grouped by kind; Up and Down move, Enter
// opens, Esc closes.
type searchPanel struct {
	a       *App
	entry   *widgets.Entry
	list    *widget.List
	summary *widget.Label
	results *fyne.Container
	rows    []searchRow
	cursor  int  // index in rows of the highlighted hit, -1 for none
	moving  bool // Select called by the keyboard: highlight, do not open
	gen     int  // increases with each keystroke; stale answers are dropped
	typedAt time.Time
	// latency is the time from the last keystroke to its results being on
	// screen, kept for the measurement test.
	latency time.Duration
}

func newSearchPanel(a *App) *searchPanel {
	p := &searchPanel{a: a, cursor: -1}
	p.entry = widgets.NewEntry()
	p.entry.SetPlaceHolder(lang.L("search.placeholder"))
	p.entry.ActionItem = widget.NewIcon(theme.SearchIcon())
	p.entry.OnChanged = p.onChanged
	p.entry.OnSubmitted = func(string) { p.openCursor() }
	p.entry.OnEscape = p.clear
	p.entry.OnDown = func() { p.move(1) }
	p.entry.OnUp = func() { p.move(-1) }
	p.summary = widget.NewLabel("")
	p.list = widget.NewList(func() int { return len(p.rows) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("Kind")
			l.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.AccountIcon()), nil, l)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			row := o.(*fyne.Container)
			l, ic := row.Objects[0].(*widget.Label), row.Objects[1].(*widget.Icon)
			r := p.rows[i]
			if r.header != "" {
				ic.Hide()
				l.TextStyle = fyne.TextStyle{Bold: true}
				l.SetText(r.header)
				return
			}
			ic.Show()
			ic.SetResource(kindIcon(r.hit.Kind))
			l.TextStyle = fyne.TextStyle{}
			l.SetText(r.hit.Label)
		})
	p.list.OnSelected = func(i widget.ListItemID) {
		if p.moving || p.rows[i].header != "" {
			return
		}
		p.cursor = i
		p.openCursor()
	}
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	p.results = container.NewStack(bg, container.NewBorder(p.summary, nil, nil, nil, p.list))
	p.results.Hide()
	return p
}

func (p *searchPanel) focus() {
	p.a.win.Canvas().Focus(p.entry)
}

func (p *searchPanel) active() bool { return p.results.Visible() }

// clear empties the search and shows the current screen again.
func (p *searchPanel) clear() {
	if p.entry.Text != "" {
		p.entry.SetText("")
	}
	p.hide()
}

func (p *searchPanel) hide() {
	p.gen++
	p.rows, p.cursor = nil, -1
	p.results.Hide()
}

func (p *searchPanel) onChanged(text string) {
	if strings.TrimSpace(text) == "" {
		p.hide()
		return
	}
	p.gen++
	gen := p.gen
	p.typedAt = time.Now()
	p.a.load(func(ctx context.Context) func() {
		hits, err := p.a.store.Search(ctx, text, 60)
		return func() {
			if gen != p.gen {
				return // the user typed on; a newer search is coming
			}
			if err != nil {
				p.a.showError(err)
				return
			}
			p.show(text, hits)
			p.latency = time.Since(p.typedAt)
		}
	})
}

// show groups the hits by kind and puts them on screen.
func (p *searchPanel) show(text string, hits []model.Hit) {
	byKind := map[model.Kind][]model.Hit{}
	for _, h := range hits {
		byKind[h.Kind] = append(byKind[h.Kind], h)
	}
	p.rows, p.cursor = nil, -1
	for _, k := range searchKinds {
		if len(byKind[k]) == 0 {
			continue
		}
		p.rows = append(p.rows, searchRow{header: kindPlural(k)})
		for _, h := range byKind[k] {
			if p.cursor < 0 {
				p.cursor = len(p.rows)
			}
			p.rows = append(p.rows, searchRow{hit: h})
		}
	}
	if len(hits) == 0 {
		p.summary.SetText(lang.L("search.none", map[string]any{"Text": text}))
	} else {
		p.summary.SetText(lang.L("search.hint"))
	}
	p.results.Show()
	p.list.UnselectAll()
	p.list.Refresh()
	p.highlight()
}

func (p *searchPanel) highlight() {
	if p.cursor < 0 {
		return
	}
	p.moving = true
	p.list.Select(p.cursor)
	p.moving = false
}

// move steps the highlight to the next or previous hit, skipping headers.
func (p *searchPanel) move(step int) {
	for i := p.cursor + step; i >= 0 && i < len(p.rows); i += step {
		if p.rows[i].header == "" {
			p.cursor = i
			p.highlight()
			return
		}
	}
}

// openCursor opens the highlighted hit.
func (p *searchPanel) openCursor() {
	if p.cursor < 0 || p.cursor >= len(p.rows) {
		return
	}
	h := p.rows[p.cursor].hit
	if h.Kind == model.KindActivity {
		// An activity opens on the record it belongs to.
		var act model.Activity
		if err := p.a.store.Get(p.a.ctx, h.ID, &act); err == nil {
			switch {
			case act.ContactID != "":
				h = model.Hit{Kind: model.KindContact, ID: act.ContactID}
			case act.AccountID != "":
				h = model.Hit{Kind: model.KindAccount, ID: act.AccountID}
			case act.DealID != "":
				h = model.Hit{Kind: model.KindDeal, ID: act.DealID}
			}
		}
	}
	p.clear()
	if !p.a.Open(h.Kind, h.ID) {
		p.a.notify(lang.L("search.no_screen"))
	}
}

// kindPlural is the translated plural name of a kind, for group headers.
func kindPlural(k model.Kind) string { return lang.L("kind." + string(k) + ".plural") }

// kindName is the translated singular name of a kind.
func kindName(k model.Kind) string { return lang.L("kind." + string(k)) }

func kindIcon(k model.Kind) fyne.Resource {
	switch k {
	case model.KindContact, model.KindTeamMember:
		return theme.AccountIcon()
	case model.KindAccount:
		return theme.HomeIcon()
	case model.KindDeal:
		return theme.MediaFastForwardIcon()
	case model.KindProposal:
		return theme.DocumentIcon()
	case model.KindClientIssue:
		return theme.WarningIcon()
	case model.KindTask:
		return theme.ConfirmIcon()
	case model.KindEvent:
		return theme.GridIcon()
	case model.KindProduct:
		return theme.StorageIcon()
	case model.KindActivity:
		return theme.HistoryIcon()
	}
	return theme.FileIcon()
}
