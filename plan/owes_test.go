package plan_test

import "testing"

// TestWhoOwesATask: the shipped plan's owners and audiences, read the way
// the rules and `remindd done` read them.
func TestWhoOwesATask(t *testing.T) {
	p := loadShipped(t)
	for _, c := range []struct {
		name    string
		task    int
		section string // a section, or else an enterprise of size and trades
		size    string
		trades  []string
		roles   []string
		want    bool
	}{
		{name: "task 1 default owner", task: 1, section: "industry-mgmt", want: true},
		{name: "task 1 last default owner", task: 1, section: "cultural-heritage", want: true},
		{name: "task 44 outside section not a default owner", task: 44, section: "county-bureaus"},
		{name: "task 45 outside section named by the task", task: 45, section: "county-bureaus", want: true},
		{name: "task 45 a default owner the task names too", task: 45, section: "market-mgmt", want: true},
		{name: "task 44 office owns nothing", task: 44, section: "office"},
		{name: "task 44 unknown section", task: 44, section: "hotels"},
		{name: "task 1 sections' own work, no enterprise", task: 1, size: "规上"},
		{name: "task 26 every enterprise", task: 26, size: "小微", want: true},
		{name: "task 26 even without a size class", task: 26, want: true},
		{name: "task 44 小微 only: a 小微", task: 44, size: "小微", want: true},
		{name: "task 44 小微 only: a 中等", task: 44, size: "中等"},
		{name: "task 44 小微 only: a 规上 fire-safety unit", task: 44, size: "规上", trades: []string{"消防重点单位"}},
		{name: "task 25 规上 or risky trades: a 规上", task: 25, size: "规上", want: true},
		{name: "task 25 规上 or risky trades: a 小微 confined space", task: 25, size: "小微", trades: []string{"旅行社", "有限空间"}, want: true},
		{name: "task 25 规上 or risky trades: a plain 小微", task: 25, size: "小微", trades: []string{"旅行社"}},
		{name: "task 44 a role does not widen a size audience", task: 44, size: "中等", roles: []string{"标杆培育对象"}},
		{name: "task 40 标杆培育对象 only: one holding it", task: 40, size: "规上", roles: []string{"达标培育对象", "标杆培育对象"}, want: true},
		{name: "task 40 标杆培育对象 only: a 达标培育对象", task: 40, size: "规上", roles: []string{"达标培育对象"}},
		{name: "task 80 标杆培育对象 only: no role", task: 80, size: "小微", trades: []string{"消防重点单位"}},
		{name: "task 98 标杆培育对象 only: a 小微 holding it", task: 98, size: "小微", roles: []string{"标杆培育对象"}, want: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			task, ok := p.Task(c.task)
			if !ok {
				t.Fatalf("no task %d", c.task)
			}
			var got bool
			if c.section != "" {
				got = p.SectionOwes(task, c.section)
			} else {
				got = p.EnterpriseOwes(task, c.size, c.trades, c.roles)
			}
			if got != c.want {
				t.Errorf("owes = %v, want %v", got, c.want)
			}
		})
	}
}
