package ical

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestIcalLimits checks each bound on what a file may make Relais hold: the
// item is refused with a short reason naming its line, the rest goes on.
func TestIcalLimits(t *testing.T) {
	ev := func(body string) string {
		return "BEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260101T090000Z\r\n" + body + "END:VEVENT\r\n"
	}
	long := strings.Repeat("a", maxLineBytes+10)
	folded := "DESCRIPTION:" + strings.Repeat("b", 70) + strings.Repeat("\r\n "+strings.Repeat("b", 70), (maxLineBytes/70)+2) + "\r\n"
	many := strings.Repeat("X-PAD:"+strings.Repeat("c", 500<<10)+"\r\n", 10)
	for _, c := range []struct{ name, file, want string }{
		{"long line", ev("SUMMARY:" + long + "\r\n"), "line 5: the SUMMARY line is 1.0 MB long"},
		{"long folded line", ev(folded), "the DESCRIPTION line is 1.0 MB long"},
		{"large item", ev(many), "line 2: VEVENT is larger than 4 MB"},
		{"deep nesting", ev(strings.Repeat("BEGIN:X\r\n", 12) + strings.Repeat("END:X\r\n", 12)), "nested more than 10 deep"},
		{"long component name", "BEGIN:V" + strings.Repeat("Z", 5000) + "\r\nEND:V" + strings.Repeat("Z", 5000) + "\r\n", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			doc, err := split([]byte("BEGIN:VCALENDAR\r\n" + c.file + ev("SUMMARY:ok\r\n") + "END:VCALENDAR\r\n"))
			if err != nil || len(doc.items) != 2 {
				t.Fatalf("split: %v, %d items", err, len(doc.items))
			}
			if doc.items[1].err != nil {
				t.Fatalf("the good item after it: %v", doc.items[1].err)
			}
			bad := doc.items[0]
			if c.want != "" && (bad.err == nil || !strings.Contains(bad.err.Error(), c.want)) {
				t.Fatalf("err %v, want %q", bad.err, c.want)
			}
			if bad.err != nil && utf8.RuneCountInString(bad.err.Error()) > maxMessage {
				t.Fatalf("reason of %d characters", utf8.RuneCountInString(bad.err.Error()))
			}
			if len(bad.name) > 200 {
				t.Fatalf("component name of %d bytes kept", len(bad.name))
			}
		})
	}

	var b bytes.Buffer
	b.WriteString("BEGIN:VCALENDAR\r\n")
	for i := 0; i <= maxItems; i++ {
		b.WriteString("BEGIN:VJOURNAL\r\nEND:VJOURNAL\r\n")
	}
	if _, err := split(b.Bytes()); err == nil || !strings.Contains(err.Error(), "more than 100000 items") {
		t.Fatalf("too many items: %v", err)
	}
	b.Reset()
	b.WriteString("BEGIN:VCALENDAR\r\n")
	for i := 0; i < 1000; i++ {
		b.WriteString("garbage\r\n")
	}
	if doc, _ := split(b.Bytes()); len(doc.warnings) != maxWarnings+1 || doc.warnings[maxWarnings] != "… and 980 more lines ignored" {
		t.Fatalf("warnings: %d, last %q", len(doc.warnings), doc.warnings[len(doc.warnings)-1])
	}
}

func TestIcalRRuleLimits(t *testing.T) {
	start := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	minutes := make([]string, 60)
	for i := range minutes {
		minutes[i] = fmt.Sprint(i)
	}
	for _, c := range []struct{ rule, want string }{
		{"FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", ""},
		{"FREQ=HOURLY;INTERVAL=1", ""},
		{"FREQ=HOURLY;BYMINUTE=0,15,30,45", ""},
		{"FREQ=SECONDLY;BYSECOND=" + strings.Repeat("1,", 1<<20) + "1", "RRULE is 2.0 MB long"},
		{"FREQ=SECONDLY", "repeats every second (FREQ=SECONDLY)"},
		{"FREQ=minutely;INTERVAL=5", "repeats every minute (FREQ=MINUTELY)"},
		{"FREQ=HOURLY;BYMINUTE=" + strings.Join(minutes, ","), "more than 96 occurrences in one day"},
		{"FREQ=DAILY;BYHOUR=" + strings.Repeat("x", 500), "cannot be read"},
	} {
		err := checkRRule(c.rule, start)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%.40s: refused: %v", c.rule, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%.40s: %v, want %q", c.rule, err, c.want)
		case err != nil && utf8.RuneCountInString(err.Error()) > maxMessage:
			t.Errorf("%.40s: message of %d characters", c.rule, utf8.RuneCountInString(err.Error()))
		}
	}
}

// FuzzSplit feeds arbitrary bytes to the streaming reader: it must never
// panic, never keep a line beyond maxLineBytes, bound its warnings, and
// every reason it gives must come out of short() within maxMessage.
func FuzzSplit(f *testing.F) {
	f.Add([]byte("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"))
	f.Add([]byte("\xef\xbb\xbfBEGIN:VEVENT\n SUMMARY:x\n\tfolded\r\nEND:VEVENT"))
	f.Add([]byte("BEGIN:VEVENT\r\nBEGIN:VALARM\r\nEND:VEVENT\r\nEND:VCALENDAR\r\nx\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := split(data)
		if err != nil {
			return
		}
		if len(doc.warnings) > maxWarnings+1 {
			t.Fatalf("%d warnings", len(doc.warnings))
		}
		for _, it := range doc.items {
			for _, l := range it.lines {
				if len(l.text) > maxLineBytes {
					t.Fatalf("a line of %d bytes kept", len(l.text))
				}
			}
			if it.err != nil {
				if m := short(it.err.Error()); utf8.RuneCountInString(m) > maxMessage {
					t.Fatalf("reason of %d characters", utf8.RuneCountInString(m))
				}
			}
		}
		// The stream reader and the in-memory one see the same lines.
		if got, want := len(unfold(data)), countLines(data); got != want {
			t.Fatalf("unfold found %d logical lines, want %d", got, want)
		}
	})
}

// countLines counts logical lines the simple way: physical lines that do
// not start with a space or tab (a leading one with nothing before it
// starts a line of its own). A BOM is part of the first line either way.
func countLines(data []byte) int {
	if len(data) == 0 {
		return 0
	}
	phys := bytes.Split(data, []byte("\n"))
	if len(phys[len(phys)-1]) == 0 {
		phys = phys[:len(phys)-1] // the empty remainder after a final newline
	}
	n := 0
	for _, p := range phys {
		if n == 0 || len(p) == 0 || (p[0] != ' ' && p[0] != '\t') {
			n++
		}
	}
	return n
}
