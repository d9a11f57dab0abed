// Package demo fills a Relais database with a realistic, deterministic demo
// dataset: a French and English sales team selling catering equipment, with
// accounts, contacts, a pipeline, 18 months of orders with growth and
// seasonality, proposals, activities, appointments, trade shows and client
// issues. The same seed and scale always give the same records.
package demo

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"relais/model"
)

// Options choose how much to generate.
type Options struct {
	Scale    int            // multiplies the base volumes; 1 ≈ 1,500 contacts, 70 ≈ 100,000
	Seed     uint64         // same seed, same data
	Progress model.Progress // called now and then with records written so far and the total planned
}

// Counts is what Generate wrote, by kind.
type Counts map[model.Kind]int

// Base volumes at scale 1.
const (
	baseAccounts     = 300
	baseContacts     = 1500
	baseDeals        = 600
	baseActivities   = 8000
	baseProposals    = 150
	baseOrders       = 3000
	baseAppointments = 400
	baseIssues       = 120
	baseTasks        = 250
	teamSize         = 10
	productCount     = 200
	historyMonths    = 18
)

// Planned returns how many records Generate writes at the given scale (for progress bars).
func Planned(scale int) int {
	if scale < 1 {
		scale = 1
	}
	perScale := baseAccounts + baseContacts + baseDeals + baseActivities + baseProposals*8 + baseOrders*3 + baseAppointments + baseIssues + baseTasks
	return perScale*scale + teamSize + productCount*2 + 6*40
}

type gen struct {
	r       *rand.Rand
	tx      *model.Tx
	now     time.Time
	idSeq   uint64
	counts  Counts
	written int
	planned int
	opts    Options
	ctx     context.Context

	members  []*model.TeamMember
	reps     []*model.TeamMember
	stages   []*model.Stage
	accounts []*model.Account
	contacts [][]*model.Contact // by account index
	products []*model.Product
	events   []*model.Event
	vendors  []*model.Vendor
	deals    []*model.Deal
	orders   []*model.Order
}

// Generate writes the demo dataset in ONE transaction: cancelling ctx, or
// any error, leaves the database exactly as it was.
func Generate(ctx context.Context, s *model.Store, opts Options) (Counts, error) {
	if opts.Scale < 1 {
		opts.Scale = 1
	}
	if opts.Scale > 1000 {
		return nil, fmt.Errorf("demo: scale %d is too large (at most 1000)", opts.Scale)
	}
	g := &gen{r: rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)), now: s.Now().UTC(), counts: Counts{},
		opts: opts, ctx: ctx, planned: Planned(opts.Scale)}
	err := s.Write(ctx, func(tx *model.Tx) error {
		g.tx = tx
		steps := []func() error{g.team, g.pipeline, g.eventsAndVendors, g.accountsAndContacts, g.catalogue, g.terms,
			g.dealsGen, g.proposals, g.ordersGen, g.activities, g.appointments, g.tasks, g.issues, g.showLogistics}
		for _, step := range steps {
			if err := step(); err != nil {
				return err
			}
		}
		// The sync client refuses to send a demo database to a team hub.
		return tx.MarkDemo(fmt.Sprintf("scale %d, seed %d", opts.Scale, opts.Seed))
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	if opts.Progress != nil {
		opts.Progress(g.planned, g.planned)
	}
	return g.counts, nil
}

// id returns a deterministic UUIDv7-shaped id: same seed, same ids.
func (g *gen) id() string {
	g.idSeq++
	var b [16]byte
	binary.BigEndian.PutUint64(b[0:8], uint64(1735689600000+g.idSeq)<<16) // from 2025-01-01, one ms per record
	binary.BigEndian.PutUint64(b[8:], g.r.Uint64())
	b[6] = 0x70 | b[6]&0x0f
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

func (g *gen) create(r model.Record) error {
	r.Base().ID = g.id()
	if err := g.tx.Create(r); err != nil {
		return fmt.Errorf("create %s: %w", r.Kind(), err)
	}
	g.counts[r.Kind()]++
	g.written++
	if g.written%2000 == 0 {
		if err := g.ctx.Err(); err != nil {
			return err
		}
		if g.opts.Progress != nil {
			g.opts.Progress(g.written, g.planned)
		}
	}
	return nil
}

func pick[T any](g *gen, xs []T) T { return xs[g.r.IntN(len(xs))] }

func (g *gen) scaled(n int) int { return n * g.opts.Scale }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

// day returns a date daysAgo days before today (negative: in the future).
func (g *gen) day(daysAgo int) model.Date { return model.DateOf(g.now.AddDate(0, 0, -daysAgo)) }

var paris = mustZone("Europe/Paris")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		return time.UTC
	}
	return loc
}

// workTime returns a time during business hours (Paris) on the given date.
func (g *gen) workTime(d model.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 8+g.r.IntN(10), 15*g.r.IntN(4), 0, 0, paris).UTC()
}

func (g *gen) person(fr bool) (first, last string) {
	if fr {
		return pick(g, firstNamesFR), pick(g, lastNamesFR)
	}
	return pick(g, firstNamesEN), pick(g, lastNamesEN)
}

func emailOf(first, last, domain string) string {
	return ascii(first) + "." + ascii(last) + "@" + domain
}

// ascii lower-cases s and keeps only its letters, accents removed.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case strings.ContainsRune("àâä", r):
			b.WriteByte('a')
		case strings.ContainsRune("éèêë", r):
			b.WriteByte('e')
		case strings.ContainsRune("îï", r):
			b.WriteByte('i')
		case strings.ContainsRune("ôö", r):
			b.WriteByte('o')
		case strings.ContainsRune("ùûü", r):
			b.WriteByte('u')
		case r == 'ç':
			b.WriteByte('c')
		case r == 'œ':
			b.WriteString("oe")
		}
	}
	return b.String()
}

func (g *gen) phone(fr bool) string {
	if fr {
		return fmt.Sprintf("+33 %d %02d %02d %02d %02d", 1+g.r.IntN(5), g.r.IntN(100), g.r.IntN(100), g.r.IntN(100), g.r.IntN(100))
	}
	return fmt.Sprintf("+44 20 %04d %04d", g.r.IntN(10000), g.r.IntN(10000))
}
