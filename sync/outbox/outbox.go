// Package outbox sends a laptop's queued changes to the team hub and pulls
// the team's changes back, keeping the promise of sync.md: every change made
// offline reaches the team once, nothing is applied twice, nothing is
// silently overwritten, and the user can see where each change stands.
//
// One sync round pushes the outbox (whole user actions, oldest first) and
// then pulls the hub's change log from the saved cursor. Each reply is
// applied in one local transaction together with the position it advances
// (acknowledged rows deleted, cursor saved), so a crash or a lost reply at any
// point only leads to a resend the hub recognises by (device, seq).
//
// The Syncer is what the UI talks to: Status and Subscribe for the status
// bar, SyncNow, Waiting, Rejections with Retry and Discard, Conflicts with
// Restore and Dismiss. Run drives automatic sync: after local changes
// (debounced), on a timer, when the network changes, with capped exponential
// backoff with full jitter, honouring Retry-After.
package outbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"relais/model"
	"relais/sync/hub"
)

// Settings are what the user enters to connect to the hub.
type Settings struct {
	HubURL      string
	Token       string // kept by Secrets, never in the database
	Fingerprint string // SHA-256 of a self-signed hub's certificate, "" to trust the system's CAs
}

// Configured reports whether there is enough to sync.
func (s Settings) Configured() bool { return s.HubURL != "" && s.Token != "" }

const (
	settingHub = "sync.hub_url"
	settingFP  = "sync.fingerprint"
)

// LoadSettings reads the hub settings: URL and fingerprint from the local
// settings, the token from secrets.
func LoadSettings(ctx context.Context, store *model.Store, secrets Secrets) (Settings, error) {
	var st Settings
	var err error
	if st.HubURL, err = store.Setting(ctx, settingHub, ""); err != nil {
		return st, err
	}
	if st.Fingerprint, err = store.Setting(ctx, settingFP, ""); err != nil {
		return st, err
	}
	if st.Token, err = secrets.Get(tokenKey(store.Path())); err != nil {
		return st, err
	}
	return st, nil
}

// CheckSettings validates what the user typed and normalises it.
func CheckSettings(st Settings) (Settings, error) {
	st.HubURL = strings.TrimRight(strings.TrimSpace(st.HubURL), "/")
	st.Token = strings.TrimSpace(st.Token)
	if st.HubURL != "" {
		u, err := url.Parse(st.HubURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return st, fmt.Errorf("outbox: %q is not a hub address such as https://hub.example:8750", st.HubURL)
		}
		if u.User != nil {
			return st, errors.New("outbox: put the token in its own field, not in the hub address")
		}
	}
	fp, err := NormalizeFingerprint(st.Fingerprint)
	if err != nil {
		return st, err
	}
	st.Fingerprint = fp
	if fp != "" && strings.HasPrefix(st.HubURL, "http://") {
		return st, errors.New("outbox: a pinned fingerprint needs an https:// hub address")
	}
	return st, nil
}

// SaveSettings stores the hub settings (the token through secrets).
func SaveSettings(ctx context.Context, store *model.Store, secrets Secrets, st Settings) error {
	st, err := CheckSettings(st)
	if err != nil {
		return err
	}
	if err := store.SetSetting(ctx, settingHub, st.HubURL); err != nil {
		return err
	}
	if err := store.SetSetting(ctx, settingFP, st.Fingerprint); err != nil {
		return err
	}
	if st.Token == "" {
		return secrets.Delete(tokenKey(store.Path()))
	}
	return secrets.Set(tokenKey(store.Path()), st.Token)
}

// Options tune a Syncer. The zero value is right for the app.
type Options struct {
	Secrets    Secrets      // nil: DefaultSecrets beside the database
	HTTPClient *http.Client // nil: one that honours the pinned fingerprint
	PushBatch  int          // changes per push request (whole actions kept together); default 1000
	PullPage   int          // changes per pull request; default (and most) hub.MaxPullPage
	Interval   time.Duration
	Debounce   time.Duration
	Logf       func(format string, args ...any)
}

// State summarises the sync for the status bar.
type State string

// The states.
const (
	StateNotConfigured State = "not_configured"
	StateSyncing       State = "syncing"
	StateUpToDate      State = "up_to_date" // online, nothing waiting
	StatePending       State = "pending"    // online, changes made since the last round
	StateOffline       State = "offline"    // the last request failed; retrying
	StateAuth          State = "auth"       // the hub refused the token
	StateError         State = "error"      // the hub refused a request; see LastError
)

// Status is a snapshot of where the sync stands.
type Status struct {
	State       State
	Online      bool // the last request to the hub succeeded
	LastSuccess time.Time
	LastAttempt time.Time
	LastError   string
	Reason      string    // why the last round failed (Reason*), for Explain
	NextTry     time.Time // when Run tries again, zero if not scheduled
	Waiting     int       // changes in the outbox
	Rejected    int       // changes the hub refused, waiting for retry or discard
	Conflicts   int       // open conflicts
	Hub         string
	SecretsAt   string // where the token is kept, for the settings screen
}

// Report is what one sync round did.
type Report struct {
	Pushed     int // changes the hub applied
	Duplicates int // changes the hub already had (resent after a lost reply)
	Rejected   int
	Pulled     int // hub changes applied here
	Conflicts  int // conflicts recorded here
	SetAside   int // hub changes this laptop could not apply
	Reset      bool
}

// Syncer syncs one store with the hub. Its methods are safe for concurrent use.
type Syncer struct {
	store   *model.Store
	secrets Secrets
	o       Options

	round sync.Mutex // one round at a time

	mu       sync.Mutex
	settings Settings
	cl       *client
	status   Status
	subs     map[int]func(Status)
	nextSub  int
	kick     chan struct{}
}

// New makes a Syncer for store, reading the saved hub settings.
func New(ctx context.Context, store *model.Store, o Options) (*Syncer, error) {
	if o.Secrets == nil {
		o.Secrets = DefaultSecrets(store.Path())
	}
	if o.PushBatch <= 0 {
		o.PushBatch = 1000
	}
	if o.PullPage <= 0 {
		o.PullPage = hub.MaxPullPage
	}
	if o.Interval <= 0 {
		o.Interval = 5 * time.Minute
	}
	if o.Debounce <= 0 {
		o.Debounce = 2 * time.Second
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
	s := &Syncer{store: store, secrets: o.Secrets, o: o, subs: map[int]func(Status){}, kick: make(chan struct{}, 1)}
	st, err := LoadSettings(ctx, store, o.Secrets)
	if err != nil {
		return nil, err
	}
	if err := s.apply(st); err != nil {
		return nil, err
	}
	if v, err := s.kv(ctx, kvLastOK); err == nil && v != "" {
		s.status.LastSuccess, _ = time.Parse(time.RFC3339Nano, v)
	}
	if v, err := s.kv(ctx, kvLastReason); err == nil && v != "" {
		s.status.Reason = v
		s.status.LastError, _ = s.kv(ctx, kvLastError)
	}
	s.status.SecretsAt = o.Secrets.Where()
	s.refreshCounts(ctx)
	return s, nil
}

func (s *Syncer) apply(st Settings) error {
	st, err := CheckSettings(st)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.settings = st
	s.cl = nil
	if st.Configured() {
		u, _ := url.Parse(st.HubURL)
		hc := s.o.HTTPClient
		if hc == nil {
			hc = newHTTPClient(st.Fingerprint)
		}
		s.cl = &client{base: u, token: st.Token, hc: hc}
	}
	s.status.Hub = st.HubURL
	if !st.Configured() {
		s.status.State = StateNotConfigured
	} else if s.status.State == StateNotConfigured || s.status.State == StateAuth {
		s.status.State = StatePending
	}
	return nil
}

// Configure saves new hub settings and syncs soon with them.
func (s *Syncer) Configure(ctx context.Context, st Settings) error {
	st, err := CheckSettings(st)
	if err != nil {
		return err
	}
	if err := SaveSettings(ctx, s.store, s.secrets, st); err != nil {
		return err
	}
	if err := s.apply(st); err != nil {
		return err
	}
	s.publish()
	s.SyncNow()
	return nil
}

// Settings returns the current hub settings.
func (s *Syncer) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings
}

// Status returns the current status.
func (s *Syncer) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Subscribe calls fn (from a background goroutine: the UI hands it to
// fyne.Do) with every new status, starting with the current one. The
// returned function unsubscribes.
func (s *Syncer) Subscribe(fn func(Status)) (cancel func()) {
	s.mu.Lock()
	id := s.nextSub
	s.nextSub++
	s.subs[id] = fn
	st := s.status
	s.mu.Unlock()
	fn(st)
	return func() {
		s.mu.Lock()
		delete(s.subs, id)
		s.mu.Unlock()
	}
}

func (s *Syncer) update(fn func(st *Status)) {
	s.mu.Lock()
	fn(&s.status)
	s.mu.Unlock()
	s.publish()
}

func (s *Syncer) publish() {
	s.mu.Lock()
	st := s.status
	fns := make([]func(Status), 0, len(s.subs))
	for _, fn := range s.subs {
		fns = append(fns, fn)
	}
	s.mu.Unlock()
	for _, fn := range fns {
		fn(st)
	}
}

// refreshCounts re-reads the counts the status shows.
func (s *Syncer) refreshCounts(ctx context.Context) {
	db := s.store.DB()
	var w, r, c int
	if err := db.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM outbox), (SELECT COUNT(*) FROM sync_rejections), (SELECT COUNT(*) FROM sync_conflicts WHERE status = 'open')`).Scan(&w, &r, &c); err != nil {
		s.o.Logf("outbox: count: %v", err)
		return
	}
	s.update(func(st *Status) {
		st.Waiting, st.Rejected, st.Conflicts = w, r, c
		if st.State == StateUpToDate && w > 0 {
			st.State = StatePending
		}
	})
}

// SyncNow asks Run for a round as soon as possible (the "Sync now" button).
func (s *Syncer) SyncNow() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Syncer) conn(ctx context.Context) (*client, error) {
	if demo, err := s.store.IsDemo(ctx); err != nil || demo {
		if err == nil {
			err = ErrDemo
		}
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cl == nil {
		return nil, errors.New("outbox: no hub is configured; enter its address and your token in the sync settings")
	}
	return s.cl, nil
}

// Sync runs one round: push everything queued, then pull everything new. It
// returns what it did even when it fails half-way (what was done stays done).
func (s *Syncer) Sync(ctx context.Context) (Report, error) {
	s.round.Lock()
	defer s.round.Unlock()
	var rep Report
	cl, err := s.conn(ctx)
	if err != nil {
		s.update(func(st *Status) { st.Reason, st.LastError = Reason(err), err.Error() })
		s.saveOutcome(ctx, err)
		return rep, err
	}
	s.update(func(st *Status) { st.State, st.LastAttempt = StateSyncing, time.Now() })
	err = s.push(ctx, cl, &rep)
	if err == nil {
		err = s.pull(ctx, cl, &rep)
	}
	now := time.Now()
	if err == nil {
		if kerr := s.setKV(ctx, kvLastOK, now.UTC().Format(time.RFC3339Nano)); kerr != nil {
			s.o.Logf("outbox: %v", kerr)
		}
	}
	s.update(func(st *Status) {
		st.Reason = Reason(err)
		switch {
		case err == nil:
			st.State, st.Online, st.LastSuccess, st.LastError = StateUpToDate, true, now, ""
		case errors.Is(err, ErrAuth):
			st.State, st.Online, st.LastError = StateAuth, true, err.Error()
		case Temporary(err):
			st.State, st.Online, st.LastError = StateOffline, false, err.Error()
		default:
			st.State, st.LastError = StateError, err.Error()
			var he *HTTPError
			st.Online = errors.As(err, &he)
		}
	})
	s.saveOutcome(ctx, err)
	s.refreshCounts(context.WithoutCancel(ctx))
	return rep, err
}

// saveOutcome keeps why the last round failed (or that it did not), so that
// `relais sync --status` in another process can say it.
func (s *Syncer) saveOutcome(ctx context.Context, err error) {
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	werr := s.store.Write(context.WithoutCancel(ctx), func(tx *model.Tx) error {
		if err := setKV(tx, kvLastReason, Reason(err)); err != nil {
			return err
		}
		return setKV(tx, kvLastError, msg)
	})
	if werr != nil {
		s.o.Logf("outbox: %v", werr)
	}
}

// Push sends the outbox without pulling (Sync does both).
func (s *Syncer) Push(ctx context.Context) (Report, error) {
	return s.one(ctx, s.push)
}

// Pull applies the hub's new changes without pushing (Sync does both).
func (s *Syncer) Pull(ctx context.Context) (Report, error) {
	return s.one(ctx, s.pull)
}

func (s *Syncer) one(ctx context.Context, fn func(context.Context, *client, *Report) error) (Report, error) {
	s.round.Lock()
	defer s.round.Unlock()
	var rep Report
	cl, err := s.conn(ctx)
	if err != nil {
		return rep, err
	}
	err = fn(ctx, cl, &rep)
	s.refreshCounts(context.WithoutCancel(ctx))
	return rep, err
}
