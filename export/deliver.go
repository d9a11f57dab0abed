package export

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/quotedprintable"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
)

// Handing a document over on site: print it, open it, mail it. These run
// the computer's own programs (CUPS lp, the desktop opener) and work offline.

// ErrNoPrinting means this computer has no CUPS lp command.
var ErrNoPrinting = errors.New("printing needs CUPS (the lp command), which this computer does not have; save the PDF and print it from another program")

// Printers lists the CUPS print queues and the default one ("" when none is
// set). It returns ErrNoPrinting when CUPS is not installed.
func Printers(ctx context.Context) (names []string, def string, err error) {
	if _, err := exec.LookPath("lpstat"); err != nil {
		return nil, "", ErrNoPrinting
	}
	out, err := exec.CommandContext(ctx, "lpstat", "-e").Output()
	if err != nil {
		return nil, "", fmt.Errorf("export: list printers: %s", commandError(err))
	}
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	// "system default destination: NAME" or "no system default destination"
	if out, err := exec.CommandContext(ctx, "lpstat", "-d").Output(); err == nil {
		if _, after, ok := strings.Cut(strings.TrimSpace(string(out)), ": "); ok {
			def = after
		}
	}
	return names, def, nil
}

// Print sends the PDF file at path to printer (the default printer when
// printer is ""), copies times, and returns what lp says (the job id). It
// returns ErrNoPrinting when CUPS is not installed, and lp's own message when
// it refuses the job.
func Print(ctx context.Context, path, printer string, copies int) (string, error) {
	if _, err := exec.LookPath("lp"); err != nil {
		return "", ErrNoPrinting
	}
	args := []string{}
	if printer != "" {
		args = append(args, "-d", printer)
	}
	if copies > 1 {
		args = append(args, "-n", strconv.Itoa(copies))
	}
	args = append(args, "--", path)
	out, err := exec.CommandContext(ctx, "lp", args...).Output()
	if err != nil {
		return "", fmt.Errorf("export: print %s: %s", path, commandError(err))
	}
	return strings.TrimSpace(string(out)), nil
}

// commandError turns a failed command into its own message where it gave one.
func commandError(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) && len(bytes.TrimSpace(ee.Stderr)) > 0 {
		return strings.TrimSpace(string(ee.Stderr))
	}
	return err.Error()
}

// openCommand is the desktop's "open with the default application" command.
func openCommand(path string) (string, []string) {
	switch runtime.GOOS {
	case "darwin":
		return "open", []string{path}
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler", path}
	}
	return "xdg-open", []string{path}
}

// OpenFile opens the file in the default application for its type: the PDF
// viewer for a preview, the mail client for an .eml draft. It returns once
// the application is launched.
func OpenFile(ctx context.Context, path string) error {
	name, args := openCommand(path)
	if _, err := exec.LookPath(name); err != nil {
		return fmt.Errorf("export: open %s: this computer has no %s to open files with; open the file yourself", path, name)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("export: open %s: %w", path, err)
	}
	go cmd.Wait() // reap it; xdg-open returns quickly, the viewer lives on
	return nil
}

// EmailDraft is a message with one attachment, written as an .eml file that
// mail clients open as a draft to review and send.
type EmailDraft struct {
	To             []string
	Subject        string
	Body           string
	AttachmentName string
	Attachment     []byte
	AttachmentType string // MIME type, "application/pdf" when empty
}

// WriteEML writes the draft as a MIME message. It carries no date and its
// boundary comes from its content, so the same draft gives the same bytes.
// "X-Unsent: 1" makes Outlook open it as an unsent draft; Thunderbird and
// Apple Mail open it as a message to edit and send.
func WriteEML(w io.Writer, m EmailDraft) error {
	sum := sha256.New()
	sum.Write([]byte(m.Subject + "\x00" + m.Body + "\x00" + m.AttachmentName))
	sum.Write(m.Attachment)
	boundary := "relais-" + hex.EncodeToString(sum.Sum(nil))[:32]
	typ := m.AttachmentType
	if typ == "" {
		typ = "application/pdf"
	}
	var b bytes.Buffer
	hdr := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	hdr("X-Unsent", "1")
	if len(m.To) > 0 {
		to := make([]string, len(m.To))
		for i, a := range m.To {
			to[i] = strings.TrimSpace(a)
		}
		hdr("To", strings.Join(to, ", "))
	}
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", `multipart/mixed; boundary="`+boundary+`"`)
	b.WriteString("\r\n--" + boundary + "\r\n")
	hdr("Content-Type", "text/plain; charset=utf-8")
	hdr("Content-Transfer-Encoding", "quoted-printable")
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	qp.Write([]byte(strings.ReplaceAll(m.Body, "\n", "\r\n")))
	qp.Close()
	if m.AttachmentName != "" {
		b.WriteString("\r\n--" + boundary + "\r\n")
		name := mime.QEncoding.Encode("utf-8", m.AttachmentName)
		hdr("Content-Type", typ+`; name="`+name+`"`)
		hdr("Content-Disposition", `attachment; filename="`+name+`"`)
		hdr("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n")
		enc := base64.StdEncoding.EncodeToString(m.Attachment)
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	if _, err := w.Write(b.Bytes()); err != nil {
		return fmt.Errorf("export: write the e-mail draft: %w", err)
	}
	return nil
}

// ProposalEmail prepares the e-mail that carries a proposal's PDF, in the
// proposal's language, addressed to its contact.
func ProposalEmail(d *ProposalData, pdf []byte) (EmailDraft, error) {
	p := &d.Proposal
	lang := p.Language
	if lang != "fr" {
		lang = "en"
	}
	l, err := LoadLabels("proposal", lang)
	if err != nil {
		return EmailDraft{}, err
	}
	m := EmailDraft{AttachmentName: ProposalFileName(p), Attachment: pdf}
	name := ""
	if c := d.Contact; c != nil {
		name = c.FullName()
		if len(c.Emails) > 0 {
			m.To = []string{c.Emails[0]}
		}
	}
	sender := d.Letterhead.Name
	if d.Owner != nil && d.Owner.Name != "" {
		sender = strings.TrimSpace(d.Owner.Name + "\n" + d.Letterhead.Name)
	}
	m.Subject = l.Get("proposal.email.subject", "Number", p.DisplayNumber(), "Company", d.Letterhead.Name)
	m.Subject = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(m.Subject), "—"))
	greeting := l.Get("proposal.email.greeting_anon")
	if name != "" {
		greeting = l.Get("proposal.email.greeting", "Name", name)
	}
	m.Body = greeting + "\n\n" + l.Get("proposal.email.body", "Number", p.DisplayNumber(), "Total", FormatMoney(d.Totals.TotalMinor, p.Currency, lang),
		"ValidUntil", FormatDate(p.ValidUntil, lang)) + "\n\n" + l.Get("proposal.email.closing") + "\n" + sender + "\n"
	return m, nil
}
