package importer

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"relais/export"
)

// WriteText writes the summary as a plain-text report: the counts, then
// every error and warning with its row.
func (s *Summary) WriteText(w io.Writer) error {
	bw := bufio.NewWriter(w)
	state := "saved"
	switch {
	case s.DryRun:
		state = "dry run: nothing was saved"
	case s.Cancelled:
		state = "cancelled: nothing was saved"
	case !s.Committed:
		state = "nothing was saved"
	}
	fmt.Fprintf(bw, "Import of %s (%s): %s\n", firstNonEmpty(s.File, "a file"), s.Kind, state)
	fmt.Fprintf(bw, "rows %d, created %d, updated %d, skipped %d, errors %d\n", s.Rows, s.Created, s.Updated, s.Skipped, s.Failed)
	if s.AccountsCreated > 0 {
		fmt.Fprintf(bw, "accounts created: %d\n", s.AccountsCreated)
	}
	for _, e := range s.Errors {
		fmt.Fprintln(bw, "error:", e)
	}
	if s.MoreErrors > 0 {
		fmt.Fprintf(bw, "… and %d more errors\n", s.MoreErrors)
	}
	for _, e := range s.Warnings {
		fmt.Fprintln(bw, "warning:", e)
	}
	return bw.Flush()
}

// WriteCSV writes the errors and warnings as a table a spreadsheet opens,
// in lang's CSV conventions, after a first row holding the counts.
func (s *Summary) WriteCSV(w io.Writer, lang string) error {
	c := export.NewCSV(w, lang)
	c.Write("created", strconv.Itoa(s.Created), "updated", strconv.Itoa(s.Updated), "skipped", strconv.Itoa(s.Skipped), "errors", strconv.Itoa(s.Failed))
	c.Write("severity", "row", "line", "column", "field", "problem")
	for _, group := range []struct {
		name string
		list []RowError
	}{{"error", s.Errors}, {"warning", s.Warnings}} {
		for _, e := range group.list {
			c.Write(group.name, strconv.Itoa(e.Row), strconv.Itoa(e.Line), e.Column, e.Field, e.Msg)
		}
	}
	return c.Flush()
}

// Save writes the summary to path: a CSV table for .csv, a text report otherwise.
func (s *Summary) Save(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("importer: save the summary: %w", err)
	}
	if strings.EqualFold(filepath.Ext(path), ".csv") {
		err = s.WriteCSV(f, "en")
	} else {
		err = s.WriteText(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("importer: save the summary: %w", err)
	}
	return nil
}
