package plan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/plan"
)

// TestShippedPlanShortTitles: every task has a short title of at most 14
// characters, each of them (punctuation aside) taken from the task's own
// text, and an enterprise task's title says nothing of 督促 or 指导.
func TestShippedPlanShortTitles(t *testing.T) {
	p := loadShipped(t)
	for _, task := range p.Tasks {
		n := utf8.RuneCountInString(task.Short)
		if n == 0 || n > plan.ShortMax {
			t.Errorf("task %d: short %q has %d characters, want 1–%d", task.N, task.Short, n, plan.ShortMax)
		}
		for _, r := range task.Short {
			if !unicode.IsPunct(r) && !strings.ContainsRune(task.Text, r) {
				t.Errorf("task %d: short %q says %q, which its text does not: %s", task.N, task.Short, r, task.Text)
			}
		}
		if task.Enterprises != nil && (strings.Contains(task.Short, "督促") || strings.Contains(task.Short, "指导")) {
			t.Errorf("task %d: an enterprise reads short %q", task.N, task.Short)
		}
	}
	for n, want := range map[int]string{44: "小微企业管理达标", 1: "系统总结2023年工作情况", 133: "年度工作总结"} {
		if task, _ := p.Task(n); task.Short != want {
			t.Errorf("task %d short = %q, want %q", n, task.Short, want)
		}
	}
}

// TestShippedPlanActions: every task addressed to enterprises says what the
// enterprise itself must do, as a verbatim piece of its text without the
// bureau's instruction to its sections.
func TestShippedPlanActions(t *testing.T) {
	p := loadShipped(t)
	count := 0
	for _, task := range p.Tasks {
		a := task.Enterprises
		if a == nil {
			continue
		}
		count++
		switch {
		case a.Action == "":
			t.Errorf("task %d addresses enterprises without an action", task.N)
		case strings.Contains(a.Action, "督促") || strings.Contains(a.Action, "指导"):
			t.Errorf("task %d: action %q instructs the sections", task.N, a.Action)
		case !strings.Contains(task.Text, a.Action):
			t.Errorf("task %d: action %q is not a piece of its text %q", task.N, a.Action, task.Text)
		case strings.HasSuffix(a.Action, "。") || strings.HasPrefix(a.Action, "企业"):
			t.Errorf("task %d: action %q keeps the sentence's end or its audience", task.N, a.Action)
		}
	}
	// 50 tasks of 附件6 make enterprises act: the 49 whose text says 督促
	// (督促、指导…企业, 督促企业, 督促指导企业; 40, 80 and 98 by role) and 69
	// (training their heads). 42/48/64 (指导帮扶 of the candidates) and 116
	// ("回头看") are the sections' own work.
	if count != 50 {
		t.Errorf("%d tasks address enterprises, want 50", count)
	}
	for n, want := range map[int]string{
		44:  "完成管理达标",
		25:  "完成管理达标",
		37:  "完成现场达标及示范岗位创建",
		31:  "提出标准化建设主题，开辟安全宣传栏、板报、广播、微信公众号等宣传阵地",
		69:  "主要负责人安全教育培训",
		126: "开展落实全员安全生产责任制年度考核",
	} {
		if task, _ := p.Task(n); task.Enterprises == nil || task.Enterprises.Action != want {
			t.Errorf("task %d audience %+v, want action %q", n, task.Enterprises, want)
		}
	}
}

// TestShippedPlanRoles: tasks 40, 80 and 98 (督促、指导相关企业进一步整改提升)
// address the benchmark candidates by role, and only they are addressed
// by role.
func TestShippedPlanRoles(t *testing.T) {
	p := loadShipped(t)
	if diff := cmp.Diff([]string{"标杆培育对象", "达标培育对象"}, p.RoleNames()); diff != "" {
		t.Errorf("role names (-want +got):\n%s", diff)
	}
	for _, r := range p.Roles {
		if r.Text == "" {
			t.Errorf("role %s says nothing of who holds it", r.Name)
		}
	}
	byRole := map[int][]string{}
	for _, task := range p.Tasks {
		if task.Enterprises != nil && len(task.Enterprises.Roles) > 0 {
			byRole[task.N] = task.Enterprises.Roles
		}
	}
	want := map[int][]string{40: {"标杆培育对象"}, 80: {"标杆培育对象"}, 98: {"标杆培育对象"}}
	if diff := cmp.Diff(want, byRole); diff != "" {
		t.Errorf("tasks by role (-want +got):\n%s", diff)
	}
	for n := range want {
		task, _ := p.Task(n)
		if a := task.Enterprises; len(a.Sizes)+len(a.Trades) != 0 || a.Action != "进一步整改提升" {
			t.Errorf("task %d audience %+v, want every 标杆培育对象 told 进一步整改提升", n, a)
		}
	}
}

func TestAudienceMatches(t *testing.T) {
	benchmark := []string{"标杆培育对象"}
	for _, c := range []struct {
		name     string
		audience *plan.Audience
		size     string
		trades   []string
		roles    []string
		want     bool
	}{
		{name: "no audience: the sections' own work", audience: nil, size: "小微", roles: benchmark},
		{name: "empty audience: every enterprise", audience: &plan.Audience{}, want: true},
		{name: "empty audience: one holding a role too", audience: &plan.Audience{}, roles: benchmark, want: true},
		{name: "size: that size", audience: &plan.Audience{Sizes: []string{"小微"}}, size: "小微", want: true},
		{name: "size: another", audience: &plan.Audience{Sizes: []string{"小微"}}, size: "中等", roles: benchmark},
		{name: "size or trade: the trade", audience: &plan.Audience{Sizes: []string{"规上"}, Trades: []string{"有限空间"}}, size: "小微", trades: []string{"有限空间"}, want: true},
		{name: "role: holding it", audience: &plan.Audience{Roles: benchmark}, size: "规上", roles: []string{"达标培育对象", "标杆培育对象"}, want: true},
		{name: "role: holding another", audience: &plan.Audience{Roles: benchmark}, size: "规上", roles: []string{"达标培育对象"}},
		{name: "role: holding none", audience: &plan.Audience{Roles: benchmark}, size: "规上", trades: []string{"消防重点单位"}},
		{name: "either role: the second", audience: &plan.Audience{Roles: []string{"标杆培育对象", "达标培育对象"}}, roles: []string{"达标培育对象"}, want: true},
		{name: "role and size: both", audience: &plan.Audience{Roles: benchmark, Sizes: []string{"小微"}}, size: "小微", roles: benchmark, want: true},
		{name: "role and size: the role, another size", audience: &plan.Audience{Roles: benchmark, Sizes: []string{"小微"}}, size: "中等", roles: benchmark},
		{name: "role and size: the size, no role", audience: &plan.Audience{Roles: benchmark, Sizes: []string{"小微"}}, size: "小微"},
		{name: "role and trade: the trade", audience: &plan.Audience{Roles: benchmark, Trades: []string{"有限空间"}}, size: "中等", trades: []string{"有限空间"}, roles: benchmark, want: true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := c.audience.Matches(c.size, c.trades, c.roles); got != c.want {
				t.Errorf("Matches(%q, %v, %v) = %v, want %v", c.size, c.trades, c.roles, got, c.want)
			}
		})
	}
}

// TestInvalidWords: a plan without short titles or actions, with an action
// or an enterprise's title that instructs the sections, or with roles it
// does not declare, is refused, naming file, line and field. Each case edits
// the shipped plan; at is text on the line the problem must name.
func TestInvalidWords(t *testing.T) {
	base, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	src := string(base)
	for _, tc := range []struct {
		name, old, new, at, want string
	}{
		{
			name: "task without a short title",
			old:  "    short: \"传达市人大会议精神\"\n", new: "",
			at:   "  - n: 2\n    month: 1\n",
			want: "tasks[1].short: task 2 has no short title (at most 14 characters, for lists on a phone)",
		},
		{
			name: "short title too long",
			old:  "short: \"年度工作总结\"", new: "short: \"本辖区本系统标准化提升专项行动年度工作总结\"",
			at:   "short: \"本辖区",
			want: "tasks[132].short: task 133: short title \"本辖区本系统标准化提升专项行动年度工作总结\" has 21 characters, more than 14",
		},
		{
			name: "enterprise task's short title instructs the sections",
			old:  "short: \"小微企业管理达标\"", new: "short: \"督促小微企业管理达标\"",
			at:   "short: \"督促小微",
			want: "tasks[43].short: task 44: short title \"督促小微企业管理达标\" says 督促",
		},
		{
			name: "enterprise task without an action",
			old:  "    enterprises: {action: \"修订应急预案\"}", new: "    enterprises: {}",
			at:   "    enterprises: {}",
			want: "tasks[71].enterprises.action: task 72 addresses enterprises but has no action (what the enterprise itself must do)",
		},
		{
			name: "action instructs the sections",
			old:  "      action: \"完成管理达标\"  # the text less \"督促、指导小微企业\"", new: "      action: \"督促、指导小微企业完成管理达标\"",
			at:   "      action: \"督促、指导小微",
			want: "tasks[43].enterprises.action: task 44: action \"督促、指导小微企业完成管理达标\" says 督促",
		},
		{
			name: "action says 指导",
			old:  "{action: \"修订应急预案\"}", new: "{action: \"在指导下修订应急预案\"}",
			at:   "{action: \"在指导下",
			want: "tasks[71].enterprises.action: task 72: action \"在指导下修订应急预案\" says 指导",
		},
		{
			name: "unknown role",
			old:  "      roles: [\"标杆培育对象\"]\n      action: \"进一步整改提升\"  # the text less \"开展2024年上半年",
			new:  "      roles: [\"标杆企业\"]\n      action: \"进一步整改提升\"  # the text less \"开展2024年上半年",
			at:   "roles: [\"标杆企业\"]",
			want: "tasks[79].enterprises.roles[0]: task 80: unknown role \"标杆企业\" (the plan's roles: 标杆培育对象, 达标培育对象)",
		},
		{
			name: "duplicate role",
			old:  "  - name: \"达标培育对象\"", new: "  - name: \"标杆培育对象\"",
			at:   "  - name: \"标杆培育对象\"\n    text: \"列入“三项示范工程”培育计划名单（任务6、13）的达标",
			want: "roles[1].name: duplicate role \"标杆培育对象\"",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := strings.Replace(src, tc.old, tc.new, 1)
			if edited == src {
				t.Fatal("edit did not apply")
			}
			i := strings.Index(edited, tc.at)
			if i < 0 || strings.Count(edited, tc.at) != 1 {
				t.Fatalf("%q is not on one line of the edited plan", tc.at)
			}
			line := strings.Count(edited[:i], "\n") + 1
			path := filepath.Join(t.TempDir(), "plan.yaml")
			if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := plan.Load(path)
			want := path + ":" + itoa(line) + ": " + tc.want
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
			}
		})
	}
}
