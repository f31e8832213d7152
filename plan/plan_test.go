package plan_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/plan"
)

const shipped = "../plans/jinjiang-2024.yaml"

func loadShipped(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.Load(shipped)
	if err != nil {
		t.Fatalf("load shipped plan: %v", err)
	}
	return p
}

func TestShippedPlanTasksByMonth(t *testing.T) {
	p := loadShipped(t)
	// 附件6: the first and last task number listed under each month, and the
	// phase label of that month's block.
	months := []struct {
		month, first, last, phase int
	}{
		{1, 1, 8, 1}, {2, 9, 20, 1}, {3, 21, 31, 1}, {4, 32, 43, 2},
		{5, 44, 54, 3}, {6, 55, 71, 3}, {7, 72, 82, 3}, {8, 83, 90, 3},
		{9, 91, 103, 3}, {10, 104, 112, 4}, {11, 113, 122, 4}, {12, 123, 133, 5},
	}
	if len(p.Tasks) != 133 {
		t.Fatalf("got %d tasks, want 133", len(p.Tasks))
	}
	for _, m := range months {
		for n := m.first; n <= m.last; n++ {
			task, ok := p.Task(n)
			if !ok {
				t.Fatalf("task %d missing", n)
			}
			if task.Month != m.month || task.Phase != m.phase {
				t.Errorf("task %d: month %d phase %d, want month %d phase %d", n, task.Month, task.Phase, m.month, m.phase)
			}
		}
	}
	if got := p.Due(5).Format("2006-01-02 15:04:05 MST"); got != "2024-05-31 23:59:59 CST" {
		t.Errorf("May deadline = %s", got)
	}
	if got := p.DueDate(2).String(); got != "2024-02-29" {
		t.Errorf("February deadline = %s (2024 is a leap year)", got)
	}
}

func TestShippedPlanTextsAreVerbatim(t *testing.T) {
	p := loadShipped(t)
	seed, err := os.ReadFile("../../shared/seed/000_aaacb13bc6220c87.txt")
	if err != nil {
		t.Skipf("seed document not beside the repository: %v", err)
	}
	doc := string(seed)
	for _, task := range p.Tasks {
		line := "\t" + itoa(task.N) + "." + task.Text + "\n"
		if !strings.Contains(doc, line) {
			t.Errorf("task %d text is not verbatim from the document: %q", task.N, task.Text)
		}
	}
	for _, ph := range p.Phases {
		if !strings.Contains(doc, ph.Text) {
			t.Errorf("phase %d text is not verbatim", ph.N)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func TestShippedPlanOwnersAndAudience(t *testing.T) {
	p := loadShipped(t)
	all := []string{"industry-mgmt", "market-mgmt", "public-culture-arts", "cultural-heritage"}
	for _, task := range p.Tasks {
		want := all
		if task.N == 45 {
			want = append([]string{"county-bureaus"}, all...)
		}
		if diff := cmp.Diff(want, p.OwnersOf(&task)); diff != "" {
			t.Errorf("task %d owners (-want +got):\n%s", task.N, diff)
		}
	}
	narrowed := map[int][]string{
		36: {"中等"}, 44: {"小微"}, 45: {"中等"}, 55: {"小微"}, 56: {"中等"}, 73: {"小微"},
	}
	for n, sizes := range narrowed {
		task, _ := p.Task(n)
		if task.Enterprises == nil || !cmp.Equal(task.Enterprises.Sizes, sizes) {
			t.Errorf("task %d audience = %+v, want sizes %v", n, task.Enterprises, sizes)
		}
	}
	t25, _ := p.Task(25)
	if !t25.Enterprises.Matches("小微", []string{"有限空间"}, nil) || !t25.Enterprises.Matches("规上", nil, nil) || t25.Enterprises.Matches("小微", nil, nil) {
		t.Errorf("task 25 should mean 规上 enterprises or risky trades: %+v", t25.Enterprises)
	}
	t1, _ := p.Task(1)
	if t1.Enterprises != nil {
		t.Errorf("task 1 is the sections' own work, got an enterprise audience")
	}
}

func TestShippedPlanMilestonesAndTargets(t *testing.T) {
	p := loadShipped(t)
	type key struct {
		task   int
		sector string
	}
	// ceil(percent × yearly target) per sector, from 附件1 and 附件6.
	want := map[key]int{
		{49, "tourism"}: 1, {49, "culture"}: 1, {49, "heritage-museums"}: 1,
		{50, "tourism"}: 1, {50, "culture"}: 3, {50, "heritage-museums"}: 0,
		{51, "tourism"}: 5, {51, "culture"}: 3, {51, "heritage-museums"}: 1,
		{74, "tourism"}: 1, {74, "culture"}: 1, {74, "heritage-museums"}: 1,
		{75, "tourism"}: 2, {75, "culture"}: 5, {75, "heritage-museums"}: 0,
		{76, "tourism"}: 13, {76, "culture"}: 7, {76, "heritage-museums"}: 1,
		{85, "tourism"}: 2, {85, "culture"}: 6, {85, "heritage-museums"}: 0,
		{86, "tourism"}: 18, {86, "culture"}: 10, {86, "heritage-museums"}: 1,
		{96, "tourism"}: 2, {96, "culture"}: 8, {96, "heritage-museums"}: 0,
		{97, "tourism"}: 22, {97, "culture"}: 12, {97, "heritage-museums"}: 1,
		{106, "tourism"}: 2, {106, "culture"}: 8, {106, "heritage-museums"}: 0,
		{107, "tourism"}: 25, {107, "culture"}: 14, {107, "heritage-museums"}: 1,
	}
	if len(p.Milestones) != 12 {
		t.Fatalf("got %d milestones, want 12", len(p.Milestones))
	}
	got := map[key]int{}
	for _, m := range p.Milestones {
		for _, s := range p.Sectors {
			got[key{m.Task, s.ID}] = m.Required(s.Targets[m.Metric])
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("required counts (-want +got):\n%s", diff)
	}
	sections := map[string][]string{}
	for _, s := range p.Sectors {
		sections[s.ID] = s.Sections
	}
	wantSections := map[string][]string{
		"tourism":          {"industry-mgmt"},
		"culture":          {"market-mgmt", "public-culture-arts"},
		"heritage-museums": {"cultural-heritage"},
	}
	if diff := cmp.Diff(wantSections, sections); diff != "" {
		t.Errorf("sector sections (-want +got):\n%s", diff)
	}
}

func TestShippedPlanPhasesAndReporting(t *testing.T) {
	p := loadShipped(t)
	var ends []string
	for _, ph := range p.Phases {
		ends = append(ends, ph.Ends.String())
	}
	if diff := cmp.Diff([]string{"2024-03-15", "2024-04-30", "2024-09-30", "2024-11-30", "2024-12-31"}, ends); diff != "" {
		t.Errorf("phase ends (-want +got):\n%s", diff)
	}
	var days []int
	for _, r := range p.Reporting.Monthly {
		days = append(days, r.DueDay)
	}
	if diff := cmp.Diff([]int{2, 3}, days); diff != "" {
		t.Errorf("monthly report days (-want +got):\n%s", diff)
	}
	if got := p.Reporting.YearEnd.Due.String(); got != "2025-01-05" {
		t.Errorf("year-end due %s, want 2025-01-05", got)
	}
}

// TestInvalidPlans checks that each broken plan is refused with the file,
// line and field named. Each case edits the shipped plan.
func TestInvalidPlans(t *testing.T) {
	base, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	src := string(base)
	cases := []struct {
		name string
		edit func(string) string
		want string // substring of the error, with the line
	}{
		{
			name: "duplicate task number",
			edit: func(s string) string { return replaceOnce(s, "  - n: 2\n    month: 1\n", "  - n: 1\n    month: 1\n") },
			want: ":LINE: tasks[1].n: duplicate task number 1 (first at line",
		},
		{
			name: "milestone of 120 percent",
			edit: func(s string) string {
				return replaceOnce(s, "{task: 107, metric: demo_post, percent: 100}", "{task: 107, metric: demo_post, percent: 120}")
			},
			want: ":LINE: milestones[11].percent: percent 120 outside 1–100",
		},
		{
			name: "month outside 1-12",
			edit: func(s string) string { return replaceOnce(s, "  - n: 3\n    month: 1\n", "  - n: 3\n    month: 13\n") },
			want: ":LINE: tasks[2].month: task 3: month 13 outside 1–12",
		},
		{
			name: "missing task number",
			edit: func(s string) string { return replaceOnce(s, "  - n: 133\n", "  - n: 134\n") },
			want: ":TASKSLINE: tasks: task numbers must run 1–133 without gaps; missing [133]",
		},
		{
			name: "unknown section",
			edit: func(s string) string { return replaceOnce(s, "sections: [industry-mgmt]", "sections: [tourism-mgmt]") },
			want: ":LINE: sectors[0].sections[0]: unknown section \"tourism-mgmt\"",
		},
		{
			name: "unknown metric",
			edit: func(s string) string {
				return replaceOnce(s, "{task: 49, metric: benchmark, percent: 60}", "{task: 49, metric: benchmarks, percent: 60}")
			},
			want: ":LINE: milestones[0].metric: unknown metric \"benchmarks\"",
		},
		{
			name: "percentage falls within a metric",
			edit: func(s string) string {
				return replaceOnce(s, "{task: 85, metric: certified, percent: 75}", "{task: 85, metric: certified, percent: 55}")
			},
			want: ":LINE: milestones: certified milestone of task 85 (55%, month 8) falls below task 75's 60% of month 7",
		},
		{
			name: "bad time zone",
			edit: func(s string) string { return replaceOnce(s, "timezone: Asia/Shanghai", "timezone: Asia/Jinjiang") },
			want: ":LINE: timezone: unknown time zone \"Asia/Jinjiang\"",
		},
		{
			name: "bad date",
			edit: func(s string) string { return replaceOnce(s, "ends: 2024-04-30", "ends: 2024-04-31") },
			want: ":LINE: phases[1].ends: date \"2024-04-31\" is not YYYY-MM-DD",
		},
		{
			name: "a list for a number",
			edit: func(s string) string { return replaceOnce(s, "  - n: 3\n    month: 1\n", "  - n: 3\n    month: [1]\n") },
			want: ":LINE: tasks[2].month: a list is not a whole number",
		},
		{
			name: "unknown field",
			edit: func(s string) string { return replaceOnce(s, "  - n: 3\n    month: 1\n", "  - n: 3\n    monthh: 1\n") },
			want: ":LINE: tasks[2].monthh: unknown field (did you mean month?)",
		},
		{
			name: "unknown size class",
			edit: func(s string) string {
				return replaceOnce(s, "      sizes: [\"小微\"]\n", "      sizes: [\"微型\"]\n")
			},
			want: ":LINE: tasks[43].enterprises.sizes[0]: task 44: unknown size class \"微型\"",
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			edited := tc.edit(src)
			if edited == src {
				t.Fatal("edit did not apply")
			}
			path := filepath.Join(t.TempDir(), "plan.yaml")
			if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := plan.Load(path)
			if err == nil {
				t.Fatal("plan accepted")
			}
			tasksLine := strings.Count(src[:strings.Index(src, "\ntasks:\n")+1], "\n") + 1
			want := strings.Replace(tc.want, "TASKSLINE", itoa(tasksLine), 1)
			want = strings.Replace(want, "LINE", itoa(changedLine(src, edited)), 1)
			if !strings.Contains(err.Error(), path+want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s%s", err, path, want)
			}
		})
	}
}

func replaceOnce(s, old, new string) string { return strings.Replace(s, old, new, 1) }

// changedLine is the first line where a and b differ, 1-based.
func changedLine(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range al {
		if i >= len(bl) || al[i] != bl[i] {
			return i + 1
		}
	}
	return len(al)
}

// TestLoadErrorsHaveOneShape: every error of Load is FILE[:LINE][: FIELD]:
// message, the file named once, whether the file cannot be read, does not
// decode or does not validate.
func TestLoadErrorsHaveOneShape(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such-plan.yaml")
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("id: x\nyear: [2024]\ntaks: []\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{missing, missing + ": cannot read the plan: no such file or directory"},
		{bad, bad + ":2: year: a list is not a whole number\n" + bad + ":3: taks: unknown field (did you mean tasks?)"},
	} {
		_, err := plan.Load(tc.path)
		if err == nil || err.Error() != tc.want {
			t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
		}
	}
}
