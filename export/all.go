package export

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"relais/model"
)

// The folder format written by All and read by importer.All.
const (
	ManifestFile        = "manifest.json"
	ManifestFormat      = "relais-export"
	ManifestFormatV     = 1
	metaColumnsRequired = 4 // id, created_at, updated_at, deleted_at lead every file
)

// MetaColumns are the store-managed columns that lead every file of an
// export-all folder, before the kind's fields (model.Fields).
var MetaColumns = []string{"id", "created_at", "updated_at", "deleted_at"}

// Manifest describes an export-all folder: what wrote it and what each file holds.
type Manifest struct {
	Format        string         `json:"format"`
	FormatVersion int            `json:"format_version"`
	AppVersion    string         `json:"app_version"`
	SchemaVersion int            `json:"schema_version"`
	ExportedAt    string         `json:"exported_at"`
	Kinds         []ManifestKind `json:"kinds"`
}

// ManifestKind is one file of an export-all folder.
type ManifestKind struct {
	Kind    model.Kind `json:"kind"`
	File    string     `json:"file"`
	Count   int        `json:"count"`   // rows, tombstones included
	Deleted int        `json:"deleted"` // of which tombstones
	Columns []string   `json:"columns"`
}

// AllOptions tune All.
type AllOptions struct {
	AppVersion string
	Now        func() time.Time // when the export was made; time.Now when nil
}

// All writes the whole database into dir: one CSV file per kind, in
// model.Kinds() order, holding every record's stored field values (see
// model.Encode) with ids, timestamps and tombstones, and then manifest.json.
// The manifest is written last, so a folder without one is an export that
// did not finish. Everything is read in one read transaction: a consistent
// snapshot even while the app keeps writing.
func All(ctx context.Context, db *sql.DB, dir string, opts AllOptions) (*Manifest, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("export: create %s: %w", dir, err)
	}
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("export: read the database: %w", err)
	}
	defer tx.Rollback()
	m := &Manifest{Format: ManifestFormat, FormatVersion: ManifestFormatV, AppVersion: opts.AppVersion,
		SchemaVersion: model.SchemaVersion(), ExportedAt: model.FormatTime(opts.Now())}
	for _, k := range model.Kinds() {
		mk, err := writeKind(ctx, tx, dir, k)
		if err != nil {
			return nil, err
		}
		m.Kinds = append(m.Kinds, mk)
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("export: manifest: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, ManifestFile), append(b, '\n'), 0o644); err != nil {
		return nil, fmt.Errorf("export: write %s: %w", ManifestFile, err)
	}
	return m, nil
}

func writeKind(ctx context.Context, tx *sql.Tx, dir string, k model.Kind) (ManifestKind, error) {
	mk := ManifestKind{Kind: k, File: string(k) + ".csv", Columns: append(append([]string(nil), MetaColumns...), model.Fields(k)...)}
	path := filepath.Join(dir, mk.File)
	f, err := os.Create(path)
	if err != nil {
		return mk, fmt.Errorf("export: create %s: %w", path, err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 256<<10)
	w := NewCSV(bw, "en") // machine format: commas, a BOM so Excel still shows accents
	// Keep line breaks inside values byte for byte: with CRLF on, encoding/csv
	// drops a lone CR and turns LF into CRLF, so "a\r\nb" would not come back.
	w.w.UseCRLF = false
	w.Write(mk.Columns...)
	row := make([]string, len(mk.Columns))
	err = Pages(ctx, tx, k, model.Query{WithDeleted: true}, func(page []model.Record) error {
		for _, r := range page {
			fm, err := model.Encode(r)
			if err != nil {
				return err
			}
			meta := r.Base()
			row[0], row[1], row[2], row[3] = meta.ID, timeText(meta.CreatedAt), timeText(meta.UpdatedAt), timeText(meta.DeletedAt)
			for i, name := range mk.Columns[metaColumnsRequired:] {
				row[metaColumnsRequired+i] = storedText(fm[name])
			}
			if err := w.Write(row...); err != nil {
				return err
			}
			mk.Count++
			if meta.Deleted() {
				mk.Deleted++
			}
		}
		return nil
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err != nil {
		return mk, fmt.Errorf("export: write %s: %w", path, err)
	}
	return mk, nil
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return model.FormatTime(t)
}

// storedText writes a stored field value (string, int64 or nil) as CSV text;
// nil becomes "", which the importer reads back as nil.
func storedText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}
