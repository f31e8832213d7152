package schedule_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// fivePosts is the demo's state: five tourism demo posts recorded on 20
// May, which meet task 51 (ceil(20% × 25) = 5) for 行业管理科.
func fivePosts() *remindd.State {
	s := &remindd.State{}
	for i := range 5 {
		s.Achievements = append(s.Achievements, remindd.Achievement{Sector: "tourism", Metric: "demo_post",
			Name: fmt.Sprintf("示范岗位%d", i+1), Date: plan.Date{Year: 2024, Month: time.May, Day: 20}})
	}
	return s
}

var heritage = remindd.Recipient{Kind: remindd.KindSection, ID: "cultural-heritage"}

// mentions reports whether n names task for who: in its tasks, or, for
// the digest, in who's overdue list.
func mentions(n remindd.Notification, who remindd.Recipient, task int) bool {
	if n.Digest != nil {
		for _, s := range n.Digest.Sections {
			if s.ID == who.ID && slices.Contains(s.Overdue, task) {
				return true
			}
		}
		return false
	}
	return n.Recipient == who && slices.Contains(n.Tasks, task) &&
		n.Rule != remindd.Milestone // a milestone warning is about the target, and only while it lags
}

// TestDerivedTasksEveryDayOfTheYear is the acceptance: with 5
// tourism demo posts recorded, no message or status after 31 May lists
// task 51 as overdue for 行业管理科, and 文化遗产科 never owes task 50.
func TestDerivedTasksEveryDayOfTheYear(t *testing.T) {
	e := engine(t, false)
	s := fivePosts()
	all := []remindd.Rule{remindd.Agenda, remindd.Lead, remindd.Overdue, remindd.Milestone, remindd.Digest, remindd.Returns}
	for d := (plan.Date{Year: 2024, Month: time.January, Day: 1}); d.Year == 2024; d = d.AddDays(1) {
		at := time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, shanghai)
		ns, err := e.Evaluate(s, at, all...)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if !d.Before(plan.Date{Year: 2024, Month: time.May, Day: 20}) && mentions(n, industry, 51) {
				t.Errorf("%s: %s lists task 51 for 行业管理科, met by 5 demo posts", d, n.Key)
			}
			if mentions(n, heritage, 50) {
				t.Errorf("%s: %s lists task 50 for 文化遗产科, whose sector certifies none", d, n.Key)
			}
		}
		st := e.Status(s, at)
		for _, ss := range st.Sections {
			if ss.ID == heritage.ID && slices.ContainsFunc([][]int{ss.Done, ss.Reported, ss.Overdue, ss.Upcoming},
				func(l []int) bool { return slices.Contains(l, 50) }) {
				t.Errorf("%s: status lists task 50 for 文化遗产科", d)
			}
			if ss.ID == industry.ID && slices.Contains(ss.Overdue, 51) {
				t.Errorf("%s: status lists task 51 overdue for 行业管理科", d)
			}
		}
		for _, o := range e.Obligations(s, at, heritage) {
			if o.Task.N == 50 {
				t.Fatalf("%s: 文化遗产科 owes task 50", d)
			}
		}
		for _, o := range e.Obligations(s, at, industry) {
			if o.Task.N == 51 && o.Overdue() {
				t.Fatalf("%s: task 51 overdue for 行业管理科 with its target met", d)
			}
		}
	}
}

// TestDerivedTaskDoneOnlyWhenMet: on 3 June task 51 is done for 行业管理科
// with the five posts, and overdue without them, or with four; it stays
// open for the culture sections, whose posts are not tourism's.
func TestDerivedTaskDoneOnlyWhenMet(t *testing.T) {
	e := engine(t, false)
	at := at9(time.June, 3)
	four := fivePosts()
	four.Achievements = four.Achievements[:4]
	later := fivePosts()
	for i := range later.Achievements {
		later.Achievements[i].Date = plan.Date{Year: 2024, Month: time.June, Day: 4} // after the instant
	}
	for _, tc := range []struct {
		name string
		s    *remindd.State
		who  remindd.Recipient
		done bool
	}{
		{"five posts", fivePosts(), industry, true},
		{"no posts", &remindd.State{}, industry, false},
		{"four posts", four, industry, false},
		{"five posts recorded after the instant", later, industry, false},
		{"tourism's posts are not culture's", fivePosts(), remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := e.Status(tc.s, at)
			var ss *struct{ done, overdue bool }
			for _, sec := range st.Sections {
				if sec.ID == tc.who.ID {
					ss = &struct{ done, overdue bool }{slices.Contains(sec.Done, 51), slices.Contains(sec.Overdue, 51)}
				}
			}
			if ss == nil {
				t.Fatalf("status has no section %s", tc.who.ID)
			}
			if ss.done != tc.done || ss.overdue == tc.done {
				t.Errorf("status: task 51 done %v overdue %v, want done %v", ss.done, ss.overdue, tc.done)
			}
			i := slices.IndexFunc(e.Obligations(tc.s, at, tc.who), func(o schedule.Obligation) bool { return o.Task.N == 51 })
			if i < 0 {
				t.Fatal("obligations lack task 51")
			}
			if got := e.Obligations(tc.s, at, tc.who)[i]; got.Done != tc.done {
				t.Errorf("obligation 51 done %v, want %v", got.Done, tc.done)
			}
			ns, err := e.Evaluate(tc.s, at, remindd.Digest)
			if err != nil {
				t.Fatal(err)
			}
			if len(ns) == 0 {
				t.Fatal("no digest on 3 June")
			}
			if got := mentions(ns[0], tc.who, 51); got == tc.done {
				t.Errorf("digest lists task 51 overdue for %s: %v, want %v", tc.who.ID, got, !tc.done)
			}
		})
	}
}
