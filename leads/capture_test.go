package leads

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/importer"
	"relais/model"
	"relais/model/modeltest"
)

// show is a small booth setting: a trade show, the coordinator, the
// pipeline's first stage, and two known contacts at a known account.
type show struct {
	s       *model.Store
	ev      *model.Event
	me      *model.TeamMember
	acme    *model.Account
	john    *model.Contact // at Acme, e-mail and mobile
	elodie  *model.Contact // no account, known by name only
	stage   *model.Stage
	product *model.Product
	cfg     Config
}

func newShow(t testing.TB) *show {
	t.Helper()
	s := modeltest.Open(t)
	sh := &show{s: s}
	sh.me = &model.TeamMember{Name: "Camille Martin", Role: model.RoleCoordinator, TargetCurrency: "EUR", Active: true}
	sh.ev = &model.Event{Name: "SIRHA Lyon", Type: TypeTradeShow, Venue: "Eurexpo Lyon", Address: "Boulevard de l'Europe, 69680 Chassieu",
		City: "Lyon", Country: "FR", StartDate: model.MustDate("2026-11-26"), EndDate: model.MustDate("2026-11-30"), TZ: "Europe/Paris",
		Booth: "Hall 4 — stand B12", Currency: "EUR", Status: "confirmed"}
	sh.acme = &model.Account{Name: "Acme Industrie", City: "Lyon"}
	sh.stage = &model.Stage{Name: "Lead", Position: 1, Probability: 10, Outcome: model.OutcomeOpen}
	sh.product = &model.Product{SKU: "CUI-1000", Name: "Four mixte", Unit: "pc", PriceMinor: 100, Currency: "EUR", Availability: model.InStock}
	modeltest.Create(t, s, sh.me, sh.ev, sh.acme, sh.stage, sh.product)
	sh.john = &model.Contact{FirstName: "John", LastName: "Smith", AccountID: sh.acme.ID, Title: "Buyer", Emails: []string{"John.Smith@acme.example"},
		Phones: []string{"+33 6 12 34 56 78"}, Source: "website", Notes: "Met in 2024."}
	sh.elodie = &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", Source: "referral"}
	modeltest.Create(t, s, sh.john, sh.elodie)
	cfg, err := LoadConfig(context.Background(), s, "en")
	if err != nil {
		t.Fatal(err)
	}
	sh.cfg = cfg
	return sh
}

func (sh *show) count(t *testing.T, k model.Kind) int {
	t.Helper()
	n, err := model.Count(context.Background(), sh.s.DB(), k, model.Query{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestCheckCardDuplicates(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	for _, c := range []struct {
		name    string
		card    Card
		dup     *model.Contact
		reason  string
		account string
	}{
		{"same e-mail in another case", Card{FirstName: "J.", LastName: "Smith", Emails: []string{"john.smith@ACME.example"}}, sh.john, ReasonEmail, ""},
		{"same mobile written the French way", Card{FirstName: "Johnny", LastName: "S", Phones: []string{"06 12 34 56 78"}}, sh.john, ReasonPhone, ""},
		{"same name at the same company", Card{FirstName: "john", LastName: "SMITH", Company: "Acme Industrie"}, sh.john, ReasonName, sh.acme.ID},
		{"same name, no company on either side", Card{FirstName: "Elodie", LastName: "Lefevre"}, sh.elodie, ReasonName, ""},
		{"same name at another company is someone else", Card{FirstName: "John", LastName: "Smith", Company: "Globex"}, nil, "", ""},
		{"a new person at a known company", Card{FirstName: "Renée", LastName: "Dupré", Company: "acme industrie", Emails: []string{"renee@acme.example"}}, nil, "", sh.acme.ID},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := sh.count(t, model.KindAccount)
			got, err := CheckCard(ctx, sh.s, c.card)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case c.dup == nil && got.Duplicate != nil:
				t.Errorf("matched %s %s", got.Duplicate.FullName(), got.Duplicate.ID)
			case c.dup != nil && (got.Duplicate == nil || got.Duplicate.ID != c.dup.ID):
				t.Errorf("want a match with %s, got %+v", c.dup.FullName(), got.Duplicate)
			}
			if got.Reason != c.reason {
				t.Errorf("reason %q, want %q", got.Reason, c.reason)
			}
			// Only the e-mail says it is the same person; a phone or a name
			// is a possible duplicate.
			if got.Strong != (c.reason == ReasonEmail) {
				t.Errorf("strong %v for reason %q", got.Strong, c.reason)
			}
			if got.AccountID != c.account {
				t.Errorf("account %q, want %q", got.AccountID, c.account)
			}
			if after := sh.count(t, model.KindAccount); after != before {
				t.Errorf("the check left %d accounts behind", after-before)
			}
		})
	}
	if _, err := CheckCard(ctx, sh.s, Card{LastName: "X", Emails: []string{"not an address"}}); err == nil {
		t.Error("a bad e-mail passed the check")
	} else if ves, ok := model.AsValidation(err); !ok || ves.For("emails") == nil {
		t.Errorf("error %v does not name the e-mails", err)
	}
}

func TestCaptureNewLead(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	outBefore, _ := sh.s.OutboxCount(ctx)
	card, err := ParseScan("MECARD:N:Dupré,Renée;ORG:Brasserie du Parc;TEL:+33 4 78 00 00 00;EMAIL:renee@brasserie.example;;")
	if err != nil {
		t.Fatal(err)
	}
	chk, err := CheckCard(ctx, sh.s, card)
	if err != nil || chk.Duplicate != nil {
		t.Fatalf("check: %+v %v", chk, err)
	}
	res, err := Capture(ctx, sh.s, Lead{Card: card, EventID: sh.ev.ID, Grade: "a", Interests: []string{sh.product.ID}, Notes: "Wants a demo in January.",
		Consent: true, OwnerID: sh.me.ID, NewDeal: true, AccountID: chk.AccountID}, sh.cfg)
	if err != nil {
		t.Fatal(err)
	}
	c := &model.Contact{}
	if err := sh.s.Get(ctx, res.Contact.ID, c); err != nil {
		t.Fatal(err)
	}
	now := modeltest.Now
	if c.FullName() != "Renée Dupré" || c.Grade != "A" || c.SourceEventID != sh.ev.ID || c.Source != SourceTradeShow || !c.LeadAt.Equal(now) ||
		c.OwnerID != sh.me.ID || len(c.Interests) != 1 || c.Interests[0] != sh.product.ID || c.Notes != "Wants a demo in January." {
		t.Errorf("stored contact %+v", c)
	}
	if !c.Consent || !c.ConsentAt.Equal(now) || c.ConsentText != sh.cfg.ConsentText || c.ConsentSource != "Booth — SIRHA Lyon" {
		t.Errorf("consent %v %v %q %q", c.Consent, c.ConsentAt, c.ConsentText, c.ConsentSource)
	}
	if res.Account == nil || res.Account.Name != "Brasserie du Parc" || c.AccountID != res.Account.ID {
		t.Errorf("account %+v", res.Account)
	}
	if res.Task == nil || !res.Task.Due.Equal(now.Add(24*time.Hour)) || res.Task.Priority != model.PriorityHigh || res.Task.LinkID != c.ID ||
		res.Task.AssigneeID != sh.me.ID || res.Task.Title != "Follow up Renée Dupré — SIRHA Lyon (grade A)" {
		t.Errorf("task %+v", res.Task)
	}
	if res.Deal == nil || res.Deal.StageID != sh.stage.ID || res.Deal.ContactID != c.ID || res.Deal.SourceEventID != sh.ev.ID ||
		res.Deal.Grade != "A" || res.Deal.Title != "Brasserie du Parc — SIRHA Lyon" || res.Deal.Probability != 10 {
		t.Errorf("deal %+v", res.Deal)
	}
	if res.Activity == nil || res.Activity.ContactID != c.ID || !strings.Contains(res.Activity.Summary, "Met at the booth — SIRHA Lyon") {
		t.Errorf("activity %+v", res.Activity)
	}
	// One transaction: contact, account, activity, task and deal, each with its outbox row.
	outAfter, _ := sh.s.OutboxCount(ctx)
	if outAfter-outBefore != 5 {
		t.Errorf("%d outbox rows, want 5", outAfter-outBefore)
	}
	changes, err := sh.s.Outbox(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	groups := map[string]bool{}
	for _, ch := range changes[len(changes)-5:] {
		groups[ch.TxID] = true
	}
	if len(groups) != 1 {
		t.Errorf("the capture spans %d transactions", len(groups))
	}
	if hits, _ := sh.s.Search(ctx, "dupre", 5); len(hits) == 0 || hits[0].ID != c.ID {
		t.Errorf("search for the new lead: %+v", hits)
	}
	counts, err := CountToday(ctx, sh.s.DB(), sh.ev, now)
	if err != nil || counts.Total != 1 || counts.ByGrade["A"] != 1 {
		t.Errorf("today's counts %+v %v", counts, err)
	}
}

func TestCaptureMerge(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	card := Card{FirstName: "John", LastName: "Smith", Title: "Head of purchasing", Emails: []string{"john.smith@acme.example", "js@private.example"},
		Phones: []string{"06 12 34 56 78"}}
	chk, err := CheckCard(ctx, sh.s, card)
	if err != nil || chk.Duplicate == nil || chk.Duplicate.ID != sh.john.ID || chk.Company != "Acme Industrie" || !chk.Strong {
		t.Fatalf("check %+v %v", chk, err)
	}
	if len(chk.Differences) != 1 || chk.Differences[0].Field != "title" || chk.Differences[0].Old != "Buyer" || chk.Differences[0].New != "Head of purchasing" {
		t.Fatalf("differences %+v", chk.Differences)
	}
	contacts := sh.count(t, model.KindContact)
	res, err := Capture(ctx, sh.s, Lead{Card: card, EventID: sh.ev.ID, Grade: "B", Notes: "Back for the new oven.", OwnerID: sh.me.ID,
		MergeInto: chk.Duplicate.ID, AccountID: chk.AccountID}, sh.cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Merged || res.Contact.ID != sh.john.ID || sh.count(t, model.KindContact) != contacts {
		t.Fatalf("merge created a contact: %+v", res)
	}
	c := &model.Contact{}
	sh.s.Get(ctx, sh.john.ID, c)
	// The badge's title differs: kept as it was, reported as a choice.
	if c.Title != "Buyer" || len(res.Differences) != 1 || res.Differences[0].Choice != importer.Keep || len(c.Emails) != 2 || c.Emails[1] != "js@private.example" || len(c.Phones) != 1 {
		t.Errorf("merged identity %+v", c)
	}
	if c.Source != "website" || c.SourceEventID != sh.ev.ID || c.Grade != "B" || c.AccountID != sh.acme.ID {
		t.Errorf("merged lead fields: source %q event %q grade %q account %q", c.Source, c.SourceEventID, c.Grade, c.AccountID)
	}
	if !strings.HasPrefix(c.Notes, "Met in 2024.\n\nSIRHA Lyon — 2026-11-27\nBack for the new oven.") {
		t.Errorf("notes %q", c.Notes)
	}
	if c.Consent {
		t.Error("consent recorded though not given")
	}
	if res.Task == nil || !res.Task.Due.Equal(modeltest.Now.Add(48*time.Hour)) || res.Task.Priority != model.PriorityNormal {
		t.Errorf("task %+v", res.Task)
	}
}

// TestCaptureMergeChoices: the title the badge gives replaces the stored
// one only when chosen; "keep both" keeps it in the notes.
func TestCaptureMergeChoices(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		choice importer.Choice
		title  string
		note   string
	}{{importer.TakeNew, "Head of purchasing", ""}, {importer.KeepBoth, "Buyer", "Job title (import of SIRHA Lyon): Head of purchasing"}} {
		t.Run(string(c.choice), func(t *testing.T) {
			sh := newShow(t)
			card := Card{FirstName: "John", LastName: "Smith", Title: "Head of purchasing", Emails: []string{"john.smith@acme.example"}}
			chk, err := CheckCard(ctx, sh.s, card)
			if err != nil || !chk.Strong {
				t.Fatalf("check %+v %v", chk, err)
			}
			if _, err := Capture(ctx, sh.s, Lead{Card: card, EventID: sh.ev.ID, MergeInto: chk.Duplicate.ID, AccountID: chk.AccountID,
				Choices: map[string]importer.Choice{"title": c.choice}}, sh.cfg); err != nil {
				t.Fatal(err)
			}
			got := &model.Contact{}
			sh.s.Get(ctx, sh.john.ID, got)
			if got.Title != c.title || got.FullName() != "John Smith" || (c.note != "" && !strings.Contains(got.Notes, c.note)) {
				t.Errorf("title %q, name %q, notes %q", got.Title, got.FullName(), got.Notes)
			}
		})
	}
}

func TestCaptureRefusedLeavesNothing(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	out, _ := sh.s.OutboxCount(ctx)
	n := sh.count(t, model.KindContact) + sh.count(t, model.KindAccount) + sh.count(t, model.KindTask)
	for _, c := range []struct {
		name  string
		lead  Lead
		field string
	}{
		{"bad e-mail", Lead{Card: Card{LastName: "Roux", Company: "New Co", Emails: []string{"roux@"}}, EventID: sh.ev.ID, Grade: "A"}, "emails"},
		{"bad grade", Lead{Card: Card{LastName: "Roux", Company: "New Co"}, EventID: sh.ev.ID, Grade: "E"}, "grade"},
		{"nobody", Lead{EventID: sh.ev.ID, Grade: "A"}, "last_name"},
		{"no event", Lead{Card: Card{LastName: "Roux"}}, "source_event_id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Capture(ctx, sh.s, c.lead, sh.cfg)
			ves, ok := model.AsValidation(err)
			if !ok || ves.For(c.field) == nil {
				t.Fatalf("error %v, want one about %s", err, c.field)
			}
		})
	}
	if _, err := Capture(ctx, sh.s, Lead{Card: Card{LastName: "Roux"}, EventID: "no-such-event"}, sh.cfg); err == nil {
		t.Error("a lead for an unknown event was saved")
	}
	if after, _ := sh.s.OutboxCount(ctx); after != out {
		t.Errorf("refused captures queued %d changes", after-out)
	}
	if m := sh.count(t, model.KindContact) + sh.count(t, model.KindAccount) + sh.count(t, model.KindTask); m != n {
		t.Errorf("refused captures left %d records", m-n)
	}
}

// TestFollowUpAcrossTimeZones: "within 24 h" is 24 elapsed hours from the
// instant of capture, whatever the zones of the show and of the laptop and
// whatever daylight-saving change falls in between.
func TestFollowUpAcrossTimeZones(t *testing.T) {
	paris, _ := time.LoadLocation("Europe/Paris")
	chicago, _ := time.LoadLocation("America/Chicago")
	for _, c := range []struct {
		name       string
		at         time.Time
		grade      string
		showZone   *time.Location
		homeZone   *time.Location
		wantShow   string // the due time on the show's clock
		wantHome   string // … and on the coordinator's clock at home
		wantUTCDue string
	}{
		{"A lead the day before clocks go back in Paris", time.Date(2026, 10, 24, 10, 0, 0, 0, paris), "A", paris, paris,
			"2026-10-25 09:00 CET", "2026-10-25 09:00 CET", "2026-10-25T08:00:00Z"},
		{"B lead across the spring change", time.Date(2026, 3, 28, 16, 30, 0, 0, paris), "B", paris, paris,
			"2026-03-30 17:30 CEST", "2026-03-30 17:30 CEST", "2026-03-30T15:30:00Z"},
		{"A lead in Chicago followed up from Paris", time.Date(2026, 5, 16, 17, 0, 0, 0, chicago), "A", chicago, paris,
			"2026-05-17 17:00 CDT", "2026-05-18 00:00 CEST", "2026-05-17T22:00:00Z"},
		{"C lead a week later", time.Date(2026, 11, 27, 11, 0, 0, 0, paris), "C", paris, chicago,
			"2026-12-04 11:00 CET", "2026-12-04 04:00 CST", "2026-12-04T10:00:00Z"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := modeltest.OpenAt(t, filepath.Join(t.TempDir(), "r.db"), func() time.Time { return c.at })
			ev := &model.Event{Name: "Show", Type: TypeTradeShow, StartDate: model.DateOf(c.at.In(c.showZone)), TZ: c.showZone.String(), Currency: "EUR", Status: "confirmed"}
			modeltest.Create(t, s, ev)
			res, err := Capture(context.Background(), s, Lead{Card: Card{LastName: "Visitor"}, EventID: ev.ID, Grade: c.grade}, Config{Rules: DefaultRules()})
			if err != nil {
				t.Fatal(err)
			}
			stored := &model.Task{}
			if err := s.Get(context.Background(), res.Task.ID, stored); err != nil {
				t.Fatal(err)
			}
			const layout = "2006-01-02 15:04 MST"
			if got := stored.Due.UTC().Format(time.RFC3339); got != c.wantUTCDue {
				t.Errorf("due %s, want %s", got, c.wantUTCDue)
			}
			if got := stored.Due.In(c.showZone).Format(layout); got != c.wantShow {
				t.Errorf("on the show's clock %s, want %s", got, c.wantShow)
			}
			if got := stored.Due.In(c.homeZone).Format(layout); got != c.wantHome {
				t.Errorf("at home %s, want %s", got, c.wantHome)
			}
		})
	}
}

func TestRules(t *testing.T) {
	r, err := ParseRules(" a=12, B=72 ,C=0,D=240")
	if err != nil {
		t.Fatal(err)
	}
	if r["A"] != 12 || r["B"] != 72 || r["C"] != 0 || r["D"] != 240 || r.String() != "A=12,B=72,C=0,D=240" {
		t.Errorf("rules %v %q", r, r.String())
	}
	for _, bad := range []string{"A=x", "E=24", "A24", "A=-1", "B=100000"} {
		if _, err := ParseRules(bad); err == nil || !strings.Contains(err.Error(), "GRADE=HOURS") {
			t.Errorf("ParseRules(%q) = %v", bad, err)
		}
	}
	if _, ok := DefaultRules().Due("D", modeltest.Now); ok {
		t.Error("D leads get a follow-up by default")
	}
	sh := newShow(t)
	ctx := context.Background()
	if err := sh.s.SetSetting(ctx, SettingFollowUp, "A=2,B=4"); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(ctx, sh.s, "fr")
	if err != nil || cfg.Rules["A"] != 2 || cfg.Rules["C"] != 0 || !strings.Contains(cfg.ConsentText, "recontacté") {
		t.Fatalf("config %+v %v", cfg, err)
	}
	res, err := Capture(ctx, sh.s, Lead{Card: Card{FirstName: "Zoé", LastName: "Roux"}, EventID: sh.ev.ID, Grade: "A", Consent: true}, cfg)
	if err != nil || !res.Task.Due.Equal(modeltest.Now.Add(2*time.Hour)) || res.Task.Title != "Relancer Zoé Roux — SIRHA Lyon (note A)" {
		t.Errorf("task %+v %v", res.Task, err)
	}
	if res.Contact.ConsentSource != "Stand — SIRHA Lyon" {
		t.Errorf("consent source %q", res.Contact.ConsentSource)
	}
	if err := sh.s.SetSetting(ctx, SettingFollowUp, "A=soon"); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadConfig(ctx, sh.s, "en"); err == nil || !strings.Contains(err.Error(), SettingFollowUp) {
		t.Errorf("a bad setting: %v", err)
	}
}

func TestCountTodayUsesTheShowsDay(t *testing.T) {
	chicago, _ := time.LoadLocation("America/Chicago")
	clock := time.Date(2026, 5, 16, 23, 30, 0, 0, chicago) // 04:30 UTC the next day
	s := modeltest.OpenAt(t, filepath.Join(t.TempDir(), "r.db"), func() time.Time { return clock })
	ev := &model.Event{Name: "NRA Show", Type: TypeTradeShow, StartDate: model.MustDate("2026-05-16"), TZ: "America/Chicago", Currency: "USD", Status: "confirmed"}
	modeltest.Create(t, s, ev)
	ctx := context.Background()
	for i, g := range []string{"A", "B", "B", ""} {
		if i == 3 {
			clock = time.Date(2026, 5, 17, 8, 0, 0, 0, chicago) // the next show day
		}
		if _, err := Capture(ctx, s, Lead{Card: Card{LastName: "Visitor " + g}, EventID: ev.ID, Grade: g}, Config{}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := CountToday(ctx, s.DB(), ev, time.Date(2026, 5, 16, 12, 0, 0, 0, chicago))
	if err != nil || c.Total != 3 || c.ByGrade["A"] != 1 || c.ByGrade["B"] != 2 {
		t.Errorf("16 May: %+v %v", c, err)
	}
	c, _ = CountToday(ctx, s.DB(), ev, clock)
	if c.Total != 1 || c.ByGrade[""] != 1 {
		t.Errorf("17 May: %+v", c)
	}
	leads, err := EventLeads(ctx, s.DB(), ev.ID, 10)
	if err != nil || len(leads) != 4 || leads[0].LastName != "Visitor" {
		t.Errorf("event leads %d %v", len(leads), err)
	}
}

func TestImportVCF(t *testing.T) {
	sh := newShow(t)
	ctx := context.Background()
	b, err := os.ReadFile("testdata/vcf/ezvcard-gmail-list.vcf")
	if err != nil {
		t.Fatal(err)
	}
	sum, tasks, err := ImportVCF(ctx, sh.s, sh.ev.ID, strings.NewReader(string(b)), ImportOptions{Grade: "B", Consent: true, OwnerID: sh.me.ID, File: "gmail-list.vcf"}, sh.cfg)
	if err != nil || sum.Created != 3 || tasks != 3 {
		t.Fatalf("import: %+v %d %v", sum, tasks, err)
	}
	leads, _ := EventLeads(ctx, sh.s.DB(), sh.ev.ID, 10)
	if len(leads) != 3 {
		t.Fatalf("%d leads linked to the event", len(leads))
	}
	for _, c := range leads {
		if c.Grade != "B" || !c.Consent || c.ConsentSource != "Lead list gmail-list.vcf — SIRHA Lyon" || c.Source != SourceTradeShow || c.OwnerID != sh.me.ID {
			t.Errorf("imported %+v", c)
		}
	}
	// Importing the same file again finds the same people and adds no follow-up.
	sum, tasks, err = ImportVCF(ctx, sh.s, sh.ev.ID, strings.NewReader(string(b)), ImportOptions{Grade: "B"}, sh.cfg)
	if err != nil || sum.Created != 0 || tasks != 0 {
		t.Errorf("second import: %+v %d %v", sum, tasks, err)
	}
	if n := sh.count(t, model.KindTask); n != 3 {
		t.Errorf("%d tasks after importing twice", n)
	}
	// A file with a broken card saves nothing and says which card.
	broken := string(b) + "\nBEGIN:VCARD\nVERSION:3.0\nFN:Cut short\n"
	sum, _, err = ImportVCF(ctx, sh.s, sh.ev.ID, strings.NewReader(broken), ImportOptions{}, sh.cfg)
	if err != nil || sum.Committed || len(sum.Errors) != 1 || !strings.Contains(sum.Errors[0].String(), "row 4") || !strings.Contains(sum.Errors[0].Msg, "END:VCARD") {
		t.Errorf("broken file: %+v %v", sum, err)
	}
}

// TestImportEveryInteropVCF imports each shared .vcf as leads: it is
// saved, or its problems are reported card by card and nothing is saved.
func TestImportEveryInteropVCF(t *testing.T) {
	files, _ := filepath.Glob("testdata/vcf/*.vcf")
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sh := newShow(t)
			r, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			sum, _, err := ImportVCF(context.Background(), sh.s, sh.ev.ID, r, ImportOptions{Grade: "C", File: filepath.Base(f)}, sh.cfg)
			if err != nil {
				t.Fatal(err)
			}
			if sum.Committed {
				if sum.Created+sum.Updated == 0 {
					t.Errorf("saved nothing: %+v", sum)
				}
				return
			}
			if len(sum.Errors) == 0 {
				t.Fatalf("not saved and no reason given: %+v", sum)
			}
			for _, e := range sum.Errors {
				if e.Row == 0 || e.Msg == "" {
					t.Errorf("unclear report %+v", e)
				}
				t.Logf("reported: %s", e)
			}
		})
	}
}
