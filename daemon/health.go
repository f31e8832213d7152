package daemon

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"time"
)

// healthMaxAge is how long one probe of the store answers /healthz and
// /metrics: however many clients ask, the store is probed at most once in
// that time, and never twice at once.
const healthMaxAge = 5 * time.Second

// probeTimeout bounds one probe. It is longer than SQLite's busy timeout
// (5 s), so that a database whose write lock is held answers the probe as
// it answers a write: "database is locked".
const probeTimeout = 10 * time.Second

// probe is what one probe of the store found.
type probe struct {
	err  error                // nil: the store answered and would take a write
	runs map[string]time.Time // each job's last recorded run (job_runs)
	at   time.Time            // when the probe ended, by the daemon's clock
}

// health is the daemon's own view of its store: its last probe, and the
// outcome of its last write.
type health struct {
	clock  Clock
	maxAge time.Duration
	probe  func(context.Context) probe
	faults *faultLog

	mu      sync.Mutex
	last    probe
	probed  bool
	running chan struct{} // closed when the probe in flight ends; nil when none is
	write   error         // the last write's error, nil when it succeeded
}

func newHealth(clock Clock, probe func(context.Context) probe, faults *faultLog) *health {
	return &health{clock: clock, maxAge: healthMaxAge, probe: probe, faults: faults}
}

// current returns the last probe when it is younger than maxAge; otherwise
// it waits for a new one, started unless one is in flight, or for ctx. It
// also returns the last write's error.
func (h *health) current(ctx context.Context) (probe, error) {
	h.mu.Lock()
	if h.probed && h.clock.Now().Sub(h.last.at) < h.maxAge {
		defer h.mu.Unlock()
		return h.last, h.write
	}
	done := h.running
	if done == nil {
		done = make(chan struct{})
		h.running = done
		go h.run(done)
	}
	h.mu.Unlock()
	select {
	case <-done:
	case <-ctx.Done():
		h.mu.Lock()
		defer h.mu.Unlock()
		p := h.last
		p.err = fmt.Errorf("store check: %w", ctx.Err())
		return p, h.write
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last, h.write
}

// run probes the store, keeps the result and closes done. A failed probe
// keeps what the last good one read.
func (h *health) run(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	p := h.probe(ctx)
	p.at = h.clock.Now()
	h.mu.Lock()
	if p.err != nil {
		p.runs = h.last.runs
	}
	h.last, h.probed, h.running = p, true, nil
	h.mu.Unlock()
	// Logged before the waiters go on, so that what they do next (a test's
	// look at the log) comes after it.
	if p.err != nil {
		h.faults.Error("store check failed", p.err)
	} else {
		h.faults.OK("store check failed")
	}
	close(done)
}

// wrote records the outcome of a write to the store; one cut short by its
// context (the daemon stopping) says nothing about the store.
func (h *health) wrote(ctx context.Context, err error) {
	if err != nil && ctx.Err() != nil {
		return
	}
	h.mu.Lock()
	h.write = err
	h.mu.Unlock()
}

// probeStore is the daemon's probe: the store takes a write, and answers
// for the outbox and the job runs, which the metrics then show.
func (d *Daemon) probeStore(ctx context.Context) probe {
	var p probe
	if p.err = d.store.Probe(ctx); p.err != nil {
		return p
	}
	depth, err := d.store.Depth(ctx)
	if err != nil {
		p.err = err
		return p
	}
	if p.runs, p.err = d.store.LastRuns(ctx, d.current().plan.ID); p.err != nil {
		return p
	}
	for status, n := range depth {
		d.metrics.outbox.WithLabelValues(status).Set(float64(n))
	}
	for job, at := range p.runs {
		d.metrics.lastSuccess.WithLabelValues(job).Set(float64(at.Unix()))
	}
	return p
}

// Check reports the daemon's health from its last probe of the store (see
// healthMaxAge): unavailable when the probe failed or the last write to
// the store did. It also says, by the daemon's clock, whether the plan is
// over and how many days it has left.
func (d *Daemon) Check(ctx context.Context) Health {
	p, write := d.health.current(ctx)
	s := d.current()
	span, now := SpanOf(s.plan, time.Duration(s.config.CatchUp)), d.clock.Now()
	h := Health{Status: "ok", Store: "ok", LastSuccess: maps.Clone(p.runs), CheckedAt: p.at,
		PlanExpired: span.Expired(now), PlanDaysLeft: span.DaysLeft(now)}
	d.metrics.planDaysLeft.Set(float64(h.PlanDaysLeft))
	if h.LastSuccess == nil {
		h.LastSuccess = map[string]time.Time{}
	}
	d.mu.RLock()
	h.Leader = d.leader
	d.mu.RUnlock()
	switch {
	case p.err != nil:
		h.Status, h.Store = "unavailable", p.err.Error()
	case write != nil:
		h.Status, h.Store = "unavailable", "last write failed: "+write.Error()
	}
	if h.Status == "ok" {
		d.metrics.storeUp.Set(1)
	} else {
		d.metrics.storeUp.Set(0)
	}
	return h
}
