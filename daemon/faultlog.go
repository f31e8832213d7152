package daemon

import (
	"errors"
	"log"
	"strings"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

// faultLog logs a persistent fault once, then at most once per interval
// with the number of repeats, and says when it clears: a store that is down
// for an hour, or a listener flooded with bad requests, must not fill the
// disk with the same line.
type faultLog struct {
	log      *logrus.Entry
	clock    Clock
	interval time.Duration

	mu       sync.Mutex
	last     map[string]time.Time
	repeated map[string]int
}

func newFaultLog(log *logrus.Entry, clock Clock, interval time.Duration) *faultLog {
	return &faultLog{log: log, clock: clock, interval: interval, last: map[string]time.Time{}, repeated: map[string]int{}}
}

// Error reports that what failed with err.
func (f *faultLog) Error(what string, err error) { f.report(logrus.ErrorLevel, what, err) }

// Warn reports, at warning level, that what failed with err.
func (f *faultLog) Warn(what string, err error) { f.report(logrus.WarnLevel, what, err) }

func (f *faultLog) report(level logrus.Level, what string, err error) {
	f.mu.Lock()
	now := f.clock.Now()
	last, seen := f.last[what]
	if seen && now.Sub(last) < f.interval {
		f.repeated[what]++
		f.mu.Unlock()
		return
	}
	n := f.repeated[what]
	f.last[what], f.repeated[what] = now, 0
	f.mu.Unlock()
	e := f.log.WithError(err)
	if n > 0 {
		e = e.WithField("repeated", n)
	}
	e.Log(level, what)
}

// OK reports that what works again.
func (f *faultLog) OK(what string) {
	f.mu.Lock()
	_, seen := f.last[what]
	delete(f.last, what)
	delete(f.repeated, what)
	f.mu.Unlock()
	if seen {
		f.log.Info(what + ": recovered")
	}
}

// Logger is a standard logger whose every line is a warning that what
// failed, at the fault log's rate: an http.Server's ErrorLog.
func (f *faultLog) Logger(what string) *log.Logger {
	return log.New(faultWriter{f, what}, "", 0)
}

type faultWriter struct {
	f    *faultLog
	what string
}

func (w faultWriter) Write(p []byte) (int, error) {
	w.f.Warn(w.what, errors.New(strings.TrimSpace(string(p))))
	return len(p), nil
}
