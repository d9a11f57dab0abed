package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"relais/model"
)

func TestICalCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "relais.db")
	ics := filepath.Join(dir, "in.ics")
	os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:Salons\r\n"+
		"BEGIN:VEVENT\r\nUID:ok@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Romance Standard Time:20261201T090000\r\nDTEND;TZID=Romance Standard Time:20261201T100000\r\nSUMMARY:Réunion\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n"+
		"BEGIN:VEVENT\r\nUID:bad@x\r\nSUMMARY:Broken\r\nDTSTART:2026-12-01\r\nEND:VEVENT\r\n"+
		"BEGIN:VTODO\r\nUID:todo@x\r\nSUMMARY:Relancer le client\r\nDUE;VALUE=DATE:20261203\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"), 0o600)

	// The broken event is refused: the others are imported, and the exit
	// status says that not everything was.
	code, out, errOut := relais(t, db, "ical", "import", ics)
	if code != 1 || !strings.Contains(errOut, "1 of 3 items were refused") || !strings.Contains(out, "2 imported, 0 updated, 0 unchanged, 1 skipped") || !strings.Contains(out, `skipped VEVENT "Broken": line 16: DTSTART: "2026-12-01" is not a date and time`) ||
		!strings.Contains(out, "Windows zone \"Romance Standard Time\" read as Europe/Paris") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	if code, out, _ = relais(t, db, "ical", "import", "--calendar", "Salons", ics); code != 1 || !strings.Contains(out, "0 imported, 0 updated, 2 unchanged, 1 skipped") {
		t.Fatalf("re-import: exit %d\n%s", code, out)
	}
	exp := filepath.Join(dir, "out.ics")
	if code, out, _ = relais(t, db, "ical", "export", "--calendar", "Salons", "-o", exp); code != 0 || !strings.Contains(out, "exported 1 appointments") {
		t.Fatalf("export: exit %d\n%s", code, out)
	}
	b, _ := os.ReadFile(exp)
	if !strings.Contains(string(b), "BEGIN:VTIMEZONE\r\nTZID:Europe/Paris") || !strings.Contains(string(b), "DTSTART;TZID=Europe/Paris:20261201T090000") {
		t.Fatalf("exported file:\n%s", b)
	}
	if code, _, errOut := relais(t, db, "ical", "import", filepath.Join(dir, "missing.ics")); code != 1 || !strings.HasPrefix(errOut, "relais ical: There is no file or folder") {
		t.Fatalf("missing file: exit %d, %q", code, errOut)
	}
	if code, _, _ := relais(t, db, "ical", "export"); code != 2 {
		t.Fatalf("export without -o: exit %d, want a usage error", code)
	}
	if code, out, _ := relais(t, db, "caldav", "sync"); code != 0 || !strings.Contains(out, "no CalDAV calendar") {
		t.Fatalf("caldav sync with no account: exit %d\n%s", code, out)
	}
}

// TestIcalHostileFile imports a 48 MB .ics whose first event has a 48 MB
// FREQ=SECONDLY rule, next to other hostile events and one good one: every
// message stays short, memory stays far below the file's size, the exit
// status is non-zero with the count, and nothing of a refused event is
// written (a file of refused events only leaves the database as it was).
func TestIcalHostileFile(t *testing.T) {
	db, _ := recordDB(t)
	dir := t.TempDir()
	hostile := filepath.Join(dir, "hostile.ics")
	writeHostileICS(t, hostile, 48<<20, true)
	if st, err := os.Stat(hostile); err != nil || st.Size() < 48<<20 {
		t.Fatalf("test file: %v", err)
	}

	before := icalCounts(t, db)
	var peak uint64
	code, out, errOut := measurePeak(&peak, func() (int, string, string) { return relais(t, db, "ical", "import", hostile) })
	t.Logf("48 MB hostile .ics: peak heap in use %.1f MB above the start", float64(peak)/(1<<20))
	if code != 1 || !strings.Contains(errOut, "4 of 5 items were refused") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, l := range strings.Split(out+errOut, "\n") {
		if len([]rune(l)) > 400 {
			t.Errorf("a message of %d characters: %.200s…", len([]rune(l)), l)
		}
	}
	for _, want := range []string{"FREQ=SECONDLY", "Relais reads lines of at most 1 MB", "more than 96 occurrences in one day", "RDATE lists 1500 dates"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if peak > 64<<20 {
		t.Errorf("peak heap %.1f MB for a 48 MB file: memory is not bounded", float64(peak)/(1<<20))
	}
	after := icalCounts(t, db)
	if after.appointments != before.appointments+1 || after.hostile != 0 {
		t.Fatalf("appointments %d → %d, %d hostile ones written", before.appointments, after.appointments, after.hostile)
	}

	// Refused events only: the database is exactly as it was, outbox included.
	onlyBad := filepath.Join(dir, "only-bad.ics")
	writeHostileICS(t, onlyBad, 2<<20, false)
	code, out, errOut = relais(t, db, "ical", "import", onlyBad)
	if code != 1 || !strings.Contains(errOut, "4 of 4 items were refused") || icalCounts(t, db) != after {
		t.Fatalf("only refused events: exit %d, %+v → %+v\n%s%s", code, after, icalCounts(t, db), out, errOut)
	}
}

type icalState struct{ appointments, hostile, outbox int }

func icalCounts(t *testing.T, db string) icalState {
	t.Helper()
	s, err := model.Open(context.Background(), db, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var st icalState
	if err := s.DB().QueryRow(`SELECT COUNT(*), COUNT(CASE WHEN uid LIKE 'hostile-%' THEN 1 END) FROM appointments`).Scan(&st.appointments, &st.hostile); err != nil {
		t.Fatal(err)
	}
	if st.outbox, err = s.OutboxCount(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// writeHostileICS writes, straight to disk, a calendar of about size bytes:
// a FREQ=SECONDLY rule filling most of it, a 2 MB DTSTART line, a rule
// dense enough to be secondly in all but name, 1,500 RDATEs, and (when good)
// one ordinary event.
func writeHostileICS(t *testing.T, path string, size int, good bool) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<16)
	w.WriteString("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//hostile//EN\r\n")
	w.WriteString("BEGIN:VEVENT\r\nUID:hostile-secondly\r\nDTSTART:20260101T000000Z\r\nSUMMARY:Every second\r\nRRULE:FREQ=SECONDLY;BYSECOND=")
	rest := size - 2<<20 + 64<<10 // the 2 MB line below makes up the rest
	for n := 0; n < rest; {
		k, _ := fmt.Fprintf(w, "%d,", n%60)
		n += k
	}
	w.WriteString("0\r\nEND:VEVENT\r\n")
	w.WriteString("BEGIN:VEVENT\r\nUID:hostile-long-line\r\nSUMMARY:Long start\r\nDTSTART:2026" + strings.Repeat("0", 2<<20) + "\r\nEND:VEVENT\r\n")
	var all []string
	for i := 0; i < 60; i++ {
		all = append(all, fmt.Sprint(i))
	}
	w.WriteString("BEGIN:VEVENT\r\nUID:hostile-dense\r\nSUMMARY:Dense\r\nDTSTART:20260101T000000Z\r\nRRULE:FREQ=HOURLY;BYMINUTE=" + strings.Join(all, ",") + ";BYSECOND=" + strings.Join(all, ",") + "\r\nEND:VEVENT\r\n")
	w.WriteString("BEGIN:VEVENT\r\nUID:hostile-rdates\r\nSUMMARY:Many dates\r\nDTSTART:20260101T090000Z\r\n")
	for i := 0; i < 1500; i++ {
		fmt.Fprintf(w, "RDATE:%s\r\n", time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("20060102T150405Z"))
	}
	w.WriteString("END:VEVENT\r\n")
	if good {
		w.WriteString("BEGIN:VEVENT\r\nUID:fine@x\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\nSUMMARY:Fine\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n")
	}
	w.WriteString("END:VCALENDAR\r\n")
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// measurePeak runs fn while sampling the heap in use every millisecond and
// stores the highest figure above the level before fn in *peak.
func measurePeak(peak *uint64, fn func() (int, string, string)) (int, string, string) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	stop, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > base && m.HeapInuse-base > *peak {
				*peak = m.HeapInuse - base
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	code, out, errOut := fn()
	close(stop)
	<-done
	return code, out, errOut
}
