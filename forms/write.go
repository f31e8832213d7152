package forms

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// File is one form as an .xlsx file: its name (附件4-2024-05.xlsx) and bytes.
type File struct {
	Name  string
	Bytes []byte
}

// The fonts the forms ask for: 宋体 for the table, 黑体 for the title, the
// faces Chinese government forms use, which Excel and WPS have and
// LibreOffice maps to the Noto CJK fonts.
const (
	bodyFont  = "宋体"
	titleFont = "黑体"
)

// Files writes both forms as .xlsx files, 附件4 then 附件5.
func (f *Forms) Files() ([]File, error) {
	var out []File
	for _, s := range f.Sheets() {
		b, err := s.xlsx()
		if err != nil {
			return nil, fmt.Errorf("forms: %s: %w", s.Name, err)
		}
		out = append(out, File{Name: f.FileName(s.Name), Bytes: b})
	}
	return out, nil
}

// Write writes both forms' files into dir, each whole or not at all (a
// temporary file renamed into place), and returns their paths.
func (f *Forms) Write(dir string) ([]string, error) {
	files, err := f.Files()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, file := range files {
		path := filepath.Join(dir, file.Name)
		if err := writeFile(path, file.Bytes); err != nil {
			return paths, fmt.Errorf("forms: %w", err)
		}
		paths = append(paths, path)
	}
	return paths, nil
}

func writeFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return errors.Join(err, os.Remove(tmp.Name()))
	}
	return nil
}

// Row numbers of the sheet, 1-based as excelize counts: the attachment's
// name, the title, the header line, then the table.
const (
	rowName   = 1
	rowTitle  = 2
	rowHeader = 3
	rowTable  = 4
)

// xlsx writes the sheet as a workbook of one sheet named after it.
func (s *Sheet) xlsx() ([]byte, error) {
	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetName("Sheet1", s.Name); err != nil {
		return nil, err
	}
	w := &sheetWriter{x: x, name: s.Name}
	styles, err := newStyles(x)
	if err != nil {
		return nil, err
	}
	last := s.Columns - 1
	w.set(rowName, 0, s.Name, styles.plain)
	w.merge(rowTitle, 0, 1, s.Columns, s.Title, styles.title)
	w.row(rowTitle, 36)
	// The header line: 填报单位 over the first third, 填表人 and 联系电话 over
	// the next two quarters, the date at the right.
	a, b, c := s.Columns*3/8, s.Columns*5/8, s.Columns*13/16
	w.merge(rowHeader, 0, 1, a, "填报单位（盖章）："+s.Header.Unit, styles.plain)
	w.merge(rowHeader, a, 1, b-a, "填表人："+s.Header.Filler, styles.plain)
	w.merge(rowHeader, b, 1, c-b, "联系电话："+s.Header.Phone, styles.plain)
	w.merge(rowHeader, c, 1, last-c+1, dateLine(s.Header), styles.right)
	w.row(rowHeader, 24)
	for _, cell := range s.Head {
		w.merge(rowTable+cell.Row, cell.Col, cell.Rows, cell.Cols, cell.Value, styles.head)
	}
	for r := range s.HeadRows {
		w.row(rowTable+r, headHeight(s, r))
	}
	body := rowTable + s.HeadRows
	for _, cell := range s.Body {
		st := styles.number
		if _, ok := cell.Value.(string); ok {
			st = styles.label
		}
		w.merge(body+cell.Row, cell.Col, cell.Rows, cell.Cols, cell.Value, st)
	}
	for r := range s.BodyRows {
		w.row(body+r, 22)
	}
	notes := body + s.BodyRows
	for i, n := range s.Notes {
		w.merge(notes+i, 0, 1, s.Columns, n, styles.note)
		// A note wraps over the table's width: about 2 characters a
		// column of 8.
		lines := 1 + utf8.RuneCountInString(n)/(2*s.Columns)
		w.row(notes+i, float64(16*lines))
	}
	for i, width := range s.Widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		w.do(x.SetColWidth(s.Name, col, col, width))
	}
	a4, landscape, one, zero := 9, "landscape", 1, 0
	w.do(x.SetPageLayout(s.Name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &zero}))
	fit := true
	w.do(x.SetSheetProps(s.Name, &excelize.SheetPropsOptions{FitToPage: &fit}))
	if w.err != nil {
		return nil, w.err
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// headHeight is a heading row's height: enough for its longest label,
// wrapped in its column.
func headHeight(s *Sheet, r int) float64 {
	lines := 1
	for _, c := range s.Head {
		if c.Row != r || c.Rows > 1 {
			continue
		}
		width := 0.0
		for i := c.Col; i < c.Col+max(c.Cols, 1); i++ {
			width += s.Widths[i]
		}
		perLine := max(int(width/2), 1) // a Chinese character is about two widths
		if n := (utf8.RuneCountInString(c.Value.(string)) + perLine - 1) / perLine; n > lines {
			lines = n
		}
	}
	return float64(14*lines + 6)
}

func dateLine(h Header) string {
	if h.Date.IsZero() {
		return "    年    月    日"
	}
	return fmt.Sprintf("%d年%d月%d日", h.Date.Year, int(h.Date.Month), h.Date.Day)
}

// sheetWriter writes cells, keeping the first error.
type sheetWriter struct {
	x    *excelize.File
	name string
	err  error
}

func (w *sheetWriter) do(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

func (w *sheetWriter) ref(row, col int) string {
	ref, err := excelize.CoordinatesToCellName(col+1, row)
	w.do(err)
	return ref
}

func (w *sheetWriter) set(row, col int, v any, style int) {
	ref := w.ref(row, col)
	w.do(w.x.SetCellValue(w.name, ref, v))
	w.do(w.x.SetCellStyle(w.name, ref, ref, style))
}

// merge writes v at (row, col) and merges rows × cols from there, styling
// every cell of the range (a merged range's borders are its cells').
func (w *sheetWriter) merge(row, col, rows, cols int, v any, style int) {
	rows, cols = max(rows, 1), max(cols, 1)
	from, to := w.ref(row, col), w.ref(row+rows-1, col+cols-1)
	w.do(w.x.SetCellValue(w.name, from, v))
	if from != to {
		w.do(w.x.MergeCell(w.name, from, to))
	}
	w.do(w.x.SetCellStyle(w.name, from, to, style))
}

func (w *sheetWriter) row(row int, height float64) { w.do(w.x.SetRowHeight(w.name, row, height)) }

type styles struct {
	plain, right, title, head, label, number, note int
}

func newStyles(x *excelize.File) (styles, error) {
	var (
		s    styles
		errs []string
	)
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	body := &excelize.Font{Family: bodyFont, Size: 10}
	for _, d := range []struct {
		id    *int
		style excelize.Style
	}{
		{&s.plain, excelize.Style{Font: &excelize.Font{Family: bodyFont, Size: 11}, Alignment: &excelize.Alignment{Vertical: "center"}}},
		{&s.right, excelize.Style{Font: &excelize.Font{Family: bodyFont, Size: 11}, Alignment: &excelize.Alignment{Horizontal: "right", Vertical: "center"}}},
		{&s.title, excelize.Style{Font: &excelize.Font{Family: titleFont, Size: 16, Bold: true}, Alignment: center}},
		{&s.head, excelize.Style{Font: &excelize.Font{Family: bodyFont, Size: 10, Bold: true}, Alignment: center, Border: border}},
		{&s.label, excelize.Style{Font: body, Alignment: center, Border: border}},
		// Whole numbers as they are, the fines' 万元 with their decimals.
		{&s.number, excelize.Style{Font: body, Alignment: center, Border: border, NumFmt: 0}},
		{&s.note, excelize.Style{Font: &excelize.Font{Family: bodyFont, Size: 10}, Alignment: &excelize.Alignment{Horizontal: "left", Vertical: "top", WrapText: true}}},
	} {
		id, err := x.NewStyle(&d.style)
		if err != nil {
			errs = append(errs, err.Error())
		}
		*d.id = id
	}
	if len(errs) > 0 {
		return s, errors.New(strings.Join(errs, "; "))
	}
	return s, nil
}
