package model

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
)

// CalendarInfo is one calendar as this laptop shows it: its colour, whether
// it is hidden, and where it lives (see the calendars table in 0004).
type CalendarInfo struct {
	Name       string
	Color      string // "#RRGGBB"
	Hidden     bool
	Source     string // "local", "caldav" or "feed"
	AccountID  string // CalDAV account, for source "caldav"
	Href       string // collection URL path (caldav) or feed URL (feed)
	SyncToken  string
	Pending    bool // the server listed the calendar as empty; waiting for the user
	LastError  string
	LastSyncAt string
}

// Calendar sources.
const (
	CalendarLocal  = "local"
	CalendarCalDAV = "caldav"
	CalendarFeed   = "feed"
)

// calendarPalette holds colours that stay readable behind white text and
// distinct from one another; a calendar without a chosen colour gets one by
// hashing its name, so every laptop shows the team's calendars alike.
var calendarPalette = []string{"#1E88E5", "#43A047", "#E53935", "#8E24AA", "#FB8C00", "#00897B", "#6D4C41", "#3949AB", "#C0CA33", "#D81B60"}

// DefaultCalendarColor is the colour a calendar name gets until one is chosen.
func DefaultCalendarColor(name string) string {
	h := fnv.New32a()
	h.Write([]byte(name))
	return calendarPalette[h.Sum32()%uint32(len(calendarPalette))]
}

// Calendars lists the calendars known on this laptop: those with settings and
// every name appointments use, sorted by name.
func (s *Store) Calendars(ctx context.Context) ([]CalendarInfo, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT name, color, hidden, source, COALESCE(account_id, ''), href, sync_token, empty_pending, last_error, COALESCE(last_sync_at, '') FROM calendars`)
	if err != nil {
		return nil, fmt.Errorf("model: list calendars: %w", err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	var out []CalendarInfo
	for rows.Next() {
		var c CalendarInfo
		if err := rows.Scan(&c.Name, &c.Color, &c.Hidden, &c.Source, &c.AccountID, &c.Href, &c.SyncToken, &c.Pending, &c.LastError, &c.LastSyncAt); err != nil {
			return nil, fmt.Errorf("model: list calendars: %w", err)
		}
		if c.Color == "" {
			c.Color = DefaultCalendarColor(c.Name)
		}
		seen[c.Name] = true
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("model: list calendars: %w", err)
	}
	names, err := s.r.QueryContext(ctx, `SELECT DISTINCT calendar FROM appointments WHERE deleted_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("model: list calendars: %w", err)
	}
	defer names.Close()
	for names.Next() {
		var n string
		if err := names.Scan(&n); err != nil {
			return nil, fmt.Errorf("model: list calendars: %w", err)
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, CalendarInfo{Name: n, Color: DefaultCalendarColor(n), Source: CalendarLocal})
		}
	}
	sort.Slice(out, func(i, j int) bool { return sortKey(out[i].Name) < sortKey(out[j].Name) })
	return out, names.Err()
}

// Calendar returns one calendar's settings; ErrNotFound when it has none.
func (s *Store) Calendar(ctx context.Context, name string) (CalendarInfo, error) {
	cs, err := s.Calendars(ctx)
	if err != nil {
		return CalendarInfo{}, err
	}
	for _, c := range cs {
		if c.Name == name {
			return c, nil
		}
	}
	return CalendarInfo{}, fmt.Errorf("model: calendar %q: %w", name, ErrNotFound)
}

// SaveCalendar creates or updates the settings row of c.Name.
func (s *Store) SaveCalendar(ctx context.Context, c CalendarInfo) error {
	if strings.TrimSpace(c.Name) == "" && c.Source != CalendarLocal {
		return &ValidationError{Field: "name", Code: CodeRequired, Msg: "a synced calendar needs a name"}
	}
	if c.Source == "" {
		c.Source = CalendarLocal
	}
	var account any
	if c.AccountID != "" {
		account = c.AccountID
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO calendars(name, color, hidden, source, account_id, href, sync_token, empty_pending, last_error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(name) DO UPDATE SET color = excluded.color, hidden = excluded.hidden, source = excluded.source,
			account_id = excluded.account_id, href = excluded.href, sync_token = excluded.sync_token,
			empty_pending = excluded.empty_pending, last_error = excluded.last_error`,
		c.Name, c.Color, c.Hidden, c.Source, account, c.Href, c.SyncToken, c.Pending, c.LastError)
	if err != nil {
		return fmt.Errorf("model: save calendar %q: %w", c.Name, translate(err))
	}
	return nil
}

// SetCalendarHidden shows or hides a calendar in the views.
func (s *Store) SetCalendarHidden(ctx context.Context, name string, hidden bool) error {
	c, err := s.Calendar(ctx, name)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if errors.Is(err, ErrNotFound) {
		c = CalendarInfo{Name: name, Source: CalendarLocal}
	}
	c.Hidden = hidden
	return s.SaveCalendar(ctx, c)
}

// VisibleCalendars returns the names of the calendars not hidden: the
// CalendarFilter.Calendars a view passes.
func (s *Store) VisibleCalendars(ctx context.Context) ([]string, error) {
	cs, err := s.Calendars(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, c := range cs {
		if !c.Hidden {
			out = append(out, c.Name)
		}
	}
	return out, nil
}

// accentFold maps the accented letters of French, German and Spanish names
// to their base letter so that "Équipe" sorts between "Démo" and "Salons".
var accentFold = strings.NewReplacer("à", "a", "â", "a", "ä", "a", "á", "a", "ç", "c", "é", "e", "è", "e", "ê", "e", "ë", "e",
	"î", "i", "ï", "i", "í", "i", "ñ", "n", "ô", "o", "ö", "o", "ó", "o", "ù", "u", "û", "u", "ü", "u", "ú", "u", "ß", "ss", "œ", "oe", "æ", "ae")

func sortKey(name string) string { return accentFold.Replace(strings.ToLower(name)) }
