package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/store"
)

// TestOutboxRetry: notifications the deliverer gave up are sent again by
// outbox retry, one by its key or every failed one; the next tick sends
// them; what is not failed is refused by key and left alone.
func TestOutboxRetry(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cfg := tempConfig(t)
			outDir := filepath.Join(filepath.Dir(cfg), "outbox")
			addr := b.Addr(t)
			run := func(args ...string) (int, string, string) {
				t.Helper()
				return cli(t, append(args, "--config", cfg, "--store", addr)...)
			}
			for _, args := range [][]string{
				{"migrate"},
				{"enterprises", "import", "../../examples/enterprises.csv"},
				{"tick", "--at", "2024-05-24T09:00:00+08:00", "--log-level", "error"},
			} {
				if code, _, errs := run(args...); code != 0 {
					t.Fatalf("%v: exit %d: %s", args, code, errs)
				}
			}
			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rows, err := s.Outbox(context.Background())
			if err != nil || len(rows) < 3 {
				t.Fatalf("outbox after the tick: %d rows, %v", len(rows), err)
			}
			// The deliverer gave up three of them: their files never came.
			var failed []string
			for _, r := range rows[:3] {
				if r.Status != store.StatusSent {
					t.Fatalf("%s: %s, want sent", r.Key, r.Status)
				}
				failed = append(failed, r.Key)
				if err := os.Remove(filepath.Join(outDir, notify.FileName(r.Key))); err != nil {
					t.Fatal(err)
				}
				if _, err := s.DB().Exec(`UPDATE notifications SET status = 'failed', attempts = 8, sent_at = NULL,
last_error = '[file] channel outbox: disk full' WHERE id = ?`, r.ID); err != nil {
					t.Fatal(err)
				}
			}
			sent := rows[3].Key
			status := func(key string) string {
				t.Helper()
				r, ok, err := s.Notification(context.Background(), key)
				if err != nil || !ok {
					t.Fatalf("notification %s: %v, %v", key, ok, err)
				}
				return r.Status
			}

			for _, tc := range []struct {
				args []string
				want string
			}{
				{[]string{"outbox", "retry"}, "give --key K (one notification) or --failed"},
				{[]string{"outbox", "retry", "--key", failed[0], "--failed"}, "give --key K (one notification) or --failed"},
				{[]string{"outbox", "retry", "--key", "no-such-key"}, `--key "no-such-key": no such notification`},
				{[]string{"outbox", "retry", "--key", sent}, "the notification is sent, not failed: nothing to send again"},
				{[]string{"outbox", "--failed"}, "--key, --failed and --at belong to outbox retry"},
				{[]string{"outbox", "resend"}, `unexpected argument "resend"`},
				{[]string{"outbox", "retry", "--failed", "--at", "tomorrow"}, `--at "tomorrow" is not an RFC 3339 time`},
			} {
				code, out, errs := run(tc.args...)
				if code != 2 || !strings.Contains(errs, tc.want) || out != "" {
					t.Errorf("%v: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errs, tc.want)
				}
			}
			if got := status(failed[0]); got != store.StatusFailed {
				t.Fatalf("after refused retries %s is %s", failed[0], got)
			}

			code, out, errs := run("outbox", "retry", "--key", failed[0], "--at", "2024-05-24T10:00:00+08:00")
			if code != 0 || !strings.Contains(out, "1 failed notification queued to be sent again") {
				t.Fatalf("retry --key: exit %d, %q, %s", code, out, errs)
			}
			if got := []string{status(failed[0]), status(failed[1]), status(sent)}; strings.Join(got, " ") != "pending failed sent" {
				t.Errorf("after retry --key: %v, want the one pending, the others as they were", got)
			}
			if code, _, errs := run("tick", "--at", "2024-05-24T10:00:00+08:00", "--log-level", "error"); code != 0 {
				t.Fatalf("tick: exit %d: %s", code, errs)
			}
			if got := status(failed[0]); got != store.StatusSent {
				t.Errorf("after the tick the retried one is %s, want sent", got)
			}
			if _, err := os.Stat(filepath.Join(outDir, notify.FileName(failed[0]))); err != nil {
				t.Errorf("the retried message was not written: %v", err)
			}

			code, out, errs = run("outbox", "retry", "--failed", "--at", "2024-05-24T10:01:00+08:00")
			if code != 0 || !strings.Contains(out, "2 failed notifications queued to be sent again") {
				t.Fatalf("retry --failed: exit %d, %q, %s", code, out, errs)
			}
			if code, out, _ := run("outbox", "retry", "--failed"); code != 0 || !strings.HasPrefix(out, "0 failed notifications") {
				t.Errorf("retry --failed with none failed: exit %d, %q", code, out)
			}
			if code, _, errs := run("tick", "--at", "2024-05-24T10:01:00+08:00", "--log-level", "error"); code != 0 {
				t.Fatalf("tick: exit %d: %s", code, errs)
			}
			for _, k := range failed {
				if got := status(k); got != store.StatusSent {
					t.Errorf("%s after retry --failed and a tick: %s", k, got)
				}
			}
		})
	}
}
