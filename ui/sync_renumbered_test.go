package ui

import (
	"strings"
	"testing"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/outbox"
)

// A proposal revision the hub renumbered is explained as such, and offers no
// "restore" (another revision holds the original number).
func TestSyncScreenRenumberedRevision(t *testing.T) {
	a, _ := openApp(t, "en", nil)
	a.show("sync")
	a.settle()
	sc := a.current.(*syncScreen)
	c := outbox.Conflict{ID: 1, Kind: "field", Entity: model.KindProposal, EntityID: model.NewID(), Field: "revision",
		Lost: int64(2), LostBy: "Bruno", Won: int64(3), WonBy: "Anne", At: modeltest.Now, Status: "open"}
	if got := sc.conflictText(c); !strings.Contains(got, "Revision 2 had already been made by Anne: the one by Bruno is now revision 3") {
		t.Fatalf("conflict text %q", got)
	}
	sc.conflicts = []outbox.Conflict{c}
	row := sc.confList.CreateItem()
	sc.confList.UpdateItem(0, row)
	if b := findButton(t, row, "Restore lost value"); b.Visible() {
		t.Fatal("a renumbered revision offers to restore its old number")
	}
	// An ordinary field conflict still does.
	sc.conflicts = []outbox.Conflict{{ID: 2, Kind: "field", Entity: model.KindAccount, Field: "city", Lost: "Brest", Won: "Quimper", Status: "open"}}
	sc.confList.UpdateItem(0, row)
	if b := findButton(t, row, "Restore lost value"); !b.Visible() {
		t.Fatal("a field conflict lost its restore button")
	}
}
