package roster

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// xlsRefusal is the message for a workbook in Excel's old binary format.
const xlsRefusal = "this is an Excel 97-2003 workbook (.xls) or a password-protected one, which remindd cannot read; " +
	"请另存为 .xlsx 或 CSV (save it as .xlsx or as CSV UTF-8, without a password)"

// Magic numbers at the start of a file.
var (
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // .xls, and encrypted workbooks
	zipMagic = []byte("PK\x03\x04")                                   // .xlsx
)

// ReadFile reads the roster in the file at path: an .xlsx workbook (by its
// content, whatever its name), its sheet named sheet or the first one, or
// else a CSV file (see ReadCSV). An .xls workbook, by its name or its
// content, is refused, saying to save it as .xlsx or CSV.
func ReadFile(path, sheet string, rules Rules) (*Roster, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	head := make([]byte, 8)
	n, _ := f.ReadAt(head, 0)
	head = head[:n]
	ext := strings.ToLower(filepath.Ext(path))
	refuse := func(format string, args ...any) (*Roster, error) {
		return nil, Problems{{File: path, Msg: fmt.Sprintf(format, args...)}}
	}
	switch {
	case ext == ".xls" || bytes.Equal(head, oleMagic):
		return refuse("%s", xlsRefusal)
	case bytes.HasPrefix(head, zipMagic):
		fi, err := f.Stat()
		if err != nil {
			return nil, err
		}
		return ReadXLSX(path, f, fi.Size(), sheet, rules)
	case ext == ".xlsx" || ext == ".xlsm":
		return refuse("the file is named %s but is not a workbook (not a zip archive); save it again as .xlsx or as CSV", ext)
	case sheet != "":
		return refuse("--sheet %q: the file is CSV, which has no sheets", sheet)
	}
	return ReadCSV(path, f, rules)
}
