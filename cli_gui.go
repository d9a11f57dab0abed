package main

import "relais/ui"

func guiCommand() command {
	return command{name: "gui", summary: "open the Relais window (the default)", store: true,
		run: func(e *env, args []string) error {
			return ui.Run(e.store)
		}}
}
