package outbox

import (
	"context"
	"database/sql"
	"errors"
	"math/rand/v2"
	"net"
	"sort"
	"strings"
	"time"
)

// Backoff after failed rounds: full jitter (a uniform delay between 0 and
// the exponential bound) spreads the laptops of a team that all lost the hub
// at once, and the cap keeps a laptop offline for a day retrying every few
// minutes rather than once a day.
const (
	backoffBase = 2 * time.Second
	backoffCap  = 5 * time.Minute
)

// backoff returns the wait after the n-th consecutive failure (n ≥ 1),
// never shorter than what the hub asked for with Retry-After.
func backoff(n int, retryAfter time.Duration, rnd func(int64) int64) time.Duration {
	bound := backoffCap
	if n < 20 {
		bound = min(backoffCap, backoffBase<<(n-1))
	}
	d := time.Duration(rnd(int64(bound) + 1))
	if d < retryAfter {
		d = retryAfter
	}
	return d
}

// Run syncs in the background until ctx ends: at start, soon after local
// changes (debounced), every Interval, at once on SyncNow or when the
// network changes while offline, and after failures with backoff. A refused
// token stops automatic attempts until the settings change or SyncNow.
func (s *Syncer) Run(ctx context.Context) {
	poll := time.NewTicker(time.Second)
	defer poll.Stop()
	var (
		failures  int
		next      = time.Now()
		firstDirt time.Time
		lastTop   = s.outboxTop(ctx)
		netSig    = networkSignature()
		netCheck  time.Time
	)
	schedule := func(t time.Time) {
		next = t
		s.update(func(st *Status) { st.NextTry = t })
	}
	for {
		wait := time.Until(next)
		if next.IsZero() {
			wait = time.Hour
		}
		timer := time.NewTimer(max(wait, 0))
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-s.kick:
			timer.Stop()
			failures = 0
			schedule(time.Now())
			continue
		case now := <-poll.C:
			timer.Stop()
			// A local commit moves the outbox's sequence: sync once the user
			// pauses (Debounce), but no later than 5 debounces after the first.
			if top := s.outboxTop(ctx); top != lastTop {
				lastTop = top
				if firstDirt.IsZero() {
					firstDirt = now
				}
				s.refreshCounts(ctx)
				if st := s.Status(); st.State != StateAuth && st.State != StateNotConfigured && failures == 0 {
					schedule(minTime(now.Add(s.o.Debounce), firstDirt.Add(5*s.o.Debounce)))
				}
			}
			if now.Sub(netCheck) >= 5*time.Second {
				netCheck = now
				if sig := networkSignature(); sig != netSig {
					netSig = sig
					if !s.Status().Online {
						failures = 0
						schedule(now)
					}
				}
			}
			continue
		case <-timer.C:
		}
		if !s.Settings().Configured() {
			schedule(time.Time{})
			continue
		}
		firstDirt = time.Time{}
		_, err := s.Sync(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err == nil:
			failures = 0
			schedule(time.Now().Add(s.o.Interval))
		case errors.Is(err, ErrAuth):
			s.o.Logf("outbox: %v", err)
			schedule(time.Time{})
		default:
			failures++
			s.o.Logf("outbox: sync failed (%d in a row): %v", failures, err)
			schedule(time.Now().Add(backoff(failures, retryAfter(err), rand.Int64N)))
		}
		lastTop = s.outboxTop(ctx)
	}
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// outboxTop is the outbox's AUTOINCREMENT position: it moves with every
// local change, and reading it costs one indexed lookup.
func (s *Syncer) outboxTop(ctx context.Context) int64 {
	var n sql.NullInt64
	_ = s.store.DB().QueryRowContext(ctx, `SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).Scan(&n)
	return n.Int64
}

// networkSignature summarises the machine's interface addresses; it changes
// when Wi-Fi comes back or a cable is plugged in. Go's standard library has
// no portable network-change notification, and polling this every few
// seconds is cheap.
func networkSignature() string {
	ifs, err := net.Interfaces()
	if err != nil {
		return ""
	}
	var parts []string
	for _, i := range ifs {
		if i.Flags&net.FlagUp == 0 || i.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := i.Addrs()
		for _, a := range addrs {
			parts = append(parts, i.Name+"="+a.String())
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}
