package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

// TestDueJSONContract: due --format json is one JSON array, a notification
// per line, each with the fields of the contract (DESIGN.md "due": key,
// rule, recipient kind and id, channel, tasks), reading back as the
// notifications decided, their addresses masked.
func TestDueJSONContract(t *testing.T) {
	at := time.Date(2024, 6, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	digest := &remindd.DigestBody{Month: "2024-05",
		Sections: []remindd.SectionOverdue{{ID: "industry-mgmt", Name: "行业管理科", Overdue: []int{1, 2}}},
		Failed:   []remindd.FailedDelivery{{Key: "k", Rule: remindd.Lead, LastError: "smtp: 550 <a@b> & \u2028 \x01"}},
		Reports:  []remindd.ReportDue{{Name: "月报", Due: plan.Date{Year: 2024, Month: 6, Day: 5}}},
	}
	robot := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0123456789abcdef"
	all := []remindd.Notification{
		{Key: "overdue:enterprise:91350582MA00000001:2024-06-01:mail", Rule: remindd.Overdue,
			Recipient: remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582MA00000001"},
			Name:      "晋江市<某>酒店 & \"茶\"\n", Channel: "robot", Address: robot, At: at, Tasks: []int{44, 45}},
		{Key: "milestone:section:industry-mgmt:2024-06-30/d7:mail", Rule: remindd.Milestone,
			Recipient: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, Channel: "mail", At: at,
			Tasks: []int{}, Milestones: []remindd.Progress{{Task: 49, Sector: "tourism", Percent: 50, Target: 4, Required: 2, Due: plan.Date{Year: 2024, Month: 6, Day: 30}}}},
		{Key: "digest:office:office:2024-06:mail", Rule: remindd.Digest, Recipient: remindd.Recipient{Kind: remindd.KindOffice, ID: "office"},
			Channel: "mail", At: at, Tasks: []int{1, 2}, Digest: digest, Period: "2024-06"},
	}
	for _, ns := range [][]remindd.Notification{nil, {}, all[:1], all} {
		want := make([]remindd.Notification, len(ns))
		copy(want, ns)
		for i := range want {
			want[i].Address = notify.MaskAddress(want[i].Address)
		}
		var out bytes.Buffer
		a := &app{stdout: &out}
		if err := a.printNotifications(append([]remindd.Notification(nil), ns...), "json"); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(out.String(), "0123456789abcdef") {
			t.Errorf("the robot's key is printed:\n%s", out.String())
		}
		if lines := strings.Count(out.String(), "\n"); len(ns) > 0 && lines != len(ns)+2 || len(ns) == 0 && out.String() != "[]\n" {
			t.Errorf("%d notifications in %d lines, want one a line between [ and ]:\n%s", len(ns), lines, out.String())
		}
		var back []remindd.Notification
		if err := json.Unmarshal(out.Bytes(), &back); err != nil {
			t.Fatalf("%d notifications: not JSON: %v\n%s", len(ns), err, out.String())
		}
		if diff := cmp.Diff(want, back, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); len(ns) > 0 && diff != "" {
			t.Errorf("%d notifications read back (-decided +printed):\n%s", len(ns), diff)
		}
		var raw []map[string]json.RawMessage
		if err := json.Unmarshal(out.Bytes(), &raw); err != nil {
			t.Fatal(err)
		}
		for i, r := range raw {
			for _, k := range []string{"key", "rule", "recipient", "channel", "tasks"} {
				if _, ok := r[k]; !ok {
					t.Errorf("notification %d has no %q: %s", i, k, out.String())
				}
			}
			var to map[string]string
			if err := json.Unmarshal(r["recipient"], &to); err != nil || to["kind"] == "" || to["id"] == "" {
				t.Errorf("notification %d: recipient %s, want kind and id", i, r["recipient"])
			}
		}
	}
}

// TestDueShowsReturned: a report the office sent back is in due's JSON as
// any other rule, with its task and the return.
func TestDueShowsReturned(t *testing.T) {
	cfg := tempConfig(t)
	if code, _, errs := cli(t, "migrate", "--config", cfg); code != 0 {
		t.Fatalf("migrate: exit %d: %s", code, errs)
	}
	s, err := store.Open(context.Background(), "sqlite:"+filepath.Join(filepath.Dir(cfg), "remindd.db"))
	if err != nil {
		t.Fatal(err)
	}
	industry := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	cst := time.FixedZone("CST", 8*3600)
	for _, e := range []remindd.Event{
		{Action: remindd.Reported, Task: 44, Assignee: industry, By: "王科长", Source: remindd.SourceLink, At: time.Date(2024, 6, 1, 10, 0, 0, 0, cst)},
		{Action: remindd.Returned, Task: 44, Assignee: industry, By: "林主任", Source: remindd.SourceDesk, Note: "材料不全", At: time.Date(2024, 6, 2, 15, 0, 0, 0, cst)},
	} {
		if _, err := s.Apply(context.Background(), "jinjiang-2024", []remindd.Event{e}); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	code, out, errs := cli(t, "due", "--at", "2024-06-03T09:00:00+08:00", "--format", "json", "--config", cfg)
	if code != 0 {
		t.Fatalf("due: exit %d: %s", code, errs)
	}
	var ns []remindd.Notification
	if err := json.Unmarshal([]byte(out), &ns); err != nil {
		t.Fatal(err)
	}
	var returned []remindd.Notification
	for _, n := range ns {
		for _, p := range n.Parts {
			if p.Rule == remindd.Returns {
				returned = append(returned, n)
				if !slices.Equal(p.Tasks, []int{44}) || !strings.HasPrefix(p.Stage, "returned/") {
					t.Errorf("returned item %+v", p)
				}
			}
		}
	}
	if len(returned) != 1 {
		t.Fatalf("%d messages with a returned item, want 1:\n%s", len(returned), out)
	}
	n := returned[0]
	if n.Rule != remindd.Daily || n.Recipient != industry || !slices.Contains(n.Tasks, 44) || len(n.Returned) != 1 || n.Returned[0].Reason != "材料不全" {
		t.Errorf("the morning message with the return %+v", n)
	}
	if !strings.Contains(out, `"rule":"returned"`) {
		t.Errorf("due JSON lacks the item's rule:\n%s", out)
	}
}
