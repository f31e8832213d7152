package schedule

import (
	"math"
	"slices"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// Colour is how urgent an open obligation is (DESIGN.md, "Escalation").
type Colour string

// The colours of an open obligation: none while its deadline is beyond the
// lead window, blue within it, yellow once overdue, red once overdue for
// the config's rules.escalate_after_days or more (three weeks by default).
const (
	None   Colour = ""
	Blue   Colour = "blue"
	Yellow Colour = "yellow"
	Red    Colour = "red"
)

// Obligation is one task a recipient owes, where it stands at an instant.
type Obligation struct {
	Task *plan.Task
	Due  plan.Date
	// Left counts the days from the instant's day to Due: negative once
	// the deadline has passed.
	Left int
	// Done is set when the store holds the obligation done or reported:
	// either stops its reminders.
	Done bool
	// Colour is None for an obligation done.
	Colour Colour
}

// Overdue reports whether the obligation is open and past its deadline.
func (o Obligation) Overdue() bool { return !o.Done && o.Left < 0 }

// ColourOf is the colour of an open obligation whose deadline is left days
// away (negative once passed), under the engine's lead days.
func (e *Engine) ColourOf(left int) Colour {
	switch {
	case left <= -e.Config.Rules.EscalateAfterDays:
		return Red
	case left < 0:
		return Yellow
	case left <= slices.Max(e.Config.Rules.LeadDays):
		return Blue
	}
	return None
}

// Obligations lists what who owes at instant at against state s, as the
// rules see it: a section owes the tasks the plan gives it (whether or not
// the config gives it contacts), an active enterprise of s.Enterprises the
// tasks addressed to its size class or trades; an inactive or unknown
// enterprise owes nothing. A section's milestone tasks are derived from
// s.Achievements (see derive): pass them for a section. They come by deadline, then task number: the
// overdue first, the oldest first.
func (e *Engine) Obligations(s *remindd.State, at time.Time, who remindd.Recipient) []Obligation {
	ev := e.newEvaluation(&view{done: &s.Done, achievements: s.Achievements}, at)
	var a assignee
	switch who.Kind {
	case remindd.KindSection:
		sec, ok := e.Plan.Section(who.ID)
		if !ok {
			sec = &plan.Section{ID: who.ID}
		}
		a = ev.derive(e.section(sec, nil, &s.Done))
	case remindd.KindEnterprise:
		i := slices.IndexFunc(s.Enterprises, func(x remindd.Enterprise) bool { return x.ID == who.ID })
		if i < 0 || !s.Enterprises[i].Active {
			return nil
		}
		ent := &s.Enterprises[i]
		a = assignee{who: who, enterprise: ent, done: s.Done.Words(who),
			owed: e.owedBits(func(t *plan.Task) bool { return e.Plan.EnterpriseOwes(t, ent.Size, ent.Trades, ent.Roles) })}
	default:
		return nil
	}
	var out []Obligation
	for _, t := range ev.tasks {
		if !a.owed.has(t.task.N) {
			continue
		}
		o := Obligation{Task: t.task, Due: t.due, Left: t.left, Done: a.done.has(t.task.N)}
		if !o.Done {
			o.Colour = e.ColourOf(t.left)
		}
		out = append(out, o)
	}
	slices.SortStableFunc(out, func(a, b Obligation) int {
		if c := a.Left - b.Left; c != 0 {
			return c
		}
		return a.Task.N - b.Task.N
	})
	return out
}

// EnterpriseBehind is an enterprise with obligations overdue.
type EnterpriseBehind struct {
	ID, Name, Sector string
	// Overdue are the tasks overdue, by number.
	Overdue []int
}

// Behind lists, at instant at against state s, the active enterprises of
// the sectors section is responsible for that have obligations overdue,
// by credit code.
func (e *Engine) Behind(s *remindd.State, at time.Time, section string) []EnterpriseBehind {
	sectors := map[string][]string{}
	for _, sec := range e.Plan.SectorsOf(section) {
		sectors[sec.ID] = []string{section}
	}
	return e.behind(s, at, sectors)[section]
}

// BehindBySection is Behind for every section at once, by section id, from
// one pass over the enterprises: what a page that caches them needs.
func (e *Engine) BehindBySection(s *remindd.State, at time.Time) map[string][]EnterpriseBehind {
	sectors := map[string][]string{}
	for _, sec := range e.Plan.Sectors {
		sectors[sec.ID] = sec.Sections
	}
	return e.behind(s, at, sectors)
}

// behind lists the active enterprises with obligations overdue under each
// section its sector is given to in sections (sector id → section ids).
func (e *Engine) behind(s *remindd.State, at time.Time, sections map[string][]string) map[string][]EnterpriseBehind {
	out := map[string][]EnterpriseBehind{}
	if len(sections) == 0 {
		return out
	}
	ev := e.newEvaluation(e.newView(s), at)
	for _, a := range ev.enterprises() {
		to := sections[a.enterprise.Sector]
		if len(to) == 0 {
			continue
		}
		items := ev.open(a, math.MinInt, -1)
		if len(items) == 0 {
			continue
		}
		b := EnterpriseBehind{ID: a.who.ID, Name: a.name, Sector: a.enterprise.Sector, Overdue: make([]int, len(items))}
		for i, it := range items {
			b.Overdue[i] = it.task.N
		}
		for _, sec := range to {
			out[sec] = append(out[sec], b)
		}
	}
	return out
}
