package web

import (
	"cmp"
	"context"
	"html/template"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/remindd/remindd/schedule"
)

// behindTTL is how old the enterprises behind that a section's page shows,
// and the list of enterprises with their counts overdue, may be. Finding
// them reads a snapshot of every enterprise (half a second with 100,000 of
// them), too slow for each page: the pages share one, refreshed in the
// background once it is older than this or the handler recorded something.
const behindTTL = time.Minute

// behindRefreshEvery is how often, at most, reports through links have the
// figures worked out again: a snapshot of 100,000 enterprises takes a CPU
// for seconds, and on a busy morning a report comes every few
// milliseconds. The desk's own changes refresh them at once.
const behindRefreshEvery = 30 * time.Second

// refreshTimeout bounds a background refresh.
const refreshTimeout = time.Minute

// behindSummary is what a section's page shows of its enterprises behind,
// worked out once per snapshot.
type behindSummary struct {
	Total int
	// Top are the first maxBehindShown, the furthest behind first, then
	// by name.
	Top    []schedule.EnterpriseBehind
	ByTask []taskCount
	// Contacts are the contact name and mobile of each of Top, by credit
	// code: the snapshot leaves them out.
	Contacts map[string][2]string

	// once draws html, what the section's page shows of it (recipient.go).
	once sync.Once
	html template.HTML
	err  error
}

// behindFigures are what one snapshot says of the enterprises: each
// section's behind, and every enterprise with its count of obligations
// overdue, for the list of enterprises.
type behindFigures struct {
	bySection map[string]*behindSummary
	// firms are every enterprise, the furthest behind first, then by name.
	firms []firmRow
}

// firmRow is an enterprise as the list of enterprises shows and filters
// it: what the snapshot holds of it, and how many obligations it has
// overdue.
type firmRow struct {
	ID, Name, Sector, Size string
	Active                 bool
	Overdue                int
}

// behindCache holds the figures of one snapshot.
type behindCache struct {
	mu         sync.Mutex
	figures    *behindFigures
	at         time.Time // the snapshot's instant
	stale      bool      // the desk recorded something since
	outdated   bool      // a report came through a link since
	refreshing bool
	// started is when the last computation started.
	started time.Time
	// first serialises the first computation, which the pages wait for.
	first sync.Mutex
	// spawn runs a refresh: in a goroutine of its own, unless a test says.
	spawn func(func())
}

// behindOf returns section's enterprises behind and the instant they were
// found at.
func (h *handler) behindOf(ctx context.Context, section string, now time.Time) (*behindSummary, time.Time, error) {
	f, at, err := h.behindFigures(ctx, now)
	if err != nil {
		return nil, time.Time{}, err
	}
	return f.bySection[section], at, nil
}

// behindFigures returns the figures and the instant they were found at:
// the cached ones, refreshed in the background when old, or, the first
// time, computed now.
func (h *handler) behindFigures(ctx context.Context, now time.Time) (*behindFigures, time.Time, error) {
	c := &h.behindCache
	c.mu.Lock()
	if c.figures != nil {
		due := c.stale || now.Sub(c.at) >= behindTTL || now.Before(c.at) ||
			c.outdated && (now.Sub(c.started) >= behindRefreshEvery || now.Before(c.started))
		if due && !c.refreshing {
			c.refreshing, c.stale, c.outdated, c.started = true, false, false, now
			if c.spawn != nil {
				c.spawn(func() { h.refreshBehind(now) })
			} else {
				go h.refreshBehind(now)
			}
		}
		f, at := c.figures, c.at
		c.mu.Unlock()
		return f, at, nil
	}
	c.mu.Unlock()

	c.first.Lock()
	defer c.first.Unlock()
	c.mu.Lock()
	if c.figures != nil { // another page computed them meanwhile
		f, at := c.figures, c.at
		c.mu.Unlock()
		return f, at, nil
	}
	c.mu.Unlock()
	f, err := h.computeBehind(ctx, now)
	if err != nil {
		return nil, time.Time{}, err
	}
	c.mu.Lock()
	c.figures, c.at, c.started = f, now, now
	c.mu.Unlock()
	return f, now, nil
}

// refreshBehind computes the figures again; a failure keeps the old ones,
// and the next page tries again.
func (h *handler) refreshBehind(now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	f, err := h.computeBehind(ctx, now)
	c := &h.behindCache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		h.Log.WithError(err).Warn("refresh the enterprises behind")
		return
	}
	c.figures, c.at = f, now
}

// computeBehind reads a snapshot and asks the rules who is behind.
func (h *handler) computeBehind(ctx context.Context, now time.Time) (*behindFigures, error) {
	state, err := h.Store.Snapshot(ctx, h.Plan.ID, now)
	if err != nil {
		return nil, err
	}
	f := &behindFigures{bySection: map[string]*behindSummary{}}
	overdue := map[string]int{}
	for section, list := range h.engine.BehindBySection(state, now) {
		for _, b := range list {
			overdue[b.ID] = len(b.Overdue)
		}
		sum := h.summarise(list)
		sum.Contacts = map[string][2]string{}
		for _, b := range sum.Top {
			e, ok, err := h.Store.Enterprise(ctx, b.ID)
			if err != nil {
				return nil, err
			}
			if ok {
				sum.Contacts[b.ID] = [2]string{e.Contact, e.Mobile}
			}
		}
		f.bySection[section] = sum
	}
	f.firms = make([]firmRow, len(state.Enterprises))
	for i, e := range state.Enterprises {
		f.firms[i] = firmRow{ID: e.ID, Name: e.Name, Sector: e.Sector, Size: e.Size, Active: e.Active, Overdue: overdue[e.ID]}
	}
	slices.SortFunc(f.firms, func(a, b firmRow) int {
		return cmp.Or(b.Overdue-a.Overdue, strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
	})
	return f, nil
}

// summarise counts a section's enterprises behind by task and picks the
// first to show.
func (h *handler) summarise(list []schedule.EnterpriseBehind) *behindSummary {
	sum := &behindSummary{Total: len(list)}
	counts := map[int]int{}
	for _, b := range list {
		for _, n := range b.Overdue {
			counts[n]++
		}
	}
	for i := range h.Plan.Tasks {
		t := &h.Plan.Tasks[i]
		if counts[t.N] > 0 {
			sum.ByTask = append(sum.ByTask, taskCount{N: t.N, Text: t.Text, Count: counts[t.N]})
		}
	}
	slices.SortStableFunc(list, func(a, b schedule.EnterpriseBehind) int {
		if c := len(b.Overdue) - len(a.Overdue); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	})
	sum.Top = list[:min(len(list), maxBehindShown)]
	return sum
}

// recorded marks the lists and the overview stale: the desk changed what
// is done, and the clerk who did it sees it on the next overview.
func (h *handler) recorded() {
	h.listsChanged()
	h.overviewChanged()
	h.pendingChanged()
}

// reportedThroughLink marks the lists and the overview outdated: a
// recipient reported through its link. They are worked out again in the
// background, at most every behindRefreshEvery and overviewRefreshEvery,
// so that a stream of reports never makes the office wait for a snapshot
// of every enterprise, nor keeps a CPU taking one after another.
func (h *handler) reportedThroughLink() {
	c := &h.behindCache
	c.mu.Lock()
	c.outdated = true
	c.mu.Unlock()
	h.overviewOutdated()
}

// listsChanged marks the sections' enterprises behind stale.
func (h *handler) listsChanged() {
	c := &h.behindCache
	c.mu.Lock()
	c.stale = true
	c.mu.Unlock()
}
