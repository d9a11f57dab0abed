package model

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"
)

// timeLayout stores instants in UTC at millisecond precision with a fixed
// width, so that text order is time order in SQL.
const timeLayout = "2006-01-02T15:04:05.000Z"

// FormatTime renders t the way the store keeps instants.
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// encodeField returns the column value of one field: string, int64 or nil.
// These are also the values carried in change data on the wire.
func encodeField(v reflect.Value, c *column) any {
	f := v.FieldByIndex(c.index)
	switch c.typ {
	case colString:
		s := f.String()
		if s == "" && c.ref != "" {
			return nil
		}
		return s
	case colInt:
		return f.Int()
	case colBool:
		if f.Bool() {
			return int64(1)
		}
		return int64(0)
	case colTime:
		// Through a pointer: boxing the struct itself would allocate, and
		// this runs for every time field of every record written.
		t := fieldPtr[time.Time](f)
		if t.IsZero() {
			return nil
		}
		return FormatTime(*t)
	case colDate:
		d := *fieldPtr[Date](f)
		if d.IsZero() {
			return nil
		}
		return d.String()
	case colStrings:
		ss := *fieldPtr[[]string](f)
		if len(ss) == 0 {
			return nil
		}
		b, _ := json.Marshal(ss) // a []string always marshals
		return string(b)
	}
	return nil
}

// fieldPtr returns a pointer to the field f (which must be addressable, as
// the fields of a record reached through its pointer are).
func fieldPtr[T any](f reflect.Value) *T {
	return f.Addr().Interface().(*T)
}

// encodeRecord returns every column value of r in column order.
func encodeRecord(ki *kindInfo, r Record) []any {
	v := reflect.ValueOf(r).Elem()
	out := make([]any, len(ki.cols))
	for i := range ki.cols {
		out[i] = encodeField(v, &ki.cols[i])
	}
	return out
}

// decodeField stores a column value (as scanned from SQLite or decoded from
// change data) into the struct field; it reports values of the wrong shape.
func decodeField(v reflect.Value, c *column, val any) error {
	f := v.FieldByIndex(c.index)
	if b, ok := val.([]byte); ok {
		val = string(b)
	}
	if n, ok := val.(json.Number); ok {
		i, err := n.Int64()
		if err != nil {
			return fmt.Errorf("field %s: %q is not a whole number", c.name, n)
		}
		val = i
	}
	if fl, ok := val.(float64); ok { // JSON numbers decoded without UseNumber
		if fl != float64(int64(fl)) {
			return fmt.Errorf("field %s: %v is not a whole number", c.name, fl)
		}
		val = int64(fl)
	}
	switch c.typ {
	case colString:
		switch x := val.(type) {
		case nil:
			f.SetString("")
		case string:
			if !utf8.ValidString(x) {
				return fmt.Errorf("field %s: not valid UTF-8", c.name)
			}
			f.SetString(x)
		default:
			return fmt.Errorf("field %s: want text, got %T", c.name, val)
		}
	case colInt, colBool:
		var i int64
		switch x := val.(type) {
		case nil:
		case int64:
			i = x
		case bool:
			if x {
				i = 1
			}
		case string:
			n, err := strconv.ParseInt(x, 10, 64)
			if err != nil {
				return fmt.Errorf("field %s: %q is not a whole number", c.name, x)
			}
			i = n
		default:
			return fmt.Errorf("field %s: want a number, got %T", c.name, val)
		}
		if c.typ == colBool {
			f.SetBool(i != 0)
		} else {
			f.SetInt(i)
		}
	case colTime:
		switch x := val.(type) {
		case nil:
			f.Set(reflect.ValueOf(time.Time{}))
		case string:
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return fmt.Errorf("field %s: %q is not a date and time", c.name, x)
			}
			f.Set(reflect.ValueOf(t.UTC()))
		default:
			return fmt.Errorf("field %s: want a date and time, got %T", c.name, val)
		}
	case colDate:
		switch x := val.(type) {
		case nil:
			f.Set(reflect.ValueOf(Date{}))
		case string:
			d, err := ParseDate(x)
			if err != nil {
				return fmt.Errorf("field %s: %q is not a date (YYYY-MM-DD)", c.name, x)
			}
			f.Set(reflect.ValueOf(d))
		default:
			return fmt.Errorf("field %s: want a date, got %T", c.name, val)
		}
	case colStrings:
		switch x := val.(type) {
		case nil:
			f.Set(reflect.Zero(f.Type()))
		case string:
			var ss []string
			if err := json.Unmarshal([]byte(x), &ss); err != nil {
				return fmt.Errorf("field %s: not a JSON list of text", c.name)
			}
			f.Set(reflect.ValueOf(ss))
		case []string:
			// An importer's freshly read list: no JSON round trip (a third
			// of the decoding time of a 100k-row import).
			for _, s := range x {
				if !utf8.ValidString(s) {
					return fmt.Errorf("field %s: not valid UTF-8", c.name)
				}
			}
			f.Set(reflect.ValueOf(x))
		default:
			return fmt.Errorf("field %s: want a list, got %T", c.name, val)
		}
	}
	return nil
}

// Fields is a record's field values by column name, in their stored form
// (string, int64 or nil): the payload of outbox rows and sync messages.
type FieldMap map[string]any

// Encode returns r's synced fields (see Fields) as a FieldMap.
func Encode(r Record) (FieldMap, error) {
	ki, err := infoOf(r)
	if err != nil {
		return nil, err
	}
	vals := encodeRecord(ki, r)
	m := make(FieldMap, len(vals))
	for i, c := range ki.cols {
		if !storeManaged(c.name) {
			m[c.name] = vals[i]
		}
	}
	return m, nil
}

// Decode applies the fields of m onto r, refusing unknown fields and values of
// the wrong shape. It does not validate the result; call r.Validate for that.
func Decode(r Record, m FieldMap) error {
	ki, err := infoOf(r)
	if err != nil {
		return err
	}
	v := reflect.ValueOf(r).Elem()
	for name, val := range m {
		i, ok := ki.byName[name]
		if !ok || name == colID || name == colUpdated {
			return fmt.Errorf("model: %s has no field %q", ki.kind, name)
		}
		if err := decodeField(v, &ki.cols[i], val); err != nil {
			return fmt.Errorf("model: %s: %w", ki.kind, err)
		}
	}
	return nil
}

// appendJSON writes the field map as a JSON object with keys in column order.
// It is hand-rolled because it runs once per change on the import hot path,
// where encoding/json's map handling dominated the profile.
func appendJSON(b []byte, ki *kindInfo, vals []any, include func(i int) bool) []byte {
	b = append(b, '{')
	first := true
	for i, c := range ki.cols {
		if !include(i) {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = appendJSONString(b, c.name)
		b = append(b, ':')
		switch x := vals[i].(type) {
		case nil:
			b = append(b, "null"...)
		case int64:
			b = strconv.AppendInt(b, x, 10)
		case string:
			b = appendJSONString(b, x)
		}
	}
	return append(b, '}')
}

func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == '<' || c == '>' || c == '&':
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
