package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/model"
)

func TestBackupAndRestoreRunOffTheUIGoroutine(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	path := filepath.Join(t.TempDir(), "backup.db")
	a.backupTo(path)
	a.settle()
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		t.Fatalf("backup file: %v", err)
	}
	if !strings.Contains(a.status.message.Text, "Backup saved to") {
		t.Errorf("status %q", a.status.message.Text)
	}
	if err := st.Delete(t.Context(), model.KindContact, f.john.ID); err != nil {
		t.Fatal(err)
	}
	a.restoreFrom(path)
	a.settle()
	var john model.Contact
	if err := st.Get(t.Context(), f.john.ID, &john); err != nil || john.Deleted() {
		t.Errorf("John not back after restoring: %v %v", john.Deleted(), err)
	}
	if a.current == nil || a.current.id() != "today" {
		t.Error("the window was not rebuilt on the restored data")
	}
}

func TestLongWorkCanBeCancelled(t *testing.T) {
	a, _ := openApp(t, "en", nil)
	started := make(chan struct{})
	a.runLong("Test", func(ctx context.Context, progress model.Progress) error {
		progress(1, 10)
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}, func() { t.Error("done ran after a cancel") })
	<-started
	var cancel *widget.Button
	for _, o := range test.LaidOutObjects(a.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Cancel" {
			cancel = b
		}
	}
	if cancel == nil {
		t.Fatal("no Cancel button on the progress dialog")
	}
	test.Tap(cancel)
	a.settle()
	if a.status.message.Text != "Cancelled: nothing was changed." {
		t.Errorf("status %q", a.status.message.Text)
	}
}

func TestUserMessagesAreSentences(t *testing.T) {
	openApp(t, "fr", nil)
	for _, err := range []error{
		fmt.Errorf("model: update contact x: %w", model.ErrNotFound),
		fmt.Errorf("model: create deal: %w: duplicate", model.ErrConflict),
		fmt.Errorf("model: open: %w", model.ErrTooNew),
		errors.New("model: commit: the disk is full; free some space and try again: disk I/O"),
		errors.New("open /x/y.db: permission denied"),
		errors.New("sqlite3: something nobody foresaw"),
		model.ValidationErrors{{Field: "last_name", Code: model.CodeRequired, Msg: "is required"}},
	} {
		msg := userMessage(err)
		if strings.Contains(msg, "model:") || strings.Contains(msg, "sqlite") || strings.Contains(msg, "/x/y") ||
			!strings.HasSuffix(msg, ".") || msg == "" {
			t.Errorf("%v → %q", err, msg)
		}
	}
	if got := userMessage(model.ValidationErrors{{Field: "last_name", Code: model.CodeRequired}}); !strings.Contains(got, "Nom") {
		t.Errorf("validation summary %q does not name the field in French", got)
	}
}

func TestCreateAccountAndSeeItsContactsActivities(t *testing.T) {
	var f *fixture
	a, st := openApp(t, "en", func(s *model.Store) { f = loadFixture(t, s) })
	a.show("accounts")
	a.settle()
	s := a.current.(*accountsScreen)
	press(t, a, fyne.KeyN)
	typeInto(a, s.in.name, "Boulangerie Perrin")
	typeInto(a, s.in.country, "france")
	press(t, a, fyne.KeyS)
	if got := s.form.message("country"); got != "Use a two-letter code such as FR." {
		t.Errorf("country message %q", got)
	}
	s.in.country.SetText("")
	typeInto(a, s.in.country, "fr")
	press(t, a, fyne.KeyS)
	accs, _ := model.List[model.Account](t.Context(), st.DB(), model.Query{Where: "name = ?", Args: []any{"Boulangerie Perrin"}})
	if len(accs) != 1 || accs[0].Country != "FR" {
		t.Fatalf("stored %+v", accs)
	}
	a.Open(model.KindAccount, f.bio.ID)
	a.settle()
	markup := test.RenderObjectToMarkup(s.detail.box)
	for _, want := range []string{"Élodie Lefèvre", "Cheese cave sensors", "Asked about the sensor range"} {
		if !strings.Contains(markup, want) {
			t.Errorf("account detail lacks %q", want)
		}
	}
}
