package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"relais/model"
)

// ProposalData is everything a proposal document shows, gathered from the
// store by LoadProposal or built by hand in tests.
type ProposalData struct {
	Letterhead Letterhead
	Proposal   model.Proposal
	Lines      []*model.ProposalLine // display order
	Totals     model.Totals          // of Lines, by model.ProposalTotals
	Account    model.Account
	Contact    *model.Contact    // nil when the proposal names none
	Owner      *model.TeamMember // the coordinator in charge; nil when none
}

// LoadProposal gathers the proposal id, its lines, totals, customer and the
// letterhead from the store. It returns model.ErrNotFound for an unknown id.
func LoadProposal(ctx context.Context, s *model.Store, id string) (*ProposalData, error) {
	p, lines, err := s.Proposal(ctx, id)
	if err != nil {
		return nil, err
	}
	lh, err := LoadLetterhead(ctx, s)
	if err != nil {
		return nil, err
	}
	d := &ProposalData{Letterhead: lh, Proposal: *p, Lines: lines}
	if d.Totals, err = model.ProposalTotals(p, lines); err != nil {
		return nil, fmt.Errorf("export: proposal %s: %w", p.DisplayNumber(), err)
	}
	if p.AccountID != "" {
		if err := s.Get(ctx, p.AccountID, &d.Account); err != nil {
			return nil, fmt.Errorf("export: proposal %s: customer: %w", p.DisplayNumber(), err)
		}
	}
	if p.ContactID != "" {
		var c model.Contact
		if err := s.Get(ctx, p.ContactID, &c); err != nil && !errors.Is(err, model.ErrNotFound) {
			return nil, err
		} else if err == nil {
			d.Contact = &c
		}
	}
	if p.OwnerID != "" {
		var m model.TeamMember
		if err := s.Get(ctx, p.OwnerID, &m); err != nil && !errors.Is(err, model.ErrNotFound) {
			return nil, err
		} else if err == nil {
			d.Owner = &m
		}
	}
	return d, nil
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// ProposalFileName is the file name a proposal's PDF is saved and mailed under.
func ProposalFileName(p *model.Proposal) string {
	return unsafeName.ReplaceAllString(p.DisplayNumber(), "_") + ".pdf"
}

// WriteProposalPDF renders the proposal in its own language and writes the
// PDF to w. The same data always gives the same bytes.
func WriteProposalPDF(w io.Writer, d *ProposalData) error {
	p := &d.Proposal
	lang := p.Language
	if lang != "fr" {
		lang = "en"
	}
	own, err := LoadLabels("proposal", lang)
	if err != nil {
		return err
	}
	money := func(v int64) string { return FormatMoney(v, p.Currency, lang) }
	author := d.Letterhead.Name
	if author == "" && d.Owner != nil {
		author = d.Owner.Name
	}
	doc, err := NewDoc(d.Letterhead, DocInfo{
		Title:   own.Get("proposal.pdf.title") + " " + p.DisplayNumber(),
		Subject: own.Get("proposal.pdf.subject", "Number", p.DisplayNumber(), "Customer", d.Account.Name),
		Author:  author,
		Lang:    lang,
		Date:    p.IssueDate,
		Ref:     p.DisplayNumber(),
	})
	if err != nil {
		return err
	}
	r := proposalRenderer{doc: doc, d: d, l: own, lang: lang, money: money}
	r.header()
	r.letter()
	r.lines()
	r.totals()
	r.options()
	r.terms()
	r.signature()
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("export: proposal %s: %w", p.DisplayNumber(), err)
	}
	return nil
}

type proposalRenderer struct {
	doc   *Doc
	d     *ProposalData
	l     Labels
	lang  string
	money func(int64) string
}

func (r *proposalRenderer) header() {
	p := &r.d.Proposal
	r.doc.Letterhead(r.l.Get("proposal.pdf.title"), [][2]string{
		{r.l.Get("proposal.pdf.number"), p.DisplayNumber()},
		{r.l.Get("proposal.pdf.date"), FormatDate(p.IssueDate, r.lang)},
		{r.l.Get("proposal.pdf.valid_until"), FormatDate(p.ValidUntil, r.lang)},
		{r.l.Get("proposal.pdf.prices_as_of"), FormatDate(p.PricesAsOf, r.lang)},
	})

	// Customer on the right (where window envelopes show it), our contact on the left.
	a := &r.d.Account
	var cust []string
	if c := r.d.Contact; c != nil {
		cust = append(cust, strings.TrimSpace(c.FullName()+", "+c.Title), "")
	}
	cust = append(cust, a.Street, strings.TrimSpace(a.PostalCode+" "+a.City), a.Country)
	if a.VATNumber != "" {
		cust = append(cust, r.l.Get("proposal.pdf.vat_number", "Number", a.VATNumber))
	}
	w := r.doc.ContentWidth()
	pdf := r.doc.Fpdf()
	top := pdf.GetY()
	var left float64 = top
	if o := r.d.Owner; o != nil {
		left = r.doc.Block(0, w*0.45, []string{r.l.Get("proposal.pdf.your_contact")}, "", smallSize)
		pdf.SetY(left)
		left = r.doc.Block(0, w*0.45, nonEmpty(o.Name, o.Email, o.Phone), "", bodySize)
	}
	pdf.SetY(top)
	y := r.doc.Block(w*0.55, w*0.45, []string{r.l.Get("proposal.pdf.customer")}, "", smallSize)
	pdf.SetY(y)
	y = r.doc.Block(w*0.55, w*0.45, []string{a.Name}, "B", 10.5)
	pdf.SetY(y)
	y = r.doc.Block(w*0.55, w*0.45, tidyLines(cust), "", bodySize)
	pdf.SetY(max(y, left) + 6)
}

// nonEmpty keeps the non-blank strings.
func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// tidyLines drops blank lines and trailing commas left by missing parts.
func tidyLines(ss []string) []string {
	var out []string
	for _, s := range ss {
		s = strings.TrimSuffix(strings.TrimSpace(s), ",")
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (r *proposalRenderer) letter() {
	p := &r.d.Proposal
	if strings.TrimSpace(p.Title) != "" {
		r.doc.Heading(p.Title)
	}
	if strings.TrimSpace(p.CoverLetter) != "" {
		r.doc.Paragraph(p.CoverLetter, "", bodySize)
		r.doc.Space(4)
	}
}

func (r *proposalRenderer) columns() []Column {
	return []Column{
		{Title: r.l.Get("proposal.pdf.col.description"), Weight: 45},
		{Title: r.l.Get("proposal.pdf.col.quantity"), Weight: 13, Align: "R"},
		{Title: r.l.Get("proposal.pdf.col.unit_price"), Weight: 16, Align: "R"},
		{Title: r.l.Get("proposal.pdf.col.discount"), Weight: 10, Align: "R"},
		{Title: r.l.Get("proposal.pdf.col.tax"), Weight: 9, Align: "R"},
		{Title: r.l.Get("proposal.pdf.col.amount"), Weight: 17, Align: "R"},
	}
}

func (r *proposalRenderer) lineRow(i int) Row {
	l := r.d.Lines[i]
	qty := FormatQuantity(l.QuantityMilli, r.lang)
	if l.Unit != "" {
		qty += "\u00a0" + l.Unit
	}
	disc := ""
	if l.DiscountBP > 0 {
		disc = FormatRate(l.DiscountBP, r.lang)
	}
	var sub []string
	if l.SKU != "" {
		sub = append(sub, r.l.Get("proposal.pdf.sku", "SKU", l.SKU))
	}
	if strings.TrimSpace(l.Note) != "" {
		sub = append(sub, strings.TrimSpace(l.Note))
	}
	return Row{
		Cells: []string{l.Description, qty, r.money(l.UnitPriceMinor), disc, FormatRate(l.TaxRateBP, r.lang), r.money(r.d.Totals.LineNet[i])},
		Subs:  []string{strings.Join(sub, "\n")},
	}
}

func (r *proposalRenderer) lines() {
	t := r.d.Totals
	if len(t.Sections) == 0 && len(t.Optional) == 0 {
		r.doc.Paragraph(r.l.Get("proposal.pdf.no_lines"), "I", bodySize)
		return
	}
	if len(t.Sections) == 0 {
		return
	}
	grouped := len(t.Sections) > 1 || t.Sections[0].Name != ""
	var rows []Row
	for _, s := range t.Sections {
		name := s.Name
		if name == "" {
			name = r.l.Get("proposal.pdf.no_section")
		}
		if grouped {
			rows = append(rows, Row{Kind: RowSection, Cells: []string{name}})
		}
		for _, i := range s.Lines {
			rows = append(rows, r.lineRow(i))
		}
		if grouped {
			rows = append(rows, Row{Kind: RowSubtotal, Cells: []string{r.l.Get("proposal.pdf.section_subtotal", "Section", name), "", "", "", "", r.money(s.NetMinor)}})
		}
	}
	r.doc.Table(Table{Columns: r.columns(), Rows: rows})
}

func (r *proposalRenderer) totals() {
	t := r.d.Totals
	p := &r.d.Proposal
	if len(t.Sections) == 0 {
		return
	}
	var rows []Row
	add := func(kind RowKind, label, value string) {
		rows = append(rows, Row{Kind: kind, Cells: []string{label, value}})
	}
	if t.DiscountMinor != 0 {
		add(RowNormal, r.l.Get("proposal.pdf.subtotal"), r.money(t.SubtotalMinor))
		add(RowNormal, r.l.Get("proposal.pdf.discount", "Rate", FormatRate(p.DiscountBP, r.lang)), r.money(-t.DiscountMinor))
	}
	add(RowSubtotal, r.l.Get("proposal.pdf.net"), r.money(t.NetMinor))
	for _, x := range t.Taxes {
		add(RowNormal, r.l.Get("proposal.pdf.tax_line", "Rate", FormatRate(x.RateBP, r.lang), "Base", r.money(x.BaseMinor)), r.money(x.TaxMinor))
	}
	add(RowSubtotal, r.l.Get("proposal.pdf.total"), r.money(t.TotalMinor))
	r.doc.EnsureSpace(float64(len(rows))*(lineH(bodySize)+2*cellPadY) + 4)
	r.doc.Table(Table{NoHeader: true, Left: r.doc.ContentWidth() * 0.4, Columns: []Column{{Weight: 65, Align: "R"}, {Weight: 35, Align: "R"}}, Rows: rows})
	r.doc.Paragraph(r.l.Get("proposal.pdf.amounts_in", "Currency", p.Currency), "I", smallSize)
	r.doc.Space(3)
}

func (r *proposalRenderer) options() {
	t := r.d.Totals
	if len(t.Optional) == 0 {
		return
	}
	r.doc.Space(2)
	r.doc.Heading(r.l.Get("proposal.pdf.options"))
	var rows []Row
	for _, i := range t.Optional {
		rows = append(rows, r.lineRow(i))
	}
	rows = append(rows, Row{Kind: RowSubtotal, Cells: []string{r.l.Get("proposal.pdf.options_total"), "", "", "", "", r.money(t.OptionalMinor)}})
	r.doc.Table(Table{Columns: r.columns(), Rows: rows})
	r.doc.Space(3)
}

func (r *proposalRenderer) terms() {
	terms := strings.TrimSpace(r.d.Proposal.Terms)
	if terms == "" {
		return
	}
	r.doc.Heading(r.l.Get("proposal.pdf.terms"))
	r.doc.Paragraph(terms, "", smallSize+0.5)
	r.doc.Space(4)
}

// signature draws the on-site acceptance box, kept whole on one page.
func (r *proposalRenderer) signature() {
	const boxH = 39.0
	r.doc.EnsureSpace(boxH + 1)
	pdf := r.doc.Fpdf()
	w := r.doc.ContentWidth()
	x, y := r.doc.Left(), pdf.GetY()
	pdf.SetDrawColor(120, 120, 120)
	pdf.Rect(x, y, w, boxH, "D")
	pdf.SetY(y + 2)
	r.doc.Block(2, w-4, []string{r.l.Get("proposal.pdf.acceptance")}, "B", 10.5)
	pdf.SetY(y + 2 + lineH(10.5) + 0.5)
	p := &r.d.Proposal
	after := r.doc.Block(2, w-4, []string{r.l.Get("proposal.pdf.acceptance_text", "Number", p.DisplayNumber(), "Total", r.money(r.d.Totals.TotalMinor))}, "", bodySize)
	pdf.SetY(after + 3)
	half := (w - 6) / 2
	fy := pdf.GetY()
	r.doc.Block(2, half, []string{r.l.Get("proposal.pdf.sign_name")}, "", smallSize+0.5)
	pdf.Line(x+2, fy+10, x+2+half, fy+10)
	pdf.SetY(fy + 12)
	r.doc.Block(2, half, []string{r.l.Get("proposal.pdf.sign_date")}, "", smallSize+0.5)
	pdf.Line(x+2, fy+22, x+2+half, fy+22)
	pdf.SetY(fy)
	r.doc.Block(4+half, half, []string{r.l.Get("proposal.pdf.sign_signature")}, "", smallSize+0.5)
	pdf.SetY(y + boxH + 2)
}
