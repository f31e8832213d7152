// Package daemon runs remindd as a service: it wires the configuration, the
// plan, the store, the rules and the channels; decides at each scheduled job
// time (catching up after downtime), enqueues what is due and drains the
// outbox; and serves health and metrics. Tick and Simulate drive the very
// same code with a given clock.
package daemon

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/deliver"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// Clock tells the time; the daemon never reads the wall clock itself.
type Clock interface{ Now() time.Time }

// WallClock is the real clock.
type WallClock struct{}

// Now is time.Now.
func (WallClock) Now() time.Time { return time.Now() }

// ShiftedClock is the real clock moved by a fixed offset: run --at T lives
// from T on, at the wall clock's pace, so that a past plan (a demo, an
// acceptance check) can be run as a service, its links not yet expired.
type ShiftedClock struct{ Offset time.Duration }

// ShiftTo is the clock that reads at now.
func ShiftTo(at time.Time) ShiftedClock { return ShiftedClock{Offset: time.Until(at)} }

// Now is time.Now plus the offset.
func (c ShiftedClock) Now() time.Time { return time.Now().Add(c.Offset) }

// SetClock is a clock that says what it was last set to; Tick and Simulate
// use it so that channels (rate limits) live in the simulated time.
type SetClock struct {
	mu sync.Mutex
	t  time.Time
}

// Now returns the time last set.
func (c *SetClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Set sets the time.
func (c *SetClock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// Daemon holds one configuration's running parts. Its fields are replaced
// as a whole on reload.
type Daemon struct {
	mu      sync.RWMutex
	setup   *setup
	store   *store.Store
	log     *logrus.Entry
	clock   Clock
	worker  string
	metrics *Metrics
	leader  bool
	health  *health

	debts deliver.Debts // what drains could not write to the store, kept across reloads

	// localOnly keeps out of the outbox what would go through a channel
	// that reaches people (see WriteLocalOnly).
	localOnly bool

	// beforeCatchUp, when set (by a test), runs first in Run's start-up
	// catch-up.
	beforeCatchUp func()
}

// setup is what a config and plan build; a reload swaps it whole.
type setup struct {
	config   *config.Config
	plan     *plan.Plan
	engine   *schedule.Engine
	renderer *render.Renderer
	// links makes the personal links, nil without a web block.
	links     *link.Linker
	channels  map[string]notify.Channel
	deliverer *deliver.Deliverer
}

// Options are the daemon's dependencies.
type Options struct {
	Config *config.Config
	Plan   *plan.Plan
	Store  *store.Store
	Log    *logrus.Entry
	Clock  Clock
	// Worker names this process in outbox claims (host:pid).
	Worker string
}

// New builds a daemon; the store must be migrated.
func New(o Options) (*Daemon, error) {
	d := &Daemon{store: o.Store, log: o.Log, clock: o.Clock, worker: o.Worker, metrics: NewMetrics()}
	if d.clock == nil {
		d.clock = WallClock{}
	}
	if d.log == nil {
		d.log = logrus.NewEntry(logrus.StandardLogger())
	}
	d.health = newHealth(d.clock, d.probeStore, newFaultLog(d.log, d.clock, time.Minute))
	s, err := d.build(o.Config, o.Plan)
	if err != nil {
		return nil, err
	}
	d.setup = s
	return d, nil
}

func (d *Daemon) build(c *config.Config, p *plan.Plan) (*setup, error) {
	links, err := Links(c, p)
	if err != nil {
		return nil, err
	}
	opts := []render.Option{render.WithMaxItems(c.Rules.MaxItems)}
	if links != nil {
		opts = append(opts, render.WithLinks(links.URL), render.WithDesk(links.BaseURL))
	}
	r, err := render.NewRenderer(p, c.TemplatesPath(), opts...)
	if err != nil {
		return nil, err
	}
	// The log channel's lines carry the channel's name in their fields.
	chans, err := notify.Channels(c, notify.Options{Now: d.clock.Now, Log: notify.LoggerFunc(func(msg string, f map[string]any) {
		d.log.WithFields(f).Info(msg)
	})})
	if err != nil {
		return nil, err
	}
	dl := deliver.New(deliver.Options{
		Store: d.store, Worker: d.worker, Channels: chans,
		Policy: deliveryPolicy(c.Delivery, d.store.Driver()),
		Log:    d.log,
		Debts:  &d.debts,
		Observe: func(o deliver.Outcome) {
			d.metrics.delivered.WithLabelValues(o.Row.Rule, o.Row.Channel, o.Status()).Inc()
		},
	})
	return &setup{config: c, plan: p, engine: schedule.New(p, c), renderer: r, links: links, channels: chans, deliverer: dl}, nil
}

// deliveryPolicy is how the deliverer runs on a store of driver. On SQLite
// the writer is this process and a mark takes a fraction of a millisecond:
// marks follow one another as soon as each is done, and the sender waits for
// them beyond deliver.DefaultUnmarked, which bounds what a crash sends twice.
// On MySQL a mark is a round trip to the server and a commit with its
// fsync: marks begin at most every 3 ms and the sender waits only beyond a
// batch, so that the server's commits do not set the pace of delivery
// (bench/RESULTS.md §3: with a bound of 5 there, about half the throughput).
func deliveryPolicy(c config.Delivery, driver string) deliver.Policy {
	p := deliver.Policy{
		Batch: c.Batch, MaxAttempts: c.MaxAttempts,
		BackoffBase: time.Duration(c.BackoffBase), BackoffMax: time.Duration(c.BackoffMax),
		DrainTimeout: time.Duration(c.DrainTimeout),
	}
	if driver == "mysql" {
		p.Unmarked, p.MarkEvery = c.Batch, 3*time.Millisecond
	}
	return p
}

// Delivery counts what one drain of the outbox did.
type Delivery = deliver.Result

// Deliver drains the outbox at instant now with the current channels (see
// deliver.Deliverer.Drain): until nothing is due or ctx is done, then
// within the configured drain timeout.
func (d *Daemon) Deliver(ctx context.Context, now time.Time) (Delivery, error) {
	return d.current().deliverer.Drain(ctx, now)
}

// Reload swaps in a new config and plan. When they cannot be built, the old
// ones stay and the error says why.
func (d *Daemon) Reload(c *config.Config, p *plan.Plan) error {
	s, err := d.build(c, p)
	if err != nil {
		return err
	}
	d.swap(s)
	return nil
}

// swap puts s in charge.
func (d *Daemon) swap(s *setup) {
	d.mu.Lock()
	d.setup = s
	d.mu.Unlock()
}

func (d *Daemon) current() *setup {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.setup
}

// TickResult says what one tick did.
type TickResult struct {
	Decided  int
	Enqueued int
	// Withheld counts the decided notifications left out of the outbox
	// because their channel reaches people (WriteLocalOnly).
	Withheld int
	Runs     []remindd.Run
	Delivery Delivery
}

// kind is the type of the named channel, "" when it is not configured.
func (s *setup) kind(channel string) string {
	if ch, ok := s.config.Channel(channel); ok {
		return ch.Type
	}
	return ""
}

// localKinds are the channel types that reach nobody: a folder, the log.
var localKinds = map[string]bool{"file": true, "log": true}

// WriteLocalOnly makes Decide leave out of the outbox every notification on
// a channel that reaches people (e-mail, robots, webhooks: every type but
// file and log), counting them as withheld: a simulation then writes files
// and log lines and sends nothing, and leaves nothing pending that a later
// run would send. It returns the configured channels so skipped, each as
// "name (type)".
func (d *Daemon) WriteLocalOnly() []string {
	d.mu.Lock()
	d.localOnly = true
	d.mu.Unlock()
	var skipped []string
	for _, ch := range d.current().config.Channels {
		if !localKinds[ch.Type] {
			skipped = append(skipped, fmt.Sprintf("%s (%s)", ch.Name, ch.Type))
		}
	}
	return skipped
}

// Decide runs, at instant at, each job whose time passed since its last
// recorded run (within the catch-up window), renders what is due and
// enqueues it together with the runs, in one transaction.
func (d *Daemon) Decide(ctx context.Context, at time.Time) (TickResult, error) {
	s := d.current()
	state, err := d.store.Snapshot(ctx, s.plan.ID, at)
	if err != nil {
		return TickResult{}, err
	}
	last, err := d.store.LastRuns(ctx, s.plan.ID)
	if err != nil {
		return TickResult{}, err
	}
	ns, runs, err := s.engine.Due(state, at, last)
	if err != nil {
		return TickResult{}, err
	}
	withheld := 0
	d.mu.RLock()
	localOnly := d.localOnly
	d.mu.RUnlock()
	if localOnly {
		kept := ns[:0]
		for _, n := range ns {
			if localKinds[s.kind(n.Channel)] {
				kept = append(kept, n)
			}
		}
		withheld, ns = len(ns)-len(kept), kept
	}
	// Most of what a day's jobs decide was enqueued on an earlier day:
	// render only what the outbox does not hold yet. A morning message is
	// new when one of its items is: it lists those only.
	keys := make([]string, 0, len(ns))
	for i := range ns {
		keys = append(keys, ns[i].Key)
		keys = append(keys, ns[i].PartKeys()...)
	}
	have, err := d.store.ExistingKeys(ctx, keys)
	if err != nil {
		return TickResult{}, err
	}
	sent := func(k string) bool { return have[k] }
	fresh := ns[:0:0]
	for _, n := range ns {
		if have[n.Key] {
			continue
		}
		if n, ok := n.Without(sent); ok {
			fresh = append(fresh, n)
		}
	}
	// The office's digest carries the month's forms (附件4, 附件5), read
	// before the enqueue's transaction begins.
	monthly := d.digestForms(ctx, s, fresh, at)
	msgs := func(yield func(store.Message, error) bool) {
		for _, n := range fresh {
			var attachments []render.Attachment
			if f := monthly[digestMonth(n)]; f != nil {
				n, attachments = f.withForms(n), f.files
			}
			m, err := s.renderer.Render(n)
			if err != nil {
				yield(store.Message{}, fmt.Errorf("render %s: %w", n.Key, err))
				return
			}
			m.Attachments = attachments
			body, err := render.Encode(m, s.kind(n.Channel))
			if err != nil {
				yield(store.Message{}, err)
				return
			}
			if !yield(store.Message{
				Key: n.Key, PlanID: s.plan.ID, Rule: string(n.Rule),
				RecipientKind: n.Recipient.Kind, RecipientID: n.Recipient.ID,
				Channel: n.Channel, Address: n.Address, Subject: m.Subject, Body: body,
				Tasks: n.Tasks, Items: n.PartKeys(), Events: escalations(n, at), NextAttempt: at,
			}, nil) {
				return
			}
		}
	}
	record := SpanOf(s.plan, time.Duration(s.config.CatchUp)).recordable(runs)
	added, err := d.store.EnqueueAndRecord(ctx, s.plan.ID, msgs, record)
	d.health.wrote(ctx, err)
	if err != nil {
		return TickResult{}, err
	}
	for _, r := range runs {
		d.metrics.jobRuns.WithLabelValues(r.Job).Inc()
	}
	for _, n := range ns {
		d.metrics.decided.WithLabelValues(string(n.Rule), n.Channel).Inc()
	}
	if added > 0 || len(runs) > 0 {
		d.log.WithFields(logrus.Fields{"at": at.Format(time.RFC3339), "decided": len(ns) + withheld, "enqueued": added, "withheld": withheld, "jobs": jobNames(runs)}).Info("jobs run")
	}
	return TickResult{Decided: len(ns) + withheld, Enqueued: added, Withheld: withheld, Runs: runs}, nil
}

// escalations are the events an escalation (催办) is kept as in the
// history: one per task copied to the section's leaders.
func escalations(n remindd.Notification, at time.Time) []remindd.Event {
	if n.Rule != remindd.Escalate {
		return nil
	}
	out := make([]remindd.Event, 0, len(n.Tasks))
	for _, t := range n.Tasks {
		out = append(out, remindd.Event{Action: remindd.Escalated, Task: t, Assignee: n.Recipient,
			By: "remindd", Source: remindd.SourceRule, Note: "逾期任务抄送分管领导（" + n.Channel + "）", At: at})
	}
	return out
}

// Tick is what the daemon does on waking at instant at: decide, then
// deliver what is due.
func (d *Daemon) Tick(ctx context.Context, at time.Time) (TickResult, error) {
	if c, ok := d.clock.(*SetClock); ok {
		c.Set(at)
	}
	res, err := d.Decide(ctx, at)
	if err != nil {
		return res, err
	}
	res.Delivery, err = d.Deliver(ctx, at)
	return res, err
}

// Simulate replays every scheduled job time in (from, to], in order, as the
// daemon would have lived through them, ticking at each; report, when not
// nil, is called after each tick.
func (d *Daemon) Simulate(ctx context.Context, from, to time.Time, report func(time.Time, TickResult)) error {
	jobs, err := d.current().engine.Jobs()
	if err != nil {
		return err
	}
	var times []time.Time
	for _, j := range jobs {
		for t := j.Schedule.Next(from); !t.IsZero() && !t.After(to); t = j.Schedule.Next(t) {
			times = append(times, t)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })
	times = append(times, to)
	var prev time.Time
	for i, t := range times {
		if t.Equal(prev) {
			continue
		}
		prev = t
		if err := ctx.Err(); err != nil {
			return err
		}
		res, err := d.Tick(ctx, t)
		if err != nil {
			return fmt.Errorf("tick at %s: %w", t.Format(time.RFC3339), err)
		}
		if report != nil && (res.Enqueued > 0 || res.Withheld > 0 || res.Delivery != (Delivery{})) {
			report(t, res)
		}
		// Retries fall between job times: deliver at each, as the
		// every-minute delivery job would.
		next := to
		if i+1 < len(times) {
			next = times[i+1]
		}
		if err := d.retryUntil(ctx, next, report); err != nil {
			return err
		}
	}
	return nil
}

// retryUntil delivers, at each pending message's next attempt before until,
// what is due then.
func (d *Daemon) retryUntil(ctx context.Context, until time.Time, report func(time.Time, TickResult)) error {
	for {
		at, ok, err := d.store.NextDue(ctx)
		if err != nil || !ok || !at.Before(until) {
			return err
		}
		if c, ok := d.clock.(*SetClock); ok {
			c.Set(at)
		}
		dl, err := d.Deliver(ctx, at)
		if err != nil {
			return err
		}
		if dl == (Delivery{}) {
			return fmt.Errorf("a message due at %s could not be claimed", at.Format(time.RFC3339))
		}
		if report != nil {
			report(at, TickResult{Delivery: dl})
		}
	}
}

func jobNames(runs []remindd.Run) []string {
	out := make([]string, len(runs))
	for i, r := range runs {
		out[i] = r.Job
	}
	return out
}
