package web

import (
	"context"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestOverviewAfterLinkReports: a report through a link never makes the
// office wait for the overview's snapshot: the cached figures are served
// and new ones worked out in the background, at most every
// overviewRefreshEvery; a change on the desk is shown on the next overview.
func TestOverviewAfterLinkReports(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		h := internalHandler(t, s)
		p := h.Plan
		var pending []func()
		h.overviewCache.spawn = func(f func()) { pending = append(pending, f) }
		ctx := context.Background()
		now := time.Date(2024, 5, 24, 9, 0, 0, 0, p.Location)
		reported := func(at time.Time) int {
			t.Helper()
			f, err := h.overviewFigures(ctx, at)
			if err != nil {
				t.Fatal(err)
			}
			for _, sp := range f.sections {
				if sp.ID == "industry-mgmt" {
					return sp.Reported
				}
			}
			t.Fatal("no industry-mgmt in the overview")
			return 0
		}
		report := func(task int) {
			t.Helper()
			if _, err := s.Apply(ctx, p.ID, []remindd.Event{{Action: remindd.Reported, Task: task,
				Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, At: now}}); err != nil {
				t.Fatal(err)
			}
		}
		if got := reported(now); got != 0 {
			t.Fatalf("reported %d before any report", got)
		}
		report(44)
		h.reportedThroughLink()
		if got := reported(now.Add(time.Second)); got != 0 || len(pending) != 1 {
			t.Fatalf("right after a link report: %d reported, %d refreshes; want the cached 0 and one refresh", got, len(pending))
		}
		report(45)
		h.reportedThroughLink()
		if reported(now.Add(2 * time.Second)); len(pending) != 1 {
			t.Fatalf("a second report within %s started %d refreshes, want 1", overviewRefreshEvery, len(pending))
		}
		pending[0]()
		if got := reported(now.Add(3 * time.Second)); got != 2 {
			t.Errorf("after the refresh: %d reported, want 2", got)
		}
		// The second report came after the first refresh began: once the
		// interval is over, another refresh, and no more.
		if reported(now.Add(7 * time.Second)); len(pending) != 2 {
			t.Fatalf("%s after: %d refreshes, want 2", overviewRefreshEvery, len(pending))
		}
		pending[1]()
		if reported(now.Add(20 * time.Second)); len(pending) != 2 {
			t.Errorf("with no report since: %d refreshes, want 2", len(pending))
		}
		// The desk's own change: the next overview works it out, no waiting for the background.
		if _, err := s.Apply(ctx, p.ID, []remindd.Event{{Action: remindd.Confirmed, Task: 44,
			Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, At: now}}); err != nil {
			t.Fatal(err)
		}
		h.recorded()
		if got := reported(now.Add(9 * time.Second)); got != 1 || len(pending) != 2 {
			t.Errorf("after 销号 on the desk: %d reported, %d refreshes; want 1 at once", got, len(pending))
		}
	})
}
