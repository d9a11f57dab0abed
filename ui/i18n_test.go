package ui

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"relais/assets"
	"relais/model"
)

func readKeys(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(assets.Translations, "translations/"+name)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// keyArg names our helpers that take a translation key, and which argument it is.
var keyArg = map[string]int{"entry": 1, "multiline": 1, "choice": 1, "checkbox": 1, "date": 1, "money": 1,
	"number": 1, "picker": 1, "links": 0, "newDetailPane": 0, "valuesOptions": 0, "placeholder": 1}

// TestTranslationsComplete checks that French and English have the same
// keys, that no text is empty, and that every literal key the code passes
// to lang.L or lang.X exists.
func TestTranslationsComplete(t *testing.T) {
	enFiles, _ := fs.Glob(assets.Translations, "translations/*.en.json")
	for _, f := range enFiles {
		enName := strings.TrimPrefix(f, "translations/")
		frName := strings.TrimSuffix(enName, ".en.json") + ".fr.json"
		en, fr := readKeys(t, enName), readKeys(t, frName)
		for k, v := range en {
			if _, ok := fr[k]; !ok {
				t.Errorf("%s lacks %q", frName, k)
			}
			if strings.TrimSpace(v) == "" || strings.TrimSpace(fr[k]) == "" {
				t.Errorf("%s: %q has an empty text", enName, k)
			}
		}
		for k := range fr {
			if _, ok := en[k]; !ok {
				t.Errorf("%s lacks %q", enName, k)
			}
		}
	}
	// Screens other issues own keep their texts in their own area files
	// (proposal.en.json …): a key may live in any of them.
	known := map[string]string{}
	areas, _ := fs.Glob(assets.Translations, "translations/*.en.json")
	for _, a := range areas {
		for k, v := range readKeys(t, strings.TrimPrefix(a, "translations/")) {
			known[k] = v
		}
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checkLit := func(e ast.Expr) {
			if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				key, _ := strconv.Unquote(lit.Value)
				if _, ok := known[key]; !ok {
					t.Errorf("%s: key %q is in no translations/*.en.json", fset.Position(lit.Pos()), key)
				}
			}
		}
		ast.Inspect(file, func(n ast.Node) bool {
			if cl, ok := n.(*ast.CompositeLit); ok {
				if id, ok := cl.Type.(*ast.Ident); ok && id.Name == "pair" && len(cl.Elts) > 0 {
					checkLit(cl.Elts[0])
				}
				return true
			}
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			if i, ok := keyArg[name]; ok && i < len(call.Args) {
				checkLit(call.Args[i])
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "L" && sel.Sel.Name != "X" {
				return true
			}
			if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "lang" {
				return true
			}
			checkLit(call.Args[0])
			return true
		})
	}
	for _, k := range searchKinds {
		for _, key := range []string{"kind." + string(k), "kind." + string(k) + ".plural"} {
			if _, ok := known[key]; !ok {
				t.Errorf("missing %q", key)
			}
		}
	}
}

func TestMoneyWhole(t *testing.T) {
	fr := formats{lang: "fr", loc: time.UTC}
	en := formats{lang: "en", loc: time.UTC}
	for _, c := range []struct {
		f     formats
		minor int64
		want  string
	}{{fr, 2550000, "25\u00a0500\u00a0€"}, {en, 2550000, "€25,500"}, {fr, 2550050, "25\u00a0500,50\u00a0€"}, {en, -100, "-€1"}} {
		if got := c.f.MoneyWhole(c.minor, "EUR"); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.f.lang, c.minor, got, c.want)
		}
	}
}

func TestMoneyFormats(t *testing.T) {
	fr := formats{lang: "fr", loc: time.UTC}
	en := formats{lang: "en", loc: time.UTC}
	for _, c := range []struct {
		f        formats
		minor    int64
		cur, out string
	}{
		{fr, 123450, "EUR", "1\u00a0234,50\u00a0€"},
		{en, 123450, "EUR", "€1,234.50"},
		{en, -5, "USD", "-$0.05"},
		{fr, 1234567800, "USD", "12\u00a0345\u00a0678,00\u00a0$"},
		{en, 1500, "JPY", "¥1,500"},
		{en, 123450, "CHF", "1,234.50\u00a0CHF"},
	} {
		if got := c.f.Money(c.minor, c.cur); got != c.out {
			t.Errorf("%s Money(%d %s) = %q, want %q", c.f.lang, c.minor, c.cur, got, c.out)
		}
	}
	if got := fr.MoneyShort(123456789, "EUR"); got != "1,2\u00a0M€" {
		t.Errorf("MoneyShort = %q", got)
	}
	if got := en.MoneyShort(4500000, "EUR"); got != "€45k" {
		t.Errorf("MoneyShort = %q", got)
	}
}

func TestParseMoney(t *testing.T) {
	fr := formats{lang: "fr"}
	en := formats{lang: "en"}
	for _, c := range []struct {
		f    formats
		in   string
		want int64
		bad  bool
	}{
		{fr, "1 234,50", 123450, false},
		{fr, "1234.5", 123450, false},
		{fr, "1\u00a0234,50 €", 123450, false},
		{en, "1,234.50", 123450, false},
		{en, "1,234", 123400, false},
		{en, "€12", 1200, false},
		{en, "", 0, false},
		{en, "12.345", 0, true},
		{en, "twelve", 0, true},
		{fr, "-3,5", -350, false},
	} {
		got, err := c.f.ParseMoney(c.in, "EUR")
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("%s ParseMoney(%q) = %d, %v", c.f.lang, c.in, got, err)
		}
	}
}

func TestDates(t *testing.T) {
	d := model.MustDate("2026-11-27")
	for _, c := range []struct {
		f   formats
		out string
	}{
		{formats{lang: "fr"}, "27/11/2026"},
		{formats{lang: "en"}, "27 Nov 2026"},
		{formats{lang: "en", dateStyle: dateStyleISO}, "2026-11-27"},
		{formats{lang: "en", dateStyle: dateStyleMDY}, "11/27/2026"},
	} {
		if got := c.f.Date(d); got != c.out {
			t.Errorf("%+v Date = %q, want %q", c.f, got, c.out)
		}
		back, err := c.f.ParseDate(c.out)
		if err != nil || back != d {
			t.Errorf("%+v ParseDate(%q) = %v, %v", c.f, c.out, back, err)
		}
		if back, err := c.f.ParseDate("2026-11-27"); err != nil || back != d {
			t.Errorf("ISO input refused: %v", err)
		}
	}
	if _, err := (formats{lang: "fr"}).ParseDate("31/02/2026"); err == nil {
		t.Error("31 February accepted")
	}
}

// TestEveryKindLabelled checks that every kind the model registers has a
// name and a plural in both languages: the Sync screen, the trash and the
// search list any kind, and showed "kind.stage" when one was missing.
func TestEveryKindLabelled(t *testing.T) {
	for _, code := range []string{"en", "fr"} {
		keys := readKeys(t, "ui."+code+".json")
		for _, k := range model.Kinds() {
			for _, key := range []string{"kind." + string(k), "kind." + string(k) + ".plural"} {
				if strings.TrimSpace(keys[key]) == "" {
					t.Errorf("ui.%s.json has no %q", code, key)
				}
			}
		}
	}
}

// TestEveryFieldLabelled checks that every field of every kind has a label
// in both languages: a validation message names the field as the form does,
// never its column name (valid_until).
func TestEveryFieldLabelled(t *testing.T) {
	for _, code := range []string{"en", "fr"} {
		keys := readKeys(t, "ui."+code+".json")
		for _, k := range model.Kinds() {
			for _, f := range model.Fields(k) {
				if strings.TrimSpace(keys["field."+f]) == "" {
					t.Errorf("ui.%s.json has no label for %s.%s", code, k, f)
				}
			}
		}
	}
}

// TestValidationMessageNamesField: the message for a refused proposal names
// « Remise » with its range and « Valable jusqu’au », in the user's words.
func TestValidationMessageNamesField(t *testing.T) {
	useLanguage("fr")
	t.Cleanup(func() { useLanguage("en") })
	err := model.ValidationErrors{
		{Field: "discount_bp", Code: model.CodeRange, Msg: "must be between 0 and 100 %"},
		{Field: "valid_until", Code: model.CodeRequired, Msg: "required"},
	}
	got := userMessage(err)
	want := "Certains champs sont à corriger : Remise (entre 0 et 100 %), Valable jusqu’au (obligatoire). Corrigez-les puis enregistrez à nouveau."
	if got != want {
		t.Errorf("message\n got %q\nwant %q", got, want)
	}
}
