package model_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

// changes returns the queued outbox rows for one record.
func changes(t *testing.T, s *model.Store, id string) []model.Change {
	t.Helper()
	all, err := s.Outbox(context.Background(), 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.Change
	for _, c := range all {
		if c.EntityID == id {
			out = append(out, c)
		}
	}
	return out
}

func data(t *testing.T, c model.Change) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(c.Data), &m); err != nil {
		t.Fatalf("outbox data %q is not JSON: %v", c.Data, err)
	}
	return m
}

// mutations change one field of each kind's sample, to exercise Update.
var mutations = map[model.Kind]struct {
	field string
	apply func(r model.Record)
}{
	model.KindTeamMember:    {"region", func(r model.Record) { r.(*model.TeamMember).Region = "Bourgogne" }},
	model.KindStage:         {"probability", func(r model.Record) { r.(*model.Stage).Probability = 60 }},
	model.KindEvent:         {"booth", func(r model.Record) { r.(*model.Event).Booth = "Hall 4 — B12" }},
	model.KindAccount:       {"city", func(r model.Record) { r.(*model.Account).City = "Dole" }},
	model.KindContact:       {"title", func(r model.Record) { r.(*model.Contact).Title = "Directrice" }},
	model.KindDeal:          {"amount_minor", func(r model.Record) { r.(*model.Deal).AmountMinor = 990000 }},
	model.KindActivity:      {"outcome", func(r model.Record) { r.(*model.Activity).Outcome = "Rappeler lundi" }},
	model.KindTask:          {"status", func(r model.Record) { r.(*model.Task).Status = model.TaskDone }},
	model.KindProduct:       {"availability", func(r model.Record) { r.(*model.Product).Availability = model.Backorder }},
	model.KindProductPrice:  {"note", func(r model.Record) { r.(*model.ProductPrice).Note = "Hausse fournisseur" }},
	model.KindProposal:      {"status", func(r model.Record) { r.(*model.Proposal).Status = model.ProposalSent }},
	model.KindProposalLine:  {"quantity_milli", func(r model.Record) { r.(*model.ProposalLine).QuantityMilli = 2500 }},
	model.KindOrder:         {"delivered_date", func(r model.Record) { r.(*model.Order).DeliveredDate = model.MustDate("2026-11-26") }},
	model.KindOrderLine:     {"discount_bp", func(r model.Record) { r.(*model.OrderLine).DiscountBP = 500 }},
	model.KindVendor:        {"phone", func(r model.Record) { r.(*model.Vendor).Phone = "+33 4 00 00 00 00" }},
	model.KindAppointment:   {"location", func(r model.Record) { r.(*model.Appointment).Location = "Besançon" }},
	model.KindEventItem:     {"actual_cost_minor", func(r model.Record) { r.(*model.EventItem).ActualCostMinor = 45000 }},
	model.KindRotaShift:     {"role", func(r model.Record) { r.(*model.RotaShift).Role = "Accueil" }},
	model.KindAgendaSlot:    {"location", func(r model.Record) { r.(*model.AgendaSlot).Location = "Stand B12" }},
	model.KindClientIssue:   {"department", func(r model.Record) { r.(*model.ClientIssue).Department = "finance" }},
	model.KindTermsTemplate: {"body", func(r model.Record) { r.(*model.TermsTemplate).Body = "Paiement à 45 jours." }},
}

func TestCRUDEveryKind(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	smp := modeltest.CreateSamples(t, s)
	if len(smp.All()) != len(model.Kinds()) {
		t.Fatalf("samples cover %d kinds, the model has %d", len(smp.All()), len(model.Kinds()))
	}
	for _, orig := range smp.All() {
		kind, id := orig.Kind(), orig.Base().ID
		t.Run(string(kind), func(t *testing.T) {
			got, _ := model.New(kind)
			if err := s.Get(ctx, id, got); err != nil {
				t.Fatalf("get: %v", err)
			}
			want, _ := model.Encode(orig)
			have, _ := model.Encode(got)
			for f, v := range want {
				if have[f] != v {
					t.Errorf("field %s: stored %v, want %v", f, have[f], v)
				}
			}
			if !got.Base().CreatedAt.Equal(fixedNow) {
				t.Errorf("created_at = %v", got.Base().CreatedAt)
			}
			chs := changes(t, s, id)
			if len(chs) != 1 || chs[0].Op != "put" || chs[0].Entity != kind {
				t.Fatalf("after create, outbox = %+v; want one put", chs)
			}

			m, ok := mutations[kind]
			if !ok {
				t.Fatalf("no mutation for %s", kind)
			}
			m.apply(got)
			if err := s.Update(ctx, got); err != nil {
				t.Fatalf("update: %v", err)
			}
			again, _ := model.New(kind)
			if err := s.Get(ctx, id, again); err != nil {
				t.Fatal(err)
			}
			after, _ := model.Encode(again)
			if after[m.field] == have[m.field] {
				t.Errorf("update did not change %s (still %v)", m.field, after[m.field])
			}
			chs = changes(t, s, id)
			if len(chs) != 2 || chs[1].Op != "patch" {
				t.Fatalf("after update, outbox = %+v", chs)
			}
			if p := data(t, chs[1]); len(p) != 1 || p[m.field] == nil {
				t.Errorf("patch = %v; want only %s", p, m.field)
			}

			if err := s.Delete(ctx, kind, id); err != nil {
				t.Fatalf("delete: %v", err)
			}
			if err := s.Get(ctx, id, again); err != nil || !again.Base().Deleted() {
				t.Fatalf("after delete: err %v, deleted %v", err, again.Base().Deleted())
			}
			live, _ := model.Count(ctx, s.DB(), kind, model.Query{Where: "id = ?", Args: []any{id}})
			all, _ := model.Count(ctx, s.DB(), kind, model.Query{Where: "id = ?", Args: []any{id}, WithDeleted: true})
			if live != 0 || all != 1 {
				t.Errorf("after delete: live %d, with trash %d", live, all)
			}
			if err := s.Update(ctx, again); !errors.Is(err, model.ErrConflict) {
				t.Errorf("update of a record in the trash: %v, want ErrConflict", err)
			}
			if err := s.Restore(ctx, kind, id); err != nil {
				t.Fatalf("restore: %v", err)
			}
			if err := s.Get(ctx, id, again); err != nil || again.Base().Deleted() {
				t.Fatalf("after restore: err %v, deleted %v", err, again.Base().Deleted())
			}
			chs = changes(t, s, id)
			if len(chs) != 4 || chs[2].Op != "delete" || chs[3].Op != "patch" {
				t.Fatalf("outbox after delete+restore: %+v", chs)
			}
			if p := data(t, chs[3]); len(p) != 1 || p["deleted_at"] != nil {
				t.Errorf("restore patch = %v; want deleted_at null", p)
			}
		})
	}
}

func TestUpdateWithoutChangeQueuesNothing(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	smp := modeltest.CreateSamples(t, s)
	before := outboxLen(t, s)
	var c model.Contact
	if err := s.Get(ctx, smp.Contact.ID, &c); err != nil {
		t.Fatal(err)
	}
	if err := s.Update(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if n := outboxLen(t, s); n != before {
		t.Errorf("outbox grew from %d to %d on a no-op update", before, n)
	}
}

func TestGetUnknown(t *testing.T) {
	s := mustOpen(t)
	var c model.Contact
	if err := s.Get(context.Background(), model.NewID(), &c); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	if err := s.Delete(context.Background(), model.KindContact, "nope"); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("delete unknown: %v, want ErrNotFound", err)
	}
}

func TestValidation(t *testing.T) {
	smp := modeltest.NewSamples()
	tests := []struct {
		name  string
		rec   model.Record
		field string
		code  string
	}{
		{"ErrNameRequired", &model.Account{Name: "  "}, "name", model.CodeRequired},
		{"ErrCountry", &model.Account{Name: "A", Country: "France"}, "country", model.CodeInvalid},
		{"ErrEmail", &model.Contact{LastName: "X", Emails: []string{"not-an-email"}}, "emails", model.CodeInvalid},
		{"ErrNoName", &model.Contact{Title: "Chef"}, "last_name", model.CodeRequired},
		{"ErrOneLine", &model.Contact{LastName: "Line\nbreak"}, "last_name", model.CodeInvalid},
		{"ErrTooLong", &model.Contact{LastName: strings.Repeat("é", 201)}, "last_name", model.CodeTooLong},
		{"ErrInvalidUTF8", &model.Contact{LastName: "caf\xe9"}, "last_name", model.CodeInvalid},
		{"ErrBidiOverride", &model.Contact{LastName: "Invoice\u202egnp.exe"}, "last_name", model.CodeInvalid},
		{"ErrNULInNotes", &model.Contact{LastName: "X", Notes: "a\x00b"}, "notes", model.CodeInvalid},
		{"ErrConsentDate", &model.Contact{LastName: "X", Consent: true}, "consent_at", model.CodeRequired},
		{"ErrGrade", &model.Contact{LastName: "X", Grade: "E"}, "grade", model.CodeInvalid},
		{"ErrCurrency", &model.Deal{Title: "D", StageID: smp.Stage.ID, Currency: "euro", Status: "open"}, "currency", model.CodeInvalid},
		{"ErrLostReason", &model.Deal{Title: "D", StageID: smp.Stage.ID, Currency: "EUR", Status: "lost"}, "lost_reason", model.CodeRequired},
		{"ErrImpossibleDate", &model.Deal{Title: "D", StageID: smp.Stage.ID, Currency: "EUR", Status: "open", ExpectedClose: model.Date{Year: 2026, Month: 2, Day: 30}}, "expected_close", model.CodeInvalid},
		{"ErrNegativeQuantity", &model.ProposalLine{ProposalID: "p", Description: "x", QuantityMilli: -1000}, "quantity_milli", model.CodeRange},
		{"ErrTaxRate", &model.Product{SKU: "S", Name: "N", Unit: "pc", Currency: "EUR", Availability: model.InStock, TaxRateBP: 12000}, "tax_rate_bp", model.CodeRange},
		{"ErrEndBeforeStart", &model.Appointment{Title: "T", Start: fixedNow, End: fixedNow.Add(-time.Hour)}, "end_at", model.CodeOrder},
		{"ErrTimeZone", &model.Appointment{Title: "T", Start: fixedNow, End: fixedNow, TZ: "Mars/Olympus"}, "tz", model.CodeInvalid},
		{"ErrValidity", &model.Proposal{Number: "Q", Revision: 1, AccountID: "a", IssueDate: model.MustDate("2026-11-27"), ValidUntil: model.MustDate("2026-11-01"), Currency: "EUR", Language: "fr", Status: "draft"}, "valid_until", model.CodeOrder},
		{"ErrResolution", &model.ClientIssue{Title: "T", Type: model.IssueQuestion, AccountID: "a", Department: "sales", Priority: 2, Status: "resolved"}, "resolution", model.CodeRequired},
		{"ErrTaskLink", &model.Task{Title: "T", Priority: 2, Status: "open", LinkKind: "spaceship", LinkID: "x"}, "link_kind", model.CodeInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := mustOpen(t)
			err := s.Create(context.Background(), tc.rec)
			ve, ok := model.AsValidation(err)
			if !ok {
				t.Fatalf("got %v, want a validation error", err)
			}
			e := ve.For(tc.field)
			if e == nil || e.Code != tc.code {
				t.Fatalf("got %v, want %s on %s", err, tc.code, tc.field)
			}
			if e.Msg == "" || !strings.Contains(err.Error(), tc.field) {
				t.Errorf("message %q should name the field", err.Error())
			}
			if n := outboxLen(t, s); n != 0 {
				t.Errorf("a refused record left %d outbox rows", n)
			}
		})
	}
}

func TestReferenceMustExist(t *testing.T) {
	s := mustOpen(t)
	err := s.Create(context.Background(), &model.Contact{LastName: "X", AccountID: model.NewID()})
	ve, ok := model.AsValidation(err)
	if !ok || ve.For("account_id") == nil {
		t.Fatalf("got %v, want a validation error on account_id", err)
	}
}

func TestUniqueConflict(t *testing.T) {
	s := mustOpen(t)
	smp := modeltest.CreateSamples(t, s)
	dup := *smp.Product
	dup.ID = ""
	err := s.Create(context.Background(), &dup)
	if !errors.Is(err, model.ErrConflict) {
		t.Fatalf("duplicate SKU: got %v, want ErrConflict", err)
	}
	if ve, ok := model.AsValidation(err); !ok || ve.For("sku") == nil || ve.For("sku").Code != model.CodeDuplicate {
		t.Fatalf("duplicate SKU: %v, want a duplicate error on sku", err)
	}
	// Once the first product is in the trash, its SKU is free again.
	if err := s.Delete(context.Background(), model.KindProduct, smp.Product.ID); err != nil {
		t.Fatal(err)
	}
	dup.ID = ""
	if err := s.Create(context.Background(), &dup); err != nil {
		t.Fatalf("reusing the SKU of a deleted product: %v", err)
	}
}

// A failed write leaves neither the row nor its outbox entry: the account
// created first in the same transaction is rolled back with the bad contact.
func TestOutboxSameTransaction(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acc := &model.Account{Name: "Brasserie du Parc"}
	err := s.Write(ctx, func(tx *model.Tx) error {
		if err := tx.Create(acc); err != nil {
			return err
		}
		return tx.Create(&model.Contact{AccountID: acc.ID}) // no name: invalid
	})
	if _, ok := model.AsValidation(err); !ok {
		t.Fatalf("got %v, want a validation error", err)
	}
	var a model.Account
	if err := s.Get(ctx, acc.ID, &a); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("the account survived a failed transaction: %v", err)
	}
	if n := outboxLen(t, s); n != 0 {
		t.Errorf("outbox has %d rows after a failed transaction", n)
	}
	if hits, _ := s.Search(ctx, "brasserie", 5); len(hits) != 0 {
		t.Errorf("search finds a rolled-back record: %v", hits)
	}

	// And a good transaction groups its changes under one tx_id.
	err = s.Write(ctx, func(tx *model.Tx) error {
		acc.ID = ""
		if err := tx.Create(acc); err != nil {
			return err
		}
		return tx.Create(&model.Contact{AccountID: acc.ID, LastName: "Bénard"})
	})
	if err != nil {
		t.Fatal(err)
	}
	chs, _ := s.Outbox(ctx, 0, 10)
	if len(chs) != 2 || chs[0].TxID != chs[1].TxID || chs[0].Seq >= chs[1].Seq || chs[0].HLC >= chs[1].HLC {
		t.Errorf("outbox = %+v; want two rows, one tx_id, increasing seq and HLC", chs)
	}
}

func TestMigrations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "m.db")
	s := modeltest.OpenAt(t, path, time.Now)
	var n, max int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*), MAX(version) FROM schema_migrations`).Scan(&n, &max); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("migrations/*.sql")
	if max != model.SchemaVersion() || n != len(files) {
		t.Fatalf("applied %d migrations up to %d; want all %d up to %d", n, max, len(files), model.SchemaVersion())
	}
	dev := s.Device()
	s.Close()

	// Reopening applies nothing twice and keeps the device identity.
	s2 := modeltest.OpenAt(t, path, time.Now)
	if s2.Device() != dev {
		t.Errorf("device changed on reopen: %v → %v", dev, s2.Device())
	}
	s2.Close()

	// A database written by a newer Relais is refused, and left untouched.
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, '9999_future.sql', 'x')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	_, err = model.Open(ctx, path, model.Options{})
	if !errors.Is(err, model.ErrTooNew) {
		t.Fatalf("opening a newer database: %v, want ErrTooNew", err)
	}
	if !strings.Contains(err.Error(), "9999") || !strings.Contains(err.Error(), "newer") {
		t.Errorf("message should say which versions: %v", err)
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(path, []byte(strings.Repeat("this is not SQLite\n", 500)), 0o600)
	_, err := model.Open(context.Background(), path, model.Options{})
	if err == nil || !strings.Contains(err.Error(), "not a Relais database") {
		t.Fatalf("got %v, want a clear refusal", err)
	}
}

func TestSearch(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	smp := modeltest.CreateSamples(t, s)
	mustCreate(t, s,
		&model.Account{Name: "Brasserie Lefebvre", City: "Orléans"},
		&model.Contact{FirstName: "Jérôme", LastName: "Dupont", Notes: "Rencontré chez Lefèvre"},
		&model.Activity{Type: model.ActivityNote, At: fixedNow, Summary: "Dégustation à Besançon", ContactID: smp.Contact.ID},
	)
	find := func(q string) []model.Hit {
		t.Helper()
		hits, err := s.Search(ctx, q, 20)
		if err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return hits
	}
	has := func(hits []model.Hit, id string) bool {
		for _, h := range hits {
			if h.ID == id {
				return true
			}
		}
		return false
	}
	for _, tc := range []struct{ q, id string }{
		{"besancon", smp.Account.ID}, {"BESANÇON", smp.Account.ID}, {"lef", smp.Contact.ID}, {"lefevre", smp.Account.ID},
		{"elodie lef", smp.Contact.ID}, {"cave d'aff", smp.Deal.ID}, {"q-2026-test0", smp.Proposal.ID}, {"degustation", ""},
		{"orleans", ""}, {"fidele", smp.Account.ID}, {"33381", smp.Contact.ID},
	} {
		hits := find(tc.q)
		if len(hits) == 0 {
			t.Errorf("%q finds nothing", tc.q)
		}
		if tc.id != "" && !has(hits, tc.id) {
			t.Errorf("%q does not find %s: %+v", tc.q, tc.id, hits)
		}
	}
	// A name match ranks before a match in other text.
	hits := find("lefèvre")
	if len(hits) < 3 || hits[len(hits)-1].Label != "Jérôme Dupont" {
		t.Errorf("want the note mention last, got %+v", hits)
	}
	// Hostile input is text, never query syntax.
	for _, q := range []string{`"`, `*`, `name:`, `lef" OR "a`, `') DROP TABLE contacts; --`, `NEAR/2`, `-`, strings.Repeat("a ", 500), "\x00"} {
		if _, err := s.Search(ctx, q, 10); err != nil {
			t.Errorf("search %q: %v", q, err)
		}
	}
	// Deleted records leave the index; restored ones come back; edits are seen.
	if err := s.Delete(ctx, model.KindContact, smp.Contact.ID); err != nil {
		t.Fatal(err)
	}
	if has(find("elodie"), smp.Contact.ID) {
		t.Error("a deleted contact is still found")
	}
	if err := s.Restore(ctx, model.KindContact, smp.Contact.ID); err != nil {
		t.Fatal(err)
	}
	if !has(find("elodie"), smp.Contact.ID) {
		t.Error("a restored contact is not found")
	}
	if err := s.Set(ctx, model.KindContact, smp.Contact.ID, model.FieldMap{"last_name": "Lévêque"}); err != nil {
		t.Fatal(err)
	}
	hits = find("leveque")
	if !has(hits, smp.Contact.ID) || hits[0].Label != "Élodie Lévêque — Gérante" {
		t.Errorf("search does not follow the edited name: %+v", hits)
	}
}

func TestNextNumber(t *testing.T) {
	ctx := context.Background()
	a, b := mustOpen(t), mustOpen(t)
	seen := map[string]bool{}
	for _, s := range []*model.Store{a, b} {
		for i := 0; i < 3; i++ {
			var n string
			if err := s.Write(ctx, func(tx *model.Tx) (err error) { n, err = tx.NextNumber("Q", 2026); return }); err != nil {
				t.Fatal(err)
			}
			if seen[n] || !strings.HasPrefix(n, "Q-2026-"+s.Device().Code+"-000") {
				t.Fatalf("number %q repeated or malformed", n)
			}
			seen[n] = true
		}
	}
}

func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	smp := modeltest.CreateSamples(t, s)
	file := filepath.Join(t.TempDir(), "backup.relais")
	var calls int
	if err := s.Backup(ctx, file, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if calls == 0 {
		t.Error("backup reported no progress")
	}
	if err := s.Delete(ctx, model.KindAccount, smp.Account.ID); err != nil {
		t.Fatal(err)
	}
	mustCreate(t, s, &model.Vendor{Name: "Added after the backup"})
	dev := s.Device()
	if err := s.RestoreBackup(ctx, file, nil); err != nil {
		t.Fatal(err)
	}
	var a model.Account
	if err := s.Get(ctx, smp.Account.ID, &a); err != nil || a.Deleted() {
		t.Errorf("after restore the account is %v (deleted %v)", err, a.Deleted())
	}
	if n, _ := model.Count(ctx, s.DB(), model.KindVendor, model.Query{}); n != 1 {
		t.Errorf("after restore %d vendors, want the 1 of the backup", n)
	}
	if s.Device().ID == dev.ID || s.Device().Code == dev.Code {
		t.Error("a restored database must get a new device identity")
	}
	if err := s.Check(ctx); err != nil {
		t.Fatal(err)
	}
	if hits, _ := s.Search(ctx, "fromagerie", 5); len(hits) == 0 {
		t.Error("search index not restored")
	}

	// A damaged or foreign file is refused and the live data stays.
	bad := filepath.Join(t.TempDir(), "bad.relais")
	os.WriteFile(bad, []byte("garbage"), 0o600)
	if err := s.RestoreBackup(ctx, bad, nil); err == nil {
		t.Fatal("restoring garbage succeeded")
	}
	if err := s.Get(ctx, smp.Account.ID, &a); err != nil {
		t.Errorf("live data damaged by a refused restore: %v", err)
	}
}

func TestDates(t *testing.T) {
	for _, bad := range []string{"2026-02-30", "2026-13-01", "27/11/2026", "", "2026-1-1"} {
		if _, err := model.ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) accepted", bad)
		}
	}
	if d := model.MustDate("2028-02-29"); d.AddDays(1).String() != "2028-03-01" {
		t.Errorf("leap day arithmetic: %v", d.AddDays(1))
	}
}

func TestMoneyString(t *testing.T) {
	for _, tc := range []struct {
		m    model.Money
		want string
	}{{model.Money{Minor: 123450, Currency: "EUR"}, "1234.50 EUR"}, {model.Money{Minor: -5, Currency: "EUR"}, "-0.05 EUR"},
		{model.Money{Minor: 1500, Currency: "JPY"}, "1500 JPY"}, {model.Money{Minor: 1234, Currency: "KWD"}, "1.234 KWD"}} {
		if got := tc.m.String(); got != tc.want {
			t.Errorf("%+v: %q, want %q", tc.m, got, tc.want)
		}
	}
}

func TestHLC(t *testing.T) {
	now := fixedNow
	c := model.NewClock("dev-a", func() time.Time { return now })
	a := c.Now()
	b := c.Now()
	if !(a.String() < b.String()) {
		t.Fatalf("%v !< %v", a, b)
	}
	now = now.Add(-24 * time.Hour) // the clock goes back a day
	d := c.Now()
	if !(b.String() < d.String()) {
		t.Fatalf("clock went backwards: %v then %v", b, d)
	}
	remote := model.HLC{WallMS: fixedNow.Add(time.Hour).UnixMilli(), Counter: 7, Device: "dev-b"}
	c.Observe(remote)
	if e := c.Now(); !(remote.String() < e.String()) {
		t.Fatalf("after observing %v, got %v", remote, e)
	}
	p, err := model.ParseHLC(b.String())
	if err != nil || p != b {
		t.Fatalf("round trip: %v %v", p, err)
	}
	if _, err := model.ParseHLC("garbage"); err == nil {
		t.Error("ParseHLC accepted garbage")
	}
}

func TestIDs(t *testing.T) {
	seen := map[string]bool{}
	prev := ""
	for i := 0; i < 10000; i++ {
		id := model.NewID()
		if seen[id] || id <= prev || len(id) != 36 || id[14] != '7' {
			t.Fatalf("id %q: duplicate, unordered or not UUIDv7 (prev %q)", id, prev)
		}
		seen[id], prev = true, id
	}
}

func TestCodecRejectsBadFieldMaps(t *testing.T) {
	var c model.Contact
	for _, m := range []model.FieldMap{{"no_such": "x"}, {"consent_at": "yesterday"}, {"emails": "not json"}, {"first_name": int64(3)}, {"id": "x"}} {
		if err := model.Decode(&c, m); err == nil {
			t.Errorf("Decode accepted %v", m)
		}
	}
}

// Try undoes one failed part of a transaction, outbox and search entries
// included, and keeps the rest.
func TestTry(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	var kept, undone model.Account
	err := s.Write(ctx, func(tx *model.Tx) error {
		kept = model.Account{Name: "Auberge du Lac"}
		if err := tx.Try(func() error { return tx.Create(&kept) }); err != nil {
			return err
		}
		undone = model.Account{Name: "Café des Arts"}
		err := tx.Try(func() error {
			if err := tx.Create(&undone); err != nil {
				return err
			}
			return tx.Create(&model.Contact{AccountID: undone.ID}) // invalid: no name
		})
		if _, ok := model.AsValidation(err); !ok {
			t.Errorf("Try returned %v, want the contact's validation error", err)
		}
		// The undone account must not be usable as a reference any more.
		if err := tx.Create(&model.Contact{AccountID: undone.ID, LastName: "X"}); err == nil {
			t.Error("a contact could refer to an account undone by Try")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Get(ctx, kept.ID, &model.Account{}); err != nil {
		t.Errorf("kept account: %v", err)
	}
	if err := s.Get(ctx, undone.ID, &model.Account{}); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("undone account: %v", err)
	}
	chs, _ := s.Outbox(ctx, 0, 10)
	if len(chs) != 1 || chs[0].EntityID != kept.ID {
		t.Errorf("outbox = %+v; want only the kept account", chs)
	}
	if hits, _ := s.Search(ctx, "cafe arts", 5); len(hits) != 0 {
		t.Errorf("search finds the undone account: %+v", hits)
	}
	if hits, _ := s.Search(ctx, "auberge", 5); len(hits) != 1 {
		t.Errorf("search misses the kept account: %+v", hits)
	}
}

// A database that recorded a later migration but lacks an earlier one (made
// by a build without it) gets the missing one on open.
func TestMigrationGap(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "gap.db")
	s := modeltest.OpenAt(t, path, time.Now)
	s.Close()
	raw, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	// Forget migration 2 and undo what it made.
	if _, err := raw.Exec(`DELETE FROM schema_migrations WHERE version = 2`); err != nil {
		t.Fatal(err)
	}
	var tables []string
	rows, _ := raw.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%sync%' AND name NOT LIKE 'sqlite_%'`)
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	for _, n := range tables {
		if _, err := raw.Exec(`DROP TABLE ` + n); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	if len(tables) == 0 {
		t.Skip("migration 2 made no sync tables to remove")
	}
	s2 := modeltest.OpenAt(t, path, time.Now)
	var n int
	if err := s2.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = 2`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("migration 2 not re-applied: %d %v", n, err)
	}
	if err := s2.Check(ctx); err != nil {
		t.Fatal(err)
	}
}
