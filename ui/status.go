package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// statusBar is the bottom line of the main window: the sync state and the
// number of changes waiting to be sent on the left, short messages (with an
// optional Undo) on the right.
type statusBar struct {
	a       *App
	sync    *widget.Label
	icon    *widget.Icon
	message *widget.Label
	undo    *widget.Button
	content fyne.CanvasObject
	shown   int // which flash is on screen, so an old timer does not clear a newer one
}

func newStatusBar(a *App) *statusBar {
	b := &statusBar{a: a}
	b.icon = widget.NewIcon(theme.ViewRefreshIcon())
	b.sync = widget.NewLabel("")
	b.message = widget.NewLabel("")
	b.message.Truncation = fyne.TextTruncateEllipsis
	b.undo = widget.NewButtonWithIcon(lang.L("action.undo"), theme.ContentUndoIcon(), nil)
	b.undo.Importance = widget.LowImportance
	b.undo.Hide()
	left := container.NewHBox(b.icon, b.sync)
	b.content = container.NewBorder(widget.NewSeparator(), nil, left, b.undo, b.message)
	return b
}

// flash shows msg for a few seconds; with undo set it offers an Undo button.
func (b *statusBar) flash(msg string, undo func()) {
	b.shown++
	n := b.shown
	b.message.SetText(msg)
	if undo != nil {
		b.undo.OnTapped = func() {
			b.undo.Hide()
			b.message.SetText("")
			undo()
		}
		b.undo.Show()
	} else {
		b.undo.Hide()
	}
	time.AfterFunc(12*time.Second, func() {
		b.a.do(func() {
			if b.shown == n {
				b.message.SetText("")
				b.undo.Hide()
			}
		})
	})
}

func (b *statusBar) set(s SyncState) {
	text := s.Text
	switch {
	case s.Demo:
		// Demo data never reaches a hub: "26,604 changes waiting" would
		// promise a sync that will not come.
		text = lang.L("status.demo")
	case s.Pending > 0:
		text += " · " + b.a.count("status.pending", s.Pending)
	default:
		text += " · " + lang.L("status.nothing_pending")
	}
	b.sync.SetText(text)
	if s.Failed {
		b.sync.Importance = widget.WarningImportance
		b.icon.SetResource(theme.WarningIcon())
	} else {
		b.sync.Importance = widget.MediumImportance
		b.icon.SetResource(theme.ViewRefreshIcon())
	}
	b.sync.Refresh()
}

// syncState asks the sync client (when wired) or the outbox how sync stands.
func (a *App) syncState(ctx context.Context) (SyncState, error) {
	st, err := a.syncStateOf(ctx)
	if err == nil {
		st.Demo, err = a.store.IsDemo(ctx)
	}
	return st, err
}

func (a *App) syncStateOf(ctx context.Context) (SyncState, error) {
	if a.opts.SyncStatus != nil {
		return a.opts.SyncStatus(ctx)
	}
	n, err := a.store.OutboxCount(ctx)
	return SyncState{Text: lang.L("status.no_hub"), Pending: n}, err
}

// refreshStatus updates the status bar in the background.
func (a *App) refreshStatus() {
	if a.status == nil {
		return
	}
	a.load(func(ctx context.Context) func() {
		st, err := a.syncState(ctx)
		if err != nil {
			fyne.LogError("ui: sync status", err)
			return nil
		}
		return func() {
			if a.status != nil {
				a.status.set(st)
			}
		}
	})
}

// pollStatus refreshes the status bar every few seconds until the window closes.
func (a *App) pollStatus() {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-a.ctx.Done():
			return
		case <-t.C:
			a.do(a.refreshStatus)
		}
	}
}
