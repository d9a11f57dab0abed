package model_test

import (
	"context"
	"testing"

	"relais/model"
)

func TestFindContactDuplicate(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acme := &model.Account{Name: "Acme Industrie"}
	mustCreate(t, s, acme)
	john := &model.Contact{AccountID: acme.ID, FirstName: "John", LastName: "Smith", Emails: []string{"john.smith@acme.example"}, Phones: []string{"+33 6 12 34 56 78"}}
	elodie := &model.Contact{FirstName: "Élodie", LastName: "Lefèvre"}
	gone := &model.Contact{FirstName: "Old", LastName: "Timer", Emails: []string{"old@acme.example"}}
	mustCreate(t, s, john, elodie, gone)
	if err := s.Delete(ctx, model.KindContact, gone.ID); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		keys   model.ContactKeys
		want   *model.Contact
		reason string
	}{
		{"e-mail in another case", model.ContactKeys{Emails: []string{"JOHN.Smith@Acme.Example"}}, john, model.MatchEmail},
		{"a longer e-mail is someone else", model.ContactKeys{Emails: []string{"john.smith@acme.example.org"}}, nil, ""},
		{"phone written the French way", model.ContactKeys{Phones: []string{"06 12 34 56 78"}}, john, model.MatchPhone},
		{"name at the same account", model.ContactKeys{FirstName: "JOHN", LastName: "smith", AccountID: acme.ID}, john, model.MatchName},
		{"name at no account, accents aside", model.ContactKeys{FirstName: "Elodie", LastName: "Lefevre"}, elodie, model.MatchName},
		{"same name without the account is someone else", model.ContactKeys{FirstName: "John", LastName: "Smith"}, nil, ""},
		{"a deleted contact is not a duplicate", model.ContactKeys{Emails: []string{"old@acme.example"}}, nil, ""},
		{"nothing to go on", model.ContactKeys{}, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, reason, err := model.FindContactDuplicate(ctx, s.DB(), tc.keys)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil) != (tc.want == nil) || got != nil && got.ID != tc.want.ID || reason != tc.reason {
				t.Fatalf("got %v (%q), want %v (%q)", got, reason, tc.want, tc.reason)
			}
		})
	}
	if a, err := model.FindAccountByName(ctx, s.DB(), "ACME  industrie"); err != nil || a == nil || a.ID != acme.ID {
		t.Fatalf("account by name: %v %v", a, err)
	}
	if a, _ := model.FindAccountByName(ctx, s.DB(), "Acme"); a != nil {
		t.Fatalf("a shorter name matched %s", a.Name)
	}
}
