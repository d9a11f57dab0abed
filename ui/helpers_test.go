package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"relais/model"
	"relais/model/modeltest"
)

// openApp builds the whole main window on a fresh store in language code,
// with the modeltest clock and UTC as the user's zone.
func openApp(t *testing.T, code string, fixtures func(s *model.Store)) (*App, *model.Store) {
	t.Helper()
	fa := test.NewTempApp(t)
	s := modeltest.Open(t)
	if err := s.SetSetting(t.Context(), model.SettingLanguage, code); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(t.Context(), settingWelcomed, "1"); err != nil {
		t.Fatal(err)
	}
	if fixtures != nil {
		fixtures(s)
	}
	a := newApp(fa, s, Options{Location: time.UTC})
	t.Cleanup(func() { a.cancel(); a.settle() })
	a.win.Resize(fyne.NewSize(1366, 768))
	a.settle()
	return a, s
}

// menuItem finds the main-menu item bound to Ctrl+key, as the desktop
// driver does when the key is pressed.
func menuItem(t *testing.T, a *App, key fyne.KeyName) *fyne.MenuItem {
	t.Helper()
	for _, m := range a.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == "CustomDesktop:Control+"+string(key) {
				return it
			}
		}
	}
	t.Fatalf("no menu item for Ctrl+%s", key)
	return nil
}

// press triggers the shortcut Ctrl+key and waits for the work it started.
func press(t *testing.T, a *App, key fyne.KeyName) {
	t.Helper()
	menuItem(t, a, key).Action()
	a.settle()
}

// typeInto types text into an entry and waits for what it started.
func typeInto(a *App, e fyne.Focusable, text string) {
	test.Type(e, text)
	a.settle()
}
