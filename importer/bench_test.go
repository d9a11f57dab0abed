package importer_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

// writeContactsCSV writes n contacts the way a CRM export looks: semicolons,
// a header, 1 company for every 20 people, and every 10th row a duplicate of
// an earlier one (same e-mail), so de-duplication has work to do.
func writeContactsCSV(tb testing.TB, n int) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "contacts.csv")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "Prénom;Nom;Société;E-mail;Téléphone;Fonction;Notes")
	for i := 0; i < n; i++ {
		j := i
		if i%10 == 9 {
			j = i - 5 // a duplicate of an earlier row (never itself a duplicate)
		}
		fmt.Fprintf(w, "Prénom%d;Nom%d;Société %d;p%d@example.fr;+33 6 %02d %02d %02d %02d;Acheteur;\"Rencontré au salon; suivi \"\"A\"\"\"\n",
			j, j, j/20, j, j/1000000%100, j/10000%100, j/100%100, j%100)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	f.Close()
	return p
}

// BenchmarkImportContacts100k imports 100,000 contacts (with de-duplication
// and account creation) into an empty store, one transaction per import.
// Run: go test ./importer -run '^$' -bench ImportContacts -benchtime 1x
func BenchmarkImportContacts100k(b *testing.B) {
	path := writeContactsCSV(b, 100000)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := modeltest.Open(b)
		src, err := importer.Open(path, importer.FileOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := importer.Run(ctx, s, src, importer.Options{Kind: model.KindContact, Lang: "fr"})
		b.StopTimer()
		src.Close()
		if err != nil || !sum.Committed {
			b.Fatalf("import: %v %+v", err, sum.Errors)
		}
		if sum.Created != 90000 || sum.Skipped != 10000 {
			b.Fatalf("created %d, updated %d, skipped %d", sum.Created, sum.Updated, sum.Skipped)
		}
		b.ReportMetric(float64(sum.Rows)/sum.Duration.Seconds(), "rows/s")
		b.StartTimer()
	}
}

// BenchmarkImportContacts10k is the same at a tenth of the size, for quick runs.
func BenchmarkImportContacts10k(b *testing.B) {
	path := writeContactsCSV(b, 10000)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := modeltest.Open(b)
		src, err := importer.Open(path, importer.FileOptions{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		sum, err := importer.Run(ctx, s, src, importer.Options{Kind: model.KindContact, Lang: "fr"})
		b.StopTimer()
		src.Close()
		if err != nil || !sum.Committed {
			b.Fatalf("import: %v", err)
		}
		b.ReportMetric(float64(sum.Rows)/sum.Duration.Seconds(), "rows/s")
		b.StartTimer()
	}
}

// BenchmarkReimportContacts100k imports the same 100,000 rows a second time
// into the store that holds them: every row is matched by its e-mail against
// the database (not the file) and merged, with nothing to change.
func BenchmarkReimportContacts100k(b *testing.B) {
	path := writeContactsCSV(b, 100000)
	ctx := context.Background()
	s := modeltest.Open(b)
	importOnce := func() *importer.Summary {
		src, err := importer.Open(path, importer.FileOptions{})
		if err != nil {
			b.Fatal(err)
		}
		defer src.Close()
		sum, err := importer.Run(ctx, s, src, importer.Options{Kind: model.KindContact, Lang: "fr"})
		if err != nil || !sum.Committed {
			b.Fatalf("import: %v %+v", err, sum.Errors)
		}
		return sum
	}
	importOnce()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		sum := importOnce()
		if sum.Created != 0 || sum.Updated != 0 || sum.Skipped != 100000 {
			b.Fatalf("second import: created %d, updated %d, skipped %d", sum.Created, sum.Updated, sum.Skipped)
		}
		b.ReportMetric(float64(sum.Rows)/sum.Duration.Seconds(), "rows/s")
	}
}
