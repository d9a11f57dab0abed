package ical_test

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"relais/model"
	"relais/model/modeltest"
	"relais/sync/ical"
)

// mailbox is a real SMTP server on loopback (emersion/go-smtp) that keeps
// what it receives.
type mailbox struct {
	mu   sync.Mutex
	msgs []string
	rcpt [][]string
}

type session struct {
	mb   *mailbox
	rcpt []string
}

func (s *session) Mail(string, *smtp.MailOptions) error { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.rcpt = append(s.rcpt, to)
	return nil
}
func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	s.mb.mu.Lock()
	s.mb.msgs = append(s.mb.msgs, string(b))
	s.mb.rcpt = append(s.mb.rcpt, s.rcpt)
	s.mb.mu.Unlock()
	return err
}
func (s *session) Reset()        { s.rcpt = nil }
func (s *session) Logout() error { return nil }

func startSMTP(t *testing.T, addr string) *mailbox {
	t.Helper()
	mb := &mailbox{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{mb: mb}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return mb
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// TestInvitationsQueuedOfflineThenSent: REQUEST on creation, SEQUENCE up on
// a significant change, CANCEL to a removed attendee and on cancellation; all
// made while the mail server is unreachable, kept queued, then delivered in
// order once it answers.
func TestInvitationsQueuedOfflineThenSent(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	member, contact := people(t, s)
	paris := mustZone(t, "Europe/Paris")
	a := &model.Appointment{Title: "Démo produit", Start: time.Date(2026, 12, 3, 10, 0, 0, 0, paris).UTC(), End: time.Date(2026, 12, 3, 11, 0, 0, 0, paris).UTC(),
		TZ: "Europe/Paris", OwnerID: member.ID, Attendees: []string{"contact:" + contact.ID, "mailto:buyer@kunde.example"}}
	save := func(a *model.Appointment) int {
		t.Helper()
		var n int
		err := s.Write(ctx, func(tx *model.Tx) error {
			var err error
			n, err = ical.SaveAppointment(tx, a)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := save(a); n != 1 {
		t.Fatalf("create queued %d invitations", n)
	}
	a.Description = "Apporter les échantillons" // not significant: REQUEST, same SEQUENCE
	save(a)
	a.Start, a.End = a.Start.Add(time.Hour), a.End.Add(time.Hour) // significant: SEQUENCE 1
	a.Attendees = a.Attendees[:1]                                 // buyer removed: CANCEL to them
	if n := save(a); n != 2 {
		t.Fatalf("move + remove queued %d invitations, want 2", n)
	}
	if err := s.Write(ctx, func(tx *model.Tx) error { _, err := ical.CancelAppointment(tx, a.ID); return err }); err != nil {
		t.Fatal(err)
	}

	addr := freeAddr(t)
	sender := &ical.SMTPSender{Addr: addr, From: member.Email}
	if n, err := ical.Deliver(ctx, s, sender); n != 0 || err == nil {
		t.Fatalf("offline delivery: %d sent, err %v", n, err)
	}
	inv, _ := ical.Invitations(ctx, s.DB(), false)
	if len(inv) != 5 || inv[0].Attempts != 1 || inv[1].Attempts != 0 || inv[0].LastError == "" {
		t.Fatalf("after a failed attempt: %d queued, attempts %d/%d, error %q (later messages of the same appointment must wait)", len(inv), inv[0].Attempts, inv[1].Attempts, inv[0].LastError)
	}
	// Back online, after the back-off.
	mb := startSMTP(t, addr)
	later := modeltest.OpenAt(t, s.Path(), func() time.Time { return modeltest.Now.Add(2 * time.Hour) })
	if n, err := ical.Deliver(ctx, later, sender); n != 5 || err != nil {
		t.Fatalf("online delivery: %d sent, %v", n, err)
	}
	if left, _ := ical.Invitations(ctx, later.DB(), false); len(left) != 0 {
		t.Fatalf("%d invitations still queued", len(left))
	}
	want := []struct{ method, seq, to string }{
		{"method=REQUEST", "SEQUENCE:0", "jm@kunde.example"},
		{"method=REQUEST", "SEQUENCE:0", "buyer@kunde.example"},
		{"method=REQUEST", "SEQUENCE:1", "jm@kunde.example"},
		{"method=CANCEL", "SEQUENCE:1", "buyer@kunde.example"},
		{"method=CANCEL", "SEQUENCE:2", "jm@kunde.example"},
	}
	if len(mb.msgs) != len(want) {
		t.Fatalf("server received %d messages, want %d", len(mb.msgs), len(want))
	}
	for i, w := range want {
		m := mb.msgs[i]
		if !strings.Contains(m, w.method) || !strings.Contains(m, w.seq) || !strings.Contains(strings.Join(mb.rcpt[i], ","), w.to) {
			t.Errorf("message %d: want %s %s to %s; got to %v:\n%s", i, w.method, w.seq, w.to, mb.rcpt[i], m)
		}
		if !strings.Contains(m, "ORGANIZER;CN=Claire Martin:mailto:claire@relais.example") || !strings.Contains(m, "BEGIN:VTIMEZONE") {
			t.Errorf("message %d lacks ORGANIZER or VTIMEZONE", i)
		}
	}
}

func TestInvitationNeedsOrganizerAddress(t *testing.T) {
	s := modeltest.Open(t)
	a := &model.Appointment{Title: "x", Start: modeltest.Now, End: modeltest.Now.Add(time.Hour), Attendees: []string{"mailto:a@b.example"}}
	err := s.Write(context.Background(), func(tx *model.Tx) error { _, err := ical.SaveAppointment(tx, a); return err })
	if !errors.Is(err, ical.ErrNoOrganizer) {
		t.Fatalf("got %v, want ErrNoOrganizer", err)
	}
}
