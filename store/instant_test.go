package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

// TestInstantsOutsideYears1To9999AreRefused is the store's part of issue
// 13's second finding: on SQLite an instant in the UTC year 10000 was
// written as text that sorts before 2024 (a job run "in the future" that
// never came), while MySQL refused it with its own message. Both backends
// now refuse it, and the year 0, before anything is written; the years'
// edges are kept to the microsecond.
func TestInstantsOutsideYears1To9999AreRefused(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		who := section("industry-mgmt")
		// 9999-12-31T23:00-08:00 is 10000-01-01T07:00 UTC: what tick --at
		// and done --at accept.
		late := time.Date(9999, 12, 31, 23, 0, 0, 0, time.FixedZone("-08", -8*3600))
		early := time.Date(0, 12, 31, 23, 0, 0, 0, time.UTC)
		for _, bad := range []time.Time{late, early} {
			refused := func(what string, err error) {
				t.Helper()
				if !errors.Is(err, store.ErrOutOfRange) {
					t.Errorf("%s at %s: %v, want ErrOutOfRange", what, bad, err)
				}
			}
			refused("complete", s.Complete(ctx, planID, remindd.Completion{Task: 44, Assignee: who, DoneAt: bad}))
			refused("record runs", s.RecordRuns(ctx, planID, []remindd.Run{{Job: "sweep", At: bad}}))
			_, err := s.Enqueue(ctx, []store.Message{{Key: "lead:section:industry-mgmt:2024-05-31/d7:log", PlanID: planID,
				Rule: "lead", RecipientKind: "section", RecipientID: "industry-mgmt", Channel: "log", NextAttempt: bad}})
			refused("enqueue", err)
			_, err = s.Snapshot(ctx, planID, bad)
			refused("snapshot", err)
			_, err = s.Claim(ctx, "w", bad, 10)
			refused("claim", err)
			_, err = s.Achieve(ctx, planID, remindd.Achievement{Sector: "tourism", Metric: "benchmark", Name: "某酒店",
				Date: plan.Date{Year: bad.UTC().Year(), Month: time.June, Day: 1}})
			refused("achieve", err)
		}
		for _, table := range []string{"completions", "job_runs", "notifications", "achievements"} {
			if n := count(t, s, "SELECT COUNT(*) FROM "+table); n != 0 {
				t.Errorf("%s has %d rows after the refusals", table, n)
			}
		}

		// The edges are held, and sort as time.
		first := time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
		last := time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)
		if err := s.RecordRuns(ctx, planID, []remindd.Run{{Job: "sweep", At: first}, {Job: "digest", At: last}}); err != nil {
			t.Fatal(err)
		}
		runs, err := s.LastRuns(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		if !runs["sweep"].Equal(first) || !runs["digest"].Equal(last) {
			t.Errorf("runs %v, want sweep %s and digest %s", runs, first, last)
		}
		if err := s.RecordRuns(ctx, planID, []remindd.Run{{Job: "sweep", At: at("2024-05-24 09:00:00")}}); err != nil {
			t.Fatal(err)
		}
		if runs, err := s.LastRuns(ctx, planID); err != nil || !runs["sweep"].Equal(at("2024-05-24 09:00:00")) {
			t.Errorf("sweep after 0001-01-01 and 2024-05-24: %v, %v", runs, err)
		}
	})
}
