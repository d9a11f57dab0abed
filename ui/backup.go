package ui

import (
	"context"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/storage"

	"relais/model"
)

// onBackup asks where to save a copy of the database and writes it with
// SQLite's online backup, behind a progress bar that can be cancelled.
func (a *App) onBackup() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if w == nil {
			return // the user closed the dialog
		}
		path := w.URI().Path()
		w.Close()
		a.backupTo(path)
	}, a.win)
	d.SetFileName("relais-" + a.store.Now().In(a.fmt.loc).Format("2006-01-02") + ".db")
	if dir, err := storage.ListerForURI(storage.NewFileURI(filepath.Dir(a.store.Path()))); err == nil {
		d.SetLocation(dir)
	}
	d.Show()
}

// backupTo writes the backup to path.
func (a *App) backupTo(path string) {
	start := time.Now()
	a.runLong(lang.L("backup.title"), func(ctx context.Context, progress model.Progress) error {
		return a.store.Backup(ctx, path, progress)
	}, func() {
		if err := a.store.SetSetting(a.ctx, settingLastBackup, path); err != nil {
			fyne.LogError("ui: remember the last backup", err)
		}
		a.notify(lang.L("backup.done", map[string]any{"Path": path, "Seconds": int(time.Since(start).Seconds())}))
	})
}

// onRestore asks for a backup file and, after confirmation, replaces the
// content of the database with it.
func (a *App) onRestore() {
	dialog.ShowFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			a.showError(err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		dialog.ShowConfirm(lang.L("restore.title"), lang.L("restore.confirm", map[string]any{"Path": path}), func(ok bool) {
			if ok {
				a.restoreFrom(path)
			}
		}, a.win)
	}, a.win)
}

// restoreFrom replaces the database content with the backup at path and
// rebuilds every screen on the restored data.
func (a *App) restoreFrom(path string) {
	a.runLong(lang.L("restore.title"), func(ctx context.Context, progress model.Progress) error {
		return a.store.RestoreBackup(ctx, path, progress)
	}, func() {
		a.applySettings()
		id := "today"
		if a.current != nil {
			id = a.current.id()
		}
		a.build(id)
		a.notify(lang.L("restore.done"))
	})
}
