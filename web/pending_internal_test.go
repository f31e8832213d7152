package web

import (
	"context"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
)

// TestPendingCount: the office's count of reports awaiting 销号 is kept
// for pendingTTL; the handler's own link reports add to it, its desk
// changes drop it, and writes it did not make show once it is old.
func TestPendingCount(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	h := internalHandler(t, s)
	now := time.Date(2024, 5, 24, 9, 0, 0, 0, h.Plan.Location)
	h.Now = func() time.Time { return now }
	ctx := context.Background()
	report := func(task int) {
		t.Helper()
		if _, err := s.Apply(ctx, h.Plan.ID, []remindd.Event{{Action: remindd.Reported, Task: task,
			Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, By: "张科长", Source: remindd.SourceLink, At: now}}); err != nil {
			t.Fatal(err)
		}
	}
	want := func(what string, n int) {
		t.Helper()
		got, err := h.pendingCount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got != n {
			t.Errorf("%s: %d reports pending, want %d", what, got, n)
		}
	}
	report(44)
	want("first count", 1)
	report(45)
	want("another's report within the TTL", 1)
	h.pendingAdded(1) // this handler's report of 45
	want("after this handler's report", 2)
	report(46)
	now = now.Add(pendingTTL)
	want("another's report after the TTL", 3)
	if _, err := s.Apply(ctx, h.Plan.ID, []remindd.Event{{Action: remindd.Confirmed, Task: 44,
		Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, By: "林主任", Source: remindd.SourceDesk, At: now}}); err != nil {
		t.Fatal(err)
	}
	h.recorded()
	want("after a 销号 on the desk", 2)
}
