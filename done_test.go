package remindd_test

import (
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
