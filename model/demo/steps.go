package demo

import (
	"fmt"
	"strings"
	"time"

	"relais/model"
)

func (g *gen) team() error {
	people := []struct {
		name, role, region string
		target             int64
	}{
		{"Camille Roussel", model.RoleCoordinator, "France", 0},
		{"Julien Marchetti", model.RoleManager, "France", 12000000},
		{"Sophie Lambert", model.RoleRep, "Auvergne-Rhône-Alpes", 6000000},
		{"Mathieu Girard", model.RoleRep, "Île-de-France", 7000000},
		{"Inès Benali", model.RoleRep, "Occitanie", 4500000},
		{"Loïc Le Gall", model.RoleRep, "Pays de la Loire", 4000000},
		{"Hélène Vasseur", model.RoleRep, "Hauts-de-France", 4000000},
		{"Emma Clarke", model.RoleRep, "London", 5000000},
		{"Oliver Bennett", model.RoleRep, "North West", 3500000},
		{"Zoé Faure", model.RoleRep, "Nouvelle-Aquitaine", 4000000},
	}
	for i, p := range people {
		first, last, _ := strings.Cut(p.name, " ")
		// Targets follow the volume generated (about €0.3–0.8M a month per
		// rep at scale 1), so attainment reads as a real team's would.
		m := &model.TeamMember{Name: p.name, Email: emailOf(first, last, "relais-demo.fr"), Phone: g.phone(true), Role: p.role,
			Region: p.region, TargetMinor: p.target * 10 * int64(g.opts.Scale), TargetCurrency: "EUR", Active: true, StartDate: g.day(400 + 90*i)}
		if i == len(people)-1 {
			m.StartDate = g.day(20) // a new rep being onboarded
		}
		if err := g.create(m); err != nil {
			return err
		}
		g.members = append(g.members, m)
		if p.role == model.RoleRep {
			g.reps = append(g.reps, m)
		}
	}
	return nil
}

func (g *gen) pipeline() error {
	for i, s := range []struct {
		name    string
		prob    int64
		outcome string
	}{{"Qualification", 10, "open"}, {"Découverte", 25, "open"}, {"Proposition", 50, "open"}, {"Négociation", 75, "open"},
		{"Gagné", 100, "won"}, {"Perdu", 0, "lost"}} {
		st := &model.Stage{Name: s.name, Position: int64(i + 1), Probability: s.prob, Outcome: s.outcome}
		if err := g.create(st); err != nil {
			return err
		}
		g.stages = append(g.stages, st)
	}
	return nil
}

func (g *gen) eventsAndVendors() error {
	for i, s := range showSeeds {
		year := g.now.Year()
		start := time.Date(year, time.Month(s.month), s.day, 0, 0, 0, 0, time.UTC)
		if start.Before(g.now.AddDate(0, -10, 0)) {
			start = start.AddDate(1, 0, 0)
		}
		if start.After(g.now.AddDate(0, 8, 0)) {
			start = start.AddDate(-1, 0, 0)
		}
		status := "planned"
		if start.Before(g.now) {
			status = "done"
		}
		e := &model.Event{Name: s.name, Type: "trade_show", Venue: s.venue, Address: s.address, City: s.city, Country: s.country,
			StartDate: model.DateOf(start), EndDate: model.DateOf(start.AddDate(0, 0, s.days-1)), TZ: s.tz,
			Booth: fmt.Sprintf("Hall %d — stand %c%d", 1+i%6, 'A'+rune(i), 10+g.r.IntN(80)), BoothSize: fmt.Sprintf("%d m²", 18+6*g.r.IntN(5)),
			BudgetMinor: int64(15000+5000*g.r.IntN(8)) * 100, Currency: "EUR", Status: status}
		if err := g.create(e); err != nil {
			return err
		}
		g.events = append(g.events, e)
	}
	sales := &model.Event{Name: "Séminaire commercial de printemps", Type: "sales_meeting", Venue: "Château de la Verrerie",
		Address: "Route de Bourges, 18700 Oizon", City: "Oizon", Country: "FR", StartDate: g.day(-40), EndDate: g.day(-41),
		TZ: "Europe/Paris", BudgetMinor: 1200000, Currency: "EUR", Status: "planned"}
	if err := g.create(sales); err != nil {
		return err
	}
	g.events = append(g.events, sales)
	for _, v := range []struct{ name, provides, contact string }{
		{"Transports Brunet & Fils", "Transport de stand aller-retour", "Marc Brunet"},
		{"Traiteur Les Saveurs d'Ysé", "Traiteur et café sur le stand", "Ysé Marchal"},
		{"Imprimerie Lumière", "Brochures, kakémonos, badges", "Noémie Roux"},
		{"Hôtel Kyriad Centre", "Hébergement de l'équipe", "Accueil groupes"},
		{"StandDesign Europe", "Conception et montage du stand", "Pieter de Vries"},
		{"Voyages Horizon", "Billets de train et d'avion", "Service affaires"},
	} {
		first, last, _ := strings.Cut(v.contact, " ")
		vd := &model.Vendor{Name: v.name, Provides: v.provides, ContactName: v.contact, Email: emailOf(first, last, "fournisseur-demo.fr"), Phone: g.phone(true)}
		if err := g.create(vd); err != nil {
			return err
		}
		g.vendors = append(g.vendors, vd)
	}
	return nil
}

func (g *gen) accountsAndContacts() error {
	nAcc := g.scaled(baseAccounts)
	perAccount := baseContacts / baseAccounts
	for i := 0; i < nAcc; i++ {
		fr := g.chance(0.8)
		var name, street, domain string
		var pl place
		if fr {
			name = pick(g, companyStemsFR) + " " + pick(g, companyTailsFR)
			pl = pick(g, placesFR)
			street = fmt.Sprintf("%d %s", 1+g.r.IntN(120), pick(g, streetsFR))
		} else {
			name = pick(g, companyStemsEN) + " " + pick(g, companyTailsEN)
			pl = pick(g, placesEN)
			street = fmt.Sprintf("%d %s", 1+g.r.IntN(120), pick(g, streetsEN))
		}
		if g.chance(0.5) {
			name += " " + pl.city
		}
		domain = fmt.Sprintf("client%d.example", i+1)
		owner := pick(g, g.reps)
		var tags []string
		if g.chance(0.4) {
			tags = append(tags, pick(g, tagsPool))
		}
		a := &model.Account{Name: name, Industry: pick(g, industries), Segment: pick(g, segments), Region: pl.region, Street: street,
			PostalCode: pl.postal, City: pl.city, Country: pl.country, Website: "https://www." + domain, Phone: g.phone(fr),
			Email: "contact@" + domain, OwnerID: owner.ID, Tags: tags}
		if err := g.create(a); err != nil {
			return err
		}
		g.accounts = append(g.accounts, a)
		var cs []*model.Contact
		for j := 0; j < perAccount; j++ {
			first, last := g.person(fr)
			title := pick(g, titlesEN)
			if fr {
				title = pick(g, titlesFR)
			}
			c := &model.Contact{AccountID: a.ID, FirstName: first, LastName: last, Title: title,
				Emails: []string{emailOf(first, last, domain)}, Phones: []string{g.phone(fr)}, Language: map[bool]string{true: "fr", false: "en"}[fr],
				Source: pick(g, []string{"website", "referral", "trade_show", "cold_call", "import"}), OwnerID: owner.ID}
			if c.Source == "trade_show" {
				ev := pick(g, g.events[:len(showSeeds)])
				c.SourceEventID = ev.ID
				c.Grade = pick(g, []string{"A", "B", "B", "C", "C", "D"})
				c.Consent, c.ConsentAt = true, ev.StartDate.Time(time.UTC).Add(11*time.Hour)
				c.ConsentText = "J'accepte d'être recontacté(e) au sujet des produits présentés."
				c.ConsentSource = "Scan du badge — " + ev.Name
			} else if g.chance(0.6) {
				c.Consent, c.ConsentAt, c.ConsentText, c.ConsentSource = true, g.workTime(g.day(30+g.r.IntN(500))), "Newsletter et offres commerciales", "Formulaire web"
			}
			if err := g.create(c); err != nil {
				return err
			}
			cs = append(cs, c)
		}
		g.contacts = append(g.contacts, cs)
	}
	return nil
}

func (g *gen) catalogue() error {
	for i := 0; i < productCount; i++ {
		seed := productSeeds[i%len(productSeeds)]
		variant := variants[(i/len(productSeeds))%len(variants)]
		price := seed.priceMinor + seed.priceMinor*int64(i/len(productSeeds))/10
		avail := pick(g, []string{model.InStock, model.InStock, model.InStock, model.LowStock, model.Backorder})
		if i%47 == 46 {
			avail = model.Discontinued
		}
		p := &model.Product{SKU: fmt.Sprintf("%s-%04d", skuPrefix(seed.category), 1000+i), Name: seed.name + variant,
			Description: "Gamme professionnelle, garantie 2 ans pièces et main-d'œuvre.", Category: seed.category, Unit: seed.unit,
			PriceMinor: price, Currency: "EUR", TaxRateBP: seed.taxBP, Availability: avail}
		if err := g.create(p); err != nil {
			return err
		}
		g.products = append(g.products, p)
		// Price history: the list price a year ago, then today's.
		old := &model.ProductPrice{ProductID: p.ID, PriceMinor: price * 95 / 100, Currency: "EUR", EffectiveFrom: g.day(500), Note: "Tarif précédent"}
		cur := &model.ProductPrice{ProductID: p.ID, PriceMinor: price, Currency: "EUR", EffectiveFrom: g.day(120 + g.r.IntN(60)), Note: "Tarif en vigueur"}
		if err := g.create(old); err != nil {
			return err
		}
		if err := g.create(cur); err != nil {
			return err
		}
	}
	return nil
}

// skuPrefix is the first three letters of the category, unaccented and in
// capitals ("Préparation" → "PRE"): byte slicing would cut "é" in half.
func skuPrefix(category string) string {
	return strings.ToUpper(ascii(category)[:3])
}

func (g *gen) terms() error {
	for _, t := range []*model.TermsTemplate{
		{Name: "Conditions générales de vente", Language: "fr", Body: "Prix en euros hors taxes. Acompte de 30 % à la commande, solde à la livraison. " +
			"Livraison franco à partir de 1 500 € HT. Garantie constructeur de 2 ans pièces et main-d'œuvre. Offre valable jusqu'à la date indiquée."},
		{Name: "General terms of sale", Language: "en", Body: "Prices in euros excluding VAT. 30% deposit with the order, balance on delivery. " +
			"Free delivery from €1,500 excl. VAT. Two-year manufacturer's warranty on parts and labour. Offer valid until the date shown."},
	} {
		if err := g.create(t); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) randomContact() (*model.Account, *model.Contact) {
	i := g.r.IntN(len(g.accounts))
	cs := g.contacts[i]
	return g.accounts[i], cs[g.r.IntN(len(cs))]
}

func (g *gen) dealsGen() error {
	n := g.scaled(baseDeals)
	for i := 0; i < n; i++ {
		a, c := g.randomContact()
		age := g.r.IntN(historyMonths * 30)
		stage := g.stages[g.r.IntN(4)]
		status := model.OutcomeOpen
		var closed model.Date
		lostReason := ""
		if age > 90 || g.chance(0.3) {
			if g.chance(0.45) {
				stage, status = g.stages[4], model.OutcomeWon
			} else {
				stage, status, lostReason = g.stages[5], model.OutcomeLost, pick(g, lostReasons)
			}
			closed = g.day(age - 20 - g.r.IntN(40))
			if closed.Time(time.UTC).After(g.now) {
				closed = g.day(0)
			}
		}
		p := g.products[g.r.IntN(len(g.products))]
		d := &model.Deal{Title: fmt.Sprintf("%s — %s", a.Name, p.Category), AccountID: a.ID, ContactID: c.ID, StageID: stage.ID,
			AmountMinor: int64(2+g.r.IntN(60)) * 50000, Currency: "EUR", Probability: stage.Probability,
			ExpectedClose: g.day(age - 45), OwnerID: a.OwnerID, Status: status, ClosedOn: closed, LostReason: lostReason}
		if c.Grade != "" {
			d.Grade, d.SourceEventID = c.Grade, c.SourceEventID
		}
		if err := g.create(d); err != nil {
			return err
		}
		g.deals = append(g.deals, d)
	}
	return nil
}

// lineNet is the demo's own line arithmetic: quantity × price, then the
// discount, each rounded half away from zero to the minor unit.
func lineNet(qtyMilli, unitMinor, discountBP int64) int64 {
	gross := (qtyMilli*unitMinor + 500) / 1000
	return gross - (gross*discountBP+5000)/10000
}

func (g *gen) proposals() error {
	n := g.scaled(baseProposals)
	for i := 0; i < n; i++ {
		d := g.deals[g.r.IntN(len(g.deals))]
		issue := g.day(g.r.IntN(historyMonths * 30))
		number, err := g.tx.NextNumber("Q", issue.Year)
		if err != nil {
			return err
		}
		status := pick(g, []string{model.ProposalSent, model.ProposalSent, model.ProposalAccepted, model.ProposalDeclined, model.ProposalDraft})
		if issue.AddDays(30).Before(model.DateOf(g.now)) && status == model.ProposalSent {
			status = model.ProposalExpired
		}
		lang := "fr"
		if g.chance(0.2) {
			lang = "en"
		}
		p := &model.Proposal{Number: number, Revision: 1, Title: "Équipement de cuisine", AccountID: d.AccountID, ContactID: d.ContactID,
			DealID: d.ID, IssueDate: issue, ValidUntil: issue.AddDays(30), PricesAsOf: issue, Currency: "EUR", Language: lang,
			Status: status, DiscountBP: int64(g.r.IntN(3)) * 250, OwnerID: d.OwnerID,
			CoverLetter: "Madame, Monsieur,\n\nSuite à notre échange, nous avons le plaisir de vous adresser notre meilleure offre.",
			Terms:       "Prix en euros hors taxes. Acompte de 30 % à la commande, solde à la livraison."}
		if lang == "en" {
			p.Title, p.CoverLetter, p.Terms = "Kitchen equipment", "Dear customer,\n\nFollowing our conversation, please find our best offer below.", "Prices in euros excluding VAT. 30% deposit with the order."
		}
		if err := g.create(p); err != nil {
			return err
		}
		nLines := 3 + g.r.IntN(8)
		for j := 0; j < nLines; j++ {
			pr := g.products[g.r.IntN(len(g.products))]
			section := "Équipement"
			if pr.Category == "Service" {
				section = "Services"
			}
			l := &model.ProposalLine{ProposalID: p.ID, Position: int64(j + 1), Section: section, ProductID: pr.ID, SKU: pr.SKU,
				Description: pr.Name, QuantityMilli: int64(1+g.r.IntN(4)) * 1000, Unit: pr.Unit, UnitPriceMinor: pr.PriceMinor,
				DiscountBP: int64(g.r.IntN(3)) * 500, TaxRateBP: pr.TaxRateBP, Optional: j == nLines-1 && g.chance(0.3)}
			if err := g.create(l); err != nil {
				return err
			}
		}
	}
	return nil
}

// ordersGen spreads orders over 18 months with a steady growth and a
// seasonal rhythm (quiet August, busy spring and autumn), so the monthly
// report and its forecast have something real to find.
func (g *gen) ordersGen() error {
	n := g.scaled(baseOrders)
	season := [13]float64{0, 0.9, 0.95, 1.15, 1.1, 1.05, 1.0, 0.85, 0.5, 1.1, 1.2, 1.1, 0.95}
	var weights []float64
	var total float64
	start := g.now.AddDate(0, -historyMonths, 0)
	days := int(g.now.Sub(start).Hours() / 24)
	for d := 0; d < days; d++ {
		day := start.AddDate(0, 0, d)
		w := (1 + 0.6*float64(d)/float64(days)) * season[day.Month()]
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			w *= 0.1
		}
		weights = append(weights, w)
		total += w
	}
	for i := 0; i < n; i++ {
		x := g.r.Float64() * total
		d := 0
		for ; d < len(weights)-1 && x > weights[d]; d++ {
			x -= weights[d]
		}
		date := model.DateOf(start.AddDate(0, 0, d))
		a, c := g.randomContact()
		number, err := g.tx.NextNumber("C", date.Year)
		if err != nil {
			return err
		}
		age := int(g.now.Sub(date.Time(time.UTC)).Hours() / 24)
		status := model.OrderInvoiced
		var delivered model.Date
		promised := date.AddDays(7 + g.r.IntN(21))
		switch {
		case age < 10:
			status = model.OrderOpen
		case age < 25:
			status = model.OrderShipped
		default:
			delivered = promised.AddDays(g.r.IntN(9) - 2)
			if g.chance(0.85) {
				delivered = promised.AddDays(-g.r.IntN(3))
			}
		}
		if g.chance(0.02) {
			status = model.OrderCancelled
		}
		o := &model.Order{Number: number, AccountID: a.ID, ContactID: c.ID, OwnerID: a.OwnerID, OrderDate: date, Currency: "EUR",
			Status: status, PromisedDate: promised, DeliveredDate: delivered}
		if err := g.create(o); err != nil {
			return err
		}
		nLines := 1 + g.r.IntN(4)
		var net int64
		for j := 0; j < nLines; j++ {
			// Popular products sell more: a skewed pick over the catalogue.
			pi := int(float64(len(g.products)) * g.r.Float64() * g.r.Float64())
			pr := g.products[pi]
			qty := int64(1+g.r.IntN(5)) * 1000
			disc := int64(g.r.IntN(3)) * 500
			l := &model.OrderLine{OrderID: o.ID, ProductID: pr.ID, Description: pr.Name, QuantityMilli: qty, UnitPriceMinor: pr.PriceMinor,
				DiscountBP: disc, TaxRateBP: pr.TaxRateBP, NetMinor: lineNet(qty, pr.PriceMinor, disc)}
			if err := g.create(l); err != nil {
				return err
			}
			net += l.NetMinor
		}
		if err := g.tx.Set(model.KindOrder, o.ID, model.FieldMap{"net_minor": net}); err != nil {
			return err
		}
		g.orders = append(g.orders, o)
	}
	return nil
}

func (g *gen) activities() error {
	n := g.scaled(baseActivities)
	types := []string{model.ActivityCall, model.ActivityCall, model.ActivityEmail, model.ActivityEmail, model.ActivityMeeting, model.ActivityVisit, model.ActivityNote}
	for i := 0; i < n; i++ {
		a, c := g.randomContact()
		at := g.workTime(g.day(g.r.IntN(historyMonths * 30)))
		summary := fmt.Sprintf(pick(g, activitySummariesFR), c.FullName())
		if c.Language == "en" {
			summary = fmt.Sprintf(pick(g, activitySummariesEN), c.FullName())
		}
		act := &model.Activity{Type: pick(g, types), At: at, OwnerID: a.OwnerID, Summary: summary, Outcome: pick(g, outcomes),
			DurationMin: int64(5 + 5*g.r.IntN(12)), ContactID: c.ID, AccountID: a.ID}
		if g.chance(0.3) {
			act.DealID = g.deals[g.r.IntN(len(g.deals))].ID
			act.AccountID = ""
			act.ContactID = ""
		}
		if err := g.create(act); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) appointments() error {
	n := g.scaled(baseAppointments)
	for i := 0; i < n; i++ {
		a, c := g.randomContact()
		day := g.day(30 - g.r.IntN(90)) // from a month ago to two months ahead
		start := g.workTime(day)
		title := "Rendez-vous " + a.Name
		if g.chance(0.3) {
			title = "Visite : " + a.Name
		}
		owner := a.OwnerID
		ap := &model.Appointment{UID: g.id() + "@relais-demo", Title: title, Start: start, End: start.Add(time.Duration(30+30*g.r.IntN(3)) * time.Minute),
			TZ: "Europe/Paris", Location: a.Street + ", " + a.PostalCode + " " + a.City, Attendees: []string{"contact:" + c.ID, "member:" + owner},
			Calendar: "Équipe", OwnerID: owner, ContactID: c.ID, AccountID: a.ID, Status: "confirmed"}
		if err := g.create(ap); err != nil {
			return err
		}
	}
	// The weekly team meeting, a recurring appointment.
	mon := g.now.AddDate(0, 0, -int(g.now.Weekday()+6)%7)
	start := time.Date(mon.Year(), mon.Month(), mon.Day(), 9, 0, 0, 0, paris).UTC()
	weekly := &model.Appointment{UID: g.id() + "@relais-demo", Title: "Réunion d'équipe commerciale", Start: start, End: start.Add(time.Hour),
		TZ: "Europe/Paris", Location: "Salle Lumière", RRule: "FREQ=WEEKLY;BYDAY=MO", Calendar: "Équipe", OwnerID: g.members[0].ID, Status: "confirmed"}
	for _, m := range g.members {
		weekly.Attendees = append(weekly.Attendees, "member:"+m.ID)
	}
	return g.create(weekly)
}

func (g *gen) tasks() error {
	n := g.scaled(baseTasks)
	titles := []string{"Relancer %s", "Envoyer le devis à %s", "Préparer la visite chez %s", "Confirmer la livraison pour %s", "Appeler %s pour la démonstration"}
	for i := 0; i < n; i++ {
		a, c := g.randomContact()
		due := g.workTime(g.day(7 - g.r.IntN(30)))
		status := model.TaskOpen
		var done time.Time
		if due.Before(g.now.AddDate(0, 0, -3)) && g.chance(0.7) {
			status, done = model.TaskDone, due
		}
		t := &model.Task{Title: fmt.Sprintf(pick(g, titles), c.FullName()), Due: due, Priority: int64(1 + g.r.IntN(3)), Status: status,
			AssigneeID: a.OwnerID, LinkKind: string(model.KindContact), LinkID: c.ID, DoneAt: done}
		if g.chance(0.15) {
			t.AssigneeID = g.members[0].ID // the coordinator's own
		}
		if err := g.create(t); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) issues() error {
	n := g.scaled(baseIssues)
	for i := 0; i < n; i++ {
		o := g.orders[len(g.orders)-1-g.r.IntN(min(len(g.orders), 400*g.opts.Scale))]
		t := pick(g, issueTitles)
		opened := g.workTime(g.day(g.r.IntN(120)))
		status := pick(g, []string{"open", "open", "in_progress", "waiting", "resolved", "closed"})
		ci := &model.ClientIssue{Title: fmt.Sprintf(t.title, o.Number), Type: t.typ, AccountID: o.AccountID, ContactID: o.ContactID, OrderID: o.ID,
			Department: t.dept, Priority: int64(1 + g.r.IntN(3)), Status: status, Due: model.DateOf(opened.AddDate(0, 0, 3+g.r.IntN(10))),
			AssigneeID: g.members[0].ID, Description: "Signalé par le client par téléphone.", OpenedAt: opened}
		if status == "resolved" || status == "closed" {
			ci.Resolution, ci.ResolvedAt = "Avoir émis et pièce renvoyée ; client informé.", opened.Add(72*time.Hour)
		}
		if err := g.create(ci); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) showLogistics() error {
	checklist := []struct{ title, category string }{
		{"Réserver l'emplacement du stand", "venue"}, {"Commander le traiteur du stand", "catering"},
		{"Réserver trains et hôtels de l'équipe", "travel"}, {"Expédier le stand (aller)", "shipping"},
		{"Organiser le retour du stand", "shipping"}, {"Imprimer brochures et tarifs", "print"}, {"Commander les badges exposants", "badges"},
	}
	for _, e := range g.events {
		if e.Type != "trade_show" {
			continue
		}
		loc := mustZone(e.TZ)
		for j, c := range checklist {
			due := e.StartDate.AddDays(-40 + 5*j)
			status := "todo"
			if due.Before(model.DateOf(g.now)) {
				status = pick(g, []string{"done", "done", "doing"})
			}
			planned := int64(500+g.r.IntN(40)*100) * 100
			var actual int64
			if status == "done" {
				actual = planned + int64(g.r.IntN(41)-20)*planned/100
			}
			it := &model.EventItem{EventID: e.ID, Title: c.title, Category: c.category, OwnerID: g.members[0].ID, Due: due, Status: status,
				VendorID: g.vendors[j%len(g.vendors)].ID, PlannedCostMinor: planned, ActualCostMinor: actual, Position: int64(j + 1)}
			if err := g.create(it); err != nil {
				return err
			}
		}
		for d := 0; d < 3; d++ {
			day := e.StartDate.AddDays(d)
			for k, rep := range g.reps[:4] {
				start := time.Date(day.Year, day.Month, day.Day, 9+4*(k%2), 0, 0, 0, loc)
				sh := &model.RotaShift{EventID: e.ID, MemberID: rep.ID, Start: start, End: start.Add(4 * time.Hour), Role: "Accueil stand"}
				if err := g.create(sh); err != nil {
					return err
				}
			}
			for k := 0; k < 4; k++ {
				a, c := g.randomContact()
				start := time.Date(day.Year, day.Month, day.Day, 10+k*2, 0, 0, 0, loc)
				sl := &model.AgendaSlot{EventID: e.ID, Start: start, End: start.Add(45 * time.Minute), Title: "Rendez-vous stand — " + a.Name,
					Type: "meeting", ContactID: c.ID, MemberID: a.OwnerID, Location: e.Booth}
				if err := g.create(sl); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
