package importer

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"relais/export"
)

// Row is one record read from a file.
type Row struct {
	Num   int      // the record's row as a spreadsheet shows it (the header is row 1)
	Line  int      // the line of the file where the record starts (CSV and vCard; 0 for XLSX)
	Cells []string // one per column; fewer or more than Columns when the file is ragged
	// Warnings are problems that did not stop the row, such as a damaged
	// photo left out of a card.
	Warnings []string
	warn     []error // the same, translatable (msgErr), when the reader made them
}

// Source streams the rows of a file. Next returns io.EOF after the last row.
type Source interface {
	Columns() []string // header titles, or "Column 1", "Column 2" … when the file has none
	HasHeader() bool
	Next() (Row, error)
	Progress() float64 // share of the file read so far, 0 to 1
	Close() error
}

// Encodings a CSV file may be read in. "" means detect.
const (
	EncodingUTF8        = "utf-8"
	EncodingWindows1252 = "windows-1252"
	EncodingLatin1      = "iso-8859-1"
	EncodingUTF16       = "utf-16"
)

// Header choices for CSV files.
const (
	HeaderAuto = ""
	HeaderYes  = "yes"
	HeaderNo   = "no"
)

// FileOptions say how to read a file; zero values mean "detect".
type FileOptions struct {
	Encoding  string // see Encoding*; "" detects (BOM, then UTF-8 validity, else Windows-1252)
	Delimiter rune   // ',', ';', '\t' or '|'; 0 detects
	Header    string // HeaderAuto, HeaderYes or HeaderNo
	Sheet     string // XLSX: sheet name; "" is the first sheet
}

// Detected is what OpenCSV found out about a file, for the mapping screen
// to show and let the user change.
type Detected struct {
	Encoding  string
	Delimiter rune
	Header    bool
}

// sampleSize is how much of a CSV file detection looks at.
const sampleSize = 64 << 10

// Limits that keep memory bounded whatever the file holds. encoding/csv
// and the vCard reader hold a whole record at once, so a file with one
// 48 MB cell (or no line break at all) would otherwise be read whole.
const (
	maxRecordBytes = 4 << 20 // one CSV record: far above any real row (a photo is 200 KB at most)
	maxCardBytes   = 8 << 20 // one vCard: room for an unscaled photo, which the import shrinks
	maxColumns     = 1000    // columns of a CSV or XLSX file
	maxCellBytes   = 1 << 20 // one XLSX cell
)

// errRecordTooBig stops reading a file with a record over maxRecordBytes.
var errRecordTooBig = errors.New("importer: record too large")

// capReader fails once more than max bytes were read since the last mark:
// the CSV source marks it at each record, so no record can grow unbounded.
type capReader struct {
	r    io.Reader
	n    int64 // bytes read
	mark int64 // n at the start of the current record
	max  int64
}

func (c *capReader) Read(p []byte) (int, error) {
	if c.n-c.mark > c.max {
		return 0, errRecordTooBig
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// countingReader counts bytes read, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// csvSource reads CSV as Excel and CRMs write it.
type csvSource struct {
	f        io.Closer
	size     int64
	counter  *countingReader
	r        *csv.Reader
	cols     []string
	header   bool
	detected Detected
	pending  []string // the first record when it is data, not a header
	pendLine int
	num      int
	capped   *capReader
}

// Open opens a CSV or XLSX file, choosing by extension (.xlsx/.xlsm read as
// Excel, anything else as CSV).
func Open(path string, opts FileOptions) (Source, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".xlsx", ".xlsm":
		return OpenXLSX(path, opts)
	}
	src, _, err := OpenCSV(path, opts)
	return src, err
}

// OpenCSV opens a CSV file, detecting its encoding, delimiter and header row
// where opts leaves them open, and returns what it detected.
func OpenCSV(path string, opts FileOptions) (Source, Detected, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Detected{}, fmt.Errorf("importer: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, Detected{}, fmt.Errorf("importer: %w", err)
	}
	src, det, err := NewCSV(f, st.Size(), opts)
	if err != nil {
		f.Close()
		return nil, det, fmt.Errorf("importer: %s: %w", filepath.Base(path), err)
	}
	src.(*csvSource).f = f
	return src, det, nil
}

// NewCSV reads CSV from r (size bytes long, for progress; 0 if unknown).
func NewCSV(r io.Reader, size int64, opts FileOptions) (Source, Detected, error) {
	counter := &countingReader{r: r}
	br := bufio.NewReaderSize(counter, sampleSize)
	sample, err := br.Peek(sampleSize)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, Detected{}, err
	}
	det := Detected{Encoding: opts.Encoding, Delimiter: opts.Delimiter}
	if det.Encoding == "" {
		det.Encoding = detectEncoding(sample)
	}
	dec, err := decoder(det.Encoding)
	if err != nil {
		return nil, det, err
	}
	var text io.Reader = transform.NewReader(br, dec)
	if det.Encoding == EncodingUTF8 {
		text = skipBOM(br) // no transform: valid UTF-8 streams through untouched
	}
	tr := bufio.NewReaderSize(text, sampleSize)
	textSample, _ := tr.Peek(sampleSize)
	if det.Delimiter == 0 {
		det.Delimiter = detectDelimiter(textSample)
	}
	// The mark trails the record by what csv's own buffer read ahead (4 KB),
	// which the limit's margin absorbs.
	capped := &capReader{r: tr, max: maxRecordBytes}
	cr := csv.NewReader(capped)
	cr.Comma = det.Delimiter
	cr.FieldsPerRecord = -1 // ragged rows are reported per row, not as a read error
	cr.LazyQuotes = true    // a stray quote inside an unquoted field is data, as Excel treats it
	cr.ReuseRecord = false
	s := &csvSource{size: size, counter: counter, r: cr, detected: det, capped: capped}
	first, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, det, errors.New("the file is empty")
	}
	if errors.Is(err, errRecordTooBig) {
		return nil, det, newMsg("record_too_big", "Row", "1", "Size", sizeText(maxRecordBytes))
	}
	if err != nil {
		return nil, det, fmt.Errorf("line 1: %w", csvErr(err))
	}
	if len(first) > maxColumns {
		return nil, det, newMsg("file_too_wide", "Count", strconv.Itoa(len(first)), "Max", strconv.Itoa(maxColumns))
	}
	capped.mark = capped.n
	switch opts.Header {
	case HeaderYes:
		s.header = true
	case HeaderNo:
		s.header = false
	default:
		s.header = looksLikeHeader(first)
	}
	det.Header = s.header
	s.detected = det
	if s.header {
		s.cols = make([]string, len(first))
		for i, h := range first {
			s.cols[i] = strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		}
		s.num = 1
	} else {
		s.cols = numberedColumns(len(first))
		s.pending, s.pendLine = first, 1
	}
	return s, det, nil
}

func numberedColumns(n int) []string {
	cols := make([]string, n)
	for i := range cols {
		cols[i] = fmt.Sprintf("Column %d", i+1)
	}
	return cols
}

func (s *csvSource) Columns() []string { return s.cols }
func (s *csvSource) HasHeader() bool   { return s.header }

func (s *csvSource) Next() (Row, error) {
	if s.pending != nil {
		row := Row{Num: 1, Line: s.pendLine, Cells: restoreFormulas(s.pending)}
		s.pending = nil
		s.num = 1
		return row, nil
	}
	for {
		rec, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			return Row{}, io.EOF
		}
		s.num++
		if errors.Is(err, errRecordTooBig) {
			// Not a row error: where the next record starts is lost, so
			// the whole file is refused (Row.Num 0) and nothing is saved.
			return Row{}, newMsg("record_too_big", "Row", strconv.Itoa(s.num), "Size", sizeText(maxRecordBytes))
		}
		s.capped.mark = s.capped.n
		if err != nil {
			var pe *csv.ParseError
			line := 0
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return Row{Num: s.num, Line: line}, csvErr(err)
		}
		line, _ := s.r.FieldPos(0)
		if blank(rec) {
			continue // an empty line, or an empty spreadsheet row (",,,")
		}
		return Row{Num: s.num, Line: line, Cells: restoreFormulas(rec)}, nil
	}
}

// restoreFormulas drops the apostrophe that export.DefuseFormula (and other
// careful exporters) put before text a spreadsheet would run as a formula.
func restoreFormulas(cells []string) []string {
	for i, c := range cells {
		cells[i] = export.RestoreFormula(c)
	}
	return cells
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// csvErr makes encoding/csv's errors readable; the line is reported apart.
func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return newMsg("unreadable_csv", "Msg", pe.Err.Error())
	}
	return err
}

func (s *csvSource) Progress() float64 {
	if s.size <= 0 {
		return 0
	}
	return min(1, float64(s.counter.n)/float64(s.size))
}

func (s *csvSource) Close() error {
	if s.f != nil {
		return s.f.Close()
	}
	return nil
}

// Detected reports what the source found out about its file.
func (s *csvSource) Detected() Detected { return s.detected }

// detectEncoding reads byte-order marks, then takes valid UTF-8 as UTF-8 and
// anything else as Windows-1252, the superset of Latin-1 that Excel on
// Windows writes ("CSV (séparateur: point-virgule)").
func detectEncoding(sample []byte) string {
	switch {
	case bytes.HasPrefix(sample, []byte{0xEF, 0xBB, 0xBF}):
		return EncodingUTF8
	case bytes.HasPrefix(sample, []byte{0xFF, 0xFE}), bytes.HasPrefix(sample, []byte{0xFE, 0xFF}):
		return EncodingUTF16
	}
	// The sample may end inside a character: ignore up to 3 trailing bytes.
	valid := sample
	for i := 0; i < 3 && len(valid) > 0 && !utf8.Valid(valid); i++ {
		valid = valid[:len(valid)-1]
	}
	if utf8.Valid(valid) {
		return EncodingUTF8
	}
	return EncodingWindows1252
}

func decoder(name string) (transform.Transformer, error) {
	var e encoding.Encoding
	switch strings.ToLower(name) {
	case EncodingUTF8, "utf8":
		e = unicode.UTF8BOM // strips a BOM if present
	case EncodingWindows1252, "cp1252":
		e = charmap.Windows1252
	case EncodingLatin1, "latin1", "latin-1", "iso8859-1":
		e = charmap.ISO8859_1
	case EncodingUTF16, "utf16":
		e = unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM)
	default:
		return nil, fmt.Errorf("unknown text encoding %q: use utf-8, windows-1252, iso-8859-1 or utf-16", name)
	}
	return e.NewDecoder(), nil
}

func skipBOM(br *bufio.Reader) io.Reader {
	if b, err := br.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		br.Discard(3)
	}
	return br
}

// detectDelimiter tries each candidate on the sample and keeps the one that
// splits the most records into the same number of fields (more than one).
// Quoted fields are honoured, so a comma inside quotes does not count.
func detectDelimiter(sample []byte) rune {
	best, bestScore := ',', -1
	for _, d := range []rune{',', ';', '\t', '|'} {
		r := csv.NewReader(bytes.NewReader(sample))
		r.Comma, r.FieldsPerRecord, r.LazyQuotes = d, -1, true
		counts := map[int]int{}
		first := 0
		for i := 0; i < 50; i++ {
			rec, err := r.Read()
			if err != nil {
				break // end of sample, or a record cut by it
			}
			if i == 0 {
				first = len(rec)
			}
			counts[len(rec)]++
		}
		if first <= 1 {
			continue
		}
		// Score: records agreeing with the first record's width, then width.
		score := counts[first]*1000 + first
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	return best
}

// looksLikeHeader guesses whether the first record is a header: no cell
// looks like data (a number, an e-mail address, a date), or a cell is a
// column name the mapper knows.
func looksLikeHeader(rec []string) bool {
	known, data, nonEmpty := 0, 0, 0
	for _, c := range rec {
		c = strings.TrimSpace(strings.TrimPrefix(c, "\uFEFF"))
		if c == "" {
			continue
		}
		nonEmpty++
		if knownHeader(c) {
			known++
		}
		if looksLikeData(c) {
			data++
		}
	}
	return known > 0 || (nonEmpty > 0 && data == 0)
}

func looksLikeData(s string) bool {
	if strings.Contains(s, "@") {
		return true
	}
	digits := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			digits++
		}
	}
	return digits > 0 && digits*2 >= utf8.RuneCountInString(s)
}

// xlsxSource reads the rows of one sheet of a workbook. excelize streams the
// sheet's XML, so rows are not all held at once.
type xlsxSource struct {
	f      *excelize.File
	rows   *excelize.Rows
	cols   []string
	header bool
	num    int
	total  int
	first  []string
}

// OpenXLSX opens an Excel workbook's sheet (the first unless opts.Sheet).
// Cells are read as stored (numbers unformatted, dates as serial numbers),
// which the value parsers understand; a formatted "1 234,50 €" would not
// survive the trip.
func OpenXLSX(path string, opts FileOptions) (Source, error) {
	f, err := excelize.OpenFile(path, xlsxOptions())
	if err != nil {
		return nil, fmt.Errorf("importer: %s is not a readable Excel workbook: %w", filepath.Base(path), err)
	}
	src, err := newXLSX(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("importer: %s: %w", filepath.Base(path), err)
	}
	return src, nil
}

// NewXLSX reads a workbook from r.
func NewXLSX(r io.Reader, opts FileOptions) (Source, error) {
	f, err := excelize.OpenReader(r, xlsxOptions())
	if err != nil {
		return nil, fmt.Errorf("importer: not a readable Excel workbook: %w", err)
	}
	src, err := newXLSX(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("importer: %w", err)
	}
	return src, nil
}

// xlsxOptions bound what a workbook may unpack to: excelize's default
// allows 16 GB, so a small zip bomb would fill the disk or the memory.
func xlsxOptions() excelize.Options {
	return excelize.Options{RawCellValue: true, UnzipSizeLimit: 1 << 30, UnzipXMLSizeLimit: 16 << 20}
}

func newXLSX(f *excelize.File, opts FileOptions) (*xlsxSource, error) {
	sheet := opts.Sheet
	if sheet == "" {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, errors.New("the workbook has no sheet")
		}
		sheet = sheets[0]
	}
	total := 0
	if dim, err := f.GetSheetDimension(sheet); err == nil {
		if _, end, ok := strings.Cut(dim, ":"); ok {
			if _, r, err := excelize.CellNameToCoordinates(end); err == nil {
				total = r
			}
		}
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("sheet %q: %w", sheet, err)
	}
	s := &xlsxSource{f: f, rows: rows, total: total}
	for rows.Next() {
		s.num++
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", s.num, err)
		}
		if len(cells) == 0 {
			continue
		}
		if len(cells) > maxColumns {
			return nil, newMsg("file_too_wide", "Count", strconv.Itoa(len(cells)), "Max", strconv.Itoa(maxColumns))
		}
		s.header = opts.Header == HeaderYes || (opts.Header == HeaderAuto && looksLikeHeader(cells))
		if s.header {
			s.cols = make([]string, len(cells))
			for i, c := range cells {
				s.cols[i] = strings.TrimSpace(c)
			}
		} else {
			s.cols = numberedColumns(len(cells))
			s.first = cells
		}
		return s, nil
	}
	if err := rows.Error(); err != nil {
		return nil, err
	}
	return nil, errors.New("the sheet is empty")
}

func (s *xlsxSource) Columns() []string { return s.cols }
func (s *xlsxSource) HasHeader() bool   { return s.header }

func (s *xlsxSource) Next() (Row, error) {
	if s.first != nil {
		row := Row{Num: s.num, Cells: s.first}
		s.first = nil
		return row, nil
	}
	for s.rows.Next() {
		s.num++
		cells, err := s.rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return Row{Num: s.num}, err
		}
		if blank(cells) {
			continue
		}
		if len(cells) > maxColumns {
			cells = cells[:maxColumns] // beyond the header's width: reported as a ragged row if not blank
		}
		for i, c := range cells {
			if len(c) > maxCellBytes {
				return Row{Num: s.num}, newMsg("cell_too_big", "Column", strconv.Itoa(i+1), "Size", sizeText(maxCellBytes))
			}
		}
		return Row{Num: s.num, Cells: cells}, nil
	}
	if err := s.rows.Error(); err != nil {
		return Row{}, err
	}
	return Row{}, io.EOF
}

func (s *xlsxSource) Progress() float64 {
	if s.total <= 0 {
		return 0
	}
	return min(1, float64(s.num)/float64(s.total))
}

func (s *xlsxSource) Close() error {
	s.rows.Close()
	return s.f.Close()
}
