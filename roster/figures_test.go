package roster_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/roster"
)

// figuresCSV is a figures file: a header of keys (or, zh, the Chinese
// names) and rows of section, month, by and each figure set to its
// position's value, with cells replaced as given (column key → text).
func figuresCSV(zh bool, rows ...map[string]string) string {
	head := []string{"section", "month", "by"}
	if zh {
		head = []string{"科室", "月份", "填报人"}
	}
	for _, c := range remindd.FigureColumns {
		if zh {
			head = append(head, c.Name())
		} else {
			head = append(head, c.Key)
		}
	}
	lines := []string{strings.Join(head, ",")}
	for _, set := range rows {
		cells := []string{"industry-mgmt", "2024-05", "林主任"}
		for i := range remindd.FigureColumns {
			cells = append(cells, strings.Repeat("1", i%3+1))
		}
		for i, k := range append([]string{"section", "month", "by"}, keys()...) {
			if v, ok := set[k]; ok {
				cells[i] = v
			}
		}
		lines = append(lines, strings.Join(cells, ","))
	}
	return strings.Join(lines, "\n") + "\n"
}

func keys() []string {
	var out []string
	for _, c := range remindd.FigureColumns {
		out = append(out, c.Key)
	}
	return out
}

// TestReadFigures: a file with keys or Chinese names for headers reads the
// same figures, in the columns they name.
func TestReadFigures(t *testing.T) {
	for _, zh := range []bool{false, true} {
		rows, err := roster.ReadFigures("f.csv", strings.NewReader(figuresCSV(zh,
			map[string]string{"inspected": "007"},
			map[string]string{"section": "市场管理科", "month": "2023-12", "fine_yuan": "12500", "by": ""})))
		if err != nil {
			t.Fatalf("zh %v: %v", zh, err)
		}
		if len(rows) != 2 {
			t.Fatalf("zh %v: %d rows", zh, len(rows))
		}
		a, b := rows[0], rows[1]
		if a.Line != 2 || a.Figures.Section != "industry-mgmt" || a.Figures.Month.String() != "2024-05" || a.Figures.By != "林主任" ||
			a.Figures.Values["inspected"] != 7 || a.Figures.Values["sample_towns_city"] != 1 || a.Figures.Values["sample_towns_county"] != 11 {
			t.Errorf("zh %v: row 1 = %+v", zh, a)
		}
		if b.Line != 3 || b.Figures.Section != "市场管理科" || b.Figures.Month.String() != "2023-12" || b.Figures.Values["fine_yuan"] != 12500 {
			t.Errorf("zh %v: row 2 = %+v", zh, b)
		}
		if err := a.Figures.Check(nil); err != nil {
			t.Errorf("zh %v: row 1 does not pass the store's check: %v", zh, err)
		}
	}
}

// TestReadFiguresRefused: each bad cell is named by line and field, and
// the file is refused whole.
func TestReadFiguresRefused(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		want []string
	}{
		{"blank figure", figuresCSV(false, nil, map[string]string{"site_5s": ""}),
			[]string{"f.csv line 3: site_5s: missing: write 0 where there is nothing (表格不应有空白处)"}},
		{"negative", figuresCSV(false, map[string]string{"hazards_found": "-3"}),
			[]string{`f.csv line 2: hazards_found: "-3": a figure is 0 or more`}},
		{"fraction of 万元", figuresCSV(false, map[string]string{"fine_yuan": "1.25"}),
			[]string{`f.csv line 2: fine_yuan: "1.25": want a whole number such as 12, digits 0-9 only (the amount in 元, not 万元)`}},
		{"too big", figuresCSV(false, map[string]string{"closed": "1000000000000"}),
			[]string{`f.csv line 2: closed: "1000000000000": at most 999999999999`}},
		{"month", figuresCSV(false, map[string]string{"month": "2024-5"}, map[string]string{"month": "2021-07"}),
			[]string{`f.csv line 2: month: "2024-5": want a month written YYYY-MM, such as 2024-05`,
				"f.csv line 3: month: 2021-07: the forms count from 2021-08 on"}},
		{"no section", figuresCSV(false, map[string]string{"section": ""}), []string{"f.csv line 2: section: missing"}},
		{"twice", figuresCSV(false, nil, map[string]string{"inspected": "0"}),
			[]string{"f.csv line 3: month: industry-mgmt's 2024-05 is already on line 2"}},
		{"missing column", strings.Replace(figuresCSV(false, nil), ",restrained", "", 1),
			[]string{"f.csv line 1: restrained: required column is missing (header restrained or 约束单位（家次）)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := roster.ReadFigures("f.csv", strings.NewReader(tc.file))
			var ps roster.Problems
			if rows != nil || !errors.As(err, &ps) {
				t.Fatalf("rows %v, err %v; want none and Problems", rows, err)
			}
			var got []string
			for _, p := range ps {
				got = append(got, p.Error())
			}
			if tc.name == "missing column" {
				got = got[:1]
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("problems (-want +got):\n%s", d)
			}
		})
	}
}
