package remindd_test

import (
	"fmt"
	"testing"

	"github.com/remindd/remindd"
)

func TestDoneSet(t *testing.T) {
	var d remindd.Done
	sec := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	ent := remindd.Recipient{Kind: remindd.KindEnterprise, ID: "industry-mgmt"}
	for _, n := range []int{1, 63, 64, 133, 133} {
		d.Add(n, sec)
	}
	d.AddBytes(2, remindd.KindEnterprise, []byte("industry-mgmt"))
	for _, tc := range []struct {
		task int
		who  remindd.Recipient
		want bool
	}{
		{1, sec, true}, {63, sec, true}, {64, sec, true}, {133, sec, true},
		{2, sec, false}, {65, sec, false}, {134, sec, false}, {500, sec, false}, {-1, sec, false},
		{2, ent, true}, {1, ent, false},
		{1, remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}, false},
	} {
		if got := d.Has(tc.task, tc.who); got != tc.want {
			t.Errorf("Has(%d, %v) = %v, want %v", tc.task, tc.who, got, tc.want)
		}
	}
	if d.Len() != 5 {
		t.Errorf("Len = %d, want 5", d.Len())
	}
	if n := d.Assignees(remindd.KindSection); n != 1 {
		t.Errorf("Assignees(section) = %d, want 1", n)
	}
}

// TestAddBytesKnownAssigneeDoesNotAllocate pins why the store hands AddBytes
// the id it scanned as bytes: a snapshot adds a row per completion, a
// million at a province's enterprises, and only an assignee's first row may
// allocate (its id as a key, its bit set); the next rows, of the same
// assignee or of one added before, must not.
func TestAddBytesKnownAssigneeDoesNotAllocate(t *testing.T) {
	var d remindd.Done
	a, b := []byte("91350582MA2XYZ0001"), []byte("91350582MA2XYZ0002")
	d.AddBytes(1, remindd.KindEnterprise, a)
	d.AddBytes(1, remindd.KindEnterprise, b)
	for _, tc := range []struct {
		name string
		add  func()
	}{
		{"the same assignee again", func() { d.AddBytes(3, remindd.KindEnterprise, b) }},
		{"assignees taking turns", func() {
			d.AddBytes(5, remindd.KindEnterprise, a)
			d.AddBytes(7, remindd.KindEnterprise, b)
		}},
	} {
		if n := testing.AllocsPerRun(100, tc.add); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", tc.name, n)
		}
	}
	if !d.Has(7, remindd.Recipient{Kind: remindd.KindEnterprise, ID: string(b)}) || d.Len() != 5 {
		t.Errorf("after the runs: Has(7, b) = false or Len = %d, want 5", d.Len())
	}
}

// BenchmarkDoneAddBytes reads a snapshot's completions as the store does:
// 100,000 enterprises with 12 rows each, by assignee, ids scanned as bytes.
func BenchmarkDoneAddBytes(b *testing.B) {
	ids := make([][]byte, 100000)
	for i := range ids {
		ids[i] = fmt.Appendf(nil, "91350582%010d", i)
	}
	b.ReportAllocs()
	for b.Loop() {
		var d remindd.Done
		for _, id := range ids {
			for task := 1; task <= 24; task += 2 {
				d.AddBytes(task, remindd.KindEnterprise, id)
			}
		}
	}
}
