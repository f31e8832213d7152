package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/schedule"
)

const haiyun = "91350582MA46NJB583" // 中等 travel agency; owes task 45

var (
	industry = remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	agency   = remindd.Recipient{Kind: remindd.KindEnterprise, ID: haiyun}
)

// returnsState is what the store gives once the office has sent back
// industry-mgmt's report of task 44 and the agency's of task 45 on 2 June.
func returnsState() *remindd.State {
	return &remindd.State{
		Enterprises: []remindd.Enterprise{{ID: haiyun, Name: "晋江市海韵国际旅行社有限公司", Sector: "tourism", Size: "中等",
			Email: "safety@haiyun-travel.example.com", Active: true}},
		Returns: []remindd.Return{
			{Event: 7, Task: 44, To: industry, By: "林主任", Reason: "未附验收台账", At: time.Date(2024, 6, 2, 15, 30, 0, 0, shanghai)},
			{Event: 9, Task: 45, To: agency, By: "林主任", Reason: "材料不全", At: time.Date(2024, 6, 2, 16, 0, 0, 0, shanghai)},
		},
	}
}

// TestReturnedTellsEachRecipientOnce: the morning after the office sends a
// report back, its recipient gets one message per return on each of its
// channels, keyed by the return's event, carrying the return and its task.
func TestReturnedTellsEachRecipientOnce(t *testing.T) {
	e := engine(t, false)
	s := returnsState()
	ns, err := e.Evaluate(s, at9(time.June, 3), remindd.Returns)
	if err != nil {
		t.Fatal(err)
	}
	want := []got{
		{"returned:enterprise:" + haiyun + ":9:outbox", []int{45}},
		{"returned:section:industry-mgmt:7:outbox", []int{44}},
	}
	if diff := cmp.Diff(want, compact(ns)); diff != "" {
		t.Fatalf("notifications (-want +got):\n%s", diff)
	}
	for i, n := range ns {
		ret := s.Returns[1-i]
		if n.Rule != remindd.Returns || n.Recipient != ret.To || len(n.Returned) != 1 || n.Returned[0] != ret {
			t.Errorf("%s: rule %s, recipient %v, returned %+v; want the return %+v", n.Key, n.Rule, n.Recipient, n.Returned, ret)
		}
		if n.Key != schedule.Key(remindd.Returns, ret.To, map[int]string{7: "7", 9: "9"}[int(ret.Event)], n.Channel, n.Address) {
			t.Errorf("key %s is not schedule.Key's", n.Key)
		}
	}
	if ns[0].Name != "晋江市海韵国际旅行社有限公司" || ns[1].Name != "行业管理科" {
		t.Errorf("names %q, %q", ns[0].Name, ns[1].Name)
	}
	items := ns[1].Items(e.Plan)
	if len(items) != 1 || items[0].Task != 44 || items[0].DaysLeft != -3 {
		t.Errorf("items %+v, want task 44, 3 days late", items)
	}
}

func TestReturnedIsLeftOut(t *testing.T) {
	e := engine(t, false)
	for _, tc := range []struct {
		name string
		edit func(s *remindd.State)
		at   time.Time
		want []string
	}{
		{"reported again: its obligation is no longer open", func(s *remindd.State) { s.Done.Add(44, industry) }, at9(time.June, 3),
			[]string{"returned:enterprise:" + haiyun + ":9:outbox"}},
		{"returned after the instant", nil, time.Date(2024, 6, 2, 15, 45, 0, 0, shanghai),
			[]string{"returned:section:industry-mgmt:7:outbox"}},
		{"an enterprise no longer active", func(s *remindd.State) { s.Enterprises[0].Active = false }, at9(time.June, 3),
			[]string{"returned:section:industry-mgmt:7:outbox"}},
		{"an enterprise not in the list", func(s *remindd.State) { s.Enterprises = nil }, at9(time.June, 3),
			[]string{"returned:section:industry-mgmt:7:outbox"}},
		{"a section without contacts", func(s *remindd.State) {
			s.Returns[0].To = remindd.Recipient{Kind: remindd.KindSection, ID: "county-bureaus"}
		}, at9(time.June, 3), []string{"returned:enterprise:" + haiyun + ":9:outbox"}},
		{"a task the plan does not have", func(s *remindd.State) { s.Returns[1].Task = 999 }, at9(time.June, 3),
			[]string{"returned:section:industry-mgmt:7:outbox"}},
		{"after the plan's last day", nil, at9(time.January, 1).AddDate(1, 0, 10), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := returnsState()
			if tc.edit != nil {
				tc.edit(s)
			}
			ns, err := e.Evaluate(s, tc.at, remindd.Returns)
			if err != nil {
				t.Fatal(err)
			}
			var keys []string
			for _, n := range ns {
				keys = append(keys, keyOf(n))
			}
			if diff := cmp.Diff(tc.want, keys); diff != "" {
				t.Errorf("keys (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTheSweepTellsReturns: returns are told by the daily sweep, in the
// recipient's morning message beside its reminders, each a part keyed by
// the event; a later sweep decides the same part keys again (the outbox
// keeps them sent once).
func TestTheSweepTellsReturns(t *testing.T) {
	e := engine(t, false)
	s := returnsState()
	var keys []string
	for _, day := range []int{3, 4} {
		ns, _, err := e.Due(s, at9(time.June, day), nil)
		if err != nil {
			t.Fatal(err)
		}
		var these []string
		for _, n := range ns {
			if n.Rule == remindd.Returns {
				t.Errorf("%s: a returned notice sent on its own, not in the morning message", n.Key)
			}
			for _, p := range n.Parts {
				if p.Rule == remindd.Returns {
					if n.Rule != remindd.Daily {
						t.Errorf("%s: returned part in a %s message", n.Key, n.Rule)
					}
					these = append(these, p.Key)
				}
			}
		}
		if keys != nil && !cmp.Equal(keys, these) {
			t.Errorf("4 June decides %v, 3 June %v", these, keys)
		}
		keys = these
	}
	if len(keys) != 2 || !strings.HasPrefix(keys[0], "returned:enterprise:") {
		t.Errorf("the sweep decides %v", keys)
	}
}
