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

// WriteText writes the summary as a plain-text report in its language:
// the counts, then every error, warning, possible duplicate and differing
// value with its row.
func (s *Summary) WriteText(w io.Writer) error { return s.WriteTextBrief(w, 0) }

// WriteTextBrief is WriteText with at most limit lines of each list (0:
// all of them), for a terminal: 1,500 warnings about the same missing
// owner say less than the first few and the count.
func (s *Summary) WriteTextBrief(w io.Writer, limit int) error {
	bw := bufio.NewWriter(w)
	l := s.Lang
	t := func(key string, args ...string) string { return Text(l, key, args...) }
	n := strconv.Itoa
	state := t("sum.saved")
	switch {
	case s.DryRun:
		state = t("sum.dry")
	case s.Cancelled:
		state = t("sum.cancelled")
	case !s.Committed:
		state = t("sum.nothing")
	}
	fmt.Fprintln(bw, t("sum.title", "File", firstNonEmpty(s.File, t("sum.a_file")), "Kind", t("kind."+string(s.Kind)), "State", state))
	fmt.Fprintln(bw, t("sum.counts", "Rows", n(s.Rows), "Created", n(s.Created), "Updated", n(s.Updated), "Skipped", n(s.Skipped), "Errors", n(s.Failed)))
	for _, c := range []struct {
		key string
		n   int
	}{{"sum.accounts", s.AccountsCreated}, {"sum.refs_created", s.RefsCreated}, {"sum.missing", s.Missing},
		{"sum.proposed", s.Proposed}, {"sum.differing", s.Differing}} {
		if c.n > 0 {
			fmt.Fprintln(bw, t(c.key, "Count", n(c.n)))
		}
	}
	list := func(severity string, total int, lines func(i int) string, kept int) {
		shown := kept
		if limit > 0 && shown > limit {
			shown = limit
		}
		for i := 0; i < shown; i++ {
			fmt.Fprintln(bw, t("sum.line", "Severity", t(severity), "Text", lines(i)))
		}
		if k := total - shown; k > 0 {
			fmt.Fprintln(bw, t("sum.more", "Count", n(k)))
		}
	}
	if len(s.MissingNames) > 0 {
		shown := len(s.MissingNames)
		if limit > 0 && shown > limit {
			shown = limit
		}
		for _, m := range s.MissingNames[:shown] {
			fmt.Fprintln(bw, "  "+m.Text(l))
		}
		if k := len(s.MissingNames) - shown; k > 0 {
			fmt.Fprintln(bw, "  "+t("sum.more", "Count", n(k)))
		}
		if limit > 0 && s.RefsCreated == 0 {
			fmt.Fprintln(bw, "  "+t("sum.missing_hint"))
		}
	}
	list("sum.error", len(s.Errors)+s.MoreErrors, func(i int) string { return s.Errors[i].Text(l) }, len(s.Errors))
	warnings, more := s.Warnings, s.MoreWarnings
	if limit > 0 && len(s.MissingNames) > 0 {
		// Listed above by name; the saved summary keeps every row.
		warnings = nil
		for _, w := range s.Warnings {
			if !w.LeftEmpty {
				warnings = append(warnings, w)
			}
		}
		more = max(0, len(s.Warnings)+s.MoreWarnings-s.Missing-len(warnings))
	}
	list("sum.warning", len(warnings)+more, func(i int) string { return warnings[i].Text(l) }, len(warnings))
	list("sum.duplicate", max(s.Proposed, len(s.Proposals)), func(i int) string {
		p := s.Proposals[i]
		return t("sum.line", "Severity", where(l, p.Row, p.Line, ""), "Text", p.Text(l, s.Kind))
	}, len(s.Proposals))
	list("sum.choice", max(s.Differing, len(s.Differences)), func(i int) string {
		d := s.Differences[i]
		return t("sum.line", "Severity", where(l, d.Row, d.Line, ""), "Text", d.Text(l))
	}, len(s.Differences))
	return bw.Flush()
}

// WriteCSV writes the errors, warnings, possible duplicates and differing
// values as a table a spreadsheet opens, in lang's CSV conventions and
// words, after a first row holding the counts.
func (s *Summary) WriteCSV(w io.Writer, lang string) error {
	t := func(key string) string { return Text(lang, key) }
	c := export.NewCSV(w, lang)
	c.Write(t("sum.col.created"), strconv.Itoa(s.Created), t("sum.col.updated"), strconv.Itoa(s.Updated), t("sum.col.skipped"), strconv.Itoa(s.Skipped), t("sum.col.errors"), strconv.Itoa(s.Failed))
	c.Write(t("sum.col.severity"), t("sum.col.row"), t("sum.col.line"), t("sum.col.column"), t("sum.col.field"), t("sum.col.problem"))
	for _, group := range []struct {
		name string
		list []RowError
	}{{t("sum.error"), s.Errors}, {t("sum.warning"), s.Warnings}} {
		for _, e := range group.list {
			c.Write(group.name, strconv.Itoa(e.Row), strconv.Itoa(e.Line), e.Column, e.Field, e.Msg)
		}
	}
	for _, p := range s.Proposals {
		c.Write(t("sum.duplicate"), strconv.Itoa(p.Row), strconv.Itoa(p.Line), "", "", p.Text(lang, s.Kind))
	}
	for _, d := range s.Differences {
		c.Write(t("sum.choice"), strconv.Itoa(d.Row), strconv.Itoa(d.Line), "", d.Field, d.Text(lang))
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
		err = s.WriteCSV(f, firstNonEmpty(s.Lang, "en"))
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
