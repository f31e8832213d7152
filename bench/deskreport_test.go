package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const earlier = `# remindd benchmark results

## Targets

| target | measured | met |
| --- | --- | --- |
| sweep ≤ 2 s at 100k | 1050 ms | **yes** |
| idle daemon CPU ≤ 0.2 s over 60 s | 0.00 s | **yes** |
| desk: old row | old | **no** |

## 1. One full sweep

| enterprises | time |
| --- | --- |
| 1k | 20 ms |

` + deskBegin + `
## 5. The desk under load

old section
` + deskEnd + `

## Profiles

profiles

` + findingsMarker + `
hand-written findings
`

// TestSpliceDeskReplacesOnlyTheDesk: a run of the desk alone replaces its
// section and its Targets rows, and keeps every other line.
func TestSpliceDeskReplacesOnlyTheDesk(t *testing.T) {
	section := deskBegin + "\n## 5. The desk under load\n\nnew section\n" + deskEnd + "\n"
	got := spliceDesk(earlier, section, []string{"| desk: new row 1 | a | **yes** |", "| desk: new row 2 | b | **no** |"})
	want := strings.Replace(earlier, "| desk: old row | old | **no** |\n", "| desk: new row 1 | a | **yes** |\n| desk: new row 2 | b | **no** |\n", 1)
	want = strings.Replace(want, "old section", "new section", 1)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("spliceDesk (-want +got):\n%s", diff)
	}
	// Spliced again, it is the same: nothing doubles.
	again := spliceDesk(got, section, []string{"| desk: new row 1 | a | **yes** |", "| desk: new row 2 | b | **no** |"})
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("spliceDesk twice (-once +twice):\n%s", diff)
	}
}

// TestSpliceDeskIntoAFileWithoutIt: the first desk section goes before the
// profiles, its rows at the end of the Targets table.
func TestSpliceDeskIntoAFileWithoutIt(t *testing.T) {
	old, _ := oldDesk(earlier)
	without := strings.Replace(earlier, old+"\n", "", 1)
	without = strings.Replace(without, "| desk: old row | old | **no** |\n", "", 1)
	if strings.Contains(without, deskBegin) || strings.Contains(without, "desk: old row") {
		t.Fatalf("the fixture still has the desk:\n%s", without)
	}
	got := spliceDesk(without, old, []string{"| desk: old row | old | **no** |"})
	if diff := cmp.Diff(earlier, got); diff != "" {
		t.Errorf("spliceDesk (-want +got):\n%s", diff)
	}
}

// TestOldDesk finds the section and the rows a run without the desk keeps.
func TestOldDesk(t *testing.T) {
	section, rows := oldDesk(earlier)
	if want := deskBegin + "\n## 5. The desk under load\n\nold section\n" + deskEnd + "\n"; section != want {
		t.Errorf("section = %q, want %q", section, want)
	}
	if diff := cmp.Diff([]string{"| desk: old row | old | **no** |"}, rows); diff != "" {
		t.Errorf("rows (-want +got):\n%s", diff)
	}
}

// TestPct is the nearest rank.
func TestPct(t *testing.T) {
	var xs []time.Duration
	for i := 1; i <= 200; i++ {
		xs = append(xs, time.Duration(i))
	}
	for _, c := range []struct {
		p    float64
		want time.Duration
	}{{0.5, 100}, {0.99, 198}, {1, 200}, {0.001, 1}} {
		if got := pct(xs, c.p); got != c.want {
			t.Errorf("pct(1..200, %v) = %d, want %d", c.p, got, c.want)
		}
	}
	if got := pct(nil, 0.99); got != 0 {
		t.Errorf("pct(nil) = %d, want 0", got)
	}
}
