package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
)

func TestHistory(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			s := openMigrated(t, addr)
			st := []string{"--config", exampleConfig, "--store", addr}
			if code, _, errs := cli(t, append([]string{"enterprises", "import", "../../examples/enterprises.csv"}, st...)...); code != 0 {
				t.Fatal(errs)
			}
			cst := time.FixedZone("CST", 8*3600)
			at := func(day, hour int) time.Time { return time.Date(2024, 5, day, hour, 0, 0, 0, cst) }
			industry := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
			market := remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}
			hotel := remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582510704964E"} // tourism: industry-mgmt's
			ktv := remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582539126774E"}   // culture: market-mgmt's
			ctx := context.Background()
			for _, e := range []remindd.Event{
				{Action: remindd.Reported, Task: 44, Assignee: industry, By: "陈科长", Source: remindd.SourceLink, Note: "已督促完成", At: at(24, 10)},
				{Action: remindd.Returned, Task: 44, Assignee: industry, By: "林主任", Source: remindd.SourceDesk, Note: "缺少佐证材料\n请补充照片", At: at(25, 9)},
				{Action: remindd.Recorded, Task: 44, Assignee: hotel, By: "陈科长", Source: remindd.SourceDesk, At: at(26, 9)},
				{Action: remindd.Recorded, Task: 45, Assignee: market, By: "cli", Source: remindd.SourceCLI, At: at(27, 9)},
				{Action: remindd.Recorded, Task: 44, Assignee: ktv, By: "王", Source: remindd.SourceLink, At: at(28, 9)},
			} {
				if _, err := s.Apply(ctx, "jinjiang-2024", []remindd.Event{e}); err != nil {
					t.Fatal(err)
				}
			}

			history := func(args ...string) []string {
				t.Helper()
				code, out, errs := cli(t, append(append([]string{"history", "--format", "json"}, args...), st...)...)
				if code != 0 {
					t.Fatalf("history %v: exit %d: %s", args, code, errs)
				}
				var events []remindd.Event
				if err := json.Unmarshal([]byte(out), &events); err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				got := []string{}
				for _, e := range events {
					got = append(got, e.At.In(cst).Format("02")+" "+string(e.Action)+" "+itoa(e.Task)+" "+e.Assignee.ID)
				}
				return got
			}
			if diff := cmp.Diff([]string{
				"28 recorded 44 91350582539126774E",
				"27 recorded 45 market-mgmt",
				"26 recorded 44 91350582510704964E",
				"25 returned 44 industry-mgmt",
				"24 reported 44 industry-mgmt",
			}, history()); diff != "" {
				t.Errorf("history, newest first (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{
				"26 recorded 44 91350582510704964E",
				"25 returned 44 industry-mgmt",
				"24 reported 44 industry-mgmt",
			}, history("--section", "行业管理科")); diff != "" {
				t.Errorf("history --section industry-mgmt: its own and its tourism enterprises' (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"27 recorded 45 market-mgmt"}, history("--task", "45")); diff != "" {
				t.Errorf("history --task 45 (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{}, history("--task", "46", "--section", "cultural-heritage")); diff != "" {
				t.Errorf("history of nothing (-want +got):\n%s", diff)
			}

			code, out, errs := cli(t, append([]string{"history", "--section", "industry-mgmt"}, st...)...)
			if code != 0 {
				t.Fatal(errs)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 5 || !strings.HasPrefix(lines[0], "AT ") || lines[4] != "3 events" {
				t.Fatalf("table:\n%s", out)
			}
			// A note's line feed is escaped: one event, one line.
			for _, want := range []string{"2024-05-25T09:00:00+08:00", "returned", "林主任", "desk", `缺少佐证材料\u000a请补充照片`} {
				if !strings.Contains(lines[2], want) {
					t.Errorf("table row %q lacks %q", lines[2], want)
				}
			}
		})
	}
}

func TestHistoryRefuses(t *testing.T) {
	st := []string{"--config", exampleConfig, "--store", storetest.Backends(t)[0].Addr(t)}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--task", "134"}, "--task 134: the plan has tasks 1–133"},
		{[]string{"--task", "0x2c"}, "want a decimal number"},
		{[]string{"--section", "' OR 1=1 --"}, `--section "' OR 1=1 --": unknown section`},
		{[]string{"--section", "财务科"}, `--section "财务科": unknown section; the plan has industry-mgmt (行业管理科)`},
		{[]string{"--format", "xml"}, `--format "xml": want table or json`},
		{[]string{"extra"}, `unexpected argument "extra"`},
	} {
		code, _, errs := cli(t, append(append([]string{"history"}, tc.args...), st...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("history %v: exit %d, stderr %s; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}
