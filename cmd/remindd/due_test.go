package main

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// TestDueJSONIsStreamedAsOneValue: due --format json writes its array an
// element at a time (schedule.WriteJSON), byte for byte as a.json writes
// the whole slice.
func TestDueJSONIsStreamedAsOneValue(t *testing.T) {
	at := time.Date(2024, 6, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	digest := &remindd.DigestBody{Month: "2024-05",
		Sections: []remindd.SectionOverdue{{ID: "industry-mgmt", Name: "行业管理科", Overdue: []int{1, 2}}},
		Failed:   []remindd.FailedDelivery{{Key: "k", Rule: remindd.Lead, LastError: "smtp: 550 <a@b> & \u2028 \x01"}},
		Reports:  []remindd.ReportDue{{Name: "月报", Due: plan.Date{Year: 2024, Month: 6, Day: 5}}},
	}
	all := []remindd.Notification{
		{Key: "overdue:enterprise:91350582MA00000001:2024-06-01:mail", Rule: remindd.Overdue,
			Recipient: remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582MA00000001"},
			Name:      "晋江市<某>酒店 & \"茶\"", Channel: "mail", Address: "a@example.cn", At: at, Tasks: []int{44, 45}},
		{Key: "milestone:section:industry-mgmt:2024-06-30/d7:mail", Rule: remindd.Milestone,
			Recipient: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, Channel: "mail", At: at,
			Tasks: []int{}, Milestones: []remindd.Progress{{Task: 49, Sector: "tourism", Percent: 50, Target: 4, Required: 2}}},
		{Key: "digest:office:office:2024-06:mail", Rule: remindd.Digest, Recipient: remindd.Recipient{Kind: remindd.KindOffice, ID: "office"},
			Channel: "mail", At: at, Tasks: []int{1, 2}, Digest: digest, Period: "2024-06"},
	}
	for _, ns := range [][]remindd.Notification{nil, {}, all[:1], all} {
		var whole bytes.Buffer
		a := &app{stdout: &whole}
		want := ns
		if want == nil {
			want = []remindd.Notification{}
		}
		if err := a.json(want); err != nil {
			t.Fatal(err)
		}
		var streamed bytes.Buffer
		a.stdout = &streamed
		if err := a.printNotifications(ns, "json"); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(whole.String(), streamed.String()); diff != "" {
			t.Errorf("%d notifications streamed (-whole +streamed):\n%s", len(ns), diff)
		}
	}
}
