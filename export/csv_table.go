package export

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"strings"
	"sync"
	"time"

	"relais/assets"
	"relais/model"
)

// ColType says how a column's values are shown in a list export and parsed
// back by the importer.
type ColType int

// The column types of list exports.
const (
	TypeText     ColType = iota
	TypeInt              // a whole number
	TypeMoney            // int64 minor units of the row's currency
	TypePercent          // int64 basis points, shown as a percentage (2000 → 20)
	TypeQuantity         // int64 thousandths, shown as a decimal (2500 → 2.5)
	TypeBool             // yes / no
	TypeDate             // model.Date
	TypeTime             // an instant
	TypeList             // []string, shown joined with ", "
	TypeRef              // the id of another record, shown as that record's label
)

// ListColumn is one column of a kind's list export. Field is the record's db
// field name, or "id", "created_at", "updated_at".
type ListColumn struct {
	Field         string
	Type          ColType
	Ref           model.Kind // for TypeRef: the kind referred to
	CurrencyField string     // for TypeMoney: the field holding the currency, "" if the record has none
}

// Value is one cell of a list export, typed so that XLSX gets real numbers
// and dates and CSV gets them in the user's locale.
type Value struct {
	Type  ColType
	Text  string // TypeText, TypeRef (the label), TypeList (joined)
	Num   int64  // TypeInt, TypeMoney (minor units), TypePercent (bp), TypeQuantity (milli), TypeBool (0/1)
	Scale int    // decimal digits of Num for TypeMoney
	Date  model.Date
	Time  time.Time
	Empty bool // no value: a blank cell
}

// TableWriter receives a list export: one header, then rows.
type TableWriter interface {
	Header(titles []string) error
	Row(vals []Value) error
	Close() error
}

// Options tune list exports.
type Options struct {
	Lang     string         // "fr" or "en": headers, separators, yes/no
	Location *time.Location // where instants are shown; UTC when nil
}

// hiddenInLists are fields a list export leaves out: a photo is tens of
// kilobytes of base64, more than a spreadsheet cell holds (Excel stops at
// 32,767 characters). The export-all folder keeps them.
var hiddenInLists = map[string]bool{"photo": true}

var (
	columnsMu    sync.Mutex
	columnsCache = map[model.Kind][]ListColumn{}
)

// Columns lists the columns of kind k's list export: the id, the record's
// fields in declaration order, then the creation and update times.
func Columns(k model.Kind) []ListColumn {
	columnsMu.Lock()
	defer columnsMu.Unlock()
	if cs, ok := columnsCache[k]; ok {
		return cs
	}
	cs := []ListColumn{{Field: "id", Type: TypeText}}
	r, err := model.New(k)
	if err != nil {
		return nil
	}
	t := reflect.TypeOf(r).Elem()
	names := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		if tag := t.Field(i).Tag.Get("db"); tag != "" {
			name, _, _ := strings.Cut(tag, ",")
			names[name] = true
		}
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("db")
		if tag == "" || f.Anonymous {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		if hiddenInLists[name] {
			continue
		}
		c := ListColumn{Field: name}
		switch {
		case strings.HasPrefix(opt, "ref="):
			c.Type, c.Ref = TypeRef, model.Kind(strings.TrimPrefix(opt, "ref="))
		case f.Type == reflect.TypeOf(model.Date{}):
			c.Type = TypeDate
		case f.Type == reflect.TypeOf(time.Time{}):
			c.Type = TypeTime
		case f.Type == reflect.TypeOf([]string(nil)):
			c.Type = TypeList
		case f.Type.Kind() == reflect.Bool:
			c.Type = TypeBool
		case f.Type.Kind() == reflect.Int64 && (strings.HasSuffix(name, "_minor") || name == "budget_minor"):
			c.Type = TypeMoney
			if own := strings.TrimSuffix(name, "_minor") + "_currency"; names[own] {
				c.CurrencyField = own
			} else if names["currency"] {
				c.CurrencyField = "currency"
			}
		case f.Type.Kind() == reflect.Int64 && strings.HasSuffix(name, "_bp"):
			c.Type = TypePercent
		case f.Type.Kind() == reflect.Int64 && strings.HasSuffix(name, "_milli"):
			c.Type = TypeQuantity
		case f.Type.Kind() == reflect.Int64:
			c.Type = TypeInt
		}
		cs = append(cs, c)
	}
	cs = append(cs, ListColumn{Field: "created_at", Type: TypeTime}, ListColumn{Field: "updated_at", Type: TypeTime})
	columnsCache[k] = cs
	return cs
}

// Header is the title of field in kind k's list export, in lang.
func Header(k model.Kind, field, lang string) string {
	tr := translations(lang)
	if s, ok := tr["io.col."+string(k)+"."+field]; ok {
		return s
	}
	if s, ok := tr["io.col."+field]; ok {
		return s
	}
	return humanize(field)
}

// Text returns the translation of key from assets/translations/io.<lang>.json,
// or key itself; for the few words exports print (yes, no, sheet names).
func Text(lang, key string) string {
	if s, ok := translations(lang)[key]; ok {
		return s
	}
	return key
}

// humanize turns a field name into a readable English title:
// "postal_code" → "Postal code", "owner_id" → "Owner".
func humanize(field string) string {
	for _, suf := range []string{"_id", "_minor", "_bp", "_milli"} {
		field = strings.TrimSuffix(field, suf)
	}
	s := strings.ReplaceAll(field, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

var (
	trMu    sync.Mutex
	trCache = map[string]map[string]string{}
)

// translations loads io.<lang>.json once; the files are embedded, so the
// cache never goes stale.
func translations(lang string) map[string]string {
	if !strings.HasPrefix(strings.ToLower(lang), "fr") {
		lang = "en"
	} else {
		lang = "fr"
	}
	trMu.Lock()
	defer trMu.Unlock()
	if m, ok := trCache[lang]; ok {
		return m
	}
	m := map[string]string{}
	if b, err := assets.Translations.ReadFile("translations/io." + lang + ".json"); err == nil {
		_ = json.Unmarshal(b, &m) // a broken file falls back to field names; the assets test checks it parses
	}
	trCache[lang] = m
	return m
}

// List writes every record of kind k matching q (its current filter and
// order) to tw, reading a page at a time so a 100,000-row list never sits in
// memory whole. It returns how many rows it wrote.
func List(ctx context.Context, db model.Querier, k model.Kind, q model.Query, tw TableWriter, opts Options) (int, error) {
	cols := Columns(k)
	if cols == nil {
		return 0, fmt.Errorf("export: list %s: unknown kind of record", k)
	}
	titles := make([]string, len(cols))
	for i, c := range cols {
		titles[i] = Header(k, c.Field, opts.Lang)
	}
	if err := tw.Header(titles); err != nil {
		return 0, err
	}
	labels := newLabeler(ctx, db)
	n := 0
	err := Pages(ctx, db, k, q, func(page []model.Record) error {
		if err := labels.prefetch(cols, page); err != nil {
			return err
		}
		for _, r := range page {
			vals, err := rowValues(cols, r, labels)
			if err != nil {
				return err
			}
			if err := tw.Row(vals); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return n, fmt.Errorf("export: list %s: %w", k, err)
	}
	return n, nil
}

// rowValues turns a record into the cells of its list-export row.
func rowValues(cols []ListColumn, r model.Record, labels *labeler) ([]Value, error) {
	fm, err := model.Encode(r)
	if err != nil {
		return nil, err
	}
	m := r.Base()
	fm["id"], fm["created_at"], fm["updated_at"] = m.ID, timeOrNil(m.CreatedAt), timeOrNil(m.UpdatedAt)
	vals := make([]Value, len(cols))
	for i, c := range cols {
		v := Value{Type: c.Type}
		raw := fm[c.Field]
		if raw == nil {
			v.Empty = true
			vals[i] = v
			continue
		}
		switch c.Type {
		case TypeText:
			v.Text, _ = raw.(string)
		case TypeInt, TypePercent, TypeQuantity, TypeBool:
			v.Num, _ = raw.(int64)
		case TypeMoney:
			v.Num, _ = raw.(int64)
			v.Scale = 2
			if cur, ok := fm[c.CurrencyField].(string); ok && cur != "" {
				v.Scale = model.CurrencyDigits(cur)
			}
		case TypeDate:
			s, _ := raw.(string)
			d, err := model.ParseDate(s)
			if err != nil {
				return nil, err
			}
			v.Date = d
		case TypeTime:
			s, _ := raw.(string)
			t, err := time.Parse(time.RFC3339Nano, s)
			if err != nil {
				return nil, fmt.Errorf("%s: %q is not a time", c.Field, s)
			}
			v.Time = t
		case TypeList:
			var ss []string
			s, _ := raw.(string)
			if err := json.Unmarshal([]byte(s), &ss); err != nil {
				return nil, fmt.Errorf("%s: not a list", c.Field)
			}
			v.Text = strings.Join(ss, ", ")
		case TypeRef:
			id, _ := raw.(string)
			v.Text = labels.label(c.Ref, id)
		}
		vals[i] = v
	}
	return vals, nil
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return model.FormatTime(t)
}

// FormatValue renders a cell for CSV in the writer's locale.
func (c *CSV) FormatValue(v Value, loc *time.Location) string {
	if v.Empty {
		return ""
	}
	switch v.Type {
	case TypeInt:
		return formatDecimal(v.Num, 0, c.decimal, false)
	case TypeMoney:
		return c.Decimal(v.Num, v.Scale)
	case TypePercent:
		return c.Percent(v.Num)
	case TypeQuantity:
		return formatDecimal(v.Num, 3, c.decimal, true)
	case TypeBool:
		return c.Bool(v.Num != 0)
	case TypeDate:
		return c.Date(v.Date)
	case TypeTime:
		return c.Time(v.Time, loc)
	}
	return v.Text
}

// csvTable writes a list export as locale-aware CSV.
type csvTable struct {
	c   *CSV
	loc *time.Location
	buf []string
}

// NewCSVTable returns a TableWriter producing CSV for opts.Lang (see NewCSV).
func NewCSVTable(w io.Writer, opts Options) TableWriter {
	return &csvTable{c: NewCSV(w, opts.Lang), loc: opts.Location}
}

func (t *csvTable) Header(titles []string) error { return t.c.Write(titles...) }

func (t *csvTable) Row(vals []Value) error {
	t.buf = t.buf[:0]
	for _, v := range vals {
		t.buf = append(t.buf, t.c.FormatValue(v, t.loc))
	}
	return t.c.Write(t.buf...)
}

func (t *csvTable) Close() error { return t.c.Flush() }
