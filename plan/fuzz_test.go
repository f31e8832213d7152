package plan_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/yamlfile"
	"github.com/remindd/remindd/plan"
)

// FuzzLoad feeds arbitrary bytes to plan.Load as a plan file. Load must never
// panic; an error must name the file (every problem in it, with a line inside
// the file); a plan it accepts must have tasks numbered 1..N, each findable
// and due in its year.
func FuzzLoad(f *testing.F) {
	seeds := []string{shipped, "../testdata/badinput/base/plan.yaml"}
	corpus, err := filepath.Glob("../testdata/badinput/plan/*/plan.yaml")
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, corpus...)
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "plan.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := plan.Load(path)
		if err != nil {
			checkNamesFile(t, err, path, data)
			return
		}
		if p.Location == nil || p.File != path {
			t.Fatalf("accepted plan has location %v, file %q", p.Location, p.File)
		}
		seen := make(map[int]bool, len(p.Tasks))
		for _, task := range p.Tasks {
			if task.N < 1 || task.N > len(p.Tasks) || seen[task.N] {
				t.Fatalf("accepted plan with %d tasks has task number %d (repeated: %v)", len(p.Tasks), task.N, seen[task.N])
			}
			seen[task.N] = true
			if task.Month < 1 || task.Month > 12 {
				t.Fatalf("accepted task %d with month %d", task.N, task.Month)
			}
		}
		for n := 1; n <= len(p.Tasks); n++ {
			task, ok := p.Task(n)
			if !ok || task.N != n {
				t.Fatalf("accepted plan: Task(%d) = %v, %v", n, task, ok)
			}
			if due := p.Due(task.Month); due.Year() != p.Year {
				t.Fatalf("task %d due %v, outside plan year %d", n, due, p.Year)
			}
		}
	})
}

// checkNamesFile fails t unless err names path, and every file:line:field
// problem in it points at path and a line the file has.
func checkNamesFile(t *testing.T, err error, path string, data []byte) {
	t.Helper()
	if !strings.Contains(err.Error(), path) {
		t.Fatalf("error does not name the file %s: %v", path, err)
	}
	var ps yamlfile.Problems
	if !errors.As(err, &ps) {
		return
	}
	if len(ps) == 0 {
		t.Fatalf("empty problem list as an error: %q", err)
	}
	// YAML breaks lines at \r\n, \r and \n. The YAML library puts a position
	// at the end of the stream on the line after the last one ("---" alone
	// has its empty document on line 2), so that line counts too.
	lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 2
	for _, p := range ps {
		if p.File != path || p.Line < 0 || p.Line > lines || p.Msg == "" {
			t.Fatalf("problem %+v: want file %s, a line in 0–%d and a message", p, path, lines)
		}
	}
}
