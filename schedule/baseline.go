package schedule

import (
	"math"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// Baseline is what a go-live baseline records as done: every obligation
// open in state s whose deadline is before the date before, of the
// accountable sections and the active enterprises; when only is a section's
// id, of that section and the enterprises of its sectors. Each is a
// Recorded event from the baseline, done at the start of before in the
// plan's zone, so that the rules count it from that day on; who and why are
// the caller's to fill in. They come by assignee (sections in plan order,
// then enterprises by credit code), then task.
func (e *Engine) Baseline(s *remindd.State, before plan.Date, only string) []remindd.Event {
	at := before.In(e.Plan.Location)
	ev := e.newEvaluation(e.newView(s), at)
	sectors := map[string]bool{}
	for _, sec := range e.Plan.SectorsOf(only) {
		sectors[sec.ID] = true
	}
	var out []remindd.Event
	add := func(a assignee) {
		for _, t := range ev.open(a, math.MinInt, -1) {
			out = append(out, remindd.Event{Action: remindd.Recorded, Task: t.task.N, Assignee: a.who,
				Source: remindd.SourceBaseline, DoneAt: at})
		}
	}
	for _, a := range ev.accountable() {
		if only == "" || a.who.ID == only {
			add(a)
		}
	}
	for _, a := range ev.enterprises() {
		if only == "" || sectors[a.enterprise.Sector] {
			add(a)
		}
	}
	return out
}
