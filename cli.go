package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"relais/model"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// env is what a command runs with: streams, the chosen database path and,
// for commands that need it, the open store.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	dbPath string
	store  *model.Store
}

// command is one CLI verb. Commands that need the local database set store;
// run then finds env.store open and it is closed afterwards.
type command struct {
	name    string
	usage   string
	summary string
	store   bool
	run     func(e *env, args []string) error
}

// commands lists every CLI verb; each lives in its own cli_*.go file.
func commands() []command {
	return []command{
		guiCommand(),
		demoCommand(),
		searchCommand(),
		proposalCommand(),
		reportCommand(),
		agendaCommand(),
		outboxCommand(),
		backupCommand(),
		restoreCommand(),
		checkCommand(),
		importCommand(),
		exportCommand(),
		icalCommand(),
		caldavCommand(),
		versionCommand(),
		hubCommand(),
		syncCommand(),
		runsheetCommand(),
		leadCommand(),
		recordCommand(model.KindContact), recordCommand(model.KindAccount), recordCommand(model.KindDeal), recordCommand(model.KindProduct),
	}
}

// usageError is an error in how the command was called: print usage too.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("relais", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	dbPath := fs.String("db", "", "database file (default: in the user configuration folder)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return 0
		}
		fmt.Fprintf(stderr, "relais: %v\n", err)
		printUsage(stderr)
		return 2
	}
	name := "gui"
	rest := fs.Args()
	if len(rest) > 0 {
		name, rest = rest[0], rest[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		printUsage(stdout)
		return 0
	}
	var cmd *command
	for _, c := range commands() {
		if c.name == name {
			cmd = &c
			break
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "relais: unknown command %q.\n", name)
		printUsage(stderr)
		return 2
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, dbPath: *dbPath}
	if e.dbPath == "" {
		p, err := model.DefaultPath()
		if err != nil {
			fmt.Fprintf(stderr, "relais: %s\n", sentence(err))
			return 1
		}
		e.dbPath = p
	}
	if cmd.store {
		s, err := model.Open(ctx, e.dbPath, model.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "relais: cannot open the database %s: %s\n", e.dbPath, sentence(err))
			return 1
		}
		defer s.Close()
		e.store = s
	}
	if err := cmd.run(e, rest); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "relais %s: %s\nusage: relais [--db PATH] %s %s\n", cmd.name, ue.msg, cmd.name, cmd.usage)
			return 2
		}
		fmt.Fprintf(stderr, "relais %s: %s\n", cmd.name, sentence(err))
		return 1
	}
	return 0
}

// sentence turns an error chain into one readable sentence: the package
// prefixes that help a developer ("model: ") are dropped for the user.
func sentence(err error) string {
	msg := err.Error()
	for _, p := range []string{"model: ", "export: ", "demo: ", "importer: ", "ical: ", "caldav: ", "outbox: ", "hub: ", "ui: ", "report: ", "leads: "} {
		msg = strings.ReplaceAll(msg, p, "")
	}
	// Capitalise a leading word, but not a leading file name ("notes.csv: …"
	// must keep its case to stay the name of the file).
	if first, _, _ := strings.Cut(msg, " "); msg != "" && !strings.ContainsAny(first, "./\\") {
		msg = strings.ToUpper(msg[:1]) + msg[1:]
	}
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg
}

// writeError says that path could not be written and why, naming the file
// the user asked for rather than the temporary file the write went through.
func writeError(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("cannot write %s: %w", path, err)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: relais [--db PATH] [COMMAND] [ARGS]")
	fmt.Fprintln(w, "\nWith no command, Relais opens its window. Commands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
}

// newFlags makes a flag set for a command whose parse errors become usage errors.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseInterspersed parses flags wherever they stand among the positional
// arguments ("pdf Q-2026-… -o file.pdf" as well as "pdf -o file.pdf Q-…"),
// which the flag package alone does not, and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	return nil
}
