package notify

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/render"
)

// hungChannel is an e-mail channel to host:port whose own timeout (a
// minute) is far beyond the tests' bound, so that only the cancellation
// can end a Send in time.
func hungChannel(t *testing.T, host string, port int, mode string) Channel {
	t.Helper()
	ch, err := New(&config.Channel{Name: "mail", Type: "email", Host: host, Port: port, TLS: mode,
		From: smtpUser, Timeout: config.Duration(time.Minute)}, Options{Now: sendNow})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// sendCancelled sends m on ch, cancels the send once hung says the server
// went silent, and returns its error, failing if Send outlives the
// cancellation by the test's bound.
func sendCancelled(t *testing.T, ch Channel, m render.Message, hung <-chan struct{}) error {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	result := make(chan []error, 1)
	go func() { result <- ch.Send(ctx, []render.Message{m}) }()
	bound := time.NewTimer(10 * time.Second) // a bound on a hung test, not a wait
	defer bound.Stop()
	select {
	case <-hung:
	case errs := <-result:
		t.Fatalf("the send ended before the server went silent: %v", errs)
	case <-bound.C:
		t.Fatal("the server never went silent")
	}
	cancel()
	select {
	case errs := <-result:
		return errs[0]
	case <-bound.C:
		t.Fatal("a cancelled Send still waits for a silent server")
		return nil
	}
}

// TestEmailCancelEndsAWaitForASilentServer: go-mail honours a context only
// while it dials, and bounds the greeting, EHLO and the end of DATA by its
// timeout alone; a cancelled Send must end at once, interrupted, and the
// channel must send again afterwards.
func TestEmailCancelEndsAWaitForASilentServer(t *testing.T) {
	m := rendered(t, "lead-enterprise")
	check := func(t *testing.T, err error) {
		t.Helper()
		var ne *Error
		if !errors.As(err, &ne) || ne.Class != ClassInterrupted || !ne.Temporary {
			t.Errorf("a cancelled send: %v, want a temporary %s error", err, ClassInterrupted)
		}
	}
	for _, mode := range []string{"none", "implicit"} {
		t.Run("no greeting, tls "+mode, func(t *testing.T) {
			s := smtptest.StartSilent(t)
			check(t, sendCancelled(t, hungChannel(t, s.Host, s.Port, mode), m, s.Accepted()))
		})
	}
	t.Run("no answer to EHLO", func(t *testing.T) {
		s := smtptest.StartSilent(t, smtptest.SilentGreets())
		heard := make(chan struct{})
		go func() {
			if _, ok := <-s.Heard(); ok {
				close(heard)
			}
		}()
		check(t, sendCancelled(t, hungChannel(t, s.Host, s.Port, "none"), m, heard))
	})
	t.Run("no answer to DATA", func(t *testing.T) {
		s := smtptest.Start(t)
		ch := hungChannel(t, s.Host, s.Port, "none")
		check(t, sendCancelled(t, ch, m, s.HangNextData(1)))
		if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
			t.Fatalf("the send after the interrupted one: %v", err)
		}
		if n := len(s.Messages()); n != 1 {
			t.Errorf("%d messages received, want 1", n)
		}
	})
}
