// Package deliver drains the outbox: it claims due messages from the store in
// batches, sends them through their channels, and records what became of
// each (sent, to be tried again after a backoff, failed) as soon as its
// channel tells it.
//
// It keeps two promises. The crash window: a marker writes, in one
// statement, every send completed since it last began a write, so that a
// process killed at any moment leaves sent and not marked only what
// completed since the last mark began, and never more than Policy.Unmarked
// (the sender waits for the marks beyond that). Those are sent again when
// their claims are released or go stale; nothing is ever lost. The drain
// bound: a drain whose context is done claims nothing more and gives back
// what it claimed and had not begun to send; the sends in flight may finish
// for DrainTimeout, then are cancelled, and the marks of what completed may
// still be written for MarkGrace.
//
// The store is reached through Store, the few methods delivery needs.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
	"golang.org/x/sync/errgroup"

	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/store"
)

// Store is what delivery needs of the outbox; *store.Store has it.
type Store interface {
	// Claim takes up to limit messages due at now for worker, stale claims
	// first, and marks them sending; two workers never take one message.
	Claim(ctx context.Context, worker string, now time.Time, limit int) ([]store.OutboxRow, error)
	// Unclaim gives back messages worker claimed and did not send.
	Unclaim(ctx context.Context, worker string, ids []int64) (int, error)
	// MarkAllSent marks sending messages sent, in one statement.
	MarkAllSent(ctx context.Context, ids []int64, at time.Time) (int, error)
	// MarkRetry counts a failed attempt and makes the message due at next.
	MarkRetry(ctx context.Context, id int64, next time.Time, errText string) error
	// MarkFailed counts a last failed attempt and gives the message up.
	MarkFailed(ctx context.Context, id int64, errText string) error
	// ReleaseOwnClaims gives back every message worker still has sending:
	// due again at now.
	ReleaseOwnClaims(ctx context.Context, worker string, now time.Time) (int, error)
}

// Policy is how a drain claims, retries and stops.
type Policy struct {
	// Batch is how many messages one claim takes.
	Batch int
	// Unmarked bounds the messages sent and not yet marked, the one in
	// flight counted: the sender waits for the marks before it begins a
	// send beyond it. It is the most a crash can send twice (per drain:
	// two run at once only when the start-up catch-up meets the delivery
	// job). Default DefaultUnmarked.
	Unmarked int
	// MaxAttempts is how many times a message is tried before it fails.
	MaxAttempts int
	// BackoffBase is the wait after the first temporary failure; it doubles
	// with each attempt up to BackoffMax, with a jitter of up to a fifth.
	BackoffBase, BackoffMax time.Duration
	// MarkEvery spaces the marks: one begins no sooner than this after the
	// one before began (0: as soon as that one is done). Each mark is a
	// commit; fewer, larger ones cost the store less, and a crash may then
	// send twice what completed in that time more (within Unmarked).
	MarkEvery time.Duration
	// DrainTimeout is how long sends in flight may finish once the drain's
	// context is done.
	DrainTimeout time.Duration
}

// DefaultUnmarked is the default Policy.Unmarked. A mark is one statement
// and one commit, well under a millisecond on SQLite, and a send to a real
// mail server or robot takes longer than that: the sender seldom waits,
// only when the store is slow, and a crash still sends at most this many
// twice.
const DefaultUnmarked = 5

// Options are a Deliverer's parts.
type Options struct {
	Store Store
	// Worker names this process in claims (host:pid).
	Worker string
	// Channels by name, as the outbox's rows name them.
	Channels map[string]notify.Channel
	Policy   Policy
	// MarkGrace is how long, once the sends are cancelled at the drain
	// bound, what completed may still be marked. Default 2 s.
	MarkGrace time.Duration
	// After is the clock of the drain bound and of the marks' spacing.
	// Default time.After.
	After func(time.Duration) <-chan time.Time
	// Log receives a line per deferred or failed message and per drain.
	// Default: the standard logger.
	Log *logrus.Entry
	// Observe, when set, is told each message's outcome as it is recorded
	// (the metrics).
	Observe func(Outcome)
	// Debts is what drains could not write; Deliverers that follow one
	// another on one store and worker (a reload builds a new one) share it.
	// Default: the Deliverer's own.
	Debts *Debts
}

// Deliverer drains the outbox; one may run several drains at once (claims
// keep them apart).
type Deliverer struct {
	o Options
	// onWait, when set (tests), is called each time the sender waits for
	// the marks.
	onWait func()
}

// New builds a Deliverer.
func New(o Options) *Deliverer {
	if o.Policy.Batch <= 0 {
		o.Policy.Batch = 100
	}
	if o.Policy.Unmarked <= 0 {
		o.Policy.Unmarked = DefaultUnmarked
	}
	if o.MarkGrace <= 0 {
		o.MarkGrace = 2 * time.Second
	}
	if o.After == nil {
		o.After = time.After
	}
	if o.Log == nil {
		o.Log = logrus.NewEntry(logrus.StandardLogger())
	}
	if o.Debts == nil {
		o.Debts = &Debts{}
	}
	return &Deliverer{o: o}
}

// Result counts what one drain did.
type Result struct {
	Sent, Retried, Failed int
}

// Outcome is what became of one claimed message.
type Outcome struct {
	Row store.OutboxRow
	// Err is nil when the message was sent.
	Err error
	// Next is when a message worth retrying is tried again; zero when it
	// was sent or failed for good.
	Next time.Time
}

// Status is sent, retry or failed.
func (o Outcome) Status() string {
	switch {
	case o.Err == nil:
		return store.StatusSent
	case !o.Next.IsZero():
		return "retry"
	}
	return store.StatusFailed
}

// Drain delivers what is due at instant now, until nothing is left or ctx
// is done. Three stages overlap, under an errgroup:
//
//   - the claimer takes batches of Policy.Batch and decodes them, one batch
//     ahead of the sender;
//   - the sender sends each batch through its channels, grouped by channel
//     in claim order (an e-mail channel keeps its connection from batch to
//     batch and closes it at the end of the drain), and hands each outcome
//     to the marker the moment its channel tells it;
//   - the marker writes whatever outcomes have come in since its last
//     write, as soon as that write is done: the sent ones in one statement,
//     retries with their backoff, failures.
//
// When ctx is done the claimer stops, a batch claimed and not begun is given
// back, and the batch being sent may finish within Policy.DrainTimeout. What
// the store could not take (it went away) is kept in Debts and written
// first thing by the next drain. The error is the store's, the first a
// stage met.
func (d *Deliverer) Drain(ctx context.Context, now time.Time) (Result, error) {
	d.o.Debts.drain.Lock()
	defer d.o.Debts.drain.Unlock()
	sending, writing, release := d.bound(ctx)
	defer release()
	if err := d.o.Debts.settle(writing, d.o.Store, d.o.Worker, now); err != nil {
		return Result{}, err
	}

	g, quit := errgroup.WithContext(ctx)
	// quit ends claiming and sending: ctx is done, or a stage failed.
	quit, stop := context.WithCancel(quit)
	defer stop()
	claims := make(chan claim, 1)
	done := newLedger(d.o.Policy.Unmarked)
	done.onWait = d.onWait
	g.Go(func() error {
		defer close(claims)
		return d.claim(quit, writing, now, claims)
	})
	g.Go(func() error {
		defer done.close()
		for c := range claims {
			if quit.Err() != nil {
				d.unclaim(writing, c.rows)
				continue
			}
			d.send(sending, c, now, done)
		}
		return nil
	})
	var total Result
	g.Go(func() error { return d.mark(writing, now, done, stop, &total) })
	err := g.Wait()

	for _, ch := range d.o.Channels {
		notify.CloseIdle(ch)
	}
	if total != (Result{}) {
		d.o.Log.WithFields(logrus.Fields{"sent": total.Sent, "retried": total.Retried, "failed": total.Failed}).Info("outbox drained")
	}
	return total, err
}

// bound returns the contexts of a drain's sends and store writes. They
// outlive ctx: once it is done, the sends are cancelled after
// DrainTimeout and the writes MarkGrace later. release ends them when the
// drain is over.
func (d *Deliverer) bound(ctx context.Context) (sending, writing context.Context, release func()) {
	writing, cancelWrites := context.WithCancel(context.WithoutCancel(ctx))
	sending, cancelSends := context.WithCancel(writing)
	over := make(chan struct{})
	go func() {
		select {
		case <-over:
			return
		case <-ctx.Done():
		}
		select {
		case <-over:
			return
		case <-d.o.After(d.o.Policy.DrainTimeout):
		}
		d.o.Log.WithField("bound", d.o.Policy.DrainTimeout.String()).Warn("sends still in flight at the drain bound: cancelling them")
		cancelSends()
		select {
		case <-over:
		case <-d.o.After(d.o.MarkGrace):
			cancelWrites()
		}
	}()
	return sending, writing, func() {
		close(over)
		cancelWrites()
	}
}

// claim is a claimed batch, its stored bodies decoded.
type claim struct {
	rows []store.OutboxRow
	msgs []render.Message
	errs []error // a body that cannot be decoded is not sent
}

func decode(rows []store.OutboxRow) claim {
	c := claim{rows: rows, msgs: make([]render.Message, len(rows)), errs: make([]error, len(rows))}
	for i, r := range rows {
		c.msgs[i], c.errs[i] = render.Decode(r.Body)
		c.msgs[i].To = r.Address
	}
	return c
}

// claim takes batches until none is due or quit is done, and hands them to
// the sender; a batch it holds when quit is done goes back.
func (d *Deliverer) claim(quit, ctx context.Context, now time.Time, out chan<- claim) error {
	for quit.Err() == nil {
		rows, err := d.o.Store.Claim(ctx, d.o.Worker, now, d.o.Policy.Batch)
		if err != nil {
			d.o.Debts.claimFailed()
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		select {
		case out <- decode(rows):
		case <-quit.Done():
			d.unclaim(ctx, rows)
			return nil
		}
	}
	return nil
}

// unclaim gives back a batch claimed but not sent; if the store is down,
// the next drain does.
func (d *Deliverer) unclaim(ctx context.Context, rows []store.OutboxRow) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if _, err := d.o.Store.Unclaim(ctx, d.o.Worker, ids); err != nil {
		d.o.Log.WithError(err).WithField("messages", len(ids)).Warn("claimed messages not given back; the next drain will")
		d.o.Debts.owe(nil, time.Time{}, ids)
	}
}

// send sends a claimed batch, channel by channel in claim order, and hands
// each message's outcome to done as soon as its channel tells it.
func (d *Deliverer) send(ctx context.Context, c claim, now time.Time, done *ledger) {
	var order []string
	groups := map[string][]int{}
	for i, r := range c.rows {
		if c.errs[i] != nil {
			done.add(d.outcome(r, c.errs[i], now))
			continue
		}
		if _, ok := groups[r.Channel]; !ok {
			order = append(order, r.Channel)
		}
		groups[r.Channel] = append(groups[r.Channel], i)
	}
	for _, name := range order {
		index := groups[name]
		ch, ok := d.o.Channels[name]
		if !ok {
			for _, i := range index {
				done.add(d.outcome(c.rows[i], fmt.Errorf("channel %q is not configured", name), now))
			}
			continue
		}
		batch := make([]render.Message, len(index))
		for j, i := range index {
			batch[j] = c.msgs[i]
		}
		notify.SendEach(ctx, ch, batch, func(j int, err error) {
			done.add(d.outcome(c.rows[index[j]], err, now))
		})
	}
}

// outcome decides what becomes of a message sent at now with result err.
func (d *Deliverer) outcome(r store.OutboxRow, err error, now time.Time) Outcome {
	o := Outcome{Row: r, Err: err}
	if err != nil && notify.Temporary(err) && r.Attempts+1 < d.o.Policy.MaxAttempts {
		o.Next = now.Add(backoff(d.o.Policy, r.Key, r.Attempts, err))
	}
	return o
}

// mark writes the outcomes as they come in: each write takes all that
// arrived since the last one began. After a failed write it writes no
// more: quit is stopped and what is left goes to the debts.
func (d *Deliverer) mark(ctx context.Context, now time.Time, done *ledger, stop func(), total *Result) error {
	var (
		err   error
		began time.Time
	)
	for {
		if wait := d.o.Policy.MarkEvery - time.Since(began); !began.IsZero() && wait > 0 {
			<-d.o.After(wait)
		}
		group, ok := done.take()
		if !ok {
			return err
		}
		began = time.Now()
		for _, o := range group {
			d.record(o, total)
		}
		if err == nil {
			if err = write(ctx, d.o.Store, group, now); err != nil {
				stop()
			}
		}
		if err != nil {
			d.o.Debts.owe(group, now, nil)
		}
		done.marked(len(group))
	}
}

// record counts and logs an outcome.
func (d *Deliverer) record(o Outcome, total *Result) {
	if d.o.Observe != nil {
		d.o.Observe(o)
	}
	r := o.Row
	fields := logrus.Fields{"key": r.Key, "rule": r.Rule, "channel": r.Channel, "attempt": r.Attempts + 1}
	switch o.Status() {
	case store.StatusSent:
		total.Sent++
	case "retry":
		fields["next_attempt"] = o.Next.Format(time.RFC3339)
		d.o.Log.WithFields(fields).WithError(o.Err).Warn("delivery deferred")
		total.Retried++
	default:
		d.o.Log.WithFields(fields).WithError(o.Err).Error("delivery failed")
		total.Failed++
	}
}

// write records outcomes in the store: every message sent in one statement
// (at the drain's instant), then the others to be retried or failed.
// Writing again what is written changes nothing, so a group whose writing
// the store broke off can be written again whole.
func write(ctx context.Context, s Store, group []Outcome, at time.Time) error {
	var sent []int64
	for _, o := range group {
		if o.Err == nil {
			sent = append(sent, o.Row.ID)
		}
	}
	if len(sent) > 0 {
		if _, err := s.MarkAllSent(ctx, sent, at); err != nil {
			return err
		}
	}
	for _, o := range group {
		var err error
		switch o.Status() {
		case "retry":
			err = s.MarkRetry(ctx, o.Row.ID, o.Next, o.Err.Error())
		case store.StatusFailed:
			err = s.MarkFailed(ctx, o.Row.ID, o.Err.Error())
		}
		if err != nil && !errors.Is(err, store.ErrNotSending) {
			return err
		}
	}
	return nil
}

// ledger holds the outcomes the sender has handed over and the marker has
// not yet written. At most limit are held: add waits for room.
type ledger struct {
	mu      sync.Mutex
	changed *sync.Cond
	waiting []Outcome // handed over, not yet taken by a write
	held    int       // handed over, not yet written (waiting and being written)
	limit   int
	closed  bool
	// onWait, when set (tests), is called each time add waits for room.
	onWait func()
}

func newLedger(limit int) *ledger {
	l := &ledger{limit: limit}
	l.changed = sync.NewCond(&l.mu)
	return l
}

// add hands an outcome over, and returns once fewer than limit are held:
// then the sender may begin another send, and sent and not marked are at
// most limit, counting the one in flight.
func (l *ledger) add(o Outcome) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waiting = append(l.waiting, o)
	l.held++
	l.changed.Broadcast()
	for l.held >= l.limit {
		if l.onWait != nil {
			l.onWait()
		}
		l.changed.Wait()
	}
}

// take returns every outcome waiting, once there is one; false when the
// sender is done and nothing is left.
func (l *ledger) take() ([]Outcome, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for len(l.waiting) == 0 && !l.closed {
		l.changed.Wait()
	}
	if len(l.waiting) == 0 {
		return nil, false
	}
	out := l.waiting
	l.waiting = nil
	return out, true
}

// marked says n outcomes taken were written (or put in the debts).
func (l *ledger) marked(n int) {
	l.mu.Lock()
	l.held -= n
	l.changed.Broadcast()
	l.mu.Unlock()
}

// close says the sender hands over nothing more.
func (l *ledger) close() {
	l.mu.Lock()
	l.closed = true
	l.changed.Broadcast()
	l.mu.Unlock()
}

// Debts is what drains could not write to the store (it was down): outcomes
// not marked, claims not given back. The next drain settles them before it
// claims anything, so that an outage of the store neither sends a delivered
// message again nor leaves a claimed one waiting for its claim to go stale.
// A crash forgets them; then their claims go stale or are released, and
// they are sent again. The zero value is empty and ready.
//
// Debts also lets one drain run at a time in the process (the start-up
// catch-up's and the minute's, the one of a config reloaded and the new
// one's): so when a drain begins, nothing of this worker is in flight, and
// after a claim whose answer the store never gave (it went away while the
// claim committed), the next drain can give back whatever this worker still
// holds, instead of leaving it for its claims to go stale.
type Debts struct {
	drain    sync.Mutex // held for a whole drain
	mu       sync.Mutex
	unmarked []unwritten
	unsent   []int64
	unknown  bool // a claim failed: what it took, if anything, is not known
}

// unwritten is a group of outcomes of a drain at instant at.
type unwritten struct {
	group []Outcome
	at    time.Time
}

// owe adds outcomes of the drain at instant at not written, and claims not
// given back.
func (db *Debts) owe(group []Outcome, at time.Time, unsent []int64) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if len(group) > 0 {
		db.unmarked = append(db.unmarked, unwritten{group, at})
	}
	db.unsent = append(db.unsent, unsent...)
}

// Len counts the messages owed.
func (db *Debts) Len() int {
	db.mu.Lock()
	defer db.mu.Unlock()
	n := len(db.unsent)
	for _, u := range db.unmarked {
		n += len(u.group)
	}
	return n
}

// claimFailed records that a claim may have taken messages this worker
// never heard of.
func (db *Debts) claimFailed() {
	db.mu.Lock()
	db.unknown = true
	db.mu.Unlock()
}

// settle pays what earlier drains owe the store, and keeps what it cannot.
// Then, after a failed claim, it gives back what this worker still holds:
// with the marks and give-backs owed written, and no other drain running,
// that is only what such a claim took.
func (db *Debts) settle(ctx context.Context, s Store, worker string, now time.Time) error {
	db.mu.Lock()
	defer db.mu.Unlock()
	for len(db.unmarked) > 0 {
		if err := write(ctx, s, db.unmarked[0].group, db.unmarked[0].at); err != nil {
			return err
		}
		db.unmarked = db.unmarked[1:]
	}
	if len(db.unsent) > 0 {
		if _, err := s.Unclaim(ctx, worker, db.unsent); err != nil {
			return err
		}
		db.unsent = nil
	}
	if db.unknown {
		if _, err := s.ReleaseOwnClaims(ctx, worker, now); err != nil {
			return err
		}
		db.unknown = false
	}
	return nil
}

// backoff is the wait before attempt n+1: base × 2^n, capped, with a jitter
// of up to a fifth derived from the key (so replays are repeatable), and no
// shorter than a channel's own Retry-After.
func backoff(p Policy, key string, attempts int, err error) time.Duration {
	wait := p.BackoffBase
	for i := 0; i < attempts && wait < p.BackoffMax; i++ {
		wait *= 2
	}
	if wait > p.BackoffMax {
		wait = p.BackoffMax
	}
	h := fnv.New32a()
	fmt.Fprintf(h, "%s/%d", key, attempts)
	wait += time.Duration(uint64(h.Sum32()) % uint64(wait/5+1))
	var ne *notify.Error
	if errors.As(err, &ne) && ne.RetryAfter > wait {
		wait = ne.RetryAfter
	}
	return wait
}
