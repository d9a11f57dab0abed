package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"relais/export"
	"relais/importer"
	"relais/model"
)

// listKinds are the lists `relais import` and `relais export` know by name.
var listKinds = map[string]model.Kind{
	"contacts": model.KindContact, "accounts": model.KindAccount, "products": model.KindProduct,
	"prices": model.KindProductPrice, "deals": model.KindDeal, "orders": model.KindOrder,
	"activities": model.KindActivity, "tasks": model.KindTask, "events": model.KindEvent, "vendors": model.KindVendor,
	"proposals": model.KindProposal, "issues": model.KindClientIssue, "team": model.KindTeamMember, "appointments": model.KindAppointment,
}

// importable are the kinds `relais import` reads from CSV/XLSX.
var importable = []string{"contacts", "accounts", "products", "prices", "deals", "orders"}

func importCommand() command {
	return command{name: "import", usage: "contacts|accounts|products|prices|deals|orders FILE [--mapping FILE] [--dry-run] [--skip-bad-rows] [--on-duplicate merge|update|skip|create] [--create-missing] [--summary FILE] [--lang fr|en] | all DIR",
		summary: "bring in a CSV, Excel or vCard file, or an export-all folder", store: true,
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return usageError{"say what to import: " + strings.Join(importable, ", ") + " or all"}
			}
			what, rest := args[0], args[1:]
			if what == "all" {
				return importAll(e, rest)
			}
			k, ok := listKinds[what]
			if !ok || !contains(importable, what) {
				return usageError{fmt.Sprintf("cannot import %q: say %s or all", what, strings.Join(importable, ", "))}
			}
			fs := newFlags("import")
			mappingPath := fs.String("mapping", "", "JSON file mapping columns to fields")
			dryRun := fs.Bool("dry-run", false, "check everything, save nothing")
			skipBad := fs.Bool("skip-bad-rows", false, "import the good rows even if some rows have errors")
			onDup := fs.String("on-duplicate", "merge", "a row whose e-mail, id or number is an existing record's: merge (fill its empty fields, keep its other values), update (also replace them), skip or create; a shared phone or name never merges")
			createMissing := fs.Bool("create-missing", false, "create the team members and events rows name that do not exist (otherwise they are left empty, with a warning)")
			summaryPath := fs.String("summary", "", "also save the summary to this file (.csv or .txt)")
			currency := fs.String("currency", "", "currency of amounts that give none (default EUR)")
			lang := fs.String("lang", "", "fr or en: the language of the messages and summary, and how ambiguous numbers are read (default: the app's language)")
			noHeader := fs.Bool("no-header", false, "the file's first row is data, not column titles")
			encoding := fs.String("encoding", "", "utf-8, windows-1252, iso-8859-1 or utf-16 (default: detected)")
			if err := parseFlags(fs, reorderFlags(rest)); err != nil {
				return err
			}
			if fs.NArg() != 1 {
				return usageError{"give one file to import"}
			}
			path := fs.Arg(0)
			if err := checkInput(path, false); err != nil {
				return err
			}
			opts := importer.Options{Kind: k, SkipBadRows: *skipBad, DryRun: *dryRun, Currency: *currency, Lang: firstNonEmptyStr(*lang, uiLang(e)),
				File: filepath.Base(path), CreateMissing: *createMissing}
			var err error
			if opts.OnDuplicate, err = importer.ParseAction(*onDup); err != nil {
				return usageError{err.Error()}
			}
			fo := importer.FileOptions{Encoding: *encoding}
			if *noHeader {
				fo.Header = importer.HeaderNo
			}
			var mf *importer.MappingFile
			if *mappingPath != "" {
				if err := checkInput(*mappingPath, false); err != nil {
					return err
				}
				if mf, err = importer.LoadMapping(*mappingPath); err != nil {
					return err
				}
				mfo, err := mf.FileOptions()
				if err != nil {
					return err
				}
				fo.Encoding, fo.Delimiter, fo.Sheet = firstNonEmptyStr(fo.Encoding, mfo.Encoding), mfo.Delimiter, mfo.Sheet
				if fo.Header == "" {
					fo.Header = mfo.Header
				}
				opts.SkipBadRows = opts.SkipBadRows || mf.SkipBadRows
				opts.Currency = firstNonEmptyStr(opts.Currency, mf.Currency)
				opts.DateOrder = mf.DateOrder
				if mf.Decimal != "" {
					opts.Decimal = mf.Decimal[0]
				}
				if mf.OnDuplicate != "" && !flagSet(rest, "on-duplicate") {
					if opts.OnDuplicate, err = importer.ParseAction(mf.OnDuplicate); err != nil {
						return err
					}
				}
			}
			var src importer.Source
			if importer.IsVCard(path) {
				if k != model.KindContact {
					return usageError{"a vCard file holds contacts: use relais import contacts " + path}
				}
				src, err = importer.OpenVCard(path)
			} else {
				src, err = importer.Open(path, fo)
			}
			if err != nil {
				return err
			}
			defer src.Close()
			if !importer.IsVCard(path) {
				opts.Mapping = importer.Suggest(k, src.Columns())
				if mf != nil {
					if opts.Mapping, err = mf.Apply(k, src.Columns(), opts.Mapping); err != nil {
						return err
					}
				}
				printMapping(e, k, src.Columns(), opts.Mapping)
			}
			sum, err := importer.Run(e.ctx, e.store, src, opts)
			if sum != nil {
				printSummary(e, sum)
				if *summaryPath != "" {
					if serr := sum.Save(*summaryPath); serr != nil {
						return serr
					}
				}
			}
			if err != nil {
				return err
			}
			t := func(key string) error {
				return errors.New(importer.Text(opts.Lang, key, "Failed", strconv.Itoa(sum.Failed), "Rows", strconv.Itoa(sum.Rows)))
			}
			if !sum.Committed && !sum.DryRun {
				return t("cli.nothing_imported")
			}
			if sum.Failed > 0 {
				// Partly refused: a script must not take it for a clean import.
				if sum.DryRun {
					return t("cli.dry_refused")
				}
				return t("cli.part_refused")
			}
			return nil
		}}
}

func importAll(e *env, args []string) error {
	if len(args) != 1 {
		return usageError{"give the export folder to read"}
	}
	if err := checkInput(args[0], true); err != nil {
		return err
	}
	sum, err := importer.All(e.ctx, e.store, args[0], nil)
	if err != nil {
		return err
	}
	l := uiLang(e)
	for _, msg := range sum.Errors {
		fmt.Fprintln(e.stdout, importer.Text(l, "sum.line", "Severity", importer.Text(l, "sum.error"), "Text", msg))
	}
	if !sum.Committed {
		return errors.New(importer.Text(l, "cli.nothing_imported_all", "Failed", strconv.Itoa(len(sum.Errors)+sum.MoreErrors)))
	}
	total := 0
	for _, k := range model.Kinds() {
		if n := sum.Counts[k]; n > 0 {
			fmt.Fprintf(e.stdout, "%-15s %d\n", k, n)
			total += n
		}
	}
	fmt.Fprintln(e.stdout, importer.Text(l, "cli.imported_all", "Count", strconv.Itoa(total), "Dir", args[0]))
	return nil
}

func printMapping(e *env, k model.Kind, cols []string, m importer.Mapping) {
	for i, c := range cols {
		to := "(ignored)"
		if i < len(m) && m[i] != "" {
			to = m[i]
		}
		fmt.Fprintf(e.stderr, "column %-28q → %s\n", c, to)
	}
}

// printSummary prints the import's report in the language of the import:
// the one --summary saves as text, with the first 20 lines of each list.
func printSummary(e *env, s *importer.Summary) {
	s.WriteTextBrief(e.stdout, 20)
}

func exportCommand() command {
	return command{name: "export", usage: "contacts|accounts|products|prices|deals|orders|… -o FILE (.csv, .xlsx or .vcf) [--lang fr|en] [--vcard 3.0|4.0] [--deleted] | all -o DIR",
		summary: "write a list to CSV, Excel or vCard, or everything to a folder", store: true,
		run: func(e *env, args []string) error {
			if len(args) == 0 {
				return usageError{"say what to export: contacts, accounts, products, deals, orders … or all"}
			}
			what := args[0]
			fs := newFlags("export")
			out := fs.String("o", "", "file (or folder, for all) to write")
			lang := fs.String("lang", "", "fr or en: column titles, separators (default: the app's language)")
			vcardVersion := fs.String("vcard", export.VCard4, "vCard version: 4.0, or 3.0 for older phones")
			deleted := fs.Bool("deleted", false, "include records in the trash")
			if err := parseFlags(fs, reorderFlags(args[1:])); err != nil {
				return err
			}
			if *out == "" || fs.NArg() > 0 {
				return usageError{"give the file to write with -o"}
			}
			if what == "all" {
				m, err := export.All(e.ctx, e.store.DB(), *out, export.AllOptions{AppVersion: version})
				if err != nil {
					return err
				}
				n := 0
				for _, k := range m.Kinds {
					n += k.Count
				}
				fmt.Fprintf(e.stdout, "exported %d records (%d kinds) to %s\n", n, len(m.Kinds), *out)
				return nil
			}
			k, ok := listKinds[what]
			if !ok {
				return usageError{fmt.Sprintf("cannot export %q", what)}
			}
			opts := export.Options{Lang: firstNonEmptyStr(*lang, uiLang(e)), Location: time.Local}
			n, err := exportList(e, k, *out, *deleted, *vcardVersion, opts)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "exported %d %s to %s\n", n, what, *out)
			return nil
		}}
}

// exportList writes one list to path, the format chosen by its extension
// (export.ListFile, shared with the window's Export…).
func exportList(e *env, k model.Kind, path string, deleted bool, vcardVersion string, opts export.Options) (int, error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext != ".csv" && ext != ".xlsx" && ext != ".vcf" {
		return 0, usageError{"the file must end in .csv, .xlsx or .vcf"}
	}
	if ext == ".vcf" && k != model.KindContact {
		return 0, usageError{"only contacts export to vCard (.vcf)"}
	}
	return export.ListFile(e.ctx, e.store.DB(), k, model.Query{WithDeleted: deleted}, path, vcardVersion, opts)
}

// uiLang is the language the user chose in the app, else the system's.
func uiLang(e *env) string {
	if e.store != nil {
		if l, err := e.store.Setting(e.ctx, model.SettingLanguage, ""); err == nil && l != "" {
			return l
		}
	}
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if strings.HasPrefix(l, "fr") {
				return "fr"
			}
			return "en"
		}
	}
	return "en"
}

// reorderFlags moves flags before positional arguments, so that
// `relais import contacts FILE --dry-run` works as people type it.
func reorderFlags(args []string) []string {
	var flags, pos []string
	valued := map[string]bool{"-mapping": true, "-on-duplicate": true, "-summary": true, "-currency": true, "-lang": true, "-encoding": true, "-o": true, "-vcard": true}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") && a != "-" {
			flags = append(flags, a)
			name := "-" + strings.TrimLeft(a, "-")
			if valued[name] && !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
			continue
		}
		pos = append(pos, a)
	}
	return append(flags, pos...)
}

func flagSet(args []string, name string) bool {
	for _, a := range args {
		if strings.TrimLeft(strings.SplitN(a, "=", 2)[0], "-") == name {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

func firstNonEmptyStr(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// checkInput says in a sentence why path cannot be read as the file (or,
// with dir, the folder) a command was given, before a library reports it as
// "read x: is a directory". Each message starts with a word, not the path:
// sentence() capitalises the first letter.
func checkInput(path string, dir bool) error {
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("there is no file or folder %s", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("cannot read %s: permission denied", path)
	case err != nil:
		return fmt.Errorf("cannot read %s: %w", path, err)
	case dir && !st.IsDir():
		return fmt.Errorf("cannot read %s: it is a file; give the folder written by relais export all", path)
	case !dir && st.IsDir():
		return fmt.Errorf("cannot read %s: it is a folder, not a file", path)
	}
	return nil
}
