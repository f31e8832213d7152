package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/smtptest"
)

// TestListenerUnderIdleSlowAndManyClients runs `remindd run` with an
// open-file limit of 1,024 and holds, on loopback, 1,100 idle connections
// to its listener, keep-alive clients gone quiet after a request, clients
// that send their headers or their body a byte at a time, while 100
// notifications wait in the outbox. The daemon must go on delivering to
// the SMTP sink, answer /healthz, keep its open files well below the limit
// and close every one of those connections itself, with the listener's
// default settings.
func TestListenerUnderIdleSlowAndManyClients(t *testing.T) {
	const (
		fileLimit = 1024
		idle      = 1100 // connected, never a byte
		keepAlive = 50   // one request, then quiet
		slowHead  = 20   // a header line every 100 ms
		slowBody  = 20   // a body byte every 100 ms
		pending   = 100
	)
	sink := smtptest.Start(t)
	bound := time.AfterFunc(2*time.Minute, sink.Close) // ends every wait on the sink
	defer bound.Stop()
	dir := t.TempDir()
	db := filepath.Join(dir, "remindd.db")
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	body := fmt.Sprintf(`plan: %s
store: sqlite:%s
jobs: {deliver: "* * * * *"} # at the next minute: delivery while the clients hold on
channels:
  - {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, from: remindd@example.gov.cn}
`, plan, db, sink.Port)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}

	// dash's ulimit sets the soft and the hard limit: the Go runtime cannot
	// raise the soft one past it.
	p := startWrapped(t, "sh", "-c", `ulimit -n `+strconv.Itoa(fileLimit)+` && exec "$0" "$@"`,
		binary, "run", "--config", cfg, "--listen", "127.0.0.1:0")
	addr := p.await(t, `serving /healthz and /metrics.*listen="?([0-9.:]+)`, 20*time.Second)[1]
	p.await(t, `remindd started`, 20*time.Second)
	pid := p.cmd.Process.Pid
	if limits := readFile(t, fmt.Sprintf("/proc/%d/limits", pid)); !regexp.MustCompile(fmt.Sprintf(`Max open files\s+%d\s+%d\s`, fileLimit, fileLimit)).MatchString(limits) {
		t.Fatalf("remindd does not run under a limit of %d open files:\n%s", fileLimit, limits)
	}

	// Watch the daemon's open files for the whole test.
	var maxFiles atomic.Int64
	stopWatch := make(chan struct{})
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			if fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid)); err == nil && int64(len(fds)) > maxFiles.Load() {
				maxFiles.Store(int64(len(fds)))
			}
			select {
			case <-stopWatch:
				return
			case <-tick.C:
			}
		}
	}()

	var clients []*client
	open := func(n int, kind string, start func(net.Conn) error) {
		t.Helper()
		for i := 0; i < n; i++ {
			c, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatalf("%s client %d: %v", kind, i, err)
			}
			cl := &client{kind: kind, conn: c, closed: make(chan struct{})}
			t.Cleanup(func() { c.Close() })
			if err := start(c); err != nil {
				t.Fatalf("%s client %d: %v", kind, i, err)
			}
			go cl.readUntilClosed()
			clients = append(clients, cl)
		}
	}
	opened := time.Now()
	open(idle, "idle", func(net.Conn) error { return nil })
	open(keepAlive, "keep-alive", func(c net.Conn) error {
		_, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: remindd\r\n\r\n")
		return err
	})
	open(slowHead, "slow-header", func(c net.Conn) error {
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: remindd\r\n"); err != nil {
			return err
		}
		go trickle(c, "X-Slow: 1\r\n")
		return nil
	})
	open(slowBody, "slow-body", func(c net.Conn) error {
		if _, err := io.WriteString(c, "GET /healthz HTTP/1.1\r\nHost: remindd\r\nContent-Length: 100000\r\n\r\n"); err != nil {
			return err
		}
		go trickle(c, "x")
		return nil
	})
	t.Logf("%d connections open to remindd in %s", len(clients), time.Since(opened).Round(time.Millisecond))

	// (a) /healthz answers, on a fresh connection, behind all of them…
	healthy := make(chan error, 1) // nil once answered; the goroutine must not log after the test
	var answeredAfter time.Duration
	var answer []byte
	go func() {
		health := http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
		deadline := time.Now().Add(30 * time.Second)
		for {
			resp, err := health.Get("http://" + addr + "/healthz")
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					answeredAfter, answer = time.Since(opened), bytes.TrimSpace(b)
					healthy <- nil
					return
				}
				err = fmt.Errorf("%s %s", resp.Status, b)
			}
			if time.Now().After(deadline) {
				healthy <- fmt.Errorf("/healthz did not answer 200 within 30 s: %v", err)
				return
			}
			time.Sleep(100 * time.Millisecond) // polling a server's state, not a clock
		}
	}()

	// (b) …and notifications that come due while they are held are
	// delivered.
	fill(t, "sqlite:"+db, pending)
	if !sink.WaitFor(func(ms []smtptest.Message) bool { return len(ms) >= pending }) {
		t.Fatalf("the sink received %d of %d pending notifications", len(sink.Messages()), pending)
	}
	t.Logf("%d notifications delivered %s after the connections were opened", pending, time.Since(opened).Round(time.Millisecond))
	if err := <-healthy; err != nil {
		t.Fatal(err)
	}
	t.Logf("/healthz answered %s after the connections were opened: %s", answeredAfter.Round(time.Millisecond), answer)

	// Every connection is closed by the server, none by its client.
	left := map[string]int{}
	wait, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for _, c := range clients {
		select {
		case <-c.closed:
		case <-wait.Done():
			left[c.kind]++
		}
	}
	if len(left) > 0 {
		t.Errorf("connections still open a minute after they were opened: %v", left)
	} else {
		t.Logf("all %d connections closed by remindd within %s", len(clients), time.Since(opened).Round(time.Millisecond))
	}
	var answered int
	for _, c := range clients {
		if c.kind == "keep-alive" && c.answered.Load() {
			answered++
		}
	}
	if answered != keepAlive {
		t.Errorf("%d of %d keep-alive clients got an answer before being closed", answered, keepAlive)
	}

	// (c) Open files stayed well below the limit: the listener's connections
	// at most a quarter of it, with room for the store, SMTP and the runtime.
	close(stopWatch)
	<-watched
	if n := maxFiles.Load(); n > fileLimit/4+64 {
		t.Errorf("remindd held up to %d open files under a limit of %d, want at most %d", n, fileLimit, fileLimit/4+64)
	} else {
		t.Logf("remindd held at most %d open files", n)
	}

	// Nothing failed meanwhile: no delivery, store or accept error.
	for _, line := range p.logged() {
		if strings.Contains(line, "level=error") || strings.Contains(line, "too many open files") {
			t.Errorf("remindd logged: %s", line)
		}
	}

	p.terminate(t)
}

// client is one connection held to the listener.
type client struct {
	kind     string
	conn     net.Conn
	answered atomic.Bool   // an HTTP response began
	closed   chan struct{} // the server closed the connection
}

// readUntilClosed reads what the server sends until it closes the
// connection; the client never closes it first.
func (c *client) readUntilClosed() {
	defer close(c.closed)
	buf := make([]byte, 4096)
	for {
		n, err := c.conn.Read(buf)
		if n > 0 && bytes.HasPrefix(buf[:n], []byte("HTTP/1.1 ")) {
			c.answered.Store(true)
		}
		if err != nil {
			return
		}
	}
}

// trickle writes s every 100 ms until the connection fails.
func trickle(c net.Conn, s string) {
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for range tick.C {
		if _, err := io.WriteString(c, s); err != nil {
			return
		}
	}
}

// wrappedProcess is a `remindd run` started through a wrapper, whose log
// lines are kept as well as awaited.
type wrappedProcess struct {
	*daemonProcess
	mu  sync.Mutex
	log []string
}

// logged returns the lines logged so far.
func (p *wrappedProcess) logged() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.log...)
}

// startWrapped starts `remindd run` through a wrapper command (name, args)
// that execs it, so that the process keeps the wrapper's pid.
func startWrapped(t *testing.T, name string, args ...string) *wrappedProcess {
	t.Helper()
	p := &wrappedProcess{}
	p.daemonProcess = startProcess(t, exec.Command(name, args...), func(line string) {
		p.mu.Lock()
		if len(p.log) < 100000 {
			p.log = append(p.log, line)
		}
		p.mu.Unlock()
	})
	return p
}
