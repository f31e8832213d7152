package daemon

import (
	"context"
	"errors"
	"fmt"
	"net"
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
	// (see ServerOptions).
	HTTP ServerOptions
}

// Run serves until ctx is done: it takes the leader lock (refusing to start
// when another instance holds a SQLite store), catches up, schedules the
// jobs with cron in the plan's time zone, drains the outbox every minute,
// tells systemd it is ready, pings its watchdog, reloads on a signal, and on
// shutdown stops taking work and lets in-flight sends finish within the
// configured bound.
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
	defer lead.release()

	faults := newFaultLog(d.log, d.clock, time.Minute)
	var srv *http.Server
	if o.Listen != "" {
		opts := o.HTTP
		if opts.ErrorLog == nil {
			opts.ErrorLog = faults.Logger("http server error")
		}
		var ln net.Listener
		var err error
		if srv, ln, err = ListenHTTP(o.Listen, d.Handler(), opts); err != nil {
			return err
		}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				d.log.WithError(err).Error("http server stopped")
			}
		}()
		d.log.WithField("listen", ln.Addr().String()).Info("serving /healthz and /metrics")
		if o.Ready != nil {
			o.Ready(ln.Addr().String())
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

	c, err := d.cron(decide, deliver, func() { lead.try(stop) }, o.LeaderCheck)
	if err != nil {
		return err
	}
	c.Start()
	d.log.WithFields(logrus.Fields{"leader": lead.is(), "store": d.store.Driver()}).Info("remindd started")
	notifySystemd(d.log, sd.SdNotifyReady)
	// Catch up on start, beside the scheduler: a long outbox must not hold
	// back readiness. Claims keep it from racing the delivery job.
	var startup sync.WaitGroup
	startup.Add(1)
	go func() {
		defer startup.Done()
		decide()
		deliver()
	}()

	watchdog := make(chan struct{})
	go d.watchdog(watchdog)

loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-o.Reload:
			if err := d.reload(o.Load); err != nil {
				d.log.WithError(err).Error("reload refused; keeping the running config and plan")
				continue
			}
			c.Stop()
			if c, err = d.cron(decide, deliver, func() { lead.try(stop) }, o.LeaderCheck); err != nil {
				return err
			}
			c.Start()
			d.log.Info("config and plan reloaded")
		}
	}

	notifySystemd(d.log, sd.SdNotifyStopping)
	close(watchdog)
	d.log.Info("stopping: no new work; letting sends in flight finish")
	stopNow()
	cronDone := c.Stop()
	running, allDone := context.WithCancel(context.Background())
	go func() {
		<-cronDone.Done()
		startup.Wait()
		allDone()
	}()
	bound := time.Duration(d.current().config.Delivery.DrainTimeout)
	select {
	case <-running.Done():
	case <-time.After(bound):
		// The deliverer cancels its sends at this same bound.
		<-running.Done()
	}
	if srv != nil {
		shut, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut) // best effort: the process is ending
	}
	d.log.Info("remindd stopped")
	return nil
}

// cron builds the scheduler: the rule jobs (each decides at its time; the
// catch-up logic decides which jobs are due), delivery, and the leader check.
func (d *Daemon) cron(decide, deliver, checkLeader func(), every time.Duration) (*cron.Cron, error) {
	s := d.current()
	logger := cronLogger{d.log}
	c := cron.New(cron.WithLocation(s.plan.Location), cron.WithLogger(logger),
		cron.WithChain(cron.Recover(logger), cron.SkipIfStillRunning(logger)))
	jobs, err := s.engine.Jobs()
	if err != nil {
		return nil, err
	}
	for _, j := range jobs {
		c.Schedule(j.Schedule, cron.FuncJob(decide))
	}
	spec, err := config.ParseSpec(s.config.Jobs.Deliver)
	if err != nil {
		return nil, fmt.Errorf("job deliver: %w", err)
	}
	c.Schedule(spec, cron.FuncJob(deliver))
	c.Schedule(cron.Every(every), cron.FuncJob(checkLeader))
	return c, nil
}

func (d *Daemon) reload(load func() (*config.Config, *plan.Plan, error)) error {
	if load == nil {
		return errors.New("no loader")
	}
	c, p, err := load()
	if err != nil {
		return err
	}
	if p.ID != d.current().plan.ID {
		d.log.WithFields(logrus.Fields{"from": d.current().plan.ID, "to": p.ID}).Warn("plan changed")
	}
	return d.Reload(c, p)
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

func (l *leadership) release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.lock != nil {
		if err := l.lock.Release(); err != nil {
			l.d.log.WithError(err).Warn("release leadership")
		}
		l.lock = nil
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
