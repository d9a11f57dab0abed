package report_test

import (
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
	"relais/report"
)

var october = report.Month{Year: 2026, Month: time.October}

func monthly(t *testing.T, f *fx) *report.MonthlyReport {
	t.Helper()
	r, err := report.Monthly(t.Context(), f.s, october, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func TestMonthlySales(t *testing.T) {
	f := buildFixture(t)
	r := monthly(t, f)
	eq(t, "currency (most orders are in euros)", r.Currency, "EUR")
	eq(t, "as of", r.AsOf, model.MustDate("2026-11-27"))
	eq(t, "partial", r.Partial, false)
	// October: O1 4 000 + O2 2 000 + O7 500 + O3 1 250 + O4 3 000 = 10 750 €
	// (O5 is cancelled, O6 in pounds); September: O8 3 000 + O9 2 400 = 5 400
	// (O15 cancelled); October 2025: O12 2 500 + O13 1 500 = 4 000.
	eq(t, "sales", r.Sales, report.Figure{Value: 1075000, Previous: 540000, LastYear: 400000})
	eq(t, "orders", r.Orders, report.Figure{Value: 5, Previous: 2, LastYear: 2})
	// 10 750 / 5 = 2 150; 5 400 / 2 = 2 700; 4 000 / 2 = 2 000.
	eq(t, "average order", r.AvgOrder, report.Figure{Value: 215000, Previous: 270000, LastYear: 200000})
	// (10 750 − 5 400) / 5 400 = 99.07 %; (10 750 − 4 000) / 4 000 = 168.75 %.
	bp, ok := r.Sales.VsPrevious()
	eq(t, "sales vs previous", [2]any{bp, ok}, [2]any{int64(9907), true})
	bp, ok = r.Sales.VsLastYear()
	eq(t, "sales vs last year", [2]any{bp, ok}, [2]any{int64(16875), true})
	// New: only Delta (its September order was cancelled). None in
	// September; in October 2025 Alpha and Beta ordered for the first time.
	eq(t, "new customers", r.NewCustomers, report.Figure{Value: 1, Previous: 0, LastYear: 2})
	if !reflect.DeepEqual(r.OtherCurrencies, []report.CurrencyTotal{{Currency: "GBP", Sales: 50000, Orders: 1}}) {
		t.Errorf("other currencies = %+v", r.OtherCurrencies)
	}
}

func TestMonthlyReps(t *testing.T) {
	f := buildFixture(t)
	r := monthly(t, f)
	var names []string
	for _, rep := range r.Reps {
		names = append(names, rep.Name)
	}
	// Alice 6 000, Bruno 4 250, Dan 0 (a target, in pounds), then the orders
	// nobody owns; Chloé has neither target nor sales.
	if want := []string{"Alice", "Bruno", "Dan", ""}; !reflect.DeepEqual(names, want) {
		t.Fatalf("reps = %q, want %q", names, want)
	}
	alice, bruno, dan, nobody := r.Reps[0], r.Reps[1], r.Reps[2], r.Reps[3]
	// Alice: O1 4 000 + O2 2 000; September O8 3 000; October 2025 O12 2 500.
	eq(t, "Alice's sales", alice.Sales, report.Figure{Value: 600000, Previous: 300000, LastYear: 250000})
	eq(t, "Alice's orders", alice.Orders, int64(2))
	eq(t, "Alice's average", alice.AvgOrder, int64(300000))
	att, ok := alice.Attainment()
	eq(t, "Alice's attainment (6 000 / 10 000)", [2]any{att, ok}, [2]any{int64(6000), true})
	// Bruno: O3 1 250 + O4 3 000 = 4 250 of 5 000: 85 %; Delta is his new customer.
	eq(t, "Bruno's sales", bruno.Sales, report.Figure{Value: 425000, Previous: 240000, LastYear: 150000})
	att, _ = bruno.Attainment()
	eq(t, "Bruno's attainment", att, int64(8500))
	eq(t, "Bruno's new customers", bruno.NewCustomers, int64(1))
	eq(t, "Alice's new customers", alice.NewCustomers, int64(0))
	eq(t, "Dan's target in a euro report", dan.Target, int64(0))
	if _, ok := dan.Attainment(); ok {
		t.Error("Dan has an attainment without a euro target")
	}
	eq(t, "unowned sales (O7)", nobody.Sales.Value, int64(50000))

	// Pipeline per rep: Alice D1 10 000 × 10 % + D3 2 000 × 50 % + D5 3 000 ×
	// 15 % = 1 000 + 1 000 + 450; Bruno D2 4 000 × 60 % and the show's E1
	// 2 000 × 50 % (D4 and E4 are in pounds).
	eq(t, "Alice's open deals", [3]int64{alice.OpenDeals, alice.Pipeline, alice.Weighted}, [3]int64{3, 1500000, 245000})
	eq(t, "Bruno's open deals", [3]int64{bruno.OpenDeals, bruno.Pipeline, bruno.Weighted}, [3]int64{2, 600000, 340000})
	// Closed in October: Alice won W1 (5 000) and lost L1; Bruno won W2, in pounds.
	eq(t, "Alice's closed deals", [3]int64{alice.Won, alice.Lost, alice.WonValue}, [3]int64{1, 1, 500000})
	eq(t, "Bruno's closed deals", [3]int64{bruno.Won, bruno.Lost, bruno.WonValue}, [3]int64{1, 0, 0})
	rate, _ := alice.WinRate()
	eq(t, "Alice's win rate", rate, int64(5000))

	// Best customers: Alice's Alpha (O1) then Gamma (O2); Bruno's Delta then Beta.
	top := func(as []report.AccountSales) (out []string) {
		for _, a := range as {
			out = append(out, a.Name)
		}
		return
	}
	if got := top(alice.TopAccounts); !reflect.DeepEqual(got, []string{"Alpha", "Gamma"}) {
		t.Errorf("Alice's top customers = %q", got)
	}
	if got := top(bruno.TopAccounts); !reflect.DeepEqual(got, []string{"Delta", "Beta"}) {
		t.Errorf("Bruno's top customers = %q", got)
	}
}

func TestMonthlyProducts(t *testing.T) {
	f := buildFixture(t)
	r := monthly(t, f)
	type row struct {
		name            string
		sales, prev3avg int64
		share           int64
	}
	var got []row
	for _, p := range r.TopProducts {
		got = append(got, row{p.Name, p.Sales, p.Prev3Avg, p.ShareBP})
	}
	// October: P1 Four 3 000 (O1) + 3 000 (O4); P2 Robot 2 000 + 500; P3
	// Gants 1 000 + 1 000; P5 Verre 250. Their own averages over July to
	// September: P1 (3 000 + 3 000) / 3 = 2 000; P2 3 000 / 3 = 1 000; P3 1 500
	// / 3 = 500; P5 900 / 3 = 300. Shares of 10 750: 55.81 %, 23.26 %, 18.60 %, 2.33 %.
	want := []row{{"Four", 600000, 200000, 5581}, {"Robot", 250000, 100000, 2326}, {"Gants", 200000, 50000, 1860}, {"Verre", 25000, 30000, 233}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("top products =\n%+v\nwant\n%+v", got, want)
	}
	// P4 Trancheuse sold 6 000 in August (average 2 000) and nothing since:
	// under-performing. P5 Verre is 16.7 % below its average: within the 25 % allowed.
	if len(r.UnderPerformers) != 1 || r.UnderPerformers[0].Name != "Trancheuse" || r.UnderPerformers[0].Shortfall() != 200000 {
		t.Errorf("under-performers = %+v", r.UnderPerformers)
	}
	ch, _ := r.TopProducts[0].VsOwnAverage()
	eq(t, "Four against its own average (+200 %)", ch, int64(20000))
	// A stricter threshold (10 %) catches Verre too.
	r2, err := report.Monthly(t.Context(), f.s, october, report.Options{UnderBP: 1000})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "under-performers at 10 %", len(r2.UnderPerformers), 2)
	// Every product line adds up to the month's sales.
	var sum int64
	for _, p := range r.Products {
		sum += p.Sales
	}
	eq(t, "Σ product sales", sum, r.Sales.Value)
}

func TestMonthlySegmentsAndRegions(t *testing.T) {
	f := buildFixture(t)
	r := monthly(t, f)
	type row struct {
		name                        string
		sales, prev, orders, custom int64
	}
	rows := func(gs []report.GroupSales) (out []row) {
		for _, g := range gs {
			out = append(out, row{g.Name, g.Sales.Value, g.Sales.Previous, g.Orders, g.Customers})
		}
		return
	}
	// Segments: PME = Alpha 4 000 + Beta 1 250 (September 3 000 + 2 400);
	// none = Delta 3 000; Grands comptes = Gamma 2 000 + 500 (two orders, one customer).
	wantSeg := []row{{"PME", 525000, 540000, 2, 2}, {"", 300000, 0, 1, 1}, {"Grands comptes", 250000, 0, 2, 1}}
	if got := rows(r.Segments); !reflect.DeepEqual(got, wantSeg) {
		t.Errorf("segments = %+v\nwant %+v", got, wantSeg)
	}
	// Regions: Est = Alpha 4 000 + Gamma 2 500 (September: Alpha 3 000); none = Delta; Ouest = Beta 1 250 (2 400).
	wantReg := []row{{"Est", 650000, 300000, 3, 2}, {"", 300000, 0, 1, 1}, {"Ouest", 125000, 240000, 1, 1}}
	if got := rows(r.Regions); !reflect.DeepEqual(got, wantReg) {
		t.Errorf("regions = %+v\nwant %+v", got, wantReg)
	}
}

func TestMonthlyPipelineAndDeals(t *testing.T) {
	f := buildFixture(t)
	r := monthly(t, f)
	p := r.Pipeline
	// Qualification: D1 10 000 (10 %) + D5 3 000 (15 %) = 13 000, weighted
	// 1 000 + 450. Proposition: D2 4 000 (60 %) + D3 2 000 (50 %) + D6 1 000
	// (50 %) + E1 2 000 (50 %, from the trade show) = 9 000, weighted 2 400 +
	// 1 000 + 500 + 1 000. D4 and E4 are in pounds.
	if len(p.Stages) != 2 || p.Stages[0].Name != "Qualification" || p.Stages[1].Name != "Proposition" {
		t.Fatalf("stages = %+v", p.Stages)
	}
	eq(t, "qualification", [3]int64{p.Stages[0].Deals, p.Stages[0].Amount, p.Stages[0].Weighted}, [3]int64{2, 1300000, 145000})
	eq(t, "proposition", [3]int64{p.Stages[1].Deals, p.Stages[1].Amount, p.Stages[1].Weighted}, [3]int64{4, 900000, 490000})
	eq(t, "pipeline", [3]int64{p.Deals, p.Amount, p.Weighted}, [3]int64{6, 2200000, 635000})
	eq(t, "deals in pounds", p.OtherCurrencyDeals, int64(2))
	// October: W1, W2 won, L1 lost: 2 / 3 = 66.67 %; September: W3 won, L2 lost: 50 %.
	w := r.WinRate
	eq(t, "won/lost", [4]int64{w.Won, w.Lost, w.WonValue, w.LostValue}, [4]int64{2, 1, 500000, 300000})
	rate, _ := w.Rate()
	prev, _ := w.PrevRate()
	eq(t, "win rate", [2]int64{rate, prev}, [2]int64{6667, 5000})
	// Cycle: W1 from its proposal (29 August) to 8 October = 40 days; W2
	// cannot be measured. September: W3 from its call (5 September) to 25 September = 20 days.
	eq(t, "cycle", r.Cycle, report.Cycle{AvgDays: 40, Measured: 1, Unmeasured: 1, PrevAvgDays: 20, PrevOK: true})
}

func TestMonthlyIssues(t *testing.T) {
	f := buildFixture(t)
	r := monthly(t, f)
	// October: opened I1, I3, I4; closed I2 (5 October) and I4; overdue at
	// the end: I1 (due 10 October, open). End of September: I2 was overdue
	// (due 25 September, resolved 5 October); opened then: I2.
	eq(t, "opened", r.Issues.Opened, report.Figure{Value: 3, Previous: 1})
	eq(t, "closed", r.Issues.Closed, report.Figure{Value: 2, Previous: 0})
	eq(t, "overdue", r.Issues.Overdue, report.Figure{Value: 1, Previous: 1})
	want := []report.DepartmentIssues{{Department: "logistics", Opened: 2, Overdue: 1}, {Department: "customer_service", Opened: 1, Closed: 1},
		{Department: "finance", Closed: 1}}
	if !reflect.DeepEqual(r.IssuesByDep, want) {
		t.Errorf("by department = %+v", r.IssuesByDep)
	}
	// November, the month in progress: overdue today (27 November) are I1
	// and I3 (due 10 November).
	nov, err := report.Monthly(t.Context(), f.s, october.Add(1), report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "November is partial", nov.Partial, true)
	eq(t, "overdue now", nov.Issues.Overdue.Value, int64(2))
}

func TestMonthlyTrend(t *testing.T) {
	f := buildFixture(t)
	tr := monthly(t, f).Trend
	// History starts with O14 on 15 June 2025: June is shown, marked
	// partial, and left out of the fit; July 2025 to October 2026 is 16
	// complete months, fewer than 24: Holt's method.
	if len(tr.Months) != 17 || tr.Months[0].Month != (report.Month{Year: 2025, Month: time.June}) || !tr.Months[0].Partial || tr.Months[1].Partial {
		t.Fatalf("months = %+v", tr.Months)
	}
	sales := map[string]int64{}
	for _, m := range tr.Months {
		sales[m.Month.String()] = m.Sales
	}
	want := map[string]int64{"2025-06": 100000, "2025-10": 400000, "2026-07": 300000, "2026-08": 900000, "2026-09": 540000, "2026-10": 1075000}
	for m, v := range sales {
		if v != want[m] {
			t.Errorf("sales of %s = %d, want %d", m, v, want[m])
		}
	}
	eq(t, "method", tr.Method, report.MethodHolt)
	// Deal share: won in euros November 2025 – October 2026, W1 5 000 + W3
	// 1 000, over that year's sales 3 000 + 9 000 + 5 400 + 10 750 = 28 150: 21.31 %.
	eq(t, "deal share", tr.DealShareBP, int64(2131))
	// Pipeline by expected close: November gets D2 (20 Nov) and D3 (overdue
	// since 10 October): 2 400 + 1 000; December D1: 1 000; January nothing
	// (D5 closes in March, D6 and the show's E1 have no date).
	if len(tr.Forecast) != 3 {
		t.Fatalf("forecast = %+v", tr.Forecast)
	}
	pipe := [3][2]int64{}
	for i, p := range tr.Forecast {
		pipe[i] = [2]int64{p.Deals, p.Pipeline}
		if p.Baseline != int64(math.Round(float64(p.TimeSeries)*(10000-2131)/10000)) || p.Total != p.Baseline+p.Pipeline {
			t.Errorf("forecast %s does not add up: %+v", p.Month, p)
		}
	}
	eq(t, "pipeline by month", pipe, [3][2]int64{{2, 340000}, {1, 100000}, {0, 0}})
	eq(t, "first forecast month", tr.Forecast[0].Month, report.Month{Year: 2026, Month: time.November})
	// Six months backtested, each forecast from the months before it alone.
	if len(tr.Backtest) != 6 || tr.Backtest[5].Month != october || tr.Backtest[5].Actual != 1075000 {
		t.Errorf("backtest = %+v", tr.Backtest)
	}
	if _, ok := tr.MAPE(); !ok {
		t.Error("no backtest error")
	}
}

// TestSeasonalNaive fits on 26 complete months, enough for the seasonal
// naive method. Sales: 1 000 € a month from September 2024 to August 2025,
// then 2 000 € a month to October 2026.
func TestSeasonalNaive(t *testing.T) {
	s := modeltest.Open(t)
	a := &model.Account{Name: "Client"}
	modeltest.Create(t, s, a)
	first := report.Month{Year: 2024, Month: time.September}
	for i := 0; i < 26; i++ {
		net := int64(100000)
		if i >= 12 {
			net = 200000
		}
		m := first.Add(i)
		modeltest.Create(t, s, &model.Order{Number: "C" + m.String(), AccountID: a.ID, OrderDate: m.First(), Currency: "EUR", NetMinor: net, Status: model.OrderInvoiced})
	}
	tr, err := report.Trends(t.Context(), s, october, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "method", tr.Method, report.MethodSeasonalNaive)
	eq(t, "months shown", len(tr.Months), 24)
	// Growth: the last twelve months (Nov 2025 – Oct 2026) 24 000 over the
	// twelve before (Nov 2024 – Aug 2025 at 1 000, Sep – Oct 2025 at 2 000):
	// 14 000; 24/14 = 1.714…; November 2026 = November 2025 (2 000) × 1.714… = 3 428.57.
	if math.Abs(tr.Growth-24.0/14) > 1e-9 {
		t.Errorf("growth = %v", tr.Growth)
	}
	eq(t, "November forecast", tr.Forecast[0].TimeSeries, int64(342857))
	// Backtest, two months (26 − 24): September 2026 from the 24 months
	// before: growth 24 000 / 12 000 = 2, September 2025 × 2 = 4 000 (sold
	// 2 000). October: growth 24 000 / 13 000, October 2025 × that = 3 692.31.
	want := []report.BacktestPoint{{Month: october.Add(-1), Forecast: 400000, Actual: 200000}, {Month: october, Forecast: 369231, Actual: 200000}}
	if !reflect.DeepEqual(tr.Backtest, want) {
		t.Errorf("backtest = %+v, want %+v", tr.Backtest, want)
	}
	// Errors: +100 % and +84.62 %; MAPE 92.31 %.
	mape, _ := tr.MAPE()
	eq(t, "MAPE", mape, int64(9231))
}

func TestTrendTooShort(t *testing.T) {
	s := modeltest.Open(t)
	tr, err := report.Trends(t.Context(), s, october, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tr.Method != report.MethodNone || len(tr.Forecast) != 0 || len(tr.Months) != 0 {
		t.Errorf("trend of an empty store = %+v", tr)
	}
	r, err := report.Monthly(t.Context(), s, october, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "empty report's currency (the setting's default)", r.Currency, "EUR")
	eq(t, "empty sales", r.Sales, report.Figure{})
}

func TestEventReport(t *testing.T) {
	f := buildFixture(t)
	r, err := report.Event(t.Context(), f.s, f.show.ID, report.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Leads: A, A, B, C and one ungraded; the ungraded one gave no consent.
	eq(t, "leads", len(r.Leads), 5)
	eq(t, "by grade", [5]int64{r.ByGrade["A"], r.ByGrade["B"], r.ByGrade["C"], r.ByGrade["D"], r.ByGrade[""]}, [5]int64{2, 1, 1, 0, 1})
	eq(t, "consented", r.Consented, int64(4))
	var grades string
	for _, l := range r.Leads {
		grades += l.Grade + "."
	}
	eq(t, "leads best grade first", grades, "A.A.B.C..")
	// Meetings: two booth meetings and the breakfast held; the follow-up
	// visit on 30 November is planned; the session and the cancelled
	// appointment are not meetings.
	eq(t, "meetings", [2]int64{r.MeetingsHeld, r.MeetingsTotal}, [2]int64{3, 4})
	// Proposals: Q-E1 sent 1 000, Q-E2 accepted 3 000, Q-E1B a draft.
	eq(t, "proposals", len(r.Proposals), 3)
	eq(t, "issued", [4]int64{r.Issued, r.IssuedValue, r.Accepted, r.AcceptedValue}, [4]int64{2, 400000, 1, 300000})
	// Deals: E1 open 2 000 at 50 %, E2 won 3 000, E3 lost, E4 open in pounds.
	eq(t, "deals", [6]int64{int64(len(r.Deals)), r.OpenDeals, r.Pipeline, r.Weighted, r.Won, r.WonValue}, [6]int64{4, 2, 200000, 100000, 1, 300000})
	eq(t, "other currency", r.OtherCurrency, int64(1))
	// Costs: planned 5 000 + 1 000; actual 5 500; best estimate 5 500 + 1 000
	// = 6 500 of a 10 000 budget (65 %); per lead 6 500 / 5 = 1 300; per A or
	// B lead 6 500 / 3 = 2 166.67.
	eq(t, "cost items", len(r.Costs), 2)
	eq(t, "costs", [4]int64{r.Budget, r.Planned, r.Actual, r.Cost}, [4]int64{1000000, 600000, 550000, 650000})
	used, _ := r.BudgetUsed()
	eq(t, "budget used", used, int64(6500))
	eq(t, "cost per lead", [2]int64{r.CostPerLead, r.CostPerQualLead}, [2]int64{130000, 216667})
}

func TestAgenda(t *testing.T) {
	f := buildFixture(t)
	a, err := report.AgendaOf(t.Context(), f.s, f.seminar.ID)
	if err != nil {
		t.Fatal(err)
	}
	eq(t, "zone", a.Location.String(), "Europe/Paris")
	if len(a.Days) != 2 || len(a.Days[0].Slots) != 3 || len(a.Days[1].Slots) != 1 {
		t.Fatalf("days = %+v", a.Days)
	}
	first := a.Days[0].Slots[0]
	eq(t, "first slot", first.Start.Format("2006-01-02 15:04 MST"), "2026-12-07 09:00 CET")
	eq(t, "first slot lead", first.Lead, "Alice")
	eq(t, "guest", a.Days[0].Slots[2].Guest, "Zoé Invitée (Gamma)")
	var people []string
	for _, p := range a.Attendees {
		people = append(people, p.Kind+":"+p.Name)
	}
	// Slot leads and the invitation's members, its contact, and an address
	// that is nobody we know (Alice's address is Alice, not a guest).
	want := []string{"member:Alice", "member:Bruno", "member:Chloé", "member:Dan", "contact:Zoé Invitée", "guest:invite@partner.example"}
	if !reflect.DeepEqual(people, want) {
		t.Errorf("attendees = %q\nwant %q", people, want)
	}
}

func TestFindEvent(t *testing.T) {
	f := buildFixture(t)
	again := &model.Event{Name: "Salon Test", Type: "trade_show", StartDate: model.MustDate("2027-11-04"), Currency: "EUR", Status: "planned"}
	modeltest.Create(t, f.s, again)
	tests := []struct {
		ref, want, err string
	}{
		{f.show.ID, f.show.ID, ""},
		{"séminaire d'HIVER", f.seminar.ID, ""},
		{"Salon Test 2026", f.show.ID, ""},
		{"Salon Test 2027", again.ID, ""},
		{"Salon Test", "", `2 events match "Salon Test": Salon Test (2027-11-04), Salon Test (2026-11-05); add the year`},
		{"hiver", f.seminar.ID, ""},
		{"Nowhere", "", "no event is named"},
	}
	for _, tc := range tests {
		t.Run(tc.ref, func(t *testing.T) {
			e, err := report.FindEvent(t.Context(), f.s.DB(), tc.ref)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil || e.ID != tc.want {
				t.Fatalf("got %v, %v", e, err)
			}
		})
	}
	if _, err := report.FindEvent(t.Context(), f.s.DB(), "Nowhere"); !errors.Is(err, model.ErrNotFound) {
		t.Errorf("unknown event: %v is not ErrNotFound", err)
	}
}

func TestBehind(t *testing.T) {
	f := buildFixture(t)
	opts := report.Options{Currency: "EUR"}
	labels := func(items []report.Item) (out []string) {
		for _, it := range items {
			out = append(out, it.Label)
		}
		return
	}
	tests := []struct {
		fig, key string
		limit    int
		want     []string
		total    int
	}{
		{report.FigSales, "", 3, []string{"O1", "O4", "O2"}, 5},
		{report.FigRep, f.bruno.ID, 0, []string{"O4", "O3"}, 2},
		{report.FigRep, "", 0, []string{"O7"}, 1},
		{report.FigProduct, f.p["P3"].ID, 0, []string{"O1", "O3"}, 2},
		{report.FigNewCustomers, "", 0, []string{"Delta"}, 1},
		{report.FigPipeline, "", 2, []string{"D2", "D1"}, 6}, // weighted 2 400, then 1 000 (D1, D3, E1 tie: by title)
		{report.FigPipeline, f.qualif.ID, 0, []string{"D1", "D5"}, 2},
		{report.FigWon, "", 0, []string{"W1", "W2"}, 2},
		{report.FigLost, "", 0, []string{"L1"}, 1},
		{report.FigIssuesOpened, "", 0, []string{"I1", "I4", "I3"}, 3},
		{report.FigIssuesClosed, "", 0, []string{"I2", "I4"}, 2},
		{report.FigIssuesOverdue, "", 0, []string{"I1"}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.fig, func(t *testing.T) {
			items, total, err := report.Behind(t.Context(), f.s, october, tc.fig, tc.key, opts, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			if got := labels(items); !reflect.DeepEqual(got, tc.want) || total != tc.total {
				t.Errorf("got %q (%d in all), want %q (%d)", got, total, tc.want, tc.total)
			}
		})
	}
	if _, _, err := report.Behind(t.Context(), f.s, october, "bogus", "", opts, 0); err == nil {
		t.Error("an unknown figure is accepted")
	}
	items, _, _ := report.Behind(t.Context(), f.s, october, report.FigSales, "", opts, 1)
	if len(items) != 1 || items[0].Kind != model.KindOrder || items[0].ID != f.orders["O1"].ID || items[0].Amount != 400000 || items[0].Detail != "Alpha" || items[0].AccountID != f.a1.ID {
		t.Errorf("first order behind sales = %+v", items)
	}
}

func TestParseMonth(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want report.Month
		ok   bool
	}{{"2026-10", october, true}, {" 2026-01 ", report.Month{Year: 2026, Month: time.January}, true}, {"2026-13", report.Month{}, false},
		{"10/2026", report.Month{}, false}, {"", report.Month{}, false}} {
		got, err := report.ParseMonth(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseMonth(%q) = %v, %v", tc.in, got, err)
		}
	}
	eq(t, "Add(-10)", october.Add(-10).String(), "2025-12")
	eq(t, "Add(3)", october.Add(3).String(), "2027-01")
	eq(t, "Last", report.Month{Year: 2028, Month: time.February}.Last(), model.MustDate("2028-02-29"))
	eq(t, "Sub", october.Sub(report.Month{Year: 2025, Month: time.December}), 10)
}
