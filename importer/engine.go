package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"relais/export"
	"relais/model"
)

// engine imports the rows of one file inside one write transaction.
type engine struct {
	ctx     context.Context
	tx      *model.Tx
	opts    Options
	cols    []string
	fields  []*Field
	colOf   map[string]int // field → first column feeding it, to name it in errors
	sum     *Summary
	preview func(PreviewRow)
	p       parser
	dedup   *matchIndex
	refs    *resolver
	pending []func() // index updates applied once the row has succeeded
	// rowWarnings are the current row's warnings, kept once it succeeds.
	rowWarnings []RowError
	merger      merger
	// withID are the records this import created under the Relais id their
	// row gave: two rows with two ids are two records, whatever they share.
	withID map[string]bool
	rowNum int // the row being imported, for the choices

	// deals
	stages       map[string]*model.Stage
	defaultStage *model.Stage
	// orders
	orders      map[string]*orderState // by number
	linesTouchd map[string]bool        // orders whose lines this import wrote
	// price lists
	latestPrice map[string]model.Date // product id → newest effective date applied
	lastOrderID string                // the record the last write created, updated or skipped
	missingAt   map[string]int        // kind and name → index in sum.MissingNames
}

// maxMissingNames bounds the names kept in the summary: a file naming 100,000
// different unknown owners is counted, not listed.
const maxMissingNames = 1000

// missing counts, once the row succeeds, a reference left empty.
func (e *engine) missing(kind model.Kind, text string) {
	e.pending = append(e.pending, func() {
		e.sum.Missing++
		key := string(kind) + "\x00" + text
		if i, ok := e.missingAt[key]; ok {
			e.sum.MissingNames[i].Rows++
			return
		}
		if len(e.sum.MissingNames) >= maxMissingNames {
			return
		}
		if e.missingAt == nil {
			e.missingAt = map[string]int{}
		}
		e.missingAt[key] = len(e.sum.MissingNames)
		e.sum.MissingNames = append(e.sum.MissingNames, MissingName{Kind: kind, Value: text, Rows: 1})
	})
}

type orderState struct {
	id            string
	linesReplaced bool // the existing lines of a pre-existing order were removed
	skipped       bool // the order matched an existing one that is left alone
}

func newEngine(ctx context.Context, tx *model.Tx, opts Options, cols []string, fields []*Field, sum *Summary, preview func(PreviewRow)) (*engine, error) {
	e := &engine{ctx: ctx, tx: tx, opts: opts, cols: cols, fields: fields, sum: sum, preview: preview,
		colOf: map[string]int{}, withID: map[string]bool{}, orders: map[string]*orderState{}, linesTouchd: map[string]bool{}, latestPrice: map[string]model.Date{}}
	e.p = parser{decSep: opts.Decimal, dateOrder: opts.DateOrder, loc: opts.Location}
	if e.p.decSep == 0 {
		e.p.decSep = '.'
		if strings.HasPrefix(opts.Lang, "fr") {
			e.p.decSep = ','
		}
	}
	if e.p.dateOrder == "" {
		e.p.dateOrder = DMY
	}
	for i, f := range fields {
		if f != nil {
			if _, ok := e.colOf[f.Name]; !ok {
				e.colOf[f.Name] = i
			}
		}
	}
	if i, ok := e.colOf[FieldFullName]; ok {
		for _, n := range []string{"first_name", "last_name"} {
			if _, taken := e.colOf[n]; !taken {
				e.colOf[n] = i
			}
		}
	}
	e.refs = newResolver(ctx, tx)
	e.merger = newMerger(opts.Kind, e.choose, func(field, value string) string {
		return e.t("both_note", "Field", export.Header(opts.Kind, field, opts.Lang), "File", firstNonEmpty(opts.File, "file"), "Value", value)
	})
	var err error
	if e.dedup, err = loadMatchIndex(ctx, tx, opts.Kind); err != nil {
		return nil, fmt.Errorf("importer: load the %s keys: %w", opts.Kind, err)
	}
	if opts.Kind == model.KindDeal {
		if err := e.loadStages(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// rowValues is a row converted to stored form.
type rowValues struct {
	vals  model.FieldMap
	lists map[string][]string
	refs  map[string]string // ref field → the text naming the record
	line  model.FieldMap    // order line fields
	lineR string            // order line product text
	full  string            // full name, for contacts
	id    string            // an id column's value
	// missing are the references the row names that Relais does not have
	// (field → the text), left empty with a warning.
	missing map[string]string
}

// t is one of the importer's sentences in the import's language.
func (e *engine) t(key string, args ...string) string { return Text(e.opts.Lang, key, args...) }

// choose is the choice for a differing value of the current row.
func (e *engine) choose(field string) Choice {
	if c, ok := e.opts.Choices[ChoiceKey{Row: e.rowNum, Field: field}]; ok {
		return c
	}
	if c, ok := e.opts.Choices[ChoiceKey{Field: field}]; ok {
		return c
	}
	if e.opts.OnDuplicate == Update {
		return TakeNew
	}
	return Keep
}

// valueMsg says why a cell's value cannot be read, quoting it clipped.
func (e *engine) valueMsg(raw string, err error) string {
	var m *msgErr
	if errors.As(err, &m) {
		return e.t(m.key, append([]string{"Value", quote(raw)}, m.args...)...)
	}
	return quote(raw) + " " + bounded(err.Error())
}

// importRow converts, resolves, matches and writes one row. It returns the
// row's errors, or a fatal error that ends the import.
func (e *engine) importRow(row Row) ([]RowError, error) {
	e.rowNum = row.Num
	rv, errs := e.convert(row)
	if len(errs) > 0 {
		return errs, nil
	}
	if errs := e.resolveRefs(row, rv); len(errs) > 0 {
		return errs, nil
	}
	switch e.opts.Kind {
	case model.KindContact:
		e.contactDefaults(rv)
	case model.KindDeal:
		if re := e.dealDefaults(row, rv); re != nil {
			return []RowError{*re}, nil
		}
	case model.KindOrder:
		return e.orderRow(row, rv)
	}
	return e.write(row, rv)
}

// write creates or updates the row's record, per the duplicate action and
// the strength of the match (match.go, merge.go).
func (e *engine) write(row Row, rv *rowValues) ([]RowError, error) {
	cand, err := model.New(e.opts.Kind)
	if err != nil {
		return nil, err
	}
	e.applyDefaults(cand)
	if err := model.Decode(cand, rv.fields()); err != nil {
		return []RowError{{Row: row.Num, Line: row.Line, Msg: bounded(err.Error())}}, nil
	}
	m, existing, errs, err := e.findExisting(row, rv, cand)
	if err != nil || len(errs) > 0 {
		return errs, err
	}
	twoInFile := existing != nil && m.Strength == Strong && m.Reason != ReasonID && rv.id != "" && e.withID[existing.Base().ID]
	if twoInFile {
		// The file holds both records under their own ids (an export of a
		// database that has a duplicate): it is not for the import to merge
		// them, only to say so.
		m.Strength = Weak
	}
	var proposal *Proposal
	switch {
	case existing == nil:
	case m.Strength == Weak:
		// Never merged. A row that brings nothing the record does not
		// already hold is the same data read again (a file imported twice):
		// skipped, rather than doubling every contact of a file without
		// e-mails. Anything else is a record of its own, proposed as a
		// possible duplicate.
		before, _ := model.Encode(existing)
		changes, diffs := newMerger(e.opts.Kind, func(string) Choice { return Keep }, nil).merge(before, rv.withLists(before))
		if len(changes) == 0 && len(diffs) == 0 && e.opts.OnDuplicate != Create && !twoInFile {
			e.lastOrderID = existing.Base().ID
			e.sum.Skipped++
			e.emit(row, "skip", existing, nil, nil)
			return nil, nil
		}
		proposal = &Proposal{Row: row.Num, Line: row.Line, ID: existing.Base().ID, Label: export.Label(existing), Reason: m.Reason}
		existing = nil
	case e.opts.OnDuplicate == Skip:
		e.lastOrderID = existing.Base().ID
		e.sum.Skipped++
		e.emit(row, "skip", existing, nil, nil)
		return nil, nil
	case e.opts.OnDuplicate == Create:
		existing = nil
	default: // Merge, Update
		e.lastOrderID = existing.Base().ID
		return e.mergeRow(row, rv, existing)
	}
	if rv.id != "" && m.Reason != ReasonID {
		cand.Base().ID = rv.id
		e.pending = append(e.pending, func() { e.withID[rv.id] = true })
	}
	if err := e.tx.Create(cand); err != nil {
		return e.recordErrors(row, rv, err)
	}
	e.lastOrderID = cand.Base().ID
	e.sum.Created++
	e.afterWrite(cand)
	if proposal != nil {
		proposal.NewID = cand.Base().ID
		p := *proposal
		e.pending = append(e.pending, func() {
			e.sum.Proposed++
			if len(e.sum.Proposals) < e.opts.MaxErrors {
				e.sum.Proposals = append(e.sum.Proposals, p)
			}
		})
	}
	e.emitFull(row, "create", cand, nil, nil, proposal)
	return nil, nil
}

// mergeRow completes the record the row strongly matches: empty fields
// filled, lists extended, differing values per the choices.
func (e *engine) mergeRow(row Row, rv *rowValues, existing model.Record) ([]RowError, error) {
	before, _ := model.Encode(existing)
	changes, diffs := e.merger.merge(before, rv.withLists(before))
	label := export.Label(existing)
	for i := range diffs {
		diffs[i].Row, diffs[i].Line, diffs[i].ID, diffs[i].Label = row.Num, row.Line, existing.Base().ID, label
	}
	if len(diffs) > 0 {
		ds := diffs
		e.pending = append(e.pending, func() {
			e.sum.Differing += len(ds)
			for _, d := range ds {
				if len(e.sum.Differences) < e.opts.MaxErrors {
					e.sum.Differences = append(e.sum.Differences, d)
				}
			}
		})
	}
	if len(changes) == 0 {
		e.sum.Skipped++
		e.emit(row, "skip", existing, nil, diffs)
		return nil, nil
	}
	if err := model.Decode(existing, changes); err != nil {
		return []RowError{{Row: row.Num, Line: row.Line, Msg: bounded(err.Error())}}, nil
	}
	if err := e.tx.Update(existing); err != nil {
		return e.recordErrors(row, rv, err)
	}
	e.sum.Updated++
	e.afterWrite(existing)
	e.emit(row, "update", existing, nil, diffs)
	return nil, nil
}

// afterWrite queues the index updates for a written record and applies the
// price-list rule.
func (e *engine) afterWrite(r model.Record) {
	e.pending = append(e.pending, func() { e.dedup.add(r) })
	if pp, ok := r.(*model.ProductPrice); ok {
		e.applyPrice(pp)
	}
}

func (e *engine) emit(row Row, action string, r model.Record, extra []model.FieldMap, diffs []Difference) {
	e.emitFull(row, action, r, extra, diffs, nil)
}

func (e *engine) emitFull(row Row, action string, r model.Record, extra []model.FieldMap, diffs []Difference, p *Proposal) {
	if e.preview == nil {
		return
	}
	fm, _ := model.Encode(r)
	pr := PreviewRow{Row: row.Num, Action: action, Fields: fm, Record: r, Extra: extra, Differences: diffs, Proposal: p,
		Warnings: append([]RowError(nil), e.rowWarnings...)}
	pr.Values = previewValues(e.opts.Kind, r)
	e.preview(pr)
}

// previewValues renders a record the way a list export shows it, without
// resolving references (the preview shows ids as the file named them).
func previewValues(k model.Kind, r model.Record) []export.Value {
	fm, err := model.Encode(r)
	if err != nil {
		return nil
	}
	var out []export.Value
	for _, c := range export.Columns(k) {
		v := export.Value{Type: c.Type}
		switch c.Field {
		case "id":
			v.Text = r.Base().ID
		case "created_at", "updated_at":
			v.Empty = true
		default:
			switch x := fm[c.Field].(type) {
			case nil:
				v.Empty = true
			case string:
				v.Text = x
				if c.Type == export.TypeDate {
					v.Date, _ = model.ParseDate(x)
				}
				if c.Type == export.TypeTime {
					v.Time, _ = time.Parse(time.RFC3339Nano, x)
				}
				if c.Type == export.TypeList {
					var ss []string
					json.Unmarshal([]byte(x), &ss)
					v.Text = strings.Join(ss, ", ")
				}
			case int64:
				v.Num = x
				v.Scale = 2
			}
		}
		out = append(out, v)
	}
	return out
}

// withLists returns the row's stored values with list fields merged into
// base's lists (for an update) or alone (for a create).
func (rv *rowValues) withLists(base model.FieldMap) model.FieldMap {
	out := make(model.FieldMap, len(rv.vals)+len(rv.lists))
	for k, v := range rv.vals {
		out[k] = v
	}
	for field, items := range rv.lists {
		var merged []string
		if s, ok := base[field].(string); ok {
			json.Unmarshal([]byte(s), &merged)
		}
		b, _ := json.Marshal(dedupList(field, merged, items))
		out[field] = string(b)
	}
	return out
}

// dedupList appends to merged the items it does not hold yet. Items are
// compared ignoring case, and phone numbers by their digits: "06 12 34 56 78"
// adds nothing to "+33 6 12 34 56 78".
func dedupList(field string, merged, items []string) []string {
	key := func(s string) string {
		if field == "phones" {
			if k := model.PhoneKey(s); k != "" {
				return "tel:" + k
			}
		}
		return strings.ToLower(strings.TrimSpace(s))
	}
	seen := make(map[string]bool, len(merged)+len(items))
	for _, m := range merged {
		seen[key(m)] = true
	}
	for _, it := range items {
		if k := key(it); !seen[k] {
			seen[k] = true
			merged = append(merged, it)
		}
	}
	return merged
}

// fields returns the row's values for a new record: its lists as Go slices,
// which model.Decode takes without a JSON round trip.
func (rv *rowValues) fields() model.FieldMap {
	out := make(model.FieldMap, len(rv.vals)+len(rv.lists))
	for k, v := range rv.vals {
		out[k] = v
	}
	for field, items := range rv.lists {
		out[field] = dedupList(field, nil, items)
	}
	return out
}

// recordErrors turns a store error into row errors naming the columns.
func (e *engine) recordErrors(row Row, rv *rowValues, err error) ([]RowError, error) {
	if ves, ok := model.AsValidation(err); ok {
		var out []RowError
		for _, ve := range ves {
			re := RowError{Row: row.Num, Line: row.Line, Field: ve.Field, Code: ve.Code, Msg: bounded(e.fieldMsg(ve))}
			if text, missing := rv.missing[ve.Field]; missing {
				// A reference the row needs and Relais lacks: say which,
				// rather than that the field is empty.
				re.Code, re.Msg = "", e.noRef(ve.Field, text, "no_ref")
			}
			if i, ok := e.colOf[ve.Field]; ok {
				re.Column = e.cols[i]
			}
			out = append(out, re)
		}
		return out, nil
	}
	if errors.Is(err, model.ErrConflict) || errors.Is(err, model.ErrNotFound) {
		return []RowError{{Row: row.Num, Line: row.Line, Msg: bounded(strings.TrimPrefix(err.Error(), "model: "))}}, nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	return nil, fmt.Errorf("importer: row %d: %w", row.Num, err)
}

// fieldMsg words a validation error for a person reading the import
// report: the field in the import's language, then the store's reason
// (which the window translates from its Code).
func (e *engine) fieldMsg(ve *model.ValidationError) string {
	return e.t("refused_value", "Field", export.Header(e.opts.Kind, ve.Field, e.opts.Lang), "Msg", validationMsg(e.opts.Lang, e.opts.Kind, ve))
}

// validationMsg is the store's reason in lang: in French, the window's own
// wording of the code (assets/translations/ui.fr.json), which the CLI and
// the saved summary then share with the form; in English, the store's
// sentence, which quotes the value.
func validationMsg(lang string, k model.Kind, ve *model.ValidationError) string {
	if lang != "fr" || ve.Code == "" {
		return ve.Msg
	}
	labels := uiLabels()
	for _, key := range []string{"err." + string(k) + "." + ve.Field + "." + ve.Code, "err." + ve.Code} {
		if s, ok := labels[key]; ok {
			return strings.TrimSuffix(s, ".")
		}
	}
	return ve.Msg
}

// uiLabels are the French texts of the window, loaded once.
var uiLabels = sync.OnceValue(func() export.Labels {
	l, err := export.LoadLabels("ui", "fr")
	if err != nil {
		return export.Labels{}
	}
	return l
})

// convert maps a row's cells to stored values, collecting every problem.
func (e *engine) convert(row Row) (*rowValues, []RowError) {
	var errs []RowError
	bad := func(i int, f *Field, msg string) {
		re := RowError{Row: row.Num, Line: row.Line, Msg: msg}
		if i >= 0 {
			re.Column = e.cols[i]
		}
		if f != nil {
			re.Field = f.Name
		}
		errs = append(errs, re)
	}
	if len(row.Cells) < len(e.cols) {
		bad(-1, nil, e.t("few_fields", "Have", strconv.Itoa(len(row.Cells)), "Want", strconv.Itoa(len(e.cols))))
		return nil, errs
	}
	for i := len(e.cols); i < len(row.Cells); i++ {
		if strings.TrimSpace(row.Cells[i]) != "" {
			bad(-1, nil, e.t("many_fields", "Have", strconv.Itoa(len(row.Cells)), "Want", strconv.Itoa(len(e.cols))))
			return nil, errs
		}
	}
	rv := &rowValues{vals: model.FieldMap{}, lists: map[string][]string{}, refs: map[string]string{}, line: model.FieldMap{}, missing: map[string]string{}}
	// Currency first: amounts need its number of decimals.
	cur := ""
	if i, ok := e.colOf["currency"]; ok {
		cur = normalizeEnum(e.opts.Kind, "currency", row.Cells[i])
	}
	notesCols := 0
	for _, f := range e.fields {
		if f != nil && f.Name == "notes" {
			notesCols++
		}
	}
	var notes []string
	for i, f := range e.fields {
		if f == nil {
			continue
		}
		raw := strings.TrimSpace(row.Cells[i])
		if raw == "" {
			continue
		}
		if !multiLine[f.Name] && f.Type != export.TypeList {
			raw = strings.Join(strings.Fields(raw), " ")
		}
		switch f.Name {
		case "id":
			rv.id = raw
			continue
		case FieldFullName:
			rv.full = raw
			continue
		case "notes":
			if notesCols > 1 {
				raw = e.cols[i] + ": " + raw
			}
			notes = append(notes, raw)
			continue
		case "photo":
			if uri, err := photoURI(raw); err == nil && uri != "" {
				rv.vals["photo"] = uri
			}
			continue
		}
		target := rv.vals
		if strings.HasPrefix(f.Name, "line.") {
			target = rv.line
		}
		switch f.Type {
		case export.TypeText:
			if enumFields[f.Name] {
				raw = normalizeEnum(e.opts.Kind, f.Name, raw)
			}
			target[f.Name] = raw
		case export.TypeRef:
			if f.Name == FieldLineProduct {
				rv.lineR = raw
			} else {
				rv.refs[f.Name] = raw
			}
		case export.TypeList:
			rv.lists[f.Name] = append(rv.lists[f.Name], splitList(f.Name, raw)...)
		case export.TypeInt:
			v, err := e.p.integer(raw)
			if err != nil {
				bad(i, f, e.valueMsg(raw, err))
				continue
			}
			target[f.Name] = v
		case export.TypeMoney:
			c := cur
			digits := model.CurrencyDigits(firstNonEmpty(c, e.opts.Currency))
			v, sym, err := e.p.decimal(raw, digits)
			if err != nil {
				bad(i, f, e.t("not_amount", "Value", quote(raw)))
				continue
			}
			if symCur := currencyOf(sym); symCur != "" && c == "" {
				cur = symCur
				if d := model.CurrencyDigits(symCur); d != digits {
					v, _, _ = e.p.decimal(raw, d)
				}
			}
			target[f.Name] = v
		case export.TypePercent:
			v, err := e.p.percent(raw)
			if err != nil {
				bad(i, f, e.t("not_percent", "Value", quote(raw)))
				continue
			}
			target[f.Name] = v
		case export.TypeQuantity:
			v, _, err := e.p.decimal(raw, 3)
			if err != nil {
				bad(i, f, e.t("not_quantity", "Value", quote(raw)))
				continue
			}
			target[f.Name] = v
		case export.TypeBool:
			b, err := boolean(raw)
			if err != nil {
				bad(i, f, e.valueMsg(raw, err))
				continue
			}
			target[f.Name] = boolInt(b)
		case export.TypeDate:
			d, err := e.p.date(raw)
			if err != nil {
				bad(i, f, e.valueMsg(raw, err))
				continue
			}
			target[f.Name] = d.String()
		case export.TypeTime:
			t, err := e.p.instant(raw)
			if err != nil {
				bad(i, f, e.valueMsg(raw, err))
				continue
			}
			target[f.Name] = model.FormatTime(t)
		}
	}
	if len(notes) > 0 {
		rv.vals["notes"] = strings.Join(notes, "\n")
	}
	if cur != "" && e.hasField("currency") {
		rv.vals["currency"] = cur
	}
	return rv, errs
}

func (e *engine) hasField(name string) bool {
	_, ok := fieldByName(e.opts.Kind, name)
	return ok
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// applyDefaults fills the fields a new record needs when the file does not
// give them: a currency, a unit, a status.
func (e *engine) applyDefaults(r model.Record) {
	switch x := r.(type) {
	case *model.Contact:
		x.Source = e.opts.Source
	case *model.Product:
		x.Unit, x.Currency, x.Availability = "pc", e.opts.Currency, model.InStock
	case *model.ProductPrice:
		x.Currency, x.EffectiveFrom = e.opts.Currency, model.DateOf(e.tx.Now().In(e.opts.Location))
	case *model.Deal:
		x.Currency, x.Status = e.opts.Currency, model.OutcomeOpen
	case *model.Order:
		x.Currency, x.Status = e.opts.Currency, model.OrderOpen
	case *model.Account:
	case *model.TeamMember:
		x.Role, x.TargetCurrency, x.Active = model.RoleRep, e.opts.Currency, true
	}
}

// contactDefaults splits a full name when first and last names are absent,
// and dates a consent the file gives without a date to the import.
func (e *engine) contactDefaults(rv *rowValues) {
	_, hasFirst := rv.vals["first_name"]
	_, hasLast := rv.vals["last_name"]
	if rv.full != "" && !hasFirst && !hasLast {
		first, last := splitName(rv.full)
		if first != "" {
			rv.vals["first_name"] = first
		}
		rv.vals["last_name"] = last
	}
	if c, ok := rv.vals["consent"].(int64); ok && c == 1 {
		if _, dated := rv.vals["consent_at"]; !dated {
			rv.vals["consent_at"] = model.FormatTime(e.tx.Now())
			if _, src := rv.vals["consent_source"]; !src {
				rv.vals["consent_source"] = "import (" + firstNonEmpty(e.opts.File, "file") + ")"
			}
		}
	}
}

// splitName splits "Jean-Pierre Martin" into first and last name at the
// last space, and "MARTIN, Jean-Pierre" at the comma.
func splitName(full string) (first, last string) {
	if l, f, ok := strings.Cut(full, ","); ok {
		return strings.TrimSpace(f), strings.TrimSpace(l)
	}
	i := strings.LastIndexByte(full, ' ')
	if i < 0 {
		return "", full
	}
	return strings.TrimSpace(full[:i]), strings.TrimSpace(full[i+1:])
}

// resolveRefs turns the texts naming other records into ids. A record
// Relais does not have is a warning and the field stays empty — unless it
// is an account (created, as a contact list brings its companies, unless
// NoCreateAccounts) or the user asked to create the missing team members
// and events (CreateMissing).
func (e *engine) resolveRefs(row Row, rv *rowValues) []RowError {
	var errs []RowError
	fields := make([]string, 0, len(rv.refs))
	for f := range rv.refs {
		fields = append(fields, f)
	}
	sort.Strings(fields) // warnings in a stable order
	for _, field := range fields {
		text := rv.refs[field]
		f, _ := fieldByName(e.opts.Kind, field)
		col := e.cols[e.colOf[field]]
		id, err := e.refs.resolve(f.Ref, text)
		if err == nil && id == "" {
			switch {
			case f.Ref == model.KindAccount && !e.opts.NoCreateAccounts:
				id, err = e.createAccount(text)
			case e.opts.CreateMissing && (f.Ref == model.KindTeamMember || f.Ref == model.KindEvent):
				id, err = e.createRef(f.Ref, text)
				if err == nil {
					e.rowWarnings = append(e.rowWarnings, RowError{Row: row.Num, Line: row.Line, Column: col, Field: field,
						Msg: e.t("ref_created", "Kind", e.t("kind."+string(f.Ref)), "Value", quote(text))})
				}
			}
		}
		if err != nil {
			var refused *refusedRef
			if errors.As(err, &refused) {
				errs = append(errs, RowError{Row: row.Num, Line: row.Line, Column: col, Field: field, Msg: refused.msg})
				continue
			}
			return append(errs, RowError{Row: row.Num, Line: row.Line, Column: col, Field: field, Msg: bounded(err.Error())})
		}
		if id == "" {
			rv.missing[field] = text
			e.rowWarnings = append(e.rowWarnings, RowError{Row: row.Num, Line: row.Line, Column: col, Field: field,
				LeftEmpty: true, Msg: e.noRef(field, text, "no_ref_left_empty")})
			e.missing(f.Ref, text)
			continue
		}
		rv.vals[field] = id
	}
	return errs
}

// noRef says that no record of the field's kind is named text.
func (e *engine) noRef(field, text, key string) string {
	f, _ := fieldByName(e.opts.Kind, field)
	if f.Ref == model.KindProduct {
		if key == "no_ref" {
			return e.t("no_sku", "Value", quote(text))
		}
	}
	return e.t(key, "None", e.t("none."+string(f.Ref)), "Value", quote(text))
}

// refusedRef is a record the import could not create for a row.
type refusedRef struct{ msg string }

func (r *refusedRef) Error() string { return r.msg }

// createAccount creates the account a row names, so that a contact list
// brings its companies with it.
func (e *engine) createAccount(name string) (string, error) {
	a := &model.Account{Name: name}
	if err := e.tx.Create(a); err != nil {
		if ves, ok := model.AsValidation(err); ok {
			return "", &refusedRef{e.t("cannot_create", "Kind", e.t("kind.account"), "Value", quote(name), "Msg", bounded(ves.Error()))}
		}
		return "", fmt.Errorf("importer: create the account: %w", err)
	}
	e.refs.learn(model.KindAccount, a)
	// Counted once the row succeeds: a refused row's account is not kept.
	e.pending = append(e.pending, func() { e.sum.AccountsCreated++; e.refs.commit() })
	return a.ID, nil
}

// createRef creates a team member or an event a row names (CreateMissing):
// a rep of that name (and e-mail, when the file names people by address),
// or a trade show of that name dated the day of the import, for the user
// to complete.
func (e *engine) createRef(k model.Kind, text string) (string, error) {
	var r model.Record
	switch k {
	case model.KindTeamMember:
		m := &model.TeamMember{Name: text}
		e.applyDefaults(m)
		if strings.Contains(text, "@") {
			m.Email = strings.TrimSpace(text)
		}
		r = m
	case model.KindEvent:
		r = &model.Event{Name: text, Type: "trade_show", Status: "planned", StartDate: model.DateOf(e.tx.Now().In(e.opts.Location)),
			Currency: e.opts.Currency}
	default:
		return "", nil
	}
	if err := e.tx.Create(r); err != nil {
		if ves, ok := model.AsValidation(err); ok {
			return "", &refusedRef{e.t("cannot_create", "Kind", e.t("kind."+string(k)), "Value", quote(text), "Msg", bounded(ves.Error()))}
		}
		return "", fmt.Errorf("importer: create the %s: %w", k, err)
	}
	e.refs.learn(k, r)
	e.pending = append(e.pending, func() { e.sum.RefsCreated++; e.refs.commit() })
	return r.Base().ID, nil
}

// findExisting finds the record a row duplicates: by id, then by the kind's
// natural keys (see dedupIndex).
func (e *engine) findExisting(row Row, rv *rowValues, cand model.Record) (Match, model.Record, []RowError, error) {
	if rv.id != "" {
		r, _ := model.New(e.opts.Kind)
		err := e.tx.Get(rv.id, r)
		switch {
		case err == nil && r.Base().Deleted():
			return Match{}, nil, []RowError{{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf["id"]], Field: "id", Msg: e.t("in_trash", "ID", quote(rv.id))}}, nil
		case err == nil:
			return Match{ID: rv.id, Reason: ReasonID, Strength: Strong}, r, nil, nil
		case !errors.Is(err, model.ErrNotFound):
			return Match{}, nil, nil, fmt.Errorf("importer: row %d: %w", row.Num, err)
		}
		if !looksLikeID(rv.id) {
			return Match{}, nil, []RowError{{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf["id"]], Field: "id", Msg: e.t("not_an_id", "Value", quote(rv.id))}}, nil
		}
	}
	m := e.dedup.find(cand)
	if m.ID == "" {
		return Match{}, nil, nil, nil
	}
	r, _ := model.New(e.opts.Kind)
	if err := e.tx.Get(m.ID, r); err != nil {
		return Match{}, nil, nil, fmt.Errorf("importer: row %d: %w", row.Num, err)
	}
	return m, r, nil, nil
}

// looksLikeID accepts the canonical UUID form Relais ids have.
func looksLikeID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789abcdef", r) {
				return false
			}
		}
	}
	return true
}

// loadStages reads the pipeline for deal imports: stages by name, and the
// first open stage for deals that name none.
func (e *engine) loadStages() error {
	e.stages = map[string]*model.Stage{}
	stages, err := model.List[model.Stage](e.ctx, e.tx.SQL(), model.Query{OrderBy: "position"})
	if err != nil {
		return err
	}
	for _, s := range stages {
		e.stages[s.ID] = s
		if e.defaultStage == nil && s.Outcome == model.OutcomeOpen {
			e.defaultStage = s
		}
	}
	return nil
}

// dealDefaults puts a deal without a stage in the first open stage, takes
// its status and probability from the stage when the file gives none, and
// records why a lost deal was lost when the file does not say.
func (e *engine) dealDefaults(row Row, rv *rowValues) *RowError {
	sid, _ := rv.vals["stage_id"].(string)
	if sid == "" {
		if e.defaultStage == nil {
			return &RowError{Row: row.Num, Line: row.Line, Msg: e.t("no_stage")}
		}
		sid = e.defaultStage.ID
		rv.vals["stage_id"] = sid
	}
	st := e.stages[sid]
	if st != nil {
		if _, ok := rv.vals["status"]; !ok {
			rv.vals["status"] = st.Outcome
		}
		if _, ok := rv.vals["probability"]; !ok {
			rv.vals["probability"] = st.Probability
		}
	}
	if rv.vals["status"] == model.OutcomeLost {
		if _, ok := rv.vals["lost_reason"]; !ok {
			rv.vals["lost_reason"] = "not recorded (imported)"
		}
	}
	return nil
}

// applyPrice makes a price-list entry that is already in force the
// product's current price, unless a newer one in the same file was applied.
func (e *engine) applyPrice(pp *model.ProductPrice) {
	today := model.DateOf(e.tx.Now().In(e.opts.Location))
	if today.Before(pp.EffectiveFrom) {
		return
	}
	if last, ok := e.latestPrice[pp.ProductID]; ok && pp.EffectiveFrom.Before(last) {
		return
	}
	e.latestPrice[pp.ProductID] = pp.EffectiveFrom
	e.tx.Set(model.KindProduct, pp.ProductID, model.FieldMap{"price_minor": pp.PriceMinor, "currency": pp.Currency})
}

// orderRow imports one row of an orders file: a row per order, or a row
// per order line with the order's number repeated.
func (e *engine) orderRow(row Row, rv *rowValues) ([]RowError, error) {
	number, _ := rv.vals["number"].(string)
	st := e.orders[number]
	if number == "" || st == nil {
		if number == "" {
			year := e.tx.Now().Year()
			if d, ok := rv.vals["order_date"].(string); ok {
				if pd, err := model.ParseDate(d); err == nil {
					year = pd.Year
				}
			}
			n, err := e.tx.NextNumber("O", year)
			if err != nil {
				return nil, err
			}
			rv.vals["number"] = n
			number = n
		}
		created := e.sum.Created
		updated := e.sum.Updated
		errs, err := e.write(row, rv)
		if err != nil || len(errs) > 0 {
			return errs, err
		}
		st = &orderState{}
		switch {
		case e.sum.Created > created:
			st.id = e.lastOrderID
			st.linesReplaced = true // a new order has no old lines
		case e.sum.Updated > updated:
			st.id = e.lastOrderID
		default:
			st.id, st.skipped = e.lastOrderID, e.opts.OnDuplicate == Skip
		}
		key := number
		e.pending = append(e.pending, func() { e.orders[key] = st })
	} else if st.skipped {
		e.sum.Skipped++
		return nil, nil
	}
	if len(rv.line) == 0 && rv.lineR == "" || st.skipped {
		return nil, nil
	}
	return e.orderLine(row, rv, st)
}

// orderLine adds the row's line to its order. The first line the import
// brings for an order that existed before replaces that order's lines: the
// file is the new truth about what was ordered.
func (e *engine) orderLine(row Row, rv *rowValues, st *orderState) ([]RowError, error) {
	if !st.linesReplaced {
		old, err := model.List[model.OrderLine](e.ctx, e.tx.SQL(), model.Query{Where: "order_id = ?", Args: []any{st.id}})
		if err != nil {
			return nil, err
		}
		for _, l := range old {
			if err := e.tx.Delete(model.KindOrderLine, l.ID); err != nil {
				return nil, err
			}
		}
		e.pending = append(e.pending, func() { st.linesReplaced = true })
	}
	l := &model.OrderLine{OrderID: st.id, QuantityMilli: 1000}
	if rv.lineR != "" {
		pid, err := e.refs.resolve(model.KindProduct, rv.lineR)
		if err != nil {
			return nil, fmt.Errorf("importer: row %d: %w", row.Num, err)
		}
		if pid == "" {
			// The line is kept, named by the file's text: what was
			// ordered matters more than the catalogue entry.
			e.rowWarnings = append(e.rowWarnings, RowError{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf[FieldLineProduct]],
				Field: FieldLineProduct, LeftEmpty: true, Msg: e.t("line_no_product", "Value", quote(rv.lineR))})
			e.missing(model.KindProduct, rv.lineR)
			l.Description = rv.lineR
		} else {
			var p model.Product
			if err := e.tx.Get(pid, &p); err != nil {
				return nil, fmt.Errorf("importer: row %d: %w", row.Num, err)
			}
			l.ProductID, l.Description, l.UnitPriceMinor, l.TaxRateBP = pid, p.Name, p.PriceMinor, p.TaxRateBP
		}
	}
	m := model.FieldMap{}
	for k, v := range rv.line {
		m[map[string]string{FieldLineDescription: "description", FieldLineQuantity: "quantity_milli", FieldLineUnitPrice: "unit_price_minor",
			FieldLineDiscount: "discount_bp", FieldLineTaxRate: "tax_rate_bp"}[k]] = v
	}
	if err := model.Decode(l, m); err != nil {
		return []RowError{{Row: row.Num, Line: row.Line, Msg: bounded(err.Error())}}, nil
	}
	l.NetMinor = lineNet(l.QuantityMilli, l.UnitPriceMinor, l.DiscountBP)
	if err := e.tx.Create(l); err != nil {
		errs, err := e.recordErrors(row, rv, err)
		for i := range errs {
			errs[i].Field = "line." + errs[i].Field
		}
		return errs, err
	}
	e.linesTouchd[st.id] = true
	return nil, nil
}

// lineNet is quantity × unit price less the discount, rounded half up to
// the minor unit; big integers because 10^12 thousandths × 10^13 overflows.
func lineNet(qtyMilli, unitMinor, discountBP int64) int64 {
	n := new(big.Int).Mul(big.NewInt(qtyMilli), big.NewInt(unitMinor))
	n.Mul(n, big.NewInt(10000-discountBP))
	d := big.NewInt(1000 * 10000)
	n.Add(n, new(big.Int).Div(d, big.NewInt(2)))
	n.Div(n, d)
	return n.Int64()
}

// finish brings each order's net amount in line with its lines.
func (e *engine) finish() error {
	for id := range e.linesTouchd {
		var sum int64
		if err := e.tx.SQL().QueryRowContext(e.ctx, `SELECT COALESCE(SUM(net_minor), 0) FROM order_lines WHERE order_id = ? AND deleted_at IS NULL`, id).Scan(&sum); err != nil {
			return fmt.Errorf("importer: order total: %w", err)
		}
		if err := e.tx.Set(model.KindOrder, id, model.FieldMap{"net_minor": sum}); err != nil {
			return fmt.Errorf("importer: order total: %w", err)
		}
	}
	return nil
}
