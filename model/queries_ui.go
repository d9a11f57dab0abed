package model

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Read queries behind the desktop screens: lists that page through 100 000
// rows with filters, the Today view, pipeline totals, team figures and the
// trash. They only read, through Store.DB().

// Setting keys shared between the UI (which edits them) and the PDF and
// report code (which reads them). They are local to a laptop, not synced.
const (
	SettingLanguage       = "ui.language"    // "fr" | "en"; "" follows the system
	SettingDateFormat     = "ui.date_format" // "" (language) | "iso" | "dmy" | "mdy"
	SettingCurrency       = "ui.currency"    // default currency of new records
	SettingFollowUpDays   = "ui.followup_days"
	SettingMe             = "ui.me" // the team member id of this laptop's user
	SettingCompanyName    = "company.name"
	SettingCompanyAddress = "company.address" // several lines
	SettingCompanyLegal   = "company.legal"   // legal mentions printed in PDF footers
	SettingCompanyLogo    = "company.logo"    // path of a PNG or JPEG file
)

// ListFilter narrows a contact or account list. Empty fields do not filter.
type ListFilter struct {
	Tag     string
	Segment string // the account's segment (for contacts: their account's)
	OwnerID string
	Source  string // contacts only
	Region  string // accounts only
	Sort    string // "name" (default) or "recent"
}

// ContactRow is one line of the contact list: just what the list shows.
type ContactRow struct {
	ID      string
	Name    string
	Title   string
	Account string
	Email   string
}

func contactWhere(f ListFilter) (string, []any) {
	conds := []string{"c.deleted_at IS NULL"}
	var args []any
	if f.Tag != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM json_each(c.tags) WHERE json_each.value = ?)")
		args = append(args, f.Tag)
	}
	if f.Segment != "" {
		conds = append(conds, "c.account_id IN (SELECT id FROM accounts WHERE segment = ? AND deleted_at IS NULL)")
		args = append(args, f.Segment)
	}
	if f.OwnerID != "" {
		conds = append(conds, "c.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.Source != "" {
		conds = append(conds, "c.source = ?")
		args = append(args, f.Source)
	}
	return strings.Join(conds, " AND "), args
}

// CountContacts returns how many live contacts match f.
func CountContacts(ctx context.Context, db Querier, f ListFilter) (int, error) {
	where, args := contactWhere(f)
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM contacts c WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("model: count contacts: %w", err)
	}
	return n, nil
}

// ContactRows returns rows [offset, offset+limit) of the live contacts
// matching f in f.Sort order. The order always ends with the id so that
// pages neither repeat nor skip rows with equal names.
func ContactRows(ctx context.Context, db Querier, f ListFilter, offset, limit int) ([]ContactRow, error) {
	where, args := contactWhere(f)
	// Both orders match an index of migration 0006, so that OFFSET walks the
	// index only. (Sorting by account name cannot be indexed across the two
	// tables and took 1.6 s per page at 100 000 contacts: the Accounts screen
	// lists contacts by account instead.)
	order := "c.last_name, c.first_name, c.id"
	if f.Sort == "recent" {
		order = "c.updated_at DESC, c.id DESC"
	}
	// Page over the ids first, then read the few rows shown: the OFFSET walk
	// then skips rows without joining their account or decoding their e-mails.
	q := `SELECT c.id, c.first_name, c.last_name, c.title, COALESCE(a.name, ''), COALESCE(json_extract(c.emails, '$[0]'), '')
		FROM (SELECT c.id FROM contacts c WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?) p
		JOIN contacts c ON c.id = p.id LEFT JOIN accounts a ON a.id = c.account_id
		ORDER BY ` + order
	rows, err := db.QueryContext(ctx, q, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("model: list contacts: %w", err)
	}
	defer rows.Close()
	var out []ContactRow
	for rows.Next() {
		var r ContactRow
		var first, last string
		if err := rows.Scan(&r.ID, &first, &last, &r.Title, &r.Account, &r.Email); err != nil {
			return nil, fmt.Errorf("model: list contacts: %w", err)
		}
		r.Name = strings.TrimSpace(first + " " + last)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("model: list contacts: %w", err)
	}
	return out, nil
}

// AccountRow is one line of the account list.
type AccountRow struct {
	ID       string
	Name     string
	City     string
	Segment  string
	Contacts int
}

func accountWhere(f ListFilter) (string, []any) {
	conds := []string{"a.deleted_at IS NULL"}
	var args []any
	if f.Tag != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM json_each(a.tags) WHERE json_each.value = ?)")
		args = append(args, f.Tag)
	}
	if f.Segment != "" {
		conds = append(conds, "a.segment = ?")
		args = append(args, f.Segment)
	}
	if f.OwnerID != "" {
		conds = append(conds, "a.owner_id = ?")
		args = append(args, f.OwnerID)
	}
	if f.Region != "" {
		conds = append(conds, "a.region = ?")
		args = append(args, f.Region)
	}
	return strings.Join(conds, " AND "), args
}

// CountAccounts returns how many live accounts match f.
func CountAccounts(ctx context.Context, db Querier, f ListFilter) (int, error) {
	where, args := accountWhere(f)
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM accounts a WHERE `+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("model: count accounts: %w", err)
	}
	return n, nil
}

// AccountRows returns rows [offset, offset+limit) of the live accounts matching f.
func AccountRows(ctx context.Context, db Querier, f ListFilter, offset, limit int) ([]AccountRow, error) {
	where, args := accountWhere(f)
	order := "a.name, a.id"
	if f.Sort == "recent" {
		order = "a.updated_at DESC, a.id DESC"
	}
	q := `SELECT a.id, a.name, a.city, a.segment,
		(SELECT COUNT(*) FROM contacts c WHERE c.account_id = a.id AND c.deleted_at IS NULL)
		FROM accounts a WHERE ` + where + ` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	rows, err := db.QueryContext(ctx, q, append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("model: list accounts: %w", err)
	}
	defer rows.Close()
	var out []AccountRow
	for rows.Next() {
		var r AccountRow
		if err := rows.Scan(&r.ID, &r.Name, &r.City, &r.Segment, &r.Contacts); err != nil {
			return nil, fmt.Errorf("model: list accounts: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("model: list accounts: %w", err)
	}
	return out, nil
}

// FilterValues returns the distinct non-empty values of one field of the
// live records of kind k, sorted, at most limit of them: the choices of a
// list filter. A list field such as tags yields its elements.
func FilterValues(ctx context.Context, db Querier, k Kind, field string, limit int) ([]string, error) {
	ki, err := info(k)
	if err != nil {
		return nil, err
	}
	i, ok := ki.byName[field]
	if !ok {
		return nil, fmt.Errorf("model: %s has no field %q", k, field)
	}
	q := `SELECT DISTINCT ` + field + ` FROM ` + ki.table + ` WHERE deleted_at IS NULL AND ` + field + ` <> '' ORDER BY 1 LIMIT ?`
	if ki.cols[i].typ == colStrings {
		q = `SELECT DISTINCT j.value FROM ` + ki.table + `, json_each(` + ki.table + `.` + field + `) j
			WHERE ` + ki.table + `.deleted_at IS NULL AND ` + ki.table + `.` + field + ` IS NOT NULL ORDER BY 1 LIMIT ?`
	}
	rows, err := db.QueryContext(ctx, q, limit)
	if err != nil {
		return nil, fmt.Errorf("model: values of %s.%s: %w", k, field, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v sql.NullString
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("model: values of %s.%s: %w", k, field, err)
		}
		if v.Valid && v.String != "" {
			out = append(out, v.String)
		}
	}
	return out, rows.Err()
}

// FollowUp is an open deal nobody has touched for a while.
type FollowUp struct {
	DealID       string
	Title        string
	Account      string
	LastActivity time.Time // the latest activity on the deal or its contact; its creation if none
}

// FollowUpsDue returns open deals whose latest activity (on the deal itself
// or with its contact) is older than before, the longest-neglected first.
func FollowUpsDue(ctx context.Context, db Querier, before time.Time, limit int) ([]FollowUp, error) {
	// Two MAX subqueries rather than one with OR: each is a single seek in
	// an (id, at) index of migration 0006.
	rows, err := db.QueryContext(ctx, `
		SELECT d.id, d.title, COALESCE(a.name, ''), COALESCE(NULLIF(MAX(
			COALESCE((SELECT MAX(x.at) FROM activities x WHERE x.deal_id = d.id AND x.deleted_at IS NULL), ''),
			COALESCE((SELECT MAX(x.at) FROM activities x WHERE x.contact_id = d.contact_id AND x.deleted_at IS NULL), '')), ''),
			d.created_at) AS last
		FROM deals d LEFT JOIN accounts a ON a.id = d.account_id
		WHERE d.status = 'open' AND d.deleted_at IS NULL AND last < ?
		ORDER BY last LIMIT ?`, FormatTime(before), limit)
	if err != nil {
		return nil, fmt.Errorf("model: follow-ups due: %w", err)
	}
	defer rows.Close()
	var out []FollowUp
	for rows.Next() {
		var f FollowUp
		var last string
		if err := rows.Scan(&f.DealID, &f.Title, &f.Account, &last); err != nil {
			return nil, fmt.Errorf("model: follow-ups due: %w", err)
		}
		f.LastActivity, _ = time.Parse(time.RFC3339Nano, last)
		out = append(out, f)
	}
	return out, rows.Err()
}

// StageTotal is the open deals of one stage in one currency.
type StageTotal struct {
	StageID  string
	Currency string
	Count    int
	Amount   int64 // minor units
	Weighted int64 // Σ amount × probability / 100, minor units
}

// PipelineTotals returns, per stage and currency, the count, total and
// probability-weighted total of the open deals.
func PipelineTotals(ctx context.Context, db Querier) ([]StageTotal, error) {
	rows, err := db.QueryContext(ctx, `SELECT COALESCE(stage_id, ''), currency, COUNT(*), SUM(amount_minor), SUM(amount_minor * probability) / 100
		FROM deals WHERE status = 'open' AND deleted_at IS NULL GROUP BY stage_id, currency ORDER BY stage_id, COUNT(*) DESC`)
	if err != nil {
		return nil, fmt.Errorf("model: pipeline totals: %w", err)
	}
	defer rows.Close()
	var out []StageTotal
	for rows.Next() {
		var t StageTotal
		if err := rows.Scan(&t.StageID, &t.Currency, &t.Count, &t.Amount, &t.Weighted); err != nil {
			return nil, fmt.Errorf("model: pipeline totals: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// MemberStats is what the Team screen shows about one member.
type MemberStats struct {
	MemberID      string
	OpenDeals     int
	OpenAmount    map[string]int64 // by currency
	OpenTasks     int
	OverdueTasks  int
	WonThisPeriod map[string]int64 // won deals closed on or after since, by currency
}

// TeamStats returns each team member's open deals, open and overdue tasks,
// and deals won since the given date, keyed by member id.
func TeamStats(ctx context.Context, db Querier, now time.Time, since Date) (map[string]*MemberStats, error) {
	out := map[string]*MemberStats{}
	get := func(id string) *MemberStats {
		m, ok := out[id]
		if !ok {
			m = &MemberStats{MemberID: id, OpenAmount: map[string]int64{}, WonThisPeriod: map[string]int64{}}
			out[id] = m
		}
		return m
	}
	rows, err := db.QueryContext(ctx, `SELECT owner_id, status, currency, COUNT(*), SUM(amount_minor) FROM deals
		WHERE deleted_at IS NULL AND owner_id IS NOT NULL AND (status = 'open' OR (status = 'won' AND closed_on >= ?))
		GROUP BY owner_id, status, currency`, since.String())
	if err != nil {
		return nil, fmt.Errorf("model: team stats: %w", err)
	}
	for rows.Next() {
		var id, status, cur string
		var n int
		var sum int64
		if err := rows.Scan(&id, &status, &cur, &n, &sum); err != nil {
			rows.Close()
			return nil, fmt.Errorf("model: team stats: %w", err)
		}
		m := get(id)
		if status == OutcomeOpen {
			m.OpenDeals += n
			m.OpenAmount[cur] += sum
		} else {
			m.WonThisPeriod[cur] += sum
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("model: team stats: %w", err)
	}
	rows, err = db.QueryContext(ctx, `SELECT assignee_id, COUNT(*), SUM(due IS NOT NULL AND due < ?) FROM tasks
		WHERE deleted_at IS NULL AND status = 'open' AND assignee_id IS NOT NULL GROUP BY assignee_id`, FormatTime(now))
	if err != nil {
		return nil, fmt.Errorf("model: team stats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n, overdue int
		if err := rows.Scan(&id, &n, &overdue); err != nil {
			return nil, fmt.Errorf("model: team stats: %w", err)
		}
		m := get(id)
		m.OpenTasks, m.OverdueTasks = n, overdue
	}
	return out, rows.Err()
}

// TrashItem is one record in the trash.
type TrashItem struct {
	Kind      Kind
	ID        string
	Label     string
	DeletedAt time.Time
}

// Trash returns the most recently deleted records of the kinds a user
// deletes by hand (contacts, accounts, deals, tasks, client issues …),
// newest first, at most limit of them.
func Trash(ctx context.Context, db Querier, limit int) ([]TrashItem, error) {
	var out []TrashItem
	for _, k := range kindOrder {
		ki := kindByName[k]
		if ki.search == nil {
			continue
		}
		rows, err := db.QueryContext(ctx, `SELECT `+ki.colList+` FROM `+ki.table+
			` WHERE deleted_at IS NOT NULL ORDER BY deleted_at DESC LIMIT ?`, limit)
		if err != nil {
			return nil, fmt.Errorf("model: trash: %w", err)
		}
		raw := make([]any, len(ki.cols))
		ptrs := make([]any, len(ki.cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, fmt.Errorf("model: trash: %w", err)
			}
			r := ki.newRec()
			if err := decodeRow(ki, r, raw); err != nil {
				rows.Close()
				return nil, err
			}
			label, _, _ := ki.search(r)
			out = append(out, TrashItem{Kind: k, ID: r.Base().ID, Label: label, DeletedAt: r.Base().DeletedAt})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("model: trash: %w", err)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DeletedAt.After(out[j].DeletedAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// IsEmpty reports whether the database holds no business data yet (no team
// member, account, contact or deal, live or deleted): a first launch.
func IsEmpty(ctx context.Context, db Querier) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM (SELECT 1 FROM team_members LIMIT 1)) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM accounts LIMIT 1)) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM contacts LIMIT 1)) +
		(SELECT COUNT(*) FROM (SELECT 1 FROM deals LIMIT 1))`).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("model: is the database empty: %w", err)
	}
	return n == 0, nil
}

// Label returns the short label search shows for the live record id (a
// contact's name and title, an account's name and city …), "" when the
// record is unknown, deleted or of a kind search does not index.
func Label(ctx context.Context, db Querier, id string) (string, error) {
	var label string
	err := db.QueryRowContext(ctx, `SELECT label FROM search_docs WHERE ref_id = ?`, id).Scan(&label)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("model: label of %s: %w", id, err)
	}
	return label, nil
}

// ContactQuery is f as a Query over contacts (for List, Count and the list
// exports), in the order the contact list shows them.
func ContactQuery(f ListFilter) Query {
	where, args := contactWhere(f)
	order := "last_name, first_name"
	if f.Sort == "recent" {
		order = "updated_at DESC"
	}
	return Query{Where: "id IN (SELECT c.id FROM contacts c WHERE " + where + ")", Args: args, OrderBy: order}
}

// AccountQuery is f as a Query over accounts, in the account list's order.
func AccountQuery(f ListFilter) Query {
	where, args := accountWhere(f)
	order := "name"
	if f.Sort == "recent" {
		order = "updated_at DESC"
	}
	return Query{Where: "id IN (SELECT a.id FROM accounts a WHERE " + where + ")", Args: args, OrderBy: order}
}
