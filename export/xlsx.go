package export

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// maxCellText is Excel's limit on the characters of one cell.
const maxCellText = 32767

// xlsxTable writes a list export as an Excel workbook with real numbers,
// dates and booleans, through excelize's stream writer so a long list is not
// held in memory as cell objects.
type xlsxTable struct {
	out    io.Writer
	f      *excelize.File
	sw     *excelize.StreamWriter
	loc    *time.Location
	row    int
	styles map[string]int
	buf    []any
}

// NewXLSXTable returns a TableWriter producing an .xlsx workbook with one
// sheet named sheet; Close writes the file to w.
func NewXLSXTable(w io.Writer, sheet string, opts Options) (TableWriter, error) {
	f := excelize.NewFile()
	if sheet == "" {
		sheet = "Export"
	}
	sheet = safeSheetName(sheet)
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("export: xlsx: %w", err)
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("export: xlsx: %w", err)
	}
	loc := opts.Location
	if loc == nil {
		loc = time.UTC
	}
	return &xlsxTable{out: w, f: f, sw: sw, loc: loc, styles: map[string]int{}}, nil
}

// safeSheetName drops the characters Excel refuses in sheet names and keeps
// its 31-character limit.
func safeSheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// style returns (creating once) the style with the given number format, or
// a bold header style for "header".
func (t *xlsxTable) style(format string) (int, error) {
	if id, ok := t.styles[format]; ok {
		return id, nil
	}
	st := &excelize.Style{}
	if format == "header" {
		st.Font = &excelize.Font{Bold: true}
		st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E8ECF2"}}
	} else {
		f := format
		st.CustomNumFmt = &f
	}
	id, err := t.f.NewStyle(st)
	if err != nil {
		return 0, fmt.Errorf("export: xlsx style: %w", err)
	}
	t.styles[format] = id
	return id, nil
}

func (t *xlsxTable) Header(titles []string) error {
	hs, err := t.style("header")
	if err != nil {
		return err
	}
	for i, title := range titles {
		w := math.Min(math.Max(float64(utf8.RuneCountInString(title))+4, 12), 40)
		if err := t.sw.SetColWidth(i+1, i+1, w); err != nil {
			return fmt.Errorf("export: xlsx: %w", err)
		}
	}
	if err := t.sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	row := make([]any, len(titles))
	for i, title := range titles {
		row[i] = excelize.Cell{StyleID: hs, Value: title}
	}
	t.row = 1
	if err := t.sw.SetRow("A1", row); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	return nil
}

func (t *xlsxTable) Row(vals []Value) error {
	t.buf = t.buf[:0]
	for _, v := range vals {
		cell, err := t.cell(v)
		if err != nil {
			return err
		}
		t.buf = append(t.buf, cell)
	}
	t.row++
	cellRef, err := excelize.CoordinatesToCellName(1, t.row)
	if err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	if err := t.sw.SetRow(cellRef, t.buf); err != nil {
		return fmt.Errorf("export: xlsx row %d: %w", t.row, err)
	}
	return nil
}

// cell converts a Value to what excelize stores: numbers as numbers with a
// display format, dates as dates, text as (length-limited) text.
func (t *xlsxTable) cell(v Value) (any, error) {
	if v.Empty {
		return nil, nil
	}
	styled := func(val any, format string) (any, error) {
		id, err := t.style(format)
		if err != nil {
			return nil, err
		}
		return excelize.Cell{StyleID: id, Value: val}, nil
	}
	switch v.Type {
	case TypeInt:
		return v.Num, nil
	case TypeMoney:
		format := "#,##0"
		if v.Scale > 0 {
			format += "." + strings.Repeat("0", v.Scale)
		}
		return styled(float64(v.Num)/math.Pow10(v.Scale), format)
	case TypePercent:
		return styled(float64(v.Num)/100, "0.##")
	case TypeQuantity:
		return styled(float64(v.Num)/1000, "0.###")
	case TypeBool:
		return v.Num != 0, nil
	case TypeDate:
		return styled(v.Date.Time(time.UTC), "yyyy-mm-dd")
	case TypeTime:
		wall := v.Time.In(t.loc)
		// Excel has no zones: store the wall-clock time where the user is.
		return styled(time.Date(wall.Year(), wall.Month(), wall.Day(), wall.Hour(), wall.Minute(), wall.Second(), 0, time.UTC), "yyyy-mm-dd hh:mm")
	}
	s := v.Text
	if utf8.RuneCountInString(s) > maxCellText {
		s = string([]rune(s)[:maxCellText-1]) + "…"
	}
	return s, nil
}

func (t *xlsxTable) Close() error {
	defer t.f.Close()
	if err := t.sw.Flush(); err != nil {
		return fmt.Errorf("export: xlsx: %w", err)
	}
	if _, err := t.f.WriteTo(t.out); err != nil {
		return fmt.Errorf("export: write xlsx: %w", err)
	}
	return nil
}
