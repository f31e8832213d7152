package daemon_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestHealthSaysWhenThePlanIsOver: /healthz says plan_expired once the
// plan's last day (5 January 2025) and the 7-day catch-up window after it
// are past, and the days left to its last day, which /metrics exports as
// remindd_plan_days_left. The daemon is still healthy: 200 throughout.
func TestHealthSaysWhenThePlanIsOver(t *testing.T) {
	s := openStore(t, sqliteAddr(t))
	_, clock, url := healthDaemon(t, s)
	last := time.Date(2025, 1, 13, 0, 0, 0, 0, shanghai) // the end of 5 January plus 7 days
	for _, tc := range []struct {
		at      time.Time
		expired bool
		left    int
	}{
		{at(6, 2, 9, 0), false, 28 + 31 + 31 + 30 + 31 + 30 + 31 + 5},
		{time.Date(2025, 1, 5, 23, 0, 0, 0, shanghai), false, 0},
		{time.Date(2025, 1, 6, 9, 0, 0, 0, shanghai), false, -1},
		{last, false, -8},
		{last.Add(time.Second), true, -8},
		{time.Date(2025, 6, 1, 9, 0, 0, 0, shanghai), true, -147},
	} {
		clock.Set(tc.at)
		code, h, body := getHealth(t, url)
		if code != http.StatusOK || h.Status != "ok" || h.PlanExpired != tc.expired || h.PlanDaysLeft != tc.left {
			t.Errorf("/healthz at %s: %d %s, want 200, plan_expired %v, plan_days_left %d", tc.at.Format(time.RFC3339), code, body, tc.expired, tc.left)
		}
		if !strings.Contains(body, `"plan_expired":`) {
			t.Errorf("/healthz has no plan_expired: %s", body)
		}
		resp, err := http.Get(url + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		m, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if want := "\nremindd_plan_days_left " + strconv.Itoa(tc.left) + "\n"; !strings.Contains(string(m), want) {
			t.Errorf("/metrics at %s lacks %q", tc.at.Format(time.RFC3339), strings.TrimSpace(want))
		}
	}
}
