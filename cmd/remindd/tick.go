package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/plan"
)

// instant is a time given on the command line, with the flag and text that
// gave it.
type instant struct {
	flag, text string
	at         time.Time
}

// leadOnce prepares a one-off run of the jobs (tick, simulate): it loads the
// config and plan, refuses instants outside the plan's span unless forced,
// opens the daemon on a settable clock and takes the job lock. done releases
// the lock and closes the store.
func (a *app) leadOnce(ctx context.Context, level string, force bool, instants ...instant) (*daemon.Daemon, *plan.Plan, func(), error) {
	log, err := a.logger(level)
	if err != nil {
		return nil, nil, nil, err
	}
	c, p, err := a.load()
	if err != nil {
		return nil, nil, nil, err
	}
	if !force {
		span := daemon.SpanOf(p, time.Duration(c.CatchUp))
		for _, in := range instants {
			if err := span.Check(in.at); err != nil {
				return nil, nil, nil, usageError{fmt.Sprintf("%s %s %v; give --force to run it anyway", in.flag, in.text, err)}
			}
		}
	}
	now := instants[0].at
	d, s, err := a.openDaemon(ctx, c, p, log, &daemon.SetClock{})
	if err != nil {
		return nil, nil, nil, err
	}
	release, err := d.LeadOnce(ctx, now)
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	return d, p, func() {
		release()
		s.Close()
	}, nil
}

// tick wakes once at --at, as the daemon would after being down since its
// last recorded run: it runs the jobs whose time passed, enqueues and
// delivers, then exits.
func (a *app) tick(args []string) error {
	fs := a.flags("tick")
	at := fs.String("at", "", "the instant, RFC 3339 (default now)")
	level := fs.String("log-level", "warn", "log `level`")
	force := fs.Bool("force", false, "run even when the instant lies outside the plan's span")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	given := instant{"--at", *at, when}
	if *at == "" {
		given = instant{"now,", when.Format(time.RFC3339) + ",", when}
	}
	ctx := context.Background()
	d, p, done, err := a.leadOnce(ctx, *level, *force, given)
	if err != nil {
		return err
	}
	defer done()
	res, err := d.Tick(ctx, when)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s %s\n", when.In(p.Location).Format(time.RFC3339), summary(res))
	return nil
}

// simulate replays every scheduled job time from --from to --to. Without
// --send it writes only to file and log channels, and says which channels
// it leaves out.
func (a *app) simulate(args []string) error {
	fs := a.flags("simulate")
	from := fs.String("from", "", "start, RFC 3339 (exclusive), or a date: from that day's start")
	to := fs.String("to", "", "end, RFC 3339 (inclusive), or a date: to that day's end")
	level := fs.String("log-level", "warn", "log `level`")
	force := fs.Bool("force", false, "run even when --from or --to lies outside the plan's span")
	send := fs.Bool("send", false, "send through every channel (e-mail, robots, webhooks); without it only file and log channels are written, and what the others would carry is left out of the outbox")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageError{"give --from and --to"}
	}
	start, end, err := a.simulateSpan(*from, *to)
	if err != nil {
		return err
	}
	if !start.Before(end) {
		return usageError{"--from must be before --to"}
	}
	ctx := context.Background()
	d, p, done, err := a.leadOnce(ctx, *level, *force, instant{"--from", *from, start}, instant{"--to", *to, end})
	if err != nil {
		return err
	}
	defer done()
	if !*send {
		if skipped := d.WriteLocalOnly(); len(skipped) > 0 {
			fmt.Fprintf(a.stderr, "simulate: writing to file and log channels only, not sending through %s: give --send to send\n", strings.Join(skipped, ", "))
		}
	}
	var total daemon.TickResult
	err = d.Simulate(ctx, start, end, func(t time.Time, r daemon.TickResult) {
		fmt.Fprintf(a.stdout, "%s %s\n", t.In(p.Location).Format(time.RFC3339), summary(r))
		total.Enqueued += r.Enqueued
		total.Withheld += r.Withheld
		total.Delivery.Sent += r.Delivery.Sent
		total.Delivery.Retried += r.Delivery.Retried
		total.Delivery.Failed += r.Delivery.Failed
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "total: %d enqueued, %d sent, %d retried, %d failed%s\n",
		total.Enqueued, total.Delivery.Sent, total.Delivery.Retried, total.Delivery.Failed, withheld(total))
	return nil
}

// simulateSpan reads --from and --to: RFC 3339 instants, or dates in the
// plan's zone, --from 2024-09-25 meaning from that day's start and --to
// 2024-10-12 to that day's end, so that both days are lived through.
func (a *app) simulateSpan(from, to string) (time.Time, time.Time, error) {
	var loc *time.Location
	bound := func(flag, s string, days int) (time.Time, error) {
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return time.Time{}, usageError{fmt.Sprintf("%s %q is neither an RFC 3339 time such as 2024-05-28T09:00:00+08:00 nor a date such as 2024-05-28", flag, s)}
		}
		if loc == nil {
			_, p, err := a.load()
			if err != nil {
				return time.Time{}, err
			}
			loc = p.Location
		}
		d, _ := time.ParseInLocation(time.DateOnly, s, loc)
		return d.AddDate(0, 0, days), nil
	}
	start, err := bound("--from", from, 0)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	end, err := bound("--to", to, 1)
	return start, end, err
}

func summary(r daemon.TickResult) string {
	var jobs []string
	for _, run := range r.Runs {
		jobs = append(jobs, run.Job)
	}
	j := "no job due"
	if len(jobs) > 0 {
		j = "jobs " + strings.Join(jobs, ",")
	}
	return fmt.Sprintf("%s: %d decided, %d enqueued; %d sent, %d retried, %d failed%s",
		j, r.Decided, r.Enqueued, r.Delivery.Sent, r.Delivery.Retried, r.Delivery.Failed, withheld(r))
}

// withheld says, when simulate left any out, how many notifications were
// for channels it does not send through.
func withheld(r daemon.TickResult) string {
	if r.Withheld == 0 {
		return ""
	}
	return fmt.Sprintf("; %d withheld (not sent without --send)", r.Withheld)
}
