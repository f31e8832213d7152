package schedule

import (
	"fmt"
	"math"

	"github.com/remindd/remindd/plan"
)

// DigestBody is the office's monthly overview.
type DigestBody struct {
	// Month is the month being reported on (the one before the digest).
	Month       string           `json:"month"`
	Sections    []SectionOverdue `json:"sections"`
	Lagging     []Progress       `json:"lagging"`
	Enterprises []SectorOverdue  `json:"enterprises"`
	Failed      []FailedDelivery `json:"failed"`
	Reports     []ReportDue      `json:"reports"`
}

// SectionOverdue lists one section's overdue tasks.
type SectionOverdue struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Overdue []int  `json:"overdue"`
}

// SectorOverdue counts a sector's enterprises with overdue obligations.
type SectorOverdue struct {
	Sector      string `json:"sector"`
	Name        string `json:"name"`
	Overdue     int    `json:"overdue"`
	Enterprises int    `json:"enterprises"`
}

// ReportDue is a report the bureau must hand in.
type ReportDue struct {
	Name string    `json:"name"`
	To   string    `json:"to"`
	Due  plan.Date `json:"due"`
	Text string    `json:"text"`
}

// digest gives the office, once a month, every task past its deadline and not
// done by section, the lagging targets, the enterprises overdue by sector, the
// deliveries that failed, and the reports now due.
func (ev *evaluation) digest(out []Notification) ([]Notification, error) {
	p := ev.Plan
	reported := ev.today.AddDays(-ev.today.Day) // last day of the previous month
	if reported.Year != p.Year {
		return out, nil
	}
	contacts := ev.Config.Office.Contacts
	if len(contacts) == 0 {
		return out, nil
	}
	body := &DigestBody{Month: fmt.Sprintf("%04d-%02d", reported.Year, reported.Month), Failed: ev.view.failed}
	for _, a := range ev.accountable() {
		var tasks []int
		for _, it := range ev.overdueItems(a) {
			tasks = append(tasks, it.task.N)
		}
		body.Sections = append(body.Sections, SectionOverdue{ID: a.who.ID, Name: a.name, Overdue: tasks})
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
		body.Reports = append(body.Reports, ReportDue{
			Name: r.Name, To: p.Reporting.To, Text: r.Text,
			Due: plan.Date{Year: ev.today.Year, Month: ev.today.Month, Day: r.DueDay},
		})
	}
	if ye := p.Reporting.YearEnd; !ye.Due.IsZero() && !ye.Due.Before(ev.today) && ev.today.DaysUntil(ye.Due) <= 45 {
		body.Reports = append(body.Reports, ReportDue{Name: "年度工作总结", To: ye.To, Due: ye.Due, Text: ye.Text})
	}
	period := fmt.Sprintf("%04d-%02d", ev.today.Year, ev.today.Month)
	return ev.send(out, message{
		rule: Digest, to: Recipient{KindOffice, p.Office.ID}, name: p.Office.Name,
		what: period, period: period, digest: body,
	}, contacts), nil
}

// enterprisesOverdue counts, per sector, the active enterprises and those
// with at least one overdue obligation.
func (ev *evaluation) enterprisesOverdue() []SectorOverdue {
	out := make([]SectorOverdue, len(ev.Plan.Sectors))
	index := map[string]int{}
	for i, s := range ev.Plan.Sectors {
		out[i] = SectorOverdue{Sector: s.ID, Name: s.Name}
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
		out = append(out, ev.section(s, cs, ev.view.done))
	}
	return out
}
