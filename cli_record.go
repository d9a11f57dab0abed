package main

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"relais/export"
	"relais/model"
)

// The record commands edit one contact, account, deal or product for scripts
// and support: `relais contact set ID field=value …`, `delete`, `restore`,
// `show`. They go through the store's own write path (Tx.Set, Delete,
// Restore, and ChangePrice for a product's price), so a change is validated,
// queued in the outbox and synced exactly like the same edit in the window.

func recordCommand(k model.Kind) command {
	return command{name: string(k), store: true,
		usage:   "set ID FIELD=VALUE … | delete ID | restore ID | show ID [--lang fr|en]",
		summary: fmt.Sprintf("change, trash or restore one %s (fields by their stored names)", k),
		run: func(e *env, args []string) error {
			fs := newFlags(string(k))
			flagLang := fs.String("lang", "", "fr or en: the language of messages (default: the app's)")
			pos, err := parseInterspersed(fs, args)
			if err != nil {
				return err
			}
			r := &recordCLI{e: e, kind: k, lang: firstNonEmptyStr(*flagLang, uiLang(e))}
			if r.lang != "fr" && r.lang != "en" {
				return usageError{fmt.Sprintf("--lang %q: say fr or en", r.lang)}
			}
			if len(pos) < 2 {
				return usageError{r.msg("say_what", strings.Join(model.Fields(k), ", "))}
			}
			verb, id, rest := pos[0], pos[1], pos[2:]
			switch verb {
			case "set":
				return r.set(id, rest)
			case "delete", "restore", "show":
				if len(rest) > 0 {
					return usageError{r.msg("extra_args", verb, quoteValue(strings.Join(rest, " ")))}
				}
				if verb == "show" {
					return r.show(id)
				}
				return r.trash(id, verb == "delete")
			}
			return usageError{r.msg("unknown_verb", quoteValue(verb))}
		}}
}

// recordCLI is one record command being run.
type recordCLI struct {
	e    *env
	kind model.Kind
	lang string
}

// recordMessages are the commands' messages in English and French; the CLI
// speaks the app's language (Settings, else the system's) unless --lang says.
var recordMessages = map[string][2]string{
	"say_what":      {"say what to do: set ID FIELD=VALUE …, delete ID, restore ID or show ID (fields: %s)", "dites quoi faire : set ID CHAMP=VALEUR …, delete ID, restore ID ou show ID (champs : %s)"},
	"extra_args":    {"%s takes only the id, not %s", "%s ne prend que l’identifiant, pas %s"},
	"unknown_verb":  {"unknown action %s: say set, delete, restore or show", "action inconnue %s : dites set, delete, restore ou show"},
	"no_pairs":      {"give at least one FIELD=VALUE to change", "donnez au moins un CHAMP=VALEUR à modifier"},
	"not_pair":      {"%s is not FIELD=VALUE", "%s n’est pas de la forme CHAMP=VALEUR"},
	"twice":         {"the field %s is given twice", "le champ %s est donné deux fois"},
	"managed":       {"%s is kept by Relais itself and cannot be set", "%s est tenu par Relais et ne peut pas être modifié"},
	"unknown_field": {"%s records have no field %q; their fields are: %s", "les fiches %s n’ont pas de champ %q ; leurs champs sont : %s"},
	"no_id":         {"no %s has the id %s", "aucune fiche %s n’a l’identifiant %s"},
	"ambiguous":     {"%s is the start of several %s ids; give more of it", "%s est le début de plusieurs identifiants de %s ; donnez-en davantage"},
	"in_trash":      {"%s %s is in the trash; bring it back first with: relais %s restore %s", "la fiche %s %s est dans la corbeille ; restaurez-la d’abord avec : relais %s restore %s"},
	"unchanged":     {"nothing was changed", "rien n’a été modifié"},
	"rejected":      {"nothing was changed: %s", "rien n’a été modifié : %s"},
	"changed":       {"%s %s (%s): %d fields changed", "fiche %s %s (%s) : %d champs modifiés"},
	"changed1":      {"%s %s (%s): 1 field changed", "fiche %s %s (%s) : 1 champ modifié"},
	"same":          {"%s %s (%s): already so, nothing changed", "fiche %s %s (%s) : déjà ainsi, rien n’a changé"},
	"trashed":       {"%s %s (%s) moved to the trash; bring it back with: relais %s restore %s", "fiche %s %s (%s) mise à la corbeille ; restaurez-la avec : relais %s restore %s"},
	"was_trashed":   {"%s %s (%s) was already in the trash", "la fiche %s %s (%s) était déjà dans la corbeille"},
	"restored":      {"%s %s (%s) taken out of the trash", "fiche %s %s (%s) sortie de la corbeille"},
	"not_trashed":   {"%s %s (%s) is not in the trash", "la fiche %s %s (%s) n’est pas dans la corbeille"},
	"empty":         {"(empty)", "(vide)"},
	"yes":           {"yes", "oui"},
	"no":            {"no", "non"},
	"price_note":    {"changed with relais %s set", "modifié par relais %s set"},
	"bad_int":       {"%s: %s is not a whole number", "%s : %s n’est pas un nombre entier"},
	"bad_money":     {"%s: %s is not an amount in %s such as 1250.50", "%s : %s n’est pas un montant en %s comme 1250,50"},
	"bad_cur":       {"%s: the amount is in %s but the %s is in %s", "%s : le montant est en %s mais la fiche %s est en %s"},
	"bad_bp":        {"%s: %s is not a rate such as 20%% or 2000 (basis points)", "%s : %s n’est pas un taux comme 20 %% ou 2000 (points de base)"},
	"bad_bool":      {"%s: %s is not yes or no", "%s : %s n’est ni oui ni non"},
	"bad_date":      {"%s: %s is not a date YYYY-MM-DD", "%s : %s n’est pas une date AAAA-MM-JJ"},
	"bad_time":      {"%s: %s is not a date and time such as 2026-11-27 14:30 or 2026-11-27T14:30:00Z", "%s : %s n’est pas une date et heure comme 2026-11-27 14:30 ou 2026-11-27T14:30:00Z"},
	"bad_list":      {"%s: %s is not a list such as a,b or [\"a\",\"b\"]", "%s : %s n’est pas une liste comme a,b ou [\"a\",\"b\"]"},
	"bad_text":      {"%s: not valid UTF-8 text", "%s : texte UTF-8 invalide"},
	"bad_ref":       {"%s: %s", "%s : %s"},
	"one_of":        {"must be one of %s", "doit valoir l’une de ces valeurs : %s"},
}

// msg formats the message key in the command's language.
func (r *recordCLI) msg(key string, args ...any) string {
	m, ok := recordMessages[key]
	if !ok {
		return key
	}
	f := m[0]
	if r.lang == "fr" {
		f = m[1]
	}
	return fmt.Sprintf(f, args...)
}

// quoteValue quotes what the user typed, clipped: a pasted file must not come
// back as a megabyte-long error message.
func quoteValue(s string) string {
	if utf8.RuneCountInString(s) > 80 {
		s = string([]rune(s)[:79]) + "…"
	}
	return strconv.Quote(s)
}

// resolve finds the record the user means: a full id, the unique start of
// one (ids are long to type), or for a product its SKU. Records in the trash
// are found too, so that they can be restored.
func (r *recordCLI) resolve(arg string) (string, error) {
	ctx, db, table := r.e.ctx, r.e.store.DB(), model.Table(r.kind)
	var id string
	switch err := db.QueryRowContext(ctx, `SELECT id FROM `+table+` WHERE id = ?`, arg).Scan(&id); {
	case err == nil:
		return id, nil
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("look up %s %s: %w", r.kind, quoteValue(arg), err)
	}
	if r.kind == model.KindProduct {
		switch err := db.QueryRowContext(ctx, `SELECT id FROM products WHERE sku = ? AND deleted_at IS NULL LIMIT 1`, arg).Scan(&id); {
		case err == nil:
			return id, nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", fmt.Errorf("look up product %s: %w", quoteValue(arg), err)
		}
	}
	// Four characters at least: a shorter prefix would match by accident.
	if len(arg) >= 4 && !strings.ContainsAny(arg, `%_\`) {
		rows, err := db.QueryContext(ctx, `SELECT id FROM `+table+` WHERE id LIKE ? LIMIT 2`, arg+"%")
		if err != nil {
			return "", fmt.Errorf("look up %s %s: %w", r.kind, quoteValue(arg), err)
		}
		var found []string
		for rows.Next() {
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return "", fmt.Errorf("look up %s %s: %w", r.kind, quoteValue(arg), err)
			}
			found = append(found, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", fmt.Errorf("look up %s %s: %w", r.kind, quoteValue(arg), err)
		}
		switch len(found) {
		case 1:
			return found[0], nil
		case 2:
			return "", errors.New(r.msg("ambiguous", quoteValue(arg), r.kind))
		}
	}
	return "", errors.New(r.msg("no_id", r.kind, quoteValue(arg)))
}

// load reads the record with the given (resolved) id.
func (r *recordCLI) load(id string) (model.Record, error) {
	rec, err := model.New(r.kind)
	if err != nil {
		return nil, err
	}
	if err := r.e.store.Get(r.e.ctx, id, rec); err != nil {
		return nil, fmt.Errorf("read %s %s: %w", r.kind, id, err)
	}
	return rec, nil
}

// label is how the record reads to a person, for messages.
func label(rec model.Record) string {
	switch x := rec.(type) {
	case *model.Contact:
		return x.FullName()
	case *model.Account:
		return x.Name
	case *model.Deal:
		return x.Title
	case *model.Product:
		return strings.TrimSpace(x.SKU + " " + x.Name)
	}
	return rec.Base().ID
}

func (r *recordCLI) show(arg string) error {
	id, err := r.resolve(arg)
	if err != nil {
		return err
	}
	rec, err := r.load(id)
	if err != nil {
		return err
	}
	m, err := model.Encode(rec)
	if err != nil {
		return err
	}
	b := rec.Base()
	deleted := ""
	if b.Deleted() {
		deleted = model.FormatTime(b.DeletedAt)
	}
	fmt.Fprintf(r.e.stdout, "id\t%s\ncreated_at\t%s\nupdated_at\t%s\ndeleted_at\t%s\n", b.ID, model.FormatTime(b.CreatedAt), model.FormatTime(b.UpdatedAt), deleted)
	for _, f := range model.FieldInfos(r.kind) {
		fmt.Fprintf(r.e.stdout, "%s\t%s\n", f.Name, storedText(m[f.Name]))
	}
	return nil
}

// storedText writes a stored value as show prints it: nil is empty.
func storedText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// trash moves the record to the trash (delete) or takes it out (restore),
// the same soft delete as the window's Delete and its Undo.
func (r *recordCLI) trash(arg string, del bool) error {
	id, err := r.resolve(arg)
	if err != nil {
		return err
	}
	rec, err := r.load(id)
	if err != nil {
		return err
	}
	name := quoteValue(label(rec))
	switch {
	case del && rec.Base().Deleted():
		fmt.Fprintln(r.e.stdout, r.msg("was_trashed", r.kind, id, name))
		return nil
	case !del && !rec.Base().Deleted():
		fmt.Fprintln(r.e.stdout, r.msg("not_trashed", r.kind, id, name))
		return nil
	case del:
		if err := r.e.store.Delete(r.e.ctx, r.kind, id); err != nil {
			return fmt.Errorf("move %s %s to the trash: %w", r.kind, id, err)
		}
		fmt.Fprintln(r.e.stdout, r.msg("trashed", r.kind, id, name, r.kind, id))
	default:
		if err := r.e.store.Restore(r.e.ctx, r.kind, id); err != nil {
			return fmt.Errorf("restore %s %s: %w", r.kind, id, err)
		}
		fmt.Fprintln(r.e.stdout, r.msg("restored", r.kind, id, name))
	}
	return nil
}

// set parses FIELD=VALUE pairs into stored values and saves them in one
// transaction. Any problem (a value that does not parse, a rule the model
// refuses) leaves the record and the outbox as they were.
func (r *recordCLI) set(arg string, pairs []string) error {
	if len(pairs) == 0 {
		return usageError{r.msg("no_pairs")}
	}
	infos := map[string]model.FieldInfo{}
	var names []string
	for _, f := range model.FieldInfos(r.kind) {
		infos[f.Name] = f
		names = append(names, f.Name)
	}
	raw := map[string]string{}
	var order []string
	for _, p := range pairs {
		name, val, ok := strings.Cut(p, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return usageError{r.msg("not_pair", quoteValue(p))}
		}
		if _, known := infos[name]; !known {
			switch name {
			case "id", "created_at", "updated_at", "deleted_at":
				return usageError{r.msg("managed", name)}
			}
			return usageError{r.msg("unknown_field", r.kind, clipName(name), strings.Join(names, ", "))}
		}
		if _, twice := raw[name]; twice {
			return usageError{r.msg("twice", name)}
		}
		raw[name], order = val, append(order, name)
	}
	id, err := r.resolve(arg)
	if err != nil {
		return err
	}
	old, err := r.load(id)
	if err != nil {
		return err
	}
	if old.Base().Deleted() {
		return errors.New(r.msg("in_trash", r.kind, id, r.kind, id))
	}
	before, err := model.Encode(old)
	if err != nil {
		return err
	}
	// Money is read in the currency the record will have, so a change of
	// currency and amount together reads the amount in the new one.
	cur, _ := before["currency"].(string)
	if v, ok := raw["currency"]; ok {
		cur = strings.ToUpper(strings.TrimSpace(v))
	}
	fields := model.FieldMap{}
	var problems []string
	for _, name := range order {
		v, err := r.parse(infos[name], raw[name], cur)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		fields[name] = v
	}
	if len(problems) > 0 {
		return errors.New(r.msg("rejected", strings.Join(problems, "; ")))
	}
	// The contact form dates a consent when it is ticked; so does set.
	if c, ok := fields["consent"].(int64); ok && c == 1 && r.kind == model.KindContact {
		if _, given := fields["consent_at"]; !given && before["consent_at"] == nil {
			fields["consent_at"] = model.FormatTime(r.e.store.Now())
		}
	}
	// A product's price is never overwritten in place: the window records a
	// new price in the history (ChangePrice), which proposals and their
	// "prices as of" date rely on. set does the same, effective today.
	var newPrice *int64
	if p, ok := fields["price_minor"].(int64); ok && r.kind == model.KindProduct {
		delete(fields, "price_minor")
		if p != before["price_minor"] {
			newPrice = &p
		}
	}
	if newPrice != nil {
		// Check the whole result first, so that a refused price or field
		// changes nothing at all even though the price is a second write.
		cand, _ := model.New(r.kind)
		if err := model.Decode(cand, before); err != nil {
			return err
		}
		if err := model.Decode(cand, fields); err != nil {
			return err
		}
		cand.(*model.Product).PriceMinor = *newPrice
		if err := cand.Validate(); err != nil {
			return r.refused(err)
		}
	}
	if len(fields) > 0 {
		if err := r.e.store.Set(r.e.ctx, r.kind, id, fields); err != nil {
			return r.refused(err)
		}
	}
	if newPrice != nil {
		today := model.DateOf(r.e.store.Now().In(time.Local))
		if _, err := r.e.store.ChangePrice(r.e.ctx, id, *newPrice, today, r.msg("price_note", r.kind)); err != nil {
			return r.refused(err)
		}
	}
	after, err := r.load(id)
	if err != nil {
		return err
	}
	return r.report(old, before, after)
}

// clipName bounds a field name echoed back (it is whatever the user typed).
func clipName(s string) string {
	q := quoteValue(s)
	return q[1 : len(q)-1]
}

// refused explains a store refusal: validation errors name their fields, in
// the command's language, and say that nothing was changed.
func (r *recordCLI) refused(err error) error {
	es, ok := model.AsValidation(err)
	if !ok {
		return fmt.Errorf("save %s: %w", r.kind, err)
	}
	parts := make([]string, len(es))
	for i, v := range es {
		parts[i] = r.validationText(v)
	}
	return errors.New(r.msg("rejected", strings.Join(parts, "; ")))
}

// validationText is "field: why". In French it uses the window's own
// translations of the validation codes (assets/translations/ui.fr.json).
func (r *recordCLI) validationText(v *model.ValidationError) string {
	if r.lang != "fr" {
		return v.Field + ": " + v.Msg
	}
	labels, err := export.LoadLabels("ui", "fr")
	if err != nil {
		return v.Field + ": " + v.Msg
	}
	if t, ok := labels[fmt.Sprintf("err.%s.%s.%s", r.kind, v.Field, v.Code)]; ok {
		return v.Field + " : " + strings.TrimSuffix(t, ".")
	}
	if list, ok := strings.CutPrefix(v.Msg, "must be one of "); ok {
		return v.Field + " : " + r.msg("one_of", list)
	}
	if t, ok := labels["err."+v.Code]; ok {
		return v.Field + " : " + strings.TrimSuffix(t, ".")
	}
	return v.Field + " : " + v.Msg
}

// report prints each field that changed, old → new.
func (r *recordCLI) report(old model.Record, before model.FieldMap, after model.Record) error {
	now, err := model.Encode(after)
	if err != nil {
		return err
	}
	var lines []string
	for _, f := range model.FieldInfos(r.kind) {
		if fmt.Sprint(before[f.Name]) == fmt.Sprint(now[f.Name]) {
			continue
		}
		lines = append(lines, fmt.Sprintf("  %s: %s → %s", f.Name, r.display(f, before[f.Name], before), r.display(f, now[f.Name], now)))
	}
	id, name := after.Base().ID, quoteValue(label(after))
	switch len(lines) {
	case 0:
		fmt.Fprintln(r.e.stdout, r.msg("same", r.kind, id, name))
		return nil
	case 1:
		fmt.Fprintln(r.e.stdout, r.msg("changed1", r.kind, id, name))
	default:
		fmt.Fprintln(r.e.stdout, r.msg("changed", r.kind, id, name, len(lines)))
	}
	for _, l := range lines {
		fmt.Fprintln(r.e.stdout, l)
	}
	return nil
}

// display writes a stored value for a person: money with its currency, a
// rate in percent, a list as its items.
func (r *recordCLI) display(f model.FieldInfo, v any, rec model.FieldMap) string {
	if v == nil || v == "" {
		return r.msg("empty")
	}
	switch n, _ := v.(int64); {
	case f.Type == model.FieldInt && strings.HasSuffix(f.Name, "_minor"):
		cur, _ := rec["currency"].(string)
		return model.Money{Minor: n, Currency: cur}.String()
	case f.Type == model.FieldInt && strings.HasSuffix(f.Name, "_bp"):
		return fmt.Sprintf("%s %%", strings.TrimSuffix(strings.TrimSuffix(fmt.Sprintf("%d.%02d", n/100, abs(n%100)), "0"), ".0"))
	case f.Type == model.FieldBool:
		if n != 0 {
			return r.msg("yes")
		}
		return r.msg("no")
	case f.Type == model.FieldList:
		var list []string
		if s, ok := v.(string); ok && json.Unmarshal([]byte(s), &list) == nil {
			q := make([]string, len(list))
			for i, x := range list {
				q[i] = quoteValue(x)
			}
			return "[" + strings.Join(q, ", ") + "]"
		}
	}
	return quoteValue(storedText(v))
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

// parse reads one typed value into its stored form (string, int64 or nil),
// with a message naming the field when it cannot. An empty value clears the
// field; whether the field may be empty is the model's rule (Validate).
func (r *recordCLI) parse(f model.FieldInfo, v, cur string) (any, error) {
	if f.Type != model.FieldText {
		v = strings.TrimSpace(v)
	}
	if v == "" {
		switch f.Type {
		case model.FieldInt, model.FieldBool:
			return int64(0), nil
		case model.FieldText:
			if f.Ref != "" {
				return nil, nil
			}
			return "", nil
		}
		return nil, nil
	}
	q := quoteValue(v)
	switch f.Type {
	case model.FieldText:
		v = strings.TrimSpace(v)
		if !utf8.ValidString(v) {
			return nil, errors.New(r.msg("bad_text", f.Name))
		}
		if f.Ref != "" {
			target := &recordCLI{e: r.e, kind: f.Ref, lang: r.lang}
			id, err := target.resolve(v)
			if err != nil {
				return nil, errors.New(r.msg("bad_ref", f.Name, err.Error()))
			}
			return id, nil
		}
		return v, nil
	case model.FieldInt:
		switch {
		case strings.HasSuffix(f.Name, "_minor"):
			n, err := parseMoney(v, cur)
			if errors.Is(err, errOtherCurrency) {
				return nil, errors.New(r.msg("bad_cur", f.Name, strings.ToUpper(v[len(v)-3:]), r.kind, cur))
			}
			if err != nil {
				return nil, errors.New(r.msg("bad_money", f.Name, q, cur))
			}
			return n, nil
		case strings.HasSuffix(f.Name, "_bp"):
			n, err := parseBP(v)
			if err != nil {
				return nil, errors.New(r.msg("bad_bp", f.Name, q))
			}
			return n, nil
		}
		n, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "%")), 10, 64)
		if err != nil {
			return nil, errors.New(r.msg("bad_int", f.Name, q))
		}
		return n, nil
	case model.FieldBool:
		switch strings.ToLower(v) {
		case "yes", "y", "true", "1", "oui", "o", "vrai":
			return int64(1), nil
		case "no", "n", "false", "0", "non", "faux":
			return int64(0), nil
		}
		return nil, errors.New(r.msg("bad_bool", f.Name, q))
	case model.FieldDate:
		d, err := model.ParseDate(v)
		if err != nil {
			return nil, errors.New(r.msg("bad_date", f.Name, q))
		}
		return d.String(), nil
	case model.FieldTime:
		if strings.EqualFold(v, "now") || strings.EqualFold(v, "maintenant") {
			return model.FormatTime(r.e.store.Now()), nil
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return model.FormatTime(t), nil
		}
		for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
			if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
				return model.FormatTime(t), nil
			}
		}
		return nil, errors.New(r.msg("bad_time", f.Name, q))
	case model.FieldList:
		var list []string
		if strings.HasPrefix(v, "[") {
			if err := json.Unmarshal([]byte(v), &list); err != nil {
				return nil, errors.New(r.msg("bad_list", f.Name, q))
			}
		} else {
			list = strings.Split(v, ",")
		}
		kept := list[:0]
		for _, s := range list {
			if s = strings.TrimSpace(s); s != "" {
				kept = append(kept, s)
			}
		}
		if len(kept) == 0 {
			return nil, nil
		}
		b, err := json.Marshal(kept)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name, err)
		}
		return string(b), nil
	}
	return nil, fmt.Errorf("%s: fields of type %s cannot be set from the command line", f.Name, f.Type)
}

var errOtherCurrency = errors.New("amount in another currency")

// parseMoney reads an amount such as "1250.50", "1 250,50", "1,250.50" or
// "1250.50 EUR" into minor units of cur, never through a float. The last of
// '.' and ',' is the decimal separator when it has at most the currency's
// number of decimals after it; other separators group thousands.
func parseMoney(s, cur string) (int64, error) {
	s = strings.TrimSpace(s)
	if n := len(s); n > 3 && isUpperLetters(strings.ToUpper(s[n-3:])) && (s[n-4] == ' ' || s[n-4] >= '0' && s[n-4] <= '9') {
		if !strings.EqualFold(s[n-3:], cur) {
			return 0, errOtherCurrency
		}
		s = strings.TrimSpace(s[:n-3])
	}
	for _, sp := range []string{" ", "\u00a0", "\u202f", "'"} {
		s = strings.ReplaceAll(s, sp, "")
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "-"), "+")
	digits := model.CurrencyDigits(cur)
	intPart, frac := s, ""
	if i := strings.LastIndexAny(s, ".,"); i >= 0 && len(s)-i-1 <= digits && len(s)-i-1 > 0 {
		intPart, frac = s[:i], s[i+1:]
	}
	intPart = strings.NewReplacer(",", "", ".", "").Replace(intPart)
	if intPart == "" {
		intPart = "0"
	}
	for _, part := range []string{intPart, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, errors.New("not an amount")
			}
		}
	}
	whole, err := strconv.ParseInt(intPart, 10, 64)
	if err != nil {
		return 0, err
	}
	frac += strings.Repeat("0", digits-len(frac))
	minor := int64(0)
	if frac != "" {
		if minor, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, err
		}
	}
	scale := int64(math.Pow10(digits))
	if whole > (math.MaxInt64-minor)/scale {
		return 0, errors.New("amount too large")
	}
	n := whole*scale + minor
	if neg {
		n = -n
	}
	return n, nil
}

func isUpperLetters(s string) bool {
	for _, c := range s {
		if c < 'A' || c > 'Z' {
			return false
		}
	}
	return s != ""
}

// parseBP reads a rate: "20%", "5,5 %" as a percentage, a bare whole number
// as basis points (the stored unit: 2000 = 20 %).
func parseBP(s string) (int64, error) {
	s = strings.TrimSpace(s)
	pct, ok := strings.CutSuffix(s, "%")
	if !ok {
		return strconv.ParseInt(s, 10, 64)
	}
	pct = strings.ReplaceAll(strings.TrimSpace(pct), ",", ".")
	whole, frac, _ := strings.Cut(pct, ".")
	if len(frac) > 2 || whole == "" {
		return 0, errors.New("at most two decimals")
	}
	frac += strings.Repeat("0", 2-len(frac))
	w, err := strconv.ParseInt(whole, 10, 32)
	if err != nil {
		return 0, err
	}
	f, err := strconv.ParseInt(frac, 10, 32)
	if err != nil || f < 0 {
		return 0, errors.New("not a rate")
	}
	if w < 0 {
		return w*100 - f, nil
	}
	return w*100 + f, nil
}
