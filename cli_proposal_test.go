package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"relais/model"
	"relais/model/modeltest"
)

// seedProposals makes a database with one sent proposal past its validity
// and one draft in two revisions, closes it and returns its path.
func seedProposals(t *testing.T) (path string, numbers []string) {
	t.Helper()
	ctx := context.Background()
	path = filepath.Join(t.TempDir(), "relais.db")
	now := time.Date(2020, 10, 1, 9, 0, 0, 0, time.UTC) // safely in the past: the CLI runs on the real clock
	s := modeltest.OpenAt(t, path, func() time.Time { return now })
	acct := &model.Account{Name: "Fromagerie Lefèvre", City: "Besançon"}
	other := &model.Account{Name: "Łódź Expo"}
	prod := &model.Product{SKU: "STD-9", Name: "Stand 9 m²", Unit: "pc", PriceMinor: 250000, Currency: "EUR", TaxRateBP: 2000, Availability: model.InStock}
	modeltest.Create(t, s, acct, other, prod)
	mk := func(a *model.Account, qty int64) *model.Proposal {
		p, err := s.NewProposal(ctx, model.ProposalSource{AccountID: a.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.EditProposal(ctx, p.ID, func(e *model.ProposalEdit) error { _, err := e.AddProduct(prod.ID, "", qty); return err }); err != nil {
			t.Fatal(err)
		}
		return p
	}
	old := mk(acct, 1000)
	if err := s.SetProposalStatus(ctx, old.ID, model.ProposalSent); err != nil {
		t.Fatal(err)
	}
	p := mk(other, 2000)
	if _, err := s.NewRevision(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path, []string{old.Number, p.Number}
}

func TestProposalCLI(t *testing.T) {
	db, nums := seedProposals(t)
	t.Run("List", func(t *testing.T) {
		out, errOut, code := runCLI(t, "--db", db, "proposal", "list")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		// The sent proposal was valid until 31 October 2020: it has expired.
		want := nums[1] + "-R2\tŁódź Expo\t6000.00 EUR\tdraft\n" + nums[0] + "\tFromagerie Lefèvre\t3000.00 EUR\texpired\n"
		if out != want {
			t.Errorf("list:\n%s\nwant:\n%s", out, want)
		}
		out, _, _ = runCLI(t, "--db", db, "proposal", "list", "--all")
		if n := strings.Count(out, "\n"); n != 3 {
			t.Errorf("--all lists %d proposals:\n%s", n, out)
		}
	})
	t.Run("PDF", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "q.pdf")
		out, errOut, code := runCLI(t, "--db", db, "proposal", "pdf", nums[1], "-o", file)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		if !strings.Contains(out, file) || !strings.Contains(out, "-R2") {
			t.Errorf("out = %q", out)
		}
		text, err := exec.Command("pdftotext", file, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(`Łódź Expo`).Match(text) || !bytes.Contains(text, []byte(nums[1]+"-R2")) {
			t.Errorf("the PDF text lacks the customer or number:\n%s", text)
		}
		// The first revision is still there to print.
		if _, errOut, code := runCLI(t, "--db", db, "proposal", "pdf", "-o", file, nums[1]+"-R1"); code != 0 {
			t.Errorf("revision 1: exit %d: %s", code, errOut)
		}
	})
	t.Run("Email", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "q.eml")
		if _, errOut, code := runCLI(t, "--db", db, "proposal", "email", nums[0], "-o", file); code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		b, _ := os.ReadFile(file)
		if !bytes.Contains(b, []byte("X-Unsent: 1")) || !bytes.Contains(b, []byte("application/pdf")) {
			t.Errorf("draft:\n%.400s", b)
		}
	})
	t.Run("ErrUnknownNumber", func(t *testing.T) {
		_, errOut, code := runCLI(t, "--db", db, "proposal", "pdf", "Q-1999-XXXXX-0001", "-o", filepath.Join(t.TempDir(), "x.pdf"))
		if code != 1 || !strings.Contains(errOut, "No proposal is numbered Q-1999-XXXXX-0001") {
			t.Errorf("exit %d: %q", code, errOut)
		}
	})
	t.Run("ErrUsage", func(t *testing.T) {
		for _, args := range [][]string{{"proposal"}, {"proposal", "pdf"}, {"proposal", "frobnicate"}, {"proposal", "list", "--bogus"}} {
			if _, errOut, code := runCLI(t, append([]string{"--db", db}, args...)...); code != 2 || !strings.Contains(errOut, "usage:") {
				t.Errorf("%v: exit %d: %q", args, code, errOut)
			}
		}
	})
	t.Run("ErrNoPrinter", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir())
		_, errOut, code := runCLI(t, "--db", db, "proposal", "print", nums[0])
		if code != 1 || !strings.Contains(errOut, "Printing needs CUPS") {
			t.Errorf("exit %d: %q", code, errOut)
		}
	})
}
