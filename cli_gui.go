package main

import (
	"context"

	"fyne.io/fyne/v2/app"

	"relais/model"
	"relais/model/demo"
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
			return ui.Run(e.ctx, fa, path, ui.Options{LoadDemo: loadDemo})
		}}
}

// loadDemo is the welcome screen's "Load demo data": the same dataset as
// `relais demo`, at scale 1 (about 1,500 contacts).
func loadDemo(ctx context.Context, s *model.Store, progress model.Progress) error {
	_, err := demo.Generate(ctx, s, demo.Options{Scale: 1, Seed: 1, Progress: progress})
	return err
}
