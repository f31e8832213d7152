// Package roster reads the files offices keep: the enterprise roster (CSV
// in UTF-8 or GB18030/GBK, or an .xlsx workbook, with English or Chinese
// headers and values) and the completions CSV, and refuses a bad file whole
// with every problem named by file, line or cell, and column.
package roster

import (
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
	// SectorNames are the plan's names of the sectors, by ID (旅游行业（含
	// 旅行社、星级饭店<酒店>）): a cell may name a sector by its name, by the
	// name's part before the bracket (旅游行业) or by that without 行业 (旅游).
	SectorNames map[string]string
	// Sections are the sections an enterprise may be filed under (主管科室),
	// each with the sectors it is responsible for.
	Sections []Section
	// Roles are the roles an enterprise may hold; when empty, any name.
	Roles []string
}

// Section is a section of the plan as a roster names it: by ID or name.
type Section struct {
	ID, Name string
	Sectors  []string // sector IDs
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
	Line  int    // 1-based physical line of a CSV file; 0 when about the whole file
	Cell  string // the cell of a workbook, Sheet1!C7; "" in a CSV file
	Field string // canonical column name; "" when about the whole row
	Msg   string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	switch {
	case p.Cell != "":
		b.WriteString(" ")
		b.WriteString(p.Cell)
	case p.Line > 0:
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
	colRoles   = "roles"
	colStdType = "std_type"
	colLevel   = "level"
	colTier    = "benchmark_tier"
	colRisk    = "risk"
)

// colOffice is 主管科室, the section the enterprise is filed under; the
// completions file's column of the same name names a section too.
const colOffice = colSection

// columns lists every column in canonical order with its Chinese header and
// the most characters a cell may hold: the length of its column in the
// MySQL schema (store/migrations/mysql/0001_init.sql and
// 0007_enterprise_attrs.sql, VARCHAR lengths in characters), so that an
// over-long cell is refused here, naming line and column, the same on every
// backend, rather than by the database. A credit code's exact length is
// creditcode's to check; its bound only keeps a pasted paragraph out of the
// message. The other names are the headers offices' own tables use.
var columns = []column{
	{colCode, "统一社会信用代码", true, 64, []string{"社会信用代码", "信用代码", "统一信用代码"}},
	{colName, "名称", true, 255, []string{"企业名称", "单位名称", "企业（单位）名称", "企业(单位)名称"}},
	{colSector, "行业领域", true, 64, []string{"行业", "所属行业", "所属行业领域", "行业类型"}},
	{colSize, "规模", true, 32, []string{"企业规模", "规模类型", "规模类别"}},
	{colTrades, "行业类别", false, 1024, []string{"重点行业", "涉及行业"}},
	{colContact, "联系人", false, 255, []string{"联系人姓名", "安全负责人"}},
	{colEmail, "邮箱", false, 255, []string{"电子邮箱", "电子邮件", "邮件", "e-mail"}},
	{colMobile, "手机", false, 32, []string{"手机号", "手机号码", "联系手机"}},
	{colWebhook, "机器人", false, 1024, []string{"机器人地址", "群机器人", "webhook地址"}},
	{colActive, "启用", false, 16, []string{"是否启用"}},
	{colOffice, "主管科室", false, 64, []string{"责任科室", "主管部门"}},
	{colRoles, "角色", false, 1024, []string{"企业角色"}},
	{colStdType, "达标类型", false, 16, []string{"标准化类型"}},
	{colLevel, "级别", false, 16, []string{"达标级别", "标准化级别", "标准化等级"}},
	{colTier, "标杆层级", false, 16, []string{"标杆级别", "标杆等级"}},
	{colRisk, "风险等级", false, 16, []string{"风险级别", "风险颜色"}},
}

// column is one column a file may have: its canonical name, its Chinese
// header, whether it is required, the most characters a cell holds, and the
// other headers that name it.
type column struct {
	name, zh string
	required bool
	max      int
	aliases  []string
}

// serialColumn is the header of the row-number column offices' tables
// start with; the column is ignored.
const serialColumn = "序号"

// canonical returns the canonical name of a header cell, or "".
func canonical(columns []column, header string) string {
	norm := func(s string) string {
		s = strings.ToLower(narrowText(s, true))
		s = strings.TrimRight(s, "*")
		return strings.Join(strings.Fields(s), "")
	}
	h := norm(header)
	for _, c := range columns {
		if h == c.name || h == c.zh || h == norm(c.zh) || slices.Contains(c.aliases, h) {
			return c.name
		}
	}
	return ""
}

// Roster is what a roster file holds: the enterprises, and notices of what
// was left out (序号, columns remindd does not know), for the operator.
type Roster struct {
	Enterprises []remindd.Enterprise
	Notices     []string
}

// Read parses the roster CSV in r, named name in messages, and checks every
// row against rules. When anything is wrong it returns no enterprises and a
// Problems listing up to MaxProblems of them, each naming the physical line.
// It reads no more than MaxFileBytes, no line longer than MaxLineBytes and
// no record longer than MaxRecordBytes: past a bound it stops and refuses
// the file. See ReadCSV for the encodings it takes.
func Read(name string, r io.Reader, rules Rules) ([]remindd.Enterprise, error) {
	ros, err := ReadCSV(name, r, rules)
	if err != nil {
		return nil, err
	}
	return ros.Enterprises, nil
}

// ReadCSV is Read with the notices: a roster CSV in UTF-8, with or without
// a byte order mark, or else in GB18030 (GBK's superset, what Excel and WPS
// save on Chinese Windows). Without a byte order mark a file is UTF-8 when
// it is valid UTF-8 throughout (when r is an io.Seeker it is read twice;
// otherwise its first 64 KiB decide), GB18030 otherwise. A cell holding
// U+FFFD, a character lost by a conversion, refuses the file.
func ReadCSV(name string, r io.Reader, rules Rules) (*Roster, error) {
	src, err := newCSVSource(r)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return readRoster(name, src, rules)
}

func readRoster(name string, src source, rules Rules) (*Roster, error) {
	rd := &reader{name: name, src: src, cols: columns, rules: rules, lenient: true}
	if msg := src.refuse(); msg != "" {
		rd.add(where{}, "", "%s", msg)
		return nil, rd.refusal()
	}
	out, err := rd.read()
	if err != nil {
		return nil, err
	}
	if err := rd.refusal(); err != nil {
		return nil, err
	}
	return &Roster{Enterprises: out, Notices: rd.notices}, nil
}

// newReader reads a CSV file of the given columns within the bounds of
// Read; unknown columns are refused.
func newReader(name string, r io.Reader, cols []column) *reader {
	rd := &reader{name: name, cols: cols}
	src, err := newCSVSource(r)
	if err != nil {
		rd.err = fmt.Errorf("read %s: %w", name, err)
		src = &csvSource{}
	}
	rd.src = src
	if msg := src.refuse(); msg != "" {
		rd.add(where{}, "", "%s", msg)
		rd.stopped = true
	}
	return rd
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

// where is a place in a file: a CSV line or a workbook's cell.
type where struct {
	line int
	cell string
}

// source is where the records of a file come from: a CSV file or a sheet
// of a workbook.
type source interface {
	// read returns the next record, io.EOF at the end, a *csv.ParseError
	// or a *boundError for a record it cannot read.
	read() ([]string, error)
	// pos is where field i of the record last read is.
	pos(i int) where
	// refuse is why the file cannot be read at all, "" when it can.
	refuse() string
	// row says whether a record's width must be the header's (CSV) or
	// is padded to it (a sheet, whose rows end at their last value).
	padded() bool
}

type reader struct {
	name     string
	src      source
	cols     []column
	rules    Rules
	lenient  bool           // unknown columns are ignored with a notice, not refused
	notices  []string       // what was ignored, for the operator
	problems Problems       // the first MaxProblems
	more     int            // problems found beyond those
	index    map[string]int // canonical column name → index in a record
	width    int            // header's number of columns
	stopped  bool           // a bound was passed: the rest is not read
	beyond   bool           // a sheet's cell right of the header was ignored
	err      error          // reading failed (not the file's fault)
	sectors  map[string]string
}

func (rd *reader) add(w where, field, format string, args ...any) {
	if len(rd.problems) == MaxProblems {
		rd.more++
		return
	}
	rd.problems = append(rd.problems, Problem{File: rd.name, Line: w.line, Cell: w.cell, Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (rd *reader) failed() bool { return len(rd.problems) > 0 }

// next returns the next record, or a nil record after recording a problem
// when it cannot be parsed; ok is false at the end of the file.
func (rd *reader) next() (rec []string, ok bool, err error) {
	if rd.err != nil || rd.stopped {
		return nil, false, rd.err
	}
	rec, err = rd.src.read()
	if err == io.EOF {
		return nil, false, nil
	}
	var be *boundError
	if errors.As(err, &be) {
		rd.add(where{line: be.line, cell: be.cell}, "", "%s", be.msg)
		rd.stopped = true
		return nil, false, nil
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		hint := ""
		if errors.Is(pe.Err, csv.ErrBareQuote) {
			hint = `; put the cell in double quotes and double the quotes inside ("a ""b"" c")`
		}
		rd.add(where{line: pe.Line}, "", "%v at byte %d%s", pe.Err, pe.Column, hint)
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", rd.name, err)
	}
	return rec, true, nil
}

func (rd *reader) read() ([]remindd.Enterprise, error) {
	var out []remindd.Enterprise
	seen := map[string]where{} // credit code → where
	err := rd.each("enterprise", func(rec []string) {
		e, ok := rd.row(rec)
		if code := rd.cell(rec, colCode); code != "" {
			if first, dup := seen[code]; dup {
				rd.add(rd.at(colCode), colCode, "%s is already on %s", code, first.String())
				ok = false
			} else {
				seen[code] = rd.at(colCode)
			}
		}
		if ok {
			out = append(out, e)
		}
	})
	return out, err
}

// String names a place as a message names the first of two: "line 3",
// "Sheet1!A3".
func (w where) String() string {
	if w.cell != "" {
		return w.cell
	}
	return fmt.Sprintf("line %d", w.line)
}

// each reads the header, then calls row with each record of the header's
// width that is not blank; what, "enterprise", names a row in messages.
func (rd *reader) each(what string, row func(rec []string)) error {
	header, ok, err := rd.next()
	for err == nil && ok && header != nil && rd.src.padded() && nonBlank(header) < 2 {
		// A title above the header, as a sheet has it (晋江市文旅企业名单).
		header, ok, err = rd.next()
	}
	switch {
	case err != nil:
		return err
	case !ok:
		if !rd.stopped {
			rd.add(where{}, "", "file is empty, want a header row and one row per %s", what)
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
		if rd.src.padded() && len(rec) > rd.width {
			if !blank(rec[rd.width:]) && !rd.beyond {
				rd.beyond = true
				at := rd.src.pos(rd.width)
				rd.notices = append(rd.notices, fmt.Sprintf("%s: cells right of the header's last column are ignored (the first at %s)", rd.name, at))
			}
			rec = rec[:rd.width]
		}
		if blank(rec) {
			continue
		}
		rows++
		if rd.src.padded() {
			for len(rec) < rd.width {
				rec = append(rec, "")
			}
		} else if len(rec) != rd.width {
			rd.add(rd.src.pos(0), "", "row has %d columns, header has %d", len(rec), rd.width)
			continue
		}
		row(rec)
	}
	if rows == 0 && !rd.stopped {
		rd.add(where{}, "", "no %ss after the header row", what)
	}
	return nil
}

func nonBlank(rec []string) int {
	n := 0
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

// readHeader maps the header's cells to columns; it reports false when the
// header is unusable.
func (rd *reader) readHeader(header []string) bool {
	rd.width = len(header)
	rd.index = map[string]int{}
	at := rd.src.pos(0)
	if !utf8.ValidString(strings.Join(header, "")) {
		rd.add(at, "", "header is not UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)")
		return false
	}
	if strings.ContainsRune(strings.Join(header, ""), utf8.RuneError) {
		rd.add(at, "", "%s", rd.lost())
		return false
	}
	var ignored []string
	for i, h := range header {
		at := rd.src.pos(i)
		h = strings.TrimSpace(h)
		c := canonical(rd.cols, h)
		switch {
		case h == serialColumn:
			// The row number offices put first: not data.
			ignored = append(ignored, h)
		case h == "":
			if rd.src.padded() {
				continue // a sheet's empty column: its cells are checked below
			}
			rd.add(at, "", "column %d has no name", i+1)
		case c == "" && rd.lenient:
			if r, _, found := printable.First(h); found {
				rd.add(at, "", "unknown column holds %s, a control character", printable.Name(r))
				continue
			}
			ignored = append(ignored, fmt.Sprintf("%q", h))
		case c == "":
			rd.add(at, "", "unknown column %q (want %s)", h, known(rd.cols))
		default:
			if j, dup := rd.index[c]; dup {
				rd.add(at, c, "column appears twice (columns %d and %d)", j+1, i+1)
			}
			rd.index[c] = i
		}
	}
	if cs, ok := rd.src.(*csvSource); ok && len(rd.index) == 0 && cs.badLine > 0 {
		// Mojibake: a UTF-8 file with a few bad bytes, read as GB18030.
		rd.problems = rd.problems[:0]
		rd.add(where{line: cs.badLine}, "", "is not UTF-8, so the file was read as GB18030/GBK, and then its header names no column remindd knows: "+
			"the file mixes encodings; save it again as UTF-8 (in Excel: CSV UTF-8) or as .xlsx")
		return false
	}
	if len(ignored) > 0 {
		rd.notices = append(rd.notices, fmt.Sprintf("%s: columns ignored: %s (remindd reads %s)", rd.name, strings.Join(ignored, ", "), known(rd.cols)))
	}
	for _, c := range rd.cols {
		if _, ok := rd.index[c.name]; c.required && !ok {
			if c.name == colSector && rd.lenient {
				if _, office := rd.index[colOffice]; office {
					continue // the sector follows from the section
				}
			}
			rd.add(at, c.name, "required column is missing (header %s or %s)", c.name, c.zh)
		}
	}
	return !rd.failed()
}

// lostCharacter is the problem of a cell holding U+FFFD.
const lostCharacter = "holds U+FFFD (\ufffd), a character lost when the file was converted: the file is neither UTF-8 nor GB18030/GBK throughout; save it again as UTF-8 (in Excel: CSV UTF-8) or as .xlsx"

// lost is the problem of a cell holding U+FFFD, saying why the file was
// read as GB18030 when it was.
func (rd *reader) lost() string {
	if cs, ok := rd.src.(*csvSource); ok && cs.badLine > 0 {
		return fmt.Sprintf("holds U+FFFD (\ufffd) read as GB18030/GBK, as the file was read because line %d is not UTF-8: "+
			"the file mixes encodings or is neither; save it again as UTF-8 (in Excel: CSV UTF-8) or as .xlsx", cs.badLine)
	}
	return lostCharacter
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

// cell returns the trimmed cell of column c, full-width letters and digits
// narrowed, or "" when the file lacks the column.
func (rd *reader) cell(rec []string, c string) string {
	i, ok := rd.index[c]
	if !ok {
		return ""
	}
	return strings.TrimSpace(narrowText(rec[i], asciiColumns[c]))
}

// asciiColumns are the columns whose values are ASCII, where every
// full-width ASCII character (＠, ．, ：) is narrowed, not only letters and
// digits.
var asciiColumns = map[string]bool{colCode: true, colEmail: true, colMobile: true, colWebhook: true, colActive: true, colDoneAt: true, colTask: true}

// at returns where column c of the current record is.
func (rd *reader) at(c string) where {
	i, ok := rd.index[c]
	if !ok {
		i = 0
	}
	return rd.src.pos(i)
}

// line returns the physical line where column c of the current record starts.
func (rd *reader) line(c string) int { return rd.at(c).line }

// row checks one record and builds its enterprise; ok is false when it
// recorded a problem.
func (rd *reader) row(rec []string) (e remindd.Enterprise, ok bool) {
	ok = true
	bad := func(c, format string, args ...any) {
		rd.add(rd.at(c), c, format, args...)
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
		switch {
		case e.ID == "":
			bad(colCode, "missing")
		case excelNumber(e.ID):
			bad(colCode, "%q is a number as Excel shows a long one: Excel took the code for a number and dropped its last digits; "+
				"format the column as text (设置单元格格式→文本，用文本格式保存) and type the codes again", e.ID)
		default:
			if err := creditcode.Valid(e.ID); err != nil {
				bad(colCode, "%v", err)
			}
		}
	}
	if e.Name, check = cell(colName); check && e.Name == "" {
		bad(colName, "missing")
	}
	office, officeOK := cell(colOffice)
	var sec *Section
	if officeOK && office != "" {
		if sec = rd.rules.section(office); sec == nil {
			bad(colOffice, "%q is not a section of the plan (%s)", office, rd.rules.sectionNames())
			officeOK = false
		}
	}
	sector, sectorOK := cell(colSector)
	if sectorOK {
		_, hasColumn := rd.index[colSector]
		switch {
		case sector == "" && sec != nil && len(sec.Sectors) == 1:
			e.Sector = sec.Sectors[0]
		case sector == "" && sec != nil:
			bad(colSector, "missing: %s is responsible for several sectors (%s); name the sector", sec.Name, strings.Join(sec.Sectors, ", "))
		case sector == "" && !hasColumn && !officeOK:
			// The section's problem is said.
		case sector == "":
			bad(colSector, "missing")
		default:
			if id, found := rd.sector(sector); found {
				e.Sector = id
			} else {
				bad(colSector, "%q is not a sector of the plan (%s)", sector, rd.rules.sectorList())
			}
		}
		if e.Sector != "" && sec != nil && !slices.Contains(sec.Sectors, e.Sector) {
			bad(colOffice, "%s is not responsible for sector %s (it is for %s)", sec.Name, e.Sector, strings.Join(sec.Sectors, ", "))
		}
	}
	if size, check := cell(colSize); check {
		if size == "" {
			bad(colSize, "missing")
		} else if e.Size = sizeOf(size, rd.rules.Sizes); e.Size == "" {
			bad(colSize, "%q is not a size class of the plan (%s)", size, strings.Join(rd.rules.Sizes, ", "))
		}
	}
	if trades, check := cell(colTrades); check {
		for _, t := range splitList(trades) {
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
	if v, check := cell(colRoles); check {
		for _, r := range splitList(v) {
			switch {
			case utf8.RuneCountInString(r) > MaxRole:
				bad(colRoles, "role %q is longer than %d characters", r, MaxRole)
			case len(rd.rules.Roles) > 0 && !slices.Contains(rd.rules.Roles, r):
				bad(colRoles, "%q is not a role of the plan (%s)", r, strings.Join(rd.rules.Roles, ", "))
			case !slices.Contains(e.Roles, r):
				e.Roles = append(e.Roles, r)
			}
		}
	}
	for _, a := range attributes {
		v, check := cell(a.column)
		if !check || v == "" {
			continue
		}
		if canon := a.canonical(v); canon != "" {
			*a.field(&e) = canon
		} else {
			bad(a.column, "%q is not one of %s", v, strings.Join(a.values, ", "))
		}
	}
	return e, ok
}

// MaxRole is the most characters a role's name has.
const MaxRole = 64

// unusable finds the cells of rec whose text cannot be stored as it is, or
// printed safely, and records a problem for each, before any other check of
// the cell, which would quote it; valid is false when a cell is not UTF-8,
// and the row is not worth checking further.
func (rd *reader) unusable(rec []string) (cells map[string]bool, valid bool) {
	cells = map[string]bool{}
	for _, c := range rd.cols {
		v := rd.cell(rec, c.name)
		if !utf8.ValidString(v) {
			rd.add(rd.at(c.name), c.name, "is not UTF-8; save the file as UTF-8 (in Excel: CSV UTF-8)")
			return nil, false
		}
		if n := utf8.RuneCountInString(v); n > c.max {
			rd.add(rd.at(c.name), c.name, "is %d characters long, at most %d", n, c.max)
			cells[c.name] = true
		} else if r, pos, found := printable.First(v); found {
			rd.add(rd.at(c.name), c.name, "character %d is %s, a control character; remove it (a cell is one line of plain text)", pos, printable.Name(r))
			cells[c.name] = true
		} else if strings.ContainsRune(v, utf8.RuneError) {
			rd.add(rd.at(c.name), c.name, "%s", rd.lost())
			cells[c.name] = true
		}
	}
	return cells, true
}

// splitList splits a cell listing several values at ;, ；, 、, the comma
// and the full-width comma.
func splitList(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(";；、,，", r) }) {
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
	case "", "true", "1", "是", "启用":
		return true, nil
	case "false", "0", "否", "停用":
		return false, nil
	}
	return true, fmt.Errorf("%q is not one of true, false, 1, 0, 是, 否", s)
}
