package forms_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/forms"
	"github.com/remindd/remindd/plan"
)

func loadPlan(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := plan.Load("../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func month(s string) remindd.Month {
	m, err := remindd.ParseMonth(s)
	if err != nil {
		panic(err)
	}
	return m
}

func day(s string) plan.Date {
	d, err := plan.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// figures is a month of a section's figures: every column 0 but those given.
func figures(section, m string, set map[string]int64) remindd.MonthlyFigures {
	f := remindd.MonthlyFigures{Section: section, Month: month(m), Values: map[string]int64{}}
	for _, c := range remindd.FigureColumns {
		f.Values[c.Key] = set[c.Key]
	}
	return f
}

// code is a made-up credit code for the nth enterprise: Build does not check
// them.
func code(n int) string { return "E" + strings.Repeat("0", 5) + string(rune('A'+n)) }

// TestBuildCountsEachCellFromItsSource: each figure of the forms counted
// from the roster's attributes, the achievements (within their counting
// bases and the month), and the figures entered (added up from each
// column's base to the month, external sections on the 县（市、区） row).
func TestBuildCountsEachCellFromItsSource(t *testing.T) {
	p := loadPlan(t)
	ents := []remindd.Enterprise{
		{ID: code(0), Sector: "tourism", Size: "规上", Active: true, StdType: "国标", Level: "一级", BenchmarkTier: "市级", Risk: "红"},
		{ID: code(1), Sector: "tourism", Size: "中等", Active: true, StdType: "省标", Level: "三级", Risk: "黄"},
		{ID: code(2), Sector: "tourism", Size: "小微", Active: true, StdType: "地标", Level: "二级", Risk: "蓝"},
		{ID: code(3), Sector: "tourism", Size: "小微", Active: true, StdType: "地标", Level: "自评", BenchmarkTier: "县级"},
		{ID: code(4), Sector: "tourism", Size: "小微", Active: true, StdType: "国标"}, // no 级别: not counted in 创建提升
		{ID: code(5), Sector: "tourism", Size: "规上", Active: false, StdType: "国标", Level: "一级", Risk: "红"},
		{ID: code(6), Sector: "culture", Size: "中等", Active: true, StdType: "省标", Level: "自评", Risk: "橙"},
		{ID: code(7), Sector: "heritage-museums", Size: "小微", Active: true, Risk: "紫"},
	}
	achs := []remindd.Achievement{
		// benchmarks since 2021-08: code(0) is counted from the roster once
		{Sector: "tourism", Metric: "benchmark", Name: "a", Enterprise: code(0), Date: day("2024-03-01")},
		{Sector: "tourism", Metric: "benchmark", Name: "b", Enterprise: code(1), Date: day("2022-01-10")},
		{Sector: "tourism", Metric: "benchmark", Name: "b again", Enterprise: code(1), Date: day("2024-02-10")},
		{Sector: "tourism", Metric: "benchmark", Name: "too old", Size: "规上", Date: day("2021-07-31")},
		{Sector: "culture", Metric: "benchmark", Name: "c", Size: "小微", Date: day("2024-05-31")},
		{Sector: "culture", Metric: "benchmark", Name: "after May", Size: "小微", Date: day("2024-06-01")},
		// certified since 2024-01
		{Sector: "tourism", Metric: "certified", Name: "d", Size: "中等", Date: day("2024-01-01")},
		{Sector: "tourism", Metric: "certified", Name: "2023", Size: "中等", Date: day("2023-12-31")},
		{Sector: "heritage-museums", Metric: "certified", Name: "e", Enterprise: code(7), Date: day("2024-04-02")},
		// demo posts since 2024-01
		{Sector: "tourism", Metric: "demo_post", Name: "f", PostKind: "党员模范岗", Date: day("2024-05-20")},
		{Sector: "tourism", Metric: "demo_post", Name: "g", PostKind: "党员模范岗", Date: day("2024-02-20")},
		{Sector: "culture", Metric: "demo_post", Name: "h", PostKind: "巾帼示范岗", Date: day("2024-05-01")},
		{Sector: "culture", Metric: "demo_post", Name: "no kind", Date: day("2024-05-01")},
	}
	figs := []remindd.MonthlyFigures{
		// 2021-08 to 2023-12 entered under one month: counts only where the base is 2021-08
		figures("industry-mgmt", "2023-12", map[string]int64{"lists_enterprises": 40, "inspected": 500, "site_5s": 3}),
		figures("industry-mgmt", "2024-04", map[string]int64{"lists_enterprises": 2, "inspected": 10, "fine_yuan": 15000, "sample_towns_city": 1}),
		figures("industry-mgmt", "2024-05", map[string]int64{"inspected": 7, "fine_yuan": 2500}),
		figures("industry-mgmt", "2024-06", map[string]int64{"inspected": 1000}), // after May
		figures("market-mgmt", "2024-05", map[string]int64{"inspected": 3, "signs_6": 4}),
		figures("county-bureaus", "2024-05", map[string]int64{"inspected": 11, "spec_rules": 2}),
	}
	got, err := forms.Build(forms.Input{Plan: p, Month: month("2024-05"), Enterprises: ents, Achievements: achs, Figures: figs})
	if err != nil {
		t.Fatal(err)
	}
	city := forms.Unit{
		Enterprises: [3]int64{1, 2, 4}, // code(5) inactive
		Created: [3][4]int64{
			{1, 0, 0, 0}, // 国标 一级: code(0)
			{0, 0, 1, 1}, // 省标 三级: code(1); 自评: code(6)
			{1, 0, 0, 1}, // 地标 不分级: code(2); 自评: code(3)
		},
		// 市级: code(0) from the roster, code(1) and culture's c from achievements; 县级: code(3)
		Benchmarks: [2][3]int64{{1, 1, 1}, {0, 0, 1}},
		Certified:  [3]int64{0, 1, 1},         // d (中等), e (code(7)'s 小微)
		DemoPosts:  [3][4]int64{{2, 0, 0, 1}}, // 市级
		Risk:       [4]int64{1, 1, 1, 1},      // code(7)'s 紫 is no colour
		Figures: map[string]int64{"lists_enterprises": 42, // 2023-12 counts: base 2021-08
			"inspected": 20, "site_5s": 3, "signs_6": 4, "fine_yuan": 17500, "sample_towns_city": 1},
	}
	county := forms.Unit{Figures: map[string]int64{"inspected": 11, "spec_rules": 2}}
	for _, c := range remindd.FigureColumns {
		for _, u := range []*forms.Unit{&city, &county} {
			if _, ok := u.Figures[c.Key]; !ok {
				u.Figures[c.Key] = 0
			}
		}
	}
	want := forms.Forms{
		Month:  month("2024-05"),
		Header: forms.Header{Unit: "晋江市文化和旅游局"},
		Units:  [2]forms.Unit{city, county},
		// cultural-heritage and public-culture-arts entered nothing for May
		Missing: []string{"public-culture-arts", "cultural-heritage"},
		Uncounted: []string{
			"1 demo posts without a kind (示范岗位): not counted",
			"1 enterprises whose 级别 is not 一级, 二级, 三级 or 自评 (创建提升数量): not counted",
			"1 enterprises whose 风险等级 is not 红, 橙, 黄 or 蓝 (四色安全风险): not counted",
		},
	}
	if d := cmp.Diff(&want, got); d != "" {
		t.Errorf("Build (-want +got):\n%s", d)
	}
	if got.Units[forms.CityDirect].Total() != 7 || got.Units[forms.CityDirect].RiskTotal() != 4 {
		t.Errorf("totals: %d enterprises, %d coloured; want 7, 4", got.Units[0].Total(), got.Units[0].RiskTotal())
	}
}

// TestBuildOneSection: a section's form counts its sectors' enterprises and
// achievements and its own figures only, and names it in the header.
func TestBuildOneSection(t *testing.T) {
	p := loadPlan(t)
	ents := []remindd.Enterprise{
		{ID: code(0), Sector: "tourism", Size: "规上", Active: true},
		{ID: code(1), Sector: "culture", Size: "中等", Active: true},
		{ID: code(2), Sector: "culture", Size: "小微", Active: true},
	}
	achs := []remindd.Achievement{
		{Sector: "tourism", Metric: "demo_post", Name: "a", PostKind: "青年突击手", Date: day("2024-05-20")},
		{Sector: "culture", Metric: "demo_post", Name: "b", PostKind: "工人先锋岗", Date: day("2024-05-20")},
	}
	figs := []remindd.MonthlyFigures{
		figures("industry-mgmt", "2024-05", map[string]int64{"warned": 5}),
		figures("market-mgmt", "2024-05", map[string]int64{"warned": 7}),
	}
	for _, tc := range []struct {
		section string
		unit    string
		sizes   [3]int64
		posts   [4]int64
		warned  int64
	}{
		{"industry-mgmt", "晋江市文化和旅游局（行业管理科）", [3]int64{1, 0, 0}, [4]int64{0, 1, 0, 0}, 5},
		{"market-mgmt", "晋江市文化和旅游局（市场管理科）", [3]int64{0, 1, 1}, [4]int64{0, 0, 1, 0}, 7},
		{"public-culture-arts", "晋江市文化和旅游局（公共文化和艺术科）", [3]int64{0, 1, 1}, [4]int64{0, 0, 1, 0}, 0},
	} {
		got, err := forms.Build(forms.Input{Plan: p, Month: month("2024-05"), Section: tc.section, Enterprises: ents, Achievements: achs, Figures: figs})
		if err != nil {
			t.Fatal(err)
		}
		u := got.Units[forms.CityDirect]
		if want := "附件5-2024-05-" + strings.TrimSuffix(strings.TrimPrefix(tc.unit, "晋江市文化和旅游局（"), "）") + ".xlsx"; got.FileName("附件5") != want {
			t.Errorf("%s: file name %q, want %q", tc.section, got.FileName("附件5"), want)
		}
		if got.Header.Unit != tc.unit || u.Enterprises != tc.sizes || u.DemoPosts[0] != tc.posts || u.Figures["warned"] != tc.warned {
			t.Errorf("%s: unit %q, sizes %v, posts %v, warned %d; want %q, %v, %v, %d", tc.section,
				got.Header.Unit, u.Enterprises, u.DemoPosts[0], u.Figures["warned"], tc.unit, tc.sizes, tc.posts, tc.warned)
		}
		wantMissing := []string(nil)
		if tc.warned == 0 {
			wantMissing = []string{tc.section}
		}
		if d := cmp.Diff(wantMissing, got.Missing); d != "" {
			t.Errorf("%s: missing (-want +got):\n%s", tc.section, d)
		}
	}
	if _, err := forms.Build(forms.Input{Plan: p, Month: month("2024-05"), Section: "nobody"}); err == nil || !strings.Contains(err.Error(), `section "nobody"`) {
		t.Errorf("unknown section: err = %v", err)
	}
	if _, err := forms.Build(forms.Input{Plan: p, Month: month("2021-07")}); err == nil || !strings.Contains(err.Error(), "2021-07") {
		t.Errorf("month before the base: err = %v", err)
	}
}
