package model

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Meta is embedded in every record: its id and lifecycle timestamps.
// DeletedAt non-zero marks a tombstone: hidden from lists, kept for sync and restore.
type Meta struct {
	ID        string    `db:"id"`
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
	DeletedAt time.Time `db:"deleted_at"`
}

// Base returns the record's Meta; it lets generic code reach the embedded
// fields through the Record interface.
func (m *Meta) Base() *Meta { return m }

// Deleted reports whether the record is a tombstone.
func (m *Meta) Deleted() bool { return !m.DeletedAt.IsZero() }

// Record is implemented by a pointer to every entity struct.
type Record interface {
	Kind() Kind
	Base() *Meta
	Validate() error
}

// Kind names an entity type; it is also the table name's singular and the
// entity name in outbox rows and on the wire.
type Kind string

// The kinds of record Relais keeps.
const (
	KindTeamMember    Kind = "team_member"
	KindAccount       Kind = "account"
	KindContact       Kind = "contact"
	KindStage         Kind = "stage"
	KindDeal          Kind = "deal"
	KindActivity      Kind = "activity"
	KindTask          Kind = "task"
	KindProduct       Kind = "product"
	KindProductPrice  Kind = "product_price"
	KindProposal      Kind = "proposal"
	KindProposalLine  Kind = "proposal_line"
	KindOrder         Kind = "order"
	KindOrderLine     Kind = "order_line"
	KindAppointment   Kind = "appointment"
	KindEvent         Kind = "event"
	KindEventItem     Kind = "event_item"
	KindVendor        Kind = "vendor"
	KindRotaShift     Kind = "rota_shift"
	KindAgendaSlot    Kind = "agenda_slot"
	KindClientIssue   Kind = "client_issue"
	KindTermsTemplate Kind = "terms_template"
)

// Lengths beyond which text fields are refused: generous for people, small
// enough that a pasted file does not end up in a name.
const (
	maxShort = 200
	maxLong  = 20000
)

func (c *checker) text(field, v string, required bool, max int) {
	if required && strings.TrimSpace(v) == "" {
		c.add(field, CodeRequired, "is required")
		return
	}
	if !utf8.ValidString(v) {
		c.add(field, CodeInvalid, "is not valid UTF-8 text")
		return
	}
	if utf8.RuneCountInString(v) > max {
		c.add(field, CodeTooLong, "is longer than %d characters", max)
	}
	if strings.ContainsRune(v, 0) {
		c.add(field, CodeInvalid, "must not contain a NUL character")
	}
	if max == maxShort && strings.ContainsAny(v, "\r\n") {
		c.add(field, CodeInvalid, "must be a single line")
	}
	// Bidi embedding and override controls can make a name read differently
	// from what it is (U+202E reverses what follows); real right-to-left
	// names never need them in a one-line field.
	if max == maxShort && strings.ContainsAny(v, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
		c.add(field, CodeInvalid, "must not contain text-direction control characters")
	}
}

func (c *checker) oneOf(field, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add(field, CodeInvalid, "must be one of %s", strings.Join(allowed, ", "))
}

func (c *checker) date(field string, d Date) {
	if !d.valid() {
		c.add(field, CodeInvalid, "is not a real calendar date")
	}
}

func (c *checker) currency(field, cur string) {
	if !validCurrency(cur) {
		c.add(field, CodeInvalid, "must be a three-letter ISO 4217 currency code such as EUR")
	}
}

func (c *checker) email(field, v string) {
	if v == "" {
		return
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || !strings.Contains(v[strings.LastIndexByte(v, '@')+1:], ".") {
		c.add(field, CodeInvalid, "%q is not an e-mail address", v)
	}
}

func (c *checker) percentBP(field string, bp int64) {
	if bp < 0 || bp > 10000 {
		c.add(field, CodeRange, "must be between 0 and 100 %%")
	}
}

func (c *checker) tags(field string, tags []string) {
	for _, t := range tags {
		c.text(field, t, true, 60)
	}
}

// TeamMember is a rep, manager or coordinator of the sales team.
type TeamMember struct {
	Meta
	Name           string `db:"name"`
	Email          string `db:"email"`
	Phone          string `db:"phone"`
	Role           string `db:"role"` // rep | manager | coordinator
	Region         string `db:"region"`
	TargetMinor    int64  `db:"target_minor"` // monthly sales target
	TargetCurrency string `db:"target_currency"`
	Active         bool   `db:"active"`
	StartDate      Date   `db:"start_date"`
}

// Team member roles.
const (
	RoleRep         = "rep"
	RoleManager     = "manager"
	RoleCoordinator = "coordinator"
)

// Kind implements Record.
func (*TeamMember) Kind() Kind { return KindTeamMember }

// Validate implements Record.
func (m *TeamMember) Validate() error {
	var c checker
	c.text("name", m.Name, true, maxShort)
	c.email("email", m.Email)
	c.text("phone", m.Phone, false, 60)
	c.oneOf("role", m.Role, RoleRep, RoleManager, RoleCoordinator)
	if m.TargetMinor < 0 {
		c.add("target_minor", CodeRange, "must not be negative")
	}
	c.currency("target_currency", m.TargetCurrency)
	c.date("start_date", m.StartDate)
	return c.err()
}

// Account is a client company.
type Account struct {
	Meta
	Name       string   `db:"name"`
	Industry   string   `db:"industry"`
	Segment    string   `db:"segment"`
	Region     string   `db:"region"`
	Street     string   `db:"street"`
	PostalCode string   `db:"postal_code"`
	City       string   `db:"city"`
	Country    string   `db:"country"` // ISO 3166-1 alpha-2
	ShipTo     string   `db:"ship_to"` // delivery address when it differs, free text
	Website    string   `db:"website"`
	Phone      string   `db:"phone"`
	Email      string   `db:"email"`
	VATNumber  string   `db:"vat_number"`
	OwnerID    string   `db:"owner_id,ref=team_member"`
	Notes      string   `db:"notes"`
	Tags       []string `db:"tags"`
}

// Kind implements Record.
func (*Account) Kind() Kind { return KindAccount }

// Validate implements Record.
func (a *Account) Validate() error {
	var c checker
	c.text("name", a.Name, true, maxShort)
	for _, f := range []struct{ name, v string }{{"industry", a.Industry}, {"segment", a.Segment}, {"region", a.Region}, {"street", a.Street}, {"postal_code", a.PostalCode}, {"city", a.City}, {"website", a.Website}, {"phone", a.Phone}, {"vat_number", a.VATNumber}} {
		c.text(f.name, f.v, false, maxShort)
	}
	if a.Country != "" && (len(a.Country) != 2 || strings.ToUpper(a.Country) != a.Country) {
		c.add("country", CodeInvalid, "must be a two-letter country code such as FR")
	}
	c.email("email", a.Email)
	c.text("ship_to", a.ShipTo, false, 2000)
	c.text("notes", a.Notes, false, maxLong)
	c.tags("tags", a.Tags)
	return c.err()
}

// Contact is a person, usually at a client account.
type Contact struct {
	Meta
	AccountID     string    `db:"account_id,ref=account"`
	FirstName     string    `db:"first_name"`
	LastName      string    `db:"last_name"`
	Title         string    `db:"title"`
	Emails        []string  `db:"emails"`
	Phones        []string  `db:"phones"`
	Language      string    `db:"language"`
	Source        string    `db:"source"` // e.g. "trade_show", "website", "referral", "import"
	SourceEventID string    `db:"source_event_id,ref=event"`
	OwnerID       string    `db:"owner_id,ref=team_member"`
	Tags          []string  `db:"tags"`
	Consent       bool      `db:"consent"` // agreed to be contacted
	ConsentAt     time.Time `db:"consent_at"`
	ConsentText   string    `db:"consent_text"`   // the wording shown when consent was given
	ConsentSource string    `db:"consent_source"` // where: "booth scan", "web form" …
	Grade         string    `db:"grade"`          // lead grade A–D, "" when not a graded lead
	Notes         string    `db:"notes"`
	Photo         string    `db:"photo"`     // data:image/…;base64,… URI, "" when none (migration 0005)
	Interests     []string  `db:"interests"` // products of interest: catalogue product ids (migration 0008)
	LeadAt        time.Time `db:"lead_at"`   // when last captured as a lead at SourceEventID's booth (migration 0008)
}

// Kind implements Record.
func (*Contact) Kind() Kind { return KindContact }

// FullName joins first and last name.
func (c *Contact) FullName() string { return strings.TrimSpace(c.FirstName + " " + c.LastName) }

// Validate implements Record.
func (ct *Contact) Validate() error {
	var c checker
	if strings.TrimSpace(ct.FirstName) == "" && strings.TrimSpace(ct.LastName) == "" {
		c.add("last_name", CodeRequired, "a first or last name is required")
	}
	c.text("first_name", ct.FirstName, false, maxShort)
	c.text("last_name", ct.LastName, false, maxShort)
	c.text("title", ct.Title, false, maxShort)
	for _, e := range ct.Emails {
		c.email("emails", e)
	}
	for _, p := range ct.Phones {
		c.text("phones", p, true, 60)
	}
	c.text("source", ct.Source, false, maxShort)
	c.tags("tags", ct.Tags)
	if ct.Consent && ct.ConsentAt.IsZero() {
		c.add("consent_at", CodeRequired, "consent needs the date it was given")
	}
	c.text("consent_text", ct.ConsentText, false, maxLong)
	if ct.Grade != "" {
		c.oneOf("grade", ct.Grade, "A", "B", "C", "D")
	}
	c.text("notes", ct.Notes, false, maxLong)
	if ct.Photo != "" && (!strings.HasPrefix(ct.Photo, "data:image/") || len(ct.Photo) > MaxPhotoLen) {
		c.add("photo", CodeInvalid, "must be an embedded image (data:image/…) of at most %d characters", MaxPhotoLen)
	}
	return c.err()
}

// MaxPhotoLen bounds Contact.Photo: a 256-pixel JPEG is 10–30 KB, and the
// whole record travels in every sync message that touches it.
const MaxPhotoLen = 200000

// Stage is one column of the configurable sales pipeline.
type Stage struct {
	Meta
	Name        string `db:"name"`
	Position    int64  `db:"position"`
	Probability int64  `db:"probability"` // default win probability, percent
	Outcome     string `db:"outcome"`     // open | won | lost
}

// Deal outcomes, also used as Stage.Outcome.
const (
	OutcomeOpen = "open"
	OutcomeWon  = "won"
	OutcomeLost = "lost"
)

// Kind implements Record.
func (*Stage) Kind() Kind { return KindStage }

// Validate implements Record.
func (s *Stage) Validate() error {
	var c checker
	c.text("name", s.Name, true, maxShort)
	if s.Probability < 0 || s.Probability > 100 {
		c.add("probability", CodeRange, "must be between 0 and 100")
	}
	c.oneOf("outcome", s.Outcome, OutcomeOpen, OutcomeWon, OutcomeLost)
	return c.err()
}

// Deal is a sales opportunity on the pipeline.
type Deal struct {
	Meta
	Title         string `db:"title"`
	AccountID     string `db:"account_id,ref=account"`
	ContactID     string `db:"contact_id,ref=contact"`
	StageID       string `db:"stage_id,ref=stage"`
	AmountMinor   int64  `db:"amount_minor"`
	Currency      string `db:"currency"`
	Probability   int64  `db:"probability"` // percent
	ExpectedClose Date   `db:"expected_close"`
	OwnerID       string `db:"owner_id,ref=team_member"`
	Grade         string `db:"grade"`
	SourceEventID string `db:"source_event_id,ref=event"`
	Status        string `db:"status"` // open | won | lost
	ClosedOn      Date   `db:"closed_on"`
	LostReason    string `db:"lost_reason"`
	Notes         string `db:"notes"`
}

// Kind implements Record.
func (*Deal) Kind() Kind { return KindDeal }

// Validate implements Record.
func (d *Deal) Validate() error {
	var c checker
	c.text("title", d.Title, true, maxShort)
	if d.StageID == "" {
		c.add("stage_id", CodeRequired, "a pipeline stage is required")
	}
	if d.AmountMinor < 0 {
		c.add("amount_minor", CodeRange, "must not be negative")
	}
	c.currency("currency", d.Currency)
	if d.Probability < 0 || d.Probability > 100 {
		c.add("probability", CodeRange, "must be between 0 and 100")
	}
	c.date("expected_close", d.ExpectedClose)
	if d.Grade != "" {
		c.oneOf("grade", d.Grade, "A", "B", "C", "D")
	}
	c.oneOf("status", d.Status, OutcomeOpen, OutcomeWon, OutcomeLost)
	c.date("closed_on", d.ClosedOn)
	if d.Status == OutcomeLost && strings.TrimSpace(d.LostReason) == "" {
		c.add("lost_reason", CodeRequired, "say why the deal was lost")
	}
	c.text("lost_reason", d.LostReason, false, maxShort)
	c.text("notes", d.Notes, false, maxLong)
	return c.err()
}

// Activity types.
const (
	ActivityCall    = "call"
	ActivityEmail   = "email"
	ActivityMeeting = "meeting"
	ActivityVisit   = "visit"
	ActivityNote    = "note"
)

// Activity is one interaction with a client: a call, an e-mail, a meeting, a visit or a note.
type Activity struct {
	Meta
	Type        string    `db:"type"`
	At          time.Time `db:"at"`
	OwnerID     string    `db:"owner_id,ref=team_member"` // who did it
	Summary     string    `db:"summary"`
	Outcome     string    `db:"outcome"`
	DurationMin int64     `db:"duration_min"`
	ContactID   string    `db:"contact_id,ref=contact"`
	AccountID   string    `db:"account_id,ref=account"`
	DealID      string    `db:"deal_id,ref=deal"`
}

// Kind implements Record.
func (*Activity) Kind() Kind { return KindActivity }

// Validate implements Record.
func (a *Activity) Validate() error {
	var c checker
	c.oneOf("type", a.Type, ActivityCall, ActivityEmail, ActivityMeeting, ActivityVisit, ActivityNote)
	if a.At.IsZero() {
		c.add("at", CodeRequired, "the date and time are required")
	}
	c.text("summary", a.Summary, true, maxLong)
	c.text("outcome", a.Outcome, false, maxLong)
	if a.DurationMin < 0 {
		c.add("duration_min", CodeRange, "must not be negative")
	}
	if a.ContactID == "" && a.AccountID == "" && a.DealID == "" {
		c.add("contact_id", CodeRequired, "link the activity to a contact, an account or a deal")
	}
	return c.err()
}

// Task priorities: lower is more urgent.
const (
	PriorityHigh   int64 = 1
	PriorityNormal int64 = 2
	PriorityLow    int64 = 3
)

// Task statuses.
const (
	TaskOpen = "open"
	TaskDone = "done"
)

// Task is an item of someone's to-do list, optionally linked to any record.
type Task struct {
	Meta
	Title        string    `db:"title"`
	Notes        string    `db:"notes"`
	Due          time.Time `db:"due"`
	Priority     int64     `db:"priority"`
	Status       string    `db:"status"`
	AssigneeID   string    `db:"assignee_id,ref=team_member"`
	LinkKind     string    `db:"link_kind"`
	LinkID       string    `db:"link_id"`
	SnoozedUntil time.Time `db:"snoozed_until"`
	DoneAt       time.Time `db:"done_at"`
	UID          string    `db:"uid"` // iCalendar UID of an imported VTODO (added by 0004_calendar)
}

// Kind implements Record.
func (*Task) Kind() Kind { return KindTask }

// Validate implements Record.
func (t *Task) Validate() error {
	var c checker
	c.text("title", t.Title, true, maxShort)
	c.text("notes", t.Notes, false, maxLong)
	if t.Priority < PriorityHigh || t.Priority > PriorityLow {
		c.add("priority", CodeRange, "must be high (1), normal (2) or low (3)")
	}
	c.oneOf("status", t.Status, TaskOpen, TaskDone)
	if (t.LinkKind == "") != (t.LinkID == "") {
		c.add("link_id", CodeInvalid, "a link needs both a kind and an id")
	}
	if t.LinkKind != "" {
		if _, ok := kindByName[Kind(t.LinkKind)]; !ok {
			c.add("link_kind", CodeInvalid, "%q is not a kind of record", t.LinkKind)
		}
	}
	return c.err()
}

// Product availability.
const (
	InStock      = "in_stock"
	LowStock     = "low"
	Backorder    = "backorder"
	Discontinued = "discontinued"
)

// Product is an item of the price list.
type Product struct {
	Meta
	SKU          string `db:"sku,unique"`
	Name         string `db:"name"`
	Description  string `db:"description"`
	Category     string `db:"category"`
	Unit         string `db:"unit"` // "pc", "h", "m²", "kg" …
	PriceMinor   int64  `db:"price_minor"`
	Currency     string `db:"currency"`
	TaxRateBP    int64  `db:"tax_rate_bp"` // basis points: 2000 = 20 %
	Availability string `db:"availability"`
	ImagePath    string `db:"image_path"`
}

// Kind implements Record.
func (*Product) Kind() Kind { return KindProduct }

// Validate implements Record.
func (p *Product) Validate() error {
	var c checker
	c.text("sku", p.SKU, true, 64)
	c.text("name", p.Name, true, maxShort)
	c.text("description", p.Description, false, maxLong)
	c.text("unit", p.Unit, true, 20)
	if p.PriceMinor < 0 {
		c.add("price_minor", CodeRange, "must not be negative")
	}
	c.currency("currency", p.Currency)
	c.percentBP("tax_rate_bp", p.TaxRateBP)
	c.oneOf("availability", p.Availability, InStock, LowStock, Backorder, Discontinued)
	return c.err()
}

// ProductPrice is one entry of a product's price history.
type ProductPrice struct {
	Meta
	ProductID     string `db:"product_id,ref=product"`
	PriceMinor    int64  `db:"price_minor"`
	Currency      string `db:"currency"`
	EffectiveFrom Date   `db:"effective_from"`
	Note          string `db:"note"`
}

// Kind implements Record.
func (*ProductPrice) Kind() Kind { return KindProductPrice }

// Validate implements Record.
func (p *ProductPrice) Validate() error {
	var c checker
	if p.ProductID == "" {
		c.add("product_id", CodeRequired, "is required")
	}
	if p.PriceMinor < 0 {
		c.add("price_minor", CodeRange, "must not be negative")
	}
	c.currency("currency", p.Currency)
	if p.EffectiveFrom.IsZero() {
		c.add("effective_from", CodeRequired, "is required")
	}
	c.date("effective_from", p.EffectiveFrom)
	c.text("note", p.Note, false, maxShort)
	return c.err()
}

// Proposal statuses.
const (
	ProposalDraft    = "draft"
	ProposalSent     = "sent"
	ProposalAccepted = "accepted"
	ProposalDeclined = "declined"
	ProposalExpired  = "expired"
)

// Proposal is a quotation sent to a client. Revisions share RootID; each
// revision is its own record so earlier ones stay readable.
type Proposal struct {
	Meta
	Number      string `db:"number"` // Q-2026-DEVCD-0001, unique across laptops
	Revision    int64  `db:"revision"`
	RootID      string `db:"root_id"` // id of revision 1; "" on revision 1 itself
	Title       string `db:"title"`
	AccountID   string `db:"account_id,ref=account"`
	ContactID   string `db:"contact_id,ref=contact"`
	DealID      string `db:"deal_id,ref=deal"`
	IssueDate   Date   `db:"issue_date"`
	ValidUntil  Date   `db:"valid_until"`
	PricesAsOf  Date   `db:"prices_as_of"`
	Currency    string `db:"currency"`
	Language    string `db:"language"` // fr | en
	Status      string `db:"status"`
	DiscountBP  int64  `db:"discount_bp"` // overall discount
	CoverLetter string `db:"cover_letter"`
	Terms       string `db:"terms"`
	OwnerID     string `db:"owner_id,ref=team_member"`
}

// Kind implements Record.
func (*Proposal) Kind() Kind { return KindProposal }

// Validate implements Record.
func (p *Proposal) Validate() error {
	var c checker
	c.text("number", p.Number, true, 64)
	if p.Revision < 1 {
		c.add("revision", CodeRange, "must be 1 or more")
	}
	c.text("title", p.Title, false, maxShort)
	if p.AccountID == "" {
		c.add("account_id", CodeRequired, "a customer account is required")
	}
	c.date("issue_date", p.IssueDate)
	c.date("valid_until", p.ValidUntil)
	c.date("prices_as_of", p.PricesAsOf)
	if p.IssueDate.IsZero() {
		c.add("issue_date", CodeRequired, "is required")
	}
	if !p.ValidUntil.IsZero() && p.ValidUntil.Before(p.IssueDate) {
		c.add("valid_until", CodeOrder, "must not be before the issue date")
	}
	c.currency("currency", p.Currency)
	c.oneOf("language", p.Language, "fr", "en")
	c.oneOf("status", p.Status, ProposalDraft, ProposalSent, ProposalAccepted, ProposalDeclined, ProposalExpired)
	c.percentBP("discount_bp", p.DiscountBP)
	c.text("cover_letter", p.CoverLetter, false, maxLong)
	c.text("terms", p.Terms, false, maxLong)
	return c.err()
}

// ProposalLine is one line of a proposal. Quantities are in thousandths so that
// 2.5 hours is exact.
type ProposalLine struct {
	Meta
	ProposalID     string `db:"proposal_id,ref=proposal"`
	Position       int64  `db:"position"`
	Section        string `db:"section"`
	ProductID      string `db:"product_id,ref=product"`
	SKU            string `db:"sku"`
	Description    string `db:"description"`
	Note           string `db:"note"`
	QuantityMilli  int64  `db:"quantity_milli"`
	Unit           string `db:"unit"`
	UnitPriceMinor int64  `db:"unit_price_minor"`
	DiscountBP     int64  `db:"discount_bp"`
	TaxRateBP      int64  `db:"tax_rate_bp"`
	Optional       bool   `db:"optional"`
}

// Kind implements Record.
func (*ProposalLine) Kind() Kind { return KindProposalLine }

// Validate implements Record.
func (l *ProposalLine) Validate() error {
	var c checker
	if l.ProposalID == "" {
		c.add("proposal_id", CodeRequired, "is required")
	}
	c.text("section", l.Section, false, maxShort)
	c.text("description", l.Description, true, maxLong)
	c.text("note", l.Note, false, maxLong)
	if l.QuantityMilli <= 0 {
		c.add("quantity_milli", CodeRange, "the quantity must be greater than zero")
	}
	if l.QuantityMilli > 1e12 {
		c.add("quantity_milli", CodeRange, "the quantity is too large")
	}
	if l.UnitPriceMinor < 0 || l.UnitPriceMinor > 1e13 {
		c.add("unit_price_minor", CodeRange, "the unit price must be between 0 and 100 billion")
	}
	c.percentBP("discount_bp", l.DiscountBP)
	c.percentBP("tax_rate_bp", l.TaxRateBP)
	c.text("unit", l.Unit, false, 20)
	return c.err()
}

// Order statuses.
const (
	OrderOpen      = "open"
	OrderShipped   = "shipped"
	OrderDelivered = "delivered"
	OrderInvoiced  = "invoiced"
	OrderCancelled = "cancelled"
)

// Order is a confirmed sale: the source of sales figures.
type Order struct {
	Meta
	Number        string `db:"number,unique"`
	AccountID     string `db:"account_id,ref=account"`
	ContactID     string `db:"contact_id,ref=contact"`
	OwnerID       string `db:"owner_id,ref=team_member"`
	DealID        string `db:"deal_id,ref=deal"`
	ProposalID    string `db:"proposal_id,ref=proposal"`
	OrderDate     Date   `db:"order_date"`
	Currency      string `db:"currency"`
	NetMinor      int64  `db:"net_minor"` // total before tax, kept equal to the sum of its lines
	Status        string `db:"status"`
	PromisedDate  Date   `db:"promised_date"`
	DeliveredDate Date   `db:"delivered_date"`
}

// Kind implements Record.
func (*Order) Kind() Kind { return KindOrder }

// Validate implements Record.
func (o *Order) Validate() error {
	var c checker
	c.text("number", o.Number, true, 64)
	if o.AccountID == "" {
		c.add("account_id", CodeRequired, "a customer account is required")
	}
	if o.OrderDate.IsZero() {
		c.add("order_date", CodeRequired, "is required")
	}
	c.date("order_date", o.OrderDate)
	c.date("promised_date", o.PromisedDate)
	c.date("delivered_date", o.DeliveredDate)
	c.currency("currency", o.Currency)
	c.oneOf("status", o.Status, OrderOpen, OrderShipped, OrderDelivered, OrderInvoiced, OrderCancelled)
	return c.err()
}

// OrderLine is one product line of an order.
type OrderLine struct {
	Meta
	OrderID        string `db:"order_id,ref=order"`
	ProductID      string `db:"product_id,ref=product"`
	Description    string `db:"description"`
	QuantityMilli  int64  `db:"quantity_milli"`
	UnitPriceMinor int64  `db:"unit_price_minor"`
	DiscountBP     int64  `db:"discount_bp"`
	TaxRateBP      int64  `db:"tax_rate_bp"`
	NetMinor       int64  `db:"net_minor"`
}

// Kind implements Record.
func (*OrderLine) Kind() Kind { return KindOrderLine }

// Validate implements Record.
func (l *OrderLine) Validate() error {
	var c checker
	if l.OrderID == "" {
		c.add("order_id", CodeRequired, "is required")
	}
	if l.QuantityMilli <= 0 {
		c.add("quantity_milli", CodeRange, "the quantity must be greater than zero")
	}
	if l.UnitPriceMinor < 0 {
		c.add("unit_price_minor", CodeRange, "must not be negative")
	}
	c.percentBP("discount_bp", l.DiscountBP)
	c.percentBP("tax_rate_bp", l.TaxRateBP)
	c.text("description", l.Description, false, maxLong)
	return c.err()
}

// Appointment is a calendar entry. Start and End are instants (stored in UTC);
// TZ is the IANA zone the appointment was made in, used to show its local time
// and to expand recurrences across DST changes.
type Appointment struct {
	Meta
	UID         string    `db:"uid"` // iCalendar UID
	Title       string    `db:"title"`
	Start       time.Time `db:"start_at"`
	End         time.Time `db:"end_at"`
	TZ          string    `db:"tz"`
	AllDay      bool      `db:"all_day"`
	Location    string    `db:"location"`
	Description string    `db:"description"`
	Attendees   []string  `db:"attendees"` // "contact:<id>", "member:<id>" or "mailto:addr"
	RRule       string    `db:"rrule"`
	ExDates     []string  `db:"exdates"` // RFC 3339 instants of cancelled occurrences
	Calendar    string    `db:"calendar"`
	OwnerID     string    `db:"owner_id,ref=team_member"`
	ContactID   string    `db:"contact_id,ref=contact"`
	AccountID   string    `db:"account_id,ref=account"`
	DealID      string    `db:"deal_id,ref=deal"`
	EventID     string    `db:"event_id,ref=event"`
	Status      string    `db:"status"` // confirmed | tentative | cancelled
	Sequence    int64     `db:"sequence"`

	// Added by 0004_calendar for iCalendar fidelity.
	RDates       []string  `db:"rdates"`        // extra occurrences, RFC 3339 instants like ExDates
	RecurrenceID time.Time `db:"recurrence_id"` // on an override: the original start of the occurrence it replaces (same UID)
	Organizer    string    `db:"organizer"`     // "member:<id>" or "mailto:addr"; "" means the owner
	Alarms       []string  `db:"alarms"`        // reminders, iCalendar durations relative to the start such as "-PT15M"
}

// Kind implements Record.
func (*Appointment) Kind() Kind { return KindAppointment }

// Validate implements Record.
func (a *Appointment) Validate() error {
	var c checker
	c.text("title", a.Title, true, maxShort)
	if a.Start.IsZero() {
		c.add("start_at", CodeRequired, "is required")
	}
	if a.End.Before(a.Start) {
		c.add("end_at", CodeOrder, "must not be before the start")
	}
	if a.TZ != "" {
		if _, err := LoadZone(a.TZ); err != nil { // cached: imports validate thousands
			c.add("tz", CodeInvalid, "%q is not a known time zone", a.TZ)
		}
	}
	c.text("location", a.Location, false, 1000)
	c.text("description", a.Description, false, maxLong)
	c.text("rrule", a.RRule, false, 1000)
	if a.Status != "" { // "" reads as confirmed, as in iCalendar
		c.oneOf("status", a.Status, "confirmed", "tentative", "cancelled")
	}
	return c.err()
}

// Event is a trade show or a sales meeting.
type Event struct {
	Meta
	Name        string `db:"name"`
	Type        string `db:"type"` // trade_show | sales_meeting
	Venue       string `db:"venue"`
	Address     string `db:"address"`
	City        string `db:"city"`
	Country     string `db:"country"`
	StartDate   Date   `db:"start_date"`
	EndDate     Date   `db:"end_date"`
	TZ          string `db:"tz"`
	Booth       string `db:"booth"`
	BoothSize   string `db:"booth_size"`
	BudgetMinor int64  `db:"budget_minor"`
	Currency    string `db:"currency"`
	Status      string `db:"status"` // planned | confirmed | done | cancelled
	Notes       string `db:"notes"`
}

// Kind implements Record.
func (*Event) Kind() Kind { return KindEvent }

// Validate implements Record.
func (e *Event) Validate() error {
	var c checker
	c.text("name", e.Name, true, maxShort)
	c.oneOf("type", e.Type, "trade_show", "sales_meeting")
	c.date("start_date", e.StartDate)
	c.date("end_date", e.EndDate)
	if e.StartDate.IsZero() {
		c.add("start_date", CodeRequired, "is required")
	}
	if !e.EndDate.IsZero() && e.EndDate.Before(e.StartDate) {
		c.add("end_date", CodeOrder, "must not be before the start date")
	}
	if e.TZ != "" {
		if _, err := time.LoadLocation(e.TZ); err != nil {
			c.add("tz", CodeInvalid, "%q is not a known time zone", e.TZ)
		}
	}
	if e.BudgetMinor < 0 {
		c.add("budget_minor", CodeRange, "must not be negative")
	}
	c.currency("currency", e.Currency)
	c.oneOf("status", e.Status, "planned", "confirmed", "done", "cancelled")
	c.text("notes", e.Notes, false, maxLong)
	return c.err()
}

// EventItem is one item of an event's logistics checklist.
type EventItem struct {
	Meta
	EventID          string `db:"event_id,ref=event"`
	Title            string `db:"title"`
	Category         string `db:"category"` // venue, catering, travel, shipping, print, badges …
	OwnerID          string `db:"owner_id,ref=team_member"`
	Due              Date   `db:"due"`
	Status           string `db:"status"` // todo | doing | done
	VendorID         string `db:"vendor_id,ref=vendor"`
	PlannedCostMinor int64  `db:"planned_cost_minor"`
	ActualCostMinor  int64  `db:"actual_cost_minor"`
	Notes            string `db:"notes"`
	Position         int64  `db:"position"`
}

// Kind implements Record.
func (*EventItem) Kind() Kind { return KindEventItem }

// Validate implements Record.
func (i *EventItem) Validate() error {
	var c checker
	if i.EventID == "" {
		c.add("event_id", CodeRequired, "is required")
	}
	c.text("title", i.Title, true, maxShort)
	c.date("due", i.Due)
	c.oneOf("status", i.Status, "todo", "doing", "done")
	if i.PlannedCostMinor < 0 || i.ActualCostMinor < 0 {
		c.add("planned_cost_minor", CodeRange, "costs must not be negative")
	}
	return c.err()
}

// Vendor is a supplier for events: caterer, printer, shipper, hotel …
type Vendor struct {
	Meta
	Name        string `db:"name"`
	Provides    string `db:"provides"`
	ContactName string `db:"contact_name"`
	Email       string `db:"email"`
	Phone       string `db:"phone"`
	Website     string `db:"website"`
	Notes       string `db:"notes"`
}

// Kind implements Record.
func (*Vendor) Kind() Kind { return KindVendor }

// Validate implements Record.
func (v *Vendor) Validate() error {
	var c checker
	c.text("name", v.Name, true, maxShort)
	c.text("provides", v.Provides, false, maxShort)
	c.email("email", v.Email)
	return c.err()
}

// RotaShift says who staffs the booth when.
type RotaShift struct {
	Meta
	EventID  string    `db:"event_id,ref=event"`
	MemberID string    `db:"member_id,ref=team_member"`
	Start    time.Time `db:"start_at"`
	End      time.Time `db:"end_at"`
	Role     string    `db:"role"`
}

// Kind implements Record.
func (*RotaShift) Kind() Kind { return KindRotaShift }

// Validate implements Record.
func (r *RotaShift) Validate() error {
	var c checker
	if r.EventID == "" {
		c.add("event_id", CodeRequired, "is required")
	}
	if r.MemberID == "" {
		c.add("member_id", CodeRequired, "is required")
	}
	if r.Start.IsZero() || !r.End.After(r.Start) {
		c.add("end_at", CodeOrder, "the shift must end after it starts")
	}
	return c.err()
}

// AgendaSlot is a time slot of an event's agenda: a booth meeting or a session.
type AgendaSlot struct {
	Meta
	EventID       string    `db:"event_id,ref=event"`
	Start         time.Time `db:"start_at"`
	End           time.Time `db:"end_at"`
	Title         string    `db:"title"`
	Type          string    `db:"type"` // meeting | session | break
	ContactID     string    `db:"contact_id,ref=contact"`
	MemberID      string    `db:"member_id,ref=team_member"`
	Location      string    `db:"location"`
	AppointmentID string    `db:"appointment_id,ref=appointment"`
}

// Kind implements Record.
func (*AgendaSlot) Kind() Kind { return KindAgendaSlot }

// Validate implements Record.
func (a *AgendaSlot) Validate() error {
	var c checker
	if a.EventID == "" {
		c.add("event_id", CodeRequired, "is required")
	}
	c.text("title", a.Title, true, maxShort)
	c.oneOf("type", a.Type, "meeting", "session", "break")
	if a.Start.IsZero() || !a.End.After(a.Start) {
		c.add("end_at", CodeOrder, "the slot must end after it starts")
	}
	return c.err()
}

// Client issue kinds, departments and statuses.
const (
	IssueOrderDiscrepancy = "order_discrepancy"
	IssueLateDelivery     = "late_delivery"
	IssueQuestion         = "question"
	IssueComplaint        = "complaint"
)

// Departments a client issue can be routed to.
var Departments = []string{"logistics", "finance", "customer_service", "marketing", "sales"}

// IssueStatuses lists client issue statuses in workflow order.
var IssueStatuses = []string{"open", "in_progress", "waiting", "resolved", "closed"}

// ClientIssue is a client request or problem routed to a department.
type ClientIssue struct {
	Meta
	Title       string    `db:"title"`
	Type        string    `db:"type"`
	AccountID   string    `db:"account_id,ref=account"`
	ContactID   string    `db:"contact_id,ref=contact"`
	OrderID     string    `db:"order_id,ref=order"`
	Department  string    `db:"department"`
	Priority    int64     `db:"priority"`
	Status      string    `db:"status"`
	Due         Date      `db:"due"`
	AssigneeID  string    `db:"assignee_id,ref=team_member"`
	Description string    `db:"description"`
	Resolution  string    `db:"resolution"`
	OpenedAt    time.Time `db:"opened_at"`
	ResolvedAt  time.Time `db:"resolved_at"`
}

// Kind implements Record.
func (*ClientIssue) Kind() Kind { return KindClientIssue }

// Validate implements Record.
func (i *ClientIssue) Validate() error {
	var c checker
	c.text("title", i.Title, true, maxShort)
	c.oneOf("type", i.Type, IssueOrderDiscrepancy, IssueLateDelivery, IssueQuestion, IssueComplaint)
	if i.AccountID == "" {
		c.add("account_id", CodeRequired, "a customer account is required")
	}
	c.oneOf("department", i.Department, Departments...)
	if i.Priority < PriorityHigh || i.Priority > PriorityLow {
		c.add("priority", CodeRange, "must be high (1), normal (2) or low (3)")
	}
	c.oneOf("status", i.Status, IssueStatuses...)
	c.date("due", i.Due)
	c.text("description", i.Description, false, maxLong)
	c.text("resolution", i.Resolution, false, maxLong)
	if (i.Status == "resolved" || i.Status == "closed") && strings.TrimSpace(i.Resolution) == "" {
		c.add("resolution", CodeRequired, "say how the issue was resolved")
	}
	return c.err()
}

// TermsTemplate is a reusable block of terms and conditions for proposals.
type TermsTemplate struct {
	Meta
	Name     string `db:"name"`
	Language string `db:"language"`
	Body     string `db:"body"`
}

// Kind implements Record.
func (*TermsTemplate) Kind() Kind { return KindTermsTemplate }

// Validate implements Record.
func (t *TermsTemplate) Validate() error {
	var c checker
	c.text("name", t.Name, true, maxShort)
	c.oneOf("language", t.Language, "fr", "en")
	c.text("body", t.Body, true, maxLong)
	return c.err()
}
