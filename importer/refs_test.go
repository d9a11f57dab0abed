package importer_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"relais/export"
	"relais/importer"
	"relais/model"
	"relais/model/demo"
	"relais/model/modeltest"
)

// TestExportImportIntoEmptyDatabase is the round trip of issue 13: the
// contacts Relais exports import into a new database, every one of them,
// with the owners and events that database lacks left empty and counted as
// warnings — or created when asked.
func TestExportImportIntoEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	from := modeltest.Open(t)
	if _, err := demo.Generate(ctx, from, demo.Options{Scale: 1, Seed: 13}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "c.csv")
	n, err := export.ListFile(ctx, from.DB(), model.KindContact, model.Query{}, path, "", export.Options{Lang: "en", Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	src, err := model.List[model.Contact](ctx, from.DB(), model.Query{})
	if err != nil {
		t.Fatal(err)
	}
	owners, events := 0, 0
	for _, c := range src {
		if c.OwnerID != "" {
			owners++
		}
		if c.SourceEventID != "" {
			events++
		}
	}
	if owners == 0 || events == 0 {
		t.Fatalf("the demo has %d contacts with an owner and %d with an event: the test needs both", owners, events)
	}

	t.Run("warnings", func(t *testing.T) {
		to := modeltest.Open(t)
		sum := runFile(t, to, path, importer.Options{})
		if !sum.Committed || sum.Created != n || sum.Failed != 0 {
			t.Fatalf("created %d of %d, %d refused", sum.Created, n, sum.Failed)
		}
		if sum.Missing != owners+events {
			t.Errorf("%d references left empty, want %d owners + %d events", sum.Missing, owners, events)
		}
		var ownerWarn, eventWarn bool
		for _, w := range sum.Warnings {
			ownerWarn = ownerWarn || strings.Contains(w.Msg, "no team member is named")
			eventWarn = eventWarn || strings.Contains(w.Msg, "no event is named")
		}
		if !ownerWarn || !eventWarn {
			t.Errorf("warnings do not name the owners and events: %v", sum.Warnings[:min(3, len(sum.Warnings))])
		}
		// The same warnings by name: one line per unknown owner or event,
		// the rows of each adding up to the count, most rows first.
		byName, total := map[string]int{}, 0
		for i, m := range sum.MissingNames {
			byName[string(m.Kind)+" "+m.Value] += m.Rows
			total += m.Rows
			if i > 0 && m.Rows > sum.MissingNames[i-1].Rows {
				t.Errorf("names not sorted by rows: %v", sum.MissingNames)
			}
		}
		if total != sum.Missing || len(byName) != len(sum.MissingNames) {
			t.Errorf("names add up to %d rows in %d lines (%d distinct), want %d", total, len(sum.MissingNames), len(byName), sum.Missing)
		}
		var brief strings.Builder
		if err := sum.WriteTextBrief(&brief, 20); err != nil {
			t.Fatal(err)
		}
		if m := sum.MissingNames[0]; !strings.Contains(brief.String(), m.Text("en")) || strings.Contains(brief.String(), "no team member is named") {
			t.Errorf("brief summary should list %q, not each row:\n%s", m.Text("en"), brief.String())
		}
		for _, c := range src {
			var got model.Contact
			if err := to.Get(ctx, c.ID, &got); err != nil {
				t.Fatalf("contact %s (%s) not imported with its id: %v", c.ID, c.FullName(), err)
			}
			if got.FullName() != c.FullName() || strings.Join(got.Emails, ",") != strings.Join(c.Emails, ",") || got.OwnerID != "" {
				t.Fatalf("%s came back as %s %v owner %q", c.FullName(), got.FullName(), got.Emails, got.OwnerID)
			}
		}
	})
	t.Run("create missing", func(t *testing.T) {
		to := modeltest.Open(t)
		sum := runFile(t, to, path, importer.Options{CreateMissing: true})
		if sum.Created != n || sum.Missing != 0 || sum.RefsCreated == 0 {
			t.Fatalf("created %d, missing %d, references created %d", sum.Created, sum.Missing, sum.RefsCreated)
		}
		team, _ := model.Count(ctx, to.DB(), model.KindTeamMember, model.Query{})
		evs, _ := model.Count(ctx, to.DB(), model.KindEvent, model.Query{})
		if team+evs != sum.RefsCreated {
			t.Errorf("%d team members + %d events, summary says %d", team, evs, sum.RefsCreated)
		}
		withOwner, _ := model.Count(ctx, to.DB(), model.KindContact, model.Query{Where: "owner_id != ''"})
		if withOwner != owners {
			t.Errorf("%d contacts with an owner, want %d", withOwner, owners)
		}
	})
	t.Run("french", func(t *testing.T) {
		to := modeltest.Open(t)
		sum := runFile(t, to, path, importer.Options{Lang: "fr", DryRun: true})
		if len(sum.Warnings) == 0 || !strings.Contains(sum.Warnings[0].Text("fr"), "ne s’appelle") {
			t.Errorf("French warning: %v", sum.Warnings[:min(1, len(sum.Warnings))])
		}
	})
}

// TestUnknownProductOnOrderLine: an order line naming a SKU the catalogue
// lacks is kept, described by the file's text, with a warning.
func TestUnknownProductOnOrderLine(t *testing.T) {
	ctx := context.Background()
	s := modeltest.Open(t)
	f := writeFile(t, "o.csv", "Number,Account,Order date,Product,Quantity,Unit price\nO-1,Acme,2026-11-27,NOPE-1,2,10.00\n")
	sum := runFile(t, s, f, importer.Options{Kind: model.KindOrder})
	if !sum.Committed || sum.Created != 1 || sum.Missing != 1 || len(sum.Warnings) != 1 || !strings.Contains(sum.Warnings[0].Msg, `no product has the SKU "NOPE-1"`) {
		t.Fatalf("summary %+v", sum)
	}
	lines, _ := model.List[model.OrderLine](ctx, s.DB(), model.Query{})
	if len(lines) != 1 || lines[0].Description != "NOPE-1" || lines[0].ProductID != "" || lines[0].NetMinor != 2000 {
		t.Errorf("lines %+v", lines)
	}
}

// TestMissingNamesBounded imports 5,000 contacts each naming a different
// unknown owner, five times the names a summary lists: every row is counted,
// the list stops at its bound.
func TestMissingNamesBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString("First name,Last name,Email,Owner\n")
	const n = 5000
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "P%d,N%d,p%d@example.org,Owner %d\n", i, i, i, i)
	}
	path := filepath.Join(t.TempDir(), "owners.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	sum := runFile(t, modeltest.Open(t), path, importer.Options{})
	if !sum.Committed || sum.Created != n || sum.Missing != n {
		t.Fatalf("created %d, missing %d; want %d each", sum.Created, sum.Missing, n)
	}
	if len(sum.MissingNames) != 1000 {
		t.Errorf("%d names listed, want the bound of 1000", len(sum.MissingNames))
	}
	for _, m := range sum.MissingNames {
		if m.Rows != 1 || m.Kind != model.KindTeamMember {
			t.Fatalf("name %+v", m)
		}
	}
}
