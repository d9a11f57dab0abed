package model

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
)

// index keeps the record's full-text entry in step with the record: added on
// create, rewritten on update, removed when the record goes to the trash.
//
// New search_docs rows are fed to the FTS index once, at commit, by one
// INSERT … SELECT over the docids this transaction added (flushIndex): a
// per-row insert from Go measured a third of the cost of an import. Triggers
// would be simpler but measured twice as slow (FTS4 flushes per row then).
func (t *Tx) index(ki *kindInfo, r Record, existing bool) error {
	if ki.search == nil {
		return nil
	}
	id := r.Base().ID
	if existing {
		if err := t.flushBatch(t.docs); err != nil {
			return err
		}
		// External-content FTS4 reads the old text from search_docs to find
		// the terms to remove, so the index entry goes first — unless the row
		// was added by this transaction and is not indexed yet.
		pending := t.ftsFrom
		if pending == 0 {
			pending = math.MaxInt64
		}
		for _, fts := range []string{"search_names", "search_text"} {
			if _, err := t.exec(`DELETE FROM `+fts+` WHERE docid = (SELECT docid FROM search_docs WHERE ref_id = ? AND docid < ?)`, id, pending); err != nil {
				return fmt.Errorf("model: index %s %s: %w", ki.kind, id, err)
			}
		}
		if _, err := t.exec(`DELETE FROM search_docs WHERE ref_id = ?`, id); err != nil {
			return fmt.Errorf("model: index %s %s: %w", ki.kind, id, err)
		}
	}
	if r.Base().Deleted() {
		return nil
	}
	label, name, body := ki.search(r)
	return t.add(t.docs, string(ki.kind), id, label, name, name+" "+body)
}

// flushIndex indexes the search_docs rows this transaction added. Their
// docids are all ≥ ftsFrom because search_docs is AUTOINCREMENT.
func (t *Tx) flushIndex() error {
	if t.ftsFrom == 0 {
		return nil
	}
	if _, err := t.exec(`INSERT INTO search_names(docid, name) SELECT docid, name FROM search_docs WHERE docid >= ? AND name != ''`, t.ftsFrom); err != nil {
		return fmt.Errorf("model: update the search index: %w", translate(err))
	}
	if _, err := t.exec(`INSERT INTO search_text(docid, text) SELECT docid, text FROM search_docs WHERE docid >= ?`, t.ftsFrom); err != nil {
		return fmt.Errorf("model: update the search index: %w", translate(err))
	}
	t.ftsFrom = 0
	return nil
}

// Hit is one search result.
type Hit struct {
	Kind  Kind
	ID    string
	Label string
	score int
}

// kindRank orders result kinds when scores tie: what a coordinator most often looks for first.
var kindRank = map[Kind]int{KindAccount: 6, KindContact: 6, KindDeal: 4, KindProposal: 4, KindProduct: 3, KindEvent: 3, KindTeamMember: 3, KindClientIssue: 2, KindTask: 2, KindVendor: 2, KindActivity: 0}

// searchTokens splits the user's text into lower-case word tokens, dropping
// everything FTS would read as syntax. One-letter tokens are kept only when
// they are all there is, since "a*" matches half the index.
func searchTokens(text string) []string {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	var out []string
	for _, w := range words {
		if len([]rune(w)) >= 2 {
			out = append(out, w)
		}
	}
	if len(out) > 8 { // bound the work one query can cause
		out = out[:8]
	}
	return out
}

// Search finds records whose words start with every word of text, ignoring
// case and accents ("besancon" finds "Besançon", "lef" finds "Lefèvre").
// Matches in a record's name rank before matches in its other text; whole-word
// matches before prefixes; at most limit hits are returned.
func (s *Store) Search(ctx context.Context, text string, limit int) ([]Hit, error) {
	toks := searchTokens(text)
	if len(toks) == 0 || limit <= 0 {
		return nil, nil
	}
	var q strings.Builder
	for i, t := range toks {
		if i > 0 {
			q.WriteByte(' ')
		}
		q.WriteString(t + "*")
	}
	// Name matches: take a generous window and rank it, since FTS4 has no
	// ranking function of its own and its LIMIT keeps the first rows it finds.
	hits, err := s.searchQuery(ctx, "search_names", q.String(), limit*8+50, nil)
	if err != nil {
		return nil, err
	}
	folded := make([]string, len(toks))
	for i, t := range toks {
		folded[i] = fold(t)
	}
	for i := range hits {
		hits[i].score = scoreLabel(hits[i].Label, folded) + kindRank[hits[i].Kind]
	}
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].score != hits[j].score {
			return hits[i].score > hits[j].score
		}
		return len(hits[i].Label) < len(hits[j].Label)
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	if len(hits) < limit {
		seen := make(map[string]bool, len(hits))
		for _, h := range hits {
			seen[h.ID] = true
		}
		more, err := s.searchQuery(ctx, "search_text", q.String(), limit, seen)
		if err != nil {
			return nil, err
		}
		sort.SliceStable(more, func(i, j int) bool { return kindRank[more[i].Kind] > kindRank[more[j].Kind] })
		for _, h := range more {
			if len(hits) == limit {
				break
			}
			hits = append(hits, h)
		}
	}
	return hits, nil
}

func (s *Store) searchQuery(ctx context.Context, fts, match string, limit int, skip map[string]bool) ([]Hit, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.kind, d.ref_id, d.label FROM `+fts+` f JOIN search_docs d ON d.docid = f.docid
		WHERE `+fts+` MATCH ? LIMIT ?`, match, limit)
	if err != nil {
		return nil, fmt.Errorf("model: search: %w", err)
	}
	defer rows.Close()
	var out []Hit
	for rows.Next() {
		var h Hit
		var kind string
		if err := rows.Scan(&kind, &h.ID, &h.Label); err != nil {
			return nil, fmt.Errorf("model: search: %w", err)
		}
		h.Kind = Kind(kind)
		if !skip[h.ID] {
			out = append(out, h)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("model: search: %w", err)
	}
	return out, nil
}

// scoreLabel rewards labels whose words equal the query words (not just start
// with them), and labels that start with the first query word.
func scoreLabel(label string, toks []string) int {
	words := strings.FieldsFunc(fold(label), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	score := 0
	for _, t := range toks {
		for _, w := range words {
			if w == t {
				score += 4
				break
			}
		}
	}
	if len(words) > 0 && len(toks) > 0 && strings.HasPrefix(words[0], toks[0]) {
		score += 2
	}
	return score
}

// fold lower-cases s and strips the accents of Latin letters, matching what
// the unicode61 tokenizer does with remove_diacritics, for ranking in Go.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.ToLower(s) {
		if rep, ok := foldMap[r]; ok {
			b.WriteString(rep)
		} else {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var foldMap = func() map[rune]string {
	m := map[rune]string{}
	for base, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥħ",
		"i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ", "l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = base
		}
	}
	m['œ'], m['æ'], m['ß'] = "oe", "ae", "ss"
	return m
}()
