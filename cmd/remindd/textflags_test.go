package main

import (
	"context"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestTextFlagsAreBoundedTheSameOnEveryBackend: a note of 2,000 characters
// (four-byte ones included) and a recorder of 255 are stored whole on both
// backends; a 100 KB note, a 256-character recorder or achievement name are
// refused by the command, naming the flag, on both, and write nothing.
func TestTextFlagsAreBoundedTheSameOnEveryBackend(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			st := []string{"--config", exampleConfig, "--store", addr}
			run := func(args ...string) (int, string, string) {
				t.Helper()
				return cli(t, append(args, st...)...)
			}
			if code, _, errs := run("migrate"); code != 0 {
				t.Fatalf("migrate: exit %d: %s", code, errs)
			}
			for _, c := range []struct {
				args []string
				want string
			}{
				{[]string{"done", "--task", "44", "--section", "industry-mgmt", "--note", strings.Repeat("x", 100<<10)},
					"remindd done: --note is 102400 characters long, at most 2000\n"},
				{[]string{"done", "--task", "44", "--section", "industry-mgmt", "--by", strings.Repeat("张", 256)},
					"remindd done: --by is 256 characters long, at most 255\n"},
				{[]string{"achieve", "--sector", "tourism", "--metric", "benchmark", "--name", strings.Repeat("岗", 256)},
					"remindd achieve: --name is 256 characters long, at most 255\n"},
			} {
				code, out, errs := run(c.args...)
				if code != 2 || out != "" || errs != c.want {
					t.Errorf("%s %s …: exit %d, %q, stderr %q; want exit 2 and %q", c.args[0], c.args[len(c.args)-2], code, out, errs, c.want)
				}
			}
			note := strings.Repeat("注😀", 1000) // 2,000 characters, 7,000 bytes
			by := strings.Repeat("张", 255)
			if code, _, errs := run("done", "--task", "44", "--section", "industry-mgmt", "--note", note, "--by", by); code != 0 {
				t.Fatalf("done with a 2,000-character note: exit %d: %s", code, errs)
			}
			name := strings.Repeat("岗", 255)
			if code, _, errs := run("achieve", "--sector", "tourism", "--metric", "benchmark", "--name", name, "--at", "2024-05-10"); code != 0 {
				t.Fatalf("achieve with a 255-character name: exit %d: %s", code, errs)
			}
			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			var gotNote, gotBy, gotName string
			var n int
			if err := s.DB().QueryRow(`SELECT note, done_by FROM completions`).Scan(&gotNote, &gotBy); err != nil {
				t.Fatal(err)
			}
			if err := s.DB().QueryRow(`SELECT name, (SELECT COUNT(*) FROM achievements) FROM achievements`).Scan(&gotName, &n); err != nil {
				t.Fatal(err)
			}
			if gotNote != note || gotBy != by || gotName != name || n != 1 {
				t.Errorf("stored note of %d characters, by of %d, name of %d, %d achievements; want 2000, 255, 255, 1",
					len([]rune(gotNote)), len([]rune(gotBy)), len([]rune(gotName)), n)
			}
		})
	}
}
