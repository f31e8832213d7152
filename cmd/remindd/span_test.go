package main

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestTickOutsidePlanSpan is issue 13's finding 2: a tick at a mistyped
// instant (2025 for 2024, or year 9999) is refused and writes nothing; forced,
// it does not record job runs past the plan's end; and a tick at the right
// date afterwards still sends what is due.
func TestTickOutsidePlanSpan(t *testing.T) {
	_, _, config := badInputPaths(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			st := []string{"--config", config, "--store", addr}
			must := func(args ...string) string {
				t.Helper()
				code, out, errs := cli(t, append(args, st...)...)
				if code != 0 {
					t.Fatalf("remindd %s: exit %d: %s", strings.Join(args, " "), code, errs)
				}
				return out
			}
			must("migrate")
			must("enterprises", "import", "../../examples/enterprises.csv")
			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			before := storetest.Dump(t, s)

			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"tick", "--at", "2025-05-24T09:00:00+08:00"}, "--at 2025-05-24T09:00:00+08:00 is outside the plan jinjiang-2024"},
				{[]string{"tick", "--at", "9999-05-24T09:00:00+08:00"}, "--at 9999-05-24T09:00:00+08:00 is outside the plan"},
				{[]string{"tick", "--at", "2023-12-31T09:00:00+08:00"}, "it runs from 2024-01-01 to 2025-01-05"},
				{[]string{"simulate", "--from", "2024-05-20T00:00:00+08:00", "--to", "2025-05-24T00:00:00+08:00"}, "--to 2025-05-24T00:00:00+08:00 is outside"},
			} {
				code, out, errs := cli(t, append(c.args, st...)...)
				if code != 2 || !strings.Contains(errs, c.want) || !strings.Contains(errs, "--force") {
					t.Errorf("remindd %s: exit %d, stderr %q; want exit 2 saying %q and naming --force", strings.Join(c.args, " "), code, errs, c.want)
				}
				if out != "" {
					t.Errorf("remindd %s printed %q", strings.Join(c.args, " "), out)
				}
			}
			if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
				t.Fatalf("a refused tick changed the store (-before +after):\n%s", diff)
			}

			// Forced far ahead, the jobs run but their runs are not kept:
			// they lie past the plan's end.
			must("tick", "--at", "2025-05-24T09:00:00+08:00", "--force", "--log-level", "error")
			last, err := s.LastRuns(context.Background(), "jinjiang-2024")
			if err != nil {
				t.Fatal(err)
			}
			if len(last) != 0 {
				t.Errorf("a forced tick after the plan's end recorded job runs %v", last)
			}

			out := must("tick", "--at", "2024-05-24T09:00:00+08:00", "--log-level", "error")
			if !strings.Contains(out, "jobs sweep") || strings.Contains(out, " 0 enqueued") {
				t.Errorf("the tick at the right date after a forced one: %q, want the sweep to enqueue", out)
			}
			// Within the catch-up window after the plan's last day, a
			// wake-up still runs.
			must("tick", "--at", "2025-01-08T09:00:00+08:00", "--log-level", "error")
		})
	}
}
