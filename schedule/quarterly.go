package schedule

import (
	"fmt"

	"github.com/remindd/remindd"
)

// quarterly gives each enterprise, on the first day of a quarter, its open
// obligations whose deadlines fall in that quarter.
func (ev *evaluation) quarterly(out []remindd.Notification) ([]remindd.Notification, error) {
	if ev.today.Year != ev.Plan.Year {
		return out, nil
	}
	q := (int(ev.today.Month)-1)/3 + 1
	first := ev.Plan.DueDate(3*q - 2)
	first = first.AddDays(1 - first.Day)
	last := ev.Plan.DueDate(3 * q)
	period := fmt.Sprintf("%04d-Q%d", ev.today.Year, q)
	for _, a := range ev.enterprises() {
		if len(a.contacts) == 0 {
			continue
		}
		items := ev.open(a, ev.offset(first), ev.offset(last))
		if len(items) == 0 {
			continue
		}
		out = ev.send(out, message{
			rule: remindd.Quarterly, to: a.who, name: a.name,
			what: period, period: period, items: items,
		}, a.contacts)
	}
	return out, nil
}
