package importer

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"relais/export"
	"relais/model"
)

// AllSummary is the outcome of reading back an export-all folder.
type AllSummary struct {
	Counts     map[model.Kind]int // records created per kind, tombstones included
	Deleted    map[model.Kind]int // of which tombstones
	Errors     []string           // "contact.csv row 12: …"
	MoreErrors int
	Committed  bool
}

// All reads a folder written by export.All into store, which must be empty:
// every record keeps its id, field values, creation and update times, and
// tombstones stay in the trash. Records go through model.Tx, so each gets
// its outbox row and search entry; the whole folder is one transaction, and
// any bad row leaves the database untouched.
func All(ctx context.Context, store *model.Store, dir string, progress func(kind model.Kind, rows int)) (*AllSummary, error) {
	m, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	if err := checkEmpty(ctx, store); err != nil {
		return nil, err
	}
	order := map[model.Kind]int{}
	for i, k := range model.Kinds() {
		order[k] = i
	}
	files := map[model.Kind]export.ManifestKind{}
	for _, mk := range m.Kinds {
		if _, ok := order[mk.Kind]; !ok {
			return nil, fmt.Errorf("importer: %s lists %q, which this Relais does not know; install a newer Relais", export.ManifestFile, mk.Kind)
		}
		files[mk.Kind] = mk
	}
	sum := &AllSummary{Counts: map[model.Kind]int{}, Deleted: map[model.Kind]int{}}
	err = store.Write(ctx, func(tx *model.Tx) error {
		for _, k := range model.Kinds() { // parents before children
			mk, ok := files[k]
			if !ok {
				continue
			}
			if err := importKindFile(ctx, tx, dir, mk, sum, progress); err != nil {
				return err
			}
		}
		if len(sum.Errors) > 0 {
			return errRollback
		}
		return nil
	})
	switch {
	case err == nil:
		sum.Committed = true
	case errors.Is(err, errRollback):
	default:
		return sum, err
	}
	return sum, nil
}

func readManifest(dir string) (*export.Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, export.ManifestFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("importer: %s has no %s: it is not a complete Relais export", dir, export.ManifestFile)
	}
	if err != nil {
		return nil, fmt.Errorf("importer: %w", err)
	}
	var m export.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("importer: %s is not valid JSON: %w", export.ManifestFile, err)
	}
	if m.Format != export.ManifestFormat {
		return nil, fmt.Errorf("importer: %s is not a Relais export manifest", export.ManifestFile)
	}
	if m.FormatVersion > export.ManifestFormatV || m.SchemaVersion > model.SchemaVersion() {
		return nil, fmt.Errorf("importer: the export was made by a newer Relais (%s, schema %d); install it to read this folder: %w", m.AppVersion, m.SchemaVersion, model.ErrTooNew)
	}
	return &m, nil
}

func checkEmpty(ctx context.Context, store *model.Store) error {
	for _, k := range model.Kinds() {
		n, err := model.Count(ctx, store.DB(), k, model.Query{WithDeleted: true})
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("importer: the database already holds %d %s records; read a full export only into a new, empty database (relais --db NEW.db import all DIR)", n, k)
		}
	}
	return nil
}

func importKindFile(ctx context.Context, tx *model.Tx, dir string, mk export.ManifestKind, sum *AllSummary, progress func(model.Kind, int)) error {
	path := filepath.Join(dir, mk.File)
	if filepath.Base(mk.File) != mk.File {
		return fmt.Errorf("importer: %s names a file outside the folder: %q", export.ManifestFile, mk.File)
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("importer: %w", err)
	}
	defer f.Close()
	src := newExactCSV(f)
	header, err := src.Next()
	if err != nil {
		return fmt.Errorf("importer: %s: %w", mk.File, err)
	}
	cols := header.Cells
	if len(cols) > 0 {
		cols[0] = strings.TrimPrefix(cols[0], "\uFEFF")
	}
	known := map[string]bool{}
	for _, c := range model.Fields(mk.Kind) {
		known[c] = true
	}
	if len(cols) < len(export.MetaColumns) || strings.Join(cols[:len(export.MetaColumns)], ",") != strings.Join(export.MetaColumns, ",") {
		return fmt.Errorf("importer: %s must start with the columns %s", mk.File, strings.Join(export.MetaColumns, ", "))
	}
	for _, c := range cols[len(export.MetaColumns):] {
		if !known[c] {
			return fmt.Errorf("importer: %s: %s has no field %q", mk.File, mk.Kind, c)
		}
	}
	bad := func(row Row, msg string) {
		if len(sum.Errors) < 1000 {
			sum.Errors = append(sum.Errors, fmt.Sprintf("%s row %d: %s", mk.File, row.Num, msg))
		} else {
			sum.MoreErrors++
		}
	}
	update := `UPDATE ` + model.Table(mk.Kind) + ` SET created_at = ?, updated_at = ?, deleted_at = ? WHERE id = ?`
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, err := src.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		restoreFormulas(row.Cells)
		if err != nil {
			bad(row, err.Error())
			continue
		}
		if len(row.Cells) != len(cols) {
			bad(row, fmt.Sprintf("has %d fields, the header %d", len(row.Cells), len(cols)))
			continue
		}
		id, created, updated, deleted := row.Cells[0], row.Cells[1], row.Cells[2], row.Cells[3]
		if !validTimes(created, updated, deleted) {
			bad(row, "created_at, updated_at and deleted_at must be times such as 2026-11-27T10:00:00.000Z")
			continue
		}
		fm := model.FieldMap{}
		for i, c := range cols[len(export.MetaColumns):] {
			if v := row.Cells[len(export.MetaColumns)+i]; v != "" {
				fm[c] = v
			} else {
				fm[c] = nil
			}
		}
		r, _ := model.New(mk.Kind)
		if err := model.Decode(r, fm); err != nil {
			bad(row, strings.TrimPrefix(err.Error(), "model: "))
			continue
		}
		r.Base().ID = id
		if err := tx.Create(r); err != nil {
			if _, ok := model.AsValidation(err); ok || errors.Is(err, model.ErrConflict) {
				bad(row, strings.TrimPrefix(err.Error(), "model: "))
				continue
			}
			return fmt.Errorf("importer: %s row %d: %w", mk.File, row.Num, err)
		}
		if deleted != "" {
			if err := tx.Delete(mk.Kind, id); err != nil {
				return fmt.Errorf("importer: %s row %d: %w", mk.File, row.Num, err)
			}
			sum.Deleted[mk.Kind]++
		}
		// The store stamps records with the time they are written; an export
		// read back keeps the times they really had.
		if _, err := tx.SQL().ExecContext(ctx, update, created, updated, nullIfEmpty(deleted), id); err != nil {
			return fmt.Errorf("importer: %s row %d: %w", mk.File, row.Num, err)
		}
		sum.Counts[mk.Kind]++
		if progress != nil && sum.Counts[mk.Kind]%1000 == 0 {
			progress(mk.Kind, sum.Counts[mk.Kind])
		}
	}
	if progress != nil {
		progress(mk.Kind, sum.Counts[mk.Kind])
	}
	return nil
}

func validTimes(created, updated, deleted string) bool {
	for i, s := range []string{created, updated, deleted} {
		if s == "" && i == 2 {
			continue
		}
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			return false
		}
	}
	return true
}

// exactCSV reads the files export.All writes, keeping every byte of a
// quoted value. encoding/csv cannot be used here: it turns CRLF inside a
// quoted field into LF, so a note typed on Windows would not read back
// identical.
type exactCSV struct {
	r   *bufio.Reader
	num int
}

func newExactCSV(r io.Reader) *exactCSV { return &exactCSV{r: bufio.NewReaderSize(r, 256<<10)} }

// Next reads one record; io.EOF after the last.
func (c *exactCSV) Next() (Row, error) {
	var cells []string
	var field []byte
	c.num++
	row := Row{Num: c.num}
	if _, err := c.r.Peek(1); err == io.EOF {
		return row, io.EOF
	}
	quoted, afterQuote := false, false
	for {
		b, err := c.r.ReadByte()
		if err == io.EOF {
			if quoted && !afterQuote {
				return row, errors.New("a quoted value is not closed")
			}
			row.Cells = append(cells, string(field))
			return row, nil
		}
		if err != nil {
			return row, err
		}
		switch {
		case quoted && !afterQuote:
			if b == '"' {
				afterQuote = true
			} else {
				field = append(field, b)
			}
		case afterQuote && b == '"': // a doubled quote inside a quoted value
			field = append(field, '"')
			afterQuote = false
		case b == ',':
			cells = append(cells, string(field))
			field, quoted, afterQuote = field[:0:0], false, false
		case b == '\n':
			row.Cells = append(cells, string(field))
			return row, nil
		case b == '\r':
			if next, err := c.r.Peek(1); err == nil && next[0] == '\n' {
				continue // a CRLF record end
			}
			field = append(field, b)
		case b == '"' && len(field) == 0 && !quoted:
			quoted = true
		case afterQuote:
			return row, fmt.Errorf("unexpected %q after a quoted value", b)
		default:
			field = append(field, b)
		}
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
