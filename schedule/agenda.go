package schedule

import (
	"fmt"

	"github.com/remindd/remindd"
)

// agenda gives each section, once a month, the month's open tasks, its open
// overdue items and the milestones due this month that its sectors have
// not met yet, and the reports of the month before it owes (the summary
// before the 2nd, the forms before the 3rd), unless marked sent.
func (ev *evaluation) agenda(out []remindd.Notification) ([]remindd.Notification, error) {
	if ev.today.Year != ev.Plan.Year {
		return out, nil
	}
	month := int(ev.today.Month)
	first, last := ev.Plan.DueDate(month).AddDays(1-ev.Plan.DueDate(month).Day), ev.Plan.DueDate(month)
	period := fmt.Sprintf("%04d-%02d", ev.today.Year, month)
	last0 := first.AddDays(-1) // the month before, whose reports are due now
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
		var reports *remindd.DigestBody
		if s, ok := ev.Plan.Section(a.who.ID); ok && !s.External && !remindd.Sent(ev.view.monthly, a.who.ID, monthOf(last0)) {
			if rs := ev.sectionReports(last0); len(rs) > 0 {
				reports = &remindd.DigestBody{Month: monthOf(last0), Reports: rs}
			}
		}
		if len(items) == 0 && len(milestones) == 0 && reports == nil {
			continue
		}
		out = ev.send(out, message{
			rule: remindd.Agenda, to: a.who, name: a.name,
			what: period, period: period, items: items, milestones: milestones, digest: reports,
		}, a.contacts)
	}
	return out, nil
}
