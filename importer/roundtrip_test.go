package importer_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"relais/export"
	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

// seedAll fills a store with at least one record of every kind, awkward
// text (quotes, separators, line breaks, accents), a photo and tombstones.
func seedAll(t testing.TB, s *model.Store) {
	t.Helper()
	ctx := context.Background()
	d := model.MustDate
	at := time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)
	tm := &model.TeamMember{Name: "Camille Durand", Email: "camille@relais.example", Role: model.RoleRep, TargetMinor: 5000000, TargetCurrency: "EUR", Active: true, StartDate: d("2024-01-15")}
	st := &model.Stage{Name: "Qualification", Position: 1, Probability: 20, Outcome: model.OutcomeOpen}
	won := &model.Stage{Name: "Gagné", Position: 9, Probability: 100, Outcome: model.OutcomeWon}
	ev := &model.Event{Name: "SIAL Paris", Type: "trade_show", City: "Villepinte", Country: "FR", StartDate: d("2026-10-18"), EndDate: d("2026-10-22"), TZ: "Europe/Paris", BudgetMinor: 1200000, Currency: "EUR", Status: "done", Notes: "Stand 5B; \"allée\" centrale,\nprès du café"}
	acc := &model.Account{Name: "Fromagerie Lefèvre, \"La Meule\"", City: "Besançon", Country: "FR", OwnerID: "", Tags: []string{"bio", "jura; comté"}, Notes: "line 1\r\nline 2"}
	gone := &model.Account{Name: "Ancien client", City: "Lyon"}
	modeltest.Create(t, s, tm, st, won, ev, acc, gone)
	acc.OwnerID = tm.ID
	if err := s.Update(ctx, acc); err != nil {
		t.Fatal(err)
	}
	photo := "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
	c := &model.Contact{AccountID: acc.ID, FirstName: "Élodie", LastName: "Lefèvre", Title: "Gérante", Emails: []string{"elodie@lefevre.example", "e.l@example.fr"}, Phones: []string{"+33 3 81 00 00 00"},
		Language: "fr", Source: "trade_show", SourceEventID: ev.ID, OwnerID: tm.ID, Tags: []string{"A-lead"}, Consent: true, ConsentAt: at, ConsentText: "J'accepte", ConsentSource: "booth scan", Grade: "A", Notes: "Aime le comté 24 mois", Photo: photo}
	c2 := &model.Contact{FirstName: "Bob", LastName: "O'Neil", Title: "'=already quoted", Notes: "-5"}
	modeltest.Create(t, s, c, c2)
	deal := &model.Deal{Title: "Plateaux Noël", AccountID: acc.ID, ContactID: c.ID, StageID: st.ID, AmountMinor: 1234567, Currency: "EUR", Probability: 20, ExpectedClose: d("2026-12-15"), OwnerID: tm.ID, Status: model.OutcomeOpen}
	prod := &model.Product{SKU: "CMT-24", Name: "Comté 24 mois", Unit: "kg", PriceMinor: 3250, Currency: "EUR", TaxRateBP: 550, Availability: model.InStock}
	modeltest.Create(t, s, deal, prod)
	price := &model.ProductPrice{ProductID: prod.ID, PriceMinor: 3100, Currency: "EUR", EffectiveFrom: d("2026-01-01"), Note: "tarif 2026"}
	act := &model.Activity{Type: model.ActivityCall, At: at, OwnerID: tm.ID, Summary: "Appel de suivi", ContactID: c.ID, DurationMin: 15}
	task := &model.Task{Title: "Envoyer le devis", Priority: model.PriorityHigh, Status: model.TaskOpen, AssigneeID: tm.ID, LinkKind: "deal", LinkID: deal.ID, Due: at.Add(48 * time.Hour)}
	prop := &model.Proposal{Number: "Q-2026-ABCDE-0001", Revision: 1, Title: "Noël", AccountID: acc.ID, ContactID: c.ID, DealID: deal.ID, IssueDate: d("2026-11-20"), ValidUntil: d("2026-12-20"), Currency: "EUR", Language: "fr", Status: "draft", DiscountBP: 500, OwnerID: tm.ID}
	modeltest.Create(t, s, price, act, task, prop)
	pl := &model.ProposalLine{ProposalID: prop.ID, Position: 1, ProductID: prod.ID, SKU: prod.SKU, Description: "Comté", QuantityMilli: 2500, Unit: "kg", UnitPriceMinor: 3250, TaxRateBP: 550}
	ord := &model.Order{Number: "O-2026-1", AccountID: acc.ID, ContactID: c.ID, OrderDate: d("2026-11-21"), Currency: "EUR", NetMinor: 8125, Status: model.OrderOpen}
	vendor := &model.Vendor{Name: "Traiteur Dupont", Provides: "catering", Email: "contact@dupont.example", Notes: `=HYPERLINK("http://evil.example","clic")`}
	modeltest.Create(t, s, pl, ord, vendor)
	ol := &model.OrderLine{OrderID: ord.ID, ProductID: prod.ID, Description: "Comté", QuantityMilli: 2500, UnitPriceMinor: 3250, NetMinor: 8125}
	appt := &model.Appointment{UID: "abc@relais", Title: "RDV Lefèvre", Start: at, End: at.Add(time.Hour), TZ: "Europe/Paris", Attendees: []string{"contact:" + c.ID}, ContactID: c.ID, AccountID: acc.ID, Status: "confirmed"}
	item := &model.EventItem{EventID: ev.ID, Title: "Badges", Category: "badges", Status: "done", VendorID: vendor.ID, PlannedCostMinor: 10000}
	shift := &model.RotaShift{EventID: ev.ID, MemberID: tm.ID, Start: at, End: at.Add(4 * time.Hour), Role: "booth"}
	modeltest.Create(t, s, ol, appt, item, shift)
	slot := &model.AgendaSlot{EventID: ev.ID, Start: at, End: at.Add(30 * time.Minute), Title: "Rencontre", Type: "meeting", ContactID: c.ID, AppointmentID: appt.ID}
	issue := &model.ClientIssue{Title: "Colis abîmé", Type: model.IssueComplaint, AccountID: acc.ID, OrderID: ord.ID, Department: "logistics", Priority: 2, Status: "open", OpenedAt: at}
	terms := &model.TermsTemplate{Name: "CGV", Language: "fr", Body: "Paiement à 30 jours.\nTVA en sus."}
	modeltest.Create(t, s, slot, issue, terms)
	for _, del := range []struct {
		k  model.Kind
		id string
	}{{model.KindAccount, gone.ID}, {model.KindContact, c2.ID}} {
		if err := s.Delete(ctx, del.k, del.id); err != nil {
			t.Fatal(err)
		}
	}
}

// dumpTable reads every row of a table, ordered by id, as text.
func dumpTable(t testing.TB, db *sql.DB, table string) [][]string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM ` + table + ` ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = fmt.Sprintf("%s=%#v", cols[i], v)
		}
		out = append(out, row)
	}
	return out
}

// Export all, read it back into an empty database: every table identical.
func TestExportAllRoundTrip(t *testing.T) {
	ctx := context.Background()
	src := modeltest.Open(t)
	seedAll(t, src)
	dir := filepath.Join(t.TempDir(), "export")
	m, err := export.All(ctx, src.DB(), dir, export.AllOptions{AppVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Kinds) != len(model.Kinds()) {
		t.Fatalf("manifest lists %d kinds, want %d", len(m.Kinds), len(model.Kinds()))
	}
	dst := modeltest.Open(t)
	sum, err := importer.All(ctx, dst, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !sum.Committed || len(sum.Errors) > 0 {
		t.Fatalf("not committed: %v", sum.Errors)
	}
	for _, mk := range m.Kinds {
		if sum.Counts[mk.Kind] != mk.Count || sum.Deleted[mk.Kind] != mk.Deleted {
			t.Errorf("%s: read %d (%d deleted), manifest says %d (%d)", mk.Kind, sum.Counts[mk.Kind], sum.Deleted[mk.Kind], mk.Count, mk.Deleted)
		}
		if mk.Count == 0 {
			t.Errorf("%s: the seed has no record of this kind", mk.Kind)
		}
		a, b := dumpTable(t, src.DB(), model.Table(mk.Kind)), dumpTable(t, dst.DB(), model.Table(mk.Kind))
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s differs after the round trip:\n  before %v\n  after  %v", mk.Kind, a, b)
		}
	}
	// Every record got its outbox row, and search finds what it found before.
	if n, _ := dst.OutboxCount(ctx); n < 20 {
		t.Errorf("outbox holds %d changes after the import", n)
	}
	if hits, _ := dst.Search(ctx, "lefevre", 10); len(hits) == 0 {
		t.Errorf("search finds nothing after the import")
	}
	// A second read into the now full database is refused, changing nothing.
	if _, err := importer.All(ctx, dst, dir, nil); err == nil {
		t.Errorf("importing into a database that holds data was accepted")
	}
}

func TestImportAllRefusesBadFolders(t *testing.T) {
	ctx := context.Background()
	src := modeltest.Open(t)
	seedAll(t, src)
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := export.All(ctx, src.DB(), dir, export.AllOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Run("NoManifest", func(t *testing.T) {
		if _, err := importer.All(ctx, modeltest.Open(t), t.TempDir(), nil); err == nil {
			t.Fatal("a folder without manifest.json was accepted")
		}
	})
	t.Run("BadRowRollsBack", func(t *testing.T) {
		p := filepath.Join(dir, "contact.csv")
		b, _ := os.ReadFile(p)
		// A contact with neither first nor last name: every other field empty.
		row := "01a00000-0000-7000-8000-000000000001,2026-01-01T00:00:00.000Z,2026-01-01T00:00:00.000Z," + strings.Repeat(",", len(model.Fields(model.KindContact))) + "\n"
		bad := append(append([]byte(nil), b...), row...)
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(p, b, 0o644)
		dst := modeltest.Open(t)
		sum, err := importer.All(ctx, dst, dir, nil)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Committed || len(sum.Errors) != 1 {
			t.Fatalf("committed %v, errors %v", sum.Committed, sum.Errors)
		}
		t.Log(sum.Errors[0])
		if n, _ := model.Count(ctx, dst.DB(), model.KindAccount, model.Query{WithDeleted: true}); n != 0 {
			t.Fatalf("%d accounts written by a failed import", n)
		}
	})
}
