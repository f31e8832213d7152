package roster

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/creditcode"
)

// Columns of a completions file, by canonical name.
const (
	colTask    = "task"
	colSection = "section"
	colDoneAt  = "done_at"
	colBy      = "by"
	colNote    = "note"
)

// completionColumns are the columns of a completions file: which task,
// whose (a section, by id or name, or an enterprise, by credit code: one of
// the two on each row), when it was done, by whom, and a note. The bounds
// are the completions table's (check.go).
var completionColumns = []column{
	{colTask, "任务", true, 9, nil},
	{colSection, "科室", false, 64, nil},
	{colCode, "统一社会信用代码", false, 64, nil},
	{colDoneAt, "完成时间", true, 64, nil},
	{colBy, "登记人", false, remindd.MaxDoneBy, nil},
	{colNote, "备注", false, remindd.MaxNote, nil},
}

// CompletionRow is one row of a completions file: a task done by a section
// (Section, as the file writes it: an id or a name) or by an enterprise
// (Enterprise, a credit code), at DoneAt.
type CompletionRow struct {
	Line       int
	Task       int
	Section    string
	Enterprise string
	DoneAt     time.Time
	By, Note   string
}

// ReadCompletions parses a completions file (CSV, UTF-8, a header row)
// within the bounds of Read, and checks what a file can say by itself: a
// task number in decimal, exactly one of section and credit code, a valid
// credit code, done_at an RFC 3339 instant or a date (YYYY-MM-DD, the start
// of that day in loc), and by and note as a completion holds them. Whether
// the plan has the task and the assignee owes it is the caller's to check,
// naming the row's Line. A file with any problem is refused whole: no rows
// and a Problems.
func ReadCompletions(name string, r io.Reader, loc *time.Location) ([]CompletionRow, error) {
	rd := newReader(name, r, completionColumns)
	var out []CompletionRow
	err := rd.each("completion", func(rec []string) {
		if row, ok := rd.completion(rec, loc); ok {
			out = append(out, row)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := rd.refusal(); err != nil {
		return nil, err
	}
	return out, nil
}

func (rd *reader) completion(rec []string, loc *time.Location) (row CompletionRow, ok bool) {
	ok = true
	bad := func(c, format string, args ...any) {
		rd.add(rd.at(c), c, format, args...)
		ok = false
	}
	unusable, valid := rd.unusable(rec)
	if !valid {
		return row, false
	}
	row.Line = rd.src.pos(0).line
	cell := func(c string) (string, bool) { return rd.cell(rec, c), !unusable[c] }

	if v, check := cell(colTask); check {
		if n, err := parseTask(v); err != nil {
			bad(colTask, "%q: %v", v, err)
		} else {
			row.Task = n
		}
	}
	var sc, cc bool
	row.Section, sc = cell(colSection)
	row.Enterprise, cc = cell(colCode)
	switch {
	case !sc || !cc:
	case row.Section == "" && row.Enterprise == "":
		bad(colSection, "give a section (id or name) or an enterprise's credit code")
	case row.Section != "" && row.Enterprise != "":
		bad(colSection, "give a section or a credit code, not both")
	case row.Enterprise != "":
		if err := creditcode.Valid(row.Enterprise); err != nil {
			bad(colCode, "%v", err)
		}
	}
	if v, check := cell(colDoneAt); check {
		at, err := parseDoneAt(v, loc)
		if err != nil {
			bad(colDoneAt, "%v", err)
		}
		row.DoneAt = at
	}
	row.By, _ = cell(colBy)
	row.Note, _ = cell(colNote)
	return row, ok
}

// parseTask reads a task number as the command line does: decimal digits,
// leading zeros meaning nothing (the cell is at most 9 characters).
func parseTask(s string) (int, error) {
	if s == "" {
		return 0, fmt.Errorf("missing")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("want a task number such as 44, digits 0-9 only")
		}
	}
	n, _ := strconv.Atoi(strings.TrimLeft(s, "0")) // 0 for "" or "000"
	if n < 1 {
		return 0, fmt.Errorf("a task number is 1 or more")
	}
	return n, nil
}

// parseDoneAt reads an RFC 3339 instant, or a date, the start of that day
// in loc.
func parseDoneAt(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, fmt.Errorf("missing")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("%q is neither a date (2024-05-20) nor an RFC 3339 time (2024-05-20T10:00:00+08:00)", s)
}
