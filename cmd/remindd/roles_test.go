package main

import (
	"encoding/csv"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/storetest"
)

// TestRolesReachTheirEnterprises is issue 11's point 9: tasks 40, 80 and
// 98 (督促、指导相关企业进一步整改提升) reach exactly the enterprises the
// roster names 标杆培育对象, in the morning message of their lead stage,
// and no other enterprise.
func TestRolesReachTheirEnterprises(t *testing.T) {
	f, err := os.Open("../../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	var want []string
	for _, r := range recs[1:] {
		if r[col["active"]] == "true" && slices.Contains(strings.Split(r[col["roles"]], "、"), "标杆培育对象") {
			want = append(want, r[col["credit_code"]])
		}
	}
	slices.Sort(want)
	if len(want) == 0 {
		t.Fatal("the example roster names no 标杆培育对象")
	}
	b := storetest.Backends(t)[0]
	_, flags := exampleStore(t, b)
	for _, tc := range []struct {
		task int
		at   string
	}{{40, "2024-04-24T09:00:00+08:00"}, {80, "2024-07-24T09:00:00+08:00"}, {98, "2024-09-23T09:00:00+08:00"}} {
		var got []string
		for _, r := range dueJSON(t, tc.at, flags[2:]...) {
			if r.Recipient.Kind != "enterprise" {
				continue
			}
			for _, it := range r.Items {
				if it.Task == tc.task && it.Rule == "lead" {
					got = append(got, r.Recipient.ID)
				}
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("task %d on %s reaches %v, want the 标杆培育对象 %v", tc.task, tc.at, got, want)
		}
	}
}
