package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestCompletionsImport: a file with Chinese headers, sections by name or
// id and enterprises by credit code is recorded whole, each row an event
// from the import; importing it again records nothing.
func TestCompletionsImport(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr, st := exampleStore(t, b)
			file := filepath.Join(t.TempDir(), "completions.csv")
			if err := os.WriteFile(file, []byte("\ufeff序号,任务,科室,统一社会信用代码,完成时间,登记人,备注\n"+
				"1,1,行业管理科,,2024-02-20,王科长,已开会部署\n"+
				"2,2,industry-mgmt,,2024-02-21T10:00:00+08:00,王科长,\n"+
				"3,4,,913505826402668510,2024-03-01,陈志强,企业自评完成\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			code, out, errs := cli(t, append([]string{"completions", "import", file}, st...)...)
			if code != 0 || !strings.Contains(out, "3 completions read, 3 recorded") {
				t.Fatalf("import: exit %d, %q %s", code, out, errs)
			}
			if code, out, _ := cli(t, append([]string{"completions", "import", file}, st...)...); code != 0 || !strings.Contains(out, "0 recorded (3 already done)") {
				t.Errorf("import again: exit %d, %q", code, out)
			}
			if got := statusOf(t, st, "industry-mgmt").Done; !slices.Equal(got, []int{1, 2}) {
				t.Errorf("done: %v, want [1 2]", got)
			}
			evs := eventsOf(t, addr, store.EventFilter{})
			if len(evs) != 3 {
				t.Fatalf("%d events, want 3", len(evs))
			}
			e := evs[0] // newest: the enterprise's row
			cst := time.FixedZone("CST", 8*3600)
			if e.Action != remindd.Recorded || e.Source != remindd.SourceImport || e.By != "陈志强" || e.Note != "企业自评完成" ||
				e.Assignee != (remindd.Recipient{Kind: remindd.KindEnterprise, ID: "913505826402668510"}) ||
				!e.DoneAt.Equal(time.Date(2024, 3, 1, 0, 0, 0, 0, cst)) {
				t.Errorf("event: %+v", e)
			}
		})
	}
}
