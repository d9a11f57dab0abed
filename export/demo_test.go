package export_test

import (
	"fmt"
	"strings"

	"relais/export"
	"relais/model"
)

// demoLetterhead is a French exhibitor's company profile.
func demoLetterhead() export.Letterhead {
	return export.Letterhead{
		Name:    "Atelier Lumière & Cie",
		Address: "12, rue de l’Œuvre\n69002 Lyon\nFrance",
		Phone:   "+33 4 72 00 00 00",
		Email:   "devis@atelier-lumiere.fr",
		Legal:   "SAS au capital de 50 000 € · RCS Lyon 912 345 678 · SIRET 912 345 678 00017 · TVA FR 12 912345678 · Pénalités de retard : 3 fois le taux d’intérêt légal ; indemnité forfaitaire pour frais de recouvrement : 40 €.",
		Paper:   export.PaperA4,
	}
}

var demoItems = []struct {
	section, sku, desc, unit string
	qty, price, disc, tax    int64
	optional                 bool
	note                     string
	en                       [3]string // section, description, note in English
}{
	{"Stand", "STD-9", "Stand modulaire 9 m² « Horizon », cloisons bois et signalétique", "pc", 1000, 250000, 0, 2000, false, "", [3]string{"Booth", "Modular booth 9 m² “Horizon”, wooden walls and signage", ""}},
	{"Stand", "LUM-LED", "Rampe LED 2 m, blanc chaud", "pc", 6000, 8900, 1000, 2000, false, "Pose comprise", [3]string{"Booth", "LED bar 2 m, warm white", "Fitting included"}},
	{"Stand", "MOQ-B", "Moquette aiguilletée bleue", "m²", 9000, 1200, 0, 2000, false, "", [3]string{"Booth", "Blue needle-punch carpet", ""}},
	{"Traiteur", "CAT-1", "Plateau déjeuner œuf-cocotte, pâtisserie", "pc", 40000, 1890, 0, 1000, false, "Livraison 11 h 30", [3]string{"Catering", "Lunch tray: œuf cocotte, pastry", "Delivered at 11:30"}},
	{"Traiteur", "CAF-2", "Café et thé, forfait journée", "j", 3000, 9500, 0, 1000, false, "", [3]string{"Catering", "Coffee and tea, daily package", ""}},
	{"Documentation", "CAT-PRT", "Catalogue imprimé 48 pages", "pc", 200000, 350, 500, 550, false, "", [3]string{"Printed matter", "Printed catalogue, 48 pages", ""}},
	{"Stand", "ECR-55", "Écran 55″ sur pied", "pc", 1000, 45000, 0, 2000, true, "Option : location 3 jours", [3]string{"Booth", "55″ screen on stand", "Option: 3-day rental"}},
}

// demoProposal builds a proposal with n lines (the demo items repeated) in lang.
func demoProposal(lang string, n int) *export.ProposalData {
	p := model.Proposal{Meta: model.Meta{ID: "demo"}, Number: "Q-2026-7KQ2M-0042", Revision: 2, Title: "Salon Maison & Objet — stand Lefèvre",
		IssueDate: model.MustDate("2026-11-27"), ValidUntil: model.MustDate("2026-12-27"), PricesAsOf: model.MustDate("2026-11-20"),
		Currency: "EUR", Language: lang, Status: model.ProposalDraft, DiscountBP: 500}
	if lang == "fr" {
		p.CoverLetter = "Madame,\n\nSuite à notre rencontre sur le salon, nous avons le plaisir de vous adresser notre proposition pour votre stand. Elle comprend la structure, l’éclairage, le traiteur et la documentation.\n\nNous restons à votre disposition pour l’adapter.\n\nBien cordialement,\nCamille Durand"
		p.Terms = "Acompte de 30 % à la commande, solde à 30 jours fin de mois. Prix en euros hors taxes, TVA au taux en vigueur. Toute commande implique l’acceptation des présentes conditions. Annulation gratuite jusqu’à 15 jours avant l’ouverture du salon."
	} else {
		p.Title = "Maison & Objet trade show — Lefèvre booth"
		p.CoverLetter = "Dear Ms Lefèvre,\n\nFollowing our meeting at the show, please find our proposal for your booth: structure, lighting, catering and printed material.\n\nKind regards,\nCamille Durand"
		p.Terms = "30 % deposit on order, balance within 30 days end of month. Prices in euros excluding VAT. Free cancellation up to 15 days before the show opens."
	}
	d := &export.ProposalData{
		Letterhead: demoLetterhead(),
		Proposal:   p,
		Account:    model.Account{Name: "Fromagerie Lefèvre", Street: "3, place Granvelle", PostalCode: "25000", City: "Besançon", Country: "FR", VATNumber: "FR 45 123456789"},
		Contact:    &model.Contact{FirstName: "Élodie", LastName: "Lefèvre", Title: "Directrice marketing"},
		Owner:      &model.TeamMember{Name: "Camille Durand", Email: "camille.durand@atelier-lumiere.fr", Phone: "+33 6 12 34 56 78"},
	}
	for i := 0; i < n; i++ {
		it := demoItems[i%len(demoItems)]
		if lang == "en" {
			it.section, it.desc, it.note = it.en[0], it.en[1], it.en[2]
			it.unit = strings.NewReplacer("j", "d").Replace(it.unit)
		}
		desc := it.desc
		if i >= len(demoItems) {
			desc = fmt.Sprintf("%s (lot %d)", it.desc, i/len(demoItems)+1)
		}
		d.Lines = append(d.Lines, &model.ProposalLine{Meta: model.Meta{ID: fmt.Sprintf("l%03d", i)}, ProposalID: "demo", Position: int64(10 * (i + 1)),
			Section: it.section, SKU: it.sku, Description: desc, Note: it.note, QuantityMilli: it.qty, Unit: it.unit,
			UnitPriceMinor: it.price, DiscountBP: it.disc, TaxRateBP: it.tax, Optional: it.optional})
	}
	t, err := model.ProposalTotals(&d.Proposal, d.Lines)
	if err != nil {
		panic(err)
	}
	d.Totals = t
	return d
}
