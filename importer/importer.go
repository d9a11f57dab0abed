// Package importer brings contacts, accounts, products, price lists, deals
// and orders into Relais from CSV, XLSX and vCard files, and reads back the
// folder that export.All writes.
//
// A file is read as a stream of rows (Source); each row is mapped column by
// column to a kind's fields (Mapping, with Suggest proposing one from the
// titles), converted and validated, matched against existing records
// (de-duplication) and written through model.Tx so that every record gets its
// outbox row. A whole import is one transaction: all or nothing, or — when
// the user asks to skip bad rows — one savepoint per row inside it. A dry run
// is the same import rolled back, so it reports exactly what would happen.
package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"relais/export"
	"relais/model"
)

// Action is what to do with a row that matches an existing record.
type Action string

// Actions on a row that strongly matches an existing record (match.go).
// Whatever the action, a weak match (a shared phone, the same name) only
// proposes a duplicate: the row becomes a record of its own.
const (
	Merge  Action = "merge"  // fill the record's empty fields; keep its differing values unless Choices say otherwise (the default)
	Update Action = "update" // also replace its differing values with the row's non-empty ones
	Skip   Action = "skip"   // leave the existing record alone
	Create Action = "create" // create a new record anyway
)

// ParseAction reads an action name; "" is Merge.
func ParseAction(s string) (Action, error) {
	switch a := Action(strings.ToLower(strings.TrimSpace(s))); a {
	case Merge, Update, Skip, Create:
		return a, nil
	case "", "fill":
		return Merge, nil
	}
	return "", fmt.Errorf("importer: %s: say merge, update, skip or create", quote(s))
}

// Options tune an import.
type Options struct {
	Kind        model.Kind
	Mapping     Mapping // per column; nil: Suggest from the titles
	OnDuplicate Action  // Merge when empty
	// Choices say, per row and field, what to do with a value that differs
	// from the stored record's; a key with Row 0 holds for every row. A
	// value with no choice is kept (Merge) or replaced (Update).
	Choices map[ChoiceKey]Choice
	// CreateMissing creates the team members and events that rows name
	// and Relais does not have; otherwise the reference is left empty and
	// the row imports with a warning.
	SkipBadRows bool   // import the good rows and report the others, instead of all or nothing
	DryRun      bool   // do everything, then roll back
	Lang        string // "fr" or "en": how ambiguous numbers and dates are read by default
	Currency    string // for amounts with no currency; EUR when empty
	DateOrder   string // DMY or MDY; DMY when empty
	Decimal     byte   // '.' or ','; from Lang when 0
	Location    *time.Location
	// NoCreateAccounts stops the import from creating the accounts that
	// contacts, deals and orders name but that do not exist yet.
	NoCreateAccounts bool
	CreateMissing    bool
	Source           string // the Source given to new contacts; "import" when empty
	MaxErrors        int    // row errors kept in detail; 1000 when 0
	Progress         func(Progress)
	File             string // for the summary
}

// Progress reports how far an import has come.
type Progress struct {
	Rows     int
	Fraction float64 // of the file read, 0 to 1
}

// RowError is one problem found in one row.
type RowError struct {
	Row    int    // as a spreadsheet numbers it (the header is row 1); for vCards, the card's number
	Line   int    // the file line where the row starts (CSV, vCard), 0 if not known
	Column string // the column's title, "" when the problem is the whole row
	Field  string // the field it feeds
	Code   string // the model.ValidationError code when the store refused the value, for translation
	Msg    string // a sentence in the import's language (Options.Lang), any value quoted clipped to MaxQuote
	// LeftEmpty marks a reference to a record Relais does not have, left
	// empty: a brief summary shows those grouped by name (MissingNames).
	LeftEmpty bool
}

func (e RowError) String() string { return e.Text("en") }

// Text is the error with its row and column, framed in lang.
func (e RowError) Text(lang string) string {
	return Text(lang, "sum.line", "Severity", where(lang, e.Row, e.Line, e.Column), "Text", e.Msg)
}

// where names a row (and its line and column) in lang.
func where(lang string, row, line int, column string) string {
	s := Text(lang, "row", "Row", strconv.Itoa(row))
	if line > 0 && line != row {
		s = Text(lang, "row_line", "Row", strconv.Itoa(row), "Line", strconv.Itoa(line))
	}
	if column != "" {
		s = Text(lang, "row_column", "Where", s, "Column", quote(column))
	}
	return s
}

// Proposal is a possible duplicate: a row that weakly matches an existing
// record (same phone, same name) and was imported as a record of its own.
type Proposal struct {
	Row, Line int
	ID        string // the existing record it may duplicate
	Label     string // that record's name
	Reason    string // the weak key they share (ReasonPhone, ReasonName)
	NewID     string // the record the row created
}

// Text is the proposal as a sentence in lang.
func (p Proposal) Text(lang string, k model.Kind) string {
	key := "proposal"
	if k != model.KindContact {
		key = "proposal_other"
	}
	return Text(lang, key, "Name", quote(p.Label), "Reason", Text(lang, "reason."+p.Reason))
}

// Summary is the outcome of an import, to show and to save.
type Summary struct {
	Kind            model.Kind
	File            string
	DryRun          bool
	Committed       bool // the changes were saved
	Cancelled       bool
	Rows            int // data rows read
	Created         int
	Updated         int
	Skipped         int           // duplicates left alone, and unchanged ones
	Failed          int           // rows with errors
	AccountsCreated int           // accounts created because a row named one that did not exist
	RefsCreated     int           // team members and events created (Options.CreateMissing)
	Missing         int           // references to records Relais does not have, left empty (each is a warning)
	MissingNames    []MissingName // those references by name, most rows first
	Proposed        int           // rows imported apart from the record they weakly match
	Differing       int           // values of the file that differ from the stored ones
	Errors          []RowError
	MoreErrors      int        // errors not kept in Errors
	Warnings        []RowError // problems that did not stop their row (the first MaxErrors)
	MoreWarnings    int
	Proposals       []Proposal   // the first MaxErrors
	Differences     []Difference // the first MaxErrors
	Lang            string       // the language of the messages
	Duration        time.Duration
}

// MissingName is one name the file uses that Relais has no record for
// (an owner who is not in this team, an event or a product): 1,500 warnings
// about three owners read best as three lines.
type MissingName struct {
	Kind  model.Kind // team_member, event, account or product
	Value string     // the file's text, clipped
	Rows  int        // rows that name it
}

// Text is the name as a sentence in lang.
func (m MissingName) Text(lang string) string {
	return Text(lang, "sum.missing_name", "Kind", Text(lang, "kind."+string(m.Kind)), "Value", quote(m.Value), "Count", strconv.Itoa(m.Rows))
}

// Refused is how many rows were not imported because of their errors.
func (s *Summary) Refused() int { return s.Failed }

// errRollback ends a dry run or a failed all-or-nothing import.
var errRollback = errors.New("importer: roll back")

// Run imports every row of src into store and reports what happened. The
// returned error is for failures of the import itself (the database, the
// file, a cancel); bad rows are in the summary.
func Run(ctx context.Context, store *model.Store, src Source, opts Options) (*Summary, error) {
	return run(ctx, store, src, opts, 0, nil)
}

// PreviewRow is one row as it would be stored.
type PreviewRow struct {
	Row    int
	Action string           // "create", "update", "skip" or "error"
	Values []export.Value   // in export.Columns(kind) order; nil for an error
	Fields model.FieldMap   // the stored values
	Errors []RowError       //
	Record model.Record     // the record as it would be written
	Extra  []model.FieldMap // order lines created with the row
	// Differences are the row's values that differ from the record it
	// matches, with the choice the import would make (to offer the others).
	Differences []Difference
	Proposal    *Proposal  // the record the row may duplicate, when it weakly matches one
	Warnings    []RowError // unknown references left empty, and the like
}

// Preview runs the import of the first n rows without saving anything and
// returns them as they would be stored, with their errors.
func Preview(ctx context.Context, store *model.Store, src Source, opts Options, n int) ([]PreviewRow, *Summary, error) {
	var rows []PreviewRow
	opts.DryRun = true
	sum, err := run(ctx, store, src, opts, n, func(pr PreviewRow) { rows = append(rows, pr) })
	return rows, sum, err
}

func run(ctx context.Context, store *model.Store, src Source, opts Options, limit int, preview func(PreviewRow)) (*Summary, error) {
	start := time.Now()
	if opts.OnDuplicate == "" {
		opts.OnDuplicate = Merge
	}
	if !strings.HasPrefix(opts.Lang, "fr") {
		opts.Lang = "en"
	} else {
		opts.Lang = "fr"
	}
	if opts.Currency == "" {
		opts.Currency = "EUR"
	}
	if opts.MaxErrors == 0 {
		opts.MaxErrors = 1000
	}
	if opts.Source == "" {
		opts.Source = "import"
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Mapping == nil {
		if fixed, ok := src.(interface{ Mapping() Mapping }); ok {
			opts.Mapping = fixed.Mapping()
		} else {
			opts.Mapping = Suggest(opts.Kind, src.Columns())
		}
	}
	sum := &Summary{Kind: opts.Kind, File: opts.File, DryRun: opts.DryRun, Lang: opts.Lang}
	cols := src.Columns()
	fields := make([]*Field, len(cols))
	for i := range cols {
		if i < len(opts.Mapping) && opts.Mapping[i] != "" {
			f, ok := fieldByName(opts.Kind, opts.Mapping[i])
			if !ok {
				return sum, fmt.Errorf("importer: column %s: %s is not a field of %s", quote(cols[i]), quote(opts.Mapping[i]), opts.Kind)
			}
			fields[i] = &f
		}
	}
	mapped := false
	for _, f := range fields {
		mapped = mapped || f != nil
	}
	if !mapped {
		return sum, errors.New("importer: no column is mapped to a field: choose at least one")
	}
	err := store.Write(ctx, func(tx *model.Tx) error {
		e, err := newEngine(ctx, tx, opts, cols, fields, sum, preview)
		if err != nil {
			return err
		}
		if err := e.loop(src, limit); err != nil {
			return err
		}
		if opts.DryRun || (!opts.SkipBadRows && sum.Failed > 0) {
			return errRollback
		}
		return nil
	})
	sum.Duration = time.Since(start)
	sort.SliceStable(sum.MissingNames, func(i, j int) bool { return sum.MissingNames[i].Rows > sum.MissingNames[j].Rows })
	switch {
	case err == nil:
		sum.Committed = true
	case errors.Is(err, errRollback):
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		sum.Cancelled = true
		return sum, fmt.Errorf("importer: cancelled; nothing was saved: %w", err)
	default:
		return sum, err
	}
	return sum, nil
}

// loop reads the rows and imports each, honouring cancel and reporting progress.
func (e *engine) loop(src Source, limit int) error {
	for {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		e.sum.Rows++
		if err != nil {
			if row.Num == 0 {
				return fmt.Errorf("importer: read %s: %w", firstNonEmpty(e.opts.File, "the file"), err)
			}
			e.fail(row, RowError{Row: row.Num, Line: row.Line, Msg: e.readMsg(err)})
			continue
		}
		if err := e.row(row); err != nil {
			return err
		}
		if e.opts.Progress != nil && e.sum.Rows%500 == 0 {
			e.opts.Progress(Progress{Rows: e.sum.Rows, Fraction: src.Progress()})
		}
		if limit > 0 && e.sum.Rows >= limit {
			break
		}
	}
	if err := e.finish(); err != nil {
		return err
	}
	if e.opts.Progress != nil {
		e.opts.Progress(Progress{Rows: e.sum.Rows, Fraction: 1})
	}
	return nil
}

// row imports one row inside a savepoint when bad rows are skipped, so that
// a failure half-way (an account created, then the contact refused) leaves
// nothing behind.
func (e *engine) row(row Row) error {
	if !e.opts.SkipBadRows {
		return e.commitRow(row)
	}
	err := e.tx.Try(func() error { return e.commitRow(row) })
	if errors.Is(err, errRowRefused) {
		return nil // reported by commitRow; its changes were undone by Try
	}
	return err
}

// errRowRefused tells row (inside Tx.Try) that the row was refused and its
// changes must be undone, without failing the import.
var errRowRefused = errors.New("importer: row refused")

func (e *engine) commitRow(row Row) error {
	errs, fatal := e.importRow(row)
	if fatal != nil {
		return fatal
	}
	if len(errs) > 0 {
		e.pending = e.pending[:0]
		e.rowWarnings = e.rowWarnings[:0]
		e.refs.discard()
		e.failMany(row, errs)
		if e.opts.SkipBadRows {
			return errRowRefused
		}
		return nil
	}
	for i, w := range row.Warnings {
		var err error = errors.New(w)
		if i < len(row.warn) {
			err = row.warn[i]
		}
		e.warn(RowError{Row: row.Num, Line: row.Line, Msg: e.readMsg(err)})
	}
	for _, w := range e.rowWarnings {
		e.warn(w)
	}
	e.rowWarnings = e.rowWarnings[:0]
	for _, f := range e.pending {
		f()
	}
	e.pending = e.pending[:0]
	return nil
}

func (e *engine) fail(row Row, re RowError) { e.failMany(row, []RowError{re}) }

func (e *engine) failMany(row Row, errs []RowError) {
	e.sum.Failed++
	for i := range errs {
		errs[i].Msg = bounded(errs[i].Msg)
	}
	for _, re := range errs {
		if len(e.sum.Errors) < e.opts.MaxErrors {
			e.sum.Errors = append(e.sum.Errors, re)
		} else {
			e.sum.MoreErrors++
		}
	}
	if e.preview != nil {
		e.preview(PreviewRow{Row: row.Num, Action: "error", Errors: errs})
	}
}

// warn keeps a warning (the first MaxErrors) in the summary.
func (e *engine) warn(re RowError) {
	re.Msg = bounded(re.Msg)
	if len(e.sum.Warnings) < e.opts.MaxErrors {
		e.sum.Warnings = append(e.sum.Warnings, re)
	} else {
		e.sum.MoreWarnings++
	}
}

// msgErr is an error whose sentence is one of the importer's messages, so
// that it can be said in the import's language where it is reported.
type msgErr struct {
	key  string
	args []string
}

func (m *msgErr) Error() string { return Text("en", m.key, m.args...) }

func newMsg(key string, args ...string) error { return &msgErr{key: key, args: args} }

// readMsg is a reading error as the summary says it: in the import's
// language when it is one of ours, and bounded whatever its origin.
func (e *engine) readMsg(err error) string {
	var m *msgErr
	if errors.As(err, &m) {
		return bounded(Text(e.opts.Lang, m.key, m.args...))
	}
	return bounded(err.Error())
}
