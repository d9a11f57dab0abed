package ical

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"mime"
	"mime/multipart"
	"net/smtp"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"time"

	"relais/model"
)

// Invitations follow iTIP (RFC 5546): saving an appointment with attendees
// queues a REQUEST, cancelling or deleting it a CANCEL, in the same
// transaction as the change. SEQUENCE goes up on each significant change
// (model.SignificantChange), so attendees' calendars replace their copy. The
// queue lives in the invitations table and is handed to the mail system by
// Deliver whenever Relais is online; made offline, invitations simply wait.

// ErrNoOrganizer means the appointment has attendees but nobody to send the
// invitations as: its organizer (or owner) has no e-mail address.
var ErrNoOrganizer = errors.New("ical: the appointment's organizer has no e-mail address, so no invitation can be sent")

// SaveAppointment creates or updates a as one user action: validation,
// recurrence rule check, SEQUENCE, and the invitations the change calls for.
// It returns how many invitations were queued. ErrNoOrganizer comes back
// with the appointment written: the caller may commit anyway and warn.
func SaveAppointment(tx *model.Tx, a *model.Appointment) (int, error) {
	if a.RRule != "" {
		if _, err := model.ParseRRule(a.RRule, a.Start.In(a.Zone())); err != nil {
			return 0, &model.ValidationError{Field: "rrule", Code: model.CodeInvalid, Msg: strings.TrimPrefix(err.Error(), "model: ")}
		}
	}
	if a.UID == "" {
		a.UID = model.NewID() + "@relais"
	}
	var old *model.Appointment
	if a.ID != "" {
		o := &model.Appointment{}
		switch err := tx.Get(a.ID, o); {
		case err == nil:
			old = o
		case !errors.Is(err, model.ErrNotFound):
			return 0, err
		}
	}
	if old == nil {
		if err := tx.Create(a); err != nil {
			return 0, err
		}
		return queueFor(tx, nil, a)
	}
	a.Sequence = old.Sequence
	if model.SignificantChange(old, a) {
		a.Sequence++
	}
	if err := tx.Update(a); err != nil {
		return 0, err
	}
	return queueFor(tx, old, a)
}

// CancelAppointment marks the appointment cancelled and tells its attendees.
func CancelAppointment(tx *model.Tx, id string) (int, error) {
	a := &model.Appointment{}
	if err := tx.Get(id, a); err != nil {
		return 0, err
	}
	a.Status = "cancelled"
	return SaveAppointment(tx, a)
}

// DeleteAppointment moves the appointment to the trash, first sending a
// CANCEL to its attendees unless it was already cancelled.
func DeleteAppointment(tx *model.Tx, id string) (int, error) {
	a := &model.Appointment{}
	if err := tx.Get(id, a); err != nil {
		return 0, err
	}
	n := 0
	if a.Status != "cancelled" && len(a.Attendees) > 0 {
		var err error
		if n, err = CancelAppointment(tx, id); err != nil && !errors.Is(err, ErrNoOrganizer) {
			return 0, err
		}
	}
	return n, tx.Delete(model.KindAppointment, id)
}

// queueFor queues what going from old (nil: new) to a means for attendees.
func queueFor(tx *model.Tx, old, a *model.Appointment) (int, error) {
	dir := NewDirectory(tx.Context(), tx.SQL())
	w := &Writer{Dir: dir}
	org := w.organizer(a)
	orgAddr := ""
	if org != nil {
		orgAddr = strings.ToLower(strings.TrimPrefix(org.Value, "mailto:"))
	}
	emails := func(x *model.Appointment) []string {
		var out []string
		if x == nil {
			return nil
		}
		for _, ref := range x.Attendees {
			if _, e := dir.Person(ref); e != "" && strings.ToLower(e) != orgAddr && !containsStr(out, e) {
				out = append(out, e)
			}
		}
		return out
	}
	now, was := emails(a), emails(old)
	var removed []string
	for _, e := range was {
		if !containsStr(now, e) {
			removed = append(removed, e)
		}
	}
	if (len(now) == 0 && len(removed) == 0) || (old != nil && sameRecord(old, a)) {
		return 0, nil
	}
	if org == nil {
		return 0, ErrNoOrganizer
	}
	series, err := seriesOf(tx, a)
	if err != nil {
		return 0, err
	}
	n := 0
	cancelled := a.Status == "cancelled"
	if len(now) > 0 && !(cancelled && old != nil && old.Status == "cancelled") {
		method := "REQUEST"
		if cancelled {
			method = "CANCEL"
		}
		if err := enqueue(tx, w, a, series, method, now); err != nil {
			return 0, err
		}
		n++
	}
	if len(removed) > 0 && !cancelled {
		gone := *a
		gone.Status = "cancelled"
		if err := enqueue(tx, w, &gone, []*model.Appointment{&gone}, "CANCEL", removed); err != nil {
			return 0, err
		}
		n++
	}
	return n, nil
}

// seriesOf returns the rows sharing a's UID, a itself in place of its stored copy.
func seriesOf(tx *model.Tx, a *model.Appointment) ([]*model.Appointment, error) {
	rows, err := model.List[model.Appointment](tx.Context(), tx.SQL(), model.Query{Where: "uid = ?", Args: []any{a.UID}, OrderBy: "recurrence_id IS NOT NULL, recurrence_id"})
	if err != nil {
		return nil, err
	}
	out := []*model.Appointment{}
	found := false
	for _, r := range rows {
		if r.ID == a.ID {
			r, found = a, true
		}
		out = append(out, r)
	}
	if !found {
		out = append(out, a)
	}
	return out, nil
}

func enqueue(tx *model.Tx, w *Writer, a *model.Appointment, series []*model.Appointment, method string, to []string) error {
	now := tx.Now()
	var events []*model.Appointment
	for _, r := range series {
		if method == "CANCEL" && r.ID != a.ID {
			continue // a CANCEL names the cancelled event only
		}
		events = append(events, r)
	}
	cal := w.Calendar(events, method, func(*model.Appointment) time.Time { return now }, true)
	var buf bytes.Buffer
	if err := Encode(&buf, cal); err != nil {
		return err
	}
	rcpt, _ := json.Marshal(to)
	subject := a.Title
	if method == "CANCEL" {
		subject = "Cancelled: " + subject
	}
	_, err := tx.SQL().ExecContext(tx.Context(), `INSERT INTO invitations(appointment_id, uid, method, sequence, recipients, subject, ics, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		a.ID, a.UID, method, a.Sequence, string(rcpt), subject, buf.String(), model.FormatTime(now))
	if err != nil {
		return fmt.Errorf("ical: queue %s for %s: %w", method, a.UID, err)
	}
	return nil
}

// Invitation is one queued iTIP message.
type Invitation struct {
	Seq           int64
	AppointmentID string
	UID           string
	Method        string // REQUEST or CANCEL
	Sequence      int64
	Recipients    []string
	Subject       string
	ICS           string
	CreatedAt     time.Time
	Attempts      int
	LastError     string
	SentAt        time.Time
}

// Invitations lists queued invitations, oldest first; sent ones too when all is set.
func Invitations(ctx context.Context, db model.Querier, all bool) ([]Invitation, error) {
	q := `SELECT seq, appointment_id, uid, method, sequence, recipients, subject, ics, created_at, attempts, last_error, COALESCE(sent_at, '') FROM invitations`
	if !all {
		q += ` WHERE sent_at IS NULL`
	}
	rows, err := db.QueryContext(ctx, q+` ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("ical: read invitations: %w", err)
	}
	defer rows.Close()
	var out []Invitation
	for rows.Next() {
		var inv Invitation
		var rcpt, created, sent string
		if err := rows.Scan(&inv.Seq, &inv.AppointmentID, &inv.UID, &inv.Method, &inv.Sequence, &rcpt, &inv.Subject, &inv.ICS, &created, &inv.Attempts, &inv.LastError, &sent); err != nil {
			return nil, fmt.Errorf("ical: read invitations: %w", err)
		}
		json.Unmarshal([]byte(rcpt), &inv.Recipients)
		inv.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
		inv.SentAt, _ = time.Parse(time.RFC3339Nano, sent)
		out = append(out, inv)
	}
	return out, rows.Err()
}

// Sender hands an invitation to the mail system.
type Sender interface {
	Send(ctx context.Context, inv Invitation) error
}

// Deliver sends the queued invitations whose retry time has come, oldest
// first. A failed one stays queued with an exponential, jittered back-off,
// and holds back later messages for the same appointment so that attendees
// never receive a CANCEL before the REQUEST it cancels. It returns how many
// were sent and the last failure.
func Deliver(ctx context.Context, s *model.Store, sender Sender) (int, error) {
	pending, err := Invitations(ctx, s.DB(), false)
	if err != nil {
		return 0, err
	}
	now := s.Now()
	held := map[string]bool{}
	var next map[int64]string
	if next, err = retryTimes(ctx, s); err != nil {
		return 0, err
	}
	sent := 0
	var lastErr error
	for _, inv := range pending {
		if held[inv.UID] {
			continue
		}
		if at := next[inv.Seq]; at != "" && at > model.FormatTime(now) {
			held[inv.UID] = true
			continue
		}
		err := sender.Send(ctx, inv)
		werr := s.Write(ctx, func(tx *model.Tx) error {
			if err == nil {
				_, e := tx.SQL().ExecContext(ctx, `UPDATE invitations SET sent_at = ?, attempts = attempts + 1, last_error = '' WHERE seq = ?`, model.FormatTime(now), inv.Seq)
				return e
			}
			_, e := tx.SQL().ExecContext(ctx, `UPDATE invitations SET attempts = attempts + 1, last_error = ?, next_try_at = ? WHERE seq = ?`,
				err.Error(), model.FormatTime(now.Add(backoff(inv.Attempts+1))), inv.Seq)
			return e
		})
		if werr != nil {
			return sent, fmt.Errorf("ical: record delivery: %w", werr)
		}
		if err != nil {
			held[inv.UID] = true
			lastErr = fmt.Errorf("ical: send %s %q: %w", inv.Method, inv.Subject, err)
			continue
		}
		sent++
	}
	return sent, lastErr
}

func retryTimes(ctx context.Context, s *model.Store) (map[int64]string, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT seq, next_try_at FROM invitations WHERE sent_at IS NULL AND next_try_at IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("ical: read invitations: %w", err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var seq int64
		var at string
		if err := rows.Scan(&seq, &at); err != nil {
			return nil, err
		}
		out[seq] = at
	}
	return out, rows.Err()
}

// backoff is "full jitter" exponential back-off: random up to 30 s × 2^n, capped at one hour.
func backoff(attempts int) time.Duration {
	ceil := 30 * time.Second << min(attempts, 7)
	if ceil > time.Hour {
		ceil = time.Hour
	}
	n, err := rand.Int(rand.Reader, big.NewInt(int64(ceil)))
	if err != nil {
		return ceil
	}
	return time.Duration(n.Int64()) + time.Second
}

// Message renders the invitation as an e-mail that Outlook, Gmail and Apple
// Mail show as a meeting request: multipart/alternative with a text part and
// a text/calendar part carrying the iTIP method.
func Message(from string, inv Invitation, now time.Time) ([]byte, error) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	h := textproto.MIMEHeader{}
	h.Set("Content-Type", "text/plain; charset=UTF-8")
	part, err := mw.CreatePart(h)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(part, "%s\r\n\r\nThis message carries a calendar invitation (%s).\r\n", inv.Subject, strings.ToLower(inv.Method))
	h = textproto.MIMEHeader{}
	h.Set("Content-Type", "text/calendar; charset=UTF-8; method="+inv.Method)
	h.Set("Content-Transfer-Encoding", "8bit")
	if part, err = mw.CreatePart(h); err != nil {
		return nil, err
	}
	part.Write([]byte(inv.ICS))
	mw.Close()
	id := make([]byte, 12)
	rand.Read(id)
	var msg bytes.Buffer
	fmt.Fprintf(&msg, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@relais>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=%q\r\n\r\n",
		from, strings.Join(inv.Recipients, ", "), mime.QEncoding.Encode("UTF-8", inv.Subject), now.Format(time.RFC1123Z), hex.EncodeToString(id), mw.Boundary())
	msg.Write(body.Bytes())
	return msg.Bytes(), nil
}

// SMTPSender sends invitations through an SMTP server (STARTTLS when the
// server offers it).
type SMTPSender struct {
	Addr string    // host:port
	From string    // envelope and header sender
	Auth smtp.Auth // nil for none
	Now  func() time.Time
}

// Send implements Sender.
func (s *SMTPSender) Send(ctx context.Context, inv Invitation) error {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	msg, err := Message(s.From, inv, now())
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(s.Addr, s.Auth, s.From, inv.Recipients, msg) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// DirSender writes each invitation as an .eml file into Dir, for a mail
// client to send (Thunderbird and Outlook open .eml files as messages).
type DirSender struct {
	Dir  string
	From string
}

// Send implements Sender.
func (d *DirSender) Send(_ context.Context, inv Invitation) error {
	msg, err := Message(d.From, inv, time.Now())
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Dir, 0o700); err != nil {
		return err
	}
	name := fmt.Sprintf("%06d-%s.eml", inv.Seq, strings.ToLower(inv.Method))
	return os.WriteFile(filepath.Join(d.Dir, name), msg, 0o600)
}
