package importer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
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
	dedup   *dedupIndex
	refs    *resolver
	pending []func() // index updates applied once the row has succeeded

	// deals
	stages       map[string]*model.Stage
	defaultStage *model.Stage
	// orders
	orders      map[string]*orderState // by number
	linesTouchd map[string]bool        // orders whose lines this import wrote
	// price lists
	latestPrice map[string]model.Date // product id → newest effective date applied
	lastOrderID string                // the record the last write created, updated or skipped
}

type orderState struct {
	id            string
	linesReplaced bool // the existing lines of a pre-existing order were removed
	skipped       bool // the order matched an existing one that is left alone
}

func newEngine(ctx context.Context, tx *model.Tx, opts Options, cols []string, fields []*Field, sum *Summary, preview func(PreviewRow)) (*engine, error) {
	e := &engine{ctx: ctx, tx: tx, opts: opts, cols: cols, fields: fields, sum: sum, preview: preview,
		colOf: map[string]int{}, orders: map[string]*orderState{}, linesTouchd: map[string]bool{}, latestPrice: map[string]model.Date{}}
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
	var err error
	if e.dedup, err = loadDedup(ctx, tx, opts.Kind); err != nil {
		return nil, err
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
}

// importRow converts, resolves, matches and writes one row. It returns the
// row's errors, or a fatal error that ends the import.
func (e *engine) importRow(row Row) ([]RowError, error) {
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

// write creates or updates the row's record, per the duplicate action.
func (e *engine) write(row Row, rv *rowValues) ([]RowError, error) {
	cand, err := model.New(e.opts.Kind)
	if err != nil {
		return nil, err
	}
	e.applyDefaults(cand)
	if err := model.Decode(cand, rv.withLists(nil)); err != nil {
		return []RowError{{Row: row.Num, Line: row.Line, Msg: err.Error()}}, nil
	}
	existing, errs, err := e.findExisting(row, rv, cand)
	if err != nil || len(errs) > 0 {
		return errs, err
	}
	if existing != nil {
		e.lastOrderID = existing.Base().ID
	}
	if existing != nil && e.opts.OnDuplicate == Skip {
		e.sum.Skipped++
		e.emit(row, "skip", existing, nil)
		return nil, nil
	}
	if existing != nil && e.opts.OnDuplicate == Update {
		before, _ := model.Encode(existing)
		if err := model.Decode(existing, rv.withLists(before)); err != nil {
			return []RowError{{Row: row.Num, Line: row.Line, Msg: err.Error()}}, nil
		}
		after, _ := model.Encode(existing)
		if sameFields(before, after) {
			e.sum.Skipped++
			e.emit(row, "skip", existing, nil)
			return nil, nil
		}
		if err := e.tx.Update(existing); err != nil {
			return e.recordErrors(row, err)
		}
		e.sum.Updated++
		e.afterWrite(existing)
		e.emit(row, "update", existing, nil)
		return nil, nil
	}
	if rv.id != "" && existing == nil {
		cand.Base().ID = rv.id
	}
	if err := e.tx.Create(cand); err != nil {
		return e.recordErrors(row, err)
	}
	e.lastOrderID = cand.Base().ID
	e.sum.Created++
	e.afterWrite(cand)
	e.emit(row, "create", cand, nil)
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

func (e *engine) emit(row Row, action string, r model.Record, extra []model.FieldMap) {
	if e.preview == nil {
		return
	}
	fm, _ := model.Encode(r)
	pr := PreviewRow{Row: row.Num, Action: action, Fields: fm, Record: r, Extra: extra}
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

func sameFields(a, b model.FieldMap) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
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
		if base != nil {
			if s, ok := base[field].(string); ok {
				json.Unmarshal([]byte(s), &merged)
			}
		}
		seen := map[string]bool{}
		for _, m := range merged {
			seen[strings.ToLower(m)] = true
		}
		for _, it := range items {
			if !seen[strings.ToLower(it)] {
				seen[strings.ToLower(it)] = true
				merged = append(merged, it)
			}
		}
		b, _ := json.Marshal(merged)
		out[field] = string(b)
	}
	return out
}

// recordErrors turns a store error into row errors naming the columns.
func (e *engine) recordErrors(row Row, err error) ([]RowError, error) {
	if ves, ok := model.AsValidation(err); ok {
		var out []RowError
		for _, ve := range ves {
			re := RowError{Row: row.Num, Line: row.Line, Field: ve.Field, Code: ve.Code, Msg: fieldMsg(e.opts.Kind, ve)}
			if i, ok := e.colOf[ve.Field]; ok {
				re.Column = e.cols[i]
			}
			out = append(out, re)
		}
		return out, nil
	}
	if errors.Is(err, model.ErrConflict) || errors.Is(err, model.ErrNotFound) {
		return []RowError{{Row: row.Num, Line: row.Line, Msg: strings.TrimPrefix(err.Error(), "model: ")}}, nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return nil, err
	}
	return nil, fmt.Errorf("importer: row %d: %w", row.Num, err)
}

// fieldMsg words a validation error for a person reading the import report.
func fieldMsg(k model.Kind, ve *model.ValidationError) string {
	return export.Header(k, ve.Field, "en") + " " + ve.Msg
}

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
		bad(-1, nil, fmt.Sprintf("has %d fields but the header has %d: a value or a separator is missing, so the columns may be shifted", len(row.Cells), len(e.cols)))
		return nil, errs
	}
	for i := len(e.cols); i < len(row.Cells); i++ {
		if strings.TrimSpace(row.Cells[i]) != "" {
			bad(-1, nil, fmt.Sprintf("has %d fields but the header has %d: a separator inside a value may be unquoted", len(row.Cells), len(e.cols)))
			return nil, errs
		}
	}
	rv := &rowValues{vals: model.FieldMap{}, lists: map[string][]string{}, refs: map[string]string{}, line: model.FieldMap{}}
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
				bad(i, f, fmt.Sprintf("%q %v", raw, err))
				continue
			}
			target[f.Name] = v
		case export.TypeMoney:
			c := cur
			digits := model.CurrencyDigits(firstNonEmpty(c, e.opts.Currency))
			v, sym, err := e.p.decimal(raw, digits)
			if err != nil {
				bad(i, f, fmt.Sprintf("%q is not an amount", raw))
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
				bad(i, f, fmt.Sprintf("%q is not a percentage", raw))
				continue
			}
			target[f.Name] = v
		case export.TypeQuantity:
			v, _, err := e.p.decimal(raw, 3)
			if err != nil {
				bad(i, f, fmt.Sprintf("%q is not a quantity", raw))
				continue
			}
			target[f.Name] = v
		case export.TypeBool:
			b, err := boolean(raw)
			if err != nil {
				bad(i, f, fmt.Sprintf("%q %v", raw, err))
				continue
			}
			target[f.Name] = boolInt(b)
		case export.TypeDate:
			d, err := e.p.date(raw)
			if err != nil {
				bad(i, f, fmt.Sprintf("%q %v", raw, err))
				continue
			}
			target[f.Name] = d.String()
		case export.TypeTime:
			t, err := e.p.instant(raw)
			if err != nil {
				bad(i, f, fmt.Sprintf("%q %v", raw, err))
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

// resolveRefs turns the texts naming other records into ids.
func (e *engine) resolveRefs(row Row, rv *rowValues) []RowError {
	var errs []RowError
	for field, text := range rv.refs {
		f, _ := fieldByName(e.opts.Kind, field)
		id, err := e.refs.resolve(f.Ref, text)
		if err == nil && id == "" && f.Ref == model.KindAccount && !e.opts.NoCreateAccounts {
			id, err = e.createAccount(text)
		}
		if err != nil {
			return append(errs, RowError{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf[field]], Field: field, Msg: err.Error()})
		}
		if id == "" {
			errs = append(errs, RowError{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf[field]], Field: field,
				Msg: fmt.Sprintf("no %s is named %q", strings.ReplaceAll(string(f.Ref), "_", " "), text)})
			continue
		}
		rv.vals[field] = id
	}
	return errs
}

// createAccount creates the account a row names, so that a contact list
// brings its companies with it.
func (e *engine) createAccount(name string) (string, error) {
	a := &model.Account{Name: name}
	if err := e.tx.Create(a); err != nil {
		if ves, ok := model.AsValidation(err); ok {
			return "", fmt.Errorf("cannot create the account %q: %v", name, ves)
		}
		return "", err
	}
	e.refs.learn(model.KindAccount, a)
	// Counted once the row succeeds: a refused row's account is not kept.
	e.pending = append(e.pending, func() { e.sum.AccountsCreated++; e.refs.commit() })
	return a.ID, nil
}

// findExisting finds the record a row duplicates: by id, then by the kind's
// natural keys (see dedupIndex).
func (e *engine) findExisting(row Row, rv *rowValues, cand model.Record) (model.Record, []RowError, error) {
	if rv.id != "" {
		r, _ := model.New(e.opts.Kind)
		err := e.tx.Get(rv.id, r)
		switch {
		case err == nil && r.Base().Deleted():
			return nil, []RowError{{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf["id"]], Field: "id", Msg: fmt.Sprintf("record %s is in the trash; restore it first", rv.id)}}, nil
		case err == nil:
			return r, nil, nil
		case !errors.Is(err, model.ErrNotFound):
			return nil, nil, err
		}
		if !looksLikeID(rv.id) {
			return nil, []RowError{{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf["id"]], Field: "id", Msg: fmt.Sprintf("%q is not a Relais id", rv.id)}}, nil
		}
	}
	id := e.dedup.find(cand)
	if id == "" || e.opts.OnDuplicate == Create {
		return nil, nil, nil
	}
	r, _ := model.New(e.opts.Kind)
	if err := e.tx.Get(id, r); err != nil {
		return nil, nil, err
	}
	return r, nil, nil
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
			return &RowError{Row: row.Num, Line: row.Line, Msg: "the pipeline has no open stage to put the deal in: create one, or map a Stage column"}
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
		if err != nil || pid == "" {
			return []RowError{{Row: row.Num, Line: row.Line, Column: e.cols[e.colOf[FieldLineProduct]], Field: FieldLineProduct, Msg: fmt.Sprintf("no product has the SKU %q", rv.lineR)}}, err
		}
		var p model.Product
		if err := e.tx.Get(pid, &p); err != nil {
			return nil, err
		}
		l.ProductID, l.Description, l.UnitPriceMinor, l.TaxRateBP = pid, p.Name, p.PriceMinor, p.TaxRateBP
	}
	m := model.FieldMap{}
	for k, v := range rv.line {
		m[map[string]string{FieldLineDescription: "description", FieldLineQuantity: "quantity_milli", FieldLineUnitPrice: "unit_price_minor",
			FieldLineDiscount: "discount_bp", FieldLineTaxRate: "tax_rate_bp"}[k]] = v
	}
	if err := model.Decode(l, m); err != nil {
		return []RowError{{Row: row.Num, Line: row.Line, Msg: err.Error()}}, nil
	}
	l.NetMinor = lineNet(l.QuantityMilli, l.UnitPriceMinor, l.DiscountBP)
	if err := e.tx.Create(l); err != nil {
		errs, err := e.recordErrors(row, err)
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
