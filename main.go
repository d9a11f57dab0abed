// Command relais is an offline-first desktop workspace for sales
// coordinators. With no command it opens the window; with a command (demo,
// search, backup, hub, sync …) it runs that and exits, never touching a display.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	// First, before Fyne's lang package reads the locale: under a bare "C"
	// locale it would log a parse error on every start, CLI commands included.
	_ "relais/ui/envlocale"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
