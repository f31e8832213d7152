package schedule

import (
	"strconv"

	"github.com/remindd/remindd"
)

// returned tells each recipient whose report the office sent back (退办)
// that it was, and why: one message per return, on each of its channels,
// keyed by the return's event, so that each is sent once, and a return the
// daily sweep finds later (after downtime) is still sent. A return is told
// only while its obligation is open and to a recipient that is reached: a
// section with contacts, an active enterprise; a return recorded after the
// instant, or of a task the plan does not have, waits or is left out.
func (ev *evaluation) returned(out []remindd.Notification) ([]remindd.Notification, error) {
	if len(ev.view.returns) == 0 {
		return out, nil
	}
	byWho := map[remindd.Recipient]*assignee{}
	for _, list := range [][]assignee{ev.sections(), ev.enterprises()} {
		for i := range list {
			byWho[list[i].who] = &list[i]
		}
	}
	for _, r := range ev.view.returns {
		a, ok := byWho[r.To]
		if !ok || len(a.contacts) == 0 || r.At.After(ev.at) || ev.view.isDone(r.Task, r.To) {
			continue
		}
		if r.Task < 0 || r.Task >= len(ev.byNumber) || ev.byNumber[r.Task] == nil {
			continue
		}
		out = ev.send(out, message{
			rule: remindd.Returns, to: a.who, name: a.name,
			what:     strconv.FormatInt(r.Event, 10),
			items:    []*taskDue{ev.byNumber[r.Task]},
			returned: []remindd.Return{r},
		}, a.contacts)
	}
	return out, nil
}
