package web

import (
	"cmp"
	"html/template"
	"net/http"
	"slices"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// maxBehindListed is how many enterprises behind the overview names per
// sector; the rest are counted.
const maxBehindListed = 20

// overviewView is the overview's data: progress by section, by sector with
// the milestone charts, the reports awaiting 销号, the enterprises behind.
type overviewView struct {
	deskNav
	Today    string
	Sections []sectionProgress
	Sectors  []sectorView
	Legend   []standingStyle
}

// sectionProgress is a section's count of tasks in each state, and its
// traffic light.
type sectionProgress struct {
	ID, Name                          string
	Done, Reported, Overdue, Upcoming int
	Light, LightLabel                 string
	Link                              bool
}

// sectorView is a sector: its chart and its enterprises behind.
type sectorView struct {
	ID, Name     string
	Responsible  string
	Chart        template.HTML
	Enterprises  int
	Overdue      int
	Behind       []behindRow
	BehindHidden int
}

type behindRow struct {
	Name, ID string
	Tasks    string
	Count    int
}

// overview is the desk's first page.
func (h *handler) overview(w http.ResponseWriter, r *http.Request, u remindd.User) {
	ctx := r.Context()
	now := h.Now()
	today := plan.DateOf(now.In(h.Plan.Location))
	nav, err := h.nav(ctx, u, "overview")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	state, err := h.Store.Snapshot(ctx, h.Plan.ID, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st := h.engine.Status(state, now)
	v := &overviewView{deskNav: nav, Today: dateCN(today), Legend: chartLegend}
	for _, s := range st.Sections {
		sp := sectionProgress{ID: s.ID, Name: s.Name, Done: len(s.Done), Reported: len(s.Reported),
			Overdue: len(s.Overdue), Upcoming: len(s.Upcoming), Link: maySee(u, s.ID)}
		sp.Light, sp.LightLabel = "green", "无逾期"
		for _, n := range s.Overdue {
			t, _ := h.Plan.Task(n)
			if h.engine.ColourOf(today.DaysUntil(h.Plan.DueDate(t.Month))) == schedule.Red {
				sp.Light, sp.LightLabel = "red", "逾期超过3周"
				break
			}
			sp.Light, sp.LightLabel = "yellow", "有逾期事项"
		}
		v.Sections = append(v.Sections, sp)
	}
	counts := map[string]remindd.SectorOverdue{}
	for _, e := range st.Enterprises {
		counts[e.Sector] = e
	}
	behind := map[string][]schedule.EnterpriseBehind{} // by section asked
	for i := range h.Plan.Sectors {
		sector := &h.Plan.Sectors[i]
		chart, err := drawChart(milestoneChart(h.Plan, sector, st.Milestones, today))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		sv := sectorView{ID: sector.ID, Name: sector.Name, Responsible: sector.Responsible, Chart: chart,
			Enterprises: counts[sector.ID].Enterprises, Overdue: counts[sector.ID].Overdue}
		if len(sector.Sections) > 0 {
			asked := sector.Sections[0]
			list, ok := behind[asked]
			if !ok {
				list = h.engine.Behind(state, now, asked)
				behind[asked] = list
			}
			var rows []behindRow
			for _, b := range list {
				if b.Sector == sector.ID {
					rows = append(rows, behindRow{Name: b.Name, ID: b.ID, Tasks: taskList(b.Overdue), Count: len(b.Overdue)})
				}
			}
			slices.SortStableFunc(rows, func(a, b behindRow) int {
				return cmp.Or(b.Count-a.Count, cmp.Compare(a.Name, b.Name))
			})
			if len(rows) > maxBehindListed {
				sv.BehindHidden = len(rows) - maxBehindListed
				rows = rows[:maxBehindListed]
			}
			sv.Behind = rows
		}
		v.Sectors = append(v.Sectors, sv)
	}
	h.render(w, r, http.StatusOK, "desk_overview", "工作总览", v)
}
