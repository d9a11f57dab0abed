package model_test

import (
	"context"
	"fmt"
	"testing"

	"relais/model"
)

// BenchmarkImportContacts measures creating contacts in one transaction, each
// with its outbox row and search entry: the path every import takes.
// Target (issue 2): 100k contacts at ≥ 50,000 rows/s.
func BenchmarkImportContacts(b *testing.B) {
	ctx := context.Background()
	s := mustOpen(b)
	acc := &model.Account{Name: "Hôtel du Parc"}
	mustCreate(b, s, acc)
	b.ResetTimer()
	err := s.Write(ctx, func(tx *model.Tx) error {
		for i := 0; i < b.N; i++ {
			c := &model.Contact{AccountID: acc.ID, FirstName: "Élodie", LastName: fmt.Sprintf("Lefèvre%d", i), Title: "Directrice des achats",
				Emails: []string{fmt.Sprintf("elodie%d@example.fr", i)}, Phones: []string{"+33 1 23 45 67 89"}, Source: "import"}
			if err := tx.Create(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
