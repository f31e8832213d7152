package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckConfigWarnsOfAnExpiredPlan: check-config as of a day past the
// plan's last day and catch-up window (5 January 2025, then 7 days) prints
// a warning and exits 0; within the plan, and on the window's last day, it
// says nothing of it.
func TestCheckConfigWarnsOfAnExpiredPlan(t *testing.T) {
	cfg := checkConfigFile(t, "sqlite:"+filepath.Join(t.TempDir(), "none.db"), "")
	for _, tc := range []struct {
		at   string
		warn bool
	}{
		{"2024-06-01T09:00:00+08:00", false},
		{"2025-01-12T23:59:59+08:00", false},
		{"2025-01-13T00:00:01+08:00", true},
		{"2026-03-01T09:00:00+08:00", true},
	} {
		code, out, errs := cli(t, "check-config", "--config", cfg, "--at", tc.at)
		if code != 0 {
			t.Fatalf("--at %s: exit %d: %s", tc.at, code, errs)
		}
		said := strings.Contains(out, "\nwarning: plan jinjiang-2024 (") &&
			strings.Contains(out, "is over: its last day was 2025-01-05 and its catch-up window closed 2025-01-13T00:00:00+08:00, so nothing more will be sent; configure the new year's plan (plan: in "+cfg+")\n")
		if said != tc.warn {
			t.Errorf("--at %s: expiry warned %v, want %v:\n%s", tc.at, said, tc.warn, out)
		}
	}
	if code, _, errs := cli(t, "check-config", "--config", cfg, "--at", "2025-13-01"); code != 2 || !strings.Contains(errs, "RFC 3339") {
		t.Errorf("a bad --at: exit %d: %s", code, errs)
	}
}
