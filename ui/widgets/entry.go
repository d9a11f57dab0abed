package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Entry is a widget.Entry that also reports the keys a plain entry keeps to
// itself: Escape (to cancel a form or a search) and, on a single-line entry,
// Up and Down (to move through a result list while typing).
type Entry struct {
	widget.Entry
	OnEscape func()
	OnUp     func()
	OnDown   func()
}

// NewEntry returns a single-line entry.
func NewEntry() *Entry {
	e := &Entry{}
	e.ExtendBaseWidget(e)
	return e
}

// NewMultiLineEntry returns an entry for several lines of text.
func NewMultiLineEntry() *Entry {
	e := &Entry{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Escape, Up and Down when a callback is set and passes
// every other key to the entry.
func (e *Entry) TypedKey(k *fyne.KeyEvent) {
	switch {
	case k.Name == fyne.KeyEscape && e.OnEscape != nil:
		e.OnEscape()
		return
	case k.Name == fyne.KeyUp && e.OnUp != nil && !e.MultiLine:
		e.OnUp()
		return
	case k.Name == fyne.KeyDown && e.OnDown != nil && !e.MultiLine:
		e.OnDown()
		return
	}
	e.Entry.TypedKey(k)
}
