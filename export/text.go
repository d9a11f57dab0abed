package export

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"unicode"

	"github.com/jung-kurt/gofpdf"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/unicode/norm"

	"relais/assets"
)

// glyphs tells which runes the embedded font can draw. It is parsed once:
// the font is embedded and never changes.
var glyphs = sync.OnceValues(func() (*sfnt.Font, error) { return sfnt.Parse(assets.FontRegular) })

// scripts are the Unicode blocks Relais documents print: Latin (with its
// extensions and combining marks), Greek, Cyrillic, punctuation, currency
// signs, letter-like and number forms, arrows, maths, geometric shapes and
// U+FFFD. DejaVu Sans covers far more (Armenian, Hebrew, Arabic …), but
// gofpdf shapes no right-to-left or joined script, and parsing the whole font
// for every document was half the rendering time; a font cut to these blocks
// parses in half the time and embeds smaller subsets.
var scripts = [][2]rune{{0x20, 0x52f}, {0x1e00, 0x1fff}, {0x2000, 0x22ff}, {0x2500, 0x25ff}, {0xfffd, 0xfffd}}

func inScripts(r rune) bool {
	for _, b := range scripts {
		if r >= b[0] && r <= b[1] {
			return true
		}
	}
	return false
}

// pdfFonts are the regular, bold and italic fonts cut to scripts, made once
// per process (about 20 ms) and shared read-only by every document.
var pdfFonts = sync.OnceValue(func() [3][]byte {
	var set []rune
	for _, b := range scripts {
		for r := b[0]; r <= b[1]; r++ {
			set = append(set, r)
		}
	}
	cut := string(set)
	return [3][]byte{gofpdf.UTF8CutFont(assets.FontRegular, cut), gofpdf.UTF8CutFont(assets.FontBold, cut), gofpdf.UTF8CutFont(assets.FontItalic, cut)}
})

// cleaner prepares user text for the PDF font: NFC-composed (a name typed on
// a Mac arrives as e + U+0301 and gofpdf does no shaping), control characters
// dropped, tabs as spaces, and anything the font cannot draw — or gofpdf
// cannot encode, such as emoji beyond the Basic Multilingual Plane — shown as
// U+FFFD instead of failing or vanishing. It caches per rune; one per Doc.
type cleaner struct {
	font  *sfnt.Font
	buf   sfnt.Buffer
	known map[rune]bool
}

func newCleaner() (*cleaner, error) {
	f, err := glyphs()
	if err != nil {
		return nil, fmt.Errorf("export: read the embedded font: %w", err)
	}
	return &cleaner{font: f, known: map[rune]bool{}}, nil
}

func (c *cleaner) drawable(r rune) bool {
	ok, seen := c.known[r]
	if !seen {
		gi, err := c.font.GlyphIndex(&c.buf, r)
		ok = err == nil && gi != 0 && inScripts(r)
		c.known[r] = ok
	}
	return ok
}

// clean returns s ready to draw. Newlines are kept; paragraphs are the caller's.
func (c *cleaner) clean(s string) string {
	if !norm.NFC.IsNormalString(s) {
		s = norm.NFC.String(s)
	}
	plain := true
	for _, r := range s {
		if r >= 0x7f || (r < 0x20 && r != '\n') {
			plain = false
			break
		}
	}
	if plain {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case r == '\r' || unicode.IsControl(r) || r == '\u00ad' || r == '\u200b' || r == '\ufeff':
			// invisible: carriage returns, soft hyphens, zero-width spaces, BOMs
		case r > 0xffff || (!c.drawable(r) && !unicode.Is(unicode.Mn, r)):
			b.WriteRune('\ufffd')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Labels are the texts of one document in one language, read from
// assets/translations/<area>.<lang>.json (the files the UI uses too), so a
// document is written in its own language whatever the UI's language is.
type Labels map[string]string

// LoadLabels reads the translations of area in lang ("fr" or "en"); keys
// missing in lang fall back to English.
func LoadLabels(area, lang string) (Labels, error) {
	read := func(lang string) (Labels, error) {
		b, err := assets.Translations.ReadFile("translations/" + area + "." + lang + ".json")
		if err != nil {
			return nil, fmt.Errorf("export: no %s translations for language %q: %w", area, lang, err)
		}
		var m Labels
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("export: translations/%s.%s.json: %w", area, lang, err)
		}
		return m, nil
	}
	en, err := read("en")
	if err != nil {
		return nil, err
	}
	if lang == "en" {
		return en, nil
	}
	l, err := read(lang)
	if err != nil {
		return nil, err
	}
	for k, v := range en {
		if _, ok := l[k]; !ok {
			l[k] = v
		}
	}
	return l, nil
}

// Get returns the text for key with each {{.Name}} replaced by the value
// following Name in args (pairs), the placeholder syntax of go-i18n; an
// unknown key comes back as itself, so a missing translation shows and is
// noticed rather than printing nothing.
func (l Labels) Get(key string, args ...string) string {
	s, ok := l[key]
	if !ok {
		s = key
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{{."+args[i]+"}}", args[i+1])
	}
	return s
}

// Merge returns the labels of l and m (m wins), for documents that use the
// shared PDF labels and their own.
func (l Labels) Merge(m Labels) Labels {
	out := make(Labels, len(l)+len(m))
	for k, v := range l {
		out[k] = v
	}
	for k, v := range m {
		out[k] = v
	}
	return out
}
