package plan

import "slices"

// Who owes a task is decided here and nowhere else: the rules remind those
// who owe it, and a completion is recorded only for one of them.

// SectionOwes reports whether section id owes task t: it is one of the
// task's owners, or of the plan's default owners when the task names none.
// An outside section (External) owes the tasks it owns like any other; the
// office owns none unless a task names it.
func (p *Plan) SectionOwes(t *Task, id string) bool {
	return slices.Contains(p.OwnersOf(t), id)
}

// EnterpriseOwes reports whether an enterprise of the given size class,
// trades and roles owes task t: the task addresses enterprises (it has an
// audience), and the audience takes it in (Audience.Matches).
func (p *Plan) EnterpriseOwes(t *Task, size string, trades, roles []string) bool {
	return t.Enterprises.Matches(size, trades, roles)
}
