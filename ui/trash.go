package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
)

// trashScreen lists deleted records, newest first, each with a Restore
// button. Deleting never destroys: it moves a record here (a tombstone that
// also syncs), and restoring brings it back everywhere.
type trashScreen struct {
	a     *App
	box   fyne.CanvasObject
	items []model.TrashItem
	list  *widget.List
	note  *widget.Label
}

// trashLimit bounds the list; older deletions stay in the database.
const trashLimit = 500

func newTrashScreen(a *App) screen {
	s := &trashScreen{a: a, note: muted("")}
	s.list = widget.NewList(func() int { return len(s.items) },
		func() fyne.CanvasObject {
			restore := widget.NewButtonWithIcon(lang.L("action.restore"), theme.ContentUndoIcon(), nil)
			label := widget.NewLabel("")
			label.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, widget.NewIcon(theme.FileIcon()), container.NewHBox(muted(""), restore), label)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := s.items[i]
			c := o.(*fyne.Container)
			c.Objects[0].(*widget.Label).SetText(kindName(it.Kind) + " · " + it.Label)
			c.Objects[1].(*widget.Icon).SetResource(kindIcon(it.Kind))
			right := c.Objects[2].(*fyne.Container)
			right.Objects[0].(*widget.Label).SetText(lang.L("trash.deleted_on", map[string]any{"Date": a.fmt.DateTime(it.DeletedAt)}))
			right.Objects[1].(*widget.Button).OnTapped = func() { s.restore(it) }
		})
	s.box = container.NewBorder(s.note, nil, nil, nil, s.list)
	return s
}

func (s *trashScreen) id() string                 { return "trash" }
func (s *trashScreen) title() string              { return lang.L("nav.trash") }
func (s *trashScreen) icon() fyne.Resource        { return theme.DeleteIcon() }
func (s *trashScreen) content() fyne.CanvasObject { return s.box }

func (s *trashScreen) refresh() {
	s.a.load(func(ctx context.Context) func() {
		items, err := model.Trash(ctx, s.a.store.DB(), trashLimit)
		return func() {
			if err != nil {
				s.a.showError(err)
				return
			}
			s.items = items
			if len(items) == 0 {
				s.note.SetText(lang.L("trash.empty"))
			} else {
				s.note.SetText(lang.L("trash.note"))
			}
			s.list.Refresh()
		}
	})
}

// restore takes the item out of the trash and opens it.
func (s *trashScreen) restore(it model.TrashItem) {
	if err := s.a.store.Restore(s.a.ctx, it.Kind, it.ID); err != nil {
		s.a.showError(err)
		return
	}
	s.a.changed()
	s.a.notify(lang.L("trash.restored", map[string]any{"Label": it.Label}))
	s.refresh()
}
