package ical

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"relais/model"
)

// Feeds are published calendars (a trade fair's programme, public holidays,
// a partner's availability) that Relais copies read-only into a calendar of
// their own. Each refresh asks with If-None-Match / If-Modified-Since, so an
// unchanged feed costs one small request; when the network or the server
// fails, the last copy stays and the error is kept for the user to see.

// Feed is one subscription.
type Feed struct {
	URL          string
	Calendar     string
	Every        time.Duration
	ETag         string
	LastModified string
	RefreshedAt  time.Time
	LastError    string
}

// FeedResult is the outcome of refreshing one feed.
type FeedResult struct {
	Feed   Feed
	Status string // "updated", "not_modified" or "failed"
	Report *Report
	Err    error
}

// normalizeFeedURL accepts webcal:// links (what "subscribe" buttons publish).
func normalizeFeedURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("ical: %q is not a web address", raw)
	}
	switch strings.ToLower(u.Scheme) {
	case "webcal", "webcals":
		u.Scheme = "https"
	case "http", "https":
	default:
		return "", fmt.Errorf("ical: %q is not a web address (http, https or webcal)", raw)
	}
	if u.Host == "" {
		return "", fmt.Errorf("ical: %q has no host", raw)
	}
	return u.String(), nil
}

// Subscribe records a feed for calendar (created read-only, source "feed").
// The first refresh is left to RefreshFeeds.
func Subscribe(ctx context.Context, s *model.Store, rawURL, calendar string, every time.Duration) (Feed, error) {
	u, err := normalizeFeedURL(rawURL)
	if err != nil {
		return Feed{}, err
	}
	if strings.TrimSpace(calendar) == "" {
		return Feed{}, fmt.Errorf("ical: name the calendar the feed goes into")
	}
	if every < 5*time.Minute {
		every = time.Hour
	}
	if c, err := s.Calendar(ctx, calendar); err == nil && c.Source != model.CalendarFeed {
		return Feed{}, fmt.Errorf("ical: the calendar %q already exists; choose another name for the feed", calendar)
	}
	if err := s.SaveCalendar(ctx, model.CalendarInfo{Name: calendar, Source: model.CalendarFeed, Href: u, Color: model.DefaultCalendarColor(calendar)}); err != nil {
		return Feed{}, err
	}
	err = s.Write(ctx, func(tx *model.Tx) error {
		_, err := tx.SQL().ExecContext(ctx, `INSERT INTO calendar_feeds(url, calendar, refresh_min) VALUES (?, ?, ?)
			ON CONFLICT(url) DO UPDATE SET calendar = excluded.calendar, refresh_min = excluded.refresh_min`, u, calendar, int(every/time.Minute))
		return err
	})
	if err != nil {
		return Feed{}, fmt.Errorf("ical: subscribe to %s: %w", u, err)
	}
	return Feed{URL: u, Calendar: calendar, Every: every}, nil
}

// Feeds lists the subscriptions.
func Feeds(ctx context.Context, db model.Querier) ([]Feed, error) {
	rows, err := db.QueryContext(ctx, `SELECT url, calendar, refresh_min, etag, last_modified, COALESCE(refreshed_at, ''), last_error FROM calendar_feeds ORDER BY calendar`)
	if err != nil {
		return nil, fmt.Errorf("ical: read feeds: %w", err)
	}
	defer rows.Close()
	var out []Feed
	for rows.Next() {
		var f Feed
		var mins int
		var at string
		if err := rows.Scan(&f.URL, &f.Calendar, &mins, &f.ETag, &f.LastModified, &at, &f.LastError); err != nil {
			return nil, fmt.Errorf("ical: read feeds: %w", err)
		}
		f.Every = time.Duration(mins) * time.Minute
		f.RefreshedAt, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, f)
	}
	return out, rows.Err()
}

// maxFeedSize bounds a feed download.
const maxFeedSize = 64 << 20

// RefreshFeeds refreshes the feeds that are due (all of them when force is
// set). A failing feed does not stop the others; each result says what happened.
func RefreshFeeds(ctx context.Context, s *model.Store, client *http.Client, force bool) ([]FeedResult, error) {
	feeds, err := Feeds(ctx, s.DB())
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	var out []FeedResult
	for _, f := range feeds {
		if !force && !f.RefreshedAt.IsZero() && s.Now().Before(f.RefreshedAt.Add(f.Every)) && f.LastError == "" {
			continue
		}
		res := refreshFeed(ctx, s, client, f)
		if res.Err != nil {
			msg := res.Err.Error()
			s.Write(ctx, func(tx *model.Tx) error {
				_, err := tx.SQL().ExecContext(ctx, `UPDATE calendar_feeds SET last_error = ?, refreshed_at = ? WHERE url = ?`, msg, model.FormatTime(s.Now()), f.URL)
				return err
			})
		}
		out = append(out, res)
	}
	return out, nil
}

func refreshFeed(ctx context.Context, s *model.Store, client *http.Client, f Feed) FeedResult {
	res := FeedResult{Feed: f, Status: "failed"}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		res.Err = fmt.Errorf("ical: feed %s: %w", f.URL, err)
		return res
	}
	req.Header.Set("Accept", "text/calendar, */*;q=0.5")
	if f.ETag != "" {
		req.Header.Set("If-None-Match", f.ETag)
	}
	if f.LastModified != "" {
		req.Header.Set("If-Modified-Since", f.LastModified)
	}
	resp, err := client.Do(req)
	if err != nil {
		res.Err = fmt.Errorf("ical: feed %s is unreachable, the last copy is kept: %w", f.URL, err)
		return res
	}
	defer resp.Body.Close()
	now := model.FormatTime(s.Now())
	switch {
	case resp.StatusCode == http.StatusNotModified:
		err := s.Write(ctx, func(tx *model.Tx) error {
			_, err := tx.SQL().ExecContext(ctx, `UPDATE calendar_feeds SET refreshed_at = ?, last_error = '' WHERE url = ?`, now, f.URL)
			return err
		})
		res.Status, res.Err = "not_modified", err
		return res
	case resp.StatusCode/100 != 2:
		res.Err = fmt.Errorf("ical: feed %s answered %s, the last copy is kept", f.URL, resp.Status)
		return res
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFeedSize+1))
	if err != nil {
		res.Err = fmt.Errorf("ical: feed %s: download interrupted, the last copy is kept: %w", f.URL, err)
		return res
	}
	if len(data) > maxFeedSize {
		res.Err = fmt.Errorf("ical: feed %s is larger than %d MB", f.URL, maxFeedSize>>20)
		return res
	}
	err = s.Write(ctx, func(tx *model.Tx) error {
		rep, err := ImportTx(tx, data, ImportOptions{Calendar: f.Calendar, Prune: true})
		if err != nil {
			return err
		}
		if rep.Count(Imported)+rep.Count(Updated)+rep.Count(Unchanged) == 0 && len(rep.Items) > 0 {
			return errors.New("no event of the feed could be read")
		}
		res.Report = rep
		_, err = tx.SQL().ExecContext(ctx, `UPDATE calendar_feeds SET etag = ?, last_modified = ?, refreshed_at = ?, last_error = '' WHERE url = ?`,
			resp.Header.Get("ETag"), resp.Header.Get("Last-Modified"), now, f.URL)
		return err
	})
	if err != nil {
		res.Err = fmt.Errorf("ical: feed %s: %w; the last copy is kept", f.URL, err)
		return res
	}
	res.Status = "updated"
	return res
}
