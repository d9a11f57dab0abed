package main

import (
	"fmt"
	"runtime"

	"relais/model"
)

func searchCommand() command {
	return command{name: "search", usage: "[--limit N] TEXT", summary: "find accounts, contacts, deals, proposals, activities …", store: true,
		run: func(e *env, args []string) error {
			fs := newFlags("search")
			limit := fs.Int("limit", 20, "most results to print")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if fs.NArg() == 0 {
				return usageError{"say what to search for"}
			}
			text := fs.Arg(0)
			for _, a := range fs.Args()[1:] {
				text += " " + a
			}
			hits, err := e.store.Search(e.ctx, text, *limit)
			if err != nil {
				return err
			}
			for _, h := range hits {
				fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", h.Kind, h.ID, h.Label)
			}
			return nil
		}}
}

func outboxCommand() command {
	return command{name: "outbox", usage: "[--list]", summary: "count (or list) the changes waiting to sync", store: true,
		run: func(e *env, args []string) error {
			fs := newFlags("outbox")
			list := fs.Bool("list", false, "print every queued change")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if !*list {
				n, err := e.store.OutboxCount(e.ctx)
				if err != nil {
					return err
				}
				fmt.Fprintln(e.stdout, n)
				return nil
			}
			var after int64
			for {
				chs, err := e.store.Outbox(e.ctx, after, 1000)
				if err != nil {
					return err
				}
				for _, c := range chs {
					fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\t%s\t%s\n", c.Seq, model.FormatTime(c.CreatedAt), c.Op, c.Entity, c.EntityID, c.Data)
					after = c.Seq
				}
				if len(chs) < 1000 {
					return nil
				}
			}
		}}
}

func backupCommand() command {
	return command{name: "backup", usage: "FILE", summary: "copy the database to FILE while it is in use", store: true,
		run: func(e *env, args []string) error {
			if len(args) != 1 {
				return usageError{"give the backup file to write"}
			}
			if err := e.store.Backup(e.ctx, args[0], nil); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "backed up %s to %s\n", e.store.Path(), args[0])
			return nil
		}}
}

func restoreCommand() command {
	return command{name: "restore", usage: "FILE", summary: "replace the database with the backup FILE", store: true,
		run: func(e *env, args []string) error {
			if len(args) != 1 {
				return usageError{"give the backup file to restore"}
			}
			if err := e.store.RestoreBackup(e.ctx, args[0], nil); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "restored %s from %s\n", e.store.Path(), args[0])
			return nil
		}}
}

func checkCommand() command {
	return command{name: "check", summary: "verify the database's integrity", store: true,
		run: func(e *env, args []string) error {
			if err := e.store.Check(e.ctx); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: ok\n", e.store.Path())
			return nil
		}}
}

func versionCommand() command {
	return command{name: "version", summary: "print the version",
		run: func(e *env, args []string) error {
			fmt.Fprintf(e.stdout, "relais %s (schema %d, %s, %s/%s)\n", version, model.SchemaVersion(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		}}
}
