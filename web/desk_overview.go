package web

import (
	"cmp"
	"context"
	"html/template"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/schedule"
)

// maxBehindListed is how many enterprises behind the overview names per
// sector; the rest are counted.
const maxBehindListed = 20

// overviewTTL is how old the overview's figures may be. They come from a
// snapshot of every enterprise (most of a second with 100,000 of them):
// the pages share one, worked out again once it is older than this, or at
// once after a change made on the desk.
const overviewTTL = time.Minute

// overviewView is the overview's data: progress by section, by sector with
// the milestone charts, the reports awaiting 销号, the enterprises behind.
type overviewView struct {
	deskNav
	Today    string
	Sections []sectionProgress
	Sectors  []sectorView
	Legend   []standingStyle
	// Monthly are the months' reports and who has not marked them sent
	// (monthly.go).
	Monthly []monthUnreported
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

// overviewFigures are the overview's figures at an instant, the same for
// every user: what the cache keeps.
type overviewFigures struct {
	at         time.Time
	sections   []sectionProgress // Link unset
	milestones []schedule.MilestoneStat
	sectors    []sectorView // their charts drawn, the same for every user
}

// overviewRefreshEvery is how often, at most, reports through links have
// the overview worked out again in the background.
const overviewRefreshEvery = 5 * time.Second

// overviewCache keeps the latest figures.
type overviewCache struct {
	mu         sync.Mutex
	figures    *overviewFigures
	stale      bool // the desk changed something since
	outdated   bool // a report came through a link since
	refreshing bool
	// background is when the last background refresh began.
	background time.Time
	// spawn runs a background refresh: in a goroutine of its own, unless
	// a test says.
	spawn func(func())
}

// overviewFigures returns the figures: the cached ones while fresh, or
// while another request works them out; else worked out now. Cached
// figures outdated by reports through links are served as they are while
// a background refresh works out new ones.
func (h *handler) overviewFigures(ctx context.Context, now time.Time) (*overviewFigures, error) {
	c := &h.overviewCache
	c.mu.Lock()
	f := c.figures
	fresh := f != nil && !c.stale && now.Sub(f.at) < overviewTTL && !now.Before(f.at)
	if fresh && c.outdated && !c.refreshing && !(now.Sub(c.background) < overviewRefreshEvery && !now.Before(c.background)) {
		c.refreshing, c.outdated, c.background = true, false, now
		refresh := func() {
			ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
			defer cancel()
			f, err := h.computeOverview(ctx, now)
			c.mu.Lock()
			defer c.mu.Unlock()
			c.refreshing = false
			if err != nil {
				c.outdated = true // tried again on a later page
				h.Log.WithError(err).Warn("overview: background refresh failed")
				return
			}
			c.figures = f
		}
		if c.spawn != nil {
			c.spawn(refresh)
		} else {
			go refresh()
		}
	}
	if f != nil && (c.refreshing || fresh) {
		c.mu.Unlock()
		return f, nil
	}
	c.refreshing, c.stale, c.outdated = true, false, false
	c.mu.Unlock()
	f, err := h.computeOverview(ctx, now)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		return nil, err
	}
	c.figures = f
	return f, nil
}

// overviewChanged marks the cached figures stale: the desk changed what
// is done.
func (h *handler) overviewChanged() {
	c := &h.overviewCache
	c.mu.Lock()
	c.stale = true
	c.mu.Unlock()
}

// overviewOutdated marks the cached figures outdated: a report came
// through a link.
func (h *handler) overviewOutdated() {
	c := &h.overviewCache
	c.mu.Lock()
	c.outdated = true
	c.mu.Unlock()
}

// computeOverview reads a snapshot and asks the rules where the plan
// stands at now.
func (h *handler) computeOverview(ctx context.Context, now time.Time) (*overviewFigures, error) {
	state, err := h.Store.Snapshot(ctx, h.Plan.ID, now)
	if err != nil {
		return nil, err
	}
	today := h.today(now)
	st := h.engine.Status(state, now)
	f := &overviewFigures{at: now, milestones: st.Milestones}
	for _, s := range st.Sections {
		sp := sectionProgress{ID: s.ID, Name: s.Name, Done: len(s.Done), Reported: len(s.Reported),
			Overdue: len(s.Overdue), Upcoming: len(s.Upcoming)}
		sp.Light, sp.LightLabel = "green", "无逾期"
		for _, n := range s.Overdue {
			t, _ := h.Plan.Task(n)
			if h.engine.ColourOf(today.DaysUntil(h.Plan.DueDate(t.Month))) == schedule.Red {
				sp.Light, sp.LightLabel = "red", "逾期超过3周"
				break
			}
			sp.Light, sp.LightLabel = "yellow", "有逾期事项"
		}
		f.sections = append(f.sections, sp)
	}
	counts := map[string]remindd.SectorOverdue{}
	for _, e := range st.Enterprises {
		counts[e.Sector] = e
	}
	behind := h.engine.BehindBySection(state, now)
	for i := range h.Plan.Sectors {
		sector := &h.Plan.Sectors[i]
		sv := sectorView{ID: sector.ID, Name: sector.Name, Responsible: sector.Responsible,
			Enterprises: counts[sector.ID].Enterprises, Overdue: counts[sector.ID].Overdue}
		if len(sector.Sections) > 0 {
			var rows []behindRow
			for _, b := range behind[sector.Sections[0]] {
				if b.Sector == sector.ID {
					rows = append(rows, behindRow{Name: b.Name, ID: b.ID, Tasks: taskList(b.Overdue), Count: len(b.Overdue)})
				}
			}
			slices.SortStableFunc(rows, func(a, b behindRow) int {
				return cmp.Or(b.Count-a.Count, cmp.Compare(a.Name, b.Name))
			})
			if len(rows) > maxBehindListed {
				sv.BehindHidden = len(rows) - maxBehindListed
				rows = slices.Clip(rows[:maxBehindListed])
			}
			sv.Behind = rows
		}
		// Drawn once with the figures, not for each page: a third of an
		// overview's CPU under 20 clients.
		if sv.Chart, err = drawChart(milestoneChart(h.Plan, sector, f.milestones, today)); err != nil {
			return nil, err
		}
		f.sectors = append(f.sectors, sv)
	}
	return f, nil
}

// overview is the desk's first page.
func (h *handler) overview(w http.ResponseWriter, r *http.Request, u remindd.User) {
	ctx := r.Context()
	nav, err := h.nav(ctx, u, "overview")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f, err := h.overviewFigures(ctx, h.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &overviewView{deskNav: nav, Today: h.timeCN(f.at), Legend: chartLegend, Sectors: f.sectors}
	for _, sp := range f.sections {
		sp.Link = maySee(u, sp.ID)
		v.Sections = append(v.Sections, sp)
	}
	if v.Monthly, err = h.unreported(ctx, h.Now()); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "desk_overview", "工作总览", v)
}
