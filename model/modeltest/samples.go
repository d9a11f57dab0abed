package modeltest

import (
	"testing"
	"time"

	"relais/model"
)

// Samples is one valid record of every kind, linked together the way real
// data is (the contact works at the account, the deal is on a stage …).
type Samples struct {
	Member      *model.TeamMember
	Stage       *model.Stage
	Event       *model.Event
	Account     *model.Account
	Contact     *model.Contact
	Deal        *model.Deal
	Activity    *model.Activity
	Task        *model.Task
	Product     *model.Product
	Price       *model.ProductPrice
	Proposal    *model.Proposal
	Line        *model.ProposalLine
	Order       *model.Order
	OrderLine   *model.OrderLine
	Vendor      *model.Vendor
	Appointment *model.Appointment
	EventItem   *model.EventItem
	Shift       *model.RotaShift
	Slot        *model.AgendaSlot
	Issue       *model.ClientIssue
	Terms       *model.TermsTemplate
}

// All returns the samples in dependency order, one per kind.
func (s *Samples) All() []model.Record {
	return []model.Record{s.Member, s.Stage, s.Event, s.Account, s.Contact, s.Deal, s.Activity, s.Task, s.Product, s.Price,
		s.Proposal, s.Line, s.Order, s.OrderLine, s.Vendor, s.Appointment, s.EventItem, s.Shift, s.Slot, s.Issue, s.Terms}
}

// NewSamples builds (without saving) one valid record of every kind; Create
// them in All() order.
func NewSamples() *Samples {
	d := model.MustDate
	at := time.Date(2026, 11, 30, 9, 30, 0, 0, time.UTC)
	s := &Samples{}
	s.Member = &model.TeamMember{Meta: meta(), Name: "Sophie Lambert", Email: "sophie@relais-demo.fr", Role: model.RoleRep, TargetMinor: 6000000, TargetCurrency: "EUR", Active: true}
	s.Stage = &model.Stage{Meta: meta(), Name: "Proposition", Position: 3, Probability: 50, Outcome: model.OutcomeOpen}
	s.Event = &model.Event{Meta: meta(), Name: "SIRHA Lyon", Type: "trade_show", City: "Lyon", StartDate: d("2027-01-22"), EndDate: d("2027-01-26"), TZ: "Europe/Paris", Currency: "EUR", Status: "planned"}
	s.Account = &model.Account{Meta: meta(), Name: "Fromagerie Lefèvre", City: "Besançon", PostalCode: "25000", Country: "FR", OwnerID: s.Member.ID, Tags: []string{"bio", "fidèle"}}
	s.Contact = &model.Contact{Meta: meta(), AccountID: s.Account.ID, FirstName: "Élodie", LastName: "Lefèvre", Title: "Gérante", Emails: []string{"elodie@fromagerie-lefevre.fr"}, Phones: []string{"+33 3 81 00 00 00"}, OwnerID: s.Member.ID}
	s.Deal = &model.Deal{Meta: meta(), Title: "Cave d'affinage", AccountID: s.Account.ID, ContactID: s.Contact.ID, StageID: s.Stage.ID, AmountMinor: 1250000, Currency: "EUR", Probability: 50, Status: model.OutcomeOpen, ExpectedClose: d("2027-02-15")}
	s.Activity = &model.Activity{Meta: meta(), Type: model.ActivityCall, At: at, Summary: "Appel au sujet du devis", ContactID: s.Contact.ID, DealID: s.Deal.ID}
	s.Task = &model.Task{Meta: meta(), Title: "Relancer Élodie", Due: at.Add(48 * time.Hour), Priority: model.PriorityHigh, Status: model.TaskOpen, LinkKind: string(model.KindContact), LinkID: s.Contact.ID}
	s.Product = &model.Product{Meta: meta(), SKU: "CUI-1000", Name: "Four mixte 10 niveaux", Unit: "pc", PriceMinor: 1249000, Currency: "EUR", TaxRateBP: 2000, Availability: model.InStock}
	s.Price = &model.ProductPrice{Meta: meta(), ProductID: s.Product.ID, PriceMinor: 1249000, Currency: "EUR", EffectiveFrom: d("2026-06-01")}
	s.Proposal = &model.Proposal{Meta: meta(), Number: "Q-2026-TEST0-0001", Revision: 1, AccountID: s.Account.ID, ContactID: s.Contact.ID, DealID: s.Deal.ID, IssueDate: d("2026-11-27"), ValidUntil: d("2026-12-27"), PricesAsOf: d("2026-11-27"), Currency: "EUR", Language: "fr", Status: model.ProposalDraft}
	s.Line = &model.ProposalLine{Meta: meta(), ProposalID: s.Proposal.ID, Position: 1, Section: "Cuisson", ProductID: s.Product.ID, Description: "Four mixte 10 niveaux", QuantityMilli: 1000, Unit: "pc", UnitPriceMinor: 1249000, TaxRateBP: 2000}
	s.Order = &model.Order{Meta: meta(), Number: "C-2026-TEST0-0001", AccountID: s.Account.ID, OrderDate: d("2026-11-20"), Currency: "EUR", NetMinor: 1249000, Status: model.OrderOpen}
	s.OrderLine = &model.OrderLine{Meta: meta(), OrderID: s.Order.ID, ProductID: s.Product.ID, QuantityMilli: 1000, UnitPriceMinor: 1249000, TaxRateBP: 2000, NetMinor: 1249000}
	s.Vendor = &model.Vendor{Meta: meta(), Name: "Transports Brunet", Provides: "Transport du stand"}
	s.Appointment = &model.Appointment{Meta: meta(), UID: "sample@relais", Title: "Visite fromagerie", Start: at, End: at.Add(time.Hour), TZ: "Europe/Paris", ContactID: s.Contact.ID, Attendees: []string{"contact:" + s.Contact.ID}}
	s.EventItem = &model.EventItem{Meta: meta(), EventID: s.Event.ID, Title: "Réserver le traiteur", Status: "todo", VendorID: s.Vendor.ID, Due: d("2027-01-05")}
	s.Shift = &model.RotaShift{Meta: meta(), EventID: s.Event.ID, MemberID: s.Member.ID, Start: at, End: at.Add(4 * time.Hour)}
	s.Slot = &model.AgendaSlot{Meta: meta(), EventID: s.Event.ID, Title: "RDV stand", Type: "meeting", Start: at, End: at.Add(45 * time.Minute), ContactID: s.Contact.ID}
	s.Issue = &model.ClientIssue{Meta: meta(), Title: "Livraison en retard", Type: model.IssueLateDelivery, AccountID: s.Account.ID, OrderID: s.Order.ID, Department: "logistics", Priority: model.PriorityNormal, Status: "open", Due: d("2026-12-02")}
	s.Terms = &model.TermsTemplate{Meta: meta(), Name: "CGV", Language: "fr", Body: "Paiement à 30 jours."}
	return s
}

func meta() model.Meta { return model.Meta{ID: model.NewID()} }

// CreateSamples saves a fresh set of samples in one transaction.
func CreateSamples(tb testing.TB, s *model.Store) *Samples {
	tb.Helper()
	smp := NewSamples()
	Create(tb, s, smp.All()...)
	return smp
}
