package importer_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

func seedFiles(f *testing.F, pattern string) {
	files, _ := filepath.Glob(pattern)
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// drain reads every row of a source; any panic fails the fuzz run.
func drain(t *testing.T, src importer.Source) {
	for i := 0; i < 10000; i++ {
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil && row.Num == 0 {
			return // a read error of the file itself
		}
	}
}

// FuzzCSV: no byte sequence makes detection, parsing or an import panic,
// and an import never leaves a partial write behind when it fails.
func FuzzCSV(f *testing.F) {
	seedFiles(f, "testdata/interop/csv/*.csv")
	f.Add([]byte("Nom;Prénom;E-mail\n\"Dupont;Jean\";\"a\nb\";x@y.fr\n"))
	f.Add([]byte("\xef\xbb\xbfName,Email\n\"unterminated,a@b.c\n"))
	f.Add([]byte("\xff\xfeN\x00a\x00m\x00e\x00\n\x00"))
	s := modeltest.Open(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		src, _, err := importer.NewCSV(bytes.NewReader(data), int64(len(data)), importer.FileOptions{})
		if err != nil {
			return
		}
		drain(t, src)
		src, _, err = importer.NewCSV(bytes.NewReader(data), int64(len(data)), importer.FileOptions{})
		if err != nil {
			t.Fatalf("second open failed where the first worked: %v", err)
		}
		before, _ := model.Count(context.Background(), s.DB(), model.KindContact, model.Query{WithDeleted: true})
		sum, err := importer.Run(context.Background(), s, src, importer.Options{Kind: model.KindContact, DryRun: true})
		if err == nil && sum.Committed {
			t.Fatal("a dry run committed")
		}
		after, _ := model.Count(context.Background(), s.DB(), model.KindContact, model.Query{WithDeleted: true})
		if before != after {
			t.Fatalf("a dry run changed the database: %d → %d contacts", before, after)
		}
	})
}

// FuzzVCard: no byte sequence makes the vCard reader or an import panic.
func FuzzVCard(f *testing.F) {
	seedFiles(f, "testdata/interop/vcf/*.vcf")
	f.Add([]byte("BEGIN:VCARD\r\nVERSION:2.1\r\nN;ENCODING=QUOTED-PRINTABLE:=C3=\r\n=A9\r\nPHOTO;BASE64:\r\n  !!!\r\nEND:VCARD\r\n"))
	f.Add([]byte("BEGIN:VCARD\nAGENT:\nBEGIN:VCARD\nFN:x\nEND:VCARD\nFN:y\n"))
	s := modeltest.Open(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, importer.NewVCard(bytes.NewReader(data), int64(len(data))))
		sum, err := importer.Run(context.Background(), s, importer.NewVCard(bytes.NewReader(data), int64(len(data))),
			importer.Options{Kind: model.KindContact, DryRun: true, SkipBadRows: true})
		if err == nil && sum.Committed {
			t.Fatal("a dry run committed")
		}
	})
}

// fuzzCSV builds a contacts CSV from fuzzer text: one row per line, fields
// separated by "|" (first name, last name, e-mail, phone, company), so
// that the fuzzer explores people sharing e-mails, phones, names and
// companies rather than CSV syntax (FuzzCSV does that).
func fuzzCSV(text string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"First name", "Last name", "Email", "Phone", "Company"})
	for i, line := range strings.Split(text, "\n") {
		if i == 50 {
			break
		}
		cells := strings.SplitN(line, "|", 5)
		for len(cells) < 5 {
			cells = append(cells, "")
		}
		w.Write(cells)
	}
	w.Flush()
	return b.Bytes()
}

// FuzzTwoImports imports two random contact files in a row and checks that
// the second renamed nobody the first had imported, unless it was asked to
// update; and that a refused import changed nothing. Each run uses a fresh
// database (a copy of one migrated once, which is faster than migrating).
// Run: go test ./importer -run '^$' -fuzz FuzzTwoImports -fuzztime 60s -fuzzminimizetime 10s
func FuzzTwoImports(f *testing.F) {
	f.Add("Jack|Clarke|jack@x.example|+33 6 12 34 56 78|", "Zoe|Other|zoe@y.example|+33 6 12 34 56 78|", uint8(0))
	f.Add("Jack|Clarke|jack@x.example||Acme", "Jacques|Clarke-Smith|JACK@x.example||Acme", uint8(1))
	f.Add("Anne|Martin|||Martin SA\nMarc|Petit||06 12 34 56 78|", "Anne|Martin||01 02 03 04 05|Martin SA\nMarc|Petit2||0612345678|", uint8(2))
	f.Add("A|B|a@b.example|1234567|X\nA|B|a@b.example|1234567|X", "C|D|a@b.example|7654321|Y", uint8(3))
	template := filepath.Join(f.TempDir(), "template.db")
	s0, err := model.Open(context.Background(), template, model.Options{})
	if err != nil {
		f.Fatal(err)
	}
	s0.Close()
	blank, err := os.ReadFile(template)
	if err != nil {
		f.Fatal(err)
	}
	modes := []importer.Action{importer.Merge, importer.Update, importer.Skip, importer.Create, ""}
	f.Fuzz(func(t *testing.T, first, second string, mode uint8) {
		ctx := context.Background()
		path := filepath.Join(t.TempDir(), "r.db")
		if err := os.WriteFile(path, blank, 0o644); err != nil {
			t.Fatal(err)
		}
		s := modeltest.OpenAt(t, path, func() time.Time { return modeltest.Now })
		read := func(text string) importer.Source {
			data := fuzzCSV(text)
			src, _, err := importer.NewCSV(bytes.NewReader(data), int64(len(data)), importer.FileOptions{Header: importer.HeaderYes})
			if err != nil {
				t.Fatalf("a CSV we wrote does not open: %v", err)
			}
			return src
		}
		if _, err := importer.Run(ctx, s, read(first), importer.Options{Kind: model.KindContact, SkipBadRows: true}); err != nil {
			t.Fatalf("first import: %v", err)
		}
		names := map[string]string{}
		cs, err := model.List[model.Contact](ctx, s.DB(), model.Query{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			names[c.ID] = c.FirstName + "\x00" + c.LastName
		}
		action := modes[int(mode)%len(modes)]
		sum, err := importer.Run(ctx, s, read(second), importer.Options{Kind: model.KindContact, OnDuplicate: action, SkipBadRows: mode >= 128})
		if err != nil {
			t.Fatalf("second import: %v", err)
		}
		after, err := model.List[model.Contact](ctx, s.DB(), model.Query{WithDeleted: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range after {
			old, existed := names[c.ID]
			if !existed {
				if !sum.Committed {
					t.Fatalf("a refused import left %s behind", c.FullName())
				}
				continue
			}
			if now := c.FirstName + "\x00" + c.LastName; now != old && action != importer.Update {
				t.Fatalf("%s: %q became %q", action, strings.ReplaceAll(old, "\x00", " "), c.FullName())
			}
			if c.Deleted() {
				t.Fatalf("an import deleted %s", c.FullName())
			}
		}
		if len(after) < len(names) {
			t.Fatalf("%d contacts before, %d after", len(names), len(after))
		}
	})
}
