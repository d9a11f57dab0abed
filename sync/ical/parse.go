package ical

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
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
	size int  // its length in bytes, unfolded
	long bool // longer than maxLineBytes: text holds only its start
}

// item is one top-level component of a file.
type item struct {
	name  string // VEVENT, VTODO, VTIMEZONE …
	line  int    // where its BEGIN is
	lines []line // BEGIN to END, unfolded
	comp  *goical.Component
	err   error // why it cannot be read; it is then skipped
	size  int   // bytes of its lines so far (see maxItemBytes)
	// summary is the SUMMARY of an item that could not be read, for the report.
	summary string
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

// Bounds on what one file may make Relais hold or compute. A hostile or
// broken file (a 48 MB RRULE, a line that never ends, a million empty
// components) is refused item by item with a short reason, and never held
// whole in memory more than once: lines are read as a stream, and what is
// beyond a bound is counted, not kept.
const (
	// maxLineBytes bounds one unfolded content line. Real lines are under a
	// few kilobytes; an inline ATTACH of a small document fits.
	maxLineBytes = 1 << 20
	// maxItemBytes bounds one VEVENT, VTODO … with its alarms.
	maxItemBytes = 4 << 20
	// maxItems bounds the items of one file: ten times a busy decade of
	// appointments, and the ItemResults of the report stay a few megabytes.
	maxItems = 100000
	// maxWarnings bounds the notes about lines outside any item.
	maxWarnings = 20
	// keptOfLongLine is what is kept of a refused line: enough to name its
	// property in the message.
	keptOfLongLine = 200
)

// unfold splits data into logical lines (see lineReader).
func unfold(data []byte) []line {
	var out []line
	lr := newLineReader(bytes.NewReader(data))
	for {
		l, ok, err := lr.next()
		if err != nil || !ok {
			return out
		}
		out = append(out, l)
	}
}

// lineReader reads logical lines from a stream: CRLF, LF and
// lone-CR-before-LF line ends are accepted, and a line starting with a space
// or tab continues the previous one (RFC 5545 §3.1). A logical line longer
// than maxLineBytes comes back with long set, its size, and only its start.
type lineReader struct {
	br    *bufio.Reader
	num   int    // physical lines read
	read  int64  // bytes read
	first bool   // before the first line (for the BOM)
	cur   *line  // the logical line being assembled
	buf   []byte // its text
	phys  []byte // the physical line just read
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), first: true}
}

// physical reads one physical line into lr.phys (bounded), reporting its
// full length; ok is false at the end of the input.
func (lr *lineReader) physical() (size int, ok bool, err error) {
	lr.phys = lr.phys[:0]
	for {
		chunk, err := lr.br.ReadSlice('\n')
		lr.read += int64(len(chunk))
		size += len(chunk)
		if len(lr.phys) < maxLineBytes+2 {
			room := maxLineBytes + 2 - len(lr.phys)
			if len(chunk) < room {
				room = len(chunk)
			}
			lr.phys = append(lr.phys, chunk[:room]...)
		}
		switch {
		case err == nil:
			lr.num++
			size--
			lr.phys = bytes.TrimSuffix(lr.phys, []byte("\n"))
			if bytes.HasSuffix(lr.phys, []byte("\r")) {
				lr.phys, size = lr.phys[:len(lr.phys)-1], size-1
			}
			return size, true, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF):
			if size == 0 {
				return 0, false, nil
			}
			lr.num++
			if bytes.HasSuffix(lr.phys, []byte("\r")) {
				lr.phys, size = lr.phys[:len(lr.phys)-1], size-1
			}
			return size, true, nil
		default:
			return 0, false, err
		}
	}
}

// next returns the next logical line; ok is false at the end.
func (lr *lineReader) next() (l line, ok bool, err error) {
	for {
		size, more, err := lr.physical()
		if err != nil {
			return line{}, false, err
		}
		if more && lr.first {
			lr.first = false
			if bytes.HasPrefix(lr.phys, []byte("\xef\xbb\xbf")) {
				lr.phys, size = lr.phys[3:], size-3
			}
		}
		if more && lr.cur != nil && len(lr.phys) > 0 && (lr.phys[0] == ' ' || lr.phys[0] == '\t') {
			lr.cur.size += size - 1
			if !lr.cur.long {
				if len(lr.buf)+size-1 > maxLineBytes {
					lr.cur.long = true
					lr.buf = lr.buf[:min(len(lr.buf), keptOfLongLine)]
				} else {
					lr.buf = append(lr.buf, lr.phys[1:]...)
				}
			}
			continue
		}
		var done line
		have := lr.cur != nil
		if have {
			done = *lr.cur
			done.text = string(lr.buf)
		}
		if more {
			lr.cur = &line{num: lr.num, size: size}
			lr.buf = lr.buf[:0]
			if size > maxLineBytes {
				lr.cur.long = true
				lr.buf = append(lr.buf, lr.phys[:min(len(lr.phys), keptOfLongLine)]...)
			} else {
				lr.buf = append(lr.buf, lr.phys...)
			}
		} else {
			lr.cur = nil
		}
		if have {
			return done, true, nil
		}
		if !more {
			return line{}, false, nil
		}
	}
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
		// Clipped: the name shows in messages, and BEGIN and END are clipped alike.
		return strings.ToUpper(n), strings.ToUpper(clip(strings.TrimSpace(rest[1:]), 60, true))
	}
	return "", ""
}

// split reads the structure of data (see splitReader).
func split(data []byte) (*document, error) {
	return splitReader(bytes.NewReader(data))
}

// splitReader reads the structure of a file as a stream. Problems are
// attached to the item they spoil, or noted as warnings when no item is
// concerned; it fails only when the input cannot be read or holds more
// than maxItems items.
func splitReader(r io.Reader) (*document, error) {
	doc := &document{}
	lr := newLineReader(r)
	extraWarnings := 0
	warn := func(format string, args ...any) {
		if len(doc.warnings) < maxWarnings {
			doc.warnings = append(doc.warnings, fmt.Sprintf(format, args...))
		} else {
			extraWarnings++
		}
	}
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
	// add keeps a line of cur, up to maxItemBytes: beyond, the item is
	// refused and the rest of its lines only counted.
	add := func(l line) {
		cur.size += l.size
		if cur.size > maxItemBytes {
			if cur.err == nil {
				cur.err = fmt.Errorf("line %d: %s is larger than %d MB, more than an event or task can hold", cur.line, cur.name, maxItemBytes>>20)
			}
			return
		}
		cur.lines = append(cur.lines, l)
	}
	for {
		l, ok, err := lr.next()
		if err != nil {
			return nil, fmt.Errorf("ical: read line %d: %w", lr.num, err)
		}
		if !ok {
			break
		}
		if len(doc.items) >= maxItems {
			return nil, fmt.Errorf("ical: the file holds more than %d items; split it into smaller files", maxItems)
		}
		if l.long {
			msg := fmt.Sprintf("line %d: the %s line is %s long (%s); Relais reads lines of at most %d MB", l.num, propName(l.text), byteSize(l.size), quote(propValue(l.text)), maxLineBytes>>20)
			if cur == nil {
				warn("%s, ignored", msg)
			} else if cur.err == nil {
				cur.err = errors.New(msg)
			}
			continue
		}
		kind, name := beginEnd(l.text)
		if cur != nil {
			switch {
			case kind == "BEGIN" && topLevel[name] && len(stack) == 1:
				closeItem(fmt.Errorf("line %d: %s is never closed (END:%s missing)", cur.line, cur.name, cur.name))
			case kind == "END" && name == stack[len(stack)-1]:
				add(l)
				stack = stack[:len(stack)-1]
				if len(stack) == 0 {
					closeItem(nil)
				}
				continue
			case kind == "END" && (name == cur.name || name == goical.CompCalendar):
				add(line{text: "END:" + cur.name, num: l.num})
				closeItem(fmt.Errorf("line %d: %s is never closed (END:%s missing)", l.num, stack[len(stack)-1], stack[len(stack)-1]))
				if name == goical.CompCalendar && inCal > 0 {
					inCal--
				}
				continue
			case kind == "END":
				cur.err = fmt.Errorf("line %d: END:%s does not match BEGIN:%s", l.num, name, stack[len(stack)-1])
				continue
			case kind == "BEGIN":
				if len(stack) >= 10 { // real files nest two deep (VEVENT > VALARM)
					if cur.err == nil {
						cur.err = fmt.Errorf("line %d: components nested more than 10 deep", l.num)
					}
				}
				stack = append(stack, name)
				add(l)
				continue
			default:
				add(l)
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
			cur = &item{name: name, line: l.num, lines: []line{l}, size: l.size}
			stack = []string{name}
		case strings.TrimSpace(l.text) == "":
		case inCal > 0:
			n, rest, ok := cutName(l.text)
			if !ok || !strings.Contains(rest, ":") {
				warn("line %d: not an iCalendar content line, ignored", l.num)
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
			warn("line %d: text outside any calendar, ignored", l.num)
		}
	}
	if cur != nil {
		closeItem(fmt.Errorf("line %d: %s is never closed (the file ends first)", cur.line, cur.name))
	}
	if extraWarnings > 0 {
		doc.warnings = append(doc.warnings, fmt.Sprintf("… and %d more lines ignored", extraWarnings))
	}
	for _, it := range doc.items {
		if it.err == nil {
			it.comp, it.err = decodeItem(it)
		}
		if it.err != nil {
			// Its title still helps the user find it; the rest of its text
			// is not needed any more, so let it go.
			for _, l := range it.lines {
				if n, _, ok := cutName(l.text); ok && strings.EqualFold(n, goical.PropSummary) {
					it.summary = clip(unescapeLenient(propValue(l.text)), 80, true)
					break
				}
			}
			it.lines = nil
		}
	}
	return doc, nil
}

// propValue is what follows the first unquoted colon of a content line.
func propValue(text string) string {
	quoted := false
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				return text[i+1:]
			}
		}
	}
	return ""
}

// propName is the property name of a content line, clipped, for messages.
func propName(text string) string {
	if n, _, ok := cutName(text); ok {
		return clip(n, 40, true)
	}
	return "content"
}

// byteSize writes n bytes for a person: "48.0 MB", "1.2 KB".
func byteSize(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
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
