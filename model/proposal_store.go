package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Settings read when a proposal is created, besides SettingCurrency (the
// currency of new records) and SettingLanguage. The Settings screen writes them.
const (
	SettingValidityDays  = "proposal.validity_days"  // whole days, default 30
	SettingProposalLang  = "proposal.language"       // fr | en; default: the UI's language, else fr
	SettingTermsTemplate = "proposal.terms_template" // id of the default TermsTemplate
)

// DefaultValidityDays is how long a proposal stays valid when the setting is absent.
const DefaultValidityDays = 30

// ErrReadOnly means the record may not be changed in its current state, such
// as a proposal that was sent or that has a newer revision.
var ErrReadOnly = errors.New("read-only")

// today is the store clock's calendar date, in the clock's own zone (local
// time for the real clock): the day the coordinator sees on the wall.
func (s *Store) today() Date { return DateOf(s.now()) }

// ProposalSource says what a new proposal is made from: an account, a
// contact (its account is used) or a deal (its account, contact and currency).
type ProposalSource struct {
	AccountID string
	ContactID string
	DealID    string
	Title     string
}

// NewProposal creates a draft proposal, revision 1, numbered collision-free
// for this laptop (Q-<year>-<device>-<n>), dated today, valid for the
// configured number of days, with the default terms in its language. It
// returns ValidationErrors when the source names nothing usable.
func (s *Store) NewProposal(ctx context.Context, src ProposalSource) (*Proposal, error) {
	days, err := s.intSetting(ctx, SettingValidityDays, DefaultValidityDays)
	if err != nil {
		return nil, err
	}
	uiLang, err := s.Setting(ctx, SettingLanguage, "fr")
	if err != nil {
		return nil, err
	}
	lang, err := s.Setting(ctx, SettingProposalLang, uiLang)
	if err != nil {
		return nil, err
	}
	cur, err := s.Setting(ctx, SettingCurrency, "EUR")
	if err != nil {
		return nil, err
	}
	termsID, err := s.Setting(ctx, SettingTermsTemplate, "")
	if err != nil {
		return nil, err
	}
	today := s.today()
	p := &Proposal{Revision: 1, Title: src.Title, AccountID: src.AccountID, ContactID: src.ContactID, DealID: src.DealID,
		IssueDate: today, ValidUntil: today.AddDays(days), PricesAsOf: today, Currency: cur, Status: ProposalDraft}
	err = s.Write(ctx, func(tx *Tx) error {
		if err := fillFromSource(tx, p); err != nil {
			return err
		}
		if p.Language != "fr" && p.Language != "en" { // the contact's language, when Relais writes it
			p.Language = lang
		}
		if p.Language != "fr" && p.Language != "en" {
			p.Language = "fr"
		}
		terms, err := defaultTerms(tx, termsID, p.Language)
		if err != nil {
			return err
		}
		p.Terms = terms
		if p.Number, err = tx.NextNumber("Q", today.Year); err != nil {
			return err
		}
		return tx.Create(p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// fillFromSource completes the account, contact, owner, currency and language
// of p from the deal and contact it was made from.
func fillFromSource(tx *Tx, p *Proposal) error {
	if p.DealID != "" {
		var d Deal
		if err := tx.Get(p.DealID, &d); err != nil {
			return fmt.Errorf("model: new proposal from deal: %w", err)
		}
		if p.AccountID == "" {
			p.AccountID = d.AccountID
		}
		if p.ContactID == "" {
			p.ContactID = d.ContactID
		}
		if p.Title == "" {
			p.Title = d.Title
		}
		if d.Currency != "" {
			p.Currency = d.Currency
		}
		p.OwnerID = d.OwnerID
	}
	if p.ContactID != "" {
		var c Contact
		if err := tx.Get(p.ContactID, &c); err != nil {
			return fmt.Errorf("model: new proposal for contact: %w", err)
		}
		if p.AccountID == "" {
			if c.AccountID == "" {
				return ValidationErrors{{Field: "account_id", Code: CodeRequired, Msg: c.FullName() + " belongs to no account; give the contact an account first"}}
			}
			p.AccountID = c.AccountID
		}
		p.Language = c.Language
	}
	if p.AccountID != "" && p.OwnerID == "" {
		var a Account
		if err := tx.Get(p.AccountID, &a); err != nil {
			return fmt.Errorf("model: new proposal for account: %w", err)
		}
		p.OwnerID = a.OwnerID
	}
	return nil
}

// defaultTerms returns the body of the chosen terms template when it is in
// lang, else of the first template in lang by name, else "".
func defaultTerms(tx *Tx, id, lang string) (string, error) {
	if id != "" {
		var t TermsTemplate
		err := tx.Get(id, &t)
		if err == nil && !t.Deleted() && t.Language == lang {
			return t.Body, nil
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return "", err
		}
	}
	ts, err := List[TermsTemplate](tx.ctx, tx.SQL(), Query{Where: "language = ?", Args: []any{lang}, OrderBy: "name, id", Limit: 1})
	if err != nil || len(ts) == 0 {
		return "", err
	}
	return ts[0].Body, nil
}

func (s *Store) intSetting(ctx context.Context, key string, def int) (int, error) {
	v, err := s.Setting(ctx, key, strconv.Itoa(def))
	if err != nil {
		return def, err
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 0 || n > 3650 {
		return def, fmt.Errorf("model: setting %s is %q; it must be a number of days between 0 and 3650", key, v)
	}
	return n, nil
}

// proposalLines returns the live lines of proposal id in display order.
func proposalLines(ctx context.Context, db Querier, id string) ([]*ProposalLine, error) {
	lines, err := List[ProposalLine](ctx, db, Query{Where: "proposal_id = ?", Args: []any{id}})
	if err != nil {
		return nil, err
	}
	SortLines(lines)
	return lines, nil
}

// Proposal reads one proposal and its live lines in display order. It returns
// ErrNotFound for an unknown id.
func (s *Store) Proposal(ctx context.Context, id string) (*Proposal, []*ProposalLine, error) {
	var p Proposal
	if err := s.Get(ctx, id, &p); err != nil {
		return nil, nil, err
	}
	lines, err := proposalLines(ctx, s.r, id)
	if err != nil {
		return nil, nil, err
	}
	return &p, lines, nil
}

// ProposalByNumber finds a proposal by its number: the given revision, or the
// latest when rev is 0. A printed number with its "-R2" suffix is accepted
// too. It returns ErrNotFound when there is none.
func (s *Store) ProposalByNumber(ctx context.Context, number string, rev int64) (*Proposal, error) {
	number = strings.TrimSpace(number)
	if i := strings.LastIndex(number, "-R"); rev == 0 && i > 0 {
		if n, err := strconv.ParseInt(number[i+2:], 10, 64); err == nil {
			number, rev = number[:i], n
		}
	}
	q := Query{Where: "number = ?", Args: []any{number}, OrderBy: "revision DESC", Limit: 1}
	if rev > 0 {
		q.Where += " AND revision = ?"
		q.Args = append(q.Args, rev)
	}
	ps, err := List[Proposal](ctx, s.r, q)
	if err != nil {
		return nil, err
	}
	if len(ps) == 0 {
		return nil, fmt.Errorf("model: proposal %s: %w", number, ErrNotFound)
	}
	return ps[0], nil
}

// Revisions returns every live revision of the proposal id belongs to, oldest first.
func (s *Store) Revisions(ctx context.Context, id string) ([]*Proposal, error) {
	var p Proposal
	if err := s.Get(ctx, id, &p); err != nil {
		return nil, err
	}
	return List[Proposal](ctx, s.r, Query{Where: "id = ? OR root_id = ?", Args: []any{p.Root(), p.Root()}, OrderBy: "revision"})
}

func latestRevision(ctx context.Context, db Querier, p *Proposal) (int64, error) {
	var n sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT MAX(revision) FROM proposals WHERE (id = ? OR root_id = ?) AND deleted_at IS NULL`, p.Root(), p.Root()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("model: revisions of %s: %w", p.Number, err)
	}
	return n.Int64, nil
}

// ProposalLocked says why p cannot be edited, or "" when it can: only the
// latest revision of a draft is editable; anything sent stays as it was sent.
func (s *Store) ProposalLocked(ctx context.Context, p *Proposal) (string, error) {
	return proposalLocked(ctx, s.r, p)
}

func proposalLocked(ctx context.Context, db Querier, p *Proposal) (string, error) {
	if p.Deleted() {
		return "it is in the trash", nil
	}
	latest, err := latestRevision(ctx, db, p)
	if err != nil {
		return "", err
	}
	if p.Revision < latest {
		return fmt.Sprintf("revision %d replaces it", latest), nil
	}
	if p.Status != ProposalDraft {
		return "it is " + p.Status + "; make a new revision to change it", nil
	}
	return "", nil
}

// ProposalEdit is one change to an editable proposal, made in one
// transaction by EditProposal. P and Lines are the proposal and its live
// lines in display order; changes to P are saved when the edit returns.
type ProposalEdit struct {
	Tx    *Tx
	P     *Proposal
	Lines []*ProposalLine
	today Date
}

// EditProposal runs fn on the proposal id in one transaction, then saves the
// changes fn made to e.P. It fails with ErrReadOnly, saying why, when the
// proposal is not an editable draft, and with fn's error (nothing saved)
// when fn fails.
func (s *Store) EditProposal(ctx context.Context, id string, fn func(e *ProposalEdit) error) error {
	return s.Write(ctx, func(tx *Tx) error {
		var p Proposal
		if err := tx.Get(id, &p); err != nil {
			return err
		}
		why, err := proposalLocked(ctx, tx.SQL(), &p)
		if err != nil {
			return err
		}
		if why != "" {
			return fmt.Errorf("model: proposal %s cannot be changed: %s: %w", p.DisplayNumber(), why, ErrReadOnly)
		}
		lines, err := proposalLines(ctx, tx.SQL(), id)
		if err != nil {
			return err
		}
		orig := p
		e := &ProposalEdit{Tx: tx, P: &p, Lines: lines, today: s.today()}
		if err := fn(e); err != nil {
			return err
		}
		// Identity and status are not the editor's to change (see NewRevision, SetProposalStatus).
		e.P.Meta, e.P.Number, e.P.Revision, e.P.RootID, e.P.Status = orig.Meta, orig.Number, orig.Revision, orig.RootID, orig.Status
		return tx.Update(e.P)
	})
}

func (e *ProposalEdit) nextPosition() int64 {
	var max int64
	for _, l := range e.Lines {
		if l.Position > max {
			max = l.Position
		}
	}
	return max + 10 // gaps leave room to insert without renumbering
}

// AddLine adds a free line (or a prepared product line) at the end.
func (e *ProposalEdit) AddLine(l *ProposalLine) error {
	l.ID = ""
	l.ProposalID = e.P.ID
	if l.Position == 0 {
		l.Position = e.nextPosition()
	}
	if err := e.Tx.Create(l); err != nil {
		return err
	}
	e.Lines = append(e.Lines, l)
	SortLines(e.Lines)
	return nil
}

// AddProduct adds a line for the product at its catalogue price of the
// proposal's prices-as-of date. The product must be priced in the proposal's
// currency; a discontinued product is refused.
func (e *ProposalEdit) AddProduct(productID, section string, quantityMilli int64) (*ProposalLine, error) {
	var pr Product
	if err := e.Tx.Get(productID, &pr); err != nil {
		return nil, err
	}
	if pr.Deleted() || pr.Availability == Discontinued {
		return nil, ValidationErrors{{Field: "product_id", Code: CodeInvalid, Msg: fmt.Sprintf("%s (%s) is no longer sold", pr.Name, pr.SKU)}}
	}
	if pr.Currency != e.P.Currency {
		return nil, ValidationErrors{{Field: "product_id", Code: CodeInvalid, Msg: fmt.Sprintf("%s is priced in %s but this proposal is in %s", pr.Name, pr.Currency, e.P.Currency)}}
	}
	hist, err := priceHistory(e.Tx.ctx, e.Tx.SQL(), productID)
	if err != nil {
		return nil, err
	}
	asOf := e.P.PricesAsOf
	if asOf.IsZero() {
		asOf = e.today
	}
	l := &ProposalLine{Section: section, ProductID: pr.ID, SKU: pr.SKU, Description: pr.Name, QuantityMilli: quantityMilli,
		Unit: pr.Unit, UnitPriceMinor: CatalogPrice(&pr, hist, asOf), TaxRateBP: pr.TaxRateBP}
	if err := e.AddLine(l); err != nil {
		return nil, err
	}
	return l, nil
}

func (e *ProposalEdit) line(id string) (int, error) {
	for i, l := range e.Lines {
		if l.ID == id {
			return i, nil
		}
	}
	return -1, fmt.Errorf("model: proposal %s has no line %s: %w", e.P.DisplayNumber(), id, ErrNotFound)
}

// SaveLine saves the changes made to one of e.Lines.
func (e *ProposalEdit) SaveLine(l *ProposalLine) error {
	i, err := e.line(l.ID)
	if err != nil {
		return err
	}
	l.ProposalID = e.P.ID
	if err := e.Tx.Update(l); err != nil {
		return err
	}
	e.Lines[i] = l
	SortLines(e.Lines)
	return nil
}

// RemoveLine moves a line to the trash.
func (e *ProposalEdit) RemoveLine(id string) error {
	i, err := e.line(id)
	if err != nil {
		return err
	}
	if err := e.Tx.Delete(KindProposalLine, id); err != nil {
		return err
	}
	e.Lines = append(e.Lines[:i], e.Lines[i+1:]...)
	return nil
}

// MoveLine swaps the line with its neighbour above (delta < 0) or below.
func (e *ProposalEdit) MoveLine(id string, delta int) error {
	i, err := e.line(id)
	if err != nil {
		return err
	}
	j := i + 1
	if delta < 0 {
		j = i - 1
	}
	if j < 0 || j >= len(e.Lines) {
		return nil
	}
	a, b := e.Lines[i], e.Lines[j]
	a.Position, b.Position = b.Position, a.Position
	if a.Position == b.Position { // equal positions: make the order explicit
		if delta < 0 {
			a.Position--
		} else {
			a.Position++
		}
	}
	if err := e.Tx.Update(a); err != nil {
		return err
	}
	if err := e.Tx.Update(b); err != nil {
		return err
	}
	SortLines(e.Lines)
	return nil
}

// UpdatePrices sets every line whose catalogue price changed since the
// proposal's prices-as-of date to today's catalogue price, and records today
// as the new prices-as-of date. It returns the changes it applied.
func (e *ProposalEdit) UpdatePrices() ([]PriceChange, error) {
	changes, err := priceChanges(e.Tx.ctx, e.Tx.SQL(), e.P, e.Lines, e.today)
	if err != nil {
		return nil, err
	}
	var applied []PriceChange
	for _, c := range changes {
		if !c.PriceChanged() {
			continue
		}
		i, err := e.line(c.LineID)
		if err != nil {
			return nil, err
		}
		l := *e.Lines[i]
		l.UnitPriceMinor = c.NowMinor
		if err := e.SaveLine(&l); err != nil {
			return nil, err
		}
		applied = append(applied, c)
	}
	e.P.PricesAsOf = e.today
	return applied, nil
}

// NewRevision copies the latest revision of the proposal id into a new draft
// revision (same number, revision + 1, issued today, with the configured
// validity) with copies of its lines, and returns it. Earlier revisions are
// kept unchanged and become read-only. It fails with ErrReadOnly when id is
// not the latest revision.
func (s *Store) NewRevision(ctx context.Context, id string) (*Proposal, error) {
	days, err := s.intSetting(ctx, SettingValidityDays, DefaultValidityDays)
	if err != nil {
		return nil, err
	}
	var np Proposal
	err = s.Write(ctx, func(tx *Tx) error {
		var p Proposal
		if err := tx.Get(id, &p); err != nil {
			return err
		}
		if p.Deleted() {
			return fmt.Errorf("model: proposal %s is in the trash: %w", p.DisplayNumber(), ErrReadOnly)
		}
		latest, err := latestRevision(ctx, tx.SQL(), &p)
		if err != nil {
			return err
		}
		if p.Revision < latest {
			return fmt.Errorf("model: proposal %s has a newer revision %d; revise that one: %w", p.DisplayNumber(), latest, ErrReadOnly)
		}
		lines, err := proposalLines(ctx, tx.SQL(), id)
		if err != nil {
			return err
		}
		today := s.today()
		np = p
		np.Meta = Meta{}
		np.Revision = latest + 1
		np.RootID = p.Root()
		np.Status = ProposalDraft
		np.IssueDate = today
		np.ValidUntil = today.AddDays(days)
		if err := tx.Create(&np); err != nil {
			return err
		}
		for _, l := range lines {
			nl := *l
			nl.Meta = Meta{}
			nl.ProposalID = np.ID
			if err := tx.Create(&nl); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &np, nil
}

// proposalTransitions lists the statuses each status may move to by hand.
// A draft may be accepted or declined directly: on site the customer signs
// the printed draft. Expiry is automatic (ExpireProposals) but may be set by hand.
var proposalTransitions = map[string][]string{
	ProposalDraft: {ProposalSent, ProposalAccepted, ProposalDeclined},
	ProposalSent:  {ProposalAccepted, ProposalDeclined, ProposalExpired, ProposalDraft},
}

// SetProposalStatus moves the proposal id to status. Allowed moves: draft →
// sent, accepted or declined; sent → accepted, declined, expired, or back to
// draft (the customer asked for a change before answering). Accepted,
// declined and expired are final: make a new revision instead. It returns a
// ValidationErrors for any other move.
func (s *Store) SetProposalStatus(ctx context.Context, id, status string) error {
	return s.Write(ctx, func(tx *Tx) error {
		var p Proposal
		if err := tx.Get(id, &p); err != nil {
			return err
		}
		if p.Status == status {
			return nil
		}
		for _, to := range proposalTransitions[p.Status] {
			if to == status {
				if status == ProposalDraft {
					if latest, err := latestRevision(ctx, tx.SQL(), &p); err != nil {
						return err
					} else if p.Revision < latest {
						break
					}
				}
				p.Status = status
				return tx.Update(&p)
			}
		}
		return ValidationErrors{{Field: "status", Code: CodeInvalid, Msg: fmt.Sprintf("proposal %s is %s and cannot become %s", p.DisplayNumber(), p.Status, status)}}
	})
}

// ExpireProposals marks expired every sent proposal whose validity date is
// before today, in one transaction, and returns how many it changed. Drafts
// do not expire (they were never offered; the editor warns instead).
// Running it on several laptops is harmless: they all make the same change.
func (s *Store) ExpireProposals(ctx context.Context, today Date) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *Tx) error {
		ps, err := List[Proposal](ctx, tx.SQL(), Query{Where: "status = ? AND valid_until IS NOT NULL AND valid_until < ?", Args: []any{ProposalSent, today.String()}})
		if err != nil {
			return err
		}
		for _, p := range ps {
			p.Status = ProposalExpired
			if err := tx.Update(p); err != nil {
				return fmt.Errorf("model: expire proposal %s: %w", p.DisplayNumber(), err)
			}
		}
		n = len(ps)
		return nil
	})
	return n, err
}

// openLatestSQL selects open proposals that are their own latest revision.
const openLatestSQL = `p.deleted_at IS NULL AND p.status IN ('draft', 'sent')
	AND NOT EXISTS (SELECT 1 FROM proposals n WHERE n.deleted_at IS NULL AND n.number = p.number AND n.revision > p.revision)`

// ProposalsUsingProduct returns the open proposals (draft or sent, latest
// revision) that have a line for the product, by number.
func (s *Store) ProposalsUsingProduct(ctx context.Context, productID string) ([]*Proposal, error) {
	return List[Proposal](ctx, s.r, Query{Where: `id IN (SELECT p.id FROM proposals p WHERE ` + openLatestSQL + `
		AND EXISTS (SELECT 1 FROM proposal_lines l WHERE l.proposal_id = p.id AND l.deleted_at IS NULL AND l.product_id = ?))`,
		Args: []any{productID}, OrderBy: "number"})
}

// ProposalSummary is one row of the proposals list.
type ProposalSummary struct {
	Proposal    *Proposal
	AccountName string
	Totals      Totals
	Latest      bool // no newer revision exists
	// Changes lists the lines whose catalogue price or availability moved
	// since the proposal's prices-as-of date (open latest revisions only).
	Changes []PriceChange
}

// ProposalListQuery narrows q to the latest revision of each proposal unless
// all is set, and orders it newest first unless q has an order: the query of
// the proposals list, for Count and ProposalSummaries alike.
func ProposalListQuery(all bool, q Query) Query {
	latestOnly := `NOT EXISTS (SELECT 1 FROM proposals n WHERE n.deleted_at IS NULL AND n.number = proposals.number AND n.revision > proposals.revision)`
	if !all {
		if q.Where != "" {
			q.Where = "(" + q.Where + ") AND "
		}
		q.Where += latestOnly
	}
	if q.OrderBy == "" {
		q.OrderBy = "issue_date DESC, number DESC, revision DESC"
	}
	return q
}

// ProposalSummaries returns proposals with their customer and totals, newest
// first, latest revisions only unless all is set. Where, Args, Limit and
// Offset filter and page as in Query (columns of proposals).
func (s *Store) ProposalSummaries(ctx context.Context, all bool, q Query) ([]ProposalSummary, error) {
	q = ProposalListQuery(all, q)
	ps, err := List[Proposal](ctx, s.r, q)
	if err != nil {
		return nil, err
	}
	out := make([]ProposalSummary, 0, len(ps))
	for _, p := range ps {
		lines, err := proposalLines(ctx, s.r, p.ID)
		if err != nil {
			return nil, err
		}
		t, err := ProposalTotals(p, lines)
		if err != nil {
			return nil, fmt.Errorf("model: proposal %s: %w", p.DisplayNumber(), err)
		}
		var a Account
		if p.AccountID != "" {
			if err := s.Get(ctx, p.AccountID, &a); err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
		}
		latest, err := latestRevision(ctx, s.r, p)
		if err != nil {
			return nil, err
		}
		sum := ProposalSummary{Proposal: p, AccountName: a.Name, Totals: t, Latest: p.Revision >= latest}
		if sum.Latest && p.Open() {
			if sum.Changes, err = priceChanges(ctx, s.r, p, lines, s.today()); err != nil {
				return nil, err
			}
		}
		out = append(out, sum)
	}
	return out, nil
}

// daysUntil is used by the editor's validity warning.
func daysUntil(from, to Date) int {
	return int(to.Time(time.UTC).Sub(from.Time(time.UTC)).Hours() / 24)
}

// ValidityLeft returns how many days p stays valid after today (negative once
// past its validity date), and false when p has no validity date.
func (s *Store) ValidityLeft(p *Proposal) (int, bool) {
	if p.ValidUntil.IsZero() {
		return 0, false
	}
	return daysUntil(s.today(), p.ValidUntil), true
}
