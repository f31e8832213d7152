package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/storetest"
)

// TestTaskNumbersAreDecimal: done --task 054 records task 54, never octal
// 44, and undo reads the number the same way; numbers Go source would read
// (0x2c, 1_0, 0b101, +5) are a command-line mistake naming the flag.
func TestTaskNumbersAreDecimal(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			st := []string{"--config", exampleConfig, "--store", b.Addr(t)}
			run := func(args ...string) (int, string, string) {
				t.Helper()
				return cli(t, append(args, st...)...)
			}
			if code, _, errs := run("migrate"); code != 0 {
				t.Fatalf("migrate: exit %d: %s", code, errs)
			}
			code, out, errs := run("done", "--task", "054", "--section", "industry-mgmt", "--at", "2024-05-20T10:00:00+08:00")
			if code != 0 || !strings.HasPrefix(out, "task 54: done by section:industry-mgmt") {
				t.Fatalf("done --task 054: exit %d, %q %s", code, out, errs)
			}
			done := func() []int {
				t.Helper()
				code, out, errs := run("status", "--at", "2024-05-24T09:00:00+08:00", "--format", "json")
				if code != 0 {
					t.Fatalf("status: exit %d: %s", code, errs)
				}
				var st struct {
					Sections []struct {
						ID   string
						Done []int
					}
				}
				if err := json.Unmarshal([]byte(out), &st); err != nil {
					t.Fatal(err)
				}
				for _, s := range st.Sections {
					if s.ID == "industry-mgmt" {
						return s.Done
					}
				}
				t.Fatal("no industry-mgmt in status")
				return nil
			}
			if got := done(); len(got) != 1 || got[0] != 54 {
				t.Fatalf("done after --task 054: %v, want [54]", got)
			}
			if code, out, errs := run("undo", "--task", "00054", "--section", "industry-mgmt"); code != 0 || !strings.HasPrefix(out, "task 54:") {
				t.Fatalf("undo --task 00054: exit %d, %q %s", code, out, errs)
			}
			if got := done(); len(got) != 0 {
				t.Fatalf("done after undo: %v, want none", got)
			}
			for _, v := range []string{"0x2c", "1_0", "0b101", "0o54", "+5", "-5", " 44", "4 4", "４４", "44.0", "4e1", ""} {
				for _, cmd := range []string{"done", "undo"} {
					code, out, errs := run(cmd, "--task", v, "--section", "industry-mgmt")
					if code != 2 || out != "" || !strings.Contains(errs, "remindd "+cmd+`: invalid value "`+v+`" for flag -task: want a decimal number`) {
						t.Errorf("%s --task %q: exit %d, %q, stderr %q; want exit 2 naming -task", cmd, v, code, out, errs)
					}
				}
			}
			if got := done(); len(got) != 0 {
				t.Errorf("refused task numbers recorded %v", got)
			}
		})
	}
}
