package model_test

import (
	"context"
	"testing"
	"time"

	"relais/model"
)

// updated_at follows the hub: the acceptance time of the last change applied,
// even one that changes no field (the author's own change coming back, or a
// snapshot record); a field kept for a pending local edit leaves the local
// time; a snapshot record without a time leaves updated_at alone.
func TestApplyRemoteUpdatedAt(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	acc := &model.Account{Name: "Atelier Morvan", Country: "FR"}
	if err := s.Create(ctx, acc); err != nil {
		t.Fatal(err)
	}
	local := acc.UpdatedAt
	apply := func(ch model.RemoteChange, keep func(string) bool) time.Time {
		t.Helper()
		ch.Entity, ch.ID = model.KindAccount, acc.ID
		if err := s.Write(ctx, func(tx *model.Tx) error {
			_, err := tx.ApplyRemote(ch, keep)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		var a model.Account
		if err := s.Get(ctx, acc.ID, &a); err != nil {
			t.Fatal(err)
		}
		return a.UpdatedAt
	}
	// The hub accepted the creation an hour later than the laptop made it;
	// its change comes back with the same name.
	at := local.Add(time.Hour)
	if got := apply(model.RemoteChange{HLC: "0001800000000000-00000-dev", At: at, Fields: model.FieldMap{"name": "Atelier Morvan"}}, nil); !got.Equal(at) {
		t.Fatalf("own change back: updated_at %v, want the hub's %v", got, at)
	}
	// An earlier acceptance time later in hub order still wins: hub order,
	// not the clock, decides.
	at2 := at.Add(-time.Minute)
	if got := apply(model.RemoteChange{HLC: "0001800000000001-00000-dev", At: at2, Fields: model.FieldMap{"name": "Atelier Morvan"}}, nil); !got.Equal(at2) {
		t.Fatalf("later change in hub order: updated_at %v, want %v", got, at2)
	}
	// A pending local edit of name keeps its field and the time.
	kept := apply(model.RemoteChange{HLC: "0001800000000002-00000-dev", At: at.Add(time.Hour), Fields: model.FieldMap{"name": "Autre"}},
		func(f string) bool { return f == "name" })
	if !kept.Equal(at2) {
		t.Fatalf("kept field: updated_at %v, want %v unchanged", kept, at2)
	}
	// A snapshot record (no HLC) carries the time of the record's last change.
	at3 := at.Add(2 * time.Hour)
	if got := apply(model.RemoteChange{At: at3, Fields: model.FieldMap{"name": "Atelier Morvan"}}, nil); !got.Equal(at3) {
		t.Fatalf("snapshot: updated_at %v, want %v", got, at3)
	}
	// One whose time the hub no longer knows leaves it as it is.
	if got := apply(model.RemoteChange{Fields: model.FieldMap{"name": "Atelier Morvan"}}, nil); !got.Equal(at3) {
		t.Fatalf("snapshot without time: updated_at %v, want %v", got, at3)
	}
	// A new record from such a snapshot takes its creation time.
	created := "2026-11-20T09:00:00Z"
	id := model.NewID()
	if err := s.Write(ctx, func(tx *model.Tx) error {
		_, err := tx.ApplyRemote(model.RemoteChange{Entity: model.KindAccount, ID: id, Fields: model.FieldMap{"name": "Kerlann", "country": "FR", "created_at": created}}, nil)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var a model.Account
	if err := s.Get(ctx, id, &a); err != nil {
		t.Fatal(err)
	}
	if model.FormatTime(a.UpdatedAt) != model.FormatTime(a.CreatedAt) || a.CreatedAt.IsZero() {
		t.Fatalf("new snapshot record without time: created %v updated %v", a.CreatedAt, a.UpdatedAt)
	}
}
