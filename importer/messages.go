package importer

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The importer's sentences, in English and French. They live here rather
// than in assets/translations because the CLI, the hub and lead capture use
// them without the window (and the UI shows them as the importer wrote
// them); the language is Options.Lang, which the CLI takes from --lang, the
// app's setting or the locale, as for every other document it writes.
var messages = map[string][2]string{
	// row framing
	"row":        {"row {{.Row}}", "ligne {{.Row}}"},
	"row_line":   {"row {{.Row}} (line {{.Line}})", "ligne {{.Row}} (ligne {{.Line}} du fichier)"},
	"row_column": {"{{.Where}}, column {{.Column}}", "{{.Where}}, colonne {{.Column}}"},

	// values that cannot be read
	"not_number":   {"{{.Value}} is not a number", "{{.Value}} n’est pas un nombre"},
	"too_large":    {"{{.Value}} is too large", "{{.Value}} est trop grand"},
	"not_whole":    {"{{.Value}} is not a whole number", "{{.Value}} n’est pas un nombre entier"},
	"not_bool":     {"{{.Value}} is not yes or no", "{{.Value}} n’est ni oui ni non"},
	"not_date_mdy": {"{{.Value}} is not a date (write it as 2026-11-27 or 11/27/2026)", "{{.Value}} n’est pas une date (écrivez 2026-11-27 ou 11/27/2026)"},
	"not_date_dmy": {"{{.Value}} is not a date (write it as 2026-11-27 or 27/11/2026)", "{{.Value}} n’est pas une date (écrivez 2026-11-27 ou 27/11/2026)"},
	"not_datetime": {"{{.Value}} is not a date and time (write it as 2026-11-27 14:30)", "{{.Value}} n’est pas une date et une heure (écrivez 2026-11-27 14:30)"},
	"not_amount":   {"{{.Value}} is not an amount", "{{.Value}} n’est pas un montant"},
	"not_percent":  {"{{.Value}} is not a percentage", "{{.Value}} n’est pas un pourcentage"},
	"not_quantity": {"{{.Value}} is not a quantity", "{{.Value}} n’est pas une quantité"},
	"few_fields": {"has {{.Have}} fields but the header has {{.Want}}: a value or a separator is missing, so the columns may be shifted",
		"a {{.Have}} champs mais l’en-tête en a {{.Want}} : une valeur ou un séparateur manque, les colonnes sont peut-être décalées"},
	"many_fields": {"has {{.Have}} fields but the header has {{.Want}}: a separator inside a value may be unquoted",
		"a {{.Have}} champs mais l’en-tête en a {{.Want}} : un séparateur dans une valeur n’est peut-être pas entre guillemets"},
	"refused_value": {"{{.Field}} {{.Msg}}", "{{.Field}} : {{.Msg}}"},
	"in_trash":      {"record {{.ID}} is in the trash; restore it first", "la fiche {{.ID}} est dans la corbeille : restaurez-la d’abord"},
	"not_an_id":     {"{{.Value}} is not a Relais id", "{{.Value}} n’est pas un identifiant Relais"},
	"no_stage": {"the pipeline has no open stage to put the deal in: create one, or map a Stage column",
		"le pipeline n’a aucune étape ouverte où mettre l’affaire : créez-en une, ou associez une colonne Étape"},
	"no_sku":            {"no product has the SKU {{.Value}}", "aucun produit n’a la référence {{.Value}}"},
	"no_ref":            {"{{.None}} is named {{.Value}}", "{{.None}} ne s’appelle {{.Value}}"},
	"no_ref_left_empty": {"{{.None}} is named {{.Value}}: left empty", "{{.None}} ne s’appelle {{.Value}} : laissé vide"},
	"ref_created":       {"{{.Kind}} {{.Value}} did not exist: created", "{{.Kind}} {{.Value}} n’existait pas : créé"},
	"cannot_create":     {"cannot create the {{.Kind}} {{.Value}}: {{.Msg}}", "impossible de créer la fiche {{.Value}} ({{.Kind}}) : {{.Msg}}"},
	"line_no_product":   {"no product has the SKU {{.Value}}: the line is kept without a product", "aucun produit n’a la référence {{.Value}} : la ligne est gardée sans produit"},
	"photo_left_out":    {"photo left out: {{.Msg}}", "photo laissée de côté : {{.Msg}}"},
	"unreadable_csv":    {"unreadable CSV: {{.Msg}}", "CSV illisible : {{.Msg}}"},
	"unreadable_card":   {"unreadable card: {{.Msg}}", "fiche vCard illisible : {{.Msg}}"},
	"card_too_large":    {"the card is larger than {{.Size}}: it is left out", "la fiche fait plus de {{.Size}} : elle est laissée de côté"},
	"no_end_vcard":      {"the card has no END:VCARD", "la fiche n’a pas de END:VCARD"},
	"not_person":        {"is a {{.Kind}} card, not a person", "est une fiche {{.Kind}}, pas une personne"},

	// kinds named in messages
	"kind.account":       {"account", "compte"},
	"kind.team_member":   {"team member", "membre de l’équipe"},
	"kind.event":         {"event", "événement"},
	"kind.product":       {"product", "produit"},
	"kind.contact":       {"contact", "contact"},
	"kind.deal":          {"deal", "affaire"},
	"kind.stage":         {"stage", "étape"},
	"kind.order":         {"order", "commande"},
	"kind.product_price": {"price", "prix"},

	"none.account":     {"no account", "aucun compte"},
	"none.team_member": {"no team member", "aucun membre de l’équipe"},
	"none.event":       {"no event", "aucun événement"},
	"none.product":     {"no product", "aucun produit"},
	"none.contact":     {"no contact", "aucun contact"},
	"none.deal":        {"no deal", "aucune affaire"},
	"none.stage":       {"no stage", "aucune étape"},
	"none.order":       {"no order", "aucune commande"},

	// duplicates
	"proposal": {"may be the same person as {{.Name}} (same {{.Reason}}): imported as a separate contact, nothing merged",
		"est peut-être la même personne que {{.Name}} (même {{.Reason}}) : importé comme un contact distinct, rien n’est fusionné"},
	"proposal_other": {"may be the same record as {{.Name}} (same {{.Reason}}): imported separately, nothing merged",
		"est peut-être la même fiche que {{.Name}} (même {{.Reason}}) : importé à part, rien n’est fusionné"},
	"difference": {"{{.Name}}: {{.Field}} is {{.Old}} in Relais, {{.New}} in the file: {{.Choice}}",
		"{{.Name}} : {{.Field}} vaut {{.Old}} dans Relais, {{.New}} dans le fichier : {{.Choice}}"},
	"choice.keep":         {"kept (choose “take new” or --on-duplicate update to replace it)", "gardé (choisissez « prendre le nouveau » ou --on-duplicate update pour le remplacer)"},
	"choice.new":          {"replaced", "remplacé"},
	"choice.both":         {"both kept (the new value is in the notes)", "les deux gardés (la nouvelle valeur est dans les notes)"},
	"reason.id":           {"id", "identifiant"},
	"reason.email":        {"e-mail", "e-mail"},
	"reason.phone":        {"phone number", "numéro de téléphone"},
	"reason.name":         {"name and company", "nom et société"},
	"reason.vat":          {"VAT number", "numéro de TVA"},
	"reason.sku":          {"SKU", "référence"},
	"reason.number":       {"number", "numéro"},
	"reason.title":        {"title and account", "titre et compte"},
	"reason.date":         {"product and date", "produit et date"},
	"reason.account_name": {"name", "nom"},
	"both_note":           {"{{.Field}} (import of {{.File}}): {{.Value}}", "{{.Field}} (import de {{.File}}) : {{.Value}}"},

	// choices, as the import preview and lead capture offer them
	"ui.keep":           {"keep", "garder"},
	"ui.new":            {"take new", "prendre le nouveau"},
	"ui.both":           {"keep both", "garder les deux"},
	"ui.dup_merge":      {"fill empty fields", "compléter les champs vides"},
	"ui.create_missing": {"Create the team members and events the rows name", "Créer les membres de l’équipe et événements nommés"},
	"ui.diff_row": {"Row {{.Row}}, {{.Name}} — {{.Field}}: “{{.Old}}” in Relais, “{{.New}}” in the file",
		"Ligne {{.Row}}, {{.Name}} — {{.Field}} : « {{.Old}} » dans Relais, « {{.New}} » dans le fichier"},
	"ui.differences":      {"Values that differ from Relais: choose for each", "Valeurs différentes de celles de Relais : choisissez pour chacune"},
	"ui.proposals":        {"Possible duplicates (imported separately)", "Doublons possibles (importés à part)"},
	"ui.sum_proposed":     {"{{.Count}} possible duplicates imported as separate records (see the summary).", "{{.Count}} doublons possibles importés à part (voir le bilan)."},
	"ui.sum_differing":    {"{{.Count}} values differ from Relais and were kept as they were (see the summary).", "{{.Count}} valeurs diffèrent de Relais et ont été gardées telles quelles (voir le bilan)."},
	"ui.sum_missing":      {"{{.Count}} references to records Relais does not have were left empty (warnings).", "{{.Count}} références à des fiches absentes de Relais ont été laissées vides (avertissements)."},
	"ui.sum_refs_created": {"{{.Count}} missing team members or events created.", "{{.Count}} membres de l’équipe ou événements manquants créés."},

	// the summary
	"sum.title":                {"Import of {{.File}} ({{.Kind}}): {{.State}}", "Import de {{.File}} ({{.Kind}}) : {{.State}}"},
	"sum.a_file":               {"a file", "un fichier"},
	"sum.saved":                {"saved", "enregistré"},
	"sum.dry":                  {"dry run: nothing was saved", "essai : rien n’a été enregistré"},
	"sum.cancelled":            {"cancelled: nothing was saved", "annulé : rien n’a été enregistré"},
	"sum.nothing":              {"nothing was saved", "rien n’a été enregistré"},
	"sum.counts":               {"rows {{.Rows}}, created {{.Created}}, updated {{.Updated}}, skipped {{.Skipped}}, errors {{.Errors}}", "lignes {{.Rows}}, créées {{.Created}}, mises à jour {{.Updated}}, ignorées {{.Skipped}}, erreurs {{.Errors}}"},
	"sum.accounts":             {"accounts created: {{.Count}}", "comptes créés : {{.Count}}"},
	"sum.refs_created":         {"team members and events created: {{.Count}}", "membres de l’équipe et événements créés : {{.Count}}"},
	"cli.nothing_imported":     {"nothing was imported (rows with errors: {{.Failed}}); fix them or use --skip-bad-rows", "rien n’a été importé (lignes en erreur : {{.Failed}}) ; corrigez-les ou utilisez --skip-bad-rows"},
	"cli.nothing_imported_all": {"nothing was imported (rows with errors: {{.Failed}})", "rien n’a été importé (lignes en erreur : {{.Failed}})"},
	"cli.imported_all":         {"imported {{.Count}} records from {{.Dir}}", "{{.Count}} fiches importées depuis {{.Dir}}"},
	"cli.dry_refused":          {"dry run: rows that would be refused: {{.Failed}} of {{.Rows}} (see the errors above)", "essai : lignes qui seraient refusées : {{.Failed}} sur {{.Rows}} (voir les erreurs ci-dessus)"},
	"cli.part_refused":         {"rows refused and not imported: {{.Failed}} of {{.Rows}} (see the errors above); the others are saved", "lignes refusées et non importées : {{.Failed}} sur {{.Rows}} (voir les erreurs ci-dessus) ; les autres sont enregistrées"},
	"sum.missing_name":         {"{{.Kind}} {{.Value}} unknown: left empty on {{.Count}} rows", "{{.Kind}} {{.Value}} inconnu : laissé vide sur {{.Count}} lignes"},
	"sum.missing_hint":         {"to create them instead: --create-missing (team members and events)", "pour les créer plutôt : --create-missing (membres de l’équipe et événements)"},
	"sum.missing":              {"references left empty (unknown owner, event, account or product): {{.Count}}", "références laissées vides (propriétaire, événement, compte ou produit inconnu) : {{.Count}}"},
	"sum.proposed":             {"possible duplicates imported separately: {{.Count}}", "doublons possibles importés à part : {{.Count}}"},
	"sum.differing":            {"values that differ from Relais: {{.Count}}", "valeurs différentes de Relais : {{.Count}}"},
	"sum.line":                 {"{{.Severity}}: {{.Text}}", "{{.Severity}} : {{.Text}}"},
	"sum.error":                {"error", "erreur"},
	"sum.warning":              {"warning", "avertissement"},
	"sum.duplicate":            {"possible duplicate", "doublon possible"},
	"sum.choice":               {"choice", "choix"},
	"sum.more":                 {"… and {{.Count}} more", "… et {{.Count}} de plus"},
	"sum.col.created":          {"created", "créées"},
	"sum.col.updated":          {"updated", "mises à jour"},
	"sum.col.skipped":          {"skipped", "ignorées"},
	"sum.col.errors":           {"errors", "erreurs"},
	"sum.col.severity":         {"severity", "gravité"},
	"sum.col.row":              {"row", "ligne"},
	"sum.col.line":             {"line", "ligne du fichier"},
	"sum.col.column":           {"column", "colonne"},
	"sum.col.field":            {"field", "champ"},
	"sum.col.problem":          {"problem", "problème"},

	// reading the file
	"file_too_wide":  {"the file has {{.Count}} columns; Relais reads at most {{.Max}}", "le fichier a {{.Count}} colonnes ; Relais en lit au plus {{.Max}}"},
	"cell_too_big":   {"cell {{.Column}} is larger than {{.Size}}", "la cellule {{.Column}} fait plus de {{.Size}}"},
	"record_too_big": {"row {{.Row}} is larger than {{.Size}}: this is not a file Relais can import; nothing was saved", "la ligne {{.Row}} fait plus de {{.Size}} : Relais ne peut pas importer ce fichier ; rien n’a été enregistré"},
}

// Text returns the importer's sentence key in lang ("fr" or "en", English
// for anything else), with {{.Name}} placeholders replaced by args given as
// name, value pairs. An unknown key is returned as it is.
func Text(lang, key string, args ...string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	s := m[0]
	if strings.HasPrefix(lang, "fr") {
		s = m[1]
	}
	for i := 0; i+1 < len(args); i += 2 {
		s = strings.ReplaceAll(s, "{{."+args[i]+"}}", args[i+1])
	}
	return s
}

// MaxQuote is how much of a value a message quotes: enough to recognise it,
// short enough that a hostile 48 MB cell makes a one-line message.
const MaxQuote = 80

// Clip shortens s to at most MaxQuote characters, ending with "…" when cut.
func Clip(s string) string {
	if utf8.RuneCountInString(s) <= MaxQuote {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxQuote-1 {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

// quote is a value as a message shows it: clipped, then in quotes.
func quote(s string) string { return strconv.Quote(Clip(s)) }

// maxMsg bounds a whole message, as a last guard for sentences that come
// from elsewhere (a library's error) and may carry a value of their own.
const maxMsg = 400

// bounded clips every quoted value in msg (Go-quoted, as fmt's %q writes
// them) to MaxQuote characters, then the message itself to maxMsg.
func bounded(msg string) string {
	if len(msg) <= MaxQuote+2 {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		if msg[i] != '"' {
			b.WriteByte(msg[i])
			i++
			continue
		}
		end := quotedEnd(msg, i)
		if end < 0 {
			b.WriteString(msg[i:])
			break
		}
		if v, err := strconv.Unquote(msg[i : end+1]); err == nil {
			b.WriteString(quote(v))
		} else {
			b.WriteString(msg[i : end+1])
		}
		i = end + 1
	}
	out := b.String()
	if utf8.RuneCountInString(out) > maxMsg {
		n := 0
		for i := range out {
			if n == maxMsg-1 {
				return out[:i] + "…"
			}
			n++
		}
	}
	return out
}

// quotedEnd returns the index of the quote closing the one at start, or -1.
func quotedEnd(s string, start int) int {
	for i := start + 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '"':
			return i
		}
	}
	return -1
}

// sizeText writes a byte count for a message: "4 MiB".
func sizeText(n int) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d MiB", n>>20)
	}
	return fmt.Sprintf("%d KiB", n>>10)
}
