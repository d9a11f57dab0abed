package export_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"relais/assets"
)

func reportKeys(t *testing.T, lang string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(assets.Translations, "translations/report."+lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("report.%s.json: %v", lang, err)
	}
	return m
}

var placeholder = regexp.MustCompile(`\{\{\.\w+\}\}`)

// TestReportTranslations checks that report.fr.json and report.en.json have
// the same keys with the same placeholders, no empty text, and every
// literal "report.…" key the documents use.
func TestReportTranslations(t *testing.T) {
	en, fr := reportKeys(t, "en"), reportKeys(t, "fr")
	for k, v := range en {
		f, ok := fr[k]
		if !ok {
			t.Errorf("report.fr.json lacks %q", k)
			continue
		}
		if strings.TrimSpace(v) == "" || strings.TrimSpace(f) == "" {
			t.Errorf("%q has an empty text", k)
		}
		pe, pf := placeholder.FindAllString(v, -1), placeholder.FindAllString(f, -1)
		sort.Strings(pe)
		sort.Strings(pf)
		if strings.Join(pe, ",") != strings.Join(pf, ",") {
			t.Errorf("%q: placeholders %v in English, %v in French", k, pe, pf)
		}
	}
	for k := range fr {
		if _, ok := en[k]; !ok {
			t.Errorf("report.en.json lacks %q", k)
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
		ast.Inspect(file, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			// Whole keys only; prefixes such as "report.role." are completed at run time.
			if strings.HasPrefix(key, "report.") && !strings.HasSuffix(key, ".") && !strings.Contains(key, " ") {
				if _, ok := en[key]; !ok {
					t.Errorf("%s: key %q is not in report.en.json", fset.Position(lit.Pos()), key)
				}
			}
			return true
		})
	}
	// Every role, department and proposal status has a label.
	for _, k := range []string{"report.role.rep", "report.role.manager", "report.role.coordinator", "report.dept.logistics", "report.dept.finance",
		"report.dept.customer_service", "report.dept.marketing", "report.dept.sales", "report.status.draft", "report.status.sent",
		"report.status.accepted", "report.status.declined", "report.status.expired"} {
		if _, ok := en[k]; !ok {
			t.Errorf("missing %q", k)
		}
	}
}
