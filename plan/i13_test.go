package plan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/plan"
)

// TestCountsAreWholeNumbers: a fraction or a non-decimal number where the
// plan means a count is refused, naming line and field, never truncated
// (percent 99.9 is not 99, month 5.9 not May, task 054 not task 44).
func TestCountsAreWholeNumbers(t *testing.T) {
	base, err := os.ReadFile(shipped)
	if err != nil {
		t.Fatal(err)
	}
	src := string(base)
	for _, tc := range []struct{ name, old, new, want string }{
		{"fraction of a percent", "{task: 75, metric: certified, percent: 60}", "{task: 75, metric: certified, percent: 99.9}",
			"milestones[4].percent: 99.9 is not a whole number"},
		{"fraction of a month", "  - n: 3\n    month: 1\n", "  - n: 3\n    month: 5.9\n",
			"tasks[2].month: 5.9 is not a whole number"},
		{"octal task number", "  - n: 54\n", "  - n: 054\n",
			"tasks[53].n: 054 is not a plain decimal number (YAML reads it as 44)"},
		{"fraction of a target", "targets: {benchmark: 1, certified: 2, demo_post: 25}", "targets: {benchmark: 1, certified: 2.5, demo_post: 25}",
			"sectors[0].targets.certified: 2.5 is not a whole number"},
		{"whole number written as a float", "  - n: 3\n    month: 1\n", "  - n: 3\n    month: 1.0\n",
			"tasks[2].month: 1.0 is not a plain decimal number (YAML reads it as 1)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := replaceOnce(src, tc.old, tc.new)
			if edited == src {
				t.Fatal("edit did not apply")
			}
			path := filepath.Join(t.TempDir(), "plan.yaml")
			if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := plan.Load(path)
			want := path + ":" + itoa(changedLine(src, edited)) + ": " + tc.want
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
			}
		})
	}
}

func TestPlanDays(t *testing.T) {
	p := loadShipped(t)
	if got := p.Begins().String(); got != "2024-01-01" {
		t.Errorf("begins %s", got)
	}
	if got := p.Ends().String(); got != "2025-01-05" {
		t.Errorf("ends %s", got)
	}
}
