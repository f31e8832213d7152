package web

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/remindd/remindd/schedule"
)

// behindTTL is how old the enterprises behind that a section's page shows
// may be. Finding them reads a snapshot of every enterprise (half a second
// with 100,000 of them), too slow for each page: the pages share one,
// refreshed in the background once it is older than this or the handler
// recorded something.
const behindTTL = time.Minute

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
}

// behindCache holds every section's enterprises behind, from one snapshot.
type behindCache struct {
	mu         sync.Mutex
	bySection  map[string]*behindSummary
	at         time.Time // the snapshot's instant
	stale      bool      // something was recorded since
	refreshing bool
	// first serialises the first computation, which the pages wait for.
	first sync.Mutex
	// spawn runs a refresh: in a goroutine of its own, unless a test says.
	spawn func(func())
}

// behindOf returns section's enterprises behind and the instant they were
// found at: the cached list, refreshed in the background when old, or,
// the first time, computed now.
func (h *handler) behindOf(ctx context.Context, section string, now time.Time) (*behindSummary, time.Time, error) {
	c := &h.behindCache
	c.mu.Lock()
	if c.bySection != nil {
		if (c.stale || now.Sub(c.at) >= behindTTL || now.Before(c.at)) && !c.refreshing {
			c.refreshing, c.stale = true, false
			if c.spawn != nil {
				c.spawn(func() { h.refreshBehind(now) })
			} else {
				go h.refreshBehind(now)
			}
		}
		list, at := c.bySection[section], c.at
		c.mu.Unlock()
		return list, at, nil
	}
	c.mu.Unlock()

	c.first.Lock()
	defer c.first.Unlock()
	c.mu.Lock()
	if c.bySection != nil { // another page computed it meanwhile
		list, at := c.bySection[section], c.at
		c.mu.Unlock()
		return list, at, nil
	}
	c.mu.Unlock()
	m, err := h.computeBehind(ctx, now)
	if err != nil {
		return nil, time.Time{}, err
	}
	c.mu.Lock()
	c.bySection, c.at = m, now
	c.mu.Unlock()
	return m[section], now, nil
}

// refreshBehind computes the lists again; a failure keeps the old ones,
// and the next page tries again.
func (h *handler) refreshBehind(now time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), refreshTimeout)
	defer cancel()
	m, err := h.computeBehind(ctx, now)
	c := &h.behindCache
	c.mu.Lock()
	defer c.mu.Unlock()
	c.refreshing = false
	if err != nil {
		h.Log.WithError(err).Warn("refresh the enterprises behind")
		return
	}
	c.bySection, c.at = m, now
}

// computeBehind reads a snapshot and asks the rules who is behind.
func (h *handler) computeBehind(ctx context.Context, now time.Time) (map[string]*behindSummary, error) {
	state, err := h.Store.Snapshot(ctx, h.Plan.ID, now)
	if err != nil {
		return nil, err
	}
	out := map[string]*behindSummary{}
	for section, list := range h.engine.BehindBySection(state, now) {
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
		out[section] = sum
	}
	return out, nil
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

// recorded marks the lists and the overview stale: the handler changed
// what is done.
func (h *handler) recorded() {
	c := &h.behindCache
	c.mu.Lock()
	c.stale = true
	c.mu.Unlock()
	h.overviewChanged()
}
