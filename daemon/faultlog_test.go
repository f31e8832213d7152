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
