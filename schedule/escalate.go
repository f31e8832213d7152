package schedule

import (
	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
)

// escalate copies a section's red items, those overdue
// rules.escalate_after_days or more, to the section's leaders (分管领导) once every OverdueEveryDays,
// each item at most EscalateMax times: an item the leaders were told of
// that often drops out, a newly red one comes in. The periods are counted
// from the day the section's oldest open item turned red, and the key is
// the day the current one began, as overdue's is.
func (ev *evaluation) escalate(out []remindd.Notification) ([]remindd.Notification, error) {
	after, every, max := ev.Config.Rules.EscalateAfterDays, ev.Config.Rules.OverdueEveryDays, ev.Config.Rules.EscalateMax
	if max <= 0 {
		return out, nil
	}
	for _, a := range ev.sections() {
		leaders := ev.leaders(a.who.ID)
		if len(leaders) == 0 {
			continue
		}
		var (
			red    []*taskDue
			oldest plan.Date
		)
		for _, it := range ev.overdueItems(a) {
			if -it.left < after {
				continue
			}
			red = append(red, it)
			if oldest.IsZero() || it.due.Before(oldest) {
				oldest = it.due
			}
		}
		if len(red) == 0 {
			continue
		}
		// Periods count from the day the oldest item turned red; an item
		// is copied in the periods from the one it turned red in, max of
		// them.
		redSince := oldest.AddDays(after)
		k := redSince.DaysUntil(ev.today) / every
		kept := red[:0]
		for _, it := range red {
			if first := redSince.DaysUntil(it.due.AddDays(after)) / every; k-first < max {
				kept = append(kept, it)
			}
		}
		if len(kept) == 0 {
			continue
		}
		red = kept
		out = ev.send(out, message{
			rule: remindd.Escalate, to: a.who, name: a.name,
			what: redSince.AddDays(k * every).String(), items: red,
		}, leaders)
	}
	return out, nil
}

// leaders are section id's leader contacts in the config.
func (ev *evaluation) leaders(id string) []config.Contact {
	for _, s := range ev.Config.Sections {
		if s.ID == id {
			return s.LeaderContacts
		}
	}
	return nil
}
