// Package roster reads the enterprise roster, the CSV file operators import
// to tell remindd which enterprises to remind, and refuses a bad file whole
// with every problem named by file, line and column.
package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/creditcode"
	"github.com/remindd/remindd/internal/printable"
)

// Rules are the values the plan allows in a roster.
type Rules struct {
	Sectors []string // sector IDs
	Sizes   []string // size classes
	Trades  []string // risky trades
}

// MaxProblems is how many problems Read reports before summing up the rest.
const MaxProblems = 50

// Bounds on what Read takes in, so that a wrong file (/dev/zero, a
// database dump, a file without line breaks) is refused after a few
// kilobytes, not read into memory whole. A row of the roster is a few
// hundred bytes; its longest legal row, every cell at its limit, about
// 11 KB.
const (
	// MaxLineBytes bounds one physical line.
	MaxLineBytes = 64 << 10
	// MaxRecordBytes bounds one record: a quoted cell may span lines, so
	// an unclosed quote would otherwise take the rest of the file.
	MaxRecordBytes = 256 << 10
	// MaxFileBytes bounds the file: some 200,000 enterprises.
	MaxFileBytes = 64 << 20
)

// Problem is one thing wrong in a roster file.
type Problem struct {
	File  string
	Line  int    // 1-based physical line; 0 when about the whole file
	Field string // canonical column name; "" when about the whole row
	Msg   string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, " line %d", p.Line)
	}
	if p.Field != "" {
		b.WriteString(": ")
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Problems is every problem found in a roster file, one per line when
// printed; a file with any is refused whole.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Columns, by canonical name.
const (
	colCode    = "credit_code"
	colName    = "name"
	colSector  = "sector"
	colSize    = "size"
	colTrades  = "trades"
	colContact = "contact"
	colEmail   = "email"
	colMobile  = "mobile"
	colWebhook = "webhook"
	colActive  = "active"
)

// columns lists every column in canonical order with its Chinese header and
// the most characters a cell may hold: the length of its column in the
// MySQL schema (store/migrations/mysql/0001_init.sql, VARCHAR lengths in
// characters), so that an over-long cell is refused here, naming line and
// column, the same on every backend, rather than by the database. A credit
// code's exact length is creditcode's to check; its bound only keeps a
// pasted paragraph out of the message.
var columns = []column{
	{colCode, "统一社会信用代码", true, 64},
	{colName, "名称", true, 255},
	{colSector, "行业领域", true, 64},
	{colSize, "规模", true, 32},
	{colTrades, "行业类别", false, 1024},
	{colContact, "联系人", false, 255},
	{colEmail, "邮箱", false, 255},
	{colMobile, "手机", false, 32},
	{colWebhook, "机器人", false, 1024},
	{colActive, "启用", false, 16},
}

// column is one column a file may have: its canonical name, its Chinese
// header, whether it is required, and the most characters a cell holds.
type column struct {
	name, zh string
	required bool
	max      int
}

// serialColumn is the header of the row-number column offices' tables
// start with; the column is ignored.
const serialColumn = "序号"

// canonical returns the canonical name of a header cell, or "".
func canonical(columns []column, header string) string {
	h := strings.ToLower(header)
	for _, c := range columns {
		if h == c.name || header == c.zh {
			return c.name
		}
	}
	return ""
}

// Read parses the roster in r, named name in messages, and checks every row
// against rules. When anything is wrong it returns no enterprises and a
// Problems listing up to MaxProblems of them, each naming the physical line.
// It reads no more than MaxFileBytes, no line longer than MaxLineBytes and
// no record longer than MaxRecordBytes: past a bound it stops and refuses
// the file.
func Read(name string, r io.Reader, rules Rules) ([]remindd.Enterprise, error) {
	rd := newReader(name, r, columns)
	rd.rules = rules
	out, err := rd.read()
	if err != nil {
		return nil, err
	}
	if err := rd.refusal(); err != nil {
		return nil, err
	}
	return out, nil
}

// newReader reads a CSV file of the given columns, its UTF-8 byte order
// mark skipped, within the bounds of Read.
func newReader(name string, r io.Reader, cols []column) *reader {
	br := bufio.NewReader(&boundedReader{r: r, line: 1, recordLine: 1})
	if bom, err := br.Peek(3); err == nil && bytes.Equal(bom, []byte("\ufeff")) {
		br.Discard(3) // cannot fail: Peek returned the bytes
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	return &reader{name: name, csv: cr, cols: cols}
}

// refusal is the Problems found, nil when there are none.
func (rd *reader) refusal() error {
	if len(rd.problems) == 0 {
		return nil
	}
	ps := rd.problems
	if rd.more > 0 {
		ps = append(ps, Problem{File: rd.name, Msg: fmt.Sprintf("… and %d more", rd.more)})
	}
	return ps
}

type reader struct {
	name     string
	csv      *csv.Reader
	cols     []column
	rules    Rules
	problems Problems       // the first MaxProblems
	more     int            // problems found beyond those
	index    map[string]int // canonical column name → index in a record
	width    int            // header's number of columns
	stopped  bool           // a bound was passed: the rest is not read
}

func (rd *reader) add(line int, field, format string, args ...any) {
	if len(rd.problems) == MaxProblems {
		rd.more++
		return
	}
	rd.problems = append(rd.problems, Problem{File: rd.name, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (rd *reader) failed() bool { return len(rd.problems) > 0 }

// next returns the next record, or a nil record after recording a problem
// when it cannot be parsed; ok is false at the end of the file.
func (rd *reader) next() (rec []string, ok bool, err error) {
	rec, err = rd.csv.Read()
	if err == io.EOF {
		return nil, false, nil
	}
	var be *boundError
	if errors.As(err, &be) {
		rd.add(be.line, "", "%s", be.msg)
		rd.stopped = true
		return nil, false, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		hint := ""
		if errors.Is(pe.Err, csv.ErrBareQuote) {
			hint = `; put the cell in double quotes and double the quotes inside ("a ""b"" c")`
		}
		rd.add(pe.Line, "", "%v at byte %d%s", pe.Err, pe.Column, hint)
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", rd.name, err)
	}
	return rec, true, nil
}

func (rd *reader) read() ([]remindd.Enterprise, error) {
	var out []remindd.Enterprise
	seen := map[string]int{} // credit code → line
	err := rd.each("enterprise", func(rec []string) {
		e, ok := rd.row(rec)
		if code := rd.cell(rec, colCode); code != "" {
			if first, dup := seen[code]; dup {
				rd.add(rd.line(colCode), colCode, "%s is already on line %d", code, first)
				ok = false
			} else {
				seen[code] = rd.line(colCode)
			}
		}
		if ok {
			out = append(out, e)
		}
	})
	return out, err
}

// each reads the header, then calls row with each record of the header's
// width that is not blank; what, "enterprise", names a row in messages.
func (rd *reader) each(what string, row func(rec []string)) error {
	header, ok, err := rd.next()
	switch {
	case err != nil:
		return err
	case !ok:
		if !rd.stopped {
			rd.add(0, "", "file is empty, want a header row and one row per %s", what)
		}
		return nil
	case header == nil || !rd.readHeader(header):
		return nil
	}
	rows := 0
	for {
		rec, ok, err := rd.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if rec == nil {
			rows++
			continue
		}
		if blank(rec) {
			continue
		}
		rows++
		line, _ := rd.csv.FieldPos(0)
		if len(rec) != rd.width {
			rd.add(line, "", "row has %d columns, header has %d", len(rec), rd.width)
			continue
		}
		row(rec)
	}
	if rows == 0 && !rd.stopped {
		rd.add(0, "", "no %ss after the header row", what)
	}
	return nil
}

// readHeader maps the header's cells to columns; it reports false when the
// header is unusable.
func (rd *reader) readHeader(header []string) bool {
	rd.width = len(header)
	rd.index = map[string]int{}
	line, _ := rd.csv.FieldPos(0)
	if !utf8.ValidString(strings.Join(header, "")) {
		rd.add(line, "", "header is not UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)")
		return false
	}
	for i, h := range header {
		line, _ := rd.csv.FieldPos(i)
		h = strings.TrimSpace(h)
		c := canonical(rd.cols, h)
		switch {
		case h == serialColumn:
			// The row number offices put first: not data.
		case h == "":
			rd.add(line, "", "column %d has no name", i+1)
		case c == "":
			rd.add(line, "", "unknown column %q (want %s)", h, known(rd.cols))
		default:
			if j, dup := rd.index[c]; dup {
				rd.add(line, c, "column appears twice (columns %d and %d)", j+1, i+1)
			}
			rd.index[c] = i
		}
	}
	for _, c := range rd.cols {
		if _, ok := rd.index[c.name]; c.required && !ok {
			rd.add(line, c.name, "required column is missing (header %s or %s)", c.name, c.zh)
		}
	}
	return !rd.failed()
}

func known(columns []column) string {
	names := make([]string, len(columns))
	for i, c := range columns {
		names[i] = c.name + "/" + c.zh
	}
	return strings.Join(names, ", ")
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// cell returns the trimmed cell of column c, or "" when the file lacks it.
func (rd *reader) cell(rec []string, c string) string {
	i, ok := rd.index[c]
	if !ok {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// line returns the physical line where column c of the current record starts.
func (rd *reader) line(c string) int {
	i, ok := rd.index[c]
	if !ok {
		i = 0
	}
	line, _ := rd.csv.FieldPos(i)
	return line
}

// row checks one record and builds its enterprise; ok is false when it
// recorded a problem.
func (rd *reader) row(rec []string) (e remindd.Enterprise, ok bool) {
	ok = true
	bad := func(c, format string, args ...any) {
		rd.add(rd.line(c), c, format, args...)
		ok = false
	}
	unusable, valid := rd.unusable(rec)
	if !valid {
		return e, false
	}
	// cell is the column's text, and whether its checks should run.
	cell := func(c string) (string, bool) { return rd.cell(rec, c), !unusable[c] }

	var check bool
	if e.ID, check = cell(colCode); check {
		if e.ID == "" {
			bad(colCode, "missing")
		} else if err := creditcode.Valid(e.ID); err != nil {
			bad(colCode, "%v", err)
		}
	}
	if e.Name, check = cell(colName); check && e.Name == "" {
		bad(colName, "missing")
	}
	if e.Sector, check = cell(colSector); check {
		if msg := oneOf(e.Sector, rd.rules.Sectors, "sector"); msg != "" {
			bad(colSector, "%s", msg)
		}
	}
	if e.Size, check = cell(colSize); check {
		if msg := oneOf(e.Size, rd.rules.Sizes, "size class"); msg != "" {
			bad(colSize, "%s", msg)
		}
	}
	if trades, check := cell(colTrades); check {
		for _, t := range splitTrades(trades) {
			if !slices.Contains(rd.rules.Trades, t) {
				bad(colTrades, "%q is not a trade of the plan (%s)", t, strings.Join(rd.rules.Trades, ", "))
			} else if !slices.Contains(e.Trades, t) {
				e.Trades = append(e.Trades, t)
			}
		}
	}
	e.Contact, _ = cell(colContact)
	if e.Email, check = cell(colEmail); check && e.Email != "" {
		if msg := checkEmail(e.Email); msg != "" {
			bad(colEmail, "%s", msg)
		}
	}
	if e.Mobile, check = cell(colMobile); check && e.Mobile != "" && !isMobile(e.Mobile) {
		bad(colMobile, "%q is not an 11-digit mobile number starting with 1", e.Mobile)
	}
	if e.Webhook, check = cell(colWebhook); check && e.Webhook != "" {
		if msg := checkWebhook(e.Webhook); msg != "" {
			bad(colWebhook, "%s", msg)
		}
	}
	if v, check := cell(colActive); check {
		active, err := parseActive(v)
		if err != nil {
			bad(colActive, "%v", err)
		}
		e.Active = active
	}
	return e, ok
}

// unusable finds the cells of rec whose text cannot be stored as it is, or
// printed safely, and records a problem for each, before any other check of
// the cell, which would quote it; valid is false when a cell is not UTF-8,
// and the row is not worth checking further.
func (rd *reader) unusable(rec []string) (cells map[string]bool, valid bool) {
	cells = map[string]bool{}
	for _, c := range rd.cols {
		v := rd.cell(rec, c.name)
		if !utf8.ValidString(v) {
			rd.add(rd.line(c.name), c.name, "is not UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)")
			return nil, false
		}
		if n := utf8.RuneCountInString(v); n > c.max {
			rd.add(rd.line(c.name), c.name, "is %d characters long, at most %d", n, c.max)
			cells[c.name] = true
		} else if r, pos, found := printable.First(v); found {
			rd.add(rd.line(c.name), c.name, "character %d is %s, a control character; remove it (a cell is one line of plain text)", pos, printable.Name(r))
			cells[c.name] = true
		}
	}
	return cells, true
}

func oneOf(v string, allowed []string, what string) string {
	switch {
	case v == "":
		return "missing"
	case !slices.Contains(allowed, v):
		return fmt.Sprintf("%q is not a %s of the plan (%s)", v, what, strings.Join(allowed, ", "))
	}
	return ""
}

// splitTrades splits a trades cell at ;, ； or 、.
func splitTrades(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '、' }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func checkEmail(s string) string {
	a, err := mail.ParseAddress(s)
	switch {
	case err != nil:
		return fmt.Sprintf("%q is not an email address", s)
	case a.Name != "" || a.Address != s:
		return fmt.Sprintf("%q is not a bare address; write only %s", s, a.Address)
	}
	return ""
}

func isMobile(s string) bool {
	if len(s) != 11 || s[0] != '1' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func checkWebhook(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.Opaque != "" {
		// Not shown: a pasted key alone is a secret too.
		return "is not an https:// URL such as https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if h := u.Hostname(); h == "localhost" || h == "127.0.0.1" {
			return ""
		}
		// The URL carries the robot's key: name only its host.
		return fmt.Sprintf("http://%s/… uses http://, allowed only for localhost and 127.0.0.1; use https://", u.Host)
	}
	return fmt.Sprintf("%s://%s/… is not an https:// URL", u.Scheme, u.Host)
}

func parseActive(s string) (bool, error) {
	switch strings.ToLower(s) {
	case "", "true", "1", "是":
		return true, nil
	case "false", "0", "否":
		return false, nil
	}
	return true, fmt.Errorf("%q is not one of true, false, 1, 0, 是, 否", s)
}

// boundedReader passes a roster file through up to MaxFileBytes, and fails
// a physical line longer than MaxLineBytes and a record longer than
// MaxRecordBytes. Records end at a line break outside double quotes: in a
// CSV file every quoted cell holds an even number of them. The failure is
// sticky, as the CSV reader reads again after an error.
type boundedReader struct {
	r          io.Reader
	read       int64 // bytes passed so far
	line       int   // physical line of the next byte, from 1
	lineBytes  int   // bytes of the current line so far
	recordLine int   // line the current record began on
	recordSize int   // bytes of the current record so far
	quotes     int   // double quotes in the current record
	err        error
}

// boundError is a bound the file passed, at a line.
type boundError struct {
	line int
	msg  string
}

func (e *boundError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if rest := MaxFileBytes + 1 - b.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	tooLarge := b.read+int64(n) > MaxFileBytes
	if tooLarge {
		n = int(MaxFileBytes - b.read)
	}
	for pos := 0; pos < n; {
		end, newline := n, false
		if i := bytes.IndexByte(p[pos:n], '\n'); i >= 0 {
			end, newline = pos+i+1, true
		}
		seg := p[pos:end]
		b.lineBytes += len(seg)
		b.recordSize += len(seg)
		b.quotes += bytes.Count(seg, []byte{'"'})
		switch {
		case b.lineBytes > MaxLineBytes+1: // the line break is not counted
			b.err = &boundError{b.line, fmt.Sprintf("line is longer than %d KiB: that is no roster row (a row is a few hundred bytes); is it the enterprise CSV, with line breaks?", MaxLineBytes>>10)}
		case b.recordSize > MaxRecordBytes:
			b.err = &boundError{b.recordLine, fmt.Sprintf("the row that starts here runs on for more than %d KiB: a double quote on this line is not closed", MaxRecordBytes>>10)}
		}
		if b.err != nil {
			// What came before passes; the next Read fails.
			b.read += int64(pos)
			return pos, nil
		}
		if newline {
			b.line++
			b.lineBytes = 0
			if b.quotes%2 == 0 {
				b.recordLine, b.recordSize, b.quotes = b.line, 0, 0
			}
		}
		pos = end
	}
	b.read += int64(n)
	if tooLarge {
		b.err = &boundError{b.line, fmt.Sprintf("the file is larger than %d MiB: that is no roster (a row is a few hundred bytes); split it", MaxFileBytes>>20)}
		return n, nil
	}
	return n, err
}
