package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"relais/export"
	"relais/model"
	"relais/report"
)

func reportCommand() command {
	return command{name: "report", usage: "monthly [--month YYYY-MM] [-o FILE.pdf|.xlsx|.csv] [--lang fr|en] [--currency CODE] | event NAME [-o FILE.pdf|.xlsx|.csv] [--lang fr|en]",
		summary: "write the monthly sales report or a trade-show report", store: true,
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return usageError{"say which report: monthly or event"}
			}
			switch args[0] {
			case "monthly":
				return reportMonthly(e, args[1:])
			case "event":
				return reportEvent(e, args[1:])
			}
			return usageError{fmt.Sprintf("unknown report %q: monthly or event", args[0])}
		}}
}

func agendaCommand() command {
	return command{name: "agenda", usage: "EVENT [-o FILE.pdf] [--lang fr|en]", summary: "write the agenda of a sales meeting or trade show as PDF", store: true,
		run: func(e *env, args []string) error {
			fs := newFlags("agenda")
			out := fs.String("o", "", "PDF file to write (default: agenda-NAME-YEAR.pdf)")
			lang := fs.String("lang", "", "language of the document: fr or en (default: the app's)")
			pos, err := parseInterspersed(fs, args)
			if err != nil {
				return err
			}
			if len(pos) == 0 {
				return usageError{"name the event (its name, \"NAME YEAR\" or its id)"}
			}
			l, err := reportLang(e, *lang)
			if err != nil {
				return err
			}
			ev, err := report.FindEvent(e.ctx, e.store.DB(), strings.Join(pos, " "))
			if err != nil {
				return err
			}
			a, err := report.AgendaOf(e.ctx, e.store, ev.ID)
			if err != nil {
				return err
			}
			lh, err := export.LoadLetterhead(e.ctx, e.store)
			if err != nil {
				return err
			}
			path := *out
			if path == "" {
				path = export.EventFileName("agenda", ev) + ".pdf"
			}
			if ext := strings.ToLower(filepath.Ext(path)); ext != ".pdf" {
				return usageError{fmt.Sprintf("an agenda is written as PDF: %s must end in .pdf", path)}
			}
			var b bytes.Buffer
			if err := export.WriteAgendaPDF(&b, lh, a, l, model.DateOf(e.store.Now())); err != nil {
				return err
			}
			if err := writeFileAtomic(path, b.Bytes()); err != nil {
				return err
			}
			slots := 0
			for _, d := range a.Days {
				slots += len(d.Slots)
			}
			fmt.Fprintf(e.stdout, "wrote %s (%s: %d slots over %d days, %d attendees)\n", path, ev.Name, slots, len(a.Days), len(a.Attendees))
			return nil
		}}
}

// reportLang is the document language: the flag, else the app's setting,
// else the system's.
func reportLang(e *env, flag string) (string, error) {
	switch strings.ToLower(flag) {
	case "fr", "en":
		return strings.ToLower(flag), nil
	case "":
	default:
		return "", usageError{fmt.Sprintf("--lang must be fr or en, not %q", flag)}
	}
	l, err := e.store.Setting(e.ctx, model.SettingLanguage, "")
	if err != nil {
		return "", err
	}
	if l == "fr" || l == "en" {
		return l, nil
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if strings.HasPrefix(strings.ToLower(s), "fr") {
				return "fr", nil
			}
			break
		}
	}
	return "en", nil
}

// outputKind checks the output file's extension.
func outputKind(path string) (string, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".pdf", ".xlsx", ".csv":
		return ext, nil
	}
	return "", usageError{fmt.Sprintf("%s: the output file must end in .pdf, .xlsx or .csv", path)}
}

// writeReport writes a report as PDF (pdf renders it) or its tables as XLSX or CSV.
func writeReport(path, lang string, pdf func(*bytes.Buffer) error, tables func() ([]export.ReportTable, error)) error {
	kind, err := outputKind(path)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	switch kind {
	case ".pdf":
		err = pdf(&b)
	default:
		var ts []export.ReportTable
		if ts, err = tables(); err != nil {
			return err
		}
		if kind == ".xlsx" {
			err = export.WriteReportXLSX(&b, ts)
		} else {
			err = export.WriteReportCSV(&b, ts, lang)
		}
	}
	if err != nil {
		return err
	}
	return writeFileAtomic(path, b.Bytes())
}

func reportMonthly(e *env, args []string) error {
	fs := newFlags("report monthly")
	monthFlag := fs.String("month", "", "the month, YYYY-MM (default: the last complete month)")
	out := fs.String("o", "", "file to write: .pdf, .xlsx or .csv (default: sales-report-YYYY-MM.pdf)")
	lang := fs.String("lang", "", "language: fr or en (default: the app's)")
	currency := fs.String("currency", "", "currency of the report (default: the one most orders are in)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected %q: give the month with --month", pos[0])}
	}
	m := report.MonthOf(e.store.Now().In(time.Local)).Add(-1)
	if *monthFlag != "" {
		if m, err = report.ParseMonth(*monthFlag); err != nil {
			return usageError{fmt.Sprintf("--month: %q is not a month such as 2026-10", *monthFlag)}
		}
	}
	cur := strings.ToUpper(strings.TrimSpace(*currency))
	if cur != "" && len(cur) != 3 {
		return usageError{fmt.Sprintf("--currency: %q is not a three-letter code such as EUR", *currency)}
	}
	l, err := reportLang(e, *lang)
	if err != nil {
		return err
	}
	path := *out
	if path == "" {
		path = export.MonthlyFileName(m, l) + ".pdf"
	}
	if _, err := outputKind(path); err != nil {
		return err
	}
	r, lh, err := export.LoadMonthly(e.ctx, e.store, m, report.Options{Currency: cur, Location: time.Local})
	if err != nil {
		return err
	}
	err = writeReport(path, l, func(b *bytes.Buffer) error { return export.WriteMonthlyPDF(b, lh, r, l) },
		func() ([]export.ReportTable, error) { return export.MonthlyTables(r, l) })
	if err != nil {
		return err
	}
	note := ""
	if r.Partial {
		note = ", month in progress"
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s: %s in %d orders%s)\n", path, m, model.Money{Minor: r.Sales.Value, Currency: r.Currency}, r.Orders.Value, note)
	return nil
}

func reportEvent(e *env, args []string) error {
	fs := newFlags("report event")
	out := fs.String("o", "", "file to write: .pdf, .xlsx or .csv (default: trade-show-NAME-YEAR.pdf)")
	lang := fs.String("lang", "", "language: fr or en (default: the app's)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"name the event (its name, \"NAME YEAR\" or its id)"}
	}
	l, err := reportLang(e, *lang)
	if err != nil {
		return err
	}
	ev, err := report.FindEvent(e.ctx, e.store.DB(), strings.Join(pos, " "))
	if err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return fmt.Errorf("%w; the events are listed on the Events screen", err)
		}
		return err
	}
	path := *out
	if path == "" {
		path = export.EventFileName("trade-show", ev) + ".pdf"
	}
	if _, err := outputKind(path); err != nil {
		return err
	}
	r, err := report.Event(e.ctx, e.store, ev.ID, report.Options{Location: time.Local})
	if err != nil {
		return err
	}
	lh, err := export.LoadLetterhead(e.ctx, e.store)
	if err != nil {
		return err
	}
	err = writeReport(path, l, func(b *bytes.Buffer) error { return export.WriteEventPDF(b, lh, r, l) },
		func() ([]export.ReportTable, error) { return export.EventTables(r, l) })
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%s: %d leads, %d proposals issued, cost %s)\n", path, ev.Name, len(r.Leads), r.Issued, model.Money{Minor: r.Cost, Currency: r.Currency})
	return nil
}
