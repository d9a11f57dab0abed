package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"relais/export"
	"relais/model"
)

func proposalCommand() command {
	return command{name: "proposal", usage: "list [--all] | pdf NUMBER [-o FILE] | print NUMBER [--printer NAME] | email NUMBER [-o FILE.eml]",
		summary: "list proposals, write one as PDF, print it or make an e-mail draft", store: true,
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return usageError{"say what to do: list, pdf, print or email"}
			}
			switch args[0] {
			case "list":
				return proposalList(e, args[1:])
			case "pdf":
				return proposalPDF(e, args[1:])
			case "print":
				return proposalPrint(e, args[1:])
			case "email":
				return proposalEmail(e, args[1:])
			}
			return usageError{fmt.Sprintf("unknown proposal command %q", args[0])}
		}}
}

func proposalList(e *env, args []string) error {
	fs := newFlags("proposal list")
	all := fs.Bool("all", false, "include earlier revisions")
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	// Expiry is automatic: bring statuses and prices up to date before showing them.
	today := model.DateOf(e.store.Now())
	if _, err := e.store.ApplyDuePrices(e.ctx, today); err != nil {
		return err
	}
	if _, err := e.store.ExpireProposals(e.ctx, today); err != nil {
		return err
	}
	sums, err := e.store.ProposalSummaries(e.ctx, *all, model.Query{})
	if err != nil {
		return err
	}
	for _, s := range sums {
		status := s.Proposal.Status
		if len(s.Changes) > 0 {
			status += " (catalogue changed)"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", s.Proposal.DisplayNumber(), s.AccountName,
			model.Money{Minor: s.Totals.TotalMinor, Currency: s.Proposal.Currency}, status)
	}
	return nil
}

// loadByNumber finds the proposal NUMBER (latest revision, or the one its
// "-R2" suffix names) and gathers its document data.
func loadByNumber(e *env, number string) (*export.ProposalData, error) {
	p, err := e.store.ProposalByNumber(e.ctx, number, 0)
	if err != nil {
		return nil, fmt.Errorf("no proposal is numbered %s; `relais proposal list` shows them", number)
	}
	return export.LoadProposal(e.ctx, e.store, p.ID)
}

// writeFileAtomic writes data to path through a temporary file, so a failed
// write never leaves half a PDF where a good one was.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".relais-*")
	if err != nil {
		return writeError(path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return writeError(path, err)
	}
	if err := tmp.Close(); err != nil {
		return writeError(path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return writeError(path, err)
	}
	return nil
}

func renderPDF(d *export.ProposalData) ([]byte, error) {
	var b bytes.Buffer
	if err := export.WriteProposalPDF(&b, d); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// proposalFromArgs parses fs's flags and the one proposal number among args,
// and returns that proposal with its rendered PDF: the common start of
// `proposal pdf`, `print` and `email`.
func proposalFromArgs(e *env, fs *flag.FlagSet, args []string) (*export.ProposalData, []byte, error) {
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return nil, nil, err
	}
	if len(pos) != 1 {
		return nil, nil, usageError{"give one proposal number"}
	}
	d, err := loadByNumber(e, pos[0])
	if err != nil {
		return nil, nil, err
	}
	pdf, err := renderPDF(d)
	if err != nil {
		return nil, nil, err
	}
	return d, pdf, nil
}

func proposalPDF(e *env, args []string) error {
	fs := newFlags("proposal pdf")
	out := fs.String("o", "", "PDF file to write (default: NUMBER.pdf in the current folder)")
	d, pdf, err := proposalFromArgs(e, fs, args)
	if err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = export.ProposalFileName(&d.Proposal)
	}
	if err := writeFileAtomic(path, pdf); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s, %s)\n", path, d.Proposal.DisplayNumber(), model.Money{Minor: d.Totals.TotalMinor, Currency: d.Proposal.Currency})
	return nil
}

func proposalPrint(e *env, args []string) error {
	fs := newFlags("proposal print")
	printer := fs.String("printer", "", "CUPS printer (default: the default printer)")
	copies := fs.Int("copies", 1, "number of copies")
	d, pdf, err := proposalFromArgs(e, fs, args)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "relais-print-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir) // lp copies the file to the spooler before it returns
	path := filepath.Join(dir, export.ProposalFileName(&d.Proposal))
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		return err
	}
	job, err := export.Print(e.ctx, path, *printer, *copies)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, strings.TrimSpace("sent "+d.Proposal.DisplayNumber()+" to the printer: "+job))
	return nil
}

func proposalEmail(e *env, args []string) error {
	fs := newFlags("proposal email")
	out := fs.String("o", "", "draft file to write (default: NUMBER.eml in the current folder)")
	d, pdf, err := proposalFromArgs(e, fs, args)
	if err != nil {
		return err
	}
	draft, err := export.ProposalEmail(d, pdf)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := export.WriteEML(&b, draft); err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = strings.TrimSuffix(export.ProposalFileName(&d.Proposal), ".pdf") + ".eml"
	}
	if err := writeFileAtomic(path, b.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s; open it in your mail client to review and send\n", path)
	return nil
}
