package importer

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"relais/export"
	"relais/model"
)

// What a row does to the record it strongly matches (see match.go): it
// fills the fields the record leaves empty and adds to its lists (e-mails,
// phones, tags); a value that differs from the stored one — a name, a
// title — is never replaced silently: it is a Difference, reported with
// the choice made for it. By default (Merge) the stored value is kept;
// Update takes the file's values; the import preview, lead capture and
// Options.Choices choose per value.

// Choice is what to do with a value of the file that differs from the
// stored one.
type Choice string

// Choices for a differing value.
const (
	Keep     Choice = "keep" // the stored value stays
	TakeNew  Choice = "new"  // the file's value replaces it
	KeepBoth Choice = "both" // the stored value stays and the file's is added to the record's notes
)

// ParseChoice reads a choice name.
func ParseChoice(s string) (Choice, error) {
	switch c := Choice(strings.ToLower(strings.TrimSpace(s))); c {
	case Keep, TakeNew, KeepBoth:
		return c, nil
	}
	return "", fmt.Errorf("importer: %q: say keep, new or both", s)
}

// ChoiceKey names the value a choice is for: a field of a row (its Row as
// in RowError), or of every row when Row is 0.
type ChoiceKey struct {
	Row   int
	Field string
}

// Difference is a value of the file that differs from the stored record's.
type Difference struct {
	Row, Line int
	ID        string // the existing record
	Label     string // its name, as people know it
	Field     string
	Old, New  string // as text (lists joined with ", "), unclipped
	Choice    Choice // what the import did with it
}

// Text is the difference as a sentence in lang, values clipped.
func (d Difference) Text(lang string) string {
	return Text(lang, "difference", "Name", Clip(d.Label), "Field", fieldName(lang, d.Field), "Old", quote(d.Old), "New", quote(d.New),
		"Choice", Text(lang, "choice."+string(d.Choice)))
}

// fieldName is a field's title for messages (contacts' titles: every kind
// that has differences has the common fields).
func fieldName(lang, field string) string { return export.Header(model.KindContact, field, lang) }

// merger applies the rules to one record.
type merger struct {
	kind   model.Kind
	lists  map[string]bool // the kind's list fields
	notes  bool            // the kind has notes, where KeepBoth puts the file's value
	choose func(field string) Choice
	both   func(field, value string) string // the note line KeepBoth adds
}

func newMerger(k model.Kind, choose func(string) Choice, both func(field, value string) string) merger {
	m := merger{kind: k, lists: map[string]bool{}, choose: choose, both: both}
	for _, f := range Fields(k) {
		if f.Type == export.TypeList {
			m.lists[f.Name] = true
		}
		m.notes = m.notes || f.Name == "notes"
	}
	return m
}

// merge returns the fields of in to write onto before (both as
// model.Encode writes them; in's lists already hold before's items) and the
// values that differ, with the choice applied to each.
func (m merger) merge(before, in model.FieldMap) (model.FieldMap, []Difference) {
	changes := model.FieldMap{}
	var diffs []Difference
	var noteLines []string
	fields := make([]string, 0, len(in))
	for f := range in {
		fields = append(fields, f)
	}
	sort.Strings(fields) // differences in a stable order, for the summary and tests
	for _, f := range fields {
		nv, ov := in[f], before[f]
		switch {
		case isEmpty(nv), sameValue(ov, nv):
			continue
		case m.lists[f], isEmpty(ov):
			changes[f] = nv // lists only grow; an empty field is filled
			continue
		}
		c := m.choose(f)
		if c == KeepBoth && !m.notes {
			c = Keep
		}
		d := Difference{Field: f, Old: valueText(ov), New: valueText(nv), Choice: c}
		diffs = append(diffs, d)
		switch c {
		case TakeNew:
			changes[f] = nv
		case KeepBoth:
			if f == "notes" {
				noteLines = append(noteLines, d.New)
			} else {
				noteLines = append(noteLines, m.both(f, d.New))
			}
		}
	}
	if len(noteLines) > 0 {
		notes, _ := before["notes"].(string)
		if s, ok := changes["notes"].(string); ok {
			notes = s
		}
		add := strings.Join(noteLines, "\n")
		if strings.TrimSpace(notes) != "" {
			add = strings.TrimRight(notes, "\n") + "\n\n" + add
		}
		changes["notes"] = add
	}
	return changes, diffs
}

func isEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		s := strings.TrimSpace(x)
		return s == "" || s == "[]"
	case int64:
		return x == 0
	}
	return false
}

func sameValue(a, b any) bool {
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			return strings.TrimSpace(as) == strings.TrimSpace(bs)
		}
	}
	return a == b
}

// valueText is a stored value as text: a list's items joined.
func valueText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		if strings.HasPrefix(x, "[") {
			var ss []string
			if json.Unmarshal([]byte(x), &ss) == nil {
				return strings.Join(ss, ", ")
			}
		}
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

// MergeContact applies incoming (the values a card or a row gives) to the
// stored contact c with the rules above, choosing with choose (nil: keep
// every stored value), and returns the differences. Lead capture uses it
// to merge a badge into the contact it strongly matches; with apply false
// it only reports what merging would do, for the merge choice on screen.
func MergeContact(c *model.Contact, incoming model.FieldMap, choose func(field string) Choice, lang, source string, apply bool) ([]Difference, error) {
	if choose == nil {
		choose = func(string) Choice { return Keep }
	}
	before, err := model.Encode(c)
	if err != nil {
		return nil, fmt.Errorf("importer: merge: %w", err)
	}
	rv := &rowValues{vals: model.FieldMap{}, lists: map[string][]string{}}
	for f, v := range incoming {
		if s, ok := v.(string); ok && (f == "emails" || f == "phones" || f == "tags" || f == "interests") {
			var items []string
			if json.Unmarshal([]byte(s), &items) == nil {
				rv.lists[f] = items
				continue
			}
		}
		rv.vals[f] = v
	}
	m := newMerger(model.KindContact, choose, func(field, value string) string {
		return Text(lang, "both_note", "Field", fieldName(lang, field), "File", source, "Value", value)
	})
	changes, diffs := m.merge(before, rv.withLists(before))
	for i := range diffs {
		diffs[i].ID, diffs[i].Label = c.ID, c.FullName()
	}
	if apply && len(changes) > 0 {
		if err := model.Decode(c, changes); err != nil {
			return diffs, fmt.Errorf("importer: merge: %w", err)
		}
	}
	return diffs, nil
}
