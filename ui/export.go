package ui

import (
	"context"
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
	"relais/model"
)

// listExporter is a list screen that can write its list, with its current
// filter, to a file (File › Export this list…, and its own Export… button).
type listExporter interface {
	exportQuery() (model.Kind, model.Query)
}

// Export formats offered for a list; the chosen file's extension decides in
// the end, so a user who types "x.xlsx" gets Excel whatever they picked.
const (
	formatCSV    = "csv"
	formatXLSX   = "xlsx"
	formatVCard4 = "vcf4"
	formatVCard3 = "vcf3"
)

// exportButton is the Export… button of a list screen.
func (a *App) exportButton(s listExporter) *widget.Button {
	return widget.NewButtonWithIcon(lang.L("io.ui.export"), theme.DownloadIcon(), func() { a.onExportList(s) })
}

// onExportCurrent exports the current screen's list, when it has one.
func (a *App) onExportCurrent() {
	if s, ok := a.current.(listExporter); ok {
		a.onExportList(s)
		return
	}
	a.notify(lang.L("io.ui.export_none"))
}

// onExportList asks for a format, then a file, and writes the list there.
func (a *App) onExportList(s listExporter) {
	k, q := s.exportQuery()
	opts := []option{{formatCSV, lang.L("io.ui.format_csv")}, {formatXLSX, lang.L("io.ui.format_xlsx")}}
	if k == model.KindContact {
		opts = append(opts, option{formatVCard4, lang.L("io.ui.format_vcf4")}, option{formatVCard3, lang.L("io.ui.format_vcf3")})
	}
	labels := make([]string, len(opts))
	for i, o := range opts {
		labels[i] = o.label
	}
	radio := widget.NewRadioGroup(labels, nil)
	radio.Required = true
	radio.SetSelected(labels[0])
	note := widget.NewLabel(lang.L("io.ui.export_filter_note"))
	note.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustomConfirm(lang.L("io.ui.export_title"), lang.L("io.ui.choose_file"), lang.L("action.cancel"),
		container.NewVBox(radio, note), func(ok bool) {
			if !ok {
				return
			}
			format := formatCSV
			for _, o := range opts {
				if o.label == radio.Selected {
					format = o.value
				}
			}
			a.chooseExportFile(k, q, format)
		}, a.win)
	d.Resize(fyne.NewSize(460, 300))
	d.Show()
}

// chooseExportFile asks where to write the list in format.
func (a *App) chooseExportFile(k model.Kind, q model.Query, format string) {
	ext := "." + strings.TrimRight(format, "34")
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
		version := export.VCard4
		if format == formatVCard3 {
			version = export.VCard3
		}
		a.exportListTo(k, q, path, version)
	}, a.win)
	d.SetFileName(export.Text(a.lang, "io.sheet."+string(k)) + ext)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(a.store.Path()))); err == nil {
		d.SetLocation(dir)
	}
	d.Show()
}

// exportListTo writes the list to path in the background.
func (a *App) exportListTo(k model.Kind, q model.Query, path, vcardVersion string) {
	var n int
	a.runLong(lang.L("io.ui.export_title"), func(ctx context.Context, _ model.Progress) error {
		var err error
		n, err = export.ListFile(ctx, a.store.DB(), k, q, path, vcardVersion, export.Options{Lang: a.lang, Location: a.opts.Location})
		return err
	}, func() {
		a.notify(lang.L("io.ui.exported", map[string]any{"Count": n, "Path": path}))
	})
}

// export.ErrNoVCard is returned when a list other than contacts is asked for as vCard.
// onExportAll asks for a folder and writes the whole database there as CSV
// files with a JSON manifest (export.All).
func (a *App) onExportAll() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if dir == nil {
			return
		}
		a.exportAllTo(filepath.Join(dir.Path(), "relais-export-"+a.store.Now().In(a.fmt.loc).Format("2006-01-02")))
	}, a.win)
	if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(a.store.Path()))); err == nil {
		d.SetLocation(dir)
	}
	d.Show()
}

// exportAllTo writes the export-all folder at path.
func (a *App) exportAllTo(path string) {
	var records int
	a.runLong(lang.L("io.ui.export_all_title"), func(ctx context.Context, _ model.Progress) error {
		m, err := export.All(ctx, a.store.DB(), path, export.AllOptions{})
		if err != nil {
			return err
		}
		for _, k := range m.Kinds {
			records += k.Count
		}
		return nil
	}, func() {
		a.notify(lang.L("io.ui.exported_all", map[string]any{"Count": records, "Path": path}))
	})
}
