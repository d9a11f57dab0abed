package leads

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"relais/export"
	"relais/importer"
	"relais/model"
)

// SourceTradeShow is the Source of contacts captured at a booth.
const SourceTradeShow = "trade_show"

// Grades are the lead grades, best first.
var Grades = []string{"A", "B", "C", "D"}

// Lead is one capture at the booth: who (the card), and what the visitor
// said and agreed to.
type Lead struct {
	Card
	EventID     string
	Grade       string   // A–D, "" when not graded
	Interests   []string // catalogue product ids
	Notes       string
	Consent     bool   // agreed to be contacted
	ConsentText string // the wording shown when they agreed
	OwnerID     string // who captured it; the follow-up is theirs
	NewDeal     bool   // also open a deal on the pipeline
	// MergeInto is the existing contact to update (Check's Duplicate, when
	// the user chose to merge); "" creates a new contact.
	MergeInto string
	// Choices say, per field, what merging does with a value of the card
	// that differs from the contact's (Check's Differences): the contact's
	// value is kept unless the choice says otherwise.
	Choices map[string]importer.Choice
	// AccountID is the existing account the card's company names (Check's
	// AccountID); "" with a company creates the account.
	AccountID string
}

// Settings read by LoadConfig (local to the laptop, like every setting).
const (
	SettingFollowUp    = "leads.followup_hours" // "A=24,B=48,C=168,D=0"
	SettingConsentText = "leads.consent_text"   // the consent wording shown at capture; the translated default when empty
)

// Rules say how many hours after the capture a lead's follow-up is due, per
// grade; a grade with no entry (or 0) gets no follow-up task.
type Rules map[string]int

// DefaultRules follow the show playbooks: A within 24 h, B within 48 h, C
// within a week, D no follow-up.
func DefaultRules() Rules { return Rules{"A": 24, "B": 48, "C": 168} }

// ParseRules reads "A=24,B=48,C=168,D=0" (hours per grade; spaces allowed,
// grades not named keep no follow-up).
func ParseRules(s string) (Rules, error) {
	r := Rules{}
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		g, h, ok := strings.Cut(part, "=")
		g = strings.ToUpper(strings.TrimSpace(g))
		n, err := strconv.Atoi(strings.TrimSpace(h))
		if !ok || !validGrade(g) || err != nil || n < 0 || n > 24*365 {
			return nil, fmt.Errorf("leads: follow-up rule %q: write it as GRADE=HOURS, such as A=24 (grades A to D, at most a year)", part)
		}
		if n > 0 {
			r[g] = n
		}
	}
	return r, nil
}

// String writes the rules in the form ParseRules reads.
func (r Rules) String() string {
	var parts []string
	for _, g := range Grades {
		parts = append(parts, fmt.Sprintf("%s=%d", g, r[g]))
	}
	return strings.Join(parts, ",")
}

// Due returns when the follow-up of a lead of that grade captured at `at`
// is due, and false when the grade gets none. The delay is elapsed time
// added to the instant of capture: a lead met at 17:00 in Chicago is due 24
// hours later wherever the coordinator is by then, and a change of daylight
// saving time in between neither shortens nor lengthens it.
func (r Rules) Due(grade string, at time.Time) (time.Time, bool) {
	h := r[grade]
	if h <= 0 {
		return time.Time{}, false
	}
	return at.Add(time.Duration(h) * time.Hour).UTC(), true
}

func validGrade(g string) bool { return g == "A" || g == "B" || g == "C" || g == "D" }

// Config is what Capture needs besides the lead: the rules and the words
// of the records it writes, in the user's language.
type Config struct {
	Rules       Rules
	ConsentText string // default wording of the consent
	Lang        string
	labels      export.Labels
}

// LoadConfig reads the follow-up rules and the consent wording from the
// settings, and the texts of lang ("fr" or "en").
func LoadConfig(ctx context.Context, s *model.Store, lang string) (Config, error) {
	if lang != "fr" {
		lang = "en"
	}
	labels, err := export.LoadLabels("events", lang)
	if err != nil {
		return Config{}, err
	}
	cfg := Config{Lang: lang, labels: labels, Rules: DefaultRules()}
	raw, err := s.Setting(ctx, SettingFollowUp, "")
	if err != nil {
		return cfg, err
	}
	if strings.TrimSpace(raw) != "" {
		if cfg.Rules, err = ParseRules(raw); err != nil {
			return cfg, fmt.Errorf("%w (setting %s)", err, SettingFollowUp)
		}
	}
	if cfg.ConsentText, err = s.Setting(ctx, SettingConsentText, ""); err != nil {
		return cfg, err
	}
	if strings.TrimSpace(cfg.ConsentText) == "" {
		cfg.ConsentText = labels.Get("lead.consent_default")
	}
	return cfg, nil
}

// Text returns the label key in the config's language with its arguments.
func (c Config) Text(key string, args ...string) string {
	if c.labels == nil {
		return key
	}
	return c.labels.Get(key, args...)
}

// Duplicate match reasons, most telling first (the importer's order).
const (
	ReasonEmail = "email"
	ReasonPhone = "phone"
	ReasonName  = "name"
)

// Check is what is already known about a card before it is saved.
type Check struct {
	// Duplicate is the existing contact the card matches (same e-mail, same
	// phone, or same name at the same company); nil for none.
	Duplicate *model.Contact
	Reason    string // why it matches: ReasonEmail, ReasonPhone or ReasonName
	// Strong says the card is that contact (the same e-mail): saving
	// completes it. Otherwise (a shared phone, the same name) the contact is
	// only a possible duplicate, and the lead is saved apart unless the
	// user chooses to merge. The rules are the importer's (importer.FindContact).
	Strong  bool
	Company string // the duplicate's account name
	// Differences are the card's values that differ from the duplicate's
	// (name, title, company …): merging keeps the contact's unless
	// Lead.Choices say otherwise.
	Differences []importer.Difference
	// AccountID is the existing account the card's company names, "" when
	// the company is new (or the card names none).
	AccountID string
}

// CheckCard looks the card up among existing contacts with the importer's
// matching rules (importer.FindContact: e-mail identifies; phone, then name
// within the same company, only propose) and finds the account its company
// names. It writes nothing and, reading through the search index, takes the
// same few milliseconds at 1,000 or 100,000 contacts.
func CheckCard(ctx context.Context, s *model.Store, c Card) (*Check, error) {
	probe := &model.Contact{FirstName: c.FirstName, LastName: c.LastName, Emails: c.Emails, Phones: c.Phones}
	if ves, ok := model.AsValidation(probe.Validate()); ok {
		var bad model.ValidationErrors
		for _, e := range ves {
			if e.Field == "emails" || e.Field == "phones" {
				bad = append(bad, e)
			}
		}
		if len(bad) > 0 {
			return nil, bad
		}
	}
	db := s.DB()
	out := &Check{}
	if strings.TrimSpace(c.Company) != "" {
		acc, err := model.FindAccountByName(ctx, db, c.Company)
		if err != nil {
			return nil, fmt.Errorf("leads: look for the company: %w", err)
		}
		if acc == nil {
			// A company the database does not know: nobody there can be a
			// duplicate by name, but e-mail and phone still can.
			out.AccountID = ""
		} else {
			out.AccountID = acc.ID
		}
	}
	probe.AccountID = out.AccountID
	if strings.TrimSpace(c.Company) != "" && out.AccountID == "" {
		probe.FirstName, probe.LastName = "", ""
	}
	m, dup, err := importer.FindContact(ctx, db, probe)
	if err != nil {
		return nil, fmt.Errorf("leads: %w", err)
	}
	if dup == nil {
		return out, nil
	}
	out.Duplicate, out.Reason, out.Strong = dup, m.Reason, m.Strength == importer.Strong
	if dup.AccountID != "" {
		var a model.Account
		if err := s.Get(ctx, dup.AccountID, &a); err == nil {
			out.Company = a.Name
		}
	}
	probeCopy := *dup
	if out.Differences, err = importer.MergeContact(&probeCopy, cardFields(c), nil, "en", "", false); err != nil {
		return nil, fmt.Errorf("leads: %w", err)
	}
	if d, ok := companyDifference(c, out.AccountID, dup, out.Company); ok {
		out.Differences = append(out.Differences, d)
	}
	return out, nil
}

// cardFields are the card's values as the importer's merge reads them.
func cardFields(card Card) model.FieldMap {
	fm := model.FieldMap{}
	for f, v := range map[string]string{"first_name": card.FirstName, "last_name": card.LastName, "title": card.Title,
		"language": card.Language, "photo": card.Photo} {
		if v = strings.TrimSpace(v); v != "" {
			fm[f] = oneLineUnless(f, v)
		}
	}
	for f, items := range map[string][]string{"emails": card.Emails, "phones": card.Phones} {
		var clean []string
		for _, it := range items {
			if it = strings.TrimSpace(it); it != "" {
				clean = append(clean, it)
			}
		}
		if len(clean) > 0 {
			b, _ := json.Marshal(clean)
			fm[f] = string(b)
		}
	}
	return fm
}

func oneLineUnless(field, v string) string {
	if field == "photo" {
		return v
	}
	return oneLine(v)
}

// companyDifference is the card's company when it is not the duplicate's
// account (the person may have changed jobs, or the badge may be wrong):
// a choice like any other differing value, kept by default.
func companyDifference(card Card, accountID string, dup *model.Contact, company string) (importer.Difference, bool) {
	name := strings.TrimSpace(card.Company)
	if name == "" || dup.AccountID == "" || accountID == dup.AccountID {
		return importer.Difference{}, false
	}
	return importer.Difference{ID: dup.ID, Label: dup.FullName(), Field: "account_id", Old: company, New: name, Choice: importer.Keep}, true
}

// Result is what Capture saved.
type Result struct {
	Contact  *model.Contact
	Merged   bool           // an existing contact was updated
	Account  *model.Account // the account created for the card's company; nil when none was
	Activity *model.Activity
	Task     *model.Task // the follow-up; nil when the grade gets none
	Deal     *model.Deal // nil unless asked for
	// Differences are the card's values that differed from the merged
	// contact's, with what was done with each.
	Differences []importer.Difference
}

// Capture saves a lead in one transaction: the contact (new, or merged into
// the existing one the user chose), its account when the company is new,
// the booth visit on its timeline, the follow-up task its grade calls for
// and, on request, a deal. Consent is dated with the capture. Nothing is
// saved when any part is refused.
func Capture(ctx context.Context, s *model.Store, l Lead, cfg Config) (*Result, error) {
	if cfg.Rules == nil {
		cfg.Rules = DefaultRules()
	}
	l.Grade = strings.ToUpper(strings.TrimSpace(l.Grade))
	var res *Result
	err := s.Write(ctx, func(tx *model.Tx) error {
		var err error
		res, err = capture(tx, l, cfg)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

func capture(tx *model.Tx, l Lead, cfg Config) (*Result, error) {
	ev := &model.Event{}
	if l.EventID == "" {
		return nil, model.ValidationErrors{{Field: "source_event_id", Code: model.CodeRequired, Msg: "choose the event the lead was met at"}}
	}
	if err := tx.Get(l.EventID, ev); err != nil || ev.Deleted() {
		return nil, fmt.Errorf("leads: event %s: %w", l.EventID, model.ErrNotFound)
	}
	if l.Card.Empty() {
		return nil, model.ValidationErrors{{Field: "last_name", Code: model.CodeRequired, Msg: "a name, a company, an e-mail or a phone is required"}}
	}
	if l.Consent && strings.TrimSpace(l.ConsentText) == "" {
		l.ConsentText = cfg.ConsentText
	}
	now := tx.Now()
	res := &Result{}
	c := &model.Contact{}
	if l.MergeInto != "" {
		if err := tx.Get(l.MergeInto, c); err != nil {
			return nil, err
		}
		if c.Deleted() {
			return nil, fmt.Errorf("leads: the contact to merge into is in the trash; restore it first: %w", model.ErrConflict)
		}
		res.Merged = true
	} else {
		c.Source, c.OwnerID = SourceTradeShow, l.OwnerID
	}
	if res.Merged {
		if err := mergeCard(tx, c, l, ev, cfg, res); err != nil {
			return nil, err
		}
	} else if err := applyCard(tx, c, l, res); err != nil {
		return nil, err
	}
	c.SourceEventID, c.LeadAt = ev.ID, now
	if l.Grade != "" || !res.Merged {
		c.Grade = l.Grade
	}
	c.Interests = union(c.Interests, l.Interests)
	if n := strings.TrimSpace(l.Notes); n != "" {
		if res.Merged && strings.TrimSpace(c.Notes) != "" {
			c.Notes = strings.TrimSpace(c.Notes) + "\n\n" + ev.Name + " — " + now.Format("2006-01-02") + "\n" + n
		} else {
			c.Notes = n
		}
	}
	if l.Consent {
		c.Consent, c.ConsentAt, c.ConsentText = true, now, l.ConsentText
		c.ConsentSource = cfg.Text("lead.consent_source", "Event", ev.Name)
	}
	if res.Merged {
		if err := tx.Update(c); err != nil {
			return nil, err
		}
	} else if err := tx.Create(c); err != nil {
		return nil, err
	}
	res.Contact = c
	name := firstNonEmpty(c.FullName(), l.Company, firstOf(c.Emails))
	summary := cfg.Text("lead.activity", "Event", ev.Name)
	if l.Grade != "" {
		summary += " — " + cfg.Text("lead.grade", "Grade", l.Grade)
	}
	if n := strings.TrimSpace(l.Notes); n != "" {
		summary += "\n" + n
	}
	res.Activity = &model.Activity{Type: model.ActivityMeeting, At: now, OwnerID: l.OwnerID, Summary: summary,
		ContactID: c.ID, AccountID: c.AccountID}
	if err := tx.Create(res.Activity); err != nil {
		return nil, err
	}
	if due, ok := cfg.Rules.Due(l.Grade, now); ok {
		prio := model.PriorityLow
		switch l.Grade {
		case "A":
			prio = model.PriorityHigh
		case "B":
			prio = model.PriorityNormal
		}
		res.Task = &model.Task{Title: oneLine(cfg.Text("lead.task", "Name", name, "Event", ev.Name, "Grade", l.Grade)),
			Notes: strings.TrimSpace(l.Notes), Due: due, Priority: prio, Status: model.TaskOpen, AssigneeID: l.OwnerID,
			LinkKind: string(model.KindContact), LinkID: c.ID}
		if err := tx.Create(res.Task); err != nil {
			return nil, err
		}
	}
	if l.NewDeal {
		d, err := newDeal(tx, ev, c, l, cfg, name)
		if err != nil {
			return nil, err
		}
		res.Deal = d
	}
	return res, nil
}

// mergeCard completes the existing contact c with the card by the
// importer's rules (importer.MergeContact): empty fields filled, e-mails
// and phones added, and a name, title or company that differs kept as it
// is unless the lead's choices say to take the card's (or keep both).
func mergeCard(tx *model.Tx, c *model.Contact, l Lead, ev *model.Event, cfg Config, res *Result) error {
	choose := func(field string) importer.Choice {
		if ch, ok := l.Choices[field]; ok {
			return ch
		}
		return importer.Keep
	}
	company := ""
	if c.AccountID != "" {
		var a model.Account
		if err := tx.Get(c.AccountID, &a); err == nil {
			company = a.Name
		}
	}
	diffs, err := importer.MergeContact(c, cardFields(l.Card), choose, cfg.Lang, ev.Name, true)
	if err != nil {
		return err
	}
	if d, ok := companyDifference(l.Card, l.AccountID, c, company); ok {
		d.Choice = choose("account_id")
		switch d.Choice {
		case importer.TakeNew:
			if err := setCompany(tx, c, l, res); err != nil {
				return err
			}
		case importer.KeepBoth:
			line := importer.Text(cfg.Lang, "both_note", "Field", cfg.Text("leads.company"), "File", ev.Name, "Value", d.New)
			c.Notes = strings.TrimSpace(strings.TrimSpace(c.Notes) + "\n\n" + line)
		}
		diffs = append(diffs, d)
	} else if c.AccountID == "" {
		if err := setCompany(tx, c, l, res); err != nil {
			return err
		}
	}
	res.Differences = diffs
	return nil
}

// setCompany puts c at the card's company: the account the check found, or
// a new one.
func setCompany(tx *model.Tx, c *model.Contact, l Lead, res *Result) error {
	switch {
	case l.AccountID != "":
		c.AccountID = l.AccountID
	case strings.TrimSpace(l.Card.Company) != "":
		a := &model.Account{Name: oneLine(l.Card.Company)}
		if err := tx.Create(a); err != nil {
			if ves, ok := model.AsValidation(err); ok {
				for _, ve := range ves {
					ve.Field = "company"
				}
			}
			return err
		}
		c.AccountID, res.Account = a.ID, a
	}
	return nil
}

// applyCard copies the card onto a new contact c: names, title, e-mails,
// phones and company.
func applyCard(tx *model.Tx, c *model.Contact, l Lead, res *Result) error {
	card := l.Card
	for _, f := range []struct {
		dst *string
		v   string
	}{{&c.FirstName, card.FirstName}, {&c.LastName, card.LastName}, {&c.Title, card.Title}, {&c.Language, card.Language}, {&c.Photo, card.Photo}} {
		if v := strings.TrimSpace(f.v); v != "" {
			*f.dst = v
		}
	}
	if c.FirstName == "" && c.LastName == "" {
		// Someone known only by company or e-mail: the contact still needs a name.
		c.LastName = firstNonEmpty(firstOf(card.Emails), card.Company, firstOf(card.Phones))
	}
	c.Emails = union(c.Emails, card.Emails)
	for _, p := range card.Phones {
		known := false
		for _, q := range c.Phones {
			known = known || strings.TrimSpace(p) == strings.TrimSpace(q) || model.PhoneKey(p) != "" && model.PhoneKey(p) == model.PhoneKey(q)
		}
		if !known && strings.TrimSpace(p) != "" {
			c.Phones = append(c.Phones, strings.TrimSpace(p))
		}
	}
	switch {
	case l.AccountID != "":
		c.AccountID = l.AccountID
	case strings.TrimSpace(card.Company) != "":
		a := &model.Account{Name: oneLine(card.Company)}
		if err := tx.Create(a); err != nil {
			if ves, ok := model.AsValidation(err); ok {
				for _, ve := range ves {
					ve.Field = "company"
				}
			}
			return err
		}
		c.AccountID, res.Account = a.ID, a
	}
	return nil
}

// newDeal opens a deal for the lead on the first open stage of the pipeline.
func newDeal(tx *model.Tx, ev *model.Event, c *model.Contact, l Lead, cfg Config, name string) (*model.Deal, error) {
	stages, err := model.List[model.Stage](tx.Context(), tx.SQL(), model.Query{Where: "outcome = ?", Args: []any{model.OutcomeOpen}, OrderBy: "position", Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(stages) == 0 {
		return nil, model.ValidationErrors{{Field: "stage_id", Code: model.CodeRequired, Msg: "the pipeline has no open stage to put the deal on"}}
	}
	cur := ev.Currency
	if cur == "" {
		cur = "EUR"
	}
	who := name
	if l.Company != "" {
		who = oneLine(l.Company)
	}
	d := &model.Deal{Title: oneLine(cfg.Text("lead.deal", "Who", who, "Event", ev.Name)), AccountID: c.AccountID, ContactID: c.ID,
		StageID: stages[0].ID, Currency: cur, Probability: stages[0].Probability, OwnerID: l.OwnerID, Grade: l.Grade,
		SourceEventID: ev.ID, Status: model.OutcomeOpen, Notes: strings.TrimSpace(l.Notes)}
	if err := tx.Create(d); err != nil {
		return nil, err
	}
	return d, nil
}

// union appends the items of b missing from a (ignoring case).
func union(a, b []string) []string {
	seen := map[string]bool{}
	out := append([]string(nil), a...)
	for _, x := range a {
		seen[strings.ToLower(strings.TrimSpace(x))] = true
	}
	for _, x := range b {
		k := strings.ToLower(strings.TrimSpace(x))
		if k != "" && !seen[k] {
			seen[k] = true
			out = append(out, strings.TrimSpace(x))
		}
	}
	return out
}

func firstOf(ss []string) string {
	if len(ss) > 0 {
		return ss[0]
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// Counts are the leads captured on one day of a show.
type Counts struct {
	Total   int
	ByGrade map[string]int // "" counts the ungraded
}

// CountToday counts the leads of the event captured (or re-qualified) on
// the show's day of `now`, in the show's time zone, by grade.
func CountToday(ctx context.Context, db model.Querier, ev *model.Event, now time.Time) (Counts, error) {
	loc := eventLocation(ev)
	day := model.DateOf(now.In(loc))
	from, to := day.Time(loc), day.AddDays(1).Time(loc)
	rows, err := db.QueryContext(ctx, `SELECT grade, COUNT(*) FROM contacts WHERE deleted_at IS NULL AND source_event_id = ?
		AND lead_at >= ? AND lead_at < ? GROUP BY grade`, ev.ID, model.FormatTime(from), model.FormatTime(to))
	if err != nil {
		return Counts{}, fmt.Errorf("leads: count today's leads: %w", err)
	}
	defer rows.Close()
	c := Counts{ByGrade: map[string]int{}}
	for rows.Next() {
		var g string
		var n int
		if err := rows.Scan(&g, &n); err != nil {
			return Counts{}, fmt.Errorf("leads: count today's leads: %w", err)
		}
		c.ByGrade[g] += n
		c.Total += n
	}
	return c, rows.Err()
}

// eventLocation is the show's time zone (UTC when it has none or an unknown one).
func eventLocation(ev *model.Event) *time.Location {
	if ev != nil && ev.TZ != "" {
		if loc, err := time.LoadLocation(ev.TZ); err == nil {
			return loc
		}
	}
	return time.UTC
}

// EventLeads lists the contacts captured at the event, most recent first.
func EventLeads(ctx context.Context, db model.Querier, eventID string, limit int) ([]*model.Contact, error) {
	return model.List[model.Contact](ctx, db, model.Query{Where: "source_event_id = ?", Args: []any{eventID},
		OrderBy: "lead_at DESC, created_at DESC", Limit: limit})
}

// ImportOptions tune ImportVCF.
type ImportOptions struct {
	Grade       string // given to every card ("" for none)
	Consent     bool   // the people on the cards agreed to be contacted (e.g. the organiser's lead list says so)
	ConsentText string
	OwnerID     string
	File        string // for the summary
}

// ImportVCF imports a .vcf file (one or many cards) as leads of the event
// through the importer — the same reader, matching rules (a contact with the
// card's e-mail is completed, never renamed; a shared phone or name is only
// a possible duplicate) and all-or-nothing transaction as any contact import, with
// the event, grade and consent added to every card — then creates the
// follow-ups the grade calls for, once per contact (importing the same file
// again creates none). Cards that cannot be read are in the summary, with
// their number and line, and nothing is saved.
func ImportVCF(ctx context.Context, s *model.Store, eventID string, r io.Reader, opts ImportOptions, cfg Config) (*importer.Summary, int, error) {
	ev := &model.Event{}
	if err := s.Get(ctx, eventID, ev); err != nil || ev.Deleted() {
		return nil, 0, fmt.Errorf("leads: event %s: %w", eventID, model.ErrNotFound)
	}
	g := strings.ToUpper(strings.TrimSpace(opts.Grade))
	if g != "" && !validGrade(g) {
		return nil, 0, fmt.Errorf("leads: grade %q: say A, B, C or D", opts.Grade)
	}
	if cfg.Rules == nil {
		cfg.Rules = DefaultRules()
	}
	stamp := s.Now().UTC().Truncate(time.Millisecond)
	extra := map[string]string{"source_event_id": ev.ID, "lead_at": model.FormatTime(stamp), "grade": g, "owner_id": opts.OwnerID}
	if opts.Consent {
		extra["consent"] = "yes"
		extra["consent_at"] = model.FormatTime(stamp)
		extra["consent_text"] = firstNonEmpty(opts.ConsentText, cfg.ConsentText)
		extra["consent_source"] = cfg.Text("lead.consent_source_file", "Event", ev.Name, "File", firstNonEmpty(opts.File, "vCard"))
	}
	src := &withColumns{Source: importer.NewVCard(r, 0), extra: extra}
	// A card completes the contact it is (same e-mail or UID) and never
	// renames it; the visit's own fields — the event, when, the grade, the
	// consent given there — are the news a lead brings, so they replace.
	visit := map[importer.ChoiceKey]importer.Choice{}
	for f := range extra {
		if f != "owner_id" {
			visit[importer.ChoiceKey{Field: f}] = importer.TakeNew
		}
	}
	sum, err := importer.Run(ctx, s, src, importer.Options{Kind: model.KindContact, OnDuplicate: importer.Merge, Choices: visit,
		Source: SourceTradeShow, File: opts.File, Lang: cfg.Lang, Location: time.UTC})
	if err != nil || !sum.Committed {
		return sum, 0, err
	}
	n, err := followUps(ctx, s, ev, stamp, cfg)
	return sum, n, err
}

// followUps creates the follow-up task of every lead of the event stamped
// at `at` that has none yet.
func followUps(ctx context.Context, s *model.Store, ev *model.Event, at time.Time, cfg Config) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *model.Tx) error {
		cs, err := model.List[model.Contact](ctx, tx.SQL(), model.Query{Where: `source_event_id = ? AND lead_at = ? AND grade != ''
			AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.link_kind = 'contact' AND t.link_id = contacts.id AND t.deleted_at IS NULL AND t.created_at >= ?)`,
			Args: []any{ev.ID, model.FormatTime(at), model.FormatTime(at)}})
		if err != nil {
			return err
		}
		sort.Slice(cs, func(i, j int) bool { return cs[i].FullName() < cs[j].FullName() })
		for _, c := range cs {
			due, ok := cfg.Rules.Due(c.Grade, at)
			if !ok {
				continue
			}
			t := &model.Task{Title: oneLine(cfg.Text("lead.task", "Name", c.FullName(), "Event", ev.Name, "Grade", c.Grade)), Due: due,
				Priority: model.PriorityNormal, Status: model.TaskOpen, AssigneeID: c.OwnerID, LinkKind: string(model.KindContact), LinkID: c.ID}
			if c.Grade == "A" {
				t.Priority = model.PriorityHigh
			}
			if err := tx.Create(t); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// withColumns adds fixed columns (field → value) to every row of a source.
type withColumns struct {
	importer.Source
	extra map[string]string
	keys  []string
}

func (w *withColumns) order() []string {
	if w.keys == nil {
		for k := range w.extra {
			w.keys = append(w.keys, k)
		}
		sort.Strings(w.keys)
	}
	return w.keys
}

func (w *withColumns) Columns() []string { return append(w.Source.Columns(), w.order()...) }

func (w *withColumns) Mapping() importer.Mapping {
	var m importer.Mapping
	if f, ok := w.Source.(interface{ Mapping() importer.Mapping }); ok {
		m = f.Mapping()
	}
	return append(m, w.order()...)
}

func (w *withColumns) Next() (importer.Row, error) {
	row, err := w.Source.Next()
	if err != nil {
		return row, err
	}
	n := len(w.Source.Columns())
	cells := make([]string, n, n+len(w.extra))
	copy(cells, row.Cells)
	for _, k := range w.order() {
		cells = append(cells, w.extra[k])
	}
	row.Cells = cells
	return row, nil
}
