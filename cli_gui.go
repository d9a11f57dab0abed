package main

import (
	"fyne.io/fyne/v2/app"

	"relais/model"
	"relais/ui"
)

func guiCommand() command {
	return command{name: "gui", summary: "open the Relais window (the default)",
		run: func(e *env, args []string) error {
			fa := app.NewWithID("app.relais.desktop")
			path := e.dbPath
			// Without --db, open the database chosen last in Settings.
			if def, err := model.DefaultPath(); err == nil && path == def {
				if p := fa.Preferences().String("db.path"); p != "" {
					path = p
				}
			}
			// The window opens the store itself so that a database it cannot
			// open is explained in a window rather than on a terminal.
			return ui.Run(e.ctx, fa, path, ui.Options{})
		}}
}
