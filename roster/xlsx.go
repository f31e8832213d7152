package roster

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Bounds on a workbook. An .xlsx file is a zip archive of XML: its parts'
// sizes once inflated are bounded so that a small file cannot inflate to
// gigabytes (a zip bomb). The sizes are those the archive declares, which
// Go's zip reader holds every part to. 100,000 enterprises inflate to
// some 60 MiB.
const (
	// MaxWorkbookBytes bounds the .xlsx file itself.
	MaxWorkbookBytes = MaxFileBytes
	// MaxUnzipBytes bounds what the workbook's parts inflate to, together.
	MaxUnzipBytes = 256 << 20
	// MaxUnzipMemory is the size above which a sheet or the shared strings
	// are inflated to a temporary file rather than into memory.
	MaxUnzipMemory = 16 << 20
	// MaxSheetRows bounds the rows read from a sheet.
	MaxSheetRows = 250_000
)

// xlsxSource reads the rows of one sheet of a workbook.
type xlsxSource struct {
	rows  *excelize.Rows
	sheet string // as a cell reference writes it: Sheet1, '名单 2024'
	row   int    // the row last read, from 1
	why   string
}

func (s *xlsxSource) read() ([]string, error) {
	if s.rows == nil || !s.rows.Next() {
		if s.rows != nil && s.rows.Error() != nil {
			return nil, s.rows.Error()
		}
		return nil, io.EOF
	}
	s.row++
	if s.row > MaxSheetRows {
		return nil, &boundError{cell: s.cellName(0), msg: fmt.Sprintf("the sheet has more than %d rows: that is no roster; split it", MaxSheetRows)}
	}
	rec, err := s.rows.Columns()
	if err != nil {
		return nil, err
	}
	return rec, nil
}

func (s *xlsxSource) cellName(i int) string {
	name, err := excelize.CoordinatesToCellName(i+1, s.row)
	if err != nil { // beyond column XFD: cannot be, excelize reads no such cell
		name = fmt.Sprintf("R%dC%d", s.row, i+1)
	}
	return s.sheet + "!" + name
}

func (s *xlsxSource) pos(i int) where { return where{cell: s.cellName(i)} }
func (s *xlsxSource) refuse() string  { return s.why }
func (s *xlsxSource) padded() bool    { return true }

// sheetRef writes a sheet's name as a cell reference does: quoted when it
// holds anything but letters, digits and _.
func sheetRef(name string) string {
	for _, r := range name {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 0x2E80) {
			return "'" + strings.ReplaceAll(name, "'", "''") + "'"
		}
	}
	return name
}

// ReadXLSX reads the roster in the workbook r, of size bytes, named name in
// messages: the sheet named sheet, or the first one. Cells are read as
// Excel shows them; the first row with two cells or more is the header
// (a title above it is skipped), and problems name their cell (Sheet1!C7).
func ReadXLSX(name string, r io.ReaderAt, size int64, sheet string, rules Rules) (*Roster, error) {
	refuse := func(format string, args ...any) (*Roster, error) {
		return nil, Problems{{File: name, Msg: fmt.Sprintf(format, args...)}}
	}
	if size > MaxWorkbookBytes {
		return refuse("the workbook is larger than %d MiB: that is no roster; split it", MaxWorkbookBytes>>20)
	}
	f, err := excelize.OpenReader(io.NewSectionReader(r, 0, size), excelize.Options{
		UnzipSizeLimit:    MaxUnzipBytes,
		UnzipXMLSizeLimit: MaxUnzipMemory,
	})
	if err != nil {
		switch {
		case strings.Contains(err.Error(), "unzip size"):
			return refuse("the workbook inflates to more than %d MiB once unzipped: that is no roster (a zip bomb?); save the list again, or split it", MaxUnzipBytes>>20)
		case errors.Is(err, excelize.ErrWorkbookFileFormat):
			return refuse("%s", xlsRefusal)
		}
		return refuse("cannot read the workbook: %v; save it again as .xlsx (Excel workbook) or as CSV", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	switch {
	case len(sheets) == 0:
		return refuse("the workbook has no sheet")
	case sheet == "":
		sheet = sheets[0]
	case !slices.Contains(sheets, sheet):
		return refuse("the workbook has no sheet %q (it has %s)", sheet, strings.Join(quoteAll(sheets), ", "))
	}
	rows, err := f.Rows(sheet)
	if err != nil {
		return refuse("cannot read sheet %q: %v", sheet, err)
	}
	defer rows.Close()
	return readRoster(name, &xlsxSource{rows: rows, sheet: sheetRef(sheet)}, rules)
}

func quoteAll(list []string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}
