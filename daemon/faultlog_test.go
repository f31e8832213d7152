package daemon

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"
)

func TestFaultLogIsBounded(t *testing.T) {
	logger, hook := test.NewNullLogger()
	clock := &SetClock{}
	start := time.Date(2024, 6, 2, 9, 0, 0, 0, time.UTC)
	f := newFaultLog(logrus.NewEntry(logger), clock, time.Minute)
	down := errors.New("dial tcp 127.0.0.1:3306: connect: connection refused")
	// An hour of failures every second logs one line a minute.
	for s := 0; s < 3600; s++ {
		clock.Set(start.Add(time.Duration(s) * time.Second))
		f.Error("outbox delivery failed", down)
	}
	if n := len(hook.AllEntries()); n != 60 {
		t.Errorf("%d lines for an hour of failures, want 60", n)
	}
	if got := hook.AllEntries()[1].Data["repeated"]; got != 59 {
		t.Errorf("second line says repeated=%v, want 59", got)
	}
	hook.Reset()
	f.OK("outbox delivery failed")
	f.OK("outbox delivery failed")
	if n := len(hook.AllEntries()); n != 1 || !strings.Contains(hook.LastEntry().Message, "recovered") {
		t.Errorf("recovery logged %d lines", n)
	}
}

// TestFaultLogBoundsHTTPServerErrors: the listener's own errors (here the
// accept failures of a process out of files, retried every few
// milliseconds) go through the fault log as warnings: 10,000 in 15 s are
// one line, and the next after a minute says how many it stood for.
func TestFaultLogBoundsHTTPServerErrors(t *testing.T) {
	logger, hook := test.NewNullLogger()
	clock := &SetClock{}
	start := time.Date(2024, 6, 2, 9, 0, 0, 0, time.UTC)
	f := newFaultLog(logrus.NewEntry(logger), clock, time.Minute)
	errorLog := f.Logger("http server error")
	for i := 0; i < 10000; i++ {
		clock.Set(start.Add(time.Duration(i) * 1500 * time.Microsecond))
		errorLog.Printf("http: Accept error: accept tcp 127.0.0.1:9464: accept4: too many open files; retrying in %dms", 5<<(i%8))
	}
	entries := hook.AllEntries()
	if len(entries) != 1 || entries[0].Level != logrus.WarnLevel || entries[0].Message != "http server error" ||
		!strings.Contains(entries[0].Data[logrus.ErrorKey].(error).Error(), "too many open files") {
		t.Fatalf("10,000 server errors in 15 s logged %d lines: %v", len(entries), entries)
	}
	clock.Set(start.Add(time.Minute))
	errorLog.Print("http: Accept error: accept tcp 127.0.0.1:9464: accept4: too many open files; retrying in 5ms")
	if n := len(hook.AllEntries()); n != 2 || hook.LastEntry().Data["repeated"] != 9999 {
		t.Errorf("a minute later: %d lines, last %v", n, hook.LastEntry().Data)
	}
}
