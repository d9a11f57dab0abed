package report

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"relais/model"
)

// Figures whose records can be listed with Behind: what a click on a key
// figure of the dashboard opens.
const (
	FigSales         = "sales"          // the month's orders (also behind the order count and average)
	FigRep           = "rep"            // one rep's orders of the month; key: member id ("" for no owner)
	FigProduct       = "product"        // the month's orders with a line of one product; key: product id
	FigNewCustomers  = "new_customers"  // the accounts whose first order is in the month
	FigPipeline      = "pipeline"       // open deals, largest weighted amount first; key: a stage id, or ""
	FigWon           = "won"            // deals won in the month
	FigLost          = "lost"           // deals lost in the month
	FigIssuesOpened  = "issues_opened"  // client issues opened in the month
	FigIssuesClosed  = "issues_closed"  // client issues closed in the month
	FigIssuesOverdue = "issues_overdue" // client issues overdue at the month's end (or now)
)

// Item is one record behind a figure, ready to list and to open.
type Item struct {
	Kind     model.Kind
	ID       string
	Label    string // e.g. the order number, the deal title
	Detail   string // e.g. the customer
	Date     model.Date
	Amount   int64 // minor units of Currency; 0 for records without one
	Currency string
	// AccountID is the customer the record belongs to, for screens that
	// open the customer when they cannot open the record itself (an order).
	AccountID string
}

// Behind lists the records a figure of month m is made of, at most limit of
// them (largest first), and how many there are in all. opts.Currency should
// be the report's currency; "" reads the ui.currency setting.
func Behind(ctx context.Context, s *model.Store, m Month, fig, key string, opts Options, limit int) ([]Item, int, error) {
	o := opts.resolve(s)
	if o.Currency == "" {
		cur, err := defaultCurrency(ctx, s)
		if err != nil {
			return nil, 0, err
		}
		o.Currency = cur
	}
	if limit <= 0 {
		limit = 100
	}
	rg := m.dates()
	var from, where, order, sel string
	var args []any
	var kind model.Kind
	switch fig {
	case FigSales, FigRep, FigProduct:
		kind = model.KindOrder
		sel = `o.id, o.number, COALESCE(a.name, ''), o.order_date, o.net_minor, o.currency, COALESCE(o.account_id, '')`
		from = `orders o LEFT JOIN accounts a ON a.id = o.account_id`
		where = `o.order_date BETWEEN ? AND ? AND ` + liveOrder + ` AND o.currency = ?`
		args = []any{rg.from, rg.to, o.Currency}
		switch fig {
		case FigRep:
			where += ` AND COALESCE(o.owner_id, '') = ?`
			args = append(args, key)
		case FigProduct:
			where += ` AND o.id IN (SELECT order_id FROM order_lines WHERE deleted_at IS NULL AND COALESCE(product_id, '') = ?)`
			args = append(args, key)
		}
		order = `o.net_minor DESC, o.number`
	case FigNewCustomers:
		kind = model.KindAccount
		sel = `a.id, a.name, COALESCE(a.city, ''), MIN(o.order_date), SUM(CASE WHEN o.currency = ? THEN o.net_minor ELSE 0 END), ?, a.id`
		from = `orders o JOIN accounts a ON a.id = o.account_id`
		where = `o.order_date BETWEEN ? AND ? AND ` + liveOrder + ` AND NOT EXISTS (SELECT 1 FROM orders p WHERE p.account_id = o.account_id
			AND p.order_date < ? AND p.deleted_at IS NULL AND p.status != 'cancelled') GROUP BY a.id`
		args = []any{o.Currency, o.Currency, rg.from, rg.to, rg.from}
		order = `5 DESC, a.name`
	case FigPipeline:
		kind = model.KindDeal
		sel = `d.id, d.title, COALESCE(a.name, ''), COALESCE(d.expected_close, ''), d.amount_minor, d.currency, COALESCE(d.account_id, '')`
		from = `deals d LEFT JOIN accounts a ON a.id = d.account_id`
		where = `d.status = 'open' AND d.deleted_at IS NULL AND d.currency = ?`
		args = []any{o.Currency}
		if key != "" {
			where += ` AND d.stage_id = ?`
			args = append(args, key)
		}
		order = `d.amount_minor * d.probability DESC, d.title`
	case FigWon, FigLost:
		kind = model.KindDeal
		status := model.OutcomeWon
		if fig == FigLost {
			status = model.OutcomeLost
		}
		sel = `d.id, d.title, COALESCE(a.name, ''), d.closed_on, d.amount_minor, d.currency, COALESCE(d.account_id, '')`
		from = `deals d LEFT JOIN accounts a ON a.id = d.account_id`
		where = `d.status = ? AND d.closed_on BETWEEN ? AND ? AND d.deleted_at IS NULL`
		args = []any{status, rg.from, rg.to}
		order = `d.amount_minor DESC, d.title`
	case FigIssuesOpened, FigIssuesClosed, FigIssuesOverdue:
		kind = model.KindClientIssue
		lo, hi := m.instants(o.Location)
		sel = `i.id, i.title, COALESCE(a.name, ''), COALESCE(i.due, ''), 0, '', COALESCE(i.account_id, '')`
		from = `client_issues i LEFT JOIN accounts a ON a.id = i.account_id`
		switch fig {
		case FigIssuesOpened:
			where = `COALESCE(i.opened_at, i.created_at) >= ? AND COALESCE(i.opened_at, i.created_at) < ?`
			args = []any{lo, hi}
		case FigIssuesClosed:
			where = `i.status IN ('resolved', 'closed') AND i.resolved_at >= ? AND i.resolved_at < ?`
			args = []any{lo, hi}
		default:
			cutoff, cutDay := hi, m.Add(1).First()
			if now := model.FormatTime(o.Now); now < cutoff {
				cutoff, cutDay = now, o.today()
			}
			where = `COALESCE(i.opened_at, i.created_at) < ? AND i.due < ? AND NOT (i.status IN ('resolved', 'closed') AND COALESCE(i.resolved_at, '') < ?)`
			args = []any{cutoff, cutDay.String(), cutoff}
		}
		where += ` AND i.deleted_at IS NULL`
		order = `i.due, i.priority, i.title`
	default:
		return nil, 0, fmt.Errorf("report: %q is not a figure with records behind it", fig)
	}
	var total int
	if err := s.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+from+` WHERE `+where+`)`, countArgs(fig, args)...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("report: count the records behind %s: %w", fig, err)
	}
	var items []Item
	err := query(ctx, s.DB(), "records behind "+fig, `SELECT `+sel+` FROM `+from+` WHERE `+where+` ORDER BY `+order+` LIMIT ?`,
		append(args, limit), func(rows *sql.Rows) error {
			it := Item{Kind: kind}
			var day string
			if err := rows.Scan(&it.ID, &it.Label, &it.Detail, &day, &it.Amount, &it.Currency, &it.AccountID); err != nil {
				return err
			}
			if d, err := model.ParseDate(strings.TrimSpace(day)); err == nil {
				it.Date = d
			}
			items = append(items, it)
			return nil
		})
	return items, total, err
}

// countArgs drops the arguments of the select list (new customers puts two
// before the WHERE clause's) for the COUNT query, which selects nothing.
func countArgs(fig string, args []any) []any {
	if fig == FigNewCustomers {
		return args[2:]
	}
	return args
}
