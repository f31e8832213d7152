package daemon

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

// TestHealthProbesOnceAtATime: clients arriving while a probe is in flight
// wait for it rather than start their own; its result answers for
// healthMaxAge by the daemon's clock, then the next client probes again.
func TestHealthProbesOnceAtATime(t *testing.T) {
	clock := &SetClock{}
	start := time.Date(2024, 6, 2, 9, 0, 0, 0, time.UTC)
	clock.Set(start)
	var calls, inFlight, most atomic.Int32
	began := make(chan struct{}, 100)
	release := make(chan struct{})
	logger, _ := test.NewNullLogger()
	h := newHealth(clock, func(context.Context) probe {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		calls.Add(1)
		began <- struct{}{}
		<-release
		return probe{runs: map[string]time.Time{"sweep": start}}
	}, newFaultLog(logrus.NewEntry(logger), clock, time.Minute))

	var wg sync.WaitGroup
	results := make(chan probe, 50)
	for i := 0; i < 50; i++ {
		wg.Go(func() {
			p, _ := h.current(context.Background())
			results <- p
		})
	}
	<-began // one probe runs; the 50 clients wait for it
	close(release)
	wg.Wait()
	close(results)
	for p := range results {
		if p.err != nil || !p.runs["sweep"].Equal(start) {
			t.Errorf("a client got %+v", p)
		}
	}
	if calls.Load() != 1 || most.Load() != 1 {
		t.Errorf("50 clients made %d probes, %d at once; want 1", calls.Load(), most.Load())
	}

	clock.Set(start.Add(healthMaxAge - time.Millisecond))
	h.current(context.Background())
	if calls.Load() != 1 {
		t.Errorf("a probe younger than %s was not reused: %d probes", healthMaxAge, calls.Load())
	}
	clock.Set(start.Add(healthMaxAge))
	h.current(context.Background())
	if calls.Load() != 2 {
		t.Errorf("a probe %s old was reused: %d probes", healthMaxAge, calls.Load())
	}
}

// TestHealthWaitIsBoundByTheClient: a client that gives up while the probe
// hangs gets an answer naming why, and the probe is not started twice.
func TestHealthWaitIsBoundByTheClient(t *testing.T) {
	clock := &SetClock{}
	release := make(chan struct{})
	defer close(release)
	var calls atomic.Int32
	logger, _ := test.NewNullLogger()
	h := newHealth(clock, func(context.Context) probe {
		calls.Add(1)
		<-release
		return probe{}
	}, newFaultLog(logrus.NewEntry(logger), clock, time.Minute))
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if p, _ := h.current(ctx); !errors.Is(p.err, context.Canceled) {
			t.Errorf("gone client got %v", p.err)
		}
	}
	if calls.Load() > 1 {
		t.Errorf("%d probes in flight at once", calls.Load())
	}
}

// TestHealthRecordsWrites: a failed write is reported until one succeeds;
// one cut short by its context is not the store's fault.
func TestHealthRecordsWrites(t *testing.T) {
	clock := &SetClock{}
	logger, _ := test.NewNullLogger()
	h := newHealth(clock, func(context.Context) probe { return probe{} }, newFaultLog(logrus.NewEntry(logger), clock, time.Minute))
	locked := errors.New("store: claim for w: database is locked (5) (SQLITE_BUSY)")
	h.wrote(context.Background(), locked)
	if _, err := h.current(context.Background()); err != locked {
		t.Errorf("after a failed write: %v", err)
	}
	stopped, cancel := context.WithCancel(context.Background())
	cancel()
	h.wrote(stopped, context.Canceled)
	if _, err := h.current(context.Background()); err != locked {
		t.Errorf("a write cut short by stopping replaced the failure: %v", err)
	}
	h.wrote(context.Background(), nil)
	if _, err := h.current(context.Background()); err != nil {
		t.Errorf("after a good write: %v", err)
	}
}

// TestHealthProbeFailuresLogAtABoundedRate: ten minutes of clients asking
// every 10 ms while the store is down log the failure once a minute, not
// once a request (50 clients wrote 10,014 lines in 15 s).
func TestHealthProbeFailuresLogAtABoundedRate(t *testing.T) {
	clock := &SetClock{}
	start := time.Date(2024, 6, 2, 9, 0, 0, 0, time.UTC)
	logger, hook := test.NewNullLogger()
	down := errors.New("store: ping: Error 1040: Too many connections")
	up := false
	h := newHealth(clock, func(context.Context) probe {
		if up {
			return probe{}
		}
		return probe{err: down}
	}, newFaultLog(logrus.NewEntry(logger), clock, time.Minute))
	for ms := 0; ms < 10*60*1000; ms += 10 {
		clock.Set(start.Add(time.Duration(ms) * time.Millisecond))
		if p, _ := h.current(context.Background()); p.err != down {
			t.Fatalf("at %d ms: %v", ms, p.err)
		}
	}
	if n := len(hook.AllEntries()); n != 10 {
		t.Errorf("%d lines for ten minutes of a store down, want 10", n)
	}
	up = true
	clock.Set(start.Add(11 * time.Minute))
	h.current(context.Background())
	if last := hook.LastEntry(); last.Message != "store check failed: recovered" {
		t.Errorf("recovery logged %q", last.Message)
	}
}
