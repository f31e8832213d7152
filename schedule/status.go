package schedule

import (
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// Status is where the plan stands at an instant.
type Status struct {
	At          time.Time               `json:"at"`
	Sections    []SectionStatus         `json:"sections"`
	Milestones  []MilestoneStat         `json:"milestones"`
	Enterprises []remindd.SectorOverdue `json:"enterprises"`
}

// SectionStatus splits a section's tasks into done, reported (through its
// link, awaiting the office's confirmation: neither overdue nor upcoming),
// overdue and upcoming.
type SectionStatus struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Done     []int  `json:"done"`
	Reported []int  `json:"reported"`
	Overdue  []int  `json:"overdue"`
	Upcoming []int  `json:"upcoming"`
}

// MilestoneStat is one sector's standing against one milestone.
type MilestoneStat struct {
	Task     int       `json:"task"`
	Sector   string    `json:"sector"`
	Metric   string    `json:"metric"`
	Percent  int       `json:"percent"`
	Due      plan.Date `json:"due"`
	Required int       `json:"required"`
	Achieved int       `json:"achieved"`
	Met      bool      `json:"met"`
}

// Status reports, at instant at, each accountable section's done, reported,
// overdue and upcoming tasks (a milestone's task done when its sectors met
// it, left out when they need none), every sector's standing against every milestone, and
// the enterprises with overdue obligations by sector.
func (e *Engine) Status(s *remindd.State, at time.Time) *Status {
	ev := e.newEvaluation(e.newView(s), at)
	st := &Status{At: ev.at}
	for _, a := range ev.accountable() {
		ss := SectionStatus{ID: a.who.ID, Name: a.name, Done: []int{}, Reported: []int{}, Overdue: []int{}, Upcoming: []int{}}
		for i := range e.Plan.Tasks {
			t := &e.Plan.Tasks[i]
			switch {
			case !a.owed.has(t.N):
			case s.Reported.Has(t.N, a.who):
				ss.Reported = append(ss.Reported, t.N)
			case a.done.has(t.N):
				ss.Done = append(ss.Done, t.N)
			case e.Plan.DueDate(t.Month).Before(ev.today):
				ss.Overdue = append(ss.Overdue, t.N)
			default:
				ss.Upcoming = append(ss.Upcoming, t.N)
			}
		}
		st.Sections = append(st.Sections, ss)
	}
	for _, m := range e.Plan.Milestones {
		for i := range e.Plan.Sectors {
			p := ev.progress(m, &e.Plan.Sectors[i])
			st.Milestones = append(st.Milestones, MilestoneStat{
				Task: p.Task, Sector: p.Sector, Metric: p.Metric, Percent: p.Percent, Due: p.Due,
				Required: p.Required, Achieved: p.Achieved, Met: p.Met(),
			})
		}
	}
	st.Enterprises = ev.enterprisesOverdue()
	return st
}
