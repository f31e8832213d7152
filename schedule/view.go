package schedule

import (
	"sort"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// view is the state indexed for the rules: what does not change with the
// instant, built once per Due and shared by its jobs' evaluations.
type view struct {
	done         *remindd.Done
	achievements []remindd.Achievement
	failed       []remindd.FailedDelivery
	// returns are the reports the office sent back, oldest first.
	returns []remindd.Return
	// monthly are the months' reports the sections marked sent.
	monthly []remindd.MonthlyReport
	// sections are the plan's sections with contacts in the config, in plan
	// order; firms the active enterprises with their contacts, by credit code.
	sections, firms []assignee
	// supervisors caches the supervising sections by sector.
	supervisors map[string][]remindd.Supervisor
	// stages caches the overdue stages by the day their period began.
	stages map[string]string
}

func (e *Engine) newView(s *remindd.State) *view {
	v := &view{done: &s.Done, achievements: s.Achievements, failed: s.Failed, returns: s.Returns, monthly: s.MonthlyReports}
	for i := range e.Plan.Sections {
		sec := &e.Plan.Sections[i]
		if cs := e.Config.SectionContacts(sec.ID); len(cs) > 0 {
			v.sections = append(v.sections, e.section(sec, cs, &s.Done))
		}
	}
	n := 0
	for i := range s.Enterprises {
		if s.Enterprises[i].Active {
			n++
		}
	}
	v.firms = make([]assignee, 0, n)
	// Enterprises of one size class, trades and roles owe the same tasks.
	var (
		owed = map[string]bits{}
		key  []byte
	)
	for i := range s.Enterprises {
		ent := &s.Enterprises[i]
		if !ent.Active {
			continue
		}
		key = append(key[:0], ent.Size...)
		for _, t := range ent.Trades {
			key = append(append(key, 0), t...)
		}
		for _, r := range ent.Roles {
			key = append(append(key, 1), r...)
		}
		o, ok := owed[string(key)]
		if !ok {
			o = e.owedBits(func(t *plan.Task) bool { return e.Plan.EnterpriseOwes(t, ent.Size, ent.Trades, ent.Roles) })
			owed[string(key)] = o
		}
		v.firms = append(v.firms, assignee{
			who:        remindd.Recipient{Kind: remindd.KindEnterprise, ID: ent.ID},
			name:       ent.Name,
			contacts:   e.enterpriseContacts(ent),
			enterprise: ent,
			owed:       o,
			done:       s.Done.Words(remindd.Recipient{Kind: remindd.KindEnterprise, ID: ent.ID}),
		})
	}
	byID := func(i, j int) bool { return v.firms[i].who.ID < v.firms[j].who.ID }
	if !sort.SliceIsSorted(v.firms, byID) {
		sort.SliceStable(v.firms, byID)
	}
	return v
}

// bits is a set of tasks: task t is bit t%64 of word t/64.
type bits []uint64

// owedBits is the set of the plan's tasks for which owes is true.
func (e *Engine) owedBits(owes func(*plan.Task) bool) bits {
	var b bits
	for i := range e.Plan.Tasks {
		t := &e.Plan.Tasks[i]
		if owes(t) {
			b = b.with(t.N)
		}
	}
	return b
}

// with adds task to b, which it may grow.
func (b bits) with(task int) bits {
	for len(b) <= task/64 {
		b = append(b, 0)
	}
	b[task/64] |= 1 << (task % 64)
	return b
}

// word is b's word w, 0 past its end.
func (b bits) word(w int) uint64 {
	if w < len(b) {
		return b[w]
	}
	return 0
}

func (v *view) isDone(task int, who remindd.Recipient) bool {
	return v.done.Has(task, who)
}
