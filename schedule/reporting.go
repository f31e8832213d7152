package schedule

import (
	"fmt"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/workday"
)

// Monthly and year-end reporting (五（五）): each month's written summary
// is due before the 2nd of the next month, the forms (附件4/附件5) before
// the 3rd; the year-end summary is the sections' duty to the office by the
// plan's year-end date, then the office's, which gathers them for the
// plan's reporting body. The sections are reminded in the agenda of the 1st
// and by the reporting rule on the month's last working day; the office's
// digest says who has not marked the month's report sent.

// monthOf names a month as the store and the keys do: 2024-05.
func monthOf(d plan.Date) string { return fmt.Sprintf("%04d-%02d", d.Year, d.Month) }

// sectionReports are the reports a section owes for the month ending on
// last (a month of the plan's year): the monthly duties, due on their days
// of the next month, and after the plan's last month the year-end summary,
// to the office.
func (ev *evaluation) sectionReports(last plan.Date) []remindd.ReportDue {
	p := ev.Plan
	if last.Year != p.Year {
		return nil
	}
	next := last.AddDays(1)
	var out []remindd.ReportDue
	for _, r := range p.Reporting.Monthly {
		out = append(out, remindd.ReportDue{
			Name: r.Name, To: p.Reporting.To, Text: r.Text, Note: r.Note,
			Due: plan.Date{Year: next.Year, Month: next.Month, Day: r.DueDay},
		})
	}
	if ye := p.Reporting.YearEnd; !ye.Due.IsZero() && last.Month == time.December {
		out = append(out, remindd.ReportDue{Name: "年度工作总结", To: ye.To, Due: ye.Due, Text: ye.Text})
	}
	return out
}

// officeReports are the reports the office follows in the digest for the
// month ending on last: the monthly duties as the sections owe them, and
// the year-end summary twice, the sections' to the office and the office's
// own to the plan's reporting body once it has them.
func (ev *evaluation) officeReports(last plan.Date) []remindd.ReportDue {
	out := ev.sectionReports(last)
	for i := range out {
		if out[i].To == ev.Plan.Office.Name {
			out[i].By = "各科室"
		}
	}
	if ye := ev.Plan.Reporting.YearEnd; !ye.Due.IsZero() && last.Year == ev.Plan.Year && last.Month == time.December {
		out = append(out, remindd.ReportDue{Name: "年度工作总结（汇总上报）", To: ev.Plan.Reporting.To, Due: ye.Due,
			Text: ye.Text, By: ev.Plan.Office.Name})
	}
	return out
}

// lastWorkingDay is the last working day of d's month, under the engine's
// calendar (every day when working days are off).
func (ev *evaluation) lastWorkingDay(d plan.Date) (plan.Date, error) {
	return workday.Prev(ev.Calendar, plan.DateOf(time.Date(d.Year, d.Month+1, 0, 12, 0, 0, 0, time.UTC)))
}

// reporting reminds each section, on the last working day of a month of
// the plan's year, of the reports it owes for that month, unless it has
// marked them sent. One message per section, keyed by the month.
func (ev *evaluation) reporting(out []remindd.Notification) ([]remindd.Notification, error) {
	if ev.today.Year != ev.Plan.Year {
		return out, nil
	}
	last, err := ev.lastWorkingDay(ev.today)
	if err != nil {
		return nil, err
	}
	if last != ev.today {
		return out, nil
	}
	month := monthOf(ev.today)
	reports := ev.sectionReports(ev.Plan.DueDate(int(ev.today.Month)))
	if len(reports) == 0 {
		return out, nil
	}
	for _, a := range ev.sections() {
		if s, ok := ev.Plan.Section(a.who.ID); !ok || s.External || remindd.Sent(ev.view.monthly, a.who.ID, month) {
			continue
		}
		out = ev.send(out, message{
			rule: remindd.Reporting, to: a.who, name: a.name, what: month, period: month,
			digest: &remindd.DigestBody{Month: month, Reports: reports},
		}, a.contacts)
	}
	return out, nil
}

// unreported are the bureau's own sections (not outside bodies) that have
// not marked month's report sent.
func (ev *evaluation) unreported(month string) []remindd.SectionName {
	var out []remindd.SectionName
	for _, s := range ev.Plan.Sections {
		if !s.External && !remindd.Sent(ev.view.monthly, s.ID, month) {
			out = append(out, remindd.SectionName{ID: s.ID, Name: s.Name})
		}
	}
	return out
}
