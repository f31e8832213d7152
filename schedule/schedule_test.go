package schedule_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// engine loads the shipped plan under the example config.
func engine(t testing.TB, workingDays bool) *schedule.Engine {
	t.Helper()
	c, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c.WorkingDays = workingDays
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		t.Fatal(err)
	}
	return schedule.New(p, c)
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at9 is 09:00 in Shanghai on the given day of 2024.
func at9(month time.Month, day int) time.Time {
	return time.Date(2024, month, day, 9, 0, 0, 0, shanghai)
}

func seq(from, to int) []int {
	var out []int
	for n := from; n <= to; n++ {
		out = append(out, n)
	}
	return out
}

var sections = []string{"cultural-heritage", "industry-mgmt", "market-mgmt", "public-culture-arts"}

// got is a compact view of a notification for comparison.
type got struct {
	Key   string
	Tasks []int
}

// keyOf is a notification's key without its last part, the digest of its
// address, which the example config's contacts all have; a key whose last
// part is not its address's digest is returned whole, to show in a diff.
func keyOf(n remindd.Notification) string {
	if k, ok := strings.CutSuffix(n.Key, ":"+schedule.AddressDigest(n.Address)); ok && n.Address != "" {
		return k
	}
	return n.Key
}

func compact(ns []remindd.Notification) []got {
	out := make([]got, 0, len(ns))
	for _, n := range ns {
		out = append(out, got{keyOf(n), n.Tasks})
	}
	return out
}

// perSection builds the expected notification for every section.
func perSection(rule, what string, tasks func(section string) []int) []got {
	var out []got
	for _, s := range sections {
		ts := tasks(s)
		if ts == nil {
			continue
		}
		out = append(out, got{fmt.Sprintf("%s:section:%s:%s:outbox", rule, s, what), ts})
	}
	return out
}

func same(ts []int) func(string) []int { return func(string) []int { return ts } }

// heritageNeedsNone are the certified milestones' tasks: 文化遗产科's sector
// certifies 0 enterprises in the year, so it does not owe them.
var heritageNeedsNone = []int{50, 75, 85, 96, 106}

// owedBy is ts without the tasks section does not owe for want of a target.
func owedBy(section string, ts []int) []int {
	if section != "cultural-heritage" {
		return ts
	}
	var out []int
	for _, n := range ts {
		if !slices.Contains(heritageNeedsNone, n) {
			out = append(out, n)
		}
	}
	return out
}

// owed is same, less what each section does not owe (owedBy).
func owed(ts []int) func(string) []int {
	return func(sec string) []int { return owedBy(sec, ts) }
}

// mayMilestones are the May milestone tasks each section's sectors lag on
// with nothing achieved: heritage's certified target is 0, so 50 is met.
func mayMilestones(s string) []int {
	if s == "cultural-heritage" {
		return []int{49, 51}
	}
	return []int{49, 50, 51}
}

func TestSweepAroundTheMayDeadline(t *testing.T) {
	e := engine(t, false)
	empty := &remindd.State{}
	cases := []struct {
		name string
		at   time.Time
		want []got
	}{
		{
			name: "2024-05-24 seven days before the May deadline",
			at:   at9(time.May, 24),
			want: concat(
				perSection("lead", "2024-05-31/d7", owed(seq(44, 54))),
				// Oldest overdue deadline 31 Jan; 16 weeks later is 22 May.
				perSection("overdue", "2024-05-22", same(seq(1, 43))),
				perSection("milestone", "2024-05-31/d7", mayMilestones),
			),
		},
		{
			name: "2024-05-26 still in the seven-day stage: same keys",
			at:   at9(time.May, 26),
			want: concat(
				perSection("lead", "2024-05-31/d7", owed(seq(44, 54))),
				perSection("overdue", "2024-05-22", same(seq(1, 43))),
				perSection("milestone", "2024-05-31/d7", mayMilestones),
			),
		},
		{
			name: "2024-05-28 three days before",
			at:   at9(time.May, 28),
			want: concat(
				perSection("lead", "2024-05-31/d3", owed(seq(44, 54))),
				perSection("overdue", "2024-05-22", same(seq(1, 43))),
				perSection("milestone", "2024-05-31/d3", mayMilestones),
			),
		},
		{
			name: "2024-05-31 the deadline day",
			at:   at9(time.May, 31),
			want: concat(
				perSection("lead", "2024-05-31/d0", owed(seq(44, 54))),
				perSection("overdue", "2024-05-29", same(seq(1, 43))),
				perSection("milestone", "2024-05-31/d0", mayMilestones),
			),
		},
		{
			name: "2024-06-01 nothing near, May now overdue",
			at:   at9(time.June, 1),
			want: perSection("overdue", "2024-05-29", owed(seq(1, 54))),
		},
		{
			name: "2024-06-07 weekly repeat counted from the oldest overdue deadline",
			at:   at9(time.June, 7),
			want: perSection("overdue", "2024-06-05", owed(seq(1, 54))),
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ns, err := e.Evaluate(empty, tc.at, remindd.Lead, remindd.Overdue, remindd.Milestone)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, compact(ns)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func concat(lists ...[]got) []got {
	var out []got
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

// doneThrough marks every section's tasks 1..last done before the year.
func doneThrough(e *schedule.Engine, last int) *remindd.State {
	s := &remindd.State{}
	for n := 1; n <= last; n++ {
		for _, sec := range sections {
			s.Done.Add(n, remindd.Recipient{Kind: remindd.KindSection, ID: sec})
		}
	}
	return s
}

func TestOverdueRepeatsEverySevenDaysAfterTheDeadline(t *testing.T) {
	e := engine(t, false)
	s := doneThrough(e, 43) // only May's tasks left open
	for _, tc := range []struct {
		day  int
		want []got
	}{
		{1, nil},
		{6, nil},
		{7, perSection("overdue", "2024-06-07", owed(seq(44, 54)))},
		{13, perSection("overdue", "2024-06-07", owed(seq(44, 54)))},
		{14, perSection("overdue", "2024-06-14", owed(seq(44, 54)))},
	} {
		t.Run(fmt.Sprintf("2024-06-%02d", tc.day), func(t *testing.T) {
			ns, err := e.Evaluate(s, at9(time.June, tc.day), remindd.Overdue)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, compact(ns), cmpEmpty); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, n := range ns {
				if got := n.Items(e.Plan)[0].DaysLeft; got != -tc.day {
					t.Errorf("%s: days left %d, want %d", n.Key, got, -tc.day)
				}
			}
		})
	}
}

var cmpEmpty = cmp.Comparer(func(a, b []got) bool {
	if len(a) == 0 && len(b) == 0 {
		return true
	}
	return cmp.Equal(a, b)
})

func TestCompletionsSilenceOnlyTheirAssignee(t *testing.T) {
	e := engine(t, false)
	s := &remindd.State{}
	s.Done.Add(44, remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"})
	s.Done.Add(45, remindd.Recipient{Kind: remindd.KindEnterprise, ID: "industry-mgmt"}) // same id, other kind: not the section's
	ns, err := e.Evaluate(s, at9(time.May, 24), remindd.Lead)
	if err != nil {
		t.Fatal(err)
	}
	want := perSection("lead", "2024-05-31/d7", func(sec string) []int {
		if sec == "industry-mgmt" {
			return seq(45, 54)
		}
		return owedBy(sec, seq(44, 54))
	})
	if diff := cmp.Diff(want, compact(ns)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestMilestoneCountsAchievementsUpToTheInstant(t *testing.T) {
	e := engine(t, false)
	s := &remindd.State{}
	for i := 0; i < 5; i++ {
		s.Achievements = append(s.Achievements, remindd.Achievement{Sector: "tourism", Metric: "demo_post",
			Name: fmt.Sprintf("岗位%d", i), Date: plan.Date{Year: 2024, Month: 5, Day: 10}})
	}
	// One more after the instant does not count.
	s.Achievements = append(s.Achievements, remindd.Achievement{Sector: "culture", Metric: "demo_post",
		Name: "later", Date: plan.Date{Year: 2024, Month: 5, Day: 25}})
	ns, err := e.Evaluate(s, at9(time.May, 24), remindd.Milestone)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		Section, Sector, Metric string
		Required, Achieved      int
	}
	var rows []row
	for _, n := range ns {
		for _, p := range n.Milestones {
			rows = append(rows, row{n.Recipient.ID, p.Sector, p.Metric, p.Required, p.Achieved})
		}
	}
	want := []row{
		{"cultural-heritage", "heritage-museums", "benchmark", 1, 0},
		{"cultural-heritage", "heritage-museums", "demo_post", 1, 0},
		{"industry-mgmt", "tourism", "benchmark", 1, 0},
		{"industry-mgmt", "tourism", "certified", 1, 0},
		// tourism demo posts: ceil(20% × 25) = 5, met by the five: not listed.
		{"market-mgmt", "culture", "benchmark", 1, 0},
		{"market-mgmt", "culture", "certified", 3, 0},
		{"market-mgmt", "culture", "demo_post", 3, 0},
		{"public-culture-arts", "culture", "benchmark", 1, 0},
		{"public-culture-arts", "culture", "certified", 3, 0},
		{"public-culture-arts", "culture", "demo_post", 3, 0},
	}
	if diff := cmp.Diff(want, rows); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestAgendaAndDigestInJune(t *testing.T) {
	e := engine(t, false)
	empty := &remindd.State{}
	ns, err := e.Evaluate(empty, at9(time.June, 1), remindd.Agenda)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(perSection("agenda", "2024-06", owed(seq(1, 71))), compact(ns)); diff != "" {
		t.Errorf("agenda (-want +got):\n%s", diff)
	}

	ns, err = e.Evaluate(empty, at9(time.June, 2), remindd.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]got{{"digest:office:office:2024-06:outbox", seq(1, 54)}}, compact(ns)); diff != "" {
		t.Fatalf("digest (-want +got):\n%s", diff)
	}
	d := ns[0].Digest
	if d.Month != "2024-05" {
		t.Errorf("digest reports on %s, want 2024-05", d.Month)
	}
	for _, s := range d.Sections {
		if !cmp.Equal(s.Overdue, owedBy(s.ID, seq(1, 54))) {
			t.Errorf("section %s overdue %v, want 1–54 (heritage without 50)", s.ID, s.Overdue)
		}
	}
	if len(d.Sections) != 4 {
		t.Errorf("digest lists %d sections, want the 4 of the bureau", len(d.Sections))
	}
	var lag []string
	for _, p := range d.Lagging {
		lag = append(lag, fmt.Sprintf("%d/%s", p.Task, p.Sector))
	}
	wantLag := []string{"49/tourism", "49/culture", "49/heritage-museums", "50/tourism", "50/culture",
		"51/tourism", "51/culture", "51/heritage-museums"}
	if diff := cmp.Diff(wantLag, lag); diff != "" {
		t.Errorf("lagging (-want +got):\n%s", diff)
	}
	var reports []string
	for _, r := range d.Reports {
		reports = append(reports, r.Name+" "+r.Due.String())
	}
	if diff := cmp.Diff([]string{"书面工作总结 2024-06-02", "工作进展情况月报表（附件4、附件5） 2024-06-03"}, reports); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
}

func TestEnterprisesGetTheirOwnObligations(t *testing.T) {
	e := engine(t, false)
	s := &remindd.State{Enterprises: []remindd.Enterprise{
		{ID: "A", Name: "小微旅行社", Sector: "tourism", Size: "小微", Email: "a@example.com", Active: true},
		{ID: "B", Name: "中等酒店", Sector: "tourism", Size: "中等", Email: "b@example.com", Active: true},
		{ID: "C", Name: "停业网吧", Sector: "culture", Size: "小微", Email: "c@example.com", Active: false},
		{ID: "D", Name: "无邮箱剧院", Sector: "culture", Size: "规上", Active: true},
	}}
	ns, err := e.Evaluate(s, at9(time.May, 24), remindd.Lead)
	if err != nil {
		t.Fatal(err)
	}
	var ent []got
	for _, n := range ns {
		if n.Recipient.Kind == remindd.KindEnterprise {
			ent = append(ent, got{keyOf(n), n.Tasks})
		}
	}
	// May's enterprise tasks: 44 is for 小微, 45 for 中等.
	want := []got{
		{"lead:enterprise:A:2024-05-31/d7:outbox", []int{44}},
		{"lead:enterprise:B:2024-05-31/d7:outbox", []int{45}},
	}
	if diff := cmp.Diff(want, ent); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}

	ns, err = e.Evaluate(s, at9(time.April, 1), remindd.Quarterly)
	if err != nil {
		t.Fatal(err)
	}
	want = []got{
		{"quarterly:enterprise:A:2024-Q2:outbox", []int{32, 33, 34, 35, 44, 55, 57, 58, 59, 60, 61, 70, 71}},
		{"quarterly:enterprise:B:2024-Q2:outbox", []int{32, 33, 34, 35, 36, 45, 56, 57, 58, 59, 60, 61, 70, 71}},
	}
	if diff := cmp.Diff(want, compact(ns)); diff != "" {
		t.Errorf("quarterly (-want +got):\n%s", diff)
	}
}

func TestEvaluateIsDeterministic(t *testing.T) {
	e := engine(t, false)
	s := doneThrough(e, 10)
	a, err := e.Evaluate(s, at9(time.June, 2), remindd.Agenda, remindd.Lead, remindd.Overdue, remindd.Milestone, remindd.Digest)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.Evaluate(s, at9(time.June, 2), remindd.Digest, remindd.Milestone, remindd.Overdue, remindd.Lead, remindd.Agenda)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("rule order changed the result (-a +b):\n%s", diff)
	}
	keys := map[string]bool{}
	for _, n := range a {
		if keys[n.Key] {
			t.Errorf("duplicate key %s", n.Key)
		}
		keys[n.Key] = true
	}
}

func TestNothingIsDueAfterThePlanEnds(t *testing.T) {
	e := engine(t, false)
	all := []remindd.Rule{remindd.Agenda, remindd.Lead, remindd.Overdue, remindd.Milestone, remindd.Digest, remindd.Quarterly}
	for _, tc := range []struct {
		at   time.Time
		want bool
	}{
		{time.Date(2025, 1, 2, 9, 0, 0, 0, shanghai), true}, // December's digest and overdue repeats
		{time.Date(2025, 1, 5, 9, 0, 0, 0, shanghai), true}, // the year-end report's deadline
		{time.Date(2025, 1, 6, 9, 0, 0, 0, shanghai), false},
		{time.Date(2026, 11, 29, 9, 0, 0, 0, shanghai), false},
	} {
		ns, err := e.Evaluate(&remindd.State{}, tc.at, all...)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(ns) > 0; got != tc.want {
			t.Errorf("%s: %d notifications, want some: %v", tc.at.Format("2006-01-02"), len(ns), tc.want)
		}
	}
}
