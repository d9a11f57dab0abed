package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// placeholderScreen stands in the sidebar for a screen another issue
// builds; it says so rather than showing an empty area.
type placeholderScreen struct {
	key, titleKey string
	ic            func() fyne.Resource
	box           fyne.CanvasObject
}

// placeholder returns a registry constructor for a screen not built yet.
// The icon is a function (theme.CalendarIcon, not theme.CalendarIcon()):
// the registry is built at package initialisation, before the Fyne app
// exists, and theme icons need the app.
func placeholder(id, titleKey string, icon func() fyne.Resource) func(*App) screen {
	return func(a *App) screen {
		msg := widget.NewLabel(lang.L("placeholder.coming"))
		msg.Wrapping = fyne.TextWrapWord
		return &placeholderScreen{key: id, titleKey: titleKey, ic: icon, box: container.NewVBox(msg)}
	}
}

func (p *placeholderScreen) id() string                 { return p.key }
func (p *placeholderScreen) title() string              { return lang.L(p.titleKey) }
func (p *placeholderScreen) icon() fyne.Resource        { return p.ic() }
func (p *placeholderScreen) content() fyne.CanvasObject { return p.box }
func (p *placeholderScreen) refresh()                   {}
