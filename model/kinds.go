package model

import (
	"fmt"
	"reflect"
	"strings"
	"time"
)

// colType is how a Go field is stored in its SQLite column.
type colType int

const (
	colString  colType = iota // TEXT
	colInt                    // INTEGER
	colBool                   // INTEGER 0/1
	colTime                   // TEXT, UTC, millisecond precision, fixed width; NULL when zero
	colDate                   // TEXT YYYY-MM-DD; NULL when zero
	colStrings                // TEXT holding a JSON array; NULL when empty
)

// column maps one struct field to one table column.
type column struct {
	name   string
	index  []int // reflect field index path (through the embedded Meta)
	typ    colType
	ref    Kind // non-empty for references: "" is stored as NULL and must name an existing record
	unique bool // no two live records may share a non-empty value (checked on local edits)
}

// kindInfo is everything the generic store needs to know about one kind.
type kindInfo struct {
	kind    Kind
	table   string
	typ     reflect.Type // the struct type (not the pointer)
	cols    []column
	byName  map[string]int
	newRec  func() Record
	search  func(r Record) (label, name, body string) // nil: not searchable
	colList string                                    // "id, created_at, …" in cols order
	insertQ string                                    // INSERT of all columns (built once: a 100k import asked for it 100k times)
	selectQ string                                    // SELECT of all columns of one id
}

// The columns handled by the store itself rather than copied from the change data.
const (
	colID      = "id"
	colCreated = "created_at"
	colUpdated = "updated_at"
	colDeleted = "deleted_at"
)

var (
	kindByName = map[Kind]*kindInfo{}
	kindByType = map[reflect.Type]*kindInfo{}
	kindOrder  []Kind // registration order: parents before children, for snapshots and exports
)

func register(table string, proto Record, search func(Record) (string, string, string)) {
	t := reflect.TypeOf(proto).Elem()
	ki := &kindInfo{kind: proto.Kind(), table: table, typ: t, byName: map[string]int{}, search: search}
	ki.newRec = func() Record { return reflect.New(t).Interface().(Record) }
	collectColumns(t, nil, ki)
	names := make([]string, len(ki.cols))
	for i, c := range ki.cols {
		names[i] = c.name
		ki.byName[c.name] = i
	}
	ki.colList = strings.Join(names, ", ")
	ki.insertQ = `INSERT INTO ` + ki.table + ` (` + ki.colList + `) VALUES (?` + strings.Repeat(", ?", len(ki.cols)-1) + `)`
	ki.selectQ = `SELECT ` + ki.colList + ` FROM ` + ki.table + ` WHERE id = ?`
	kindByName[ki.kind] = ki
	kindByType[t] = ki
	kindOrder = append(kindOrder, ki.kind)
}

var (
	timeType    = reflect.TypeOf(time.Time{})
	dateType    = reflect.TypeOf(Date{})
	stringsType = reflect.TypeOf([]string(nil))
)

func collectColumns(t reflect.Type, prefix []int, ki *kindInfo) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		idx := append(append([]int(nil), prefix...), i)
		if f.Anonymous && f.Type.Kind() == reflect.Struct {
			collectColumns(f.Type, idx, ki)
			continue
		}
		tag := f.Tag.Get("db")
		if tag == "" {
			continue
		}
		name, opt, _ := strings.Cut(tag, ",")
		c := column{name: name, index: idx}
		if target, ok := strings.CutPrefix(opt, "ref="); ok {
			c.ref = Kind(target)
		}
		c.unique = opt == "unique"
		switch {
		case f.Type == timeType:
			c.typ = colTime
		case f.Type == dateType:
			c.typ = colDate
		case f.Type == stringsType:
			c.typ = colStrings
		case f.Type.Kind() == reflect.String:
			c.typ = colString
		case f.Type.Kind() == reflect.Int64:
			c.typ = colInt
		case f.Type.Kind() == reflect.Bool:
			c.typ = colBool
		default:
			panic(fmt.Sprintf("model: %s.%s: unsupported field type %s", t.Name(), f.Name, f.Type))
		}
		ki.cols = append(ki.cols, c)
	}
}

func infoOf(r Record) (*kindInfo, error) {
	ki, ok := kindByType[reflect.TypeOf(r).Elem()]
	if !ok {
		return nil, fmt.Errorf("model: %T is not a registered record type", r)
	}
	return ki, nil
}

// info returns the kind's description or an error naming the unknown kind.
func info(k Kind) (*kindInfo, error) {
	ki, ok := kindByName[k]
	if !ok {
		return nil, fmt.Errorf("model: unknown kind of record %q", k)
	}
	return ki, nil
}

// Kinds lists every kind in dependency order (a record's references come
// before it), which is the order to snapshot or import them in.
func Kinds() []Kind { return append([]Kind(nil), kindOrder...) }

// New returns an empty record of kind k.
func New(k Kind) (Record, error) {
	ki, err := info(k)
	if err != nil {
		return nil, err
	}
	return ki.newRec(), nil
}

// Fields lists the synced field names of kind k (all columns but the
// store-managed id, created_at, updated_at and deleted_at).
func Fields(k Kind) []string {
	ki, ok := kindByName[k]
	if !ok {
		return nil
	}
	var out []string
	for _, c := range ki.cols {
		if !storeManaged(c.name) {
			out = append(out, c.name)
		}
	}
	return out
}

// Table returns the SQLite table holding kind k ("" for an unknown kind).
func Table(k Kind) string {
	if ki, ok := kindByName[k]; ok {
		return ki.table
	}
	return ""
}

func storeManaged(col string) bool {
	return col == colID || col == colCreated || col == colUpdated || col == colDeleted
}

func joinNonEmpty(sep string, parts ...string) string {
	out := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// phoneTokens indexes each phone number as one run of digits, so that
// "+33 1 23 45 67 89" is found by "3312345" rather than cluttering the index
// with six two-digit words, and also by its PhoneKey, so that duplicate
// checks find "01 23 45 67 89" written with or without the country code.
func phoneTokens(phones []string) string {
	var b strings.Builder
	for _, p := range phones {
		for _, r := range p {
			if r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		b.WriteByte(' ')
		b.WriteString(PhoneKey(p))
		b.WriteByte(' ')
	}
	return b.String()
}

func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// The registration order is the dependency order used for snapshots.
func init() {
	register("team_members", &TeamMember{}, func(r Record) (string, string, string) {
		m := r.(*TeamMember)
		return m.Name, m.Name, joinNonEmpty(" ", m.Email, m.Region)
	})
	register("stages", &Stage{}, nil)
	register("events", &Event{}, func(r Record) (string, string, string) {
		e := r.(*Event)
		return e.Name, e.Name, joinNonEmpty(" ", e.Venue, e.City, e.Booth)
	})
	register("accounts", &Account{}, func(r Record) (string, string, string) {
		a := r.(*Account)
		return joinNonEmpty(" — ", a.Name, a.City), a.Name, joinNonEmpty(" ", a.City, a.PostalCode, a.Industry, a.Segment, a.Region, a.Email, a.Website, a.Phone, strings.Join(a.Tags, " "), a.Notes)
	})
	register("contacts", &Contact{}, func(r Record) (string, string, string) {
		c := r.(*Contact)
		return joinNonEmpty(" — ", c.FullName(), c.Title), c.FullName(), joinNonEmpty(" ", c.Title, strings.Join(c.Emails, " "), phoneTokens(c.Phones), strings.Join(c.Tags, " "), c.Notes)
	})
	register("deals", &Deal{}, func(r Record) (string, string, string) {
		d := r.(*Deal)
		return d.Title, d.Title, joinNonEmpty(" ", d.Notes, d.LostReason)
	})
	register("activities", &Activity{}, func(r Record) (string, string, string) {
		a := r.(*Activity)
		return firstLine(a.Summary, 80), "", joinNonEmpty(" ", a.Summary, a.Outcome)
	})
	register("tasks", &Task{}, func(r Record) (string, string, string) {
		t := r.(*Task)
		return t.Title, t.Title, t.Notes
	})
	register("products", &Product{}, func(r Record) (string, string, string) {
		p := r.(*Product)
		return joinNonEmpty(" — ", p.SKU, p.Name), joinNonEmpty(" ", p.SKU, p.Name), joinNonEmpty(" ", p.Category, p.Description)
	})
	register("product_prices", &ProductPrice{}, nil)
	register("proposals", &Proposal{}, func(r Record) (string, string, string) {
		p := r.(*Proposal)
		return joinNonEmpty(" — ", p.Number, p.Title), joinNonEmpty(" ", p.Number, p.Title), p.CoverLetter
	})
	register("proposal_lines", &ProposalLine{}, nil)
	register("orders", &Order{}, nil)
	register("order_lines", &OrderLine{}, nil)
	register("vendors", &Vendor{}, func(r Record) (string, string, string) {
		v := r.(*Vendor)
		return v.Name, v.Name, joinNonEmpty(" ", v.Provides, v.ContactName, v.Email)
	})
	register("appointments", &Appointment{}, nil)
	register("event_items", &EventItem{}, nil)
	register("rota_shifts", &RotaShift{}, nil)
	register("agenda_slots", &AgendaSlot{}, nil)
	register("client_issues", &ClientIssue{}, func(r Record) (string, string, string) {
		i := r.(*ClientIssue)
		return i.Title, i.Title, joinNonEmpty(" ", i.Description, i.Resolution)
	})
	register("terms_templates", &TermsTemplate{}, nil)
}
