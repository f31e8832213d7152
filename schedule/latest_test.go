package schedule_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/schedule"
)

// counting wraps a schedule and counts its Next calls; past limit it answers
// "no more activations", so that a walk over every activation of a long
// window ends quickly and fails the test instead of taking minutes.
type counting struct {
	inner cron.Schedule
	calls int
	limit int
}

func (c *counting) Next(t time.Time) time.Time {
	c.calls++
	if c.calls > c.limit {
		return time.Time{}
	}
	return c.inner.Next(t)
}

func spec(t *testing.T, s string) cron.Schedule {
	t.Helper()
	sched, err := config.ParseSpec(s)
	if err != nil {
		t.Fatal(err)
	}
	sched.(*cron.SpecSchedule).Location = shanghai
	return sched
}

// TestLatestDoesNotWalkTheWindow: the latest minute of a 366-day window of
// "* * * * *" (527,040 activations) is found in a few dozen Next calls.
func TestLatestDoesNotWalkTheWindow(t *testing.T) {
	at := time.Date(2024, 12, 31, 9, 0, 30, 0, shanghai)
	for _, tc := range []struct {
		spec   string
		window time.Duration
		want   time.Time
	}{
		{"* * * * *", 366 * 24 * time.Hour, time.Date(2024, 12, 31, 9, 0, 0, 0, shanghai)},
		{"0 9 1 1 *", 366 * 24 * time.Hour, time.Date(2024, 1, 1, 9, 0, 0, 0, shanghai)},
		{"* * 1 * *", 366 * 24 * time.Hour, time.Date(2024, 12, 1, 23, 59, 0, 0, shanghai)},
		{"*/5 9-17 * * 1-5", 30 * 24 * time.Hour, time.Date(2024, 12, 31, 9, 0, 0, 0, shanghai)},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			c := &counting{inner: spec(t, tc.spec), limit: 100}
			got, ok := schedule.Latest(c, at.Add(-tc.window), at)
			if !ok || !got.Equal(tc.want) {
				t.Errorf("Latest = %s, %v; want %s", got, ok, tc.want)
			}
			// 2·log2(366 days in seconds) is about 50.
			if c.calls > 60 {
				t.Errorf("%d calls of Next, want at most 60", c.calls)
			}
		})
	}
}

// walk is the definition Latest must meet: every activation in (after, at]
// in turn, the last one kept.
func walk(s cron.Schedule, after, at time.Time) (time.Time, bool) {
	var last time.Time
	for n := s.Next(after); !n.IsZero() && !n.After(at); n = s.Next(n) {
		last = n
	}
	return last, !last.IsZero()
}

// TestLatestMatchesTheWalk compares Latest with walking every activation,
// for cron specs and the jobs' working-day schedules, over random windows
// that start and end at any nanosecond.
func TestLatestMatchesTheWalk(t *testing.T) {
	specs := []string{"* * * * *", "0 9 * * *", "0 9 1 * *", "0 9 2 * *", "0 9 1 1,4,7,10 *",
		"30 8 * * 1-5", "*/7 * * * *", "0 0 29 2 *", "59 23 31 12 *", "0 9 15 6 *"}
	var scheds []cron.Schedule
	var names []string
	for _, s := range specs {
		scheds = append(scheds, spec(t, s))
		names = append(names, s)
	}
	for _, j := range mustJobs(t, engine(t, true)) {
		scheds = append(scheds, j.Schedule)
		names = append(names, "working-day "+j.Name)
	}
	rng := rand.New(rand.NewPCG(13, 4))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai)
	for i, s := range scheds {
		for k := 0; k < 60; k++ {
			at := start.Add(time.Duration(rng.Int64N(int64(360 * 24 * time.Hour))))
			window := time.Duration(rng.Int64N(int64(40 * 24 * time.Hour)))
			if names[i] == "* * * * *" || names[i] == "*/7 * * * *" {
				window /= 100 // keep the walk short
			}
			switch k % 4 {
			case 0:
				at = at.Truncate(time.Minute) // on an activation
			case 1:
				window = window.Truncate(time.Minute)
			}
			after := at.Add(-window)
			want, wantOK := walk(s, after, at)
			got, ok := schedule.Latest(s, after, at)
			if ok != wantOK || !got.Equal(want) {
				t.Errorf("%s in (%s, %s]: Latest = %s %v, walk = %s %v", names[i],
					after.Format(time.RFC3339Nano), at.Format(time.RFC3339Nano), got, ok, want, wantOK)
			}
		}
	}
}

func TestLatestAtTheJobTime(t *testing.T) {
	s := spec(t, "0 9 * * *")
	at := time.Date(2024, 6, 3, 9, 0, 0, 0, shanghai)
	for _, tc := range []struct {
		after time.Time
		want  bool
	}{
		{at.Add(-time.Minute), true},
		{at.Add(-time.Nanosecond), true},
		{at, false}, // (at, at] is empty: the run at 09:00 was recorded
	} {
		got, ok := schedule.Latest(s, tc.after, at)
		if ok != tc.want || (ok && !got.Equal(at)) {
			t.Errorf("after %s: %s %v, want %v", tc.after.Format(time.RFC3339Nano), got, ok, tc.want)
		}
	}
}

func mustJobs(t *testing.T, e *schedule.Engine) []schedule.Job {
	t.Helper()
	jobs, err := e.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

// BenchmarkLatestLongWindow is the tick of finding 13.4: catch_up at its
// bound (366 days) and a job every minute.
func BenchmarkLatestLongWindow(b *testing.B) {
	s, err := config.ParseSpec("* * * * *")
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2024, 12, 31, 9, 0, 30, 0, shanghai)
	for b.Loop() {
		if _, ok := schedule.Latest(s, at.Add(-366*24*time.Hour), at); !ok {
			b.Fatal("no activation")
		}
	}
}

func ExampleLatest() {
	s, _ := config.ParseSpec("0 9 * * *")
	at := time.Date(2024, 6, 3, 10, 0, 0, 0, time.UTC)
	last, ok := schedule.Latest(s, at.Add(-7*24*time.Hour), at)
	fmt.Println(last.Format(time.RFC3339), ok)
	// Output: 2024-06-03T09:00:00Z true
}
