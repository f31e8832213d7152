package daemon

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/store"
)

// Delivery counts what one drain of the outbox did.
type Delivery struct {
	Sent, Retried, Failed int
}

// Deliver drains the outbox at instant now. Three stages overlap, so that
// the store's round trips and the channels' network time add up to the
// longer of the two rather than their sum:
//
//   - a claimer takes due messages in batches of delivery.batch and decodes
//     them, one batch ahead of the sender;
//   - the caller's goroutine sends each batch through its channels, grouped
//     by channel in claim order (an e-mail channel keeps its connection from
//     batch to batch, and closes it at the end of the drain);
//   - a marker records each sent batch's outcome: the sent ones in one
//     statement, retries with backoff, failures.
//
// A batch is handed to the marker only when the marker is free, so a crash
// leaves at most two batches sent but not marked: they are still sending in
// the store, and are sent again once their claims go stale (never lost,
// doubled at most that much). Deliver stops claiming when stop is done and
// gives back a batch it claimed but had not begun to send; sends in flight
// run under send, which the caller cancels only when the drain bound has
// passed.
func (d *Daemon) Deliver(stop, send context.Context, now time.Time) (Delivery, error) {
	s := d.current()
	if err := d.settle(send); err != nil {
		return Delivery{}, err
	}
	// quit ends the claimer and the sender: stop is done, or a stage failed.
	quit, cancel := context.WithCancel(stop)
	defer cancel()

	claimed := make(chan claim, 1)
	var claimErr error
	go func() {
		defer close(claimed)
		for quit.Err() == nil {
			rows, err := d.store.Claim(send, d.worker, now, s.config.Delivery.Batch)
			if err != nil {
				claimErr = err
				cancel()
				return
			}
			if len(rows) == 0 {
				return
			}
			select {
			case claimed <- decode(rows):
			case <-quit.Done():
				d.unclaim(send, rows)
				return
			}
		}
	}()

	outcomes := make(chan outcome)
	var total Delivery
	var markErr error
	marked := make(chan struct{})
	go func() {
		defer close(marked)
		for o := range outcomes {
			dl := d.count(o)
			total.Sent += dl.Sent
			total.Retried += dl.Retried
			total.Failed += dl.Failed
			if markErr == nil {
				markErr = d.mark(send, o)
				if markErr == nil {
					continue
				}
				cancel()
			}
			d.owe(func(db *debts) { db.unmarked = append(db.unmarked, o) })
		}
	}()

	for c := range claimed {
		if quit.Err() != nil {
			d.unclaim(send, c.rows)
			continue
		}
		outcomes <- d.sendClaim(send, s, c, now)
	}
	close(outcomes)
	<-marked
	for _, ch := range s.channels {
		notify.CloseIdle(ch)
	}
	if total != (Delivery{}) {
		d.log.WithFields(logrus.Fields{"sent": total.Sent, "retried": total.Retried, "failed": total.Failed}).Info("outbox drained")
	}
	return total, errors.Join(claimErr, markErr)
}

// claim is a claimed batch, its stored bodies decoded.
type claim struct {
	rows []store.OutboxRow
	msgs []render.Message
	errs []error // a body that cannot be decoded is not sent
}

// outcome is a claimed batch with the result of sending each message.
type outcome struct {
	rows []store.OutboxRow
	errs []error
	sent time.Time
	// next is when to retry each message whose error is worth it, zero for
	// one sent or failed for good.
	next []time.Time
}

// debts is what a drain could not write to the store (it was down): sent
// batches not yet marked, claimed batches not given back. The next drain
// settles them before it claims anything, so that an outage of the store
// neither sends a delivered message again nor leaves a claimed one waiting
// for its claim to go stale. A crash forgets them; then the claims go stale.
type debts struct {
	unmarked []outcome
	unsent   []int64
}

func decode(rows []store.OutboxRow) claim {
	c := claim{rows: rows, msgs: make([]render.Message, len(rows)), errs: make([]error, len(rows))}
	for i, r := range rows {
		c.msgs[i], c.errs[i] = render.Decode(r.Body)
		c.msgs[i].To = r.Address
	}
	return c
}

// unclaim gives back a batch claimed but not sent; if the store is down,
// the next drain does.
func (d *Daemon) unclaim(ctx context.Context, rows []store.OutboxRow) {
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if _, err := d.store.Unclaim(context.WithoutCancel(ctx), d.worker, ids); err != nil {
		d.log.WithError(err).WithField("messages", len(ids)).Warn("claimed messages not given back; the next drain will")
		d.owe(func(db *debts) { db.unsent = append(db.unsent, ids...) })
	}
}

// owe adds to the daemon's debts.
func (d *Daemon) owe(add func(*debts)) {
	d.debtMu.Lock()
	defer d.debtMu.Unlock()
	add(&d.debts)
}

// settle pays what earlier drains owe the store, and keeps what it cannot.
func (d *Daemon) settle(ctx context.Context) error {
	d.debtMu.Lock()
	defer d.debtMu.Unlock()
	for len(d.debts.unmarked) > 0 {
		if err := d.mark(ctx, d.debts.unmarked[0]); err != nil {
			return err
		}
		d.debts.unmarked = d.debts.unmarked[1:]
	}
	if ids := d.debts.unsent; len(ids) > 0 {
		if _, err := d.store.Unclaim(ctx, d.worker, ids); err != nil {
			return err
		}
		d.debts.unsent = nil
	}
	return nil
}

// sendClaim sends a claimed batch, channel by channel in claim order, and
// decides when each message worth retrying is tried again.
func (d *Daemon) sendClaim(ctx context.Context, s *setup, c claim, now time.Time) outcome {
	var order []string
	groups := map[string][]int{}
	for i, r := range c.rows {
		if c.errs[i] != nil {
			continue
		}
		if _, ok := groups[r.Channel]; !ok {
			order = append(order, r.Channel)
		}
		groups[r.Channel] = append(groups[r.Channel], i)
	}
	for _, name := range order {
		index := groups[name]
		ch, ok := s.channels[name]
		if !ok {
			for _, i := range index {
				c.errs[i] = fmt.Errorf("channel %q is not configured", name)
			}
			continue
		}
		batch := make([]render.Message, len(index))
		for j, i := range index {
			batch[j] = c.msgs[i]
		}
		for j, err := range ch.Send(ctx, batch) {
			c.errs[index[j]] = err
		}
	}
	o := outcome{rows: c.rows, errs: c.errs, sent: now, next: make([]time.Time, len(c.rows))}
	for i, r := range c.rows {
		if err := c.errs[i]; err != nil && notify.Temporary(err) && r.Attempts+1 < s.config.Delivery.MaxAttempts {
			o.next[i] = now.Add(backoff(s.config.Delivery, r.Key, r.Attempts, err))
		}
	}
	return o
}

// count logs and counts what sending a batch did.
func (d *Daemon) count(o outcome) Delivery {
	var dl Delivery
	for i, r := range o.rows {
		fields := logrus.Fields{"key": r.Key, "rule": r.Rule, "channel": r.Channel, "attempt": r.Attempts + 1}
		err := o.errs[i]
		switch {
		case err == nil:
			d.metrics.delivered.WithLabelValues(r.Rule, r.Channel, store.StatusSent).Inc()
			dl.Sent++
		case !o.next[i].IsZero():
			d.metrics.delivered.WithLabelValues(r.Rule, r.Channel, "retry").Inc()
			fields["next_attempt"] = o.next[i].Format(time.RFC3339)
			d.log.WithFields(fields).WithError(err).Warn("delivery deferred")
			dl.Retried++
		default:
			d.metrics.delivered.WithLabelValues(r.Rule, r.Channel, store.StatusFailed).Inc()
			d.log.WithFields(fields).WithError(err).Error("delivery failed")
			dl.Failed++
		}
	}
	return dl
}

// mark records a sent batch in the store: every message sent in one
// statement, the others to be retried or failed. Marking again what is
// marked changes nothing, so a batch whose marking the store broke off can
// be marked again whole.
func (d *Daemon) mark(ctx context.Context, o outcome) error {
	var sent []int64
	for i, r := range o.rows {
		var err error
		switch {
		case o.errs[i] == nil:
			sent = append(sent, r.ID)
		case !o.next[i].IsZero():
			err = d.store.MarkRetry(ctx, r.ID, o.next[i], o.errs[i].Error())
		default:
			err = d.store.MarkFailed(ctx, r.ID, o.errs[i].Error())
		}
		if err != nil && !errors.Is(err, store.ErrNotSending) {
			return err
		}
	}
	_, err := d.store.MarkAllSent(ctx, sent, o.sent)
	return err
}

// backoff is the wait before attempt n+1: base × 2^n, capped, with a jitter
// of up to a fifth derived from the key (so replays are repeatable), and no
// shorter than a channel's own Retry-After.
func backoff(c config.Delivery, key string, attempts int, err error) time.Duration {
	wait := time.Duration(c.BackoffBase)
	for i := 0; i < attempts && wait < time.Duration(c.BackoffMax); i++ {
		wait *= 2
	}
	if wait > time.Duration(c.BackoffMax) {
		wait = time.Duration(c.BackoffMax)
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
