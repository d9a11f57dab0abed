package hub

import (
	"encoding/json"
	"testing"

	"relais/model"
)

// The fast encoders write what encoding/json writes, for every stored form
// and the strings that need escaping.
func TestEncodersMatchEncodingJSON(t *testing.T) {
	for _, v := range []string{"", "Zoé Lefèvre", "a\"b\\c", "line\nbreak\ttab\r", "\x00\x1f", "<b>&</b>", "\u2028\u2029", "日本語", "bad\xffbyte"} {
		f := model.FieldMap{"name": v, "n": int64(-42), "ok": true, "none": nil, v: "key"}
		m := map[string]fieldMeta{"name": {Seq: 7, Device: "dév", User: v, HLC: "h"}}
		want, _ := json.Marshal(storedRecord{F: f, M: m})
		got := encodeStored(f, m)
		var a, b any
		if err := json.Unmarshal(got, &a); err != nil {
			t.Fatalf("%q: not JSON: %s", v, got)
		}
		json.Unmarshal(want, &b)
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("%q:\n got %s\nwant %s", v, got, want)
		}
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("Zoé \"x\" \n \u2028 \xff")
	f.Fuzz(func(t *testing.T, s string) {
		var back string
		if err := json.Unmarshal(appendString(nil, s), &back); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		want, _ := json.Marshal(s)
		var w string
		json.Unmarshal(want, &w)
		if back != w {
			t.Fatalf("%q: got %q want %q", s, back, w)
		}
	})
}
