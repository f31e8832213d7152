package daemon_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
)

// runUntil runs the daemon at a fixed instant until done is closed.
func runUntil(t *testing.T, d *daemon.Daemon, done <-chan struct{}) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	result := make(chan error, 1)
	go func() { result <- d.Run(ctx, daemon.RunOptions{}) }()
	select {
	case <-done:
	case err := <-result:
		cancel()
		t.Fatalf("run ended early: %v", err)
	case <-time.After(30 * time.Second): // a bound on a hung test, not a wait
		t.Error("nothing happened within 30 s")
	}
	cancel()
	if err := <-result; err != nil {
		t.Errorf("run: %v", err)
	}
}

// heartbeatDaemon is a daemon on a fresh SQLite store whose clock stands at
// 2 June 2024 09:05, so that it catches up that day's sweep on start.
func heartbeatDaemon(t *testing.T, url string, log *logrus.Entry) *daemon.Daemon {
	t.Helper()
	c, p := fixture(t)
	c.HeartbeatURL = url
	clock := &daemon.SetClock{}
	clock.Set(at(6, 2, 9, 5))
	d, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: storetest.Backends(t)[0].Open(t), Log: log, Clock: clock, Worker: "w"})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestHeartbeatAfterASweep: the sweep run on start (catching up 2 June
// 09:00) is followed by a GET of heartbeat_url.
func TestHeartbeatAfterASweep(t *testing.T) {
	hit := make(chan *http.Request, 10)
	monitor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hit <- r
	}))
	defer monitor.Close()
	d := heartbeatDaemon(t, monitor.URL+"/ping/0b5e-token", quietLog())
	got := make(chan struct{})
	var req *http.Request
	go func() {
		req = <-hit
		close(got)
	}()
	runUntil(t, d, got)
	if req == nil {
		t.Fatal("no heartbeat")
	}
	if req.Method != http.MethodGet || req.URL.Path != "/ping/0b5e-token" {
		t.Errorf("heartbeat %s %s, want GET /ping/0b5e-token", req.Method, req.URL.Path)
	}
}

// TestHeartbeatFailureIsLoggedWithoutTheURL: a monitor answering 500 is a
// logged fault that names the host, never the URL's token.
func TestHeartbeatFailureIsLoggedWithoutTheURL(t *testing.T) {
	monitor := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	defer monitor.Close()
	logger, hook := test.NewNullLogger()
	logger.SetOutput(io.Discard)
	logged := make(chan struct{})
	logger.AddHook(&signal{level: logrus.ErrorLevel, msg: "heartbeat failed", ch: logged})
	d := heartbeatDaemon(t, monitor.URL+"/ping/0b5e-token", logrus.NewEntry(logger))
	runUntil(t, d, logged)
	var found bool
	for _, e := range hook.AllEntries() {
		if e.Message != "heartbeat failed" {
			continue
		}
		found = true
		text, _ := e.String()
		if strings.Contains(text, "0b5e-token") {
			t.Errorf("the log shows the heartbeat URL's token: %s", text)
		}
		if !strings.Contains(text, "500") || !strings.Contains(text, strings.TrimPrefix(monitor.URL, "http://")) {
			t.Errorf("the log should name the host and the status: %s", text)
		}
	}
	if !found {
		t.Error("no heartbeat failure logged")
	}
}

// signal closes ch at the first entry of level with msg.
type signal struct {
	level logrus.Level
	msg   string
	ch    chan struct{}
	once  sync.Once
}

func (s *signal) Levels() []logrus.Level { return []logrus.Level{s.level} }

func (s *signal) Fire(e *logrus.Entry) error {
	if e.Message == s.msg {
		s.once.Do(func() { close(s.ch) })
	}
	return nil
}
