package schedule_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/workday"
)

// exampleState is a state with nothing done and the example enterprises.
func exampleState(t *testing.T, p *plan.Plan) *remindd.State {
	t.Helper()
	f, err := os.Open("../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	list, err := roster.Read("enterprises.csv", f, roster.RulesOf(p))
	if err != nil {
		t.Fatal(err)
	}
	return &remindd.State{Enterprises: list}
}

// jobTimes are the activations of every job in (from, to], in order, each
// once: the instants simulate ticks at.
func jobTimes(t *testing.T, e *schedule.Engine, from, to time.Time) []time.Time {
	t.Helper()
	var times []time.Time
	for _, j := range mustJobs(t, e) {
		for n := j.Schedule.Next(from); !n.IsZero() && !n.After(to); n = j.Schedule.Next(n) {
			times = append(times, n)
		}
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	return slices.CompactFunc(times, time.Time.Equal)
}

// nextWorkday caches workday.Next for the walks of nextByDefinition.
var nextWorkday = map[plan.Date]plan.Date{}

// moved is where the working-day rule puts a nominal activation of a job
// that reports after the fact: the next working day, same time of day.
func moved(t *testing.T, n time.Time) time.Time {
	t.Helper()
	l := n.In(shanghai)
	d, ok := nextWorkday[plan.DateOf(l)]
	if !ok {
		var err error
		if d, err = workday.Next(workday.China{}, plan.DateOf(l)); err != nil {
			t.Fatal(err)
		}
		nextWorkday[plan.DateOf(l)] = d
	}
	return time.Date(d.Year, d.Month, d.Day, l.Hour(), l.Minute(), l.Second(), 0, shanghai)
}

// TestWorkingDaysYearSendsEveryPeriodOnce lives through the whole 2024 plan
// with working days on, as simulate does (every job time in order, each
// tick catching up from the runs recorded so far), and checks that every
// agenda, digest and quarterly notice the plan calls for is decided exactly
// once, on the working day the calendar gives for its nominal day. What is
// called for is what the same ticks decide with working days off.
func TestWorkingDaysYearSendsEveryPeriodOnce(t *testing.T) {
	off, on := engine(t, false), engine(t, true)
	st := exampleState(t, on.Plan)
	from := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai).Add(-time.Nanosecond)
	to := time.Date(2025, 1, 6, 0, 0, 0, 0, shanghai) // the plan's last day is 5 January 2025
	reports := map[remindd.Rule]bool{remindd.Agenda: true, remindd.Digest: true, remindd.Quarterly: true}

	// decided maps each key of the reporting rules to the instants it was
	// decided at.
	live := func(e *schedule.Engine) map[string][]time.Time {
		decided := map[string][]time.Time{}
		last := map[string]time.Time{}
		for _, at := range jobTimes(t, e, from, to) {
			ns, runs, err := e.Due(st, at, last)
			if err != nil {
				t.Fatalf("due at %s: %v", at, err)
			}
			for _, r := range runs {
				if e.Config.WorkingDays {
					if ok, _ := (workday.China{}).IsWorkday(plan.DateOf(r.At.In(shanghai))); !ok {
						t.Errorf("job %s ran at %s, not a working day", r.Job, r.At)
					}
				}
				last[r.Job] = r.At
			}
			for _, n := range ns {
				if reports[n.Rule] {
					decided[n.Key] = append(decided[n.Key], at)
				}
			}
		}
		return decided
	}
	want, got := live(off), live(on)

	// What the plan calls for, independently of the jobs: an agenda for
	// each section each month of 2024, a digest of each month of 2024 (on
	// the 2nd of the next, keyed by that month), a notice for each quarter.
	periods := map[string]int{}
	for k := range want {
		f := strings.SplitN(k, ":", 6)
		periods[f[0]+" "+f[3]]++
	}
	for m := 1; m <= 12; m++ {
		if n := periods[fmt.Sprintf("agenda 2024-%02d", m)]; n != len(sections) {
			t.Errorf("agendas of 2024-%02d with working days off: %d, want one per section (%d)", m, n, len(sections))
		}
		// The digest of the 2nd reports on the month before: February 2024
		// to January 2025.
		month := fmt.Sprintf("%04d-%02d", 2024+m/12, m%12+1)
		if n := periods["digest "+month]; n != 1 {
			t.Errorf("digests of %s with working days off: %d, want 1", month, n)
		}
	}
	for q := 1; q <= 4; q++ {
		if periods[fmt.Sprintf("quarterly 2024-Q%d", q)] == 0 {
			t.Errorf("no quarterly notice of 2024-Q%d with working days off", q)
		}
	}

	for k, at := range want {
		if len(at) != 1 {
			t.Errorf("%s decided %d times with working days off: %v", k, len(at), at)
			continue
		}
		wantAt := moved(t, at[0])
		switch g := got[k]; {
		case len(g) == 0:
			t.Errorf("%s never decided with working days on (due %s)", k, wantAt.Format(time.RFC3339))
		case len(g) > 1:
			t.Errorf("%s decided %d times with working days on: %v", k, len(g), g)
		case !g[0].Equal(wantAt):
			t.Errorf("%s decided at %s with working days on, want %s", k, g[0].Format(time.RFC3339), wantAt.Format(time.RFC3339))
		}
	}
	for k, at := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s decided at %v with working days on only", k, at)
		}
	}

	// The days the calendar moves these to, for the record; an empty id
	// stands for every recipient.
	for _, a := range []struct {
		rule, id, what string
		at             time.Time
	}{
		{"agenda", "industry-mgmt", "2024-10", at9(10, 8)},    // National Day, 1–7 October
		{"agenda", "", "2024-05", at9(5, 6)},                  // May Day, 1–5 May
		{"agenda", "market-mgmt", "2024-06", at9(6, 3)},       // Saturday 1 June
		{"agenda", "", "2024-02", at9(2, 1)},                  // a Thursday: not moved
		{"agenda", "cultural-heritage", "2024-09", at9(9, 2)}, // Sunday 1 September
		{"digest", "office", "2024-10", at9(10, 8)},
		{"digest", "office", "2025-01", time.Date(2025, 1, 2, 9, 0, 0, 0, shanghai)},
		{"quarterly", "", "2024-Q1", at9(1, 2)}, // New Year's Day
		{"quarterly", "", "2024-Q4", at9(10, 8)},
	} {
		n := 0
		for k, at := range got {
			f := strings.SplitN(k, ":", 6)
			if f[0] != a.rule || f[3] != a.what || (a.id != "" && f[2] != a.id) {
				continue
			}
			n++
			if !at[0].Equal(a.at) {
				t.Errorf("%s decided at %s, want %s", k, at[0].Format(time.RFC3339), a.at.Format(time.RFC3339))
			}
		}
		if n == 0 {
			t.Errorf("no %s of %s for %q", a.rule, a.what, a.id)
		}
	}
}

// nextByDefinition is what a working-day schedule's Next means, computed
// the long way: for a job that reports after the fact, the earliest moved
// activation after t, trying every nominal one from 40 days before t (no
// holiday run is that long); for the sweep, the first nominal one after t
// on a working day.
func nextByDefinition(t *testing.T, inner cron.Schedule, after bool, at time.Time) time.Time {
	t.Helper()
	if !after {
		for n := inner.Next(at); !n.IsZero(); n = inner.Next(n) {
			if ok, _ := (workday.China{}).IsWorkday(plan.DateOf(n.In(shanghai))); ok {
				return n
			}
		}
		return time.Time{}
	}
	var best time.Time
	for n := inner.Next(at.Add(-40 * 24 * time.Hour)); !n.IsZero(); n = inner.Next(n) {
		if !best.IsZero() && n.After(best) {
			break
		}
		if m := moved(t, n); m.After(at.Truncate(time.Second)) && (best.IsZero() || m.Before(best)) {
			best = m
		}
	}
	return best
}

// TestWorkingDaysNextMeetsTheDefinition compares the working-day schedules'
// Next with its definition at random instants of 2024, for the jobs'
// specs and denser ones (hourly, every minute on holidays), with instants
// just before, at and after the moved times.
func TestWorkingDaysNextMeetsTheDefinition(t *testing.T) {
	specs := []string{"0 9 1 * *", "0 9 2 * *", "0 9 1 1,4,7,10 *", "0 9 * * *", "30 8,17 * * *", "*/20 * * * *", "0 9 * * 6", "0 23 30 9 *"}
	rng := rand.New(rand.NewPCG(8, 10))
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, shanghai)
	for _, s := range specs {
		for _, after := range []bool{true, false} {
			e := engine(t, true)
			e.Config.Jobs.Agenda, e.Config.Jobs.Sweep = s, s
			name := schedule.JobSweep
			if after {
				name = schedule.JobAgenda
			}
			w := job(t, e, name).Schedule
			inner := spec(t, s)
			instants := []time.Time{at9(10, 1), at9(10, 3), at9(10, 8).Add(-time.Second), at9(10, 8), at9(10, 8).Add(time.Nanosecond), at9(2, 9), at9(5, 1).Add(-time.Minute)}
			for range 60 {
				instants = append(instants, start.Add(time.Duration(rng.Int64N(int64(360*24*time.Hour)))))
			}
			for _, at := range instants {
				if got, want := w.Next(at), nextByDefinition(t, inner, after, at); !got.Equal(want) {
					t.Errorf("%s (%s): Next(%s) = %s, want %s", s, name, at.Format(time.RFC3339Nano), got, want)
				}
			}
		}
	}
}

// TestDueSendsTheMovedJobsOnce: the agenda and quarterly notice of Tuesday
// 1 October 2024 move to 8 October, past the National Day holiday. A tick
// then sends them, however long ago their nominal time and whatever the
// catch-up window; a daemon down until 10 October sends them once; one down
// until 20 October (the moved time outside the window) sends nothing stale.
func TestDueSendsTheMovedJobsOnce(t *testing.T) {
	septRuns := map[string]time.Time{
		schedule.JobSweep: at9(9, 30), schedule.JobAgenda: at9(9, 2),
		schedule.JobDigest: at9(9, 2), schedule.JobQuarterly: at9(7, 1),
	}
	count := func(ns []remindd.Notification) map[remindd.Rule]int {
		m := map[remindd.Rule]int{}
		for _, n := range ns {
			m[n.Rule]++
		}
		return m
	}
	for _, tc := range []struct {
		name    string
		catchUp time.Duration
		at      time.Time
		want    bool
	}{
		{"on time, 7-day window", 7 * 24 * time.Hour, at9(10, 8), true},
		{"on time, no catch-up", time.Minute, at9(10, 8), true},
		{"before the moved time", 7 * 24 * time.Hour, at9(10, 8).Add(-time.Second), false},
		{"down until 10 October", 7 * 24 * time.Hour, time.Date(2024, 10, 10, 14, 0, 0, 0, shanghai), true},
		{"down until 20 October", 7 * 24 * time.Hour, time.Date(2024, 10, 20, 14, 0, 0, 0, shanghai), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := engine(t, true)
			e.Config.CatchUp = config.Duration(tc.catchUp)
			st := exampleState(t, e.Plan)
			last := maps.Clone(septRuns)
			ns, runs, err := e.Due(st, tc.at, last)
			if err != nil {
				t.Fatal(err)
			}
			c := count(ns)
			if got := c[remindd.Agenda] == len(sections) && c[remindd.Quarterly] > 0; got != tc.want {
				t.Fatalf("at %s: %v, want agendas and quarterly notices: %v", tc.at.Format(time.RFC3339), c, tc.want)
			}
			if !tc.want {
				if c[remindd.Agenda]+c[remindd.Quarterly] != 0 {
					t.Errorf("stale: %v", c)
				}
				return
			}
			for _, r := range runs {
				last[r.Job] = r.At
			}
			if !last[schedule.JobAgenda].Equal(at9(10, 8)) || !last[schedule.JobQuarterly].Equal(at9(10, 8)) {
				t.Errorf("runs recorded %v, want agenda and quarterly at 8 October 09:00", runs)
			}
			ns, _, err = e.Due(st, tc.at.Add(time.Hour), last)
			if err != nil {
				t.Fatal(err)
			}
			if c := count(ns); c[remindd.Agenda]+c[remindd.Quarterly] != 0 {
				t.Errorf("a later tick decides them again: %v", c)
			}
		})
	}
}
