package schedule

import (
	"github.com/remindd/remindd/plan"

	"github.com/remindd/remindd"
)

// milestone warns a sector's sections, on the lead days before a milestone's
// deadline, when the sector's achievements up to now fall short of
// ceil(percent × yearly target). One message per section groups all its
// sectors' lagging milestones.
func (ev *evaluation) milestone(out []remindd.Notification) ([]remindd.Notification, error) {
	horizon, err := ev.leadHorizon()
	if err != nil {
		return nil, err
	}
	for _, a := range ev.sections() {
		stages := map[plan.Date]int{}
		var lagging []remindd.Progress
		for _, m := range ev.Plan.Milestones {
			t, _ := ev.Plan.Task(m.Task)
			due := ev.Plan.DueDate(t.Month)
			if due.Before(ev.today) {
				continue
			}
			stage := ev.leadStage(horizon.DaysUntil(due))
			if stage < 0 {
				continue
			}
			for _, sector := range ev.Plan.SectorsOf(a.who.ID) {
				if p := ev.progress(m, sector); !p.Met() {
					lagging = append(lagging, p)
					stages[due] = stage
				}
			}
		}
		if len(lagging) == 0 {
			continue
		}
		out = ev.send(out, message{
			rule: remindd.Milestone, to: a.who, name: a.name,
			what: stageKey(stages, "d"), milestones: lagging, stages: stages,
		}, a.contacts)
	}
	return out, nil
}
