package schedule

import (
	"fmt"

	"github.com/remindd/remindd"
)

// agenda gives each section, once a month, the month's open tasks, its open
// overdue items and the milestones due this month that its sectors have
// not met yet.
func (ev *evaluation) agenda(out []remindd.Notification) ([]remindd.Notification, error) {
	if ev.today.Year != ev.Plan.Year {
		return out, nil
	}
	month := int(ev.today.Month)
	first, last := ev.Plan.DueDate(month).AddDays(1-ev.Plan.DueDate(month).Day), ev.Plan.DueDate(month)
	period := fmt.Sprintf("%04d-%02d", ev.today.Year, month)
	for _, a := range ev.sections() {
		items := append(ev.overdueItems(a), ev.open(a, ev.offset(first), ev.offset(last))...)
		var milestones []remindd.Progress
		for _, m := range ev.Plan.Milestones {
			if t, _ := ev.Plan.Task(m.Task); t.Month != month {
				continue
			}
			for _, sector := range ev.Plan.SectorsOf(a.who.ID) {
				// A target met, or of none, is nothing to do (derive).
				if p := ev.progress(m, sector); !p.Met() {
					milestones = append(milestones, p)
				}
			}
		}
		if len(items) == 0 && len(milestones) == 0 {
			continue
		}
		out = ev.send(out, message{
			rule: remindd.Agenda, to: a.who, name: a.name,
			what: period, period: period, items: items, milestones: milestones,
		}, a.contacts)
	}
	return out, nil
}
