package daemon

import (
	"fmt"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// Span is the stretch of time in which a plan's jobs run: from its first day
// (plan.Begins) to the end of its last day (plan.Ends), plus the catch-up
// window within which a late wake-up still sends what the last days decided.
type Span struct {
	plan  *plan.Plan
	First time.Time // the first instant of the plan's first day
	End   time.Time // the first instant after the plan's last day
	Last  time.Time // End plus the catch-up window
}

// SpanOf returns plan p's span with a catch-up window.
func SpanOf(p *plan.Plan, catchUp time.Duration) Span {
	b, e := p.Begins(), p.Ends()
	end := time.Date(e.Year, e.Month, e.Day+1, 0, 0, 0, 0, p.Location)
	return Span{
		plan:  p,
		First: time.Date(b.Year, b.Month, b.Day, 0, 0, 0, 0, p.Location),
		End:   end,
		Last:  end.Add(catchUp),
	}
}

// Check says why instant t lies outside the span, or returns nil when it
// lies within.
func (s Span) Check(t time.Time) error {
	if !t.Before(s.First) && !t.After(s.Last) {
		return nil
	}
	return fmt.Errorf("is outside the plan %s: it runs from %s to %s, and a wake-up catches up until %s (a mistyped year?)",
		s.plan.ID, s.First.Format(time.DateOnly), s.End.Add(-time.Second).Format(time.DateOnly),
		s.Last.In(s.plan.Location).Format(time.RFC3339))
}

// recordable returns the runs whose instants a store may keep as the jobs'
// last runs: none after the plan's end, so that a wake-up far ahead (a
// forced tick, a daemon still running after its plan ended, a test on a
// past year) never makes later wake-ups at the right time skip their jobs.
func (s Span) recordable(runs []remindd.Run) []remindd.Run {
	out := runs[:0:0]
	for _, r := range runs {
		if r.At.Before(s.End) {
			out = append(out, r)
		}
	}
	return out
}

// Expired reports whether the plan is over at t: past its last day and the
// catch-up window after it, so that nothing more will ever be sent for it
// (tick and simulate refuse such an instant as outside the span).
func (s Span) Expired(t time.Time) bool { return t.After(s.Last) }

// DaysLeft counts the calendar days, in the plan's zone, from t's day to
// the plan's last day: 0 on the last day, negative after it.
func (s Span) DaysLeft(t time.Time) int {
	return plan.DateOf(t.In(s.plan.Location)).DaysUntil(s.plan.Ends())
}
