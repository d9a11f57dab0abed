package main

import (
	"fmt"
	"strings"
	"time"

	"relais/sync/outbox"
)

func syncCommand() command {
	return command{name: "sync", usage: "[--hub URL] [--token T] [--fingerprint SHA256] | --status",
		summary: "sync once with the team hub (the address and token are remembered)", store: true,
		run: func(e *env, args []string) error {
			fs := newFlags("sync")
			hubURL := fs.String("hub", "", "the hub's address, e.g. https://hub.example:8750")
			token := fs.String("token", "", "your hub token (from `relais hub user add`)")
			fp := fs.String("fingerprint", "", "SHA-256 fingerprint of a self-signed hub certificate")
			status := fs.Bool("status", false, "print where the sync stands and exit")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if fs.NArg() > 0 {
				return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
			}
			secrets := outbox.DefaultSecrets(e.store.Path())
			if *hubURL != "" || *token != "" || *fp != "" {
				st, err := outbox.LoadSettings(e.ctx, e.store, secrets)
				if err != nil {
					return err
				}
				if *hubURL != "" {
					st.HubURL = *hubURL
				}
				if *token != "" {
					st.Token = *token
				}
				if *fp != "" {
					st.Fingerprint = *fp
				}
				if err := outbox.SaveSettings(e.ctx, e.store, secrets, st); err != nil {
					return err
				}
				if *token != "" {
					fmt.Fprintf(e.stdout, "token saved in %s\n", secrets.Where())
				}
			}
			sy, err := outbox.New(e.ctx, e.store, outbox.Options{Secrets: secrets})
			if err != nil {
				return err
			}
			if *status {
				st := sy.Status()
				last := "never"
				if !st.LastSuccess.IsZero() {
					last = st.LastSuccess.Local().Format(time.DateTime)
				}
				hubAddr := st.Hub
				if hubAddr == "" {
					hubAddr = "(none: run relais sync --hub URL --token T)"
				}
				fmt.Fprintf(e.stdout, "hub: %s\nlast successful sync: %s\nwaiting: %d\nrejected: %d\nconflicts: %d\ntoken kept in: %s\n",
					hubAddr, last, st.Waiting, st.Rejected, st.Conflicts, st.SecretsAt)
				if demo, _ := e.store.IsDemo(e.ctx); demo {
					st.Reason = outbox.ReasonDemo
				} else if !sy.Settings().Configured() {
					st.Reason = outbox.ReasonNotSetUp
				}
				if why := outbox.Explain(st.Reason, uiLang(e)); why != "" {
					fmt.Fprintf(e.stdout, "%s %s\n", whyLabel(uiLang(e)), why)
					if st.LastError != "" {
						fmt.Fprintf(e.stdout, "last error: %s\n", strings.TrimPrefix(st.LastError, "outbox: "))
					}
				}
				return nil
			}
			if !sy.Settings().Configured() {
				return usageError{"no hub configured yet: give --hub and --token once"}
			}
			rep, err := sy.Sync(e.ctx)
			fmt.Fprintf(e.stdout, "pushed %d, pulled %d, rejected %d, conflicts %d\n", rep.Pushed, rep.Pulled, rep.Rejected, rep.Conflicts)
			if rep.Duplicates > 0 || rep.SetAside > 0 || rep.Reset {
				fmt.Fprintf(e.stdout, "(already on the hub %d, set aside %d, full snapshot %v)\n", rep.Duplicates, rep.SetAside, rep.Reset)
			}
			if err != nil {
				// The cause and what to do first; the error itself follows.
				if why := outbox.Explain(outbox.Reason(err), uiLang(e)); why != "" {
					fmt.Fprintf(e.stderr, "%s %s\n", whyLabel(uiLang(e)), why)
				}
			}
			return err
		}}
}

// whyLabel introduces the sentence that says why a laptop cannot sync.
func whyLabel(lang string) string {
	if lang == "fr" {
		return "pourquoi la synchronisation échoue :"
	}
	return "why it cannot sync:"
}
