package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestConcurrentLogins: forty sign-ins at once each get their session.
// Each clears expired sessions by a range and inserts its own: under
// MySQL's REPEATABLE READ the range's gap locks deadlocked them (bench/run
// saw twenty offices' logins answered 500).
func TestConcurrentLogins(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := s.AddUser(ctx, remindd.User{Name: "o", Role: "office"}, "h"); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Go(func() {
				id := fmt.Sprintf("%064x", i+1)
				if err := s.CreateSession(ctx, id, "o", now, now.Add(time.Hour)); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		for i := range 40 {
			if _, ok, err := s.Session(ctx, fmt.Sprintf("%064x", i+1), now); err != nil || !ok {
				t.Errorf("session %d: %v, %v", i+1, ok, err)
			}
		}
	})
}

// TestConcurrentLoginFailures: forty failed sign-ins at once, for three
// names, are each counted, as the rate limit needs.
func TestConcurrentLoginFailures(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Now()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Go(func() {
				if err := s.LoginFailed(ctx, fmt.Sprintf("k%d", i%3), now); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		n := 0
		for k := range 3 {
			c, err := s.LoginFailures(ctx, fmt.Sprintf("k%d", k), now.Add(-time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			n += c
		}
		if n != 40 {
			t.Errorf("%d failures counted, want 40", n)
		}
	})
}
