package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const exampleConfig = "../../examples/config.yaml"

// cli runs the command line in-process and returns its exit code and
// output.
func cli(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestPlanShowJSONContract(t *testing.T) {
	code, out, errs := cli(t, "plan", "show", "--config", exampleConfig, "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got struct {
		Plan struct {
			ID, Timezone string
			Year         int
		}
		Tasks []struct {
			N, Month, Phase  int
			Due, Text, Short string
			Owners           []string
			Audience         struct {
				Sections, Enterprises bool
				Sizes, Roles          []string
				Action                string
			}
		}
		Roles      []struct{ Name, Text string }
		Milestones []struct {
			Task    int
			Metric  string
			Percent int
			Due     string
		}
		Sectors []struct {
			ID       string
			Sections []string
			Targets  map[string]int
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.Plan.ID != "jinjiang-2024" || got.Plan.Year != 2024 || got.Plan.Timezone != "Asia/Shanghai" {
		t.Errorf("plan header %+v", got.Plan)
	}
	if len(got.Tasks) != 133 {
		t.Fatalf("%d tasks", len(got.Tasks))
	}
	for i, task := range got.Tasks {
		if task.N != i+1 {
			t.Errorf("task %d at position %d", task.N, i)
		}
	}
	if task := got.Tasks[48]; task.Due != "2024-05-31" || task.Text != "完成标准化标杆企业全年提升任务60%。" || task.Short != "标杆企业全年任务60%" {
		t.Errorf("task 49 = %+v", task)
	}
	if a := got.Tasks[43].Audience; !a.Sections || !a.Enterprises || !cmp.Equal(a.Sizes, []string{"小微"}) || a.Action != "完成管理达标" || a.Roles != nil {
		t.Errorf("task 44 audience = %+v", a)
	}
	if a := got.Tasks[39].Audience; !a.Enterprises || a.Sizes != nil || !cmp.Equal(a.Roles, []string{"标杆培育对象"}) || a.Action != "进一步整改提升" {
		t.Errorf("task 40 audience = %+v", a)
	}
	if a := got.Tasks[0].Audience; !a.Sections || a.Enterprises || a.Action != "" {
		t.Errorf("task 1 audience = %+v", a)
	}
	if len(got.Roles) != 2 || got.Roles[0].Name != "标杆培育对象" || got.Roles[0].Text == "" {
		t.Errorf("roles %+v", got.Roles)
	}
	ms := []string{}
	for _, m := range got.Milestones {
		ms = append(ms, m.Metric+" "+m.Due)
	}
	if len(ms) != 12 || ms[0] != "benchmark 2024-05-31" || ms[11] != "demo_post 2024-10-31" {
		t.Errorf("milestones %v", ms)
	}
	targets := map[string]map[string]int{}
	for _, s := range got.Sectors {
		targets[s.ID] = s.Targets
	}
	want := map[string]map[string]int{
		"tourism":          {"benchmark": 1, "certified": 2, "demo_post": 25},
		"culture":          {"benchmark": 1, "certified": 8, "demo_post": 14},
		"heritage-museums": {"benchmark": 1, "certified": 0, "demo_post": 1},
	}
	if diff := cmp.Diff(want, targets); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
}

type dueRow struct {
	Key       string
	Rule      string
	Recipient struct{ Kind, ID string }
	Channel   string
	Tasks     []int
	Items     []dueItem
}

// dueItem is an item of a morning message, as `due` prints it.
type dueItem struct {
	Rule  string
	Task  int
	Stage string
	Due   string
}

func dueJSON(t *testing.T, at string, extra ...string) []dueRow {
	t.Helper()
	args := append([]string{"due", "--config", exampleConfig, "--at", at, "--format", "json"}, extra...)
	if len(extra) == 0 {
		// A store that does not exist yet: empty state, whatever ./var holds.
		args = append(args, "--store", "sqlite:"+filepath.Join(t.TempDir(), "none.db"))
	}
	code, out, errs := cli(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rows []dueRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return rows
}

func TestDueOn24May(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	rows := dueJSON(t, "2024-05-24T09:00:00+08:00", "--store", "sqlite:"+db)
	lead := map[string][]int{}
	milestone := map[string][]int{}
	daily := map[string]int{}
	for _, r := range rows {
		switch r.Rule {
		case "lead", "overdue", "milestone", "returned":
			t.Errorf("%s: a sweep rule's message sent on its own, not in the morning message", r.Key)
		case "daily":
			daily[r.Recipient.Kind+":"+r.Recipient.ID]++
			for _, it := range r.Items {
				switch it.Rule {
				case "lead":
					lead[r.Recipient.ID] = append(lead[r.Recipient.ID], it.Task)
					if it.Stage != "d7" || it.Due != "2024-05-31" {
						t.Errorf("%s: lead item %+v, want stage d7, due 2024-05-31", r.Key, it)
					}
				case "milestone":
					milestone[r.Recipient.ID] = append(milestone[r.Recipient.ID], it.Task)
				}
			}
			if !slices.IsSorted(r.Tasks) || len(r.Tasks) < len(lead[r.Recipient.ID]) {
				t.Errorf("%s: tasks %v, want the sorted union of its items", r.Key, r.Tasks)
			}
		}
	}
	for who, n := range daily {
		if n != 1 {
			t.Errorf("%s: %d morning messages on one channel, want 1", who, n)
		}
	}
	may := []int{44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54}
	// 文化遗产科's sector needs no 评审达标企业 (required 0): it does not owe task 50.
	heritage := []int{44, 45, 46, 47, 48, 49, 51, 52, 53, 54}
	wantLead := map[string][]int{"industry-mgmt": may, "market-mgmt": may, "public-culture-arts": may, "cultural-heritage": heritage}
	if diff := cmp.Diff(wantLead, lead); diff != "" {
		t.Errorf("lead (-want +got):\n%s", diff)
	}
	// Every sector is below its May targets; each sector's sections are warned.
	wantMilestone := map[string][]int{
		"industry-mgmt": {49, 50, 51}, "market-mgmt": {49, 50, 51},
		"public-culture-arts": {49, 50, 51}, "cultural-heritage": {49, 51},
	}
	if diff := cmp.Diff(wantMilestone, milestone); diff != "" {
		t.Errorf("milestone (-want +got):\n%s", diff)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("due wrote the store %s: %v", db, err)
	}
}

func TestDueOn2JuneDigest(t *testing.T) {
	var digest *dueRow
	for _, r := range dueJSON(t, "2024-06-02T09:00:00+08:00") {
		if r.Rule == "digest" {
			r := r
			digest = &r
		}
	}
	if digest == nil {
		t.Fatal("no digest on 2 June")
	}
	if digest.Recipient.Kind != "office" || len(digest.Tasks) != 54 || digest.Tasks[0] != 1 || digest.Tasks[53] != 54 {
		t.Errorf("digest %+v, want the office with tasks 1–54", digest)
	}
}

func TestDueTableIsTheDefault(t *testing.T) {
	code, out, errs := cli(t, "due", "--config", exampleConfig, "--at", "2024-05-24T09:00:00+08:00",
		"--store", "sqlite:"+filepath.Join(t.TempDir(), "none.db"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if !strings.HasPrefix(out, "RULE") || !strings.Contains(out, "daily:section:industry-mgmt:2024-05-24:outbox") ||
		!strings.Contains(out, "1-54") || !strings.Contains(out, "5 notifications") {
		t.Errorf("table:\n%s", out)
	}
}

func TestBadInputExitsNonZero(t *testing.T) {
	plan, err := os.ReadFile("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dup := filepath.Join(t.TempDir(), "dup.yaml")
	edited := strings.Replace(string(plan), "  - n: 2\n    month: 1\n", "  - n: 1\n    month: 1\n", 1)
	if err := os.WriteFile(dup, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	line := strings.Count(edited[:strings.Index(edited, "  - n: 1\n    month: 1\n    phase: 1\n    text: \"传达")], "\n") + 1
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"duplicated task number", []string{"plan", "validate", dup}, 1,
			dup + ":" + itoa(line) + ": tasks[1].n: duplicate task number 1"},
		{"bad instant", []string{"due", "--config", exampleConfig, "--at", "24 May"}, 2, `--at "24 May" is not an RFC 3339 time`},
		{"bad format", []string{"due", "--config", exampleConfig, "--format", "xml"}, 2, `--format "xml": want table or json`},
		{"bad store", []string{"due", "--config", exampleConfig, "--store", "oracle:x"}, 2, `--store: store driver "oracle" must be sqlite or mysql`},
		{"missing config", []string{"check-config", "--config", "/nonexistent/remindd.yaml"}, 1, "/nonexistent/remindd.yaml"},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{"unknown flag", []string{"due", "--sooner"}, 2, "flag provided but not defined: -sooner"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := cli(t, tc.args...)
			if code != tc.code || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errs, tc.code, tc.want)
			}
		})
	}
}

func TestCheckConfigAndValidate(t *testing.T) {
	code, out, errs := cli(t, "check-config", "--config", exampleConfig)
	if code != 0 || !strings.Contains(out, "ok (plan jinjiang-2024, 133 tasks") {
		t.Errorf("check-config: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, "plan", "validate", "--config", exampleConfig)
	if code != 0 || !strings.Contains(out, "133 tasks, 12 milestones, 3 sectors") {
		t.Errorf("plan validate: exit %d\n%s%s", code, out, errs)
	}
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}
