package model

import (
	"context"
	"fmt"
	"strings"
	"unicode"
)

// Why FindContactDuplicate matched.
const (
	MatchEmail = "email"
	MatchPhone = "phone"
	MatchName  = "name"
)

// ContactKeys is who a new contact would be, for FindContactDuplicate.
type ContactKeys struct {
	Emails, Phones      []string
	FirstName, LastName string
	AccountID           string // the account the new contact would belong to, "" for none
}

// PhoneKey is what two phone numbers are compared by: their last nine digits
// ("+33 6 12 34 56 78" and "06 12 34 56 78" match), or "" for a number too
// short to tell people apart.
func PhoneKey(s string) string {
	var d []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	if len(d) < 6 {
		return ""
	}
	if len(d) > 9 {
		d = d[len(d)-9:]
	}
	return string(d)
}

// NameKey folds a name for comparison: letters and digits only, lower case,
// accents removed ("Élodie  Lefèvre" and "elodie lefevre" match).
func NameKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsNumber(r) {
			return r
		}
		return -1
	}, fold(s))
}

// FindContactDuplicate returns the live contact that k duplicates and the
// rule that matched, trying in order of confidence: an e-mail address
// (ignoring case), a phone number (PhoneKey), then the same first and last
// name at the same account (or both without one). It returns nil when none
// does. Candidates come from the search index and are then compared exactly,
// so the cost does not grow with the number of contacts.
func FindContactDuplicate(ctx context.Context, db Querier, k ContactKeys) (*Contact, string, error) {
	for _, e := range k.Emails {
		e = strings.TrimSpace(e)
		if e == "" {
			continue
		}
		c, err := firstContact(ctx, db, phrase(e), func(c *Contact) bool {
			for _, have := range c.Emails {
				if strings.EqualFold(strings.TrimSpace(have), e) {
					return true
				}
			}
			return false
		})
		if c != nil || err != nil {
			return c, MatchEmail, err
		}
	}
	for _, p := range k.Phones {
		key := PhoneKey(p)
		if key == "" {
			continue
		}
		c, err := firstContact(ctx, db, key, func(c *Contact) bool {
			for _, have := range c.Phones {
				if PhoneKey(have) == key {
					return true
				}
			}
			return false
		})
		if c != nil || err != nil {
			return c, MatchPhone, err
		}
	}
	name := NameKey(k.FirstName + k.LastName)
	if name == "" {
		return nil, "", nil
	}
	q := Query{Where: "account_id IS NULL", Limit: 5000}
	if k.AccountID != "" {
		q = Query{Where: "account_id = ?", Args: []any{k.AccountID}, Limit: 5000}
	}
	if k.AccountID == "" {
		// Contacts without an account are many; narrow them by name first.
		c, err := firstContact(ctx, db, phrase(k.FirstName+" "+k.LastName), func(c *Contact) bool {
			return c.AccountID == "" && NameKey(c.FirstName+c.LastName) == name
		})
		if c != nil || err != nil {
			return c, MatchName, err
		}
		return nil, "", nil
	}
	cs, err := List[Contact](ctx, db, q)
	if err != nil {
		return nil, "", fmt.Errorf("model: look for duplicates: %w", err)
	}
	for _, c := range cs {
		if NameKey(c.FirstName+c.LastName) == name {
			return c, MatchName, nil
		}
	}
	return nil, "", nil
}

// FindAccountByName returns the live account whose name is name (compared
// with NameKey), or nil.
func FindAccountByName(ctx context.Context, db Querier, name string) (*Account, error) {
	key := NameKey(name)
	if key == "" {
		return nil, nil
	}
	ids, err := ftsCandidates(ctx, db, "search_names", phrase(name), KindAccount, 50)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		var a Account
		if err := scanOne(kindByName[KindAccount], db.QueryRowContext(ctx, kindByName[KindAccount].selectQ, id), id, &a); err != nil {
			return nil, err
		}
		if !a.Deleted() && NameKey(a.Name) == key {
			return &a, nil
		}
	}
	return nil, nil
}

// phrase turns text into an FTS phrase of its words ("élodie.l@acme.fr" →
// "élodie l acme fr"), which the tokenizer matches as consecutive words.
func phrase(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	if len(words) == 0 {
		return ""
	}
	return `"` + strings.Join(words, " ") + `"`
}

// firstContact returns the first live contact found by the FTS match that
// also passes keep.
func firstContact(ctx context.Context, db Querier, match string, keep func(*Contact) bool) (*Contact, error) {
	if match == "" {
		return nil, nil
	}
	ids, err := ftsCandidates(ctx, db, "search_text", match, KindContact, 200)
	if err != nil {
		return nil, err
	}
	ki := kindByName[KindContact]
	for _, id := range ids {
		var c Contact
		if err := scanOne(ki, db.QueryRowContext(ctx, ki.selectQ, id), id, &c); err != nil {
			return nil, err
		}
		if !c.Deleted() && keep(&c) {
			return &c, nil
		}
	}
	return nil, nil
}

func ftsCandidates(ctx context.Context, db Querier, fts, match string, kind Kind, limit int) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT d.ref_id FROM `+fts+` f JOIN search_docs d ON d.docid = f.docid
		WHERE `+fts+` MATCH ? AND d.kind = ? LIMIT ?`, match, string(kind), limit)
	if err != nil {
		return nil, fmt.Errorf("model: look for duplicates: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("model: look for duplicates: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
