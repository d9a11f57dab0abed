package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"relais/model"
	"relais/model/modeltest"
)

// recordDB makes a database file holding one sample record of every kind and
// closes it, so the CLI runs on it as it would on a user's file.
func recordDB(t *testing.T) (string, *modeltest.Samples) {
	t.Helper()
	db := filepath.Join(t.TempDir(), "relais.db")
	s, err := model.Open(context.Background(), db, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	smp := modeltest.CreateSamples(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return db, smp
}

// recordState is what a command may change: the record's stored fields and
// deletion mark, and the outbox rows about it.
type recordState struct {
	fields  model.FieldMap
	deleted bool
	outbox  []model.Change
	all     int // every outbox row, whatever the record
}

func readRecord(t *testing.T, db string, k model.Kind, id string) recordState {
	t.Helper()
	s, err := model.Open(context.Background(), db, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, _ := model.New(k)
	if err := s.Get(context.Background(), id, r); err != nil {
		t.Fatalf("get %s %s: %v", k, id, err)
	}
	m, err := model.Encode(r)
	if err != nil {
		t.Fatal(err)
	}
	ch, err := s.Outbox(context.Background(), 0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	st := recordState{fields: m, deleted: r.Base().Deleted(), all: len(ch)}
	for _, c := range ch {
		if c.EntityID == id {
			st.outbox = append(st.outbox, c)
		}
	}
	return st
}

func TestRecordSetContact(t *testing.T) {
	db, smp := recordDB(t)
	id := smp.Contact.ID
	before := readRecord(t, db, model.KindContact, id)

	code, out, errOut := relais(t, db, "contact", "set", id, "title=Directrice achats", "emails=elodie@lefevre.example, compta@lefevre.example", "grade=B", "notes=")
	if code != 0 {
		t.Fatalf("set: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{`3 fields changed`, `title: "Gérante" → "Directrice achats"`, `emails: ["elodie@fromagerie-lefevre.fr"] → ["elodie@lefevre.example", "compta@lefevre.example"]`, `grade: (empty) → "B"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	after := readRecord(t, db, model.KindContact, id)
	if after.fields["title"] != "Directrice achats" || after.fields["grade"] != "B" || after.fields["emails"] != `["elodie@lefevre.example","compta@lefevre.example"]` {
		t.Fatalf("stored: %v", after.fields)
	}
	// One patch queued, holding exactly the changed fields (notes was empty already).
	if len(after.outbox) != len(before.outbox)+1 {
		t.Fatalf("outbox rows for the contact: %d, then %d", len(before.outbox), len(after.outbox))
	}
	last := after.outbox[len(after.outbox)-1]
	var data map[string]any
	if err := json.Unmarshal([]byte(last.Data), &data); err != nil {
		t.Fatal(err)
	}
	if last.Op != "patch" || len(data) != 3 || data["title"] != "Directrice achats" || data["grade"] != "B" || data["emails"] == nil {
		t.Fatalf("outbox row: %s %s", last.Op, last.Data)
	}

	// The same values again: nothing to write, nothing queued.
	code, out, _ = relais(t, db, "contact", "set", id, "title=Directrice achats", "grade=B")
	if again := readRecord(t, db, model.KindContact, id); code != 0 || !strings.Contains(out, "nothing changed") || again.all != after.all {
		t.Fatalf("no-op set: exit %d, %d → %d outbox rows\n%s", code, after.all, again.all, out)
	}

	// A unique start of the id is enough; a reference is given by id too,
	// and an empty value clears it.
	code, out, errOut = relais(t, db, "contact", "set", id[:len(id)-4], "account_id=", "consent=oui")
	after2 := readRecord(t, db, model.KindContact, id)
	if code != 0 || after2.fields["account_id"] != nil || after2.fields["consent"] != int64(1) || after2.fields["consent_at"] == nil {
		t.Fatalf("prefix, clear, consent: exit %d %v\n%s%s", code, after2.fields, out, errOut)
	}
}

func TestRecordSetRefusedLeavesRecordUnchanged(t *testing.T) {
	db, smp := recordDB(t)
	cases := []struct {
		name string
		kind model.Kind
		id   string
		args []string
		code int
		want []string
	}{
		{"validation", model.KindContact, smp.Contact.ID, []string{"grade=Z", "emails=not-an-address", "title=ok"}, 1,
			[]string{"Nothing was changed", "grade: must be one of A, B, C, D", `emails: "not-an-address" is not an e-mail address`}},
		{"required cleared", model.KindContact, smp.Contact.ID, []string{"first_name=", "last_name="}, 1, []string{"last_name: a first or last name is required"}},
		{"money", model.KindDeal, smp.Deal.ID, []string{"amount_minor=12x", "probability=50"}, 1, []string{`amount_minor: "12x" is not an amount in EUR`}},
		{"other currency", model.KindDeal, smp.Deal.ID, []string{"amount_minor=300 USD"}, 1, []string{"amount_minor: the amount is in USD but the deal is in EUR"}},
		{"date", model.KindDeal, smp.Deal.ID, []string{"expected_close=2027-02-30"}, 1, []string{`expected_close: "2027-02-30" is not a date YYYY-MM-DD`}},
		{"enum", model.KindDeal, smp.Deal.ID, []string{"status=lost"}, 1, []string{"lost_reason: say why the deal was lost"}},
		{"int", model.KindDeal, smp.Deal.ID, []string{"probability=lots"}, 1, []string{`probability: "lots" is not a whole number`}},
		{"range", model.KindDeal, smp.Deal.ID, []string{"probability=120"}, 1, []string{"probability: must be between 0 and 100"}},
		{"reference", model.KindDeal, smp.Deal.ID, []string{"stage_id=0000ffff-nothing"}, 1, []string{`stage_id: no stage has the id "0000ffff-nothing"`}},
		{"bool", model.KindContact, smp.Contact.ID, []string{"consent=perhaps"}, 1, []string{`consent: "perhaps" is not yes or no`}},
		{"negative price", model.KindProduct, smp.Product.ID, []string{"price_minor=-1"}, 1, []string{"price_minor: must not be negative"}},
		{"unknown field", model.KindAccount, smp.Account.ID, []string{"nom=Dupont"}, 2, []string{`account records have no field "nom"`, "name, industry, segment"}},
		{"managed field", model.KindAccount, smp.Account.ID, []string{"updated_at=2026-01-01"}, 2, []string{"updated_at is kept by Relais itself"}},
		{"not a pair", model.KindAccount, smp.Account.ID, []string{"city"}, 2, []string{`"city" is not FIELD=VALUE`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := readRecord(t, db, c.kind, c.id)
			code, out, errOut := relais(t, db, append([]string{string(c.kind), "set", c.id}, c.args...)...)
			if code != c.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, c.code, out, errOut)
			}
			for _, w := range c.want {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr lacks %q:\n%s", w, errOut)
				}
			}
			after := readRecord(t, db, c.kind, c.id)
			if !reflect.DeepEqual(before.fields, after.fields) || after.all != before.all {
				t.Fatalf("changed although refused: %v\n→ %v\noutbox %d → %d", before.fields, after.fields, before.all, after.all)
			}
		})
	}
}

func TestRecordDeleteRestore(t *testing.T) {
	db, smp := recordDB(t)
	id := smp.Account.ID
	code, out, errOut := relais(t, db, "account", "delete", id)
	st := readRecord(t, db, model.KindAccount, id)
	if code != 0 || !st.deleted || !strings.Contains(out, "moved to the trash") || !strings.Contains(out, "relais account restore "+id) {
		t.Fatalf("delete: exit %d, deleted %v\n%s%s", code, st.deleted, out, errOut)
	}
	if last := st.outbox[len(st.outbox)-1]; last.Op != "delete" {
		t.Fatalf("outbox after delete: %s %s", last.Op, last.Data)
	}
	// A trashed record is not edited in place.
	if code, _, errOut := relais(t, db, "account", "set", id, "city=Dole"); code != 1 || !strings.Contains(errOut, "is in the trash") {
		t.Fatalf("set on a trashed account: exit %d %q", code, errOut)
	}
	if code, out, _ := relais(t, db, "account", "delete", id); code != 0 || !strings.Contains(out, "already in the trash") || readRecord(t, db, model.KindAccount, id).all != st.all {
		t.Fatalf("second delete: exit %d %q", code, out)
	}
	code, out, _ = relais(t, db, "account", "restore", id)
	back := readRecord(t, db, model.KindAccount, id)
	if code != 0 || back.deleted || !strings.Contains(out, "taken out of the trash") {
		t.Fatalf("restore: exit %d, deleted %v %q", code, back.deleted, out)
	}
	if last := back.outbox[len(back.outbox)-1]; last.Op != "patch" || last.Data != `{"deleted_at":null}` {
		t.Fatalf("outbox after restore: %s %s", last.Op, last.Data)
	}
	if !reflect.DeepEqual(st.fields, back.fields) {
		t.Fatalf("restore changed fields: %v → %v", st.fields, back.fields)
	}
	if code, _, errOut := relais(t, db, "account", "delete", "no-such-account"); code != 1 || !strings.Contains(errOut, `No account has the id "no-such-account"`) {
		t.Fatalf("delete of an unknown id: exit %d %q", code, errOut)
	}
	if code, _, _ := relais(t, db, "account", "delete"); code != 2 {
		t.Fatalf("delete without an id: exit %d", code)
	}
}

func TestRecordProductPriceKeepsHistory(t *testing.T) {
	db, smp := recordDB(t)
	id := smp.Product.ID
	// By SKU, with a French amount and a rate in percent.
	code, out, errOut := relais(t, db, "product", "set", "CUI-1000", "price_minor=13 490,00", "tax_rate_bp=5,5 %", "name=Four mixte 10 niveaux GN 1/1")
	if code != 0 || !strings.Contains(out, "price_minor: 12490.00 EUR → 13490.00 EUR") || !strings.Contains(out, "tax_rate_bp: 20 % → 5.5 %") {
		t.Fatalf("set: exit %d\n%s%s", code, out, errOut)
	}
	st := readRecord(t, db, model.KindProduct, id)
	if st.fields["price_minor"] != int64(1349000) || st.fields["tax_rate_bp"] != int64(550) {
		t.Fatalf("stored: %v", st.fields)
	}
	s, err := model.Open(context.Background(), db, model.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	hist, err := s.PriceHistory(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) == 0 || hist[len(hist)-1].PriceMinor != 1349000 {
		t.Fatalf("price history: %+v", hist)
	}
}

func TestRecordFrench(t *testing.T) {
	db, smp := recordDB(t)
	before := readRecord(t, db, model.KindContact, smp.Contact.ID)
	code, _, errOut := relais(t, db, "contact", "set", smp.Contact.ID, "grade=Z", "first_name=", "last_name=", "--lang", "fr")
	if code != 1 || !strings.Contains(errOut, "Rien n’a été modifié") || !strings.Contains(errOut, "last_name : Saisissez un prénom ou un nom") ||
		!strings.Contains(errOut, "grade : doit valoir l’une de ces valeurs : A, B, C, D") {
		t.Fatalf("exit %d %q", code, errOut)
	}
	if after := readRecord(t, db, model.KindContact, smp.Contact.ID); !reflect.DeepEqual(before, after) {
		t.Fatal("refused change written")
	}
	code, out, _ := relais(t, db, "contact", "delete", smp.Contact.ID, "--lang", "fr")
	if code != 0 || !strings.Contains(out, "mise à la corbeille") {
		t.Fatalf("delete in French: exit %d %q", code, out)
	}
}

func TestRecordMessagesAreBounded(t *testing.T) {
	db, smp := recordDB(t)
	huge := strings.Repeat("x", 1<<20)
	for _, args := range [][]string{
		{"contact", "set", smp.Contact.ID, "grade=" + huge},
		{"contact", "set", smp.Contact.ID, "consent=" + huge},
		{"contact", "set", smp.Contact.ID, huge + "=1"},
		{"contact", "set", huge, "title=x"},
		{"deal", "set", smp.Deal.ID, "amount_minor=" + huge},
	} {
		code, out, errOut := relais(t, db, args...)
		if code == 0 || len(out)+len(errOut) > 2000 {
			t.Errorf("%s %s …: exit %d, %d bytes of messages", args[0], args[1], code, len(out)+len(errOut))
		}
	}
}

func TestRecordParseMoney(t *testing.T) {
	for _, c := range []struct {
		in   string
		cur  string
		want int64
		ok   bool
	}{
		{"1250.50", "EUR", 125050, true}, {"1250,5", "EUR", 125050, true}, {"1 250,50", "EUR", 125050, true},
		{"1,250.50", "EUR", 125050, true}, {"1.250,50", "EUR", 125050, true}, {"1250", "EUR", 125000, true},
		{"1,250", "EUR", 125000, true}, {"1500 JPY", "JPY", 1500, true}, {"-3.5", "EUR", -350, true},
		{"12.345", "KWD", 12345, true}, {"12x", "EUR", 0, false},
		{"99999999999999999999", "EUR", 0, false}, {"10 USD", "EUR", 0, false},
	} {
		got, err := parseMoney(c.in, c.cur)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseMoney(%q, %s) = %d, %v; want %d ok=%v", c.in, c.cur, got, err, c.want, c.ok)
		}
	}
}
