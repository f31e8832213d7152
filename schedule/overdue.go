package schedule

import (
	"github.com/remindd/remindd/plan"

	"github.com/remindd/remindd"
)

// overdue reminds each recipient, every OverdueEveryDays, of what is overdue
// and for how long. The repeats are counted from the recipient's oldest open
// overdue deadline, so a section behind on several months still gets one
// message a week listing all of it, not one per month's deadline. The key is
// the day the current repeat period began: each period is sent once, a missed
// day heals at the next evaluation, and a long downtime sends one message,
// not a burst.
func (ev *evaluation) overdue(out []remindd.Notification) ([]remindd.Notification, error) {
	every := ev.Config.Rules.OverdueEveryDays
	// Most recipients share a few period starts: each is written once.
	periods := map[plan.Date]string{}
	for a := range ev.assignees() {
		if len(a.contacts) == 0 {
			continue
		}
		items := ev.overdueItems(a)
		var oldest plan.Date
		for _, it := range items {
			if oldest.IsZero() || it.due.Before(oldest) {
				oldest = it.due
			}
		}
		if oldest.IsZero() {
			continue
		}
		k := oldest.DaysUntil(ev.today) / every
		if k < 1 {
			continue
		}
		began := oldest.AddDays(k * every)
		what, ok := periods[began]
		if !ok {
			what = began.String()
			periods[began] = what
		}
		out = ev.send(out, message{
			rule: remindd.Overdue, to: a.who, name: a.name,
			what: what, items: items,
		}, a.contacts)
	}
	return out, nil
}
