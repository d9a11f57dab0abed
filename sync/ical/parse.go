package ical

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	goical "github.com/emersion/go-ical"
)

// Reading is split in two so that one broken item never costs the others:
// split finds the items (VEVENT, VTODO …) of a file by their BEGIN/END lines,
// keeping line numbers, and each item is then decoded by go-ical on its own.
// go-ical reads a whole calendar or fails, and reports no line numbers.

// line is one logical (unfolded) content line and where it starts in the file.
type line struct {
	text string
	num  int
}

// item is one top-level component of a file.
type item struct {
	name  string // VEVENT, VTODO, VTIMEZONE …
	line  int    // where its BEGIN is
	lines []line // BEGIN to END, unfolded
	comp  *goical.Component
	err   error // why it cannot be read; it is then skipped
}

// lineOf returns the file line of the item's first property called name, or
// the item's own line.
func (it *item) lineOf(name string) int {
	for _, l := range it.lines {
		if n, _, ok := cutName(l.text); ok && strings.EqualFold(n, name) {
			return l.num
		}
	}
	return it.line
}

func cutName(s string) (name, rest string, ok bool) {
	i := strings.IndexAny(s, ";:")
	if i <= 0 {
		return "", "", false
	}
	return s[:i], s[i:], true
}

// document is a parsed file: its items and calendar-level properties.
type document struct {
	items    []*item
	method   string
	calName  string
	calZone  string   // X-WR-TIMEZONE: Google's zone for floating times
	warnings []string // lines ignored outside any item
	calendar bool     // a BEGIN:VCALENDAR line was seen
}

// unfold splits data into logical lines: CRLF, LF and lone-CR-before-LF line
// ends are accepted, and a line starting with a space or tab continues the
// previous one (RFC 5545 §3.1).
func unfold(data []byte) []line {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	var out []line
	num := 0
	for len(data) > 0 {
		num++
		var raw []byte
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			raw, data = data[:i], data[i+1:]
		} else {
			raw, data = data, nil
		}
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		if len(raw) > 0 && (raw[0] == ' ' || raw[0] == '\t') && len(out) > 0 {
			out[len(out)-1].text += string(raw[1:])
			continue
		}
		out = append(out, line{text: string(raw), num: num})
	}
	return out
}

// topLevel lists the components that are items of their own.
var topLevel = map[string]bool{
	goical.CompEvent: true, goical.CompToDo: true, goical.CompJournal: true,
	goical.CompFreeBusy: true, goical.CompTimezone: true,
}

func beginEnd(text string) (kind, name string) {
	n, rest, ok := cutName(text)
	if !ok || rest == "" || rest[0] != ':' {
		return "", ""
	}
	switch strings.ToUpper(n) {
	case "BEGIN", "END":
		return strings.ToUpper(n), strings.ToUpper(strings.TrimSpace(rest[1:]))
	}
	return "", ""
}

// split reads the structure of a file. It never fails: problems are attached
// to the item they spoil, or noted as warnings when no item is concerned.
func split(data []byte) *document {
	doc := &document{}
	var cur *item
	var stack []string // open components inside cur
	inCal := 0
	closeItem := func(err error) {
		if cur == nil {
			return
		}
		if err != nil && cur.err == nil {
			cur.err = err
		}
		doc.items = append(doc.items, cur)
		cur, stack = nil, nil
	}
	for _, l := range unfold(data) {
		kind, name := beginEnd(l.text)
		if cur != nil {
			switch {
			case kind == "BEGIN" && topLevel[name] && len(stack) == 1:
				closeItem(fmt.Errorf("line %d: %s is never closed (END:%s missing)", cur.line, cur.name, cur.name))
			case kind == "END" && name == stack[len(stack)-1]:
				cur.lines = append(cur.lines, l)
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					closeItem(nil)
				}
				continue
			case kind == "END" && (name == cur.name || name == goical.CompCalendar):
				cur.lines = append(cur.lines, line{"END:" + cur.name, l.num})
				closeItem(fmt.Errorf("line %d: %s is never closed (END:%s missing)", l.num, stack[len(stack)-1], stack[len(stack)-1]))
				if name == goical.CompCalendar && inCal > 0 {
					inCal--
				}
				continue
			case kind == "END":
				cur.err = fmt.Errorf("line %d: END:%s does not match BEGIN:%s", l.num, name, stack[len(stack)-1])
				continue
			case kind == "BEGIN":
				stack = append(stack, name)
				cur.lines = append(cur.lines, l)
				continue
			default:
				cur.lines = append(cur.lines, l)
				continue
			}
		}
		switch {
		case kind == "BEGIN" && name == goical.CompCalendar:
			inCal++
			doc.calendar = true
		case kind == "END" && name == goical.CompCalendar && inCal > 0:
			inCal--
		case kind == "BEGIN":
			// Bare components (no VCALENDAR around them) are accepted too.
			cur = &item{name: name, line: l.num, lines: []line{l}}
			stack = []string{name}
		case strings.TrimSpace(l.text) == "":
		case inCal > 0:
			n, rest, ok := cutName(l.text)
			if !ok || !strings.Contains(rest, ":") {
				doc.warnings = append(doc.warnings, fmt.Sprintf("line %d: not an iCalendar content line, ignored", l.num))
				continue
			}
			value := rest[strings.IndexByte(rest, ':')+1:]
			switch strings.ToUpper(n) {
			case "METHOD":
				doc.method = strings.ToUpper(strings.TrimSpace(value))
			case "X-WR-CALNAME":
				doc.calName = unescapeLenient(value)
			case "X-WR-TIMEZONE":
				doc.calZone = strings.TrimSpace(value)
			}
		default:
			doc.warnings = append(doc.warnings, fmt.Sprintf("line %d: text outside any calendar, ignored", l.num))
		}
	}
	if cur != nil {
		closeItem(fmt.Errorf("line %d: %s is never closed (the file ends first)", cur.line, cur.name))
	}
	for _, it := range doc.items {
		if it.err == nil {
			it.comp, it.err = decodeItem(it)
		}
	}
	return doc
}

// decodeItem hands one item to go-ical, naming the first line it rejects.
func decodeItem(it *item) (*goical.Component, error) {
	var b strings.Builder
	b.WriteString("BEGIN:VCALENDAR\r\n")
	for _, l := range it.lines {
		if !utf8.ValidString(l.text) {
			return nil, fmt.Errorf("line %d: not valid UTF-8 text (save the file as UTF-8)", l.num)
		}
		if strings.TrimSpace(l.text) == "" {
			continue
		}
		b.WriteString(strings.ReplaceAll(l.text, "\r", ""))
		b.WriteString("\r\n")
	}
	b.WriteString("END:VCALENDAR\r\n")
	cal, err := safeDecode(b.String())
	if err != nil {
		for _, l := range it.lines {
			if kind, _ := beginEnd(l.text); kind != "" || strings.TrimSpace(l.text) == "" {
				continue
			}
			if _, lerr := safeDecode("BEGIN:VCALENDAR\r\n" + strings.ReplaceAll(l.text, "\r", "") + "\r\nEND:VCALENDAR\r\n"); lerr != nil {
				return nil, fmt.Errorf("line %d: %s", l.num, strings.TrimPrefix(lerr.Error(), "ical: "))
			}
		}
		return nil, fmt.Errorf("line %d: %s", it.line, strings.TrimPrefix(err.Error(), "ical: "))
	}
	if len(cal.Children) != 1 {
		return nil, fmt.Errorf("line %d: %s could not be read", it.line, it.name)
	}
	return cal.Children[0], nil
}

// safeDecode runs go-ical's decoder, turning its panics on some malformed
// parameter values into errors.
func safeDecode(s string) (cal *goical.Calendar, err error) {
	defer func() {
		if r := recover(); r != nil {
			cal, err = nil, fmt.Errorf("malformed content line (%v)", r)
		}
	}()
	return goical.NewDecoder(strings.NewReader(s)).Decode()
}

// unescapeLenient undoes TEXT escaping (RFC 5545 §3.3.11), keeping unknown
// escapes such as "\:" (Outlook writes them) as the bare character.
func unescapeLenient(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			default:
				b.WriteByte(s[i])
			}
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
