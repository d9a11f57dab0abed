package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"relais/model"
	"relais/sync/ical"
)

func icalCommand() command {
	return command{name: "ical", usage: "import|export|subscribe|refresh|invitations …", summary: "import and export .ics files, calendar feeds, invitations", store: true,
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return usageError{"say what to do: import FILE, export -o FILE, subscribe URL --calendar NAME, refresh, invitations"}
			}
			switch args[0] {
			case "import":
				return icalImport(e, args[1:])
			case "export":
				return icalExport(e, args[1:])
			case "subscribe":
				return icalSubscribe(e, args[1:])
			case "refresh":
				return icalRefresh(e, args[1:])
			case "invitations":
				return icalInvitations(e, args[1:])
			}
			return usageError{fmt.Sprintf("unknown ical command %q", args[0])}
		}}
}

func icalImport(e *env, args []string) error {
	fs := newFlags("ical import")
	cal := fs.String("calendar", "", "calendar to import into (default: the name in the file)")
	zone := fs.String("zone", "", "time zone of times written without one (default: this computer's)")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError{"give one .ics file to import"}
	}
	opts := ical.ImportOptions{Calendar: *cal}
	if *zone != "" {
		loc, err := model.LoadZone(*zone)
		if err != nil {
			return usageError{fmt.Sprintf("%q is not a time zone such as Europe/Paris", *zone)}
		}
		opts.Zone = loc
	}
	if err := checkInput(rest[0], false); err != nil {
		return err
	}
	f, err := os.Open(rest[0])
	if err != nil {
		return fmt.Errorf("cannot open %s: %w", rest[0], err)
	}
	defer f.Close()
	rep, err := ical.Import(e.ctx, e.store, f, opts)
	if err != nil {
		return fmt.Errorf("nothing was imported from %s: %w", rest[0], err)
	}
	fmt.Fprintf(e.stdout, "%s: %d imported, %d updated, %d unchanged, %d skipped\n", rest[0],
		rep.Count(ical.Imported), rep.Count(ical.Updated), rep.Count(ical.Unchanged), rep.Count(ical.Skipped))
	// A hostile file can hold a hundred thousand broken items: the first
	// ones say what is wrong, the count says how much.
	const maxShown = 100
	shown, hidden := 0, 0
	for _, it := range rep.Items {
		if it.Action != ical.Skipped && len(it.Notes) == 0 {
			continue
		}
		if shown == maxShown {
			hidden++
			continue
		}
		shown++
		if it.Action == ical.Skipped {
			fmt.Fprintf(e.stdout, "  skipped %s %q: %s\n", it.Component, it.Summary, it.Reason)
		} else {
			fmt.Fprintf(e.stdout, "  %s line %d %q: %s\n", it.Action, it.Line, it.Summary, strings.Join(it.Notes, "; "))
		}
	}
	if hidden > 0 {
		fmt.Fprintf(e.stdout, "  … and %d more items with a remark\n", hidden)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(e.stdout, "  note: %s\n", w)
	}
	// Partly refused is not success: a script must see it in the exit status.
	if n := rep.Refused(); n > 0 {
		return fmt.Errorf("%s: %d of %d items were refused and nothing of them was written; the others were imported", rest[0], n, len(rep.Items))
	}
	return nil
}

func icalExport(e *env, args []string) error {
	fs := newFlags("ical export")
	cal := fs.String("calendar", "", "calendar to export (default: all calendars)")
	out := fs.String("o", "", "file to write, - for standard output")
	from := fs.String("from", "", "only series with an occurrence on or after this date (YYYY-MM-DD)")
	to := fs.String("to", "", "only series with an occurrence before this date (YYYY-MM-DD)")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageError{"give the file to write with -o FILE (or -o - for standard output)"}
	}
	f := ical.ExportFilter{Calendar: *cal, All: *cal == ""}
	for _, d := range []struct {
		s   string
		dst *time.Time
	}{{*from, &f.From}, {*to, &f.To}} {
		if d.s == "" {
			continue
		}
		date, err := model.ParseDate(d.s)
		if err != nil {
			return usageError{fmt.Sprintf("%q is not a date of the form YYYY-MM-DD", d.s)}
		}
		*d.dst = date.Time(time.Local)
	}
	var w io.Writer = e.stdout
	var file *os.File
	if *out != "-" {
		var err error
		if file, err = os.Create(*out); err != nil {
			return fmt.Errorf("cannot create %s: %w", *out, err)
		}
		w = file
	}
	n, err := ical.Export(e.ctx, e.store.DB(), w, f)
	if file != nil {
		if cerr := file.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("cannot write %s: %w", *out, cerr)
		}
	}
	if err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(e.stdout, "exported %d appointments to %s\n", n, *out)
	}
	return nil
}

func icalSubscribe(e *env, args []string) error {
	fs := newFlags("ical subscribe")
	cal := fs.String("calendar", "", "name of the read-only calendar the feed fills")
	every := fs.Duration("every", time.Hour, "how often to refresh")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *cal == "" {
		return usageError{"give the feed address and --calendar NAME"}
	}
	feed, err := ical.Subscribe(e.ctx, e.store, rest[0], *cal, *every)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "subscribed %q to %s (refreshed every %s)\n", feed.Calendar, feed.URL, feed.Every)
	return icalRefresh(e, []string{"--all"})
}

func icalRefresh(e *env, args []string) error {
	fs := newFlags("ical refresh")
	all := fs.Bool("all", false, "refresh every feed, even those not due")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	res, err := ical.RefreshFeeds(e.ctx, e.store, nil, *all)
	if err != nil {
		return err
	}
	failed := 0
	for _, r := range res {
		switch {
		case r.Err != nil:
			failed++
			fmt.Fprintf(e.stdout, "%s: %s\n", r.Feed.Calendar, sentence(r.Err))
		case r.Report != nil:
			fmt.Fprintf(e.stdout, "%s: %d new, %d updated, %d removed, %d skipped\n", r.Feed.Calendar,
				r.Report.Count(ical.Imported), r.Report.Count(ical.Updated), r.Report.Count(ical.Removed), r.Report.Count(ical.Skipped))
		default:
			fmt.Fprintf(e.stdout, "%s: unchanged\n", r.Feed.Calendar)
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d feeds could not be refreshed; their last copy is kept", failed, len(res))
	}
	return nil
}

func icalInvitations(e *env, args []string) error {
	fs := newFlags("ical invitations")
	dir := fs.String("to-dir", "", "hand the queued invitations over as .eml files in this folder")
	smtpAddr := fs.String("smtp", "", "send the queued invitations through this SMTP server (host:port)")
	from := fs.String("from", "", "sender address for --smtp and --to-dir")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	var sender ical.Sender
	switch {
	case *dir != "" && *smtpAddr != "":
		return usageError{"choose --to-dir or --smtp, not both"}
	case *dir != "":
		sender = &ical.DirSender{Dir: *dir, From: *from}
	case *smtpAddr != "":
		if *from == "" {
			return usageError{"--smtp needs --from ADDRESS"}
		}
		sender = &ical.SMTPSender{Addr: *smtpAddr, From: *from}
	}
	if sender == nil {
		inv, err := ical.Invitations(e.ctx, e.store.DB(), false)
		if err != nil {
			return err
		}
		for _, i := range inv {
			state := "queued"
			if i.LastError != "" {
				state = fmt.Sprintf("failed %d times: %s", i.Attempts, i.LastError)
			}
			fmt.Fprintf(e.stdout, "%d\t%s\t%s\tSEQUENCE %d\t%s\t%s\n", i.Seq, i.Method, i.Subject, i.Sequence, strings.Join(i.Recipients, ", "), state)
		}
		fmt.Fprintf(e.stdout, "%d invitations waiting\n", len(inv))
		return nil
	}
	n, err := ical.Deliver(e.ctx, e.store, sender)
	fmt.Fprintf(e.stdout, "%d invitations handed over\n", n)
	return err
}
