package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"relais/model"
	"relais/sync/caldav"
)

// passwordEnv lets scripts (and machines without a keyring) give the CalDAV
// password without typing it.
const passwordEnv = "RELAIS_CALDAV_PASSWORD"

func caldavCommand() command {
	return command{name: "caldav", usage: "add URL --user U [--calendar NAME]… [--create NAME] | sync [--calendar NAME] [--resolve-empty delete|upload] | status",
		summary: "two-way sync with CalDAV calendar servers", store: true,
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return usageError{"say what to do: add URL --user U, sync, or status"}
			}
			switch args[0] {
			case "add":
				return caldavAdd(e, args[1:])
			case "sync":
				return caldavSync(e, args[1:])
			case "status":
				return caldavStatus(e)
			}
			return usageError{fmt.Sprintf("unknown caldav command %q", args[0])}
		}}
}

// multiFlag collects a repeated string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// readPassword takes the password from the environment, else from the first
// line of standard input.
func readPassword(e *env) (string, error) {
	if pw, ok := os.LookupEnv(passwordEnv); ok {
		return pw, nil
	}
	fmt.Fprintf(e.stderr, "Password (or set %s): ", passwordEnv)
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password given: type it, or set %s", passwordEnv)
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func caldavAdd(e *env, args []string) error {
	fs := newFlags("caldav add")
	user := fs.String("user", "", "user name on the server")
	var pick multiFlag
	fs.Var(&pick, "calendar", "server calendar to sync (repeatable; default: all)")
	create := fs.String("create", "", "create a new calendar with this name on the server and sync it")
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 || *user == "" {
		return usageError{"give the server address and --user NAME"}
	}
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	acc, cals, err := caldav.Discover(e.ctx, nil, caldav.Account{URL: rest[0], Username: *user, Password: pw})
	if err != nil {
		return err
	}
	if err := caldav.SaveAccount(e.ctx, e.store, caldav.Keyring{}, &acc); err != nil {
		acc.Password = ""
		if err2 := caldav.SaveAccount(e.ctx, e.store, nil, &acc); err2 != nil {
			return err2
		}
		fmt.Fprintf(e.stderr, "note: %s; give the password with %s when syncing\n", sentence(err), passwordEnv)
	}
	if *create != "" {
		rc, err := caldav.CreateCalendar(e.ctx, nil, acc, *create)
		if err != nil {
			return err
		}
		cals = append(cals, rc)
		pick = append(pick, rc.Name)
	}
	linked := 0
	for _, rc := range cals {
		if len(pick) > 0 && !slices.Contains(pick, rc.Name) && !slices.Contains(pick, rc.Href) {
			continue
		}
		if len(rc.Components) > 0 && !slices.Contains(rc.Components, "VEVENT") {
			continue
		}
		name, err := caldav.LinkCalendar(e.ctx, e.store, acc, rc, "")
		if errors.Is(err, caldav.ErrNameTaken) {
			name, err = caldav.LinkCalendar(e.ctx, e.store, acc, rc, rc.Name+" ("+acc.Username+")")
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "syncing %q (%s)\n", name, rc.Href)
		linked++
	}
	if linked == 0 {
		names := make([]string, len(cals))
		for i, c := range cals {
			names[i] = c.Name
		}
		return fmt.Errorf("no calendar chosen; the server has: %s (or use --create NAME)", strings.Join(names, ", "))
	}
	fmt.Fprintf(e.stdout, "account %s added; run relais caldav sync\n", acc.URL)
	return nil
}

func caldavSync(e *env, args []string) error {
	fs := newFlags("caldav sync")
	only := fs.String("calendar", "", "sync only this calendar")
	resolve := fs.String("resolve-empty", "", "answer an empty server listing: delete (here too) or upload (again)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *resolve != "" {
		if *only == "" || (*resolve != "delete" && *resolve != "upload") {
			return usageError{"--resolve-empty takes delete or upload, with --calendar NAME"}
		}
		if err := caldav.ResolveEmpty(e.ctx, e.store, *only, *resolve == "delete"); err != nil {
			return err
		}
	}
	secrets := envSecrets{fallback: caldav.Keyring{}}
	sy := &caldav.Syncer{Store: e.store, Secrets: secrets}
	var results []caldav.Result
	var err error
	if *only != "" {
		info, cerr := e.store.Calendar(e.ctx, *only)
		if cerr != nil || info.Source != model.CalendarCalDAV {
			return fmt.Errorf("%q is not a CalDAV calendar here", *only)
		}
		accs, aerr := caldav.Accounts(e.ctx, e.store.DB())
		if aerr != nil {
			return aerr
		}
		for _, a := range accs {
			if a.ID == info.AccountID {
				a.Password, _ = secrets.Get(a.ID)
				r, serr := sy.Sync(e.ctx, a, *only)
				results, err = append(results, r), serr
			}
		}
	} else {
		results, err = sy.SyncAll(e.ctx)
	}
	for _, r := range results {
		fmt.Fprintf(e.stdout, "%s: %d created, %d updated, %d deleted on the server; %d received, %d removed here; %d merged, %d conflicts kept as copies, %d unreadable\n",
			r.Calendar, r.Created, r.Updated, r.Deleted, r.Pulled, r.RemoteDeleted, r.Merged, r.Conflicts, r.Unreadable)
		if r.EmptyListing {
			fmt.Fprintf(e.stdout, "%s: the server lists no appointment although some were synced; nothing was deleted.\n  Run: relais caldav sync --calendar %q --resolve-empty delete|upload\n", r.Calendar, r.Calendar)
		}
	}
	if len(results) == 0 && err == nil {
		fmt.Fprintln(e.stdout, "no CalDAV calendar to sync; add one with relais caldav add URL --user NAME")
	}
	return err
}

// envSecrets reads the password from RELAIS_CALDAV_PASSWORD when set, else the keyring.
type envSecrets struct{ fallback caldav.Secrets }

func (s envSecrets) Get(id string) (string, error) {
	if pw, ok := os.LookupEnv(passwordEnv); ok {
		return pw, nil
	}
	return s.fallback.Get(id)
}

func (s envSecrets) Set(id, pw string) error { return s.fallback.Set(id, pw) }

func caldavStatus(e *env) error {
	accs, err := caldav.Accounts(e.ctx, e.store.DB())
	if err != nil {
		return err
	}
	for _, a := range accs {
		fmt.Fprintf(e.stdout, "account %s (%s)\n", a.URL, a.Username)
	}
	cals, err := e.store.Calendars(e.ctx)
	if err != nil {
		return err
	}
	for _, c := range cals {
		if c.Source != model.CalendarCalDAV {
			continue
		}
		n, err := caldav.Pending(e.ctx, e.store.DB(), c.Name)
		if err != nil {
			return err
		}
		state := "in step"
		switch {
		case c.Pending:
			state = "waiting for your decision about an empty server listing"
		case c.LastError != "":
			state = "last sync failed: " + c.LastError
		}
		fmt.Fprintf(e.stdout, "%s\t%d changes waiting\t%s\n", c.Name, n, state)
	}
	notices, err := caldav.Notices(e.ctx, e.store.DB())
	if err != nil {
		return err
	}
	for _, n := range notices {
		fmt.Fprintf(e.stdout, "! %s %s: %s %s\n", n.Calendar, n.Kind, n.Message, n.Detail)
	}
	return nil
}
