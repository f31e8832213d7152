package roster

import (
	"io"
	"strconv"
	"strings"

	"github.com/remindd/remindd"
)

// Columns of a figures file besides the figures themselves.
const (
	colFiguresSection = "section"
	colFiguresMonth   = "month"
	colFiguresBy      = "by"
)

// figureDigits bounds a figure's cell: MaxFigure has 12 digits.
const figureDigits = 12

// figuresColumns are the columns of a figures file: the section (id or
// name), the month (YYYY-MM), optionally who entered them, and every
// figure of remindd.FigureColumns, each required (a blank figure is
// refused: the forms want 0 written where there is nothing). A figure's
// header is its key or its Chinese name (group and label, as the forms
// say: 健全三张清单企业数量（家）).
func figuresColumns() []column {
	cols := []column{
		{name: colFiguresSection, zh: "科室", required: true, max: 64},
		{name: colFiguresMonth, zh: "月份", required: true, max: 16},
		{name: colFiguresBy, zh: "填报人", max: remindd.MaxDoneBy},
	}
	for _, c := range remindd.FigureColumns {
		cols = append(cols, column{name: c.Key, zh: c.Name(), required: true, max: figureDigits + 4})
	}
	return cols
}

// FiguresRow is one row of a figures file: a section's figures for a month,
// the section as the file writes it (an id or a name).
type FiguresRow struct {
	Line    int
	Figures remindd.MonthlyFigures
}

// ReadFigures parses a figures file (CSV, UTF-8, a header row) within the
// bounds of Read, and checks what a file can say by itself: a section on
// every row, a month YYYY-MM from 2021-08 on, every figure a whole number
// of 0 or more (digits only, at most MaxFigure), and one row per section
// and month. Whether the plan has the section is the caller's to check,
// naming the row's Line. A file with any problem is refused whole: no rows
// and a Problems.
func ReadFigures(name string, r io.Reader) ([]FiguresRow, error) {
	rd := newReader(name, r, figuresColumns())
	var out []FiguresRow
	seen := map[string]int{} // section and month → line
	err := rd.each("section's month", func(rec []string) {
		row, ok := rd.figures(rec)
		if !ok {
			return
		}
		key := row.Figures.Section + " " + row.Figures.Month.String()
		if first, dup := seen[key]; dup {
			rd.add(where{line: row.Line}, colFiguresMonth, "%s's %s is already on line %d", row.Figures.Section, row.Figures.Month, first)
			return
		}
		seen[key] = row.Line
		out = append(out, row)
	})
	if err != nil {
		return nil, err
	}
	if err := rd.refusal(); err != nil {
		return nil, err
	}
	return out, nil
}

func (rd *reader) figures(rec []string) (row FiguresRow, ok bool) {
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
	f := &row.Figures
	f.Values = make(map[string]int64, len(remindd.FigureColumns))
	if v := rd.cell(rec, colFiguresSection); !unusable[colFiguresSection] && v == "" {
		bad(colFiguresSection, "missing")
	} else {
		f.Section = v
	}
	if v := rd.cell(rec, colFiguresMonth); !unusable[colFiguresMonth] {
		m, err := remindd.ParseMonth(v)
		switch {
		case v == "":
			bad(colFiguresMonth, "missing")
		case err != nil:
			bad(colFiguresMonth, "%v", err)
		case m.Before(remindd.Since2021Aug):
			bad(colFiguresMonth, "%s: the forms count from %s on", m, remindd.Since2021Aug)
		default:
			f.Month = m
		}
	}
	f.By = rd.cell(rec, colFiguresBy)
	for _, c := range remindd.FigureColumns {
		if unusable[c.Key] {
			ok = false
			continue
		}
		v := rd.cell(rec, c.Key)
		n, msg := parseFigure(v)
		if msg != "" && c.Key == remindd.FineYuan {
			msg += " (the amount in 元, not 万元)"
		}
		if msg != "" {
			bad(c.Key, "%s", msg)
			continue
		}
		f.Values[c.Key] = n
	}
	return row, ok
}

// parseFigure reads a figure: decimal digits, leading zeros meaning nothing.
func parseFigure(s string) (int64, string) {
	if s == "" {
		return 0, "missing: write 0 where there is nothing (表格不应有空白处)"
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			if s[0] == '-' {
				return 0, strconv.Quote(s) + ": a figure is 0 or more"
			}
			return 0, strconv.Quote(s) + ": want a whole number such as 12, digits 0-9 only"
		}
	}
	t := strings.TrimLeft(s, "0")
	if len(t) > figureDigits {
		return 0, strconv.Quote(s) + ": at most " + strconv.FormatInt(remindd.MaxFigure, 10)
	}
	n, _ := strconv.ParseInt("0"+t, 10, 64)
	return n, ""
}
