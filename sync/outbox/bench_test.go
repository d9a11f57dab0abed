package outbox_test

import (
	"context"
	"fmt"
	"testing"

	"relais/model"
	"relais/sync/hub/hubtest"
)

// queue makes n changes on l in actions of 10 records each.
func queue(b *testing.B, l *laptop, n int) {
	b.Helper()
	ctx := context.Background()
	for i := 0; i < n; i += 10 {
		if err := l.store.Write(ctx, func(tx *model.Tx) error {
			for k := i; k < min(i+10, n); k++ {
				if err := tx.Create(&model.Account{Name: fmt.Sprintf("Compte %06d", k), City: "Besançon", Country: "FR", Notes: "client depuis 2019, salon de Lyon"}); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPush10k pushes 10,000 queued changes to a loopback hub (target ≤ 2 s).
func BenchmarkPush10k(b *testing.B) {
	for _, be := range hubtest.Backends(b) {
		b.Run(string(be), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				h := hubtest.Start(b, be)
				l := newLaptop(b, "A", h.URL, h.AddUser(b, "Anne"), nil, nil)
				queue(b, l, 10000)
				b.StartTimer()
				rep, err := l.sync.Push(context.Background())
				if err != nil || rep.Pushed != 10000 {
					b.Fatalf("push: %+v %v", rep, err)
				}
			}
		})
	}
}

// BenchmarkPull100k pulls 100,000 changes into an empty laptop (target ≤ 5 s).
func BenchmarkPull100k(b *testing.B) {
	for _, be := range hubtest.Backends(b) {
		b.Run(string(be), func(b *testing.B) {
			h := hubtest.Start(b, be)
			src := newLaptop(b, "A", h.URL, h.AddUser(b, "Anne"), nil, nil)
			queue(b, src, 100000)
			if _, err := src.sync.Push(context.Background()); err != nil {
				b.Fatal(err)
			}
			tok := h.AddUser(b, "Bruno")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				l := newLaptop(b, fmt.Sprint("B", i), h.URL, tok, nil, nil)
				b.StartTimer()
				rep, err := l.sync.Pull(context.Background())
				if err != nil || rep.Pulled != 100000 {
					b.Fatalf("pull: %+v %v", rep, err)
				}
			}
		})
	}
}
