package main

import (
	"fyne.io/fyne/v2/app"

	"relais/ui"
)

func guiCommand() command {
	return command{name: "gui", summary: "open the Relais window (the default)",
		run: func(e *env, args []string) error {
			// The window opens the store itself so that a database it cannot
			// open is explained in a window rather than on a terminal.
			return ui.Run(e.ctx, app.NewWithID("app.relais.desktop"), e.dbPath, ui.Options{})
		}}
}
