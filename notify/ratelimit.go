package notify

import (
	"sync"
	"time"
)

// rate is at most n sends per window.
type rate struct {
	n   int
	per time.Duration
}

// limiter keeps, per key, the times of recent sends, and refuses a send that
// would exceed a rate; the caller reports when to try again rather than
// sleeping. Time comes from the caller, so tests drive it with a fake clock.
type limiter struct {
	mu   sync.Mutex
	sent map[string][]time.Time // ascending
}

func newLimiter() *limiter { return &limiter{sent: map[string][]time.Time{}} }

// take records a send for key at now if every rate allows it; otherwise it
// returns how long until one would.
func (l *limiter) take(key string, now time.Time, rates []rate) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var longest time.Duration
	for _, r := range rates {
		longest = max(longest, r.per)
	}
	times := l.sent[key]
	keep := 0
	for keep < len(times) && !times[keep].After(now.Add(-longest)) {
		keep++
	}
	times = times[keep:]
	var wait time.Duration
	for _, r := range rates {
		var in []time.Time
		for i, t := range times {
			if t.After(now.Add(-r.per)) {
				in = times[i:]
				break
			}
		}
		if len(in) >= r.n {
			// The send that must leave the window first.
			free := in[len(in)-r.n].Add(r.per).Sub(now)
			wait = max(wait, free)
		}
	}
	if wait > 0 {
		l.sent[key] = times
		return wait, false
	}
	l.sent[key] = append(times, now)
	return 0, true
}
