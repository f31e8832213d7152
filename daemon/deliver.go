package daemon

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/sirupsen/logrus"

	"remindd/config"
	"remindd/notify"
	"remindd/store"
)

// Delivery counts what one drain of the outbox did.
type Delivery struct {
	Sent, Retried, Failed int
}

// Deliver drains the outbox at instant now: it claims due messages in
// batches, sends each batch through its channel and marks every message
// sent, to be retried with backoff, or failed. It stops claiming when stop
// is done; sends in flight run under send, which the caller cancels only
// when the drain bound has passed.
func (d *Daemon) Deliver(stop, send context.Context, now time.Time) (Delivery, error) {
	s := d.current()
	var total Delivery
	for stop.Err() == nil {
		rows, err := d.store.Claim(send, d.worker, now, s.config.Delivery.Batch)
		if err != nil {
			return total, err
		}
		if len(rows) == 0 {
			break
		}
		// Group by channel, keeping the claim order within each.
		var order []string
		groups := map[string][]store.OutboxRow{}
		for _, r := range rows {
			if _, ok := groups[r.Channel]; !ok {
				order = append(order, r.Channel)
			}
			groups[r.Channel] = append(groups[r.Channel], r)
		}
		for _, name := range order {
			dl, err := d.sendGroup(send, s, name, groups[name], now)
			total.Sent += dl.Sent
			total.Retried += dl.Retried
			total.Failed += dl.Failed
			if err != nil {
				return total, err
			}
		}
	}
	if total != (Delivery{}) {
		d.log.WithFields(logrus.Fields{"sent": total.Sent, "retried": total.Retried, "failed": total.Failed}).Info("outbox drained")
	}
	return total, nil
}

func (d *Daemon) sendGroup(ctx context.Context, s *setup, name string, rows []store.OutboxRow, now time.Time) (Delivery, error) {
	var dl Delivery
	ch, ok := s.channels[name]
	msgs := make([]notify.Message, len(rows))
	errs := make([]error, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal([]byte(r.Body), &msgs[i]); err != nil {
			errs[i] = fmt.Errorf("stored message is unreadable: %w", err)
		}
		msgs[i].To = r.Address
	}
	if !ok {
		for i := range errs {
			errs[i] = fmt.Errorf("channel %q is not configured", name)
		}
	} else {
		var batch []notify.Message
		var index []int
		for i := range rows {
			if errs[i] == nil {
				batch = append(batch, msgs[i])
				index = append(index, i)
			}
		}
		if len(batch) > 0 {
			for j, err := range ch.Send(ctx, batch) {
				errs[index[j]] = err
			}
		}
	}
	var sent []int64
	for i, r := range rows {
		fields := logrus.Fields{"key": r.Key, "rule": r.Rule, "channel": name, "attempt": r.Attempts + 1}
		err := errs[i]
		switch {
		case err == nil:
			sent = append(sent, r.ID)
			d.metrics.delivered.WithLabelValues(r.Rule, name, store.StatusSent).Inc()
			dl.Sent++
		case notify.Temporary(err) && r.Attempts+1 < s.config.Delivery.MaxAttempts:
			next := now.Add(backoff(s.config.Delivery, r.Key, r.Attempts, err))
			if e := d.store.MarkRetry(ctx, r.ID, next, err.Error()); e != nil {
				return dl, e
			}
			d.metrics.delivered.WithLabelValues(r.Rule, name, "retry").Inc()
			fields["next_attempt"] = next.Format(time.RFC3339)
			d.log.WithFields(fields).WithError(err).Warn("delivery deferred")
			dl.Retried++
		default:
			if e := d.store.MarkFailed(ctx, r.ID, err.Error()); e != nil {
				return dl, e
			}
			d.metrics.delivered.WithLabelValues(r.Rule, name, store.StatusFailed).Inc()
			d.log.WithFields(fields).WithError(err).Error("delivery failed")
			dl.Failed++
		}
	}
	// One statement marks the batch: a crash before it re-sends at most this
	// batch (claims go stale and are taken again), never loses a message.
	if _, err := d.store.MarkAllSent(ctx, sent, now); err != nil {
		return dl, err
	}
	return dl, nil
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
