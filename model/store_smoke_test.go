package model_test

import (
	"context"
	"errors"
	"testing"

	"relais/model"
)

func TestSmoke(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	a := &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon", Country: "FR", Tags: []string{"bio"}}
	mustCreate(t, s, a)
	c := &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", AccountID: a.ID, Emails: []string{"elodie@lefevre.fr"}}
	mustCreate(t, s, c)
	var got model.Contact
	if err := s.Get(ctx, c.ID, &got); err != nil {
		t.Fatal(err)
	}
	if got.FirstName != "Élodie" || got.Emails[0] != "elodie@lefevre.fr" || got.CreatedAt != fixedNow {
		t.Fatalf("got %+v", got)
	}
	got.Title = "Directrice"
	if err := s.Update(ctx, &got); err != nil {
		t.Fatal(err)
	}
	chs, _ := s.Outbox(ctx, 0, 10)
	for _, ch := range chs {
		t.Logf("%d %s %s %s %s", ch.Seq, ch.Entity, ch.Op, ch.Data, ch.HLC)
	}
	hits, err := s.Search(ctx, "besancon", 10)
	if err != nil || len(hits) == 0 {
		t.Fatalf("search: %v %v", hits, err)
	}
	hits, _ = s.Search(ctx, "lef", 10)
	t.Logf("%+v", hits)
	err = s.Create(ctx, &model.Contact{FirstName: "x", AccountID: "nope"})
	var ve model.ValidationErrors
	if !errors.As(err, &ve) {
		t.Fatalf("want validation error, got %v", err)
	}
	t.Log(err)
}
