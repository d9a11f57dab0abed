package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/ui/widgets"
)

// productsScreen is the catalogue: a searchable list of products beside the
// open one's form, its price history and the open proposals that use it. A
// price change has an effective date and keeps the earlier prices; it syncs
// like any change, and the proposals using the product are flagged.
type productsScreen struct {
	a      *App
	box    fyne.CanvasObject
	search *widgets.Entry
	avail  *choice
	pages  widgets.Pages[*model.Product]
	list   *widget.List
	count  *widget.Label
	where  model.Query // the list's current filter

	cur       *model.Product
	frm       *form
	in        productInputs
	hist      []*model.ProductPrice
	using     []*model.Proposal
	detail    *fyne.Container
	price     *widget.Label
	histList  *widget.List
	usingNote *widget.Label
	priceForm *priceDialog // the open price dialog, for tests
}

type productInputs struct {
	sku, name, description, category, unit, currency, tax, image, price *widgets.Entry
	availability                                                        *choice
}

func availabilityOptions() []option {
	var out []option
	for _, v := range []string{model.InStock, model.LowStock, model.Backorder, model.Discontinued} {
		out = append(out, option{v, lang.L("product.availability." + v)})
	}
	return out
}

func newProductsScreen(a *App) screen {
	s := &productsScreen{a: a}
	s.pages = widgets.Pages[*model.Product]{
		Load: func(offset, limit int) ([]*model.Product, error) {
			q := s.where
			q.Limit, q.Offset = limit, offset
			return model.List[model.Product](a.ctx, a.store.DB(), q)
		},
		Go:       func(work func() func()) { a.load(func(context.Context) func() { return work() }) },
		OnLoaded: func() { s.list.Refresh() },
		OnError:  a.showError,
	}
	s.list = widget.NewList(s.pages.Len,
		func() fyne.CanvasObject {
			name := widget.NewLabelWithStyle("Name", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			name.Truncation = fyne.TextTruncateEllipsis
			sub := widget.NewLabel("SKU · price · availability")
			sub.Truncation = fyne.TextTruncateEllipsis
			sub.Importance = widget.LowImportance
			return container.NewVBox(name, sub)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			objs := o.(*fyne.Container).Objects
			name, sub := objs[0].(*widget.Label), objs[1].(*widget.Label)
			p, ok := s.pages.Get(i)
			if !ok {
				name.SetText("…")
				sub.SetText("")
				return
			}
			name.SetText(p.Name)
			sub.SetText(strings.Join([]string{p.SKU, a.fmt.Money(p.PriceMinor, p.Currency) + " / " + p.Unit, lang.L("product.availability." + p.Availability)}, " · "))
		})
	s.list.OnSelected = func(i widget.ListItemID) {
		if p, ok := s.pages.Get(i); ok {
			s.open(p.ID)
		}
	}
	s.search = widgets.NewEntry()
	s.search.SetPlaceHolder(lang.L("product.ui.search"))
	s.search.OnChanged = func(string) { s.reload() }
	s.avail = newChoice(append([]option{{"", lang.L("product.ui.any_availability")}}, availabilityOptions()...), "", func(string) { s.reload() })
	s.count = widget.NewLabel("")
	s.count.Importance = widget.LowImportance
	newBtn := widget.NewButtonWithIcon(lang.L("product.ui.new"), theme.ContentAddIcon(), s.newRecord)
	top := container.NewVBox(container.NewBorder(nil, nil, nil, s.avail, s.search), container.NewBorder(nil, nil, nil, container.NewHBox(a.exportButton(s), newBtn), s.count))
	left := container.NewBorder(top, nil, nil, nil, s.list)

	s.price = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.usingNote = widget.NewLabel("")
	s.usingNote.Wrapping = fyne.TextWrapWord
	s.usingNote.Importance = widget.WarningImportance
	s.histList = widget.NewList(func() int { return len(s.hist) },
		func() fyne.CanvasObject {
			return container.New(&weightedColumns{weights: []float32{25, 25, 50}}, widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			h := s.hist[len(s.hist)-1-i] // newest first
			cells := o.(*fyne.Container).Objects
			cells[0].(*widget.Label).SetText(a.fmt.Date(h.EffectiveFrom))
			cells[1].(*widget.Label).SetText(a.fmt.Money(h.PriceMinor, h.Currency))
			cells[2].(*widget.Label).SetText(h.Note)
		})
	s.detail = container.NewStack(widget.NewLabel(lang.L("product.ui.empty")))
	split := container.NewHSplit(left, s.detail)
	split.Offset = 0.35
	s.box = split
	return s
}

func (s *productsScreen) id() string                         { return "products" }
func (s *productsScreen) title() string                      { return lang.L("nav.products") }
func (s *productsScreen) icon() fyne.Resource                { return theme.StorageIcon() }
func (s *productsScreen) content() fyne.CanvasObject         { return s.box }
func (s *productsScreen) kinds() []model.Kind                { return []model.Kind{model.KindProduct} }
func (s *productsScreen) openRecord(_ model.Kind, id string) { s.open(id) }
func (s *productsScreen) save()                              { s.onSave() }

// exportQuery is the list as searched and filtered now.
func (s *productsScreen) exportQuery() (model.Kind, model.Query) { return model.KindProduct, s.where }
func (s *productsScreen) cancel() {
	if s.cur != nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	}
}

func (s *productsScreen) refresh() {
	s.reload()
	if s.cur != nil && s.cur.ID != "" {
		s.open(s.cur.ID)
	}
}

// reload re-runs the list query: the search text (accent- and
// case-insensitive, as the global search) and the availability filter.
func (s *productsScreen) reload() {
	a := s.a
	text, avail := strings.TrimSpace(s.search.Text), s.avail.Value()
	a.load(func(ctx context.Context) func() {
		q := model.Query{OrderBy: "name, sku"}
		var conds []string
		if avail != "" {
			conds = append(conds, "availability = ?")
			q.Args = append(q.Args, avail)
		}
		var err error
		if text != "" {
			var hits []model.Hit
			hits, err = a.store.Search(ctx, text, 500)
			ids := []string{}
			for _, h := range hits {
				if h.Kind == model.KindProduct {
					ids = append(ids, h.ID)
				}
			}
			conds = append(conds, "id IN (SELECT value FROM json_each(?))")
			q.Args = append(q.Args, jsonList(ids))
		}
		q.Where = strings.Join(conds, " AND ")
		var n int
		var rows []*model.Product
		if err == nil {
			n, err = model.Count(ctx, a.store.DB(), model.KindProduct, q)
		}
		if err == nil {
			first := q
			first.Limit = 100
			rows, err = model.List[model.Product](ctx, a.store.DB(), first)
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			if text != strings.TrimSpace(s.search.Text) || avail != s.avail.Value() {
				return // a newer query is on its way
			}
			s.where = q
			s.pages.Reset(n)
			s.pages.Put(0, rows)
			s.list.UnselectAll()
			s.list.Refresh()
			s.count.SetText(a.count("product.ui.count", n))
		}
	})
}

// jsonList encodes ids as a JSON array for json_each.
func jsonList(ids []string) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(id) + `"`)
	}
	b.WriteByte(']')
	return b.String()
}

// open shows the product id with its history and the proposals using it.
func (s *productsScreen) open(id string) {
	a := s.a
	a.load(func(ctx context.Context) func() {
		var p model.Product
		err := a.store.Get(ctx, id, &p)
		var hist []*model.ProductPrice
		var using []*model.Proposal
		if err == nil {
			hist, err = a.store.PriceHistory(ctx, id)
		}
		if err == nil {
			using, err = a.store.ProposalsUsingProduct(ctx, id)
		}
		return func() {
			if err != nil {
				a.showError(err)
				return
			}
			s.show(&p, hist, using)
		}
	})
}

func (s *productsScreen) newRecord() {
	cur := s.a.setting(model.SettingCurrency, "EUR")
	s.show(&model.Product{Currency: cur, TaxRateBP: 2000, Unit: "pc", Availability: model.InStock}, nil, nil)
	s.frm.focusFirst()
}

func (s *productsScreen) show(p *model.Product, hist []*model.ProductPrice, using []*model.Proposal) {
	a := s.a
	s.cur, s.hist, s.using = p, hist, using
	f := newForm(a, model.KindProduct)
	fr := a.fmt.fr()
	s.in = productInputs{
		sku:         f.entry("sku", "product.ui.sku", p.SKU),
		name:        f.entry("name", "product.ui.name", p.Name),
		description: f.multiline("description", "product.ui.description", p.Description),
		category:    f.entry("category", "product.ui.category", p.Category),
		unit:        f.entry("unit", "product.ui.unit", p.Unit),
	}
	if p.ID == "" {
		s.in.price = f.money("price_minor", "product.ui.price", p.PriceMinor, p.Currency)
	}
	s.in.currency = f.entry("currency", "product.ui.currency", p.Currency)
	s.in.tax = f.entry("tax_rate_bp", "product.ui.tax", formatScaled(p.TaxRateBP, 2, fr))
	s.in.availability = f.choice("availability", "product.ui.availability", availabilityOptions(), p.Availability)
	s.in.image = f.entry("image_path", "product.ui.image", p.ImagePath)
	base := *p
	f.read = func() model.Record {
		r := base
		r.SKU = strings.TrimSpace(s.in.sku.Text)
		r.Name = strings.TrimSpace(s.in.name.Text)
		r.Description = strings.TrimSpace(s.in.description.Text)
		r.Category = strings.TrimSpace(s.in.category.Text)
		r.Unit = strings.TrimSpace(s.in.unit.Text)
		r.Currency = strings.ToUpper(strings.TrimSpace(s.in.currency.Text))
		r.Availability = s.in.availability.Value()
		r.ImagePath = strings.TrimSpace(s.in.image.Text)
		if s.in.price != nil {
			r.PriceMinor = f.moneyValue("price_minor", s.in.price, r.Currency)
		}
		tax, err := parseScaled(s.in.tax.Text, 2)
		if err != nil {
			f.parseErrs = append(f.parseErrs, &model.ValidationError{Field: "tax_rate_bp", Code: "number_format", Msg: err.Error()})
		}
		r.TaxRateBP = tax
		return &r
	}
	f.onSubmit = s.onSave
	f.onCancel = s.cancel
	s.frm = f

	saveBtn := widget.NewButtonWithIcon(lang.L("action.save"), theme.DocumentSaveIcon(), s.onSave)
	saveBtn.Importance = widget.HighImportance
	parts := []fyne.CanvasObject{f.content(), container.NewHBox(layoutSpacer(), saveBtn)}
	if p.ID != "" {
		s.price.SetText(lang.L("product.ui.current_price", map[string]any{"Price": a.fmt.Money(p.PriceMinor, p.Currency), "Unit": p.Unit}))
		change := widget.NewButtonWithIcon(lang.L("product.ui.change_price"), theme.DocumentCreateIcon(), s.onChangePrice)
		parts = append(parts, widget.NewSeparator(), container.NewBorder(nil, nil, nil, change, s.price),
			widget.NewLabelWithStyle(lang.L("product.ui.history"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewGridWrap(fyne.NewSize(560, 150), s.histList))
		s.usingNote.SetText(s.usingText())
		if len(using) > 0 {
			parts = append(parts, s.usingNote)
		}
	}
	s.histList.Refresh()
	s.detail.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(container.NewVBox(parts...)))}
	s.detail.Refresh()
}

func (s *productsScreen) usingText() string {
	if len(s.using) == 0 {
		return ""
	}
	var nums []string
	for _, p := range s.using {
		nums = append(nums, p.DisplayNumber())
	}
	return lang.L("product.ui.used_by", map[string]any{"Count": len(s.using), "Numbers": strings.Join(nums, ", ")})
}

func (s *productsScreen) onSave() {
	if s.frm == nil {
		return
	}
	saved := s.frm.save(s.a)
	if saved == nil {
		return
	}
	p := saved.(*model.Product)
	s.afterChange(p.ID)
}

// afterChange reloads, and tells which open proposals the change affects.
func (s *productsScreen) afterChange(id string) {
	s.reload()
	s.open(id)
	a := s.a
	a.load(func(ctx context.Context) func() {
		using, err := a.store.ProposalsUsingProduct(ctx, id)
		return func() {
			if err == nil && len(using) > 0 {
				a.notify(lang.L("product.ui.flagged", map[string]any{"Count": len(using)}))
			}
		}
	})
}

// onChangePrice records a new price effective from a date, keeping the history.
func (s *productsScreen) onChangePrice() {
	a, p := s.a, s.cur
	if p == nil || p.ID == "" {
		return
	}
	f := newForm(a, model.KindProductPrice)
	price := f.money("price_minor", "product.ui.new_price", p.PriceMinor, p.Currency)
	from := f.date("effective_from", "product.ui.effective_from", model.DateOf(a.store.Now()))
	note := f.entry("note", "product.ui.price_note", "")
	f.read = func() model.Record {
		return &model.ProductPrice{ProductID: p.ID, Currency: p.Currency, PriceMinor: f.moneyValue("price_minor", price, p.Currency),
			EffectiveFrom: f.dateValue("effective_from", from), Note: strings.TrimSpace(note.Text)}
	}
	var d *dialog.CustomDialog
	submit := func() {
		rec, ok := f.validate()
		if !ok {
			return
		}
		pp := rec.(*model.ProductPrice)
		if _, err := a.store.ChangePrice(a.ctx, p.ID, pp.PriceMinor, pp.EffectiveFrom, pp.Note); err != nil {
			if !f.showErrors(err) {
				a.showError(err)
			}
			return
		}
		d.Hide()
		a.changed()
		s.afterChange(p.ID)
	}
	f.onSubmit, f.onCancel = submit, func() { d.Hide() }
	s.priceForm = &priceDialog{frm: f, price: price, from: from, submit: submit}
	d = dialog.NewCustomWithoutButtons(lang.L("product.ui.change_price"), f.content(), a.win)
	d.SetButtons([]fyne.CanvasObject{widget.NewButton(lang.L("action.cancel"), d.Hide), &widget.Button{Text: lang.L("action.save"), Importance: widget.HighImportance, OnTapped: submit}})
	d.Resize(fyne.NewSize(640, 300))
	d.Show()
	f.focusFirst()
}

// priceDialog is the open "Change price" dialog, for tests.
type priceDialog struct {
	frm         *form
	price, from *widgets.Entry
	submit      func()
}
