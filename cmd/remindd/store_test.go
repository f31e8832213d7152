package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/internal/storetest"
)

// TestStoreWorkflow is issue 3's acceptance run on each backend: migrate,
// import, record a completion and achievements, then read status and due.
func TestStoreWorkflow(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := []string{"--config", exampleConfig, "--store", b.Addr(t)}
			must := func(args ...string) string {
				t.Helper()
				code, out, errs := cli(t, append(args, st...)...)
				if code != 0 {
					t.Fatalf("remindd %s: exit %d: %s", strings.Join(args, " "), code, errs)
				}
				return out
			}
			must("migrate")
			if out := must("migrate"); !strings.Contains(out, "up to date") {
				t.Errorf("second migrate: %s", out)
			}
			if out := must("enterprises", "import", "../../examples/enterprises.csv"); !strings.Contains(out, "30 enterprises imported (30 added, 0 updated)") {
				t.Errorf("import: %s", out)
			}
			must("done", "--task", "44", "--section", "industry-mgmt", "--at", "2024-05-20T10:00:00+08:00")
			for _, name := range []string{"党员模范岗甲", "青年突击手乙", "工人先锋岗丙", "巾帼示范岗丁", "党员模范岗戊"} {
				must("achieve", "--sector", "tourism", "--metric", "demo_post", "--name", name, "--at", "2024-05-10")
			}

			var status struct {
				Sections []struct {
					ID                      string
					Done, Overdue, Upcoming []int
				}
				Milestones []struct {
					Task               int
					Sector, Metric     string
					Required, Achieved int
					Met                bool
				}
			}
			if err := json.Unmarshal([]byte(must("status", "--at", "2024-05-24T09:00:00+08:00", "--format", "json")), &status); err != nil {
				t.Fatal(err)
			}
			done := map[string][]int{}
			for _, s := range status.Sections {
				done[s.ID] = s.Done
			}
			// Tourism's five demo posts meet task 51 for industry-mgmt (derived).
			wantDone := map[string][]int{"industry-mgmt": {44, 51}, "market-mgmt": {}, "public-culture-arts": {}, "cultural-heritage": {}}
			if diff := cmp.Diff(wantDone, done); diff != "" {
				t.Errorf("done (-want +got):\n%s", diff)
			}
			for _, m := range status.Milestones {
				if m.Task != 51 || m.Sector == "heritage-museums" {
					continue
				}
				want := map[string][3]int{"tourism": {5, 5, 1}, "culture": {3, 0, 0}}[m.Sector]
				met := 0
				if m.Met {
					met = 1
				}
				if got := [3]int{m.Required, m.Achieved, met}; got != want {
					t.Errorf("milestone 51 %s: required, achieved, met = %v, want %v", m.Sector, got, want)
				}
			}

			var due []dueRow
			if err := json.Unmarshal([]byte(must("due", "--at", "2024-05-24T09:00:00+08:00", "--format", "json")), &due); err != nil {
				t.Fatal(err)
			}
			lead := map[string][]int{}
			enterprises := 0
			for _, r := range due {
				for _, it := range r.Items {
					if it.Rule != "lead" {
						continue
					}
					if r.Recipient.Kind == "enterprise" {
						enterprises++
					} else {
						lead[r.Recipient.ID] = append(lead[r.Recipient.ID], it.Task)
					}
				}
			}
			if has(lead["industry-mgmt"], 44) || !has(lead["industry-mgmt"], 45) {
				t.Errorf("industry-mgmt reminded of %v, want 45–54 without 44", lead["industry-mgmt"])
			}
			if !has(lead["market-mgmt"], 44) {
				t.Errorf("market-mgmt reminded of %v, want 44 among them", lead["market-mgmt"])
			}
			if enterprises == 0 {
				t.Error("no enterprise reminded on 24 May")
			}

			// A copy of the CSV that renames the enterprise on line 2 and
			// breaks the credit code on line 4 is refused whole.
			before := must("enterprises", "list", "--format", "json")
			lines := strings.Split(readFile(t, "../../examples/enterprises.csv"), "\n")
			lines[1] = strings.Replace(lines[1], "晋江市", "改名后的", 1)
			code := lines[3][:18]
			broken := code[:17] + string(wrongCheck(code[17]))
			lines[3] = broken + lines[3][18:]
			bad := filepath.Join(t.TempDir(), "enterprises.csv")
			if err := os.WriteFile(bad, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
				t.Fatal(err)
			}
			code2, _, errs := cli(t, append([]string{"enterprises", "import", bad}, st...)...)
			if code2 == 0 || !strings.Contains(errs, bad+" line 4: credit_code: check character is") {
				t.Errorf("broken CSV: exit %d, stderr:\n%s", code2, errs)
			}
			if after := must("enterprises", "list", "--format", "json"); after != before {
				t.Error("a refused import changed the enterprises")
			}

			// Unknown task, section or enterprise is refused; undo removes.
			for _, args := range [][]string{
				{"done", "--task", "134", "--section", "industry-mgmt"},
				{"done", "--task", "44", "--section", "finance"},
				{"done", "--task", "44", "--enterprise", "91350582MA0000000X"},
				{"done", "--task", "1", "--enterprise", lines[1][:18]},
				{"achieve", "--sector", "sports", "--metric", "demo_post", "--name", "x"},
				{"achieve", "--sector", "tourism", "--metric", "medal", "--name", "x"},
			} {
				if code, _, _ := cli(t, append(args, st...)...); code == 0 {
					t.Errorf("remindd %s accepted", strings.Join(args, " "))
				}
			}
			must("undo", "--task", "44", "--section", "industry-mgmt")
			if code, _, _ := cli(t, append([]string{"undo", "--task", "44", "--section", "industry-mgmt"}, st...)...); code == 0 {
				t.Error("undoing twice succeeded")
			}
		})
	}
}

func has(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func wrongCheck(c byte) byte {
	if c == '0' {
		return '1'
	}
	return '0'
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
