package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"relais/export"
	"relais/importer"
	"relais/model"
)

// importKinds are what a file can hold, in the order the kind select offers
// them (the same lists as `relais import`).
var importKinds = []model.Kind{model.KindContact, model.KindAccount, model.KindProduct,
	model.KindProductPrice, model.KindDeal, model.KindOrder}

// previewRows is how many rows the preview imports (and rolls back).
const previewRows = 20

// importer is the import dialog: a file, what it holds, how its columns map
// to fields, a preview of the first rows as they would be stored with their
// errors, and the options. Nothing is written until Import; Dry run does
// the whole import and rolls it back.
type importDialog struct {
	a    *App
	path string
	vcf  bool // vCard: the mapping is fixed

	kind     *choice
	encoding *choice
	detected *widget.Label
	onDup    *choice
	skipBad  *widget.Check
	// createMissing creates the team members and events rows name that
	// Relais does not have (otherwise they are left empty, with a warning).
	createMissing *widget.Check

	columns []string         // the file's column titles
	samples []string         // the first row's cells, shown beside each column
	mapping importer.Mapping // what each column feeds
	fields  []*choice        // one select per column
	mapBox  *fyne.Container

	preview  []importer.PreviewRow
	cells    map[int][]string // the file's cells of the previewed rows, by row number
	shown    []int            // indexes into export.Columns(kind) of the preview's columns
	titles   []string         // their titles
	table    *widget.Table
	errs     *widget.Label
	notes    *widget.Label   // warnings and possible duplicates of the previewed rows
	diffBox  *fyne.Container // one line per differing value, with its choice
	diffs    []*choice       // those choices, in the order of diffKeys
	diffKeys []importer.ChoiceKey
	choices  map[importer.ChoiceKey]importer.Choice // what the user chose, kept across previews
	status   *widget.Label
	gen      int               // the preview being loaded; older answers are dropped
	last     *importer.Summary // of the last import or dry run
	dryRun   *widget.Button
	importBt *widget.Button
	dlg      dialog.Dialog
}

// onImport asks for a file, then opens the import dialog on it.
func (a *App) onImport() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		a.openImport(path)
	}, a.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".vcf", ".vcard"}))
	if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(a.store.Path()))); err == nil {
		d.SetLocation(dir)
	}
	d.Show()
}

// openImport shows the import dialog for the file at path.
func (a *App) openImport(path string) *importDialog {
	d := &importDialog{a: a, path: path, vcf: importer.IsVCard(path)}
	var kinds []option
	for _, k := range importKinds {
		kinds = append(kinds, option{string(k), lang.L("io.ui.kind." + string(k))})
	}
	d.kind = newChoice(kinds, string(model.KindContact), func(string) { d.reopen() })
	d.encoding = newChoice([]option{{"", lang.L("io.ui.enc_auto")}, {importer.EncodingUTF8, "UTF-8"},
		{importer.EncodingWindows1252, "Windows-1252"}, {importer.EncodingLatin1, "ISO-8859-1"}, {importer.EncodingUTF16, "UTF-16"}},
		"", func(string) { d.reopen() })
	d.detected = muted("")
	d.detected.Truncation = fyne.TextTruncateEllipsis
	// Merge (fill empty fields, keep differing values) first and by
	// default: an import never renames anyone unless asked to.
	d.onDup = newChoice([]option{{string(importer.Merge), importer.Text(a.lang, "ui.dup_merge")}, {string(importer.Update), lang.L("io.ui.dup_update")},
		{string(importer.Skip), lang.L("io.ui.dup_skip")}, {string(importer.Create), lang.L("io.ui.dup_create")}}, string(importer.Merge), func(string) { d.reload() })
	d.skipBad = widget.NewCheck(lang.L("io.ui.skip_bad"), func(bool) {})
	d.createMissing = widget.NewCheck(importer.Text(a.lang, "ui.create_missing"), func(bool) { d.reload() })
	d.choices = map[importer.ChoiceKey]importer.Choice{}
	d.notes = widget.NewLabel("")
	d.notes.Wrapping = fyne.TextWrapWord
	d.notes.Hide()
	d.diffBox = container.NewVBox()
	d.mapBox = container.NewVBox()
	d.errs = widget.NewLabel("")
	d.errs.Wrapping = fyne.TextWrapWord
	d.status = widget.NewLabel("")
	d.status.Wrapping = fyne.TextWrapWord
	d.table = widget.NewTableWithHeaders(
		func() (int, int) { return len(d.preview), len(d.titles) + 1 },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		d.cell)
	d.table.ShowHeaderColumn = false
	d.table.CreateHeader = func() fyne.CanvasObject {
		l := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	d.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		l := o.(*widget.Label)
		switch {
		case id.Col == 0:
			l.SetText(lang.L("io.ui.col_action"))
		case id.Col-1 < len(d.titles):
			l.SetText(d.titles[id.Col-1])
		}
	}
	d.dryRun = widget.NewButtonWithIcon(lang.L("io.ui.dry_run"), theme.VisibilityIcon(), func() { d.run(true) })
	d.importBt = &widget.Button{Text: lang.L("io.ui.import"), Icon: theme.UploadIcon(), Importance: widget.HighImportance, OnTapped: func() { d.run(false) }}

	fileRow := container.NewBorder(nil, nil, widget.NewLabelWithStyle(filepath.Base(path), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), nil, d.detected)
	what := container.NewGridWithColumns(4, widget.NewLabel(lang.L("io.ui.holds")), d.kind, widget.NewLabel(lang.L("io.ui.encoding")), d.encoding)
	if d.vcf {
		d.kind.Disable()
		d.encoding.Disable()
	}
	mapping := container.NewBorder(heading(lang.L("io.ui.mapping")), nil, nil, nil, container.NewVScroll(d.mapBox))
	errScroll := container.NewVScroll(container.NewVBox(d.errs, d.notes, d.diffBox))
	errScroll.SetMinSize(fyne.NewSize(0, 110))
	previewBox := container.NewBorder(heading(lang.L("io.ui.preview")), container.NewVBox(heading(lang.L("io.ui.row_errors")), errScroll), nil, nil, d.table)
	split := container.NewHSplit(mapping, previewBox)
	split.Offset = 0.4
	dup := container.NewGridWrap(fyne.NewSize(210, d.onDup.MinSize().Height), d.onDup) // its labels are whole words
	options := container.NewHBox(widget.NewLabel(lang.L("io.ui.on_duplicate")), dup, container.NewVBox(d.skipBad, d.createMissing))
	buttons := container.NewHBox(d.dryRun, d.importBt)
	bottom := container.NewVBox(d.status, container.NewBorder(nil, nil, options, buttons))
	body := container.NewBorder(container.NewVBox(fileRow, what), bottom, nil, nil, split)

	d.dlg = dialog.NewCustom(lang.L("io.ui.import_title"), lang.L("action.close"), body, a.win)
	d.dlg.Resize(fyne.NewSize(1300, 700))
	d.dlg.Show()
	d.reopen()
	return d
}

// open opens the file with the chosen encoding. Each preview and the import
// read it afresh: a Source is read once.
func (d *importDialog) open() (importer.Source, importer.Detected, error) {
	if d.vcf {
		src, err := importer.OpenVCard(d.path)
		return src, importer.Detected{}, err
	}
	fo := importer.FileOptions{Encoding: d.encoding.Value()}
	switch strings.ToLower(filepath.Ext(d.path)) {
	case ".xlsx", ".xlsm":
		src, err := importer.OpenXLSX(d.path, fo)
		if err != nil {
			return nil, importer.Detected{}, err
		}
		return src, importer.Detected{Header: src.HasHeader()}, nil
	}
	return importer.OpenCSV(d.path, fo)
}

// reopen reads the file's columns and first row again (after a change of
// file, kind or encoding), proposes a mapping, then refreshes the preview.
func (d *importDialog) reopen() {
	k := model.Kind(d.kind.Value())
	d.gen++
	gen := d.gen
	d.a.load(func(ctx context.Context) func() {
		src, det, err := d.open()
		if err != nil {
			return func() { d.fail(err) }
		}
		defer src.Close()
		cols := src.Columns()
		row, rerr := src.Next()
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return func() { d.fail(rerr) }
		}
		var m importer.Mapping
		if fixed, ok := src.(interface{ Mapping() importer.Mapping }); ok {
			m = fixed.Mapping()
		} else {
			m = importer.Suggest(k, cols)
		}
		return func() {
			if gen != d.gen {
				return
			}
			d.columns, d.samples, d.mapping = cols, row.Cells, m
			d.showDetected(det)
			d.buildMapping(k)
			d.reload()
		}
	})
}

// showDetected says what was found out about the file.
func (d *importDialog) showDetected(det importer.Detected) {
	if d.vcf {
		d.detected.SetText(lang.L("io.ui.detected_vcf"))
		return
	}
	header := lang.L("io.ui.no")
	if det.Header {
		header = lang.L("io.ui.yes")
	}
	if det.Encoding == "" { // Excel: no encoding or separator to speak of
		d.detected.SetText(lang.L("io.ui.detected_xlsx", map[string]any{"Header": header}))
		return
	}
	sep := string(det.Delimiter)
	if det.Delimiter == '\t' {
		sep = lang.L("io.ui.tab")
	}
	d.detected.SetText(lang.L("io.ui.detected", map[string]any{"Encoding": strings.ToUpper(det.Encoding), "Separator": sep, "Header": header}))
}

// fieldOptions are the targets a column of kind k can be mapped to.
func (d *importDialog) fieldOptions(k model.Kind) []option {
	opts := []option{{"", lang.L("io.ui.ignore")}}
	seen := map[string]bool{}
	for _, f := range importer.Fields(k) {
		label := importer.FieldTitle(k, f.Name, d.a.lang)
		if seen[label] {
			label += " (" + f.Name + ")" // two fields with one title: the select needs distinct labels
		}
		seen[label] = true
		opts = append(opts, option{f.Name, label})
	}
	return opts
}

// buildMapping fills the grid: each column with its first value and the
// field it feeds.
func (d *importDialog) buildMapping(k model.Kind) {
	d.mapBox.RemoveAll()
	d.fields = nil
	if d.vcf {
		d.mapBox.Add(mutedPara(lang.L("io.ui.vcf_mapping")))
		d.mapBox.Refresh()
		return
	}
	opts := d.fieldOptions(k)
	for i, c := range d.columns {
		i := i
		name := widget.NewLabelWithStyle(c, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		name.Truncation = fyne.TextTruncateEllipsis
		sample := ""
		if i < len(d.samples) {
			sample = strings.Join(strings.Fields(d.samples[i]), " ")
		}
		ex := muted(sample)
		ex.Truncation = fyne.TextTruncateEllipsis
		value := ""
		if i < len(d.mapping) {
			value = d.mapping[i]
		}
		sel := newChoice(opts, value, func(v string) {
			for len(d.mapping) <= i {
				d.mapping = append(d.mapping, "")
			}
			d.mapping[i] = v
			d.reload()
		})
		d.fields = append(d.fields, sel)
		d.mapBox.Add(container.NewGridWithColumns(2, container.NewVBox(name, ex), sel))
	}
	d.mapBox.Refresh()
}

// options are the import options the dialog stands for.
func (d *importDialog) options(dry bool) importer.Options {
	return importer.Options{Kind: model.Kind(d.kind.Value()), Mapping: d.mapping, OnDuplicate: importer.Action(d.onDup.Value()),
		SkipBadRows: d.skipBad.Checked, DryRun: dry, Lang: d.a.lang, Currency: d.a.fmt.currency, Location: d.a.opts.Location,
		File: filepath.Base(d.path), CreateMissing: d.createMissing.Checked, Choices: d.chosen()}
}

// chosen is a copy of the choices made in the preview, for an import that
// runs in the background.
func (d *importDialog) chosen() map[importer.ChoiceKey]importer.Choice {
	out := make(map[importer.ChoiceKey]importer.Choice, len(d.choices))
	for k, v := range d.choices {
		out[k] = v
	}
	return out
}

// reload runs the preview of the first rows (rolled back) in the background.
func (d *importDialog) reload() {
	d.gen++
	gen := d.gen
	opts := d.options(true)
	if d.vcf {
		opts.Mapping = nil
	}
	d.a.load(func(ctx context.Context) func() {
		src, _, err := d.open()
		if err != nil {
			return func() { d.fail(err) }
		}
		defer src.Close()
		rows, _, err := importer.Preview(ctx, d.a.store, src, opts, previewRows)
		cells := d.firstCells(previewRows)
		return func() {
			if gen != d.gen {
				return
			}
			if err != nil {
				d.preview, d.titles, d.shown = nil, nil, nil
				d.table.Refresh()
				d.errs.SetText("")
				d.status.SetText(importError(err))
				d.status.Importance = widget.WarningImportance
				d.status.Refresh()
				d.importBt.Disable()
				d.dryRun.Disable()
				return
			}
			d.importBt.Enable()
			d.dryRun.Enable()
			d.cells = cells
			d.showPreview(opts.Kind, rows)
		}
	})
}

// fail shows why the file cannot be read.
func (d *importDialog) fail(err error) {
	fyne.LogError("ui: import", err)
	d.status.SetText(importError(err))
	d.status.Importance = widget.WarningImportance
	d.status.Refresh()
	d.importBt.Disable()
	d.dryRun.Disable()
}

// importError is what the user reads when the file cannot be imported as set.
func importError(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "no column is mapped"):
		return lang.L("io.ui.err_unmapped")
	case strings.Contains(msg, "no such file"), strings.Contains(msg, "not exist"):
		return lang.L("err.no_file")
	}
	return lang.L("io.ui.err_read")
}

// showPreview puts the previewed rows in the table (only the columns some
// row fills) and lists their errors.
func (d *importDialog) showPreview(k model.Kind, rows []importer.PreviewRow) {
	d.preview = rows
	cols := export.Columns(k)
	d.shown, d.titles = nil, nil
	for i, c := range cols {
		if c.Field == "id" || c.Field == "created_at" || c.Field == "updated_at" {
			continue
		}
		for _, r := range rows {
			if i < len(r.Values) && !r.Values[i].Empty && (r.Values[i].Text != "" || r.Values[i].Type != export.TypeText) {
				d.shown = append(d.shown, i)
				d.titles = append(d.titles, export.Header(k, c.Field, d.a.lang))
				break
			}
		}
	}
	d.table.SetColumnWidth(0, 110)
	for i := range d.titles {
		d.table.SetColumnWidth(i+1, 150)
	}
	d.table.Refresh()
	var lines []string
	bad := 0
	for _, r := range rows {
		if len(r.Errors) > 0 {
			bad++
		}
		for _, e := range r.Errors {
			lines = append(lines, rowErrorText(d.kindValue(), e))
		}
	}
	if len(lines) == 0 {
		lines = append(lines, lang.L("io.ui.no_errors"))
	}
	d.errs.SetText(strings.Join(lines, "\n"))
	d.showMatches(k, rows)
	d.status.Importance = widget.MediumImportance
	d.status.SetText(lang.L("io.ui.preview_note", map[string]any{"Count": len(rows), "Errors": bad}))
}

// showMatches lists the previewed rows' warnings and possible duplicates,
// and each value that differs from the record a row completes, with a
// choice: keep the stored value (the default unless "update" is chosen
// above), take the file's, or keep both. The choices hold for the import.
func (d *importDialog) showMatches(k model.Kind, rows []importer.PreviewRow) {
	l := d.a.lang
	var notes []string
	for _, r := range rows {
		for _, w := range r.Warnings {
			notes = append(notes, rowErrorText(k, w))
		}
		if p := r.Proposal; p != nil {
			notes = append(notes, lang.L("io.ui.row_error", map[string]any{"Row": p.Row, "Msg": p.Text(l, k)}))
		}
	}
	d.notes.SetText(strings.Join(notes, "\n"))
	showIf(d.notes, len(notes) > 0)
	d.diffBox.RemoveAll()
	d.diffs, d.diffKeys = nil, nil
	opts := []option{{string(importer.Keep), importer.Text(l, "ui.keep")}, {string(importer.TakeNew), importer.Text(l, "ui.new")},
		{string(importer.KeepBoth), importer.Text(l, "ui.both")}}
	for _, r := range rows {
		for _, df := range r.Differences {
			key := importer.ChoiceKey{Row: df.Row, Field: df.Field}
			if len(d.diffs) == 0 {
				d.diffBox.Add(heading(importer.Text(l, "ui.differences")))
			}
			text := widget.NewLabel(importer.Text(l, "ui.diff_row", "Row", fmt.Sprint(df.Row), "Name", importer.Clip(df.Label),
				"Field", export.Header(k, df.Field, l), "Old", importer.Clip(df.Old), "New", importer.Clip(df.New)))
			text.Wrapping = fyne.TextWrapWord
			value := string(df.Choice)
			if c, ok := d.choices[key]; ok {
				value = string(c)
			}
			sel := newChoice(opts, value, func(v string) { d.choices[key] = importer.Choice(v) })
			d.diffs, d.diffKeys = append(d.diffs, sel), append(d.diffKeys, key)
			d.diffBox.Add(container.NewBorder(nil, nil, nil, container.NewGridWrap(fyne.NewSize(190, sel.MinSize().Height), sel), text))
		}
	}
	d.diffBox.Refresh()
}

// rowErrorText is one row error as the user reads it: row, column, reason.
// A value the store refused is explained in the user's language (the
// form's own messages); other reasons are the importer's sentence.
func rowErrorText(k model.Kind, e importer.RowError) string {
	msg := e.Msg
	if e.Code != "" && e.Field != "" {
		msg = validationText(k, &model.ValidationError{Field: e.Field, Code: e.Code})
	}
	if e.Column == "" {
		return lang.L("io.ui.row_error", map[string]any{"Row": e.Row, "Msg": msg})
	}
	return lang.L("io.ui.row_col_error", map[string]any{"Row": e.Row, "Column": e.Column, "Msg": msg})
}

// kindValue is the kind of record the file is read as.
func (d *importDialog) kindValue() model.Kind { return model.Kind(d.kind.Value()) }

// cell draws one cell of the preview table: the action, then the values.
func (d *importDialog) cell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(d.preview) {
		l.SetText("")
		return
	}
	r := d.preview[id.Row]
	if id.Col == 0 {
		l.Importance = widget.MediumImportance
		if r.Action == "error" {
			l.Importance = widget.DangerImportance
		}
		l.SetText(lang.L("io.ui.action_"+actionKey(r.Action), map[string]any{"Row": r.Row}))
		return
	}
	l.Importance = widget.MediumImportance
	i := id.Col - 1
	if i >= len(d.shown) || d.shown[i] >= len(r.Values) {
		l.SetText("")
		return
	}
	l.SetText(d.value(r, d.shown[i]))
}

// value is the text of column c of a previewed row. A reference to a record
// the import would create (an account named by a contact row) has no label
// yet, since the preview is rolled back: it shows the file's text instead
// of an id.
func (d *importDialog) value(r importer.PreviewRow, c int) string {
	v := r.Values[c]
	col := export.Columns(model.Kind(d.kind.Value()))[c]
	if col.Type == export.TypeRef && !v.Empty && r.Fields != nil && v.Text == fmt.Sprint(r.Fields[col.Field]) {
		for i, f := range d.mapping {
			if f == col.Field && i < len(d.cells[r.Row]) {
				return lang.L("io.ui.new_ref", map[string]any{"Name": d.cells[r.Row][i]})
			}
		}
	}
	return d.format(v)
}

// firstCells reads the cells of the file's first n rows, by row number.
func (d *importDialog) firstCells(n int) map[int][]string {
	out := map[int][]string{}
	src, _, err := d.open()
	if err != nil {
		return out
	}
	defer src.Close()
	for len(out) < n {
		row, err := src.Next()
		if err != nil {
			if errors.Is(err, io.EOF) || row.Num == 0 {
				break
			}
			continue
		}
		out[row.Num] = row.Cells
	}
	return out
}

// actionKey maps a preview action to its translation key suffix.
func actionKey(action string) string {
	switch action {
	case "create", "update", "skip", "error":
		return action
	}
	return "create"
}

// format shows a value as the CSV export would in the user's language.
func (d *importDialog) format(v export.Value) string {
	if v.Empty {
		return ""
	}
	return export.NewCSV(io.Discard, d.a.lang).FormatValue(v, d.a.opts.Location)
}

// run imports the file (or dry-runs it) behind a progress bar, then shows
// the summary.
func (d *importDialog) run(dry bool) {
	opts := d.options(dry)
	if d.vcf {
		opts.Mapping = nil
	}
	var sum *importer.Summary
	title := lang.L("io.ui.import_title")
	if dry {
		title = lang.L("io.ui.dry_run")
	}
	d.a.runLong(title, func(ctx context.Context, progress model.Progress) error {
		src, _, err := d.open()
		if err != nil {
			return err
		}
		defer src.Close()
		opts.Progress = func(p importer.Progress) { progress(int(p.Fraction*1000), 1000) }
		sum, err = importer.Run(ctx, d.a.store, src, opts)
		return err
	}, func() {
		d.last = sum
		if sum.Committed {
			d.a.changed()
			if d.a.current != nil {
				d.a.current.refresh()
			}
			d.reload() // duplicates are now updates or skips
		}
		d.a.showImportSummary(sum)
	})
}

// showImportSummary shows what an import did, with a button to save it.
func (a *App) showImportSummary(sum *importer.Summary) {
	state := "io.ui.sum_saved"
	switch {
	case sum.DryRun:
		state = "io.ui.sum_dry"
	case !sum.Committed:
		state = "io.ui.sum_nothing"
	}
	counts := lang.L("io.ui.sum_counts", map[string]any{"Rows": sum.Rows, "Created": sum.Created, "Updated": sum.Updated,
		"Skipped": sum.Skipped, "Errors": sum.Failed})
	lines := []string{lang.L(state), counts}
	if sum.AccountsCreated > 0 {
		lines = append(lines, lang.L("io.ui.sum_accounts", map[string]any{"Count": sum.AccountsCreated}))
	}
	for _, c := range []struct {
		key string
		n   int
	}{{"ui.sum_refs_created", sum.RefsCreated}, {"ui.sum_missing", sum.Missing}, {"ui.sum_proposed", sum.Proposed}, {"ui.sum_differing", sum.Differing}} {
		if c.n > 0 {
			lines = append(lines, importer.Text(a.lang, c.key, "Count", fmt.Sprint(c.n)))
		}
	}
	for i, m := range sum.MissingNames {
		if i == 10 {
			lines = append(lines, "  "+lang.L("io.ui.sum_more", map[string]any{"Count": len(sum.MissingNames) - i}))
			break
		}
		lines = append(lines, "  "+m.Text(a.lang))
	}
	var errs []string
	for i, e := range sum.Errors {
		if i == 100 {
			errs = append(errs, lang.L("io.ui.sum_more", map[string]any{"Count": len(sum.Errors) - i + sum.MoreErrors}))
			break
		}
		errs = append(errs, rowErrorText(sum.Kind, e))
	}
	if len(sum.Errors) <= 100 && sum.MoreErrors > 0 {
		errs = append(errs, lang.L("io.ui.sum_more", map[string]any{"Count": sum.MoreErrors}))
	}
	head := widget.NewLabel(strings.Join(lines, "\n"))
	head.Wrapping = fyne.TextWrapWord
	list := widget.NewLabel(strings.Join(errs, "\n"))
	list.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(0, 200))
	save := widget.NewButtonWithIcon(lang.L("io.ui.save_summary"), theme.DocumentSaveIcon(), func() { a.saveSummary(sum) })
	body := container.NewBorder(head, container.NewHBox(save), nil, nil, scroll)
	d := dialog.NewCustom(lang.L("io.ui.summary_title"), lang.L("action.close"), body, a.win)
	d.Resize(fyne.NewSize(640, 420))
	d.Show()
}

// saveSummary asks where to save the summary (.txt report or .csv table).
func (a *App) saveSummary(sum *importer.Summary) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		if err := sum.Save(path); err != nil {
			a.showError(err)
			return
		}
		a.notify(lang.L("io.ui.summary_saved", map[string]any{"Path": path}))
	}, a.win)
	d.SetFileName(fmt.Sprintf("import-%s.txt", a.store.Now().In(a.fmt.loc).Format("2006-01-02")))
	d.Show()
}
