package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestICalCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "relais.db")
	ics := filepath.Join(dir, "in.ics")
	os.WriteFile(ics, []byte("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nX-WR-CALNAME:Salons\r\n"+
		"BEGIN:VEVENT\r\nUID:ok@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Romance Standard Time:20261201T090000\r\nDTEND;TZID=Romance Standard Time:20261201T100000\r\nSUMMARY:Réunion\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\n"+
		"BEGIN:VEVENT\r\nUID:bad@x\r\nSUMMARY:Broken\r\nDTSTART:2026-12-01\r\nEND:VEVENT\r\n"+
		"BEGIN:VTODO\r\nUID:todo@x\r\nSUMMARY:Relancer le client\r\nDUE;VALUE=DATE:20261203\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"), 0o600)

	code, out, _ := relais(t, db, "ical", "import", ics)
	if code != 0 || !strings.Contains(out, "2 imported, 0 updated, 0 unchanged, 1 skipped") || !strings.Contains(out, `skipped VEVENT "Broken": line 16: DTSTART: "2026-12-01" is not a date and time`) ||
		!strings.Contains(out, "Windows zone \"Romance Standard Time\" read as Europe/Paris") {
		t.Fatalf("import: exit %d\n%s", code, out)
	}
	if code, out, _ = relais(t, db, "ical", "import", "--calendar", "Salons", ics); code != 0 || !strings.Contains(out, "0 imported, 0 updated, 2 unchanged, 1 skipped") {
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
