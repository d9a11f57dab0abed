package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"relais/export"
	"relais/leads"
	"relais/model"
)

// cliErr drops the "leads: " prefix meant for developers, as sentence
// does for the other packages.
func cliErr(err error) error {
	if err == nil {
		return nil
	}
	if ves, ok := model.AsValidation(err); ok {
		var parts []string
		for _, ve := range ves {
			parts = append(parts, strings.ReplaceAll(ve.Field, "_", " ")+" "+ve.Msg)
		}
		return errors.New(strings.Join(parts, "; "))
	}
	return errors.New(strings.ReplaceAll(err.Error(), "leads: ", ""))
}

// docLang is --lang, else the language chosen in Settings, else English.
func docLang(e *env, flagLang string) (string, error) {
	l := flagLang
	if l == "" {
		var err error
		if l, err = e.store.Setting(e.ctx, model.SettingLanguage, "en"); err != nil {
			return "", err
		}
	}
	switch l {
	case "fr", "en":
		return l, nil
	case "":
		return "en", nil
	}
	return "", usageError{fmt.Sprintf("--lang %q: say fr or en", l)}
}

func runsheetCommand() command {
	return command{name: "runsheet", usage: "EVENT --day YYYY-MM-DD -o FILE.pdf [--home-tz ZONE] [--lang fr|en]",
		summary: "write the run-sheet PDF of one day of an event", store: true,
		run: func(e *env, args []string) error {
			fs := newFlags("runsheet")
			day := fs.String("day", "", "the day, YYYY-MM-DD")
			out := fs.String("o", "", "the PDF file to write")
			homeTZ := fs.String("home-tz", "", "the home time zone printed beside the show's (default: this computer's)")
			lang := fs.String("lang", "", "fr or en (default: the language of Settings)")
			pos, err := parseInterspersed(fs, args)
			if err != nil {
				return err
			}
			if len(pos) != 1 {
				return usageError{"name one event (its name or id)"}
			}
			if *day == "" || *out == "" {
				return usageError{"--day and -o are required"}
			}
			d, err := model.ParseDate(*day)
			if err != nil {
				return usageError{fmt.Sprintf("--day %q is not a date of the form YYYY-MM-DD", *day)}
			}
			home := time.Local
			if *homeTZ != "" {
				if home, err = time.LoadLocation(*homeTZ); err != nil {
					return usageError{fmt.Sprintf("--home-tz %q is not a time zone such as Europe/Paris", *homeTZ)}
				}
			}
			l, err := docLang(e, *lang)
			if err != nil {
				return err
			}
			ev, err := leads.FindEvent(e.ctx, e.store, pos[0])
			if err != nil {
				return cliErr(err)
			}
			data, err := export.LoadRunSheet(e.ctx, e.store, ev.ID, d, home, l)
			if err != nil {
				return err
			}
			var b bytes.Buffer
			if err := export.WriteRunSheetPDF(&b, data); err != nil {
				return err
			}
			if err := writeFileAtomic(*out, b.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "%s: %d items, %d people on site\n", *out, len(data.Items), len(data.Team))
			return nil
		}}
}

func leadCommand() command {
	return command{name: "lead", usage: "add --event EVENT --scan TEXT [--grade A-D] [--notes TEXT] [--consent] [--deal] [--new] | import --event EVENT FILE.vcf [--grade A-D] [--consent]",
		summary: "capture a lead at an event from badge-scan text, or import a .vcf of leads", store: true,
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return usageError{"say what to do: add or import"}
			}
			switch args[0] {
			case "add":
				return leadAdd(e, args[1:])
			case "import":
				return leadImport(e, args[1:])
			}
			return usageError{fmt.Sprintf("unknown lead command %q", args[0])}
		}}
}

// leadAdd captures one lead. It prints the id of the contact saved: a new
// one, or the existing contact the scan matched (which is updated unless
// --new is given); what happened is told on stderr.
func leadAdd(e *env, args []string) error {
	fs := newFlags("lead add")
	event := fs.String("event", "", "the event's name or id")
	scan := fs.String("scan", "", "what the badge scanner typed: a vCard, MECARD, BIZCARD or an e-mail; - reads it from standard input")
	grade := fs.String("grade", "", "A, B, C or D")
	notes := fs.String("notes", "", "what the visitor said")
	consent := fs.Bool("consent", false, "the visitor agreed to be contacted (the consent wording of Settings is recorded)")
	deal := fs.Bool("deal", false, "also open a deal on the pipeline")
	separate := fs.Bool("new", false, "save a new contact even when the scan matches an existing one")
	lang := fs.String("lang", "", "fr or en: the language of the task written (default: Settings)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected %q: quote the scan text after --scan", pos[0])}
	}
	if *event == "" || *scan == "" {
		return usageError{"--event and --scan are required"}
	}
	text := *scan
	if text == "-" {
		b, err := io.ReadAll(io.LimitReader(os.Stdin, 1<<20))
		if err != nil {
			return fmt.Errorf("cannot read the scan from standard input: %w", err)
		}
		text = string(b)
	}
	g := strings.ToUpper(strings.TrimSpace(*grade))
	if g != "" && !strings.Contains("ABCD", g) || len(g) > 1 {
		return usageError{fmt.Sprintf("--grade %q: say A, B, C or D", *grade)}
	}
	l, err := docLang(e, *lang)
	if err != nil {
		return err
	}
	ev, err := leads.FindEvent(e.ctx, e.store, *event)
	if err != nil {
		return cliErr(err)
	}
	card, err := leads.ParseScan(text)
	if err != nil {
		return cliErr(err)
	}
	chk, err := leads.CheckCard(e.ctx, e.store, card)
	if err != nil {
		return cliErr(err)
	}
	cfg, err := leads.LoadConfig(e.ctx, e.store, l)
	if err != nil {
		return cliErr(err)
	}
	me, err := e.store.Setting(e.ctx, model.SettingMe, "")
	if err != nil {
		return err
	}
	lead := leads.Lead{Card: card, EventID: ev.ID, Grade: g, Notes: *notes, Consent: *consent, OwnerID: me, NewDeal: *deal, AccountID: chk.AccountID}
	if chk.Duplicate != nil && !*separate {
		lead.MergeInto = chk.Duplicate.ID
	}
	res, err := leads.Capture(e.ctx, e.store, lead, cfg)
	if err != nil {
		return cliErr(err)
	}
	fmt.Fprintln(e.stdout, res.Contact.ID)
	switch {
	case res.Merged:
		fmt.Fprintf(e.stderr, "Matched the existing contact %s (same %s); updated it.\n", chk.Duplicate.FullName(), reasonText(chk.Reason))
	case chk.Duplicate != nil:
		fmt.Fprintf(e.stderr, "Saved as a new contact although %s has the same %s.\n", chk.Duplicate.FullName(), reasonText(chk.Reason))
	default:
		fmt.Fprintf(e.stderr, "Saved %s as a lead of %s.\n", res.Contact.FullName(), ev.Name)
	}
	if res.Task != nil {
		fmt.Fprintf(e.stderr, "Follow-up due %s.\n", res.Task.Due.In(time.Local).Format("2006-01-02 15:04"))
	}
	return nil
}

func reasonText(r string) string {
	switch r {
	case leads.ReasonEmail:
		return "e-mail"
	case leads.ReasonPhone:
		return "phone number"
	}
	return "name and company"
}

func leadImport(e *env, args []string) error {
	fs := newFlags("lead import")
	event := fs.String("event", "", "the event's name or id")
	grade := fs.String("grade", "", "the grade given to every card: A, B, C or D")
	consent := fs.Bool("consent", false, "the people on the cards agreed to be contacted")
	lang := fs.String("lang", "", "fr or en (default: Settings)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if *event == "" || len(pos) != 1 {
		return usageError{"give --event and one .vcf file"}
	}
	l, err := docLang(e, *lang)
	if err != nil {
		return err
	}
	if err := checkInput(pos[0], false); err != nil {
		return err
	}
	ev, err := leads.FindEvent(e.ctx, e.store, *event)
	if err != nil {
		return cliErr(err)
	}
	f, err := os.Open(pos[0])
	if err != nil {
		return fmt.Errorf("cannot read %s: %w", pos[0], err)
	}
	defer f.Close()
	cfg, err := leads.LoadConfig(e.ctx, e.store, l)
	if err != nil {
		return cliErr(err)
	}
	me, err := e.store.Setting(e.ctx, model.SettingMe, "")
	if err != nil {
		return err
	}
	sum, tasks, err := leads.ImportVCF(e.ctx, e.store, ev.ID, f, leads.ImportOptions{Grade: *grade, Consent: *consent, OwnerID: me, File: pos[0]}, cfg)
	if err != nil {
		return cliErr(err)
	}
	if !sum.Committed {
		for _, re := range sum.Errors {
			fmt.Fprintf(e.stderr, "%s: %s\n", pos[0], re)
		}
		return fmt.Errorf("%s: %d of %d cards cannot be read; nothing was imported", pos[0], sum.Failed, sum.Rows)
	}
	fmt.Fprintf(e.stdout, "%s: %d new, %d updated, %d unchanged; %d follow-up tasks\n", pos[0], sum.Created, sum.Updated, sum.Skipped, tasks)
	return nil
}
