package importer_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

// fingerprint is what a refused import must leave as it was: the live and
// deleted records of every kind, and the outbox.
func fingerprint(t *testing.T, s *model.Store) string {
	t.Helper()
	var b strings.Builder
	for _, k := range model.Kinds() {
		n, err := model.Count(context.Background(), s.DB(), k, model.Query{WithDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString(string(k) + "=" + strconv.Itoa(n) + " ")
	}
	var out int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM outbox`).Scan(&out); err != nil {
		t.Fatal(err)
	}
	return b.String() + "outbox=" + strconv.Itoa(out)
}

var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// checkBounded fails when a message quotes more than 80 characters of a
// value, or is itself long.
func checkBounded(t *testing.T, msg string) {
	t.Helper()
	if utf8.RuneCountInString(msg) > 400 {
		t.Errorf("message of %d characters: %.120s…", utf8.RuneCountInString(msg), msg)
	}
	for _, q := range quoted.FindAllString(msg, -1) {
		v, err := strconv.Unquote(q)
		if err != nil {
			v = q
		}
		if n := utf8.RuneCountInString(v); n > importer.MaxQuote {
			t.Errorf("a quote of %d characters in %.120s…", n, msg)
		}
	}
}

func seeded(t *testing.T) *model.Store {
	s := modeltest.Open(t)
	modeltest.Create(t, s, &model.Contact{FirstName: "Jack", LastName: "Clarke", Emails: []string{"jack@x.example"}})
	return s
}

// TestHostileCSVValues: huge bad values give one-line messages quoting 80
// characters at most, and an all-or-nothing import leaves the database as
// it was; with bad rows skipped, the good rows are saved and the refused
// ones counted.
func TestHostileCSVValues(t *testing.T) {
	big := strings.Repeat("é", 5000)
	file := writeFile(t, "h.csv", "First name,Last name,Email,Owner,Consent,Consent date\n"+
		"Ann,Good,ann@good.example,,,\n"+
		big+",Long,"+big+",,,\n"+ // an e-mail of 5,000 characters, and a first name too long
		"Bob,Date,bob@x.example,,yes,"+big+"\n"+ // a date that is not one
		"Cid,Owner,cid@x.example,"+big+",,\n") // an owner nobody is: a warning
	s := seeded(t)
	before := fingerprint(t, s)
	sum := runFile(t, s, file, importer.Options{})
	if sum.Committed || sum.Failed != 2 {
		t.Fatalf("committed %v, %d refused", sum.Committed, sum.Failed)
	}
	if got := fingerprint(t, s); got != before {
		t.Fatalf("a refused import changed the database:\n%s\n%s", before, got)
	}
	for _, lang := range []string{"en", "fr"} {
		var b bytes.Buffer
		sum.Lang = lang
		sum.WriteText(&b)
		for _, line := range strings.Split(b.String(), "\n") {
			checkBounded(t, line)
		}
		if b.Len() > 4000 {
			t.Errorf("summary of %d bytes for 4 rows", b.Len())
		}
	}
	sum = runFile(t, s, file, importer.Options{SkipBadRows: true})
	if !sum.Committed || sum.Created != 2 || sum.Refused() != 2 || sum.Missing != 1 {
		t.Fatalf("skip bad rows: created %d refused %d missing %d", sum.Created, sum.Refused(), sum.Missing)
	}
	for _, w := range sum.Warnings {
		checkBounded(t, w.Text("en"))
	}
}

// TestHostileCSVHugeCell: a 48 MB cell stops the import with a short
// message, reads no more than the limit (memory stays bounded) and saves
// nothing.
func TestHostileCSVHugeCell(t *testing.T) {
	p := filepath.Join(t.TempDir(), "huge.csv")
	var b bytes.Buffer
	b.WriteString("First name,Last name,Notes\nAnn,Good,ok\nBob,Big,\"")
	b.Write(bytes.Repeat([]byte("FREQ=SECONDLY;"), 48<<20/14))
	b.WriteString("\"\n")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	b = bytes.Buffer{}
	s := seeded(t)
	before := fingerprint(t, s)
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	src, err := importer.Open(p, importer.FileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	_, err = importer.Run(context.Background(), s, src, importer.Options{Kind: model.KindContact, SkipBadRows: true})
	runtime.ReadMemStats(&m1)
	if err == nil || !strings.Contains(err.Error(), "row 3 is larger than 4 MiB") {
		t.Fatalf("error %v", err)
	}
	checkBounded(t, err.Error())
	if alloc := m1.TotalAlloc - m0.TotalAlloc; alloc > 48<<20 {
		t.Errorf("reading a 48 MB cell allocated %d MB", alloc>>20)
	}
	if got := fingerprint(t, s); got != before {
		t.Fatalf("the database changed:\n%s\n%s", before, got)
	}
}

// TestHostileCSVWide: a file of 100,000 columns is refused when opened.
func TestHostileCSVWide(t *testing.T) {
	_, _, err := importer.NewCSV(strings.NewReader(strings.Repeat("a,", 100000)+"\n"), 0, importer.FileOptions{})
	if err == nil || !strings.Contains(err.Error(), "100001 columns") {
		t.Fatalf("error %v", err)
	}
	checkBounded(t, err.Error())
}

// TestHostileVCard: a card with a 10 MB photo line is refused alone, a card
// with a 5,000-character e-mail gets a bounded message, the others import
// when bad rows are skipped, and all or nothing leaves the database alone.
func TestHostileVCard(t *testing.T) {
	big := strings.Repeat("x", 5000)
	var b strings.Builder
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Good\r\nN:Good;Ann;;;\r\nEMAIL:ann@good.example\r\nEND:VCARD\r\n")
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big Photo\r\nPHOTO;ENCODING=b;TYPE=JPEG:" + strings.Repeat("QUFB", 10<<20/4) + "\r\nEND:VCARD\r\n")
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Long Mail\r\nEMAIL:" + big + "\r\nEND:VCARD\r\n")
	b.WriteString("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cid Fine\r\nEND:VCARD\r\n")
	b.WriteString("BEGIN:VCARD\r\nFN:" + big + "\r\n") // never ends
	data := b.String()
	s := seeded(t)
	before := fingerprint(t, s)
	sum, err := importer.Run(context.Background(), s, importer.NewVCard(strings.NewReader(data), int64(len(data))), importer.Options{Kind: model.KindContact})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Committed || sum.Failed != 3 {
		t.Fatalf("committed %v, refused %d: %v", sum.Committed, sum.Failed, sum.Errors)
	}
	if got := fingerprint(t, s); got != before {
		t.Fatalf("the database changed:\n%s\n%s", before, got)
	}
	var text strings.Builder
	sum.WriteText(&text)
	for _, line := range strings.Split(text.String(), "\n") {
		checkBounded(t, line)
	}
	if !strings.Contains(text.String(), "larger than 8 MiB") {
		t.Errorf("summary:\n%s", text.String())
	}
	sum, err = importer.Run(context.Background(), s, importer.NewVCard(strings.NewReader(data), 0), importer.Options{Kind: model.KindContact, SkipBadRows: true})
	if err != nil || !sum.Committed || sum.Created != 2 || sum.Refused() != 3 {
		t.Fatalf("skip bad rows: %v created %d refused %d", err, sum.Created, sum.Refused())
	}
}
