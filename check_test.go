package remindd_test

import (
	"strings"
	"testing"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

func shippedPlan(t *testing.T) *plan.Plan {
	t.Helper()
	p, err := plan.Load("plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAchievementCheck: what the shipped plan refuses in an achievement,
// the first problem only, with fields named by the caller.
func TestAchievementCheck(t *testing.T) {
	p := shippedPlan(t)
	post := remindd.Achievement{Sector: "tourism", Metric: "demo_post", Name: "某酒店党员模范岗", PostKind: "党员模范岗", Size: "规上"}
	with := func(change func(a *remindd.Achievement)) remindd.Achievement {
		a := post
		change(&a)
		return a
	}
	for _, c := range []struct {
		name string
		a    remindd.Achievement
		want string // "" when accepted
	}{
		{"a demo post of a known kind", post, ""},
		{"a benchmark enterprise with its credit code", remindd.Achievement{Sector: "culture", Metric: "benchmark", Name: "榕溪景区", Enterprise: "91350582MA46NJB583"}, ""},
		{"a name of 255 four-byte characters", with(func(a *remindd.Achievement) { a.Name = strings.Repeat("😀", 255) }), ""},
		{"unknown sector", with(func(a *remindd.Achievement) { a.Sector = "hotels" }), `-sector "hotels": unknown sector`},
		{"unknown metric", with(func(a *remindd.Achievement) { a.Metric = "champion" }), `-metric "champion": want benchmark, certified or demo_post`},
		{"unknown sector before unknown metric", with(func(a *remindd.Achievement) { a.Sector, a.Metric = "", "" }), `-sector "": unknown sector`},
		{"no name", with(func(a *remindd.Achievement) { a.Name = "" }), "-name is required"},
		{"a blank name", with(func(a *remindd.Achievement) { a.Name = " \u3000 " }), "-name is required"},
		{"a name of 256 characters", with(func(a *remindd.Achievement) { a.Name = strings.Repeat("岗", 256) }), "-name is 256 characters long, at most 255"},
		{"a name with a bidi override", with(func(a *remindd.Achievement) { a.Name = "岗\u202e位" }),
			"-name: character 2 is U+202E (RIGHT-TO-LEFT OVERRIDE), a control character; remove it"},
		{"a credit code of 19 characters", with(func(a *remindd.Achievement) { a.Enterprise = "91350582MA46NJB5830" }), "-enterprise is 19 characters long, at most 18"},
		{"unknown size class", with(func(a *remindd.Achievement) { a.Size = "大型" }), `-size "大型": want one of 规上, 中等, 小微`},
		{"a kind on a benchmark", with(func(a *remindd.Achievement) { a.Metric = "benchmark" }), `-kind "党员模范岗" is a demo post's kind: it needs -metric demo_post`},
		{"unknown kind", with(func(a *remindd.Achievement) { a.PostKind = "先进岗" }), `-kind "先进岗": a demo post kind, one of 党员模范岗, 青年突击手, 工人先锋岗, 巾帼示范岗`},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ""
			if err := c.a.Check(p, func(f string) string { return "-" + f }); err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("Check = %q, want %q", got, c.want)
			}
		})
	}
	bad := with(func(a *remindd.Achievement) { a.Metric = "benchmark" })
	if err := bad.Check(p, nil); err == nil || err.Error() != `kind "党员模范岗" is a demo post's kind: it needs metric demo_post` {
		t.Errorf("Check without a namer = %v, want the fields by their own names", err)
	}
}

// TestCompletionCheck: what no store holds in a completion's text.
func TestCompletionCheck(t *testing.T) {
	section := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	firm := remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582MA46NJB583"}
	for _, c := range []struct {
		name string
		c    remindd.Completion
		want string
	}{
		{"a section's with a note of lines", remindd.Completion{Task: 44, Assignee: section, By: "张三", Note: "第一行\n第二行"}, ""},
		{"a note of 2,000 characters", remindd.Completion{Assignee: section, Note: strings.Repeat("注😀", 1000)}, ""},
		{"a note of 2,001 characters", remindd.Completion{Assignee: section, Note: strings.Repeat("注", 2001)}, "--note is 2001 characters long, at most 2000"},
		{"a note with ESC", remindd.Completion{Assignee: section, Note: "a\x1b[2J"}, "--note: character 2 is U+001B (ESC), a control character; remove it"},
		{"a recorder of 256 characters", remindd.Completion{Assignee: section, By: strings.Repeat("张", 256)}, "--by is 256 characters long, at most 255"},
		{"a recorder on two lines", remindd.Completion{Assignee: section, By: "张\n三"}, "--by: character 2 is U+000A (LINE FEED), a control character; remove it"},
		{"a recorder checked before the note", remindd.Completion{Assignee: section, By: "\x00", Note: "\x00"}, "--by: character 1 is U+0000 (NUL), a control character; remove it"},
		{"an enterprise's", remindd.Completion{Assignee: firm, By: "李四"}, ""},
		{"a credit code of 19 characters", remindd.Completion{Assignee: remindd.Recipient{Kind: remindd.KindEnterprise, ID: firm.ID + "0"}},
			"--enterprise is 19 characters long, at most 18"},
		{"a section's id is the plan's to check", remindd.Completion{Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: strings.Repeat("s", 30)}}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := ""
			if err := c.c.Check(func(f string) string { return "--" + f }); err != nil {
				got = err.Error()
			}
			if got != c.want {
				t.Errorf("Check = %q, want %q", got, c.want)
			}
		})
	}
}
