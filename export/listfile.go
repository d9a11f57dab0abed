package export

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"relais/model"
)

// ErrNoVCard refuses a vCard export of anything but contacts.
var ErrNoVCard = errors.New("export: only contacts export to vCard (.vcf)")

// ListFile writes the records of kind k matching q to path, as CSV (in
// opts.Lang's conventions), XLSX or vCard (vcardVersion "4.0" or "3.0")
// according to the file's extension; a file with another extension gets CSV,
// which every program opens. It writes a temporary file beside path and
// renames it, so a failed or cancelled export never leaves half a file
// where the user expects a whole one. It returns how many records it wrote.
func ListFile(ctx context.Context, db model.Querier, k model.Kind, q model.Query, path, vcardVersion string, opts Options) (n int, err error) {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".vcf" && k != model.KindContact {
		return 0, ErrNoVCard
	}
	tmp := path + ".partial"
	f, err := os.Create(tmp)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // name the file asked for, not the temporary one
		}
		return 0, fmt.Errorf("export: cannot write %s: %w", path, err)
	}
	defer func() {
		f.Close()
		if err != nil {
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriter(f)
	switch ext {
	case ".vcf":
		n, err = Contacts(ctx, db, q, bw, vcardVersion)
	case ".xlsx":
		var tw TableWriter
		if tw, err = NewXLSXTable(bw, Text(opts.Lang, "io.sheet."+string(k)), opts); err == nil {
			if n, err = List(ctx, db, k, q, tw, opts); err == nil {
				err = tw.Close()
			}
		}
	default:
		tw := NewCSVTable(bw, opts)
		if n, err = List(ctx, db, k, q, tw, opts); err == nil {
			err = tw.Close()
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Close()
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		return n, fmt.Errorf("export: write %s: %w", path, err)
	}
	return n, nil
}
