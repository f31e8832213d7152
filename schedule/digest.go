package schedule

import (
	"fmt"
	"math"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// digest gives the office, once a month, every task past its deadline and not
// done by section, the lagging targets, the enterprises overdue by sector, the
// deliveries that failed, and the reports now due.
func (ev *evaluation) digest(out []remindd.Notification) ([]remindd.Notification, error) {
	p := ev.Plan
	reported := ev.today.AddDays(-ev.today.Day) // last day of the previous month
	if reported.Year != p.Year {
		return out, nil
	}
	contacts := ev.Config.Office.Contacts
	if len(contacts) == 0 {
		return out, nil
	}
	body := &remindd.DigestBody{Month: fmt.Sprintf("%04d-%02d", reported.Year, reported.Month), Failed: ev.view.failed}
	for _, a := range ev.accountable() {
		var tasks []int
		for _, it := range ev.overdueItems(a) {
			tasks = append(tasks, it.task.N)
		}
		body.Sections = append(body.Sections, remindd.SectionOverdue{ID: a.who.ID, Name: a.name, Overdue: tasks})
	}
	for _, m := range p.Milestones {
		t, _ := p.Task(m.Task)
		if !p.DueDate(t.Month).Before(ev.today) {
			continue
		}
		for i := range p.Sectors {
			if pr := ev.progress(m, &p.Sectors[i]); !pr.Met() {
				body.Lagging = append(body.Lagging, pr)
			}
		}
	}
	body.Enterprises = ev.enterprisesOverdue()
	for _, r := range p.Reporting.Monthly {
		body.Reports = append(body.Reports, remindd.ReportDue{
			Name: r.Name, To: p.Reporting.To, Text: r.Text,
			Due: plan.Date{Year: ev.today.Year, Month: ev.today.Month, Day: r.DueDay},
		})
	}
	if ye := p.Reporting.YearEnd; !ye.Due.IsZero() && !ye.Due.Before(ev.today) && ev.today.DaysUntil(ye.Due) <= 45 {
		body.Reports = append(body.Reports, remindd.ReportDue{Name: "年度工作总结", To: ye.To, Due: ye.Due, Text: ye.Text})
	}
	period := fmt.Sprintf("%04d-%02d", ev.today.Year, ev.today.Month)
	return ev.send(out, message{
		rule: remindd.Digest, to: remindd.Recipient{Kind: remindd.KindOffice, ID: p.Office.ID}, name: p.Office.Name,
		what: period, period: period, digest: body,
	}, contacts), nil
}

// enterprisesOverdue counts, per sector, the active enterprises and those
// with at least one overdue obligation.
func (ev *evaluation) enterprisesOverdue() []remindd.SectorOverdue {
	out := make([]remindd.SectorOverdue, len(ev.Plan.Sectors))
	index := map[string]int{}
	for i, s := range ev.Plan.Sectors {
		out[i] = remindd.SectorOverdue{Sector: s.ID, Name: s.Name}
		index[s.ID] = i
	}
	for _, a := range ev.enterprises() {
		i, ok := index[a.enterprise.Sector]
		if !ok {
			continue
		}
		out[i].Enterprises++
		if ev.hasOpen(a, math.MinInt, -1) {
			out[i].Overdue++
		}
	}
	return out
}

// accountable lists the sections whose obligations the office follows: every
// section of the bureau, and outside bodies the config gives contacts for.
func (ev *evaluation) accountable() []assignee {
	var out []assignee
	for i := range ev.Plan.Sections {
		s := &ev.Plan.Sections[i]
		cs := ev.Config.SectionContacts(s.ID)
		if s.External && len(cs) == 0 {
			continue
		}
		out = append(out, ev.derive(ev.section(s, cs, ev.view.done)))
	}
	return out
}
