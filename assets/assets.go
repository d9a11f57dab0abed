// Package assets embeds the files Relais ships inside its binary: the app
// icon, the TrueType fonts used for PDFs (DejaVu Sans, full Unicode coverage
// for French, Polish, Turkish, Greek and Cyrillic names), and the French and
// English translations. It imports no Fyne so that export can use it.
package assets

import (
	"embed"
	_ "embed" // for the single-file embeds below
)

// Icon is the application icon (256×256 PNG).
//
//go:embed icon.png
var Icon []byte

// Fonts for PDFs. DejaVu is under the Bitstream Vera licence, see fonts/LICENSE-DejaVu.txt.
var (
	//go:embed fonts/DejaVuSans.ttf
	FontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	FontBold []byte
	//go:embed fonts/DejaVuSans-Oblique.ttf
	FontItalic []byte
)

// Translations holds translations/en.json and translations/fr.json in the
// format of fyne.io/fyne/v2/lang (a flat map from key to text).
//
//go:embed translations/*.json
var Translations embed.FS
