package export_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"relais/export"
)

func TestWriteEML(t *testing.T) {
	d := demoProposal("fr", 7)
	d.Contact.Emails = []string{"elodie@lefevre.fr"}
	_, pdf := render(t, d)
	draft, err := export.ProposalEmail(d, pdf)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := export.WriteEML(&b, draft); err != nil {
		t.Fatal(err)
	}
	var again bytes.Buffer
	export.WriteEML(&again, draft)
	if !bytes.Equal(b.Bytes(), again.Bytes()) {
		t.Error("the same draft gave different bytes")
	}

	msg, err := mail.ReadMessage(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if msg.Header.Get("X-Unsent") != "1" || msg.Header.Get("To") != "elodie@lefevre.fr" || subject != "Proposition Q-2026-7KQ2M-0042-R2 — Atelier Lumière & Cie" {
		t.Errorf("headers: %v, subject %q", msg.Header, subject)
	}
	_, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	body, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	text, _ := io.ReadAll(body) // multipart decodes quoted-printable itself
	for _, want := range []string{"Bonjour Élodie Lefèvre,", "proposition Q-2026-7KQ2M-0042-R2", "5\u202f275,35\u00a0€ TTC", "27 décembre 2026", "« Bon pour accord »", "Camille Durand"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the body lacks %q:\n%s", want, text)
		}
	}
	att, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	if att.FileName() != "Q-2026-7KQ2M-0042-R2.pdf" || !strings.HasPrefix(att.Header.Get("Content-Type"), "application/pdf") {
		t.Errorf("attachment %q %q", att.FileName(), att.Header.Get("Content-Type"))
	}
	raw, _ := io.ReadAll(att)
	got, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
	if err != nil || !bytes.Equal(got, pdf) {
		t.Errorf("the attachment is not the PDF (%v)", err)
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("more parts than expected: %v", err)
	}
}

// fakeLP puts an lp (and lpstat) on PATH that records its arguments, since
// CUPS is not installed on build machines; the real lp takes the same flags.
func fakeLP(t *testing.T, exit int) string {
	dir := t.TempDir()
	log := filepath.Join(dir, "args")
	lp := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + log + "\n"
	if exit != 0 {
		lp += "echo 'lp: The printer or class does not exist.' >&2\nexit 1\n"
	} else {
		lp += "echo 'request id is Bureau-42 (1 file(s))'\n"
	}
	lpstat := "#!/bin/sh\ncase \"$1\" in -e) printf 'Bureau\\nStand_HP\\n';; -d) echo 'system default destination: Bureau';; esac\n"
	os.WriteFile(filepath.Join(dir, "lp"), []byte(lp), 0o755)
	os.WriteFile(filepath.Join(dir, "lpstat"), []byte(lpstat), 0o755)
	t.Setenv("PATH", dir+":/usr/bin:/bin")
	return log
}

func TestPrint(t *testing.T) {
	ctx := context.Background()
	t.Run("NoCUPS", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		if _, err := export.Print(ctx, "x.pdf", "", 1); !errors.Is(err, export.ErrNoPrinting) {
			t.Errorf("err = %v", err)
		}
		if _, _, err := export.Printers(ctx); !errors.Is(err, export.ErrNoPrinting) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("DefaultPrinter", func(t *testing.T) {
		log := fakeLP(t, 0)
		out, err := export.Print(ctx, "/tmp/Q 1.pdf", "", 1)
		if err != nil || !strings.Contains(out, "Bureau-42") {
			t.Fatalf("out %q, err %v", out, err)
		}
		if args, _ := os.ReadFile(log); string(args) != "--\n/tmp/Q 1.pdf\n" {
			t.Errorf("lp args %q", args)
		}
	})
	t.Run("ChosenPrinter", func(t *testing.T) {
		log := fakeLP(t, 0)
		if _, err := export.Print(ctx, "/tmp/q.pdf", "Stand_HP", 2); err != nil {
			t.Fatal(err)
		}
		if args, _ := os.ReadFile(log); string(args) != "-d\nStand_HP\n-n\n2\n--\n/tmp/q.pdf\n" {
			t.Errorf("lp args %q", args)
		}
		names, def, err := export.Printers(ctx)
		if err != nil || len(names) != 2 || names[1] != "Stand_HP" || def != "Bureau" {
			t.Errorf("printers %v, default %q, err %v", names, def, err)
		}
	})
	t.Run("ErrRefused", func(t *testing.T) {
		fakeLP(t, 1)
		_, err := export.Print(ctx, "/tmp/q.pdf", "Nope", 1)
		if err == nil || !strings.Contains(err.Error(), "The printer or class does not exist") {
			t.Errorf("err = %v", err)
		}
	})
}
