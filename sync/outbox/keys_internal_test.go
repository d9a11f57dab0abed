package outbox

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"
)

// scanKeys agrees with encoding/json whenever it answers.
func FuzzScanKeys(f *testing.F) {
	for _, s := range []string{`{}`, `{"a":1,"b":"x,}\\"y","c":null,"d":true}`, ` { "name" : "Zoé" } `, `{"a":[1]}`, `{"a":1`, `{"a\\u0041":1}`, `{"emails":"[\"a@b\"]"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := scanKeys(s)
		if !ok {
			return
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(s), &m); err != nil {
			// The fast path reads only what it needs; it must not accept
			// what the store never writes unless json would too.
			t.Fatalf("%q accepted by scanKeys but not JSON: %v", s, err)
		}
		want := make([]string, 0, len(m))
		for k := range m {
			want = append(want, k)
		}
		sort.Strings(want)
		sort.Strings(got)
		got = slices.Compact(got)
		if !slices.Equal(got, want) {
			t.Fatalf("%q: got %v want %v", s, got, want)
		}
	})
}
