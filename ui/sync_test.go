package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/hub/hubtest"
	"relais/sync/outbox"
)

// The Sync screen shows the state, the waiting changes, refused changes
// (retry) and conflicts (restore), and the status bar follows the client.
func TestSyncScreen(t *testing.T) {
	ctx := context.Background()
	h := hubtest.Start(t, hubtest.SQLite)
	acc := &model.Account{Name: "Verrerie Morvan", City: "Nantes"}
	a, s := openApp(t, "en", func(s *model.Store) { modeltest.Create(t, s, acc) })
	a.show("sync")
	a.settle()
	sc := a.current.(*syncScreen)
	if !strings.Contains(a.status.sync.Text, "Not connected") || !strings.Contains(sc.waitTab.Text, "(1)") || len(sc.waiting) != 1 {
		t.Fatalf("before setup: status %q, tab %q, %d waiting", a.status.sync.Text, sc.waitTab.Text, len(sc.waiting))
	}
	if got := sc.waitList.CreateItem(); got == nil {
		t.Fatal("no row template")
	}
	if err := sc.sy.Configure(ctx, outbox.Settings{HubURL: h.URL, Token: h.AddUser(t, "Anne")}); err != nil {
		t.Fatal(err)
	}
	sc.onSyncNow()
	a.settle()
	if n, _ := h.Store.Seq(ctx); n != 1 {
		t.Fatalf("hub has %d changes after Sync now", n)
	}
	if !strings.Contains(a.status.sync.Text, "Synced") || !strings.Contains(a.status.sync.Text, "everything is synced") || !strings.Contains(sc.waitTab.Text, "(0)") {
		t.Fatalf("after sync: status %q, tab %q", a.status.sync.Text, sc.waitTab.Text)
	}

	// A colleague changes the same field and a product with the same SKU.
	other := modeltest.Open(t)
	sec := outbox.FileSecrets{Path: other.Path() + ".secrets"}
	outbox.SaveSettings(ctx, other, sec, outbox.Settings{HubURL: h.URL, Token: h.AddUser(t, "Bruno")})
	osy, err := outbox.New(ctx, other, outbox.Options{Secrets: sec})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := osy.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	prod := func() *model.Product {
		return &model.Product{SKU: "STAND-12", Name: "Stand", Unit: "pc", Currency: "EUR", Availability: model.InStock}
	}
	modeltest.Create(t, other, prod())
	other.Set(ctx, model.KindAccount, acc.ID, model.FieldMap{"city": "Brest"})
	if _, err := osy.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	mine := prod()
	modeltest.Create(t, s, mine)
	s.Set(ctx, model.KindAccount, acc.ID, model.FieldMap{"city": "Saint-Nazaire"})
	sc.onSyncNow()
	a.settle()
	if len(sc.rejections) != 1 || len(sc.conflicts) != 1 || !strings.Contains(a.status.sync.Text, "refused") {
		t.Fatalf("refused %d, conflicts %d, status %q", len(sc.rejections), len(sc.conflicts), a.status.sync.Text)
	}
	if got := sc.reason(sc.rejections[0]); !strings.Contains(got, "Another record already uses this value") {
		t.Fatalf("reason: %q", got)
	}
	if got := sc.conflictText(sc.conflicts[0]); !strings.Contains(got, "« Brest » by Bruno was replaced by « Saint-Nazaire » by Anne") {
		t.Fatalf("conflict: %q", got)
	}
	// Restore Bruno's value with one click: it becomes a local edit.
	row := sc.confList.CreateItem()
	sc.confList.UpdateItem(0, row)
	test.Tap(findButton(t, row, "Restore lost value"))
	a.settle()
	var got model.Account
	s.Get(ctx, acc.ID, &got)
	if got.City != "Brest" || len(sc.conflicts) != 0 || !strings.Contains(sc.waitTab.Text, "(1)") {
		t.Fatalf("after restore: city %q, %d conflicts, tab %q", got.City, len(sc.conflicts), sc.waitTab.Text)
	}
	// Retry the refused product after renaming its SKU.
	s.Set(ctx, model.KindProduct, mine.ID, model.FieldMap{"sku": "STAND-12B"})
	sc.onRetry(sc.rejections[0])
	a.settle()
	if len(sc.rejections) != 0 {
		t.Fatalf("after retry: %d refused", len(sc.rejections))
	}
	a.show("today")
	a.build("sync") // switching language rebuilds screens: the client is kept
	a.settle()
	if a.current.(*syncScreen).sy != sc.sy {
		t.Fatal("rebuilding the window started a second sync client")
	}
}

// findButton returns the button labelled text inside o.
func findButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *widget.Button:
			if x.Text == text {
				found = x
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		}
	}
	walk(o)
	if found == nil {
		t.Fatalf("no %q button", text)
	}
	return found
}
