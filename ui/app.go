// Package ui is Relais' Fyne desktop interface: the main window, its
// navigation and one file per screen. It reads and writes through model and
// hands long work to goroutines whose results come back with fyne.Do.
package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"relais/model"
)

// Run opens the main window on store and blocks until it is closed.
func Run(store *model.Store) error {
	a := app.NewWithID("app.relais.desktop")
	w := a.NewWindow("Relais")
	w.SetContent(widget.NewLabel("Relais — " + store.Path()))
	w.Resize(fyne.NewSize(1280, 720))
	w.ShowAndRun()
	return nil
}
