package schedule

import (
	"github.com/remindd/remindd/plan"

	"github.com/remindd/remindd"
)

// lead reminds each section and enterprise of its open obligations whose
// deadline is near: one message per recipient, grouping every item due, keyed
// by deadline and stage, so that a recipient gets the message of the stage it
// is in now and a late evaluation sends no stale stages.
func (ev *evaluation) lead(out []remindd.Notification) ([]remindd.Notification, error) {
	horizon, err := ev.leadHorizon()
	if err != nil {
		return nil, err
	}
	maxLead := ev.Config.Rules.LeadDays[0]
	ahead := ev.offset(horizon) // days from today to the horizon
	for a := range ev.assignees() {
		if len(a.contacts) == 0 {
			continue
		}
		var (
			stages map[plan.Date]int
			items  []*taskDue
		)
		for _, it := range ev.open(a, 0, ahead+maxLead) {
			stage := ev.leadStage(it.left - ahead)
			if stage < 0 {
				continue
			}
			if stages == nil {
				stages = map[plan.Date]int{}
			}
			stages[it.due] = stage
			items = append(items, it)
		}
		if len(items) == 0 {
			continue
		}
		out = ev.send(out, message{
			rule: remindd.Lead, to: a.who, name: a.name,
			what: stageKey(stages, "d"), items: items, stages: stages,
		}, a.contacts)
	}
	return out, nil
}
