package envlocale

import (
	"os"
	"testing"
)

func TestCLocale(t *testing.T) {
	for in, want := range map[string]bool{"C": true, "C.UTF-8": true, "POSIX": true, "C.utf8": true,
		"fr_FR.UTF-8": false, "en_GB": false, "Ca": false, "": false} {
		if got := cLocale(in); got != want {
			t.Errorf("cLocale(%q) = %v", in, got)
		}
	}
}

func TestSetsLanguageOnlyForC(t *testing.T) {
	for _, c := range []struct {
		lang, language      string
		wantLang, wantLang2 string
	}{
		{"C", "", "C.UTF-8", "en"},
		{"C.UTF-8", "", "C.UTF-8", "en"},
		{"fr_FR.UTF-8", "", "fr_FR.UTF-8", ""},
		{"C.UTF-8", "fr", "C.UTF-8", "fr"},
	} {
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", c.lang)
		t.Setenv("LANGUAGE", c.language)
		fixCLocale()
		if got, got2 := os.Getenv("LANG"), os.Getenv("LANGUAGE"); got != c.wantLang || got2 != c.wantLang2 {
			t.Errorf("LANG=%q LANGUAGE=%q → %q %q", c.lang, c.language, got, got2)
		}
	}
}
