package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// outboxStates is each notification's status, attempts, next attempt and
// last error, by key.
func outboxStates(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	rows, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Key] = fmt.Sprintf("%s %d %s %s", r.Status, r.Attempts, r.NextAttempt.Format(time.RFC3339), r.LastError)
	}
	return out
}

// failOutbox enqueues a (failed after two attempts), b (pending again
// after one), c (sent) and d (pending, never tried), and returns their ids.
func failOutbox(t *testing.T, s *store.Store, now time.Time) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Enqueue(ctx, []store.Message{message("a", now), message("b", now), message("c", now)}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Claim(ctx, "w", now, 10)
	if err != nil || len(rows) != 3 {
		t.Fatalf("claim: %d rows, %v", len(rows), err)
	}
	ids := map[string]int64{}
	for _, r := range rows {
		ids[r.Key] = r.ID
	}
	for _, err := range []error{
		s.MarkRetry(ctx, ids["a"], now, "[smtp-connect] dial: connection refused"),
		s.MarkRetry(ctx, ids["b"], now.Add(time.Hour), "[robot-rate] 45009"),
		s.MarkSent(ctx, ids["c"], now),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	again, err := s.Claim(ctx, "w", now, 10)
	if err != nil || len(again) != 1 {
		t.Fatalf("claim a again: %d, %v", len(again), err)
	}
	if err := s.MarkFailed(ctx, ids["a"], "[smtp-connect] dial: connection refused"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(ctx, []store.Message{message("d", now.Add(2*time.Hour))}); err != nil {
		t.Fatal(err)
	}
	d, ok, err := s.Notification(ctx, "d")
	if err != nil || !ok {
		t.Fatalf("notification d: %v, %v", ok, err)
	}
	ids["d"] = d.ID
	return ids
}

// TestRetry: Retry makes failed notifications pending again, their attempts
// from 0, due at once, and leaves every other alone; the next claim takes
// them.
func TestRetry(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := at("2024-06-02 09:00:00")
		ids := failOutbox(t, s, now)
		failed, err := s.FailedIDs(ctx)
		if err != nil || !cmp.Equal(failed, []int64{ids["a"]}) {
			t.Fatalf("failed ids %v, %v: want a's", failed, err)
		}
		before := outboxStates(t, s)
		later := now.Add(30 * time.Minute)
		n, err := s.Retry(ctx, []int64{ids["a"], ids["b"], ids["c"], ids["d"], 999999, ids["a"]}, later)
		if err != nil || n != 1 {
			t.Fatalf("retry: %d, %v; want 1 (a, the failed one)", n, err)
		}
		after := outboxStates(t, s)
		want := map[string]string{
			"a": "pending 0 2024-06-02T01:30:00Z [smtp-connect] dial: connection refused",
			"b": before["b"], "c": before["c"], "d": before["d"],
		}
		if diff := cmp.Diff(want, after); diff != "" {
			t.Errorf("outbox after retry (-want +got):\n%s", diff)
		}
		if got, err := s.FailedIDs(ctx); err != nil || len(got) != 0 {
			t.Errorf("failed ids after retry: %v, %v", got, err)
		}
		// Again: nothing is failed, nothing changes.
		if n, err := s.Retry(ctx, []int64{ids["a"]}, later); err != nil || n != 0 {
			t.Errorf("retry again: %d, %v", n, err)
		}
		if n, err := s.Retry(ctx, nil, later); err != nil || n != 0 {
			t.Errorf("retry of nothing: %d, %v", n, err)
		}
		rows, err := s.Claim(ctx, "w", later, 10)
		if err != nil || len(rows) != 1 || rows[0].Key != "a" || rows[0].Attempts != 0 {
			t.Errorf("claim after retry: %+v, %v; want a, attempts 0", rows, err)
		}
		if _, err := s.Retry(ctx, []int64{ids["a"]}, time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)); err == nil {
			t.Error("retry at year 10000: no error")
		}
	})
}

// TestRetryIsOneTransaction: more failed ids than a statement takes are
// retried together.
func TestRetryIsOneTransaction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := at("2024-06-02 09:00:00")
		var msgs []store.Message
		for i := range 1200 {
			msgs = append(msgs, message(code(i), now))
		}
		if _, err := s.Enqueue(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Claim(ctx, "w", now, 2000)
		if err != nil || len(rows) != 1200 {
			t.Fatalf("claim: %d, %v", len(rows), err)
		}
		for _, r := range rows {
			if err := s.MarkFailed(ctx, r.ID, "[file] disk full"); err != nil {
				t.Fatal(err)
			}
		}
		ids, err := s.FailedIDs(ctx)
		if err != nil || len(ids) != 1200 {
			t.Fatalf("failed ids: %d, %v", len(ids), err)
		}
		if n, err := s.Retry(ctx, ids, now); err != nil || n != 1200 {
			t.Fatalf("retry: %d, %v", n, err)
		}
		if d, err := s.Depth(ctx); err != nil || d[store.StatusPending] != 1200 || d[store.StatusFailed] != 0 {
			t.Errorf("depth after retry: %v, %v", d, err)
		}
	})
}

// TestUndelivered: the failed notifications of a plan, then those waiting
// for another attempt, newest first, bounded; the counts are of all.
func TestUndelivered(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := at("2024-06-02 09:00:00")
		ids := failOutbox(t, s, now)
		other := message("other-plan", now)
		other.PlanID = "another-plan"
		if _, err := s.Enqueue(ctx, []store.Message{other}); err != nil {
			t.Fatal(err)
		}
		u, err := s.Undelivered(ctx, planID, 10)
		if err != nil {
			t.Fatal(err)
		}
		if u.Failed != 1 || u.Retrying != 1 || len(u.Rows) != 2 || u.Rows[0].Key != "a" || u.Rows[1].Key != "b" {
			t.Fatalf("undelivered: %+v; want a failed, then b retrying", u)
		}
		if r := u.Rows[0]; r.Body != "" || r.Status != store.StatusFailed || r.Attempts != 2 || r.LastError != "[smtp-connect] dial: connection refused" ||
			r.Recipient != (remindd.Recipient{Kind: "section", ID: "industry-mgmt"}) || r.Channel != "email" || r.Address != "hy@example.cn" {
			t.Errorf("a: %+v", r)
		}
		// Put back by Retry, a keeps its error and is listed as waiting.
		if _, err := s.Retry(ctx, []int64{ids["a"]}, now); err != nil {
			t.Fatal(err)
		}
		u, err = s.Undelivered(ctx, planID, 1)
		if err != nil {
			t.Fatal(err)
		}
		if u.Failed != 0 || u.Retrying != 2 || len(u.Rows) != 1 || u.Rows[0].Key != "b" {
			t.Errorf("undelivered after retry, limit 1: %+v; want b, the newer, of 2", u)
		}
		if _, err := s.Undelivered(ctx, planID, 0); err == nil {
			t.Error("limit 0: no error")
		}
		if u, err := s.Undelivered(ctx, "another-plan", 10); err != nil || u.Failed+u.Retrying+len(u.Rows) != 0 {
			t.Errorf("another plan: %+v, %v", u, err)
		}
		if _, ok, err := s.Notification(ctx, "no-such-key"); ok || err != nil {
			t.Errorf("unknown key: %v, %v", ok, err)
		}
	})
}

func TestAchievements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if got, err := s.Achievements(ctx, planID); err != nil || len(got) != 0 {
			t.Fatalf("a new store's achievements: %v, %v", got, err)
		}
		want := []remindd.Achievement{
			{Sector: "tourism", Metric: "demo_post", Name: "某酒店党员模范岗", Size: "规上", PostKind: "党员模范岗", Date: date("2024-05-15")},
			{Sector: "culture", Metric: "benchmark", Name: "榕溪景区", Enterprise: code(7), Date: date("2024-04-30")},
		}
		for _, a := range want {
			if _, err := s.Achieve(ctx, planID, a); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.Achieve(ctx, "another-plan", want[0]); err != nil {
			t.Fatal(err)
		}
		got, err := s.Achievements(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("achievements (-want +got):\n%s", diff)
		}
	})
}

// TestAchieveOnce: the same achievement twice is recorded once, also when
// both arrive at once; one that differs in anything is another.
func TestAchieveOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := remindd.Achievement{Sector: "tourism", Metric: "demo_post", Name: "某酒店党员模范岗", Size: "规上", PostKind: "党员模范岗", Date: date("2024-05-15")}
		id, added, err := s.AchieveOnce(ctx, planID, a)
		if err != nil || !added {
			t.Fatalf("first: %d, %v, %v", id, added, err)
		}
		again, added, err := s.AchieveOnce(ctx, planID, a)
		if err != nil || added || again != id {
			t.Errorf("again: %d, %v, %v; want %d, not added", again, added, err, id)
		}
		for _, other := range []remindd.Achievement{
			{Sector: a.Sector, Metric: a.Metric, Name: a.Name, Size: a.Size, PostKind: a.PostKind, Date: date("2024-05-16")},
			{Sector: a.Sector, Metric: a.Metric, Name: a.Name, Size: a.Size, PostKind: "青年突击手", Date: a.Date},
			{Sector: a.Sector, Metric: a.Metric, Name: a.Name, Size: a.Size, PostKind: a.PostKind, Date: a.Date, Enterprise: code(1)},
		} {
			if _, added, err := s.AchieveOnce(ctx, planID, other); err != nil || !added {
				t.Errorf("%+v: added %v, %v", other, added, err)
			}
		}
		if _, added, err := s.AchieveOnce(ctx, "another-plan", a); err != nil || !added {
			t.Errorf("another plan's: added %v, %v", added, err)
		}
		// A double click: both at once, one row.
		b := a
		b.Name = "某景区青年突击队"
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Go(func() { _, _, errs[i] = s.AchieveOnce(ctx, planID, b) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Errorf("concurrent: %v", err)
			}
		}
		got, err := s.Achievements(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 5 {
			t.Errorf("%d achievements, want 5: %+v", len(got), got)
		}
		if _, _, err := s.AchieveOnce(ctx, planID, remindd.Achievement{Sector: "tourism", Metric: "benchmark", Name: "x"}); err == nil {
			t.Error("no date: no error")
		}
	})
}
