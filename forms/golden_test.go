package forms_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/forms"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
	"github.com/remindd/remindd/store"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const examples = "../examples/enterprises.csv"

// demoPosts are the five tourism demo posts the acceptance check records,
// of every kind, one kind twice.
var demoPosts = []remindd.Achievement{
	{Sector: "tourism", Metric: "demo_post", Name: "导游服务党员模范岗", PostKind: "党员模范岗", Size: "规上", Date: day("2024-03-12")},
	{Sector: "tourism", Metric: "demo_post", Name: "景区安全青年突击手", PostKind: "青年突击手", Size: "中等", Date: day("2024-04-02")},
	{Sector: "tourism", Metric: "demo_post", Name: "酒店消防工人先锋岗", PostKind: "工人先锋岗", Size: "规上", Date: day("2024-05-08")},
	{Sector: "tourism", Metric: "demo_post", Name: "前台巾帼示范岗", PostKind: "巾帼示范岗", Size: "小微", Date: day("2024-05-20")},
	{Sector: "tourism", Metric: "demo_post", Name: "票务党员模范岗", PostKind: "党员模范岗", Size: "中等", Date: day("2024-05-31")},
}

// seed fills s as the golden files expect: the example enterprises, the
// demo posts, a certified and a benchmark enterprise, one in June (after
// the month), and figures of two sections, one of them before 2024.
func seed(t testing.TB, s *store.Store, p *plan.Plan) {
	t.Helper()
	ctx := context.Background()
	f, err := os.Open(examples)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	list, err := roster.Read(examples, f, roster.RulesOf(p))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpsertEnterprises(ctx, list); err != nil {
		t.Fatal(err)
	}
	achs := append(slices.Clone(demoPosts),
		remindd.Achievement{Sector: "tourism", Metric: "certified", Name: "晋江市榕溪景区管理有限公司", Enterprise: "913505826402668510", Date: day("2024-04-18")},
		remindd.Achievement{Sector: "culture", Metric: "benchmark", Name: "某剧院", Size: "中等", Date: day("2023-09-01")},
		remindd.Achievement{Sector: "tourism", Metric: "demo_post", Name: "六月的岗位", PostKind: "巾帼示范岗", Size: "小微", Date: day("2024-06-01")},
	)
	for _, a := range achs {
		if _, err := s.Achieve(ctx, p.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	figs := []remindd.MonthlyFigures{
		figures("industry-mgmt", "2023-12", map[string]int64{"lists_enterprises": 12, "site_5s": 9, "signs_6": 8, "inspected": 300}),
		figures("industry-mgmt", "2024-04", map[string]int64{"spec_checklists": 3, "lists_hazards_found": 20, "lists_hazards_fixed": 18,
			"inspected": 25, "hazards_found": 40, "hazards_fixed": 35, "fined": 1, "fine_yuan": 5000, "sample_towns_city": 1}),
		figures("industry-mgmt", "2024-05", map[string]int64{"spec_risk_guides": 2, "lists_enterprises": 1, "inspected": 30,
			"hazards_found": 12, "hazards_fixed": 12, "major_enterprises": 1, "major_hazards": 2, "major_fixed": 1,
			"fined": 2, "fine_yuan": 12500, "suspended": 1, "warned": 3, "rewarded": 2}),
		figures("market-mgmt", "2024-05", map[string]int64{"inspected": 14, "hazards_found": 6, "hazards_fixed": 6, "exposed": 1}),
		figures("county-bureaus", "2024-05", map[string]int64{"inspected": 50, "spec_guides": 4, "sample_towns_township": 2}),
	}
	for i := range figs {
		figs[i].By, figs[i].Source = "林主任", remindd.SourceImport
	}
	if _, _, err := s.PutFigures(ctx, figs); err != nil {
		t.Fatal(err)
	}
}

// header is the golden files' header line.
var header = forms.Header{Filler: "王小明", Phone: "0595-85000001", Date: day("2024-06-03")}

// TestFormsFromSeededStore writes both forms of May 2024 from a seeded store
// on each backend and compares every cell and merged range, read back from
// the .xlsx, with testdata/*.golden (go test -update rewrites them); then
// checks what the acceptance check reads against the example CSV itself.
func TestFormsFromSeededStore(t *testing.T) {
	p := loadPlan(t)
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		seed(t, s, p)
		f, err := forms.Read(context.Background(), s, p, month("2024-05"), "", header)
		if err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff([]string{"public-culture-arts", "cultural-heritage"}, f.Missing); d != "" {
			t.Errorf("missing (-want +got):\n%s", d)
		}
		files, err := f.Files()
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, file := range files {
			names = append(names, file.Name)
			got := dumpXLSX(t, file.Bytes)
			golden := filepath.Join("testdata", strings.TrimSuffix(file.Name, ".xlsx")+".golden")
			if *update && s.Driver() == "sqlite" {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update ./forms)", err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("%s (-golden +got):\n%s", file.Name, d)
			}
		}
		if d := cmp.Diff([]string{"附件4-2024-05.xlsx", "附件5-2024-05.xlsx"}, names); d != "" {
			t.Errorf("file names (-want +got):\n%s", d)
		}
		checkAcceptance(t, files[0].Bytes)
	})
}

// checkAcceptance reads 附件4's 市直单位 rows as a clerk would and compares
// them with the example CSV, counted here from its text, and the demo posts
// recorded.
func checkAcceptance(t *testing.T, b []byte) {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	sizes := csvSizes(t)
	kinds := map[string]int{}
	for _, a := range demoPosts {
		kinds[a.PostKind]++
	}
	cell := func(ref string) string {
		v, err := x.GetCellValue(remindd.Form4, ref)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// 市直单位's first data row is row 6: B total, C–E sizes, U–X posts (市级).
	for ref, want := range map[string]int{"B6": sizes["规上"] + sizes["中等"] + sizes["小微"], "C6": sizes["规上"], "D6": sizes["中等"], "E6": sizes["小微"],
		"U6": kinds["党员模范岗"], "V6": kinds["青年突击手"], "W6": kinds["工人先锋岗"], "X6": kinds["巾帼示范岗"]} {
		if got := cell(ref); got != fmt.Sprint(want) {
			t.Errorf("附件4 %s = %q, want %d", ref, got, want)
		}
	}
}

// csvSizes counts the example CSV's active enterprises (one of its 30 is
// active=false) by size class, read from its text.
func csvSizes(t *testing.T) map[string]int {
	t.Helper()
	text, err := os.ReadFile(examples)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "active")
	sizes := map[string]int{}
	for _, r := range rows[1:] {
		if r[col] != "false" {
			sizes[r[slices.Index(rows[0], "size")]]++
		}
	}
	return sizes
}

// dumpXLSX lists a workbook's sheets, merged ranges and non-empty cells, one
// a line, as excelize reads them back.
func dumpXLSX(t *testing.T, b []byte) string {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	var out strings.Builder
	for _, sheet := range x.GetSheetList() {
		fmt.Fprintf(&out, "sheet %s\n", sheet)
		merged, err := x.GetMergeCells(sheet)
		if err != nil {
			t.Fatal(err)
		}
		var ranges []string
		for _, m := range merged {
			ranges = append(ranges, m.GetStartAxis()+":"+m.GetEndAxis())
		}
		slices.Sort(ranges)
		fmt.Fprintf(&out, "merged %s\n", strings.Join(ranges, " "))
		rows, err := x.Rows(sheet)
		if err != nil {
			t.Fatal(err)
		}
		for r := 1; rows.Next(); r++ {
			cols, err := rows.Columns()
			if err != nil {
				t.Fatal(err)
			}
			for c, v := range cols {
				if v == "" {
					continue
				}
				ref, _ := excelize.CoordinatesToCellName(c+1, r)
				fmt.Fprintf(&out, "%s %s\n", ref, v)
			}
		}
		if err := rows.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return out.String()
}
