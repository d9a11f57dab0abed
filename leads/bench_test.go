package leads

import (
	"context"
	"fmt"
	"testing"

	"relais/model"
)

// fill adds n contacts at n/3 accounts, like a team's database.
func fill(b *testing.B, s *model.Store, n int) {
	b.Helper()
	err := s.Write(context.Background(), func(tx *model.Tx) error {
		var acc *model.Account
		for i := 0; i < n; i++ {
			if i%3 == 0 {
				acc = &model.Account{Name: fmt.Sprintf("Client %d", i/3), City: "Lyon"}
				if err := tx.Create(acc); err != nil {
					return err
				}
			}
			c := &model.Contact{FirstName: "Prénom", LastName: fmt.Sprintf("Nom%d", i), AccountID: acc.ID,
				Emails: []string{fmt.Sprintf("p%d@client%d.example", i, i/3)}, Phones: []string{fmt.Sprintf("+33 6 %08d", i)}}
			if err := tx.Create(c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCapture measures saving one lead as the booth does: a new
// contact at a new company, its timeline entry and follow-up task, with
// their outbox rows and search index entries, in one committed transaction.
func BenchmarkCapture(b *testing.B) {
	sh := newShow(b)
	fill(b, sh.s, 1500)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := Lead{Card: Card{FirstName: "Visitor", LastName: fmt.Sprint(i), Company: fmt.Sprintf("New company %d", i),
			Emails: []string{fmt.Sprintf("v%d@new.example", i)}, Phones: []string{"+33 4 78 00 00 00"}},
			EventID: sh.ev.ID, Grade: "A", Consent: true, OwnerID: sh.me.ID, Notes: "Wants a demo."}
		if _, err := Capture(ctx, sh.s, l, sh.cfg); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCheckCard measures the duplicate check made before saving, on a
// database of 1500 contacts (the demo's size) and of 20 000.
func BenchmarkCheckCard(b *testing.B) {
	for _, n := range []int{1500, 20000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			sh := newShow(b)
			fill(b, sh.s, n)
			ctx := context.Background()
			card := Card{FirstName: "Visitor", LastName: "New", Company: "Client 7", Emails: []string{"visitor@new.example"}}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := CheckCard(ctx, sh.s, card); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
