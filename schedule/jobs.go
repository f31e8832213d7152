package schedule

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/workday"
)

// Job is a scheduled evaluation of some rules.
type Job struct {
	Name     string
	Rules    []remindd.Rule
	Schedule cron.Schedule
}

// Job names.
const (
	JobSweep     = "sweep"
	JobAgenda    = "agenda"
	JobDigest    = "digest"
	JobQuarterly = "quarterly"
)

// Jobs builds the rule jobs from the config's cron specs, in the plan's time
// zone. With working days on, the sweep runs on working days only, and the
// agenda, digest and quarterly jobs, which report after the fact, move to the
// next working day when their day is a weekend or holiday.
func (e *Engine) Jobs() ([]Job, error) {
	specs := []struct {
		name  string
		spec  string
		rules []remindd.Rule
		shift shiftMode
	}{
		{JobSweep, e.Config.Jobs.Sweep, []remindd.Rule{remindd.Lead, remindd.Overdue, remindd.Milestone, remindd.Returns, remindd.Reporting, remindd.Escalate}, skipNonWorking},
		{JobAgenda, e.Config.Jobs.Agenda, []remindd.Rule{remindd.Agenda}, toNextWorking},
		{JobDigest, e.Config.Jobs.Digest, []remindd.Rule{remindd.Digest}, toNextWorking},
		{JobQuarterly, e.Config.Jobs.Quarterly, []remindd.Rule{remindd.Quarterly}, toNextWorking},
	}
	jobs := make([]Job, 0, len(specs))
	for _, s := range specs {
		sched, err := config.ParseSpec(s.spec)
		if err != nil {
			return nil, fmt.Errorf("job %s: %w", s.name, err)
		}
		sched = inZone(sched, e.Plan.Location)
		if e.Config.WorkingDays {
			sched = &workingSchedule{inner: sched, cal: e.Calendar, loc: e.Plan.Location, mode: s.shift}
		}
		jobs = append(jobs, Job{Name: s.name, Rules: s.rules, Schedule: sched})
	}
	return jobs, nil
}

// inZone makes a parsed spec fire in loc whatever zone its callers use.
func inZone(s cron.Schedule, loc *time.Location) cron.Schedule {
	if spec, ok := s.(*cron.SpecSchedule); ok && spec.Location == time.Local {
		spec.Location = loc
	}
	return s
}

type shiftMode int

const (
	skipNonWorking shiftMode = iota
	toNextWorking
)

// workingSchedule moves a schedule's activations onto working days: with
// skipNonWorking, those on other days are dropped; with toNextWorking, each
// on a weekend or holiday moves to the next working day at its own time of
// day, so that every activation falls on a working day (several landing on
// the same instant are one).
type workingSchedule struct {
	inner cron.Schedule
	cal   workday.Calendar
	loc   *time.Location
	mode  shiftMode
}

// maxSteps bounds a search for the next activation: each step moves on by at
// least a day (a cron schedule that fires at all fires within a few years).
const maxSteps = 5000

// Next returns the first activation strictly after t (after its whole
// second), or the zero time when there is none or the holiday data runs out
// (the config check refuses such a year up front). For toNextWorking that is
// the earliest moved activation after t, which may come from a nominal time
// at or before t: the agenda of Tuesday 1 October 2024, moved to 8 October,
// is the next activation after 3 October. Next does not decrease as t grows,
// as Latest needs, and the catch-up window applies to the moved time.
func (w *workingSchedule) Next(t time.Time) time.Time {
	t = t.Truncate(time.Second)
	switch w.mode {
	case skipNonWorking:
		return w.nextOnWorkday(t)
	default:
		return w.nextMoved(t)
	}
}

// nextOnWorkday is the first activation after t on a working day. A day off
// is skipped whole, however many activations it has.
func (w *workingSchedule) nextOnWorkday(t time.Time) time.Time {
	for range maxSteps {
		n := w.inner.Next(t)
		if n.IsZero() {
			return n
		}
		d := plan.DateOf(n.In(w.loc))
		ok, err := w.cal.IsWorkday(d)
		if err != nil {
			return time.Time{}
		}
		if ok {
			return n
		}
		t = w.lastSecond(d)
	}
	return time.Time{}
}

// nextMoved is the earliest moved activation after t. What lands on working
// day W comes from W itself and the days off just before it; those that can
// land after t start with the days off before the first working day from
// t's date on.
func (w *workingSchedule) nextMoved(t time.Time) time.Time {
	local := t.In(w.loc)
	today := plan.DateOf(local)
	first, err := workday.Next(w.cal, today)
	if err != nil {
		return time.Time{}
	}
	from, err := w.offBefore(first)
	if err != nil {
		return time.Time{}
	}
	x := w.midnight(from).Add(-time.Second)
	for range maxSteps {
		n := w.inner.Next(x)
		if n.IsZero() {
			return n
		}
		d := plan.DateOf(n.In(w.loc))
		day, err := workday.Next(w.cal, d)
		if err != nil {
			return time.Time{}
		}
		// The activations of d … day all land on day; the earliest of each
		// day's that lands after t. Days before d had none after x.
		var best time.Time
		for dd := d; !day.Before(dd); dd = dd.AddDays(1) {
			floor := w.midnight(dd).Add(-time.Second)
			if day == today {
				floor = time.Date(dd.Year, dd.Month, dd.Day, local.Hour(), local.Minute(), local.Second(), 0, w.loc)
			}
			m := w.inner.Next(floor)
			if m.IsZero() {
				break
			}
			ml := m.In(w.loc)
			if plan.DateOf(ml) != dd {
				continue
			}
			moved := time.Date(day.Year, day.Month, day.Day, ml.Hour(), ml.Minute(), ml.Second(), 0, w.loc)
			if moved.After(t) && (best.IsZero() || moved.Before(best)) {
				best = moved
			}
		}
		if !best.IsZero() {
			return best
		}
		x = w.lastSecond(day)
	}
	return time.Time{}
}

// offBefore returns the first of the days off running up to working day d
// (d itself when the day before it is a working day).
func (w *workingSchedule) offBefore(d plan.Date) (plan.Date, error) {
	for range 60 {
		ok, err := w.cal.IsWorkday(d.AddDays(-1))
		if err != nil || ok {
			return d, err
		}
		d = d.AddDays(-1)
	}
	return plan.Date{}, fmt.Errorf("no working day within 60 days before %s", d)
}

func (w *workingSchedule) midnight(d plan.Date) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, w.loc)
}

// lastSecond is the last whole second of day d: Next of it is on a later day.
func (w *workingSchedule) lastSecond(d plan.Date) time.Time {
	return w.midnight(d.AddDays(1)).Add(-time.Second)
}

// Latest returns the latest activation of s in (after, at]. It does not
// walk the window's activations (a year of every minute is half a million):
// it steps back from at in doubling steps until an activation lies between
// the step and at, then halves the gap, about 2·log2(window/1s) calls of
// Next in all. s.Next must not decrease as its argument grows and must
// depend on its argument's whole seconds only, as cron schedules and their
// working-day forms do; its zero time means no activation.
func Latest(s cron.Schedule, after, at time.Time) (time.Time, bool) {
	// fires: an activation lies in (t, at].
	fires := func(t time.Time) bool {
		n := s.Next(t)
		return !n.IsZero() && !n.After(at)
	}
	lo := after.Truncate(time.Second) // Next(after) = Next(lo)
	if !fires(lo) {
		return time.Time{}, false
	}
	// fires(lo) holds; find hi, no earlier than lo + 1s, where it does not:
	// at itself, since Next is strictly after its argument.
	hi := at.Truncate(time.Second)
	for step := time.Minute; ; step *= 2 {
		t := hi.Add(-step)
		if !t.After(lo) || step > time.Duration(math.MaxInt64/4) {
			break
		}
		if fires(t) {
			lo = t
			break
		}
		hi = t
	}
	// fires(lo), not fires(hi): the latest activation is Next(t) for the
	// last whole second t where fires(t) holds.
	for hi.Sub(lo) > time.Second {
		mid := lo.Add(hi.Sub(lo) / 2).Truncate(time.Second)
		if fires(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return s.Next(lo), true
}

// EvaluateJob returns what job j decides at instant when against state s,
// as Due would: the sweep's items bundled into morning messages.
func (e *Engine) EvaluateJob(s *remindd.State, j Job, when time.Time) ([]remindd.Notification, error) {
	out, err := e.evaluateJob(nil, e.newView(s), j, when)
	if err != nil {
		return nil, err
	}
	Sort(out)
	return out, nil
}

// evaluateJob appends to out what job j decides at instant when.
func (e *Engine) evaluateJob(out []remindd.Notification, v *view, j Job, when time.Time) ([]remindd.Notification, error) {
	if j.Name != JobSweep {
		out, err := e.evaluate(out, v, when, j.Rules)
		if err != nil {
			return nil, fmt.Errorf("job %s: %w", j.Name, err)
		}
		return out, nil
	}
	// The sweep's items make one morning message per recipient, folded in
	// place at the end of out.
	start := len(out)
	out, err := e.evaluate(out, v, when, j.Rules)
	if err != nil {
		return nil, fmt.Errorf("job %s: %w", j.Name, err)
	}
	day := Bundle(out[start:], when, e.Plan.Location)
	return out[:start+len(day)], nil
}

// Due is what a tick at instant at does: for each job, its latest activation
// in (last recorded run, at], bounded by the catch-up window, is evaluated
// against state s. lastRuns may be empty (a new store). It returns the
// notifications, each key once, and the runs to record.
func (e *Engine) Due(s *remindd.State, at time.Time, lastRuns map[string]time.Time) ([]remindd.Notification, []remindd.Run, error) {
	jobs, err := e.Jobs()
	if err != nil {
		return nil, nil, err
	}
	floor := at.Add(-time.Duration(e.Config.CatchUp))
	var (
		out  []remindd.Notification
		runs []remindd.Run
		v    *view // built once for all the jobs, when one is due
	)
	for _, j := range jobs {
		after := floor
		if last, ok := lastRuns[j.Name]; ok && last.After(after) {
			after = last
		}
		when, ok := Latest(j.Schedule, after, at)
		if !ok {
			continue
		}
		if v == nil {
			v = e.newView(s)
		}
		if out == nil && slices.ContainsFunc(j.Rules, func(r remindd.Rule) bool { return r == remindd.Lead || r == remindd.Overdue || r == remindd.Quarterly }) {
			// Room for a message to every recipient on one channel, what
			// the rules that write to every enterprise write at most: the
			// slice does not grow, and copy, as it fills.
			out = make([]remindd.Notification, 0, len(v.sections)+len(v.firms))
		}
		// Jobs run different rules and keys start with the rule: no two
		// jobs decide the same key.
		if out, err = e.evaluateJob(out, v, j, when); err != nil {
			return nil, nil, err
		}
		runs = append(runs, remindd.Run{Job: j.Name, At: when})
	}
	Sort(out)
	return out, runs, nil
}
