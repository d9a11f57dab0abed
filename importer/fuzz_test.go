package importer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

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
