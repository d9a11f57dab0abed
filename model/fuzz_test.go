package model_test

import (
	"context"
	"encoding/json"
	"testing"

	"relais/model"
)

// FuzzDecode feeds arbitrary change data (as a hub or a pulled change might
// carry) to every kind: it must be refused with an error or decoded into a
// record whose Validate runs, never panic.
func FuzzDecode(f *testing.F) {
	f.Add(`{"first_name":"Élodie","emails":"[\"a@b.fr\"]","consent":1,"consent_at":"2026-11-27T10:00:00.000Z"}`)
	f.Add(`{"quantity_milli":-5,"unit_price_minor":1e30}`)
	f.Add(`{"expected_close":"2026-02-30","tags":"{}"}`)
	f.Add(`{"start_at":"9999-99-99","tz":"Europe/Paris","attendees":null}`)
	f.Add(`[1,2,3]`)
	f.Fuzz(func(t *testing.T, raw string) {
		var m model.FieldMap
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return
		}
		for _, k := range model.Kinds() {
			r, _ := model.New(k)
			if err := model.Decode(r, m); err == nil {
				_ = r.Validate()
				if _, err := model.Encode(r); err != nil {
					t.Fatalf("%s: encode after decode: %v", k, err)
				}
			}
		}
	})
}

// FuzzSearch: whatever the user types, search answers without an error.
func FuzzSearch(f *testing.F) {
	s := mustOpen(f)
	mustCreate(f, s, &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon"})
	for _, seed := range []string{"lef", `"`, "name:x*", "a OR b NOT c", "NEAR(a b)", "\x00\xff", "çà ü"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := s.Search(context.Background(), q, 10); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, seed := range []string{"2026-11-27", "2026-02-30", "0000-00-00", "2026-1-1"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := model.ParseDate(s)
		if err == nil && d.String() != s {
			t.Fatalf("ParseDate(%q) = %v", s, d)
		}
	})
}
