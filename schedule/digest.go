package schedule

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/remindd/remindd"
)

// digest gives the office, once a month, every task past its deadline and not
// done by section (the red ones, overdue long enough to escalate, marked),
// the lagging targets, the enterprises overdue by sector with the first of
// them by name, the deliveries that failed with their recipients' names, the
// reports now due and the sections that have not reported the month.
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
	month := monthOf(reported)
	body := &remindd.DigestBody{Month: month, Failed: ev.failedNamed()}
	for _, a := range ev.accountable() {
		so := remindd.SectionOverdue{ID: a.who.ID, Name: a.name}
		for _, it := range ev.overdueItems(a) {
			so.Overdue = append(so.Overdue, it.task.N)
			if ev.ColourOf(it.left) == Red {
				so.Red = append(so.Red, it.task.N)
			}
		}
		body.Sections = append(body.Sections, so)
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
	ev.listBehind(body.Enterprises)
	body.Reports = ev.officeReports(reported)
	body.Unreported = ev.unreported(month)
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

// DigestListed is how many enterprises behind the digest names per sector
// when the engine sets none: the rest are counted, and listed on the desk.
const DigestListed = 10

// listBehind names in each sector of sectors the first enterprises with
// overdue obligations (Engine.DigestListed, or DigestListed), the most
// behind first, then by name and credit code.
func (ev *evaluation) listBehind(sectors []remindd.SectorOverdue) {
	n := ev.DigestListed
	if n <= 0 {
		n = DigestListed
	}
	index := map[string]int{}
	for i, s := range sectors {
		index[s.Sector] = i
	}
	for _, a := range ev.enterprises() {
		i, ok := index[a.enterprise.Sector]
		if !ok {
			continue
		}
		items := ev.overdueItems(a)
		if len(items) == 0 {
			continue
		}
		eo := remindd.EnterpriseOverdue{ID: a.who.ID, Name: a.name, Overdue: make([]int, len(items))}
		for j, it := range items {
			eo.Overdue[j] = it.task.N
			eo.Red = eo.Red || ev.ColourOf(it.left) == Red
		}
		l := append(sectors[i].Listed, eo)
		slices.SortStableFunc(l, func(x, y remindd.EnterpriseOverdue) int {
			return cmp.Or(len(y.Overdue)-len(x.Overdue), cmp.Compare(x.Name, y.Name), cmp.Compare(x.ID, y.ID))
		})
		sectors[i].Listed = l[:min(len(l), n)]
	}
}

// failedNamed are the failed deliveries with their recipients' names.
func (ev *evaluation) failedNamed() []remindd.FailedDelivery {
	if len(ev.view.failed) == 0 {
		return nil
	}
	out := slices.Clone(ev.view.failed)
	for i := range out {
		who := out[i].Recipient
		switch who.Kind {
		case remindd.KindSection:
			if s, ok := ev.Plan.Section(who.ID); ok {
				out[i].Name = s.Name
			}
		case remindd.KindOffice:
			out[i].Name = ev.Plan.Office.Name
		case remindd.KindEnterprise:
			firms := ev.enterprises()
			if j, ok := slices.BinarySearchFunc(firms, who.ID, func(a assignee, id string) int { return cmp.Compare(a.who.ID, id) }); ok {
				out[i].Name = firms[j].name
			}
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
