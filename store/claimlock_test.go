package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestClaimLeavesMessagesBeingSentAlone: on MySQL a claim, while it runs,
// holds no lock on the messages other claims took and are sending (none of
// them stale), so the deliverer marking one it just sent does not wait for
// the claim. A claim that looked for stale claims with its locking query
// held every message being sent (claimed_at is not in the index it reads)
// until it committed: each mark that met a claim waited for it, tens of
// milliseconds on a loaded server, while the sends went on unmarked.
func TestClaimLeavesMessagesBeingSentAlone(t *testing.T) {
	s := storetest.Backends(t)[1].Open(t)
	ctx := context.Background()
	var msgs []store.Message
	for i := range 4 {
		msgs = append(msgs, store.Message{Key: fmt.Sprintf("k%d", i), PlanID: "p", Rule: "lead", Channel: "mail",
			NextAttempt: time.Date(2024, 5, 24, 1, 0, i, 0, time.UTC)})
	}
	if _, err := s.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2024, 5, 24, 2, 0, 0, 0, time.UTC)
	sending, err := s.Claim(ctx, "a", now, 2)
	if err != nil || len(sending) != 2 {
		t.Fatalf("first claim: %v, %v", sending, err)
	}
	var marked int
	var markErr error
	s.SetClaimRead(func() {
		s.SetClaimRead(nil)
		// Bounded so that a mark that waits for the claim fails the test
		// instead of hanging it: without the claim's locks it takes
		// milliseconds.
		mctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		marked, markErr = s.MarkAllSent(mctx, []int64{sending[0].ID}, now)
	})
	next, err := s.Claim(ctx, "b", now.Add(time.Minute), 2)
	if err != nil || len(next) != 2 {
		t.Fatalf("second claim: %v, %v", next, err)
	}
	if markErr != nil || marked != 1 {
		t.Errorf("marking a message being sent during a claim: %d marked, %v", marked, markErr)
	}
}
