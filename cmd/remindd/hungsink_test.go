package main

import (
	"bytes"
	"context"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/store"
)

// TestSIGTERMWhileTheMailServerHangs is issue 9's acceptance: a SIGTERM
// while the SMTP server has accepted the connection and never answers (no
// greeting, or no answer at the end of DATA) ends `remindd run` within the
// drain timeout plus 5 s, with status 0; the next start, with a server that
// answers, delivers the message that was in flight, once.
func TestSIGTERMWhileTheMailServerHangs(t *testing.T) {
	const drain = 2 * time.Second
	cases := []struct {
		name string
		// hang starts a server that will hang, and returns its port, a
		// channel that receives once it hangs, and the server the next
		// start sends to.
		hang func(t *testing.T) (port int, hung <-chan struct{}, next *smtptest.Server)
	}{
		{"no greeting", func(t *testing.T) (int, <-chan struct{}, *smtptest.Server) {
			s := smtptest.StartSilent(t)
			return s.Port, s.Accepted(), smtptest.Start(t)
		}},
		{"no answer to DATA", func(t *testing.T) (int, <-chan struct{}, *smtptest.Server) {
			s := smtptest.Start(t)
			return s.Port, s.HangNextData(1), s
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "remindd.db")
			fill(t, "sqlite:"+db, 1)
			port, hung, next := tc.hang(t)
			cfg := hungSinkConfig(t, dir, db, port, drain)

			p := startDaemon(t, cfg)
			select {
			case <-hung:
			case <-time.After(30 * time.Second): // a bound on a hung test
				t.Fatal("remindd never reached the mail server")
			}
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			log, err := p.stopWithin(t, drain+5*time.Second)
			if err != nil {
				t.Errorf("exit after SIGTERM: %v\n%s", err, log)
			}
			if !strings.Contains(log, "sends still in flight at the bound: cancelling them") {
				t.Errorf("the log does not say the send was cancelled:\n%s", log)
			}

			hungSinkConfig(t, dir, db, next.Port, drain)
			p = startDaemon(t, cfg)
			bound := time.AfterFunc(30*time.Second, next.Close) // ends WaitFor on a hung test
			defer bound.Stop()
			if !next.WaitFor(func(ms []smtptest.Message) bool { return len(ms) >= 1 }) {
				t.Fatal("the next start did not deliver the message in flight")
			}
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			if log, err := p.stopWithin(t, drain+5*time.Second); err != nil {
				t.Errorf("exit of the next start: %v\n%s", err, log)
			}
			got := next.Messages()
			if len(got) != 1 {
				t.Fatalf("%d messages received, want 1", len(got))
			}
			msg, err := mail.ReadMessage(bytes.NewReader(got[0].Data))
			if err != nil {
				t.Fatal(err)
			}
			if k := msg.Header.Get("X-Remindd-Key"); k != key(0) {
				t.Errorf("received %q, want %q", k, key(0))
			}
			s, err := store.Open(context.Background(), "sqlite:"+db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			depth, err := s.Depth(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if depth[store.StatusSent] != 1 {
				t.Errorf("outbox: %v, want the message sent", depth)
			}
		})
	}
}

// hungSinkConfig writes the config in dir: the shipped plan, the SQLite
// store db, a drain bound of drain, a short backoff, and an e-mail channel
// to port on 127.0.0.1 whose own timeout is far beyond the test's bounds.
func hungSinkConfig(t *testing.T, dir, db string, port int, drain time.Duration) string {
	t.Helper()
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body := fmt.Sprintf(`plan: %s
store: sqlite:%s
delivery: {drain_timeout: %s, backoff_base: 1s}
channels:
  - {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, timeout: 10m, from: remindd@example.gov.cn, from_name: 提醒}
`, plan, db, drain, port)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// stopWithin waits for the process to exit, reading its log, and fails the
// test (killing it) if that takes longer than bound. It returns the log and
// the exit status.
func (p *daemonProcess) stopWithin(t *testing.T, bound time.Duration) (string, error) {
	t.Helper()
	var log strings.Builder
	timeout := time.After(bound)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				return log.String(), <-p.done
			}
			log.WriteString(line + "\n")
		case <-timeout:
			_ = p.cmd.Process.Kill()
			t.Fatalf("remindd still running %s after SIGTERM:\n%s", bound, log.String())
		}
	}
}
