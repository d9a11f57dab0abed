package report

import (
	"context"
	"database/sql"
	"sort"
	"strings"
	"time"

	"relais/model"
)

// The SQL condition every sales figure shares: live, not cancelled orders.
// Cancelled orders never count as sales; deleted ones are in the trash.
const liveOrder = `o.deleted_at IS NULL AND o.status != 'cancelled'`

// MonthlyReport is every figure of the monthly sales report. Amounts are
// minor units of Currency.
type MonthlyReport struct {
	Month    Month
	Currency string
	AsOf     model.Date // the day the report was made: the pipeline is as of then
	Partial  bool       // the month was not over on AsOf: month-to-date figures

	Sales        Figure // net sales of live, not cancelled orders
	Orders       Figure // how many
	AvgOrder     Figure // Sales / Orders, rounded
	NewCustomers Figure // accounts whose first order (in any currency) falls in the month

	// OtherCurrencies are the month's orders in other currencies, left out
	// of every figure above.
	OtherCurrencies []CurrencyTotal

	Reps []RepSales // team members with a target or sales, best sales first; "" MemberID: orders with no owner

	Products        []ProductSales // every product sold in the month or the three before, best sales first
	TopProducts     []ProductSales // the TopN best sellers of the month
	UnderPerformers []ProductSales // products furthest below their own previous three months
	UnderBP         int64          // how far below, at least, in basis points (Options.UnderBP)

	Segments []GroupSales // by the customer's segment
	Regions  []GroupSales // by the customer's region

	Pipeline Pipeline
	WinRate  WinRate
	Cycle    Cycle

	Issues      Issues
	IssuesByDep []DepartmentIssues

	Trend *Trend
}

// CurrencyTotal is the sales made in one currency.
type CurrencyTotal struct {
	Currency string
	Sales    int64
	Orders   int64
}

// RepSales is one team member's month.
type RepSales struct {
	MemberID string // "" for orders nobody owns
	Name     string
	Role     string
	Region   string
	Active   bool

	Sales        Figure
	Orders       int64
	AvgOrder     int64
	Target       int64 // monthly target, when set in the report's currency; else 0
	NewCustomers int64

	OpenDeals int64 // the rep's pipeline, as of AsOf
	Pipeline  int64
	Weighted  int64
	Won       int64 // deals closed in the month
	Lost      int64
	WonValue  int64

	TopAccounts []AccountSales // the rep's best customers of the month
	History     []MonthPoint   // the rep's sales in each of the twelve months up to the report's
}

// Attainment is sales against target in basis points; ok is false with no target.
func (r RepSales) Attainment() (int64, bool) { return Ratio(r.Sales.Value, r.Target) }

// WinRate is won deals over closed deals, in basis points.
func (r RepSales) WinRate() (int64, bool) { return Ratio(r.Won, r.Won+r.Lost) }

// AccountSales is one customer's sales.
type AccountSales struct {
	AccountID string
	Name      string
	Sales     int64
	Orders    int64
}

// ProductSales is one product's month against its own recent past.
type ProductSales struct {
	ProductID     string // "" for order lines naming no product
	SKU           string
	Name          string
	Category      string
	Sales         int64
	QuantityMilli int64
	Lines         int64
	Prev3Avg      int64 // average monthly sales over the three previous months (months with none count as 0)
	ShareBP       int64 // share of the month's sales
}

// VsOwnAverage is the change against the previous three months' average.
func (p ProductSales) VsOwnAverage() (int64, bool) { return Change(p.Sales, p.Prev3Avg) }

// Shortfall is how far the month fell below the product's own average.
func (p ProductSales) Shortfall() int64 { return p.Prev3Avg - p.Sales }

// GroupSales is the sales of one segment or region.
type GroupSales struct {
	Name      string // "" for customers with none set
	Sales     Figure // LastYear is not filled
	Orders    int64
	Customers int64
	ShareBP   int64
}

// Pipeline is the open deals in the report's currency as of AsOf.
type Pipeline struct {
	Stages   []StageRow // the open stages in pipeline order
	Deals    int64
	Amount   int64
	Weighted int64 // Σ amount × the deal's own probability
	// OtherCurrencyDeals are open deals in other currencies, left out.
	OtherCurrencyDeals int64
}

// StageRow is one stage of the pipeline.
type StageRow struct {
	StageID     string
	Name        string
	Probability int64 // the stage's default, percent
	Deals       int64
	Amount      int64
	Weighted    int64
}

// WinRate counts the deals closed (won or lost) in the month and the month before.
type WinRate struct {
	Won, Lost         int64
	WonValue          int64 // in the report's currency
	LostValue         int64
	PrevWon, PrevLost int64
}

// Rate is won / (won + lost) in basis points.
func (w WinRate) Rate() (int64, bool) { return Ratio(w.Won, w.Won+w.Lost) }

// PrevRate is the month before's rate.
func (w WinRate) PrevRate() (int64, bool) { return Ratio(w.PrevWon, w.PrevWon+w.PrevLost) }

// Cycle is the average sales cycle of the deals won in the month: days from
// the deal's first trace — the earliest of the day it was entered, its first
// logged activity and its first proposal — to the day it was won. Deals
// entered after they were won (imported history) and with no earlier trace
// cannot be measured and are counted in Unmeasured.
type Cycle struct {
	AvgDays     int64
	Measured    int64
	Unmeasured  int64
	PrevAvgDays int64
	PrevOK      bool
}

// Issues counts client issues: opened and closed in the month, and overdue
// (due, not resolved) at the month's end — or on AsOf for the current month.
type Issues struct {
	Opened  Figure
	Closed  Figure
	Overdue Figure
}

// DepartmentIssues is Issues for one department (LastYear not filled).
type DepartmentIssues struct {
	Department string
	Opened     int64
	Closed     int64
	Overdue    int64
}

// Monthly computes the monthly sales report for month m. It only reads, with
// SQL aggregation over indexed columns, so it takes about the same time
// whatever the size of the history.
func Monthly(ctx context.Context, s *model.Store, m Month, opts Options) (*MonthlyReport, error) {
	o := opts.resolve(s)
	r := &MonthlyReport{Month: m, Currency: o.Currency, AsOf: o.today(), UnderBP: o.UnderBP}
	r.Partial = !m.Last().Before(r.AsOf)
	c := &monthly{ctx: ctx, s: s, db: s.DB(), r: r, o: o, m: m}
	for _, step := range []func() error{c.team, c.totals, c.newCustomers, c.customers, c.products, c.pipeline, c.closedDeals, c.cycle, c.issues, c.trend} {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

type monthly struct {
	ctx context.Context
	s   *model.Store
	db  model.Querier
	r   *MonthlyReport
	o   Options
	m   Month

	monthSales map[Month]CurrencyTotal            // report currency, every month of the trend window
	history    map[string]map[Month]CurrencyTotal // per rep, the last twelve months
	members    map[string]*model.TeamMember
}

// totals reads the sales of every month of the trend window, and of the
// three years the forecast may look at, in one pass.
func (c *monthly) totals() error {
	rg := months(c.m.Add(-(historyMonths - 1)), c.m)
	type key struct {
		cur   string
		owner string
		mo    Month
	}
	sums := map[key]CurrencyTotal{}
	// Grouped in the index's own order (by day, currency, status and rep),
	// then summed by month here: SQLite then needs no temporary sort of
	// every order, and the same pass gives each rep's months.
	err := query(c.ctx, c.db, "monthly sales", `SELECT o.order_date, o.currency, COALESCE(o.owner_id, ''), SUM(o.net_minor), COUNT(*)
		FROM orders o WHERE o.order_date BETWEEN ? AND ? AND `+liveOrder+`
		GROUP BY o.order_date, o.currency, o.status, o.owner_id`, []any{rg.from, rg.to}, func(rows *sql.Rows) error {
		var day, cur, owner string
		var sales, n int64
		if err := rows.Scan(&day, &cur, &owner, &sales, &n); err != nil {
			return err
		}
		d, err := model.ParseDate(day)
		if err != nil {
			return err
		}
		k := key{cur, owner, MonthOfDate(d)}
		t := sums[k]
		t.Sales += sales
		t.Orders += n
		sums[k] = t
		return nil
	})
	if err != nil {
		return err
	}
	if c.r.Currency == "" {
		// The currency most orders of the last two years were made in.
		count := map[string]int64{}
		for k, t := range sums {
			if c.m.Sub(k.mo) < 24 {
				count[k.cur] += t.Orders
			}
		}
		for cur, n := range count {
			if best := count[c.r.Currency]; n > best || n == best && cur < c.r.Currency {
				c.r.Currency = cur
			}
		}
		if c.r.Currency == "" {
			if c.r.Currency, err = defaultCurrency(c.ctx, c.s); err != nil {
				return err
			}
		}
	}
	c.monthSales = map[Month]CurrencyTotal{}
	other := map[string]*CurrencyTotal{}
	prev, ly := c.m.Add(-1), c.m.Add(-12)
	history := map[string]map[Month]CurrencyTotal{}
	for k, t := range sums {
		switch {
		case k.cur == c.r.Currency:
			if c.m.Sub(k.mo) < 12 {
				h := history[k.owner]
				if h == nil {
					h = map[Month]CurrencyTotal{}
					history[k.owner] = h
				}
				ht := h[k.mo]
				ht.Sales += t.Sales
				ht.Orders += t.Orders
				h[k.mo] = ht
			}
			m := c.monthSales[k.mo]
			m.Currency, m.Sales, m.Orders = k.cur, m.Sales+t.Sales, m.Orders+t.Orders
			c.monthSales[k.mo] = m
			switch k.mo {
			case c.m:
				r := c.rep(k.owner)
				r.Sales.Value += t.Sales
				r.Orders += t.Orders
			case prev:
				c.rep(k.owner).Sales.Previous += t.Sales
			case ly:
				c.rep(k.owner).Sales.LastYear += t.Sales
			}
		case k.mo == c.m:
			o := other[k.cur]
			if o == nil {
				o = &CurrencyTotal{Currency: k.cur}
				other[k.cur] = o
			}
			o.Sales += t.Sales
			o.Orders += t.Orders
		}
	}
	c.history = history
	for _, t := range other {
		c.r.OtherCurrencies = append(c.r.OtherCurrencies, *t)
	}
	sortBy(c.r.OtherCurrencies, func(t CurrencyTotal) int64 { return t.Orders }, func(t CurrencyTotal) string { return t.Currency })
	get := func(mo Month) CurrencyTotal { return c.monthSales[mo] }
	cur, pm, lm := get(c.m), get(prev), get(ly)
	c.r.Sales = Figure{cur.Sales, pm.Sales, lm.Sales}
	c.r.Orders = Figure{cur.Orders, pm.Orders, lm.Orders}
	c.r.AvgOrder = Figure{divRound(cur.Sales, cur.Orders), divRound(pm.Sales, pm.Orders), divRound(lm.Sales, lm.Orders)}
	return nil
}

func (c *monthly) newCustomers() error {
	count := func(mo Month, perRep bool) (int64, error) {
		rg := mo.dates()
		var total int64
		// The month's customers first (each with the owner of their first
		// order of the month: SQLite's bare columns beside MIN), then those
		// of them with no earlier order: one look-up per customer, not per order.
		err := query(c.ctx, c.db, "new customers", `SELECT x.owner, x.account, x.first FROM
			(SELECT COALESCE(o.owner_id, '') owner, o.account_id account, MIN(o.order_date || o.id) first FROM orders o
			 WHERE o.order_date BETWEEN ? AND ? AND `+liveOrder+` AND o.account_id IS NOT NULL GROUP BY o.account_id) x
			WHERE NOT EXISTS (SELECT 1 FROM orders p WHERE p.account_id = x.account AND p.order_date < ?
				AND p.deleted_at IS NULL AND p.status != 'cancelled')`, []any{rg.from, rg.to, rg.from}, func(rows *sql.Rows) error {
			var owner, account, first string
			if err := rows.Scan(&owner, &account, &first); err != nil {
				return err
			}
			total++
			if perRep {
				c.rep(owner).NewCustomers++
			}
			return nil
		})
		return total, err
	}
	var err error
	if c.r.NewCustomers.Value, err = count(c.m, true); err != nil {
		return err
	}
	if c.r.NewCustomers.Previous, err = count(c.m.Add(-1), false); err != nil {
		return err
	}
	c.r.NewCustomers.LastYear, err = count(c.m.Add(-12), false)
	return err
}

// rep returns the row of member id, creating it (and reading the team) on first use.
func (c *monthly) rep(id string) *RepSales {
	for i := range c.r.Reps {
		if c.r.Reps[i].MemberID == id {
			return &c.r.Reps[i]
		}
	}
	r := RepSales{MemberID: id, Active: true}
	if m := c.members[id]; m != nil {
		r.Name, r.Role, r.Region, r.Active = m.Name, m.Role, m.Region, m.Active
	}
	c.r.Reps = append(c.r.Reps, r)
	return &c.r.Reps[len(c.r.Reps)-1]
}

// team reads the team members, and gives every active member with a
// target a row, even with no sales.
func (c *monthly) team() error {
	ms, err := model.List[model.TeamMember](c.ctx, c.db, model.Query{OrderBy: "name"})
	if err != nil {
		return err
	}
	c.members = map[string]*model.TeamMember{}
	for _, m := range ms {
		c.members[m.ID] = m
	}
	for _, m := range ms {
		if m.Active && m.TargetMinor > 0 {
			c.rep(m.ID)
		}
	}
	return nil
}

// customers reads the sales per rep and customer of the month and the
// month before, in one pass: each rep's best customers, and the sales per
// customer segment and region.
func (c *monthly) customers() error {
	top := map[string][]AccountSales{}
	seg, reg := map[string]*GroupSales{}, map[string]*GroupSales{}
	seen := map[[2]string]bool{} // (group, account) pairs counted as customers
	add := func(to map[string]*GroupSales, kind, name, account string, cur bool, sales, n int64) {
		g := to[name]
		if g == nil {
			g = &GroupSales{Name: name}
			to[name] = g
		}
		if !cur {
			g.Sales.Previous += sales
			return
		}
		g.Sales.Value += sales
		g.Orders += n
		if k := [2]string{kind + name, account}; !seen[k] {
			seen[k] = true
			g.Customers++
		}
	}
	rg := months(c.m.Add(-1), c.m)
	err := query(c.ctx, c.db, "sales per customer", `SELECT x.cur, x.owner, x.account, COALESCE(a.name, ''), COALESCE(a.segment, ''), COALESCE(a.region, ''), x.sales, x.n FROM
		(SELECT o.order_date >= ? cur, COALESCE(o.owner_id, '') owner, COALESCE(o.account_id, '') account, SUM(o.net_minor) sales, COUNT(*) n
		 FROM orders o WHERE o.order_date BETWEEN ? AND ? AND `+liveOrder+` AND o.currency = ?
		 GROUP BY 1, 2, 3) x LEFT JOIN accounts a ON a.id = x.account`, []any{c.m.First().String(), rg.from, rg.to, c.r.Currency}, func(rows *sql.Rows) error {
		var cur bool
		var owner, segment, region string
		var a AccountSales
		if err := rows.Scan(&cur, &owner, &a.AccountID, &a.Name, &segment, &region, &a.Sales, &a.Orders); err != nil {
			return err
		}
		add(seg, "s", strings.TrimSpace(segment), a.AccountID, cur, a.Sales, a.Orders)
		add(reg, "r", strings.TrimSpace(region), a.AccountID, cur, a.Sales, a.Orders)
		if cur && a.AccountID != "" {
			top[owner] = append(top[owner], a)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for owner, as := range top {
		sortBy(as, func(a AccountSales) int64 { return a.Sales }, func(a AccountSales) string { return a.Name + a.AccountID })
		c.rep(owner).TopAccounts = as[:min(len(as), c.o.TopN)]
	}
	list := func(m map[string]*GroupSales) []GroupSales {
		out := make([]GroupSales, 0, len(m))
		for _, g := range m {
			g.ShareBP, _ = Ratio(g.Sales.Value, c.r.Sales.Value)
			out = append(out, *g)
		}
		sortBy(out, func(g GroupSales) int64 { return g.Sales.Value }, func(g GroupSales) string { return g.Name })
		return out
	}
	c.r.Segments, c.r.Regions = list(seg), list(reg)
	return nil
}

// finishReps sets targets (in the report's currency only) and puts the reps
// with most sales first, the no-owner row last.
func (c *monthly) finishReps() {
	for i := range c.r.Reps {
		r := &c.r.Reps[i]
		r.AvgOrder = divRound(r.Sales.Value, r.Orders)
		if m := c.members[r.MemberID]; m != nil && m.TargetCurrency == c.r.Currency {
			r.Target = m.TargetMinor
		}
		for mo := c.m.Add(-11); mo.Sub(c.m) <= 0; mo = mo.Add(1) {
			t := c.history[r.MemberID][mo]
			r.History = append(r.History, MonthPoint{Month: mo, Sales: t.Sales, Orders: t.Orders, Partial: mo == c.m && c.r.Partial})
		}
	}
	sort.SliceStable(c.r.Reps, func(i, j int) bool {
		a, b := c.r.Reps[i], c.r.Reps[j]
		if (a.MemberID == "") != (b.MemberID == "") {
			return b.MemberID == ""
		}
		if a.Sales.Value != b.Sales.Value {
			return a.Sales.Value > b.Sales.Value
		}
		return a.Name < b.Name
	})
}

func (c *monthly) products() error {
	from := c.m.Add(-3)
	rg := months(from, c.m)
	byID := map[string]*ProductSales{}
	var order []string
	err := query(c.ctx, c.db, "sales per product", `SELECT COALESCE(x.pid, ''), x.ym, x.net, x.qty, x.n,
		COALESCE(p.sku, ''), COALESCE(p.name, ''), COALESCE(p.category, '') FROM
		(SELECT l.product_id pid, substr(o.order_date, 1, 7) ym, SUM(l.net_minor) net, SUM(l.quantity_milli) qty, COUNT(*) n
		 FROM orders o JOIN order_lines l ON l.order_id = o.id AND l.deleted_at IS NULL
		 WHERE o.order_date BETWEEN ? AND ? AND `+liveOrder+` AND o.currency = ?
		 GROUP BY 1, 2) x LEFT JOIN products p ON p.id = x.pid`, []any{rg.from, rg.to, c.r.Currency}, func(rows *sql.Rows) error {
		var id, ym, sku, name, cat string
		var net, qty, n int64
		if err := rows.Scan(&id, &ym, &net, &qty, &n, &sku, &name, &cat); err != nil {
			return err
		}
		p := byID[id]
		if p == nil {
			p = &ProductSales{ProductID: id, SKU: sku, Name: name, Category: cat}
			byID[id] = p
			order = append(order, id)
		}
		if ym == c.m.String() {
			p.Sales, p.QuantityMilli, p.Lines = net, qty, n
		} else {
			p.Prev3Avg += net // summed now, averaged below
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, id := range order {
		p := byID[id]
		p.Prev3Avg = divRound(p.Prev3Avg, 3)
		p.ShareBP, _ = Ratio(p.Sales, c.r.Sales.Value)
		c.r.Products = append(c.r.Products, *p)
	}
	sortBy(c.r.Products, func(p ProductSales) int64 { return p.Sales }, func(p ProductSales) string { return p.Name + p.ProductID })
	for _, p := range c.r.Products {
		if p.Sales > 0 && len(c.r.TopProducts) < c.o.TopN {
			c.r.TopProducts = append(c.r.TopProducts, p)
		}
		// Under-performing: below its own average by more than UnderBP.
		if p.Prev3Avg > 0 && p.Sales*10000 < p.Prev3Avg*(10000-c.o.UnderBP) {
			c.r.UnderPerformers = append(c.r.UnderPerformers, p)
		}
	}
	sortBy(c.r.UnderPerformers, ProductSales.Shortfall, func(p ProductSales) string { return p.Name + p.ProductID })
	c.r.UnderPerformers = c.r.UnderPerformers[:min(len(c.r.UnderPerformers), c.o.TopN)]
	return nil
}

func (c *monthly) pipeline() error {
	stages, err := model.List[model.Stage](c.ctx, c.db, model.Query{Where: "outcome = ?", Args: []any{model.OutcomeOpen}, OrderBy: "position, name"})
	if err != nil {
		return err
	}
	p := &c.r.Pipeline
	idx := map[string]int{}
	for _, st := range stages {
		idx[st.ID] = len(p.Stages)
		p.Stages = append(p.Stages, StageRow{StageID: st.ID, Name: st.Name, Probability: st.Probability})
	}
	return query(c.ctx, c.db, "pipeline", `SELECT COALESCE(stage_id, ''), COALESCE(owner_id, ''), currency, COUNT(*), SUM(amount_minor), SUM(amount_minor * probability)
		FROM deals WHERE status = 'open' AND deleted_at IS NULL GROUP BY 1, 2, 3`, nil, func(rows *sql.Rows) error {
		var stage, owner, cur string
		var n, amount, wp int64
		if err := rows.Scan(&stage, &owner, &cur, &n, &amount, &wp); err != nil {
			return err
		}
		if cur != c.r.Currency {
			p.OtherCurrencyDeals += n
			return nil
		}
		w := weighted(wp)
		i, ok := idx[stage]
		if !ok { // a deal left on a won/lost stage, or on none, while still open
			i = len(p.Stages)
			idx[stage] = i
			p.Stages = append(p.Stages, StageRow{StageID: stage})
		}
		st := &p.Stages[i]
		st.Deals += n
		st.Amount += amount
		st.Weighted += w
		p.Deals += n
		p.Amount += amount
		p.Weighted += w
		if owner != "" {
			r := c.rep(owner)
			r.OpenDeals += n
			r.Pipeline += amount
			r.Weighted += w
		}
		return nil
	})
}

func (c *monthly) closedDeals() error {
	rg := months(c.m.Add(-1), c.m)
	w := &c.r.WinRate
	return query(c.ctx, c.db, "deals closed", `SELECT COALESCE(owner_id, ''), status, substr(closed_on, 1, 7), currency, COUNT(*), SUM(amount_minor)
		FROM deals WHERE status IN ('won', 'lost') AND closed_on BETWEEN ? AND ? AND deleted_at IS NULL
		GROUP BY 1, 2, 3, 4`, []any{rg.from, rg.to}, func(rows *sql.Rows) error {
		var owner, status, ym, cur string
		var n, amount int64
		if err := rows.Scan(&owner, &status, &ym, &cur, &n, &amount); err != nil {
			return err
		}
		if cur != c.r.Currency {
			amount = 0 // counted, but its value is in another currency
		}
		won := status == model.OutcomeWon
		if ym != c.m.String() {
			if won {
				w.PrevWon += n
			} else {
				w.PrevLost += n
			}
			return nil
		}
		var r *RepSales
		if owner != "" {
			r = c.rep(owner)
		}
		if won {
			w.Won += n
			w.WonValue += amount
			if r != nil {
				r.Won += n
				r.WonValue += amount
			}
		} else {
			w.Lost += n
			w.LostValue += amount
			if r != nil {
				r.Lost += n
			}
		}
		return nil
	})
}

func (c *monthly) cycle() error {
	measure := func(mo Month) (avg, measured, unmeasured int64, err error) {
		rg := mo.dates()
		var total int64
		err = query(c.ctx, c.db, "sales cycle", `SELECT d.closed_on, substr(d.created_at, 1, 10),
			COALESCE((SELECT MIN(substr(a.at, 1, 10)) FROM activities a WHERE a.deal_id = d.id AND a.deleted_at IS NULL), ''),
			COALESCE((SELECT MIN(p.issue_date) FROM proposals p WHERE p.deal_id = d.id AND p.deleted_at IS NULL), '')
			FROM deals d WHERE d.status = 'won' AND d.closed_on BETWEEN ? AND ? AND d.deleted_at IS NULL`, []any{rg.from, rg.to}, func(rows *sql.Rows) error {
			var closed, created, act, prop string
			if err := rows.Scan(&closed, &created, &act, &prop); err != nil {
				return err
			}
			start := created
			for _, d := range []string{act, prop} {
				if d != "" && d < start {
					start = d
				}
			}
			from, err1 := model.ParseDate(start)
			to, err2 := model.ParseDate(closed)
			if err1 != nil || err2 != nil || to.Before(from) {
				unmeasured++
				return nil
			}
			total += int64(to.Time(time.UTC).Sub(from.Time(time.UTC)).Hours()) / 24
			measured++
			return nil
		})
		return divRound(total, measured), measured, unmeasured, err
	}
	cy := &c.r.Cycle
	var err error
	if cy.AvgDays, cy.Measured, cy.Unmeasured, err = measure(c.m); err != nil {
		return err
	}
	var n int64
	cy.PrevAvgDays, n, _, err = measure(c.m.Add(-1))
	cy.PrevOK = n > 0
	return err
}

// issues counts client issues. An issue's opening is opened_at (created_at
// when unset); it is closed when resolved or closed, at resolved_at.
func (c *monthly) issues() error {
	dep := map[string]*DepartmentIssues{}
	count := func(mo Month, perDep bool) (opened, closed, overdue int64, err error) {
		from, to := mo.instants(c.o.Location)
		// Overdue at the month's end, or now for the month in progress.
		cutoff := to
		cutDay := mo.Add(1).First()
		if now := model.FormatTime(c.o.Now); now < cutoff {
			cutoff, cutDay = now, c.o.today()
		}
		err = query(c.ctx, c.db, "client issues", `SELECT department,
			SUM(COALESCE(opened_at, created_at) >= ?1 AND COALESCE(opened_at, created_at) < ?2),
			SUM(status IN ('resolved', 'closed') AND resolved_at >= ?1 AND resolved_at < ?2),
			SUM(COALESCE(opened_at, created_at) < ?3 AND due < ?4 AND NOT (status IN ('resolved', 'closed') AND COALESCE(resolved_at, '') < ?3))
			FROM client_issues WHERE deleted_at IS NULL GROUP BY department`, []any{from, to, cutoff, cutDay.String()}, func(rows *sql.Rows) error {
			var d string
			var o, cl, ov int64
			if err := rows.Scan(&d, &o, &cl, &ov); err != nil {
				return err
			}
			opened, closed, overdue = opened+o, closed+cl, overdue+ov
			if perDep && o+cl+ov > 0 {
				dep[d] = &DepartmentIssues{Department: d, Opened: o, Closed: cl, Overdue: ov}
			}
			return nil
		})
		return
	}
	is := &c.r.Issues
	var err error
	if is.Opened.Value, is.Closed.Value, is.Overdue.Value, err = count(c.m, true); err != nil {
		return err
	}
	if is.Opened.Previous, is.Closed.Previous, is.Overdue.Previous, err = count(c.m.Add(-1), false); err != nil {
		return err
	}
	if is.Opened.LastYear, is.Closed.LastYear, is.Overdue.LastYear, err = count(c.m.Add(-12), false); err != nil {
		return err
	}
	for _, d := range dep {
		c.r.IssuesByDep = append(c.r.IssuesByDep, *d)
	}
	sortBy(c.r.IssuesByDep, func(d DepartmentIssues) int64 { return d.Opened + d.Overdue }, func(d DepartmentIssues) string { return d.Department })
	return nil
}

func (c *monthly) trend() error {
	c.finishReps()
	t, err := buildTrend(c.ctx, c.db, c.m, c.r.Partial, c.monthSales, c.r.Currency, c.o)
	if err != nil {
		return err
	}
	c.r.Trend = t
	return nil
}
