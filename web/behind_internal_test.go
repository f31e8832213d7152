package web

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// internalHandler is a handler of the shipped plan over s, with the
// default config, its log dropped, for tests of its caches.
func internalHandler(t *testing.T, s *store.Store) *handler {
	t.Helper()
	p, err := plan.Load("../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	l := logrus.New()
	l.SetOutput(io.Discard)
	return &handler{Options: Options{Plan: p, Store: s, Config: &c, Log: logrus.NewEntry(l)}, engine: schedule.New(p, &c)}
}

// TestBehindCache: the enterprises behind are computed once, served from
// the cache, and refreshed (in the background) once old or after the
// handler recorded something; a page in the meantime gets the last list.
func TestBehindCache(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		h := internalHandler(t, s)
		p := h.Plan
		var pending []func()
		h.behindCache.spawn = func(f func()) { pending = append(pending, f) }
		ctx := context.Background()
		ent := remindd.Enterprise{ID: "91350582MA2Y1234X1", Name: "小浪花", Sector: "tourism", Size: "小微", Active: true}
		if _, _, err := s.UpsertEnterprises(ctx, []remindd.Enterprise{ent}); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2024, 5, 24, 9, 0, 0, 0, p.Location)
		names := func(at time.Time) []string {
			t.Helper()
			sum, _, err := h.behindOf(ctx, "industry-mgmt", at)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			if sum == nil {
				return nil
			}
			for _, b := range sum.Top {
				out = append(out, b.Name)
			}
			return out
		}
		if got := names(now); len(got) != 1 || got[0] != ent.Name {
			t.Fatalf("behind %v, want %s", got, ent.Name)
		}
		// The enterprise catches up: every overdue task recorded.
		var changes []remindd.Event
		for _, o := range h.engine.Obligations(&remindd.State{Enterprises: []remindd.Enterprise{ent}}, now, remindd.Recipient{Kind: remindd.KindEnterprise, ID: ent.ID}) {
			if o.Left < 0 {
				changes = append(changes, remindd.Event{Action: remindd.Recorded, Task: o.Task.N, Assignee: remindd.Recipient{Kind: remindd.KindEnterprise, ID: ent.ID}, By: "x", Source: remindd.SourceLink, At: now})
			}
		}
		if _, err := s.Apply(ctx, p.ID, changes); err != nil {
			t.Fatal(err)
		}
		if got := names(now.Add(time.Second)); len(got) != 1 || len(pending) != 0 {
			t.Fatalf("within the TTL: behind %v with %d refreshes, want the cached list and none", got, len(pending))
		}
		h.recorded()
		if got := names(now.Add(2 * time.Second)); len(got) != 1 || len(pending) != 1 {
			t.Fatalf("after a record: behind %v with %d refreshes, want the cached list while one refresh runs", got, len(pending))
		}
		names(now.Add(3 * time.Second))
		if len(pending) != 1 {
			t.Fatalf("%d refreshes started, want one at a time", len(pending))
		}
		pending[0]()
		if got := names(now.Add(4 * time.Second)); len(got) != 0 {
			t.Errorf("after the refresh: behind %v, want none", got)
		}
		// Reports through links refresh them at most every
		// behindRefreshEvery, counted from the last refresh's start.
		h.reportedThroughLink()
		names(now.Add(2*time.Second + behindRefreshEvery - time.Second))
		if len(pending) != 1 {
			t.Fatalf("%d refreshes within %v of the last, after a report through a link: want none more", len(pending)-1, behindRefreshEvery)
		}
		names(now.Add(2*time.Second + behindRefreshEvery))
		if len(pending) != 2 {
			t.Fatalf("%d refreshes %v after the last, after a report through a link: want 2", len(pending), behindRefreshEvery)
		}
		pending[1]()
		names(now.Add(3*time.Second + behindRefreshEvery))
		if len(pending) != 2 {
			t.Fatalf("%d refreshes without anything new: want 2", len(pending))
		}
		// Old lists are refreshed without a record too.
		names(now.Add(2*time.Second + behindRefreshEvery + behindTTL))
		if len(pending) != 3 {
			t.Errorf("%d refreshes after the TTL, want 3", len(pending))
		}
	})
}
