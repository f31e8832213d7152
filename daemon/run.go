package daemon

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
	"github.com/robfig/cron/v3"
	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

// RunOptions are what a long-running daemon needs beyond New's.
type RunOptions struct {
	// Listen is the address of /healthz and /metrics; empty serves nothing.
	Listen string
	// Reload delivers a signal (SIGHUP) to re-read the config and plan.
	Reload <-chan struct{}
	// Load reads and checks the config and plan for a reload.
	Load func() (*config.Config, *plan.Plan, error)
	// LeaderCheck is how often leadership is taken or checked.
	LeaderCheck time.Duration
	// Ready, when not nil, receives the listener's address once serving.
	Ready func(addr string)
	// HTTP bounds the listener's clients; zero fields take the defaults
	// (see ServerOptions). The desk's listener has the same bounds.
	HTTP ServerOptions
	// Desk, when not nil, is served on DeskListen: the web desk and the
	// personal links.
	Desk       http.Handler
	DeskListen string
}

// Run serves until ctx is done: it takes the leader lock (refusing to start
// when another instance holds a SQLite store), catches up, schedules the
// jobs with cron in the plan's time zone, drains the outbox every minute,
// tells systemd it is ready, pings its watchdog, reloads on a signal (see
// reload), and on shutdown stops taking work, lets in-flight sends finish
// within the drain bound, cancels those left, and returns within the bound
// plus cancelGrace and closeGrace whatever the channels do.
func (d *Daemon) Run(ctx context.Context, o RunOptions) error {
	if o.LeaderCheck == 0 {
		o.LeaderCheck = 15 * time.Second
	}
	stop, stopNow := context.WithCancel(context.Background())
	defer stopNow()

	lead := &leadership{d: d}
	if d.store.Driver() == "sqlite" {
		if err := lead.take(stop); err != nil {
			return err
		}
		// Alone on this file: what a killed predecessor left sending was
		// cut off mid-send. Send it again (doubled is only what it had
		// sent and not yet marked).
		if n, err := d.store.ReleaseClaims(stop, d.clock.Now()); err != nil {
			return err
		} else if n > 0 {
			d.log.WithField("messages", n).Warn("released claims of a previous run that stopped mid-send")
		}
	} else {
		lead.try(stop)
	}
	var closeBy time.Time // set by shutdown
	defer func() { lead.release(closeBy) }()

	faults := newFaultLog(d.log, d.clock, time.Minute)
	var servers []*http.Server
	serve := func(addr string, h http.Handler, what string) (string, error) {
		opts := o.HTTP
		if opts.ErrorLog == nil {
			opts.ErrorLog = faults.Logger(what + ": http server error")
		}
		srv, ln, err := ListenHTTP(addr, h, opts)
		if err != nil {
			return "", fmt.Errorf("%s: %w", what, err)
		}
		servers = append(servers, srv)
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				d.log.WithError(err).WithField("serving", what).Error("http server stopped")
			}
		}()
		d.log.WithField("listen", ln.Addr().String()).Info("serving " + what)
		return ln.Addr().String(), nil
	}
	if o.Desk != nil {
		if _, err := serve(o.DeskListen, o.Desk, "the desk and personal links"); err != nil {
			return err
		}
	}
	if o.Listen != "" {
		addr, err := serve(o.Listen, d.Handler(), "/healthz and /metrics")
		if err != nil {
			return err
		}
		if o.Ready != nil {
			o.Ready(addr)
		}
	}

	var decideMu sync.Mutex
	decide := func() {
		if !lead.is() || stop.Err() != nil {
			return
		}
		decideMu.Lock()
		defer decideMu.Unlock()
		res, err := d.Decide(stop, d.clock.Now())
		if err != nil {
			faults.Error("jobs failed", err)
			return
		}
		faults.OK("jobs failed")
		if err := d.heartbeat(stop, res.Runs); err != nil {
			faults.Error("heartbeat failed", err)
		} else {
			faults.OK("heartbeat failed")
		}
	}
	deliver := func() {
		// Once stop is done, the drain ends within drain_timeout.
		_, err := d.Deliver(stop, d.clock.Now())
		d.health.wrote(stop, err) // a drain's errors are the store's: claims and marks
		switch {
		case err != nil && stop.Err() == nil:
			faults.Error("outbox delivery failed", err)
		case err == nil:
			faults.OK("outbox delivery failed")
		}
	}

	j := jobs{decide: decide, deliver: deliver, checkLeader: func() { lead.try(stop) }, every: o.LeaderCheck}
	c, err := d.scheduler(d.current(), j)
	if err != nil {
		return err
	}
	c.Start()
	d.log.WithFields(logrus.Fields{"leader": lead.is(), "store": d.store.Driver()}).Info("remindd started")
	if s := d.current(); SpanOf(s.plan, time.Duration(s.config.CatchUp)).Expired(d.clock.Now()) {
		d.log.WithFields(logrus.Fields{"plan": s.plan.ID, "last_day": s.plan.Ends().String()}).Warn("the plan is over: nothing more will be sent; configure the new year's plan")
	}
	notifySystemd(d.log, sd.SdNotifyReady)
	// Catch up on start, beside the scheduler: a long outbox must not hold
	// back readiness. Claims keep it from racing the delivery job; a panic
	// in it is logged and recovered as one in a scheduled job is.
	var startup sync.WaitGroup
	startup.Go(d.recovered(func() {
		if d.beforeCatchUp != nil {
			d.beforeCatchUp()
		}
		decide()
		deliver()
	}))

	watchdog := make(chan struct{})
	go d.watchdog(watchdog)

	var left []context.Context // Stop contexts of replaced schedulers whose jobs still ran
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-o.Reload:
			var still context.Context
			if c, still = d.reload(ctx.Done(), c, o.Load, j); still != nil {
				left = append(left, still)
			}
		}
	}

	notifySystemd(d.log, sd.SdNotifyStopping)
	close(watchdog)
	d.log.Info("stopping: no new work; letting sends in flight finish")
	stopNow()
	// Every wait from here on is bounded: by the drain bound, cancelGrace
	// for the sends then cancelled, closeGrace for the listener and the
	// leader lock. A send that ignores its cancellation (a hung server) is
	// abandoned, and what it had claimed is sent again on the next start.
	bound := time.Duration(d.current().config.Delivery.DrainTimeout)
	running := jobsDone(&startup, append(left, c.Stop())...)
	if !within(running, bound) {
		// The deliverer cancels its sends at this same bound.
		d.log.WithField("bound", bound.String()).Warn("sends still in flight at the bound: cancelling them")
		if !within(running, cancelGrace) {
			d.log.WithField("grace", cancelGrace.String()).Error("sends still in flight after cancelling them: abandoning them; the next start sends again what they had claimed")
		}
	}
	closeBy = time.Now().Add(closeGrace)
	lead.release(closeBy)
	if len(servers) > 0 {
		shut, cancel := context.WithDeadline(context.Background(), closeBy)
		defer cancel()
		for _, srv := range servers {
			_ = srv.Shutdown(shut) // best effort: the process is ending
		}
	}
	d.log.Info("remindd stopped")
	return nil
}

// Past the drain bound, shutdown waits at most cancelGrace for the sends it
// cancelled, then closeGrace for the listener's clients and the leader
// lock's release: Run returns within the drain bound plus their sum.
const (
	cancelGrace = 2 * time.Second
	closeGrace  = time.Second
)

// jobs are what a scheduler runs: the rules' decisions at their job times,
// the outbox's drain, and the leader check every every.
type jobs struct {
	decide, deliver, checkLeader func()
	every                        time.Duration
}

// scheduler builds, from setup s, the scheduler of jobs j: the rule jobs
// (each decides at its time; the catch-up logic decides which jobs are
// due), delivery, and the leader check. A job that panics is logged and
// recovered; one still running at its next time skips that time.
func (d *Daemon) scheduler(s *setup, j jobs) (*cron.Cron, error) {
	logger := cronLogger{d.log}
	c := cron.New(cron.WithLocation(s.plan.Location), cron.WithLogger(logger),
		cron.WithChain(d.recoverJobs(), cron.SkipIfStillRunning(logger)))
	rules, err := s.engine.Jobs()
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		c.Schedule(r.Schedule, cron.FuncJob(j.decide))
	}
	spec, err := config.ParseSpec(s.config.Jobs.Deliver)
	if err != nil {
		return nil, fmt.Errorf("job deliver: %w", err)
	}
	c.Schedule(spec, cron.FuncJob(j.deliver))
	c.Schedule(cron.Every(j.every), cron.FuncJob(j.checkLeader))
	return c, nil
}

// recoverJobs is the panic recovery of every job, scheduled or not: the panic
// and its stack are logged, and the daemon goes on.
func (d *Daemon) recoverJobs() cron.JobWrapper { return cron.Recover(cronLogger{d.log}) }

// recovered is f under the jobs' panic recovery.
func (d *Daemon) recovered(f func()) func() {
	return cron.NewChain(d.recoverJobs()).Then(cron.FuncJob(f)).Run
}

// reload reads the config and plan again and builds from them the setup
// and the scheduler that are to replace the running ones. Only when both
// stand does it stop the running scheduler, wait (within the drain bound)
// for its running jobs, swap the setup and start the new scheduler;
// refused, the running ones go on untouched. It returns the scheduler in
// charge, and, when jobs of the old one were still running at the bound,
// the old one's Stop context, for shutdown to wait on. A shutdown (done)
// during the wait ends it: the new scheduler never starts, and the old
// one, stopped, is returned for shutdown to wait on.
func (d *Daemon) reload(done <-chan struct{}, running *cron.Cron, load func() (*config.Config, *plan.Plan, error), j jobs) (*cron.Cron, context.Context) {
	next, s, err := d.prepare(load, j)
	if err != nil {
		d.log.WithError(err).Error("reload refused; keeping the running config and plan")
		return running, nil
	}
	old := d.current()
	bound := time.Duration(old.config.Delivery.DrainTimeout)
	stopped := running.Stop()
	var still context.Context
	select {
	case <-stopped.Done():
	default:
		d.log.WithField("bound", bound.String()).Info("reload: waiting for the running jobs to finish")
		select {
		case <-stopped.Done():
		case <-done:
			d.log.Warn("reload: stopping meanwhile; the new config and plan are not started")
			return running, nil
		case <-timer(bound):
			// Their successors cannot overlap them: decisions take turns,
			// and deliveries claim what they send.
			d.log.WithField("bound", bound.String()).Warn("reload: jobs still running at the bound; starting the new config and plan beside them")
			still = stopped
		}
	}
	if s.plan.ID != old.plan.ID {
		d.log.WithFields(logrus.Fields{"from": old.plan.ID, "to": s.plan.ID}).Warn("plan changed")
	}
	d.swap(s)
	next.Start()
	d.log.Info("config and plan reloaded")
	return next, still
}

// prepare loads the config and plan and builds, without touching the
// running ones, their setup and its scheduler.
func (d *Daemon) prepare(load func() (*config.Config, *plan.Plan, error), j jobs) (*cron.Cron, *setup, error) {
	if load == nil {
		return nil, nil, errors.New("no loader")
	}
	c, p, err := load()
	if err != nil {
		return nil, nil, err
	}
	s, err := d.build(c, p)
	if err != nil {
		return nil, nil, err
	}
	next, err := d.scheduler(s, j)
	if err != nil {
		return nil, nil, err
	}
	return next, s, nil
}

// jobsDone is closed once the start-up catch-up and the running jobs of
// stopped schedulers (each stopped is a scheduler's Stop context) have
// ended.
func jobsDone(startup *sync.WaitGroup, stopped ...context.Context) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		for _, s := range stopped {
			<-s.Done()
		}
		startup.Wait()
		close(done)
	}()
	return done
}

// within reports whether done is closed within bound.
func within(done <-chan struct{}, bound time.Duration) bool {
	select {
	case <-done:
		return true
	default:
	}
	select {
	case <-done:
		return true
	case <-timer(bound):
		return false
	}
}

// timer fires once after d (at once when d is not positive).
func timer(d time.Duration) <-chan time.Time {
	return time.After(max(d, 0))
}

// watchdog pings systemd at half the interval it asks for, until done.
func (d *Daemon) watchdog(done <-chan struct{}) {
	interval, err := sd.SdWatchdogEnabled(false)
	if err != nil || interval == 0 {
		return
	}
	t := time.NewTicker(interval / 2)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			if err := d.store.Ping(context.Background()); err != nil {
				continue // let systemd notice a wedged daemon; the health check logs the cause
			}
			notifySystemd(d.log, sd.SdNotifyWatchdog)
		}
	}
}

func notifySystemd(log *logrus.Entry, state string) {
	if _, err := sd.SdNotify(false, state); err != nil {
		log.WithError(err).Warn("systemd notify failed")
	}
}

// leadership holds the store's job lock when it can.
type leadership struct {
	d    *Daemon
	mu   sync.Mutex
	lock *store.Lock
}

func (l *leadership) is() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lock != nil
}

// take must get the lock.
func (l *leadership) take(ctx context.Context) error {
	lk, err := l.d.store.Lock(ctx, "jobs")
	if err != nil {
		return err
	}
	l.set(lk)
	return nil
}

// try gets the lock if free, or checks the held one is still held.
func (l *leadership) try(ctx context.Context) {
	if ctx.Err() != nil {
		return // stopping: a lock taken now would outlive its release
	}
	l.mu.Lock()
	held := l.lock
	l.mu.Unlock()
	if held != nil {
		if err := held.Check(ctx); err != nil {
			l.d.log.WithError(err).Warn("leadership lost: stepping down")
			_ = held.Release() // its connection may already be gone
			l.set(nil)
		}
		return
	}
	lk, err := l.d.store.Lock(ctx, "jobs")
	if err != nil {
		if !errors.Is(err, store.ErrLocked) {
			l.d.log.WithError(err).Warn("cannot take leadership")
		}
		return
	}
	l.d.log.Info("leading: this instance runs the scheduled jobs")
	l.set(lk)
}

func (l *leadership) set(lk *store.Lock) {
	l.mu.Lock()
	l.lock = lk
	l.mu.Unlock()
	l.d.mu.Lock()
	l.d.leader = lk != nil
	l.d.mu.Unlock()
	if lk != nil {
		l.d.metrics.leader.Set(1)
	} else {
		l.d.metrics.leader.Set(0)
	}
}

// release lets go of the lock, waiting for that until by at most (zero:
// closeGrace from now). A lock not released by then (a MySQL server that
// stopped answering) goes with the process's connection to the server.
func (l *leadership) release(by time.Time) {
	if by.IsZero() {
		by = time.Now().Add(closeGrace)
	}
	l.mu.Lock()
	lk := l.lock
	l.lock = nil
	l.mu.Unlock()
	if lk == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := lk.Release(); err != nil {
			l.d.log.WithError(err).Warn("release leadership")
		}
	}()
	if !within(done, time.Until(by)) {
		l.d.log.Warn("leader lock not released in time: it goes when the process ends")
	}
}

// cronLogger adapts logrus to cron's logger.
type cronLogger struct{ log *logrus.Entry }

func (l cronLogger) Info(msg string, kv ...any) {
	if msg == "wake" || msg == "run" || msg == "schedule" || msg == "added" || msg == "start" || msg == "stop" {
		return // cron's own chatter
	}
	l.log.WithFields(fields(kv)).Info("cron: " + msg)
}

func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.WithFields(fields(kv)).WithError(err).Error("cron: " + msg)
}

func fields(kv []any) logrus.Fields {
	f := logrus.Fields{}
	for i := 0; i+1 < len(kv); i += 2 {
		f[fmt.Sprint(kv[i])] = kv[i+1]
	}
	return f
}
