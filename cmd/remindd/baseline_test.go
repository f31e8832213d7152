package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestBaseline: at go-live, baseline records what one section owed before
// a date as done, with its enterprises' obligations, in one go; the next
// morning tells that section of nothing overdue, and the other sections of
// what they still owe. Again, it records nothing.
func TestBaseline(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr, st := exampleStore(t, b)
			run := func(args ...string) (int, string, string) {
				t.Helper()
				return cli(t, append(args, st...)...)
			}
			if code, _, errs := run("baseline", "--before", "2024-05-01", "--section", "industry-mgmt"); code != 2 || !strings.Contains(errs, "--by WHO and --note WHY") {
				t.Errorf("baseline without --by and --note: exit %d, %s", code, errs)
			}
			code, out, errs := run("baseline", "--before", "2024-05-01", "--section", "行业管理科", "--by", "局办公室", "--note", "上线前已完成")
			if code != 0 || !strings.Contains(out, "(43 of sections, ") {
				t.Fatalf("baseline: exit %d, %q %s", code, out, errs)
			}
			if code, out, _ := run("baseline", "--before", "2024-05-01", "--section", "industry-mgmt", "--by", "局办公室", "--note", "再次"); code != 0 || !strings.Contains(out, ": 0 obligations") {
				t.Errorf("baseline again: exit %d, %q", code, out)
			}
			if got := statusOf(t, st, "industry-mgmt"); len(got.Done) != 43 || len(got.Overdue) != 0 {
				t.Errorf("industry-mgmt after the baseline: %d done, overdue %v", len(got.Done), got.Overdue)
			}
			if got := statusOf(t, st, "market-mgmt"); len(got.Done) != 0 || len(got.Overdue) != 43 {
				t.Errorf("market-mgmt after another section's baseline: done %v, %d overdue", got.Done, len(got.Overdue))
			}
			code, out, errs = run("due", "--at", "2024-05-24T09:00:00+08:00", "--format", "json")
			if code != 0 {
				t.Fatalf("due: exit %d: %s", code, errs)
			}
			var due []struct {
				Rule      string
				Recipient remindd.Recipient
				Tasks     []int
			}
			if err := json.Unmarshal([]byte(out), &due); err != nil {
				t.Fatal(err)
			}
			for _, n := range due {
				if n.Recipient.ID == "industry-mgmt" && slices.ContainsFunc(n.Tasks, func(t int) bool { return t <= 43 }) {
					t.Errorf("industry-mgmt is still reminded of %v (%s)", n.Tasks, n.Rule)
				}
			}
			evs := eventsOf(t, addr, store.EventFilter{Assignees: []remindd.Recipient{{Kind: remindd.KindSection, ID: "industry-mgmt"}}})
			if len(evs) != 43 || evs[0].Source != remindd.SourceBaseline || evs[0].By != "局办公室" || evs[0].Note != "上线前已完成" {
				t.Errorf("%d events, the first %+v", len(evs), evs[0])
			}
		})
	}
}
