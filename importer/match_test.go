package importer_test

import (
	"context"
	"strings"
	"testing"

	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

// TestSharedPhoneKeepsTwoPeople is the switchboard case: two people who
// share an office line are two contacts, nobody is renamed, and the summary
// proposes the second as a possible duplicate of the first.
func TestSharedPhoneKeepsTwoPeople(t *testing.T) {
	for _, action := range []importer.Action{"", importer.Merge, importer.Update, importer.Skip} {
		t.Run(string(action)+"default", func(t *testing.T) {
			s := modeltest.Open(t)
			p1 := writeFile(t, "p1.csv", "First name,Last name,Email,Phone\nJack,Clarke,jack@x.example,+33 6 12 34 56 78\n")
			p2 := writeFile(t, "p2.csv", "First name,Last name,Email,Phone\nZoe,Other,zoe@y.example,+33 6 12 34 56 78\n")
			if sum := runFile(t, s, p1, importer.Options{OnDuplicate: action}); sum.Created != 1 {
				t.Fatalf("first import: %+v", sum)
			}
			sum := runFile(t, s, p2, importer.Options{OnDuplicate: action})
			if sum.Created != 1 || sum.Updated != 0 || sum.Proposed != 1 || len(sum.Proposals) != 1 {
				t.Fatalf("second import: created %d updated %d proposed %d", sum.Created, sum.Updated, sum.Proposed)
			}
			cs := contacts(t, s)
			if len(cs) != 2 {
				t.Fatalf("%d contacts, want 2", len(cs))
			}
			jack, zoe := cs[0], cs[1]
			if jack.FullName() != "Jack Clarke" || strings.Join(jack.Emails, ",") != "jack@x.example" {
				t.Errorf("Jack became %q %v", jack.FullName(), jack.Emails)
			}
			if zoe.FullName() != "Zoe Other" || strings.Join(zoe.Emails, ",") != "zoe@y.example" {
				t.Errorf("Zoe is %q %v", zoe.FullName(), zoe.Emails)
			}
			p := sum.Proposals[0]
			if p.ID != jack.ID || p.NewID != zoe.ID || p.Reason != importer.ReasonPhone || p.Row != 2 {
				t.Errorf("proposal %+v", p)
			}
			var b strings.Builder
			sum.WriteText(&b)
			if !strings.Contains(b.String(), `may be the same person as "Jack Clarke" (same phone number)`) {
				t.Errorf("summary does not propose the duplicate:\n%s", b.String())
			}
		})
	}
}

// TestSameNameAtSwitchboardWithoutEmail: a row without e-mail that shares
// the phone and name of a contact but says something else (another title)
// is still not merged.
func TestWeakMatchNeverWrites(t *testing.T) {
	s := modeltest.Open(t)
	marc := &model.Contact{FirstName: "Marc", LastName: "Petit", Phones: []string{"+33 6 12 34 56 78"}, Title: "Chef"}
	modeltest.Create(t, s, marc)
	f := writeFile(t, "c.csv", "First name,Last name,Phone,Title\nMarc,Petit,06 12 34 56 78,Acheteur\n")
	sum := runFile(t, s, f, importer.Options{OnDuplicate: importer.Update})
	if sum.Created != 1 || sum.Updated != 0 || sum.Proposed != 1 {
		t.Fatalf("created %d updated %d proposed %d", sum.Created, sum.Updated, sum.Proposed)
	}
	var got model.Contact
	s.Get(context.Background(), marc.ID, &got)
	if got.Title != "Chef" || got.UpdatedAt != marc.UpdatedAt {
		t.Errorf("the weak match wrote to Marc: %+v", got)
	}
}

// TestNameChangeProposedNotApplied: the same e-mail identifies the contact;
// a different name in the file is reported as a choice and kept by
// default, taken with Update or when chosen, and kept beside the stored one
// with KeepBoth.
func TestNameChangeProposedNotApplied(t *testing.T) {
	ctx := context.Background()
	file := "First name,Last name,Email,Title\nJacques,Clarke-Smith,JACK@x.example,Buyer\n"
	setup := func(t *testing.T) (*model.Store, *model.Contact, string) {
		s := modeltest.Open(t)
		jack := &model.Contact{FirstName: "Jack", LastName: "Clarke", Emails: []string{"jack@x.example"}}
		modeltest.Create(t, s, jack)
		return s, jack, writeFile(t, "c.csv", file)
	}
	get := func(s *model.Store, id string) *model.Contact {
		var c model.Contact
		if err := s.Get(ctx, id, &c); err != nil {
			t.Fatal(err)
		}
		return &c
	}

	t.Run("merge", func(t *testing.T) {
		s, jack, f := setup(t)
		sum := runFile(t, s, f, importer.Options{})
		c := get(s, jack.ID)
		if c.FullName() != "Jack Clarke" || c.Title != "Buyer" {
			t.Errorf("name %q title %q: want the name kept and the empty title filled", c.FullName(), c.Title)
		}
		if sum.Updated != 1 || sum.Differing != 2 || len(sum.Differences) != 2 {
			t.Fatalf("updated %d, %d differences %+v", sum.Updated, sum.Differing, sum.Differences)
		}
		d := sum.Differences[0]
		if d.Field != "first_name" || d.Old != "Jack" || d.New != "Jacques" || d.Choice != importer.Keep || d.ID != jack.ID || d.Row != 2 {
			t.Errorf("difference %+v", d)
		}
		var b strings.Builder
		sum.WriteText(&b)
		if !strings.Contains(b.String(), `First name is "Jack" in Relais, "Jacques" in the file: kept`) {
			t.Errorf("summary:\n%s", b.String())
		}
	})
	t.Run("update", func(t *testing.T) {
		s, jack, f := setup(t)
		sum := runFile(t, s, f, importer.Options{OnDuplicate: importer.Update})
		if c := get(s, jack.ID); c.FullName() != "Jacques Clarke-Smith" {
			t.Errorf("update mode kept %q", c.FullName())
		}
		if sum.Differing != 2 || sum.Differences[0].Choice != importer.TakeNew {
			t.Errorf("differences %+v", sum.Differences)
		}
	})
	t.Run("choices", func(t *testing.T) {
		s, jack, f := setup(t)
		runFile(t, s, f, importer.Options{File: "c.csv", Choices: map[importer.ChoiceKey]importer.Choice{
			{Row: 2, Field: "first_name"}: importer.TakeNew,
			{Field: "last_name"}:          importer.KeepBoth,
		}})
		c := get(s, jack.ID)
		if c.FirstName != "Jacques" || c.LastName != "Clarke" || !strings.Contains(c.Notes, "Last name (import of c.csv): Clarke-Smith") {
			t.Errorf("chosen merge: %q %q, notes %q", c.FirstName, c.LastName, c.Notes)
		}
	})
	t.Run("french", func(t *testing.T) {
		s, _, f := setup(t)
		sum := runFile(t, s, f, importer.Options{Lang: "fr"})
		if got := sum.Differences[0].Text("fr"); !strings.Contains(got, `Prénom vaut "Jack" dans Relais, "Jacques" dans le fichier : gardé`) {
			t.Errorf("French difference: %s", got)
		}
	})
}

// TestOneSetOfRules: the import's index and lead capture's one-at-a-time
// lookup (FindContact) agree on what matches and how strongly.
func TestOneSetOfRules(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	acme := &model.Account{Name: "Acme"}
	modeltest.Create(t, s, acme)
	jack := &model.Contact{FirstName: "Jack", LastName: "Clarke", Emails: []string{"jack@x.example"}, Phones: []string{"+33 6 12 34 56 78"}, AccountID: acme.ID}
	modeltest.Create(t, s, jack)
	for _, c := range []struct {
		name     string
		probe    model.Contact
		row      string // First name,Last name,Email,Phone,Company
		strength importer.Strength
		reason   string
	}{
		{"e-mail", model.Contact{FirstName: "J", LastName: "C", Emails: []string{"JACK@x.example"}}, "J,C,JACK@x.example,,", importer.Strong, importer.ReasonEmail},
		{"phone", model.Contact{FirstName: "Zoe", LastName: "Other", Phones: []string{"06 12 34 56 78"}}, "Zoe,Other,,06 12 34 56 78,", importer.Weak, importer.ReasonPhone},
		{"name at the company", model.Contact{FirstName: "jack", LastName: "CLARKE", AccountID: acme.ID}, "jack,CLARKE,,,Acme", importer.Weak, importer.ReasonName},
		{"nobody", model.Contact{FirstName: "Ann", LastName: "New", Emails: []string{"ann@new.example"}}, "Ann,New,ann@new.example,,", importer.NoMatch, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, _, err := importer.FindContact(ctx, s.DB(), &c.probe)
			if err != nil {
				t.Fatal(err)
			}
			if m.Strength != c.strength || m.Reason != c.reason {
				t.Errorf("FindContact: %+v, want %v %q", m, c.strength, c.reason)
			}
			if c.strength != importer.NoMatch && importer.StrengthOf(model.KindContact, m.Reason) != c.strength {
				t.Errorf("StrengthOf(%q) disagrees", m.Reason)
			}
			f := writeFile(t, "r.csv", "First name,Last name,Email,Phone,Company\n"+c.row+"\n")
			sum := runFile(t, s, f, importer.Options{DryRun: true, OnDuplicate: importer.Update})
			switch c.strength {
			case importer.Strong:
				if sum.Updated+sum.Skipped != 1 || sum.Created != 0 {
					t.Errorf("import: %+v", sum)
				}
			case importer.Weak:
				if sum.Created != 1 || sum.Proposed != 1 || sum.Proposals[0].Reason != c.reason {
					t.Errorf("import: created %d proposals %+v", sum.Created, sum.Proposals)
				}
			default:
				if sum.Created != 1 || sum.Proposed != 0 {
					t.Errorf("import: %+v", sum)
				}
			}
		})
	}
}
