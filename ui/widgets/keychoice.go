package widgets

import (
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Choice is one option of a KeyChoice: typing Key (either case) picks it.
type Choice struct {
	Key   rune
	Label string
}

// KeyChoice is a row of buttons that can also be picked by typing a letter
// while it has the focus: the second keystroke of two-keystroke commands
// such as Ctrl+L then C for "log a call".
type KeyChoice struct {
	widget.BaseWidget
	Choices  []Choice
	OnChosen func(i int)
	OnEscape func()

	focused bool
	buttons []*widget.Button
	outline *canvas.Rectangle
}

// NewKeyChoice returns a chooser over choices.
func NewKeyChoice(choices []Choice, onChosen func(i int)) *KeyChoice {
	k := &KeyChoice{Choices: choices, OnChosen: onChosen}
	k.ExtendBaseWidget(k)
	return k
}

// Choose picks choice i, as a tap or its key would.
func (k *KeyChoice) Choose(i int) {
	if i >= 0 && i < len(k.Choices) && k.OnChosen != nil {
		k.OnChosen(i)
	}
}

// CreateRenderer implements fyne.Widget.
func (k *KeyChoice) CreateRenderer() fyne.WidgetRenderer {
	row := container.NewHBox()
	k.buttons = nil
	for i, c := range k.Choices {
		b := widget.NewButton(c.Label+" ("+string(unicode.ToUpper(c.Key))+")", func() { k.Choose(i) })
		k.buttons = append(k.buttons, b)
		row.Add(b)
	}
	k.outline = canvas.NewRectangle(theme.Color(theme.ColorNameFocus))
	k.outline.StrokeWidth = 2
	k.outline.FillColor = theme.Color(theme.ColorNameBackground)
	k.outline.StrokeColor = theme.Color(theme.ColorNameFocus)
	k.outline.Hidden = !k.focused
	return widget.NewSimpleRenderer(container.NewStack(k.outline, container.NewPadded(row)))
}

// FocusGained implements fyne.Focusable.
func (k *KeyChoice) FocusGained() { k.focused = true; k.Refresh() }

// FocusLost implements fyne.Focusable.
func (k *KeyChoice) FocusLost() { k.focused = false; k.Refresh() }

// Refresh shows or hides the focus outline.
func (k *KeyChoice) Refresh() {
	if k.outline != nil {
		k.outline.Hidden = !k.focused
		k.outline.StrokeColor = theme.Color(theme.ColorNameFocus)
		k.outline.FillColor = theme.Color(theme.ColorNameBackground)
	}
	k.BaseWidget.Refresh()
}

// TypedRune picks the choice whose key was typed.
func (k *KeyChoice) TypedRune(r rune) {
	for i, c := range k.Choices {
		if unicode.ToLower(c.Key) == unicode.ToLower(r) {
			k.Choose(i)
			return
		}
	}
}

// TypedKey handles Escape.
func (k *KeyChoice) TypedKey(e *fyne.KeyEvent) {
	if e.Name == fyne.KeyEscape && k.OnEscape != nil {
		k.OnEscape()
	}
}
