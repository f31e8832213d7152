package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestMonthlyReportsMarkOnce: a section's month is marked once (a second
// form records nothing and says so), read back by Snapshot for the rules,
// and a month that is not YYYY-MM is refused, naming it.
func TestMonthlyReportsMarkOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		first := remindd.MonthlyReport{Section: "industry-mgmt", Month: "2024-05", By: "张科长", Source: remindd.SourceLink,
			At: at("2024-05-31 16:00:00")}
		for i, want := range []bool{true, false} {
			r := first
			if i == 1 {
				r.By, r.At = "李四", at("2024-06-01 09:00:00")
			}
			added, err := s.MarkMonthlyReport(ctx, planID, r)
			if err != nil {
				t.Fatal(err)
			}
			if added != want {
				t.Errorf("mark %d: added %v, want %v", i+1, added, want)
			}
		}
		if _, err := s.MarkMonthlyReport(ctx, planID, remindd.MonthlyReport{Section: "market-mgmt", Month: "2024-06",
			By: "王五", Source: remindd.SourceDesk, At: at("2024-06-28 10:00:00")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.MarkMonthlyReport(ctx, "other-plan", first); err != nil {
			t.Fatal(err)
		}
		got, err := s.MonthlyReports(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		want := []remindd.MonthlyReport{first, {Section: "market-mgmt", Month: "2024-06", By: "王五", Source: remindd.SourceDesk,
			At: at("2024-06-28 10:00:00")}}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("monthly reports (-want +got):\n%s", diff)
		}
		st, err := s.Snapshot(ctx, planID, at("2024-07-01 09:00:00"))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, st.MonthlyReports); diff != "" {
			t.Errorf("snapshot's monthly reports (-want +got):\n%s", diff)
		}
		for _, bad := range []string{"2024-13", "2024-5", "", "2024-05-01"} {
			_, err := s.MarkMonthlyReport(ctx, planID, remindd.MonthlyReport{Section: "industry-mgmt", Month: bad, At: at("2024-06-01 09:00:00")})
			if err == nil || !strings.Contains(err.Error(), "YYYY-MM") {
				t.Errorf("month %q: error %v, want one saying YYYY-MM", bad, err)
			}
		}
	})
}
