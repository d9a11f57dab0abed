package model_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"relais/model"
)

func TestApplyRemote(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	at := fixedNow.Add(time.Hour)
	id := model.NewID()
	put := model.RemoteChange{Entity: model.KindAccount, ID: id, HLC: "0001800000000000-00003-otherdevice", At: at,
		Fields: model.FieldMap{"name": "Brasserie Kerlann", "city": "Quimper", "country": "FR", "created_at": "2026-11-20T09:00:00.000Z"}}
	apply := func(ch model.RemoteChange, keep func(string) bool) bool {
		t.Helper()
		var changed bool
		if err := s.Write(ctx, func(tx *model.Tx) (err error) {
			changed, err = tx.ApplyRemote(ch, keep)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return changed
	}
	if !apply(put, nil) {
		t.Fatal("a new record reported no change")
	}
	if n := outboxLen(t, s); n != 0 {
		t.Fatalf("applying a remote change queued %d outbox rows, want 0", n)
	}
	var a model.Account
	if err := s.Get(ctx, id, &a); err != nil {
		t.Fatal(err)
	}
	if a.Name != "Brasserie Kerlann" || a.City != "Quimper" || !a.UpdatedAt.Equal(at) || a.CreatedAt.Format(time.DateOnly) != "2026-11-20" {
		t.Fatalf("applied record = %+v", a)
	}
	if hits, _ := s.Search(ctx, "kerlann", 5); len(hits) != 1 {
		t.Fatalf("search after remote create: %v", hits)
	}
	if apply(put, nil) {
		t.Fatal("applying the same change twice reported a change")
	}

	// A local edit of the city is pending: the remote patch changes only the name.
	patch := model.RemoteChange{Entity: model.KindAccount, ID: id, HLC: "0001800000000001-00000-otherdevice", At: at.Add(time.Minute),
		Fields: model.FieldMap{"name": "Brasserie Kerlann & Fils", "city": "Brest"}}
	apply(patch, func(f string) bool { return f == "city" })
	if err := s.Get(ctx, id, &a); err != nil {
		t.Fatal(err)
	}
	if a.Name != "Brasserie Kerlann & Fils" || a.City != "Quimper" {
		t.Fatalf("after patch with city kept: %+v", a)
	}
	if hits, _ := s.Search(ctx, "fils", 5); len(hits) != 1 {
		t.Fatalf("search after remote patch: %v", hits)
	}

	// The local clock now sorts after the remote stamp.
	if h := s.Clock().Now(); h.WallMS < 1800000000001 {
		t.Fatalf("clock did not observe the remote HLC: %v", h)
	}

	// A remote delete takes the record out of search; no outbox row.
	apply(model.RemoteChange{Entity: model.KindAccount, ID: id, At: at.Add(2 * time.Minute), Fields: model.FieldMap{"deleted_at": model.FormatTime(at)}}, nil)
	if err := s.Get(ctx, id, &a); err != nil || !a.Deleted() {
		t.Fatalf("after remote delete: %+v %v", a, err)
	}
	if hits, _ := s.Search(ctx, "kerlann", 5); len(hits) != 0 {
		t.Fatalf("a deleted record is still found: %v", hits)
	}
	if n := outboxLen(t, s); n != 0 {
		t.Fatalf("outbox has %d rows", n)
	}

	t.Run("bad input leaves data unchanged", func(t *testing.T) {
		for _, ch := range []model.RemoteChange{
			{Entity: "spaceship", ID: "x"},
			{Entity: model.KindAccount, ID: ""},
			{Entity: model.KindAccount, ID: model.NewID(), Fields: model.FieldMap{"nope": "x"}},
			{Entity: model.KindAccount, ID: model.NewID(), Fields: model.FieldMap{"name": int64(3)}},
			{Entity: model.KindAccount, ID: model.NewID(), HLC: "garbage"},
		} {
			err := s.Write(ctx, func(tx *model.Tx) error { _, err := tx.ApplyRemote(ch, nil); return err })
			if err == nil {
				t.Errorf("%+v: no error", ch)
			}
		}
		if n, _ := model.Count(ctx, s.DB(), model.KindAccount, model.Query{WithDeleted: true}); n != 1 {
			t.Fatalf("%d accounts after bad input, want 1", n)
		}
	})
}

func TestResend(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t)
	a := &model.Account{Name: "Atelier Morvan", Country: "FR"}
	mustCreate(t, s, a)
	a.City = "Lorient"
	if err := s.Update(ctx, a); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		op     string
		fields []string
		want   string
	}{
		{"put", nil, `"name":"Atelier Morvan"`},
		{"patch", []string{"city"}, `{"city":"Lorient"}`},
	} {
		t.Run(tc.op, func(t *testing.T) {
			before := outboxLen(t, s)
			if err := s.Write(ctx, func(tx *model.Tx) error { return tx.Resend(model.KindAccount, a.ID, tc.op, tc.fields) }); err != nil {
				t.Fatal(err)
			}
			chs, _ := s.Outbox(ctx, 0, 100)
			if len(chs) != before+1 {
				t.Fatalf("outbox %d → %d", before, len(chs))
			}
			last := chs[len(chs)-1]
			if last.Op != tc.op || !strings.Contains(last.Data, tc.want) {
				t.Fatalf("queued %s %s, want %s with %s", last.Op, last.Data, tc.op, tc.want)
			}
		})
	}
	err := s.Write(ctx, func(tx *model.Tx) error { return tx.Resend(model.KindAccount, a.ID, "patch", []string{"nope"}) })
	if err == nil {
		t.Fatal("resend of an unknown field: no error")
	}
	err = s.Write(ctx, func(tx *model.Tx) error { return tx.Resend(model.KindAccount, model.NewID(), "put", nil) })
	if !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("resend of an unknown record: %v", err)
	}
}
