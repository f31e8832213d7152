package schedule

import (
	"slices"

	"github.com/remindd/remindd"
)

// Derived tasks. A milestone's task (49: 完成标准化标杆企业全年提升任务60%)
// is not reported done like the others: a section has done it when every
// sector it is responsible for has reached the milestone's required count,
// ceil(percent × the sector's yearly target), counting the achievements up
// to the instant; and it does not owe it at all when that count is 0 for
// each of its sectors (文化遗产科 and task 50: heritage certifies none), or
// when it is responsible for no sector. This is decided here and nowhere
// else: the rules, Status and Obligations all see a section through derive.

// derive returns a with its owed and done sets adjusted for the plan's
// milestone tasks at the evaluation's instant. An enterprise is returned as
// it is. The sets are copied before they change: a.done may be the store
// snapshot's own.
func (ev *evaluation) derive(a assignee) assignee {
	if a.enterprise != nil || a.who.Kind != remindd.KindSection || len(ev.Plan.Milestones) == 0 {
		return a
	}
	owed, done := a.owed, a.done
	copied := false
	for _, m := range ev.Plan.Milestones {
		if !owed.has(m.Task) {
			continue
		}
		if !copied {
			owed, done = slices.Clone(owed), slices.Clone(done)
			copied = true
		}
		owes, met := false, true
		for _, sector := range ev.Plan.SectorsOf(a.who.ID) {
			p := ev.progress(m, sector)
			if p.Required == 0 {
				continue
			}
			owes = true
			if !p.Met() {
				met = false
			}
		}
		switch {
		case !owes:
			owed = owed.without(m.Task)
		case met:
			done = done.with(m.Task)
		}
	}
	a.owed, a.done = owed, done
	return a
}

// has reports whether task is in b.
func (b bits) has(task int) bool {
	return task >= 0 && b.word(task/64)&(1<<(task%64)) != 0
}

// without removes task from b, which must be b's own.
func (b bits) without(task int) bits {
	if task >= 0 && task/64 < len(b) {
		b[task/64] &^= 1 << (task % 64)
	}
	return b
}
