package daemon

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

// testBound bounds a hung test; nothing waits for it to pass.
const testBound = 30 * time.Second

// lifeFixture loads the example config, its file channel and the web
// desk's key in temporary folders, and the shipped plan.
func lifeFixture(t *testing.T) (*config.Config, *plan.Plan) {
	t.Helper()
	c, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Channels {
		if c.Channels[i].Type == "file" {
			c.Channels[i].Dir = t.TempDir()
		}
	}
	if c.Web != nil {
		c.Web.SecretFile = filepath.Join(t.TempDir(), "web.key")
	}
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

// lifeDaemon is a daemon on a fresh SQLite store, its clock on 2 June 2024
// 09:05, logging to a test logger (see logged).
func lifeDaemon(t *testing.T, drain time.Duration) (*Daemon, *logrus.Logger, *test.Hook) {
	t.Helper()
	return lifeDaemonOn(t, drain, storetest.Backends(t)[0].Open(t))
}

// lifeDaemonOn is lifeDaemon on store s.
func lifeDaemonOn(t *testing.T, drain time.Duration, s *store.Store) (*Daemon, *logrus.Logger, *test.Hook) {
	t.Helper()
	c, p := lifeFixture(t)
	c.Delivery.DrainTimeout = config.Duration(drain)
	logger, hook := test.NewNullLogger()
	clock := &SetClock{}
	clock.Set(time.Date(2024, 6, 2, 9, 5, 0, 0, p.Location))
	d, err := New(Options{Config: c, Plan: p, Store: s,
		Log: logrus.NewEntry(logger), Clock: clock, Worker: "w"})
	if err != nil {
		t.Fatal(err)
	}
	return d, logger, hook
}

// logged is closed at the first entry logged with msg.
func logged(l *logrus.Logger, msg string) <-chan struct{} {
	h := &onMessage{msg: msg, ch: make(chan struct{})}
	l.AddHook(h)
	return h.ch
}

type onMessage struct {
	msg  string
	ch   chan struct{}
	once sync.Once
}

func (h *onMessage) Levels() []logrus.Level { return logrus.AllLevels }

func (h *onMessage) Fire(e *logrus.Entry) error {
	if e.Message == h.msg {
		h.once.Do(func() { close(h.ch) })
	}
	return nil
}

// await fails the test unless ch is closed (or receives) within testBound.
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testBound):
		t.Fatalf("no %s within %s", what, testBound)
		var zero T
		return zero
	}
}

// blocker is a job whose first run blocks until released; later runs
// return at once.
type blocker struct {
	once    sync.Once
	entered chan struct{}
	release chan struct{}
	ended   atomic.Bool
}

func newBlocker() *blocker {
	return &blocker{entered: make(chan struct{}), release: make(chan struct{})}
}

func (b *blocker) run() {
	first := false
	b.once.Do(func() { first = true })
	if !first {
		return
	}
	close(b.entered)
	<-b.release
	b.ended.Store(true)
}

// loader loads the fixture again, changed by change; loaded receives what
// it returned.
func loader(t *testing.T, change func(*config.Config)) (func() (*config.Config, *plan.Plan, error), *atomic.Pointer[config.Config]) {
	var loaded atomic.Pointer[config.Config]
	return func() (*config.Config, *plan.Plan, error) {
		c, p := lifeFixture(t)
		change(c)
		loaded.Store(c)
		return c, p, nil
	}, &loaded
}

func idle() {}

// TestReloadWaitsForTheRunningJob: a reload while a job of the running
// scheduler runs starts the new config and plan only once that job ended.
func TestReloadWaitsForTheRunningJob(t *testing.T) {
	d, logger, _ := lifeDaemon(t, time.Hour)
	waiting := logged(logger, "reload: waiting for the running jobs to finish")
	b := newBlocker()
	j := jobs{decide: idle, deliver: idle, checkLeader: b.run, every: time.Second}
	old, err := d.scheduler(d.current(), j)
	if err != nil {
		t.Fatal(err)
	}
	old.Start()
	defer old.Stop()
	await(t, b.entered, "run of the old scheduler's job")

	load, loaded := loader(t, func(c *config.Config) { c.Rules.OverdueEveryDays = 14 })
	result := make(chan *cron.Cron, 1)
	go func() {
		next, still := d.reload(nil, old, load, j)
		if still != nil {
			t.Error("a reload that waited for the old jobs says some still run")
		}
		result <- next
	}()
	select {
	case <-waiting:
	case <-result:
		t.Fatal("the reload returned while a job of the old scheduler ran")
	case <-time.After(testBound):
		t.Fatal("the reload neither waited nor returned")
	}
	close(b.release)
	next := await(t, result, "end of the reload")
	defer next.Stop()
	if !b.ended.Load() {
		t.Error("the reload returned before the old job ended")
	}
	if next == old || d.current().config != loaded.Load() {
		t.Error("the reload did not put the new config in charge")
	}
}

// TestReloadWaitIsBounded: a job of the old scheduler still running at the
// drain bound is said in the log, and the new config and plan start beside
// it.
func TestReloadWaitIsBounded(t *testing.T) {
	d, logger, _ := lifeDaemon(t, 50*time.Millisecond)
	bounded := logged(logger, "reload: jobs still running at the bound; starting the new config and plan beside them")
	b := newBlocker()
	defer close(b.release)
	j := jobs{decide: idle, deliver: idle, checkLeader: b.run, every: time.Second}
	old, err := d.scheduler(d.current(), j)
	if err != nil {
		t.Fatal(err)
	}
	old.Start()
	await(t, b.entered, "run of the old scheduler's job")

	load, loaded := loader(t, func(c *config.Config) { c.Rules.OverdueEveryDays = 14 })
	var still context.Context
	result := make(chan *cron.Cron, 1)
	go func() {
		var next *cron.Cron
		next, still = d.reload(nil, old, load, j)
		result <- next
	}()
	next := await(t, result, "end of the reload")
	defer next.Stop()
	if still == nil || still.Err() != nil {
		t.Error("the reload does not hand over the old scheduler's jobs still running, for shutdown to wait on")
	}
	select {
	case <-bounded:
	default:
		t.Error("no word in the log of the job left running")
	}
	if b.ended.Load() {
		t.Fatal("the job ended: the test proves nothing")
	}
	if next == old || d.current().config != loaded.Load() {
		t.Error("the reload did not put the new config in charge")
	}
}

// TestRefusedReloadKeepsTheRunningScheduler: a config whose scheduler
// cannot be built (a deliver spec of six fields, which a loader that
// skipped the checks lets through) is refused before anything stops: the
// running scheduler goes on and the running config stays.
func TestRefusedReloadKeepsTheRunningScheduler(t *testing.T) {
	d, logger, _ := lifeDaemon(t, time.Hour)
	refused := logged(logger, "reload refused; keeping the running config and plan")
	ticks := make(chan struct{}, 100)
	j := jobs{decide: idle, deliver: idle, every: time.Second,
		checkLeader: func() { ticks <- struct{}{} }}
	old, err := d.scheduler(d.current(), j)
	if err != nil {
		t.Fatal(err)
	}
	old.Start()
	defer old.Stop()
	before := d.current()

	load, _ := loader(t, func(c *config.Config) { c.Jobs.Deliver = "0 0 9 * * *" })
	if got, _ := d.reload(nil, old, load, j); got != old {
		t.Error("a refused reload replaced the running scheduler")
	}
	await(t, refused, "refusal in the log")
	if d.current() != before {
		t.Error("a refused reload replaced the running config")
	}
	for len(ticks) > 0 {
		<-ticks
	}
	await(t, ticks, "run of the old scheduler's job after the refused reload")
}

// TestRunSurvivesAReloadItCannotSchedule is the same refusal through Run:
// the daemon goes on (and still reloads), where it used to stop the old
// scheduler first and then end with the new one's error.
func TestRunSurvivesAReloadItCannotSchedule(t *testing.T) {
	storetest.ForEach(t, testRunSurvivesAReloadItCannotSchedule)
}

func testRunSurvivesAReloadItCannotSchedule(t *testing.T, s *store.Store) {
	d, logger, _ := lifeDaemonOn(t, time.Hour, s)
	started := logged(logger, "remindd started")
	refused := logged(logger, "reload refused; keeping the running config and plan")
	reloaded := logged(logger, "config and plan reloaded")
	bad := true
	var mu sync.Mutex
	load, _ := loader(t, func(c *config.Config) {
		mu.Lock()
		defer mu.Unlock()
		if bad {
			c.Jobs.Deliver = "0 0 9 * * *"
		}
	})
	reload := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := make(chan error, 1)
	go func() { result <- d.Run(ctx, RunOptions{Reload: reload, Load: load}) }()
	await(t, started, "start")
	before := d.current()
	reload <- struct{}{}
	select {
	case <-refused:
	case err := <-result:
		t.Fatalf("run ended on a refused reload: %v", err)
	case <-time.After(testBound):
		t.Fatal("no refusal")
	}
	if d.current() != before {
		t.Error("a refused reload replaced the running config")
	}
	mu.Lock()
	bad = false
	mu.Unlock()
	reload <- struct{}{}
	await(t, reloaded, "reload")
	cancel()
	if err := await(t, result, "end of run"); err != nil {
		t.Errorf("run: %v", err)
	}
}

// TestStartUpCatchUpPanicIsRecovered: a panic in the catch-up on start is
// logged with its stack, as one in a scheduled job is, and the daemon goes
// on: it still reloads and stops cleanly.
func TestStartUpCatchUpPanicIsRecovered(t *testing.T) {
	d, logger, hook := lifeDaemon(t, time.Hour)
	panicked := logged(logger, "cron: panic")
	reloaded := logged(logger, "config and plan reloaded")
	d.beforeCatchUp = func() { panic("catch-up boom") }
	load, _ := loader(t, func(*config.Config) {})
	reload := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := make(chan error, 1)
	go func() { result <- d.Run(ctx, RunOptions{Reload: reload, Load: load}) }()
	await(t, panicked, "panic in the log")
	reload <- struct{}{}
	await(t, reloaded, "reload after the panic")
	cancel()
	if err := await(t, result, "end of run"); err != nil {
		t.Errorf("run: %v", err)
	}
	var found bool
	for _, e := range hook.AllEntries() {
		if e.Message != "cron: panic" {
			continue
		}
		found = true
		text, _ := e.String()
		if e.Level != logrus.ErrorLevel || !strings.Contains(text, "catch-up boom") || !strings.Contains(text, "goroutine") {
			t.Errorf("the panic is logged without its value or stack: %s", text)
		}
	}
	if !found {
		t.Error("no panic logged")
	}
}

// TestShutdownIsBoundedWhenAJobIgnoresCancellation: a start-up catch-up
// that never ends (a channel that ignores its context) is cancelled at the
// drain bound and abandoned cancelGrace later: Run returns within the drain
// bound plus cancelGrace and closeGrace, inside the 5 s.
func TestShutdownIsBoundedWhenAJobIgnoresCancellation(t *testing.T) {
	storetest.ForEach(t, testShutdownIsBoundedWhenAJobIgnoresCancellation)
}

func testShutdownIsBoundedWhenAJobIgnoresCancellation(t *testing.T, s *store.Store) {
	const drain = 100 * time.Millisecond
	d, logger, _ := lifeDaemonOn(t, drain, s)
	started := logged(logger, "remindd started")
	cancelling := logged(logger, "sends still in flight at the bound: cancelling them")
	abandoned := logged(logger, "sends still in flight after cancelling them: abandoning them; the next start sends again what they had claimed")
	hung := make(chan struct{})
	never := make(chan struct{})
	defer close(never)
	d.beforeCatchUp = func() {
		close(hung)
		<-never
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := make(chan error, 1)
	go func() { result <- d.Run(ctx, RunOptions{Listen: "127.0.0.1:0"}) }()
	await(t, started, "start")
	await(t, hung, "hung catch-up")
	stopping := time.Now()
	cancel()
	select { // the acceptance: within the drain bound plus 5 s
	case err := <-result:
		if err != nil {
			t.Errorf("run: %v", err)
		}
	case <-time.After(drain + 5*time.Second):
		t.Fatalf("run still waits %s after being told to stop", time.Since(stopping).Round(time.Millisecond))
	}
	for _, ch := range []<-chan struct{}{cancelling, abandoned} {
		select {
		case <-ch:
		default:
			t.Error("shutdown did not say it cancelled and abandoned the hung job")
		}
	}
}
