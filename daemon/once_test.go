package daemon_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestLeadOnce: a one-off run of the jobs (tick, simulate) takes the job
// lock. On MySQL it refuses while another remindd holds it, and leaves the
// other's claims alone; alone on a SQLite file it gives what a killed
// predecessor left sending back to pending, due now.
func TestLeadOnce(t *testing.T) {
	c, p := fixture(t)
	ctx := context.Background()
	now := at(5, 24, 9, 0)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			open := func() *store.Store {
				t.Helper()
				s, err := store.Open(ctx, addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			s := open()
			if _, _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Enqueue(ctx, []store.Message{{Key: "lead:section:industry-mgmt:2024-05-31/d7:outbox", PlanID: p.ID,
				Rule: "lead", RecipientKind: "section", RecipientID: "industry-mgmt", Channel: "outbox",
				Subject: "s", Body: "b", Tasks: []int{44}, NextAttempt: now.Add(-time.Hour)}}); err != nil {
				t.Fatal(err)
			}
			if rows, err := s.Claim(ctx, "dead:1", now, 10); err != nil || len(rows) != 1 {
				t.Fatalf("claim: %d rows, %v", len(rows), err)
			}
			status := func() string {
				t.Helper()
				rows, err := s.Outbox(ctx)
				if err != nil || len(rows) != 1 {
					t.Fatalf("outbox: %d rows, %v", len(rows), err)
				}
				return rows[0].Status
			}

			d := newDaemon(t, c, p, s, "once:1")
			if b.Name == "mysql" {
				held, err := open().Lock(ctx, "jobs")
				if err != nil {
					t.Fatal(err)
				}
				_, err = d.LeadOnce(ctx, now)
				if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "another remindd is running the jobs on this database") {
					t.Errorf("LeadOnce beside a leader = %v, want it refused", err)
				}
				if got := status(); got != store.StatusSending {
					t.Errorf("the leader's claim is %s, want it left sending", got)
				}
				if err := held.Release(); err != nil {
					t.Fatal(err)
				}
			}
			release, err := d.LeadOnce(ctx, now)
			if err != nil {
				t.Fatalf("LeadOnce alone: %v", err)
			}
			want := store.StatusPending // a SQLite file has no other deliverer
			if b.Name == "mysql" {
				want = store.StatusSending // a stale claim expires after store.ClaimTimeout instead
			}
			if got := status(); got != want {
				t.Errorf("after LeadOnce the claim is %s, want %s", got, want)
			}
			second := newDaemon(t, c, p, open(), "once:2")
			if _, err := second.LeadOnce(ctx, now); !errors.Is(err, store.ErrLocked) {
				t.Errorf("a second LeadOnce = %v, want ErrLocked", err)
			}
			release()
			release2, err := second.LeadOnce(ctx, now)
			if err != nil {
				t.Fatalf("LeadOnce after the first released: %v", err)
			}
			release2()
		})
	}
}
