package schedule_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/schedule"
)

// obligation is a compact view of an Obligation for comparison.
type obligation struct {
	Task   int
	Left   int
	Done   bool
	Colour schedule.Colour
}

func obligationsOf(os []schedule.Obligation) []obligation {
	out := make([]obligation, len(os))
	for i, o := range os {
		out[i] = obligation{o.Task.N, o.Left, o.Done, o.Colour}
	}
	return out
}

func TestColourOf(t *testing.T) {
	e := engine(t, false) // lead days 7, 3, 1, 0
	for _, tc := range []struct {
		left int
		want schedule.Colour
	}{
		{8, schedule.None},
		{7, schedule.Blue},
		{0, schedule.Blue},
		{-1, schedule.Yellow},
		{-20, schedule.Yellow},
		{-21, schedule.Red},
		{-200, schedule.Red},
	} {
		if got := e.ColourOf(tc.left); got != tc.want {
			t.Errorf("ColourOf(%d) = %q, want %q", tc.left, got, tc.want)
		}
	}
}

// TestObligationsOfSection: on 2024-05-24 industry-mgmt owes every task of
// the default owners; April's are 24 days late (red), May's 7 days off
// (blue), June's beyond the lead window; a done task has no colour.
func TestObligationsOfSection(t *testing.T) {
	e := engine(t, false)
	who := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	var st remindd.State
	st.Done.Add(44, who)
	got := obligationsOf(e.Obligations(&st, at9(time.May, 24), who))
	byTask := map[int]obligation{}
	for i, o := range got {
		byTask[o.Task] = o
		if i > 0 && (got[i-1].Left > o.Left || got[i-1].Left == o.Left && got[i-1].Task > o.Task) {
			t.Errorf("obligation %d (left %d) after %d (left %d): want by deadline, then task", o.Task, o.Left, got[i-1].Task, got[i-1].Left)
		}
	}
	for _, want := range []obligation{
		{1, -114, false, schedule.Red},
		{40, -24, false, schedule.Red},
		{44, 7, true, schedule.None},
		{45, 7, false, schedule.Blue},
		{55, 37, false, schedule.None},
	} {
		if diff := cmp.Diff(want, byTask[want.Task]); diff != "" {
			t.Errorf("task %d (-want +got):\n%s", want.Task, diff)
		}
	}
	if got[0].Task != 1 {
		t.Errorf("first obligation is task %d, want 1 (the oldest overdue)", got[0].Task)
	}
	// On 2024-05-10 April's tasks are 10 days late: yellow.
	for _, o := range e.Obligations(&st, at9(time.May, 10), who) {
		if o.Task.N == 40 && o.Colour != schedule.Yellow {
			t.Errorf("2024-05-10 task 40: colour %q, want yellow", o.Colour)
		}
	}
}

// TestObligationsOfEnterprise: a small enterprise owes task 44 (addressed
// to 小微); an inactive or unknown one owes nothing.
func TestObligationsOfEnterprise(t *testing.T) {
	e := engine(t, false)
	small := remindd.Enterprise{ID: "91350582MA00000001", Name: "小店", Sector: "tourism", Size: "小微", Active: true}
	closed := remindd.Enterprise{ID: "91350582MA00000002", Name: "关停", Sector: "tourism", Size: "小微"}
	st := remindd.State{Enterprises: []remindd.Enterprise{small, closed}}
	var tasks []int
	for _, o := range e.Obligations(&st, at9(time.May, 24), remindd.Recipient{Kind: remindd.KindEnterprise, ID: small.ID}) {
		tasks = append(tasks, o.Task.N)
	}
	found := false
	for _, n := range tasks {
		found = found || n == 44
		if tk, _ := e.Plan.Task(n); !e.Plan.EnterpriseOwes(tk, "小微", nil, nil) {
			t.Errorf("a small enterprise is given task %d, which it does not owe", n)
		}
	}
	if !found {
		t.Errorf("a small enterprise's obligations %v lack task 44", tasks)
	}
	for _, id := range []string{closed.ID, "91350582MA00000003"} {
		if got := e.Obligations(&st, at9(time.May, 24), remindd.Recipient{Kind: remindd.KindEnterprise, ID: id}); len(got) != 0 {
			t.Errorf("enterprise %s (inactive or unknown) owes %d tasks, want none", id, len(got))
		}
	}
}

// TestBehind lists a section's enterprises with overdue obligations, and
// only those of its sectors.
func TestBehind(t *testing.T) {
	e := engine(t, false)
	late := remindd.Enterprise{ID: "91350582MA00000001", Name: "迟到旅行社", Sector: "tourism", Size: "小微", Active: true}
	other := remindd.Enterprise{ID: "91350582MA00000002", Name: "别的行业", Sector: "culture", Size: "小微", Active: true}
	var st remindd.State
	st.Enterprises = []remindd.Enterprise{late, other}
	// On 2024-06-03 May's task 44 is overdue for both small enterprises.
	got := e.Behind(&st, at9(time.June, 3), "industry-mgmt")
	if len(got) != 1 || got[0].ID != late.ID || got[0].Name != late.Name {
		t.Fatalf("behind: %+v, want only %s", got, late.ID)
	}
	has44 := false
	for _, n := range got[0].Overdue {
		has44 = has44 || n == 44
	}
	if !has44 {
		t.Errorf("behind on %v, want task 44 among them", got[0].Overdue)
	}
	st.Done.Add(44, remindd.Recipient{Kind: remindd.KindEnterprise, ID: late.ID})
	for _, b := range e.Behind(&st, at9(time.June, 3), "industry-mgmt") {
		for _, n := range b.Overdue {
			if n == 44 {
				t.Errorf("task 44 done, still listed behind: %v", b.Overdue)
			}
		}
	}
}

// TestBehindBySection gives each section what Behind gives it.
func TestBehindBySection(t *testing.T) {
	e := engine(t, false)
	var st remindd.State
	st.Enterprises = []remindd.Enterprise{
		{ID: "91350582MA00000001", Name: "旅行社", Sector: "tourism", Size: "小微", Active: true},
		{ID: "91350582MA00000002", Name: "剧院", Sector: "culture", Size: "中等", Active: true},
		{ID: "91350582MA00000003", Name: "博物馆", Sector: "heritage-museums", Size: "规上", Active: true},
		{ID: "91350582MA00000004", Name: "关停", Sector: "culture", Size: "中等"},
	}
	at := at9(time.June, 3)
	all := e.BehindBySection(&st, at)
	for _, sec := range e.Plan.Sections {
		if diff := cmp.Diff(e.Behind(&st, at, sec.ID), all[sec.ID]); diff != "" {
			t.Errorf("%s (-Behind +BehindBySection):\n%s", sec.ID, diff)
		}
	}
	if n := len(all["market-mgmt"]); n != 1 {
		t.Errorf("market-mgmt (culture) has %d enterprises behind, want 1 (the active theatre)", n)
	}
}

// TestBehindByRole: tasks 40, 80 and 98 (督促、指导相关企业进一步整改提升)
// are owed only by enterprises holding the role 标杆培育对象, however like
// them another enterprise is in size and trades.
func TestBehindByRole(t *testing.T) {
	e := engine(t, false)
	candidate := remindd.Enterprise{ID: "91350582MA00000001", Name: "标杆旅行社", Sector: "tourism", Size: "小微",
		Trades: []string{"消防重点单位"}, Roles: []string{"标杆培育对象"}, Active: true}
	plain := remindd.Enterprise{ID: "91350582MA00000002", Name: "普通旅行社", Sector: "tourism", Size: "小微",
		Trades: []string{"消防重点单位"}, Roles: []string{"达标培育对象"}, Active: true}
	st := remindd.State{Enterprises: []remindd.Enterprise{candidate, plain}}
	overdue := map[string][]int{}
	for _, b := range e.Behind(&st, at9(time.October, 8), "industry-mgmt") {
		for _, n := range b.Overdue {
			if n == 40 || n == 80 || n == 98 {
				overdue[b.ID] = append(overdue[b.ID], n)
			}
		}
	}
	if diff := cmp.Diff(map[string][]int{candidate.ID: {40, 80, 98}}, overdue); diff != "" {
		t.Errorf("2024-10-08 overdue role tasks by enterprise (-want +got):\n%s", diff)
	}
}
