package main

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/remindd/remindd/internal/printable"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestTablesEscapeControlCharactersFromTheStore: rows another system wrote
// straight into the store, with an ESC sequence that retitles the terminal,
// a NUL, a tab, a C1 control and U+202E in their text, are printed by
// `enterprises list`, `due` and `outbox` with those characters escaped, on
// one line each, on both backends.
func TestTablesEscapeControlCharactersFromTheStore(t *testing.T) {
	const (
		name  = "晋江市\x1b]0;pwned\x07榕溪\x00景区\u202e司公限有\t管理"
		email = "anquan\u009b@rongxi.example.com"
		key   = "lead:enterprise:x\x1b[2J\u202e:2024-05-31/d7:outbox"
	)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			st := []string{"--config", exampleConfig, "--store", addr}
			if code, _, errs := cli(t, append([]string{"migrate"}, st...)...); code != 0 {
				t.Fatalf("migrate: exit %d: %s", code, errs)
			}
			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			const at = "2024-05-20 01:00:00.000000"
			if _, err := s.DB().Exec(`INSERT INTO enterprises (credit_code, name, sector, size_class, trades, contact_name, email, mobile, webhook, active, updated_at)
VALUES (?, ?, 'tourism', '规上', '', '陈志强', ?, '', '', 1, ?)`, "913505826402668510", name, email, at); err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().Exec(`INSERT INTO notifications (dedup_key, plan_id, rule, recipient_kind, recipient_id, channel, address, subject, body, tasks, status, attempts, next_attempt_at, created_at)
VALUES (?, 'jinjiang-2024', 'lead', 'enterprise', ?, 'outbox', '', '', '{}', '', 'failed', 1, ?, ?)`, key, "x\x1b[2J\u202e", at, at); err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{
				{"enterprises", "list"},
				{"due", "--at", "2024-05-24T09:00:00+08:00"},
				{"outbox"},
			} {
				code, out, errs := cli(t, append(args, st...)...)
				if code != 0 {
					t.Fatalf("%s: exit %d: %s", args[0], code, errs)
				}
				for i, r := range out {
					if r != '\n' && printable.Unsafe(r) || r == utf8.RuneError {
						t.Errorf("%s prints %s raw at byte %d", args[0], printable.Name(r), i)
						break
					}
				}
				var want []string
				switch args[0] {
				case "enterprises":
					want = []string{`晋江市\u001b]0;pwned\u0007榕溪\u0000景区\u202e司公限有\u0009管理`, `anquan\u009b@rongxi.example.com`}
				case "due":
					want = []string{`晋江市\u001b]0;pwned\u0007榕溪\u0000景区\u202e司公限有\u0009管理`}
				case "outbox":
					want = []string{`enterprise:x\u001b[2J\u202e`, `lead:enterprise:x\u001b[2J\u202e:2024-05-31/d7:outbox`}
				}
				for _, w := range want {
					if !strings.Contains(out, w) {
						t.Errorf("%s does not show %s:\n%s", args[0], w, out)
					}
				}
			}
		})
	}
}
