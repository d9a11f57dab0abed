package caldav

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/emersion/go-webdav/caldav"
	"github.com/zalando/go-keyring"

	"relais/model"
)

// Account is a CalDAV server login. Its password is never stored with it:
// it lives in the OS keyring (see Secrets) and is filled in for a session.
type Account struct {
	ID        string
	URL       string
	Username  string
	Principal string
	HomeSet   string
	Password  string `json:"-"`
}

// RemoteCalendar is a calendar collection on the server.
type RemoteCalendar struct {
	Href        string
	Name        string
	Description string
	Components  []string // VEVENT, VTODO … ; empty means any
}

// Secrets keeps account passwords.
type Secrets interface {
	Get(accountID string) (string, error)
	Set(accountID, password string) error
}

// Keyring keeps passwords in the OS keyring (Secret Service on Linux,
// Keychain on macOS, Credential Manager on Windows) via zalando/go-keyring.
type Keyring struct{}

const keyringService = "Relais CalDAV"

// Get implements Secrets.
func (Keyring) Get(id string) (string, error) {
	pw, err := keyring.Get(keyringService, id)
	if err != nil {
		return "", fmt.Errorf("caldav: read the password from the system keyring: %w", err)
	}
	return pw, nil
}

// Set implements Secrets.
func (Keyring) Set(id, pw string) error {
	if err := keyring.Set(keyringService, id, pw); err != nil {
		return fmt.Errorf("caldav: the system keyring is not available to keep the password (%v)", err)
	}
	return nil
}

// dial opens a session on the account.
func dial(acc Account, client *http.Client) (*conn, error) {
	u, err := url.Parse(acc.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("caldav: %q is not a server address (https://…)", acc.URL)
	}
	if client == nil {
		client = &http.Client{Timeout: time.Minute}
	}
	return &conn{base: u, http: &davHTTP{client: client, user: acc.Username, password: acc.Password}}, nil
}

// Discover finds the account's principal and calendar home (RFC 4791 §6,
// RFC 6764 well-known URL) and lists its calendars.
func Discover(ctx context.Context, client *http.Client, acc Account) (Account, []RemoteCalendar, error) {
	c, err := dial(acc, client)
	if err != nil {
		return acc, nil, err
	}
	cl, err := caldav.NewClient(c.http, acc.URL)
	if err != nil {
		return acc, nil, fmt.Errorf("caldav: %s: %w", acc.URL, err)
	}
	principal, err := cl.FindCurrentUserPrincipal(ctx)
	if err != nil {
		wk := c.base.ResolveReference(&url.URL{Path: "/.well-known/caldav"}).String()
		if cl2, err2 := caldav.NewClient(c.http, wk); err2 == nil {
			if p, err2 := cl2.FindCurrentUserPrincipal(ctx); err2 == nil {
				principal, err = p, nil
			}
		}
	}
	if err != nil {
		return acc, nil, explainDAV("find your account on "+acc.URL, err)
	}
	home, err := cl.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		return acc, nil, explainDAV("find your calendars on "+acc.URL, err)
	}
	acc.Principal, acc.HomeSet = principal, home
	cals, err := listCalendars(ctx, cl, home)
	return acc, cals, err
}

func listCalendars(ctx context.Context, cl *caldav.Client, home string) ([]RemoteCalendar, error) {
	found, err := cl.FindCalendars(ctx, home)
	if err != nil {
		return nil, explainDAV("list the calendars in "+home, err)
	}
	out := make([]RemoteCalendar, 0, len(found))
	for _, f := range found {
		name := f.Name
		if name == "" {
			name = path.Base(strings.TrimSuffix(f.Path, "/"))
		}
		out = append(out, RemoteCalendar{Href: f.Path, Name: name, Description: f.Description, Components: f.SupportedComponentSet})
	}
	return out, nil
}

// explainDAV turns discovery failures into a sentence.
func explainDAV(doing string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "401"):
		return fmt.Errorf("caldav: cannot %s: the user name or password is wrong", doing)
	case strings.Contains(msg, "connection refused"), strings.Contains(msg, "no such host"), strings.Contains(msg, "timeout"):
		return fmt.Errorf("caldav: cannot %s: %w (%v)", doing, ErrOffline, err)
	}
	return fmt.Errorf("caldav: cannot %s: %w", doing, err)
}

// Calendars lists the account's calendars on the server.
func Calendars(ctx context.Context, client *http.Client, acc Account) ([]RemoteCalendar, error) {
	c, err := dial(acc, client)
	if err != nil {
		return nil, err
	}
	cl, err := caldav.NewClient(c.http, acc.URL)
	if err != nil {
		return nil, fmt.Errorf("caldav: %s: %w", acc.URL, err)
	}
	return listCalendars(ctx, cl, acc.HomeSet)
}

// CreateCalendar makes a new calendar in the account's home (MKCALENDAR,
// which go-webdav v0.6.0 lacks).
func CreateCalendar(ctx context.Context, client *http.Client, acc Account, name string) (RemoteCalendar, error) {
	c, err := dial(acc, client)
	if err != nil {
		return RemoteCalendar{}, err
	}
	if acc.HomeSet == "" {
		return RemoteCalendar{}, fmt.Errorf("caldav: the account has no calendar home; add it again")
	}
	slug := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '-':
			return r
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return '-'
	}, name)
	href := strings.TrimSuffix(acc.HomeSet, "/") + "/" + strings.Trim(slug, "-") + "-" + model.NewID()[24:] + "/"
	if err := c.mkcalendar(ctx, href, name); err != nil {
		return RemoteCalendar{}, err
	}
	return RemoteCalendar{Href: href, Name: name, Components: []string{"VEVENT"}}, nil
}

// SaveAccount records the account (and its password in secrets, when given).
func SaveAccount(ctx context.Context, s *model.Store, secrets Secrets, acc *Account) error {
	if acc.ID == "" {
		acc.ID = model.NewID()
	}
	if acc.Password != "" && secrets != nil {
		if err := secrets.Set(acc.ID, acc.Password); err != nil {
			return err
		}
	}
	return s.Write(ctx, func(tx *model.Tx) error {
		_, err := tx.SQL().ExecContext(ctx, `INSERT INTO caldav_accounts(id, url, username, principal, home_set, created_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET url = excluded.url, username = excluded.username, principal = excluded.principal, home_set = excluded.home_set`,
			acc.ID, acc.URL, acc.Username, acc.Principal, acc.HomeSet, model.FormatTime(tx.Now()))
		if err != nil {
			return fmt.Errorf("caldav: save account: %w", err)
		}
		return nil
	})
}

// Accounts lists the saved accounts (without passwords).
func Accounts(ctx context.Context, db model.Querier) ([]Account, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, url, username, principal, home_set FROM caldav_accounts ORDER BY created_at`)
	if err != nil {
		return nil, fmt.Errorf("caldav: read accounts: %w", err)
	}
	defer rows.Close()
	var out []Account
	for rows.Next() {
		var a Account
		if err := rows.Scan(&a.ID, &a.URL, &a.Username, &a.Principal, &a.HomeSet); err != nil {
			return nil, fmt.Errorf("caldav: read accounts: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ErrNameTaken means a local calendar already uses the name.
var ErrNameTaken = errors.New("caldav: a calendar with that name already exists here")

// LinkCalendar makes the remote calendar a local one named localName
// (its server name when empty) that Sync keeps in step with the server.
// A local calendar of that name that is not synced yet is linked as it is:
// its appointments are uploaded by the next sync.
func LinkCalendar(ctx context.Context, s *model.Store, acc Account, rc RemoteCalendar, localName string) (string, error) {
	if localName == "" {
		localName = rc.Name
	}
	if c, err := s.Calendar(ctx, localName); err == nil && (c.Source != model.CalendarLocal || c.Href != "") {
		if c.Source == model.CalendarCalDAV && c.Href == rc.Href {
			return localName, nil
		}
		return "", fmt.Errorf("%w: %q", ErrNameTaken, localName)
	}
	color := model.DefaultCalendarColor(localName)
	if c, err := s.Calendar(ctx, localName); err == nil {
		color = c.Color
	}
	err := s.SaveCalendar(ctx, model.CalendarInfo{Name: localName, Color: color, Source: model.CalendarCalDAV, AccountID: acc.ID, Href: rc.Href})
	return localName, err
}
