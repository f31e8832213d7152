package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// sectionStatus is one section of status --format json.
type sectionStatus struct {
	ID       string
	Done     []int
	Reported []int
	Overdue  []int
}

func statusOf(t *testing.T, args []string, section string) sectionStatus {
	t.Helper()
	code, out, errs := cli(t, append([]string{"status", "--at", "2024-05-24T09:00:00+08:00", "--format", "json"}, args...)...)
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errs)
	}
	var st struct{ Sections []sectionStatus }
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	for _, s := range st.Sections {
		if s.ID == section {
			return s
		}
	}
	t.Fatalf("no %s in status", section)
	return sectionStatus{}
}

// exampleStore makes a fresh store on backend b, migrated, with the example
// enterprises, and returns its address and the flags that name it with the
// example config.
func exampleStore(t *testing.T, b storetest.Backend) (addr string, flags []string) {
	t.Helper()
	addr = b.Addr(t)
	flags = []string{"--config", exampleConfig, "--store", addr}
	for _, args := range [][]string{{"migrate"}, {"enterprises", "import", "../../examples/enterprises.csv"}} {
		if code, _, errs := cli(t, append(args, flags...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
	}
	return addr, flags
}

// eventsOf is the history of the store at addr.
func eventsOf(t *testing.T, addr string, f store.EventFilter) []remindd.Event {
	t.Helper()
	s, err := store.Open(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	evs, err := s.Events(context.Background(), "jinjiang-2024", f)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// TestDoneTakesListsAndNames: done and undo take a list of tasks and a
// section by its name, write each with an event from the command line, and
// refuse a list with a task the assignee does not owe, writing nothing.
func TestDoneTakesListsAndNames(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr, st := exampleStore(t, b)
			run := func(args ...string) (int, string, string) {
				t.Helper()
				return cli(t, append(args, st...)...)
			}
			code, out, errs := run("done", "--task", "1-3,5,2", "--section", "行业管理科", "--by", "王科长", "--note", "上线前已完成",
				"--at", "2024-05-20T10:00:00+08:00")
			if code != 0 || strings.Count(out, "done by section:industry-mgmt") != 4 {
				t.Fatalf("done a list by name: exit %d, %q %s", code, out, errs)
			}
			if got := statusOf(t, st, "industry-mgmt").Done; !slices.Equal(got, []int{1, 2, 3, 5}) {
				t.Errorf("done: %v, want [1 2 3 5]", got)
			}
			// Again: nothing changes, and it says so.
			if code, out, _ := run("done", "--task", "3,5", "--section", "industry-mgmt"); code != 0 || strings.Count(out, "already done") != 2 {
				t.Errorf("done again: exit %d, %q", code, out)
			}
			if code, out, errs := run("undo", "--task", "2-4", "--section", "industry-mgmt", "--note", "误登记"); code != 0 ||
				!strings.Contains(out, "task 4: not done by section:industry-mgmt, nothing to undo") {
				t.Errorf("undo 2-4: exit %d, %q %s", code, out, errs)
			}
			if got := statusOf(t, st, "industry-mgmt").Done; !slices.Equal(got, []int{1, 5}) {
				t.Errorf("after undo: %v, want [1 5]", got)
			}
			// 规上 enterprise 榕溪景区 does not owe task 44 (小微企业): the whole list is refused.
			const big = "913505826402668510"
			code, out, errs = run("done", "--task", "4,44", "--enterprise", big)
			if code != 2 || out != "" || !strings.Contains(errs, "task 44 is not an obligation of enterprise "+big+": nothing recorded") {
				t.Errorf("done a task not owed: exit %d, %q %s", code, out, errs)
			}
			for _, bad := range []string{"5-3", "1-", "1,,2", "1-99999"} {
				if code, _, errs := run("done", "--task", bad, "--section", "industry-mgmt"); code != 2 || !strings.Contains(errs, "-task") {
					t.Errorf("--task %q: exit %d, %s", bad, code, errs)
				}
			}
			if code, _, errs := run("done", "--task", "1", "--section", "财务科"); code != 2 || !strings.Contains(errs, "industry-mgmt (行业管理科)") {
				t.Errorf("an unknown section: exit %d, %s", code, errs)
			}
			evs := eventsOf(t, addr, store.EventFilter{})
			var got []string
			for _, e := range evs {
				if e.Source != remindd.SourceCLI {
					t.Errorf("event %+v: source %q", e, e.Source)
				}
				got = append(got, string(e.Action)+" "+e.Note)
			}
			want := []string{"undone 误登记", "undone 误登记", "recorded 上线前已完成", "recorded 上线前已完成", "recorded 上线前已完成", "recorded 上线前已完成"}
			if !slices.Equal(got, want) {
				t.Errorf("history: %q, want %q", got, want)
			}
			if evs[len(evs)-1].By != "王科长" {
				t.Errorf("by: %q", evs[len(evs)-1].By)
			}
		})
	}
}
