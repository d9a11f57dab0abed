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

// FuzzPinEncode checks the hand-written pin encoding against json.Marshal,
// for store-like field names and any other.
func FuzzPinEncode(f *testing.F) {
	f.Add("name", int64(3), "emails", int64(-1), "x\"é", int64(1<<62))
	f.Add("", int64(0), "a_1", int64(7), "a_1", int64(9))
	f.Fuzz(func(t *testing.T, k1 string, v1 int64, k2 string, v2 int64, k3 string, v3 int64) {
		p := &pin{fields: map[string]int64{k1: v1, k2: v2, k3: v3}}
		want, err := json.Marshal(p.fields)
		if err != nil {
			return
		}
		if got := p.encode(nil); string(got) != string(want) {
			t.Fatalf("encode %v: %s, json.Marshal: %s", p.fields, got, want)
		}
	})
}
