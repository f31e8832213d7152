package web

import (
	"context"
	"sync"
	"time"
)

// pendingTTL is how long the office's count of reports awaiting 销号 (the
// badge of every desk page's header) is kept. Counting them reads an
// index entry per report: 14 ms of the database's CPU per page with
// 49,000 waiting (bench §5). This handler's own changes keep the count
// exact; other instances' and other systems' show within this.
const pendingTTL = 5 * time.Second

// pendingCache keeps the count.
type pendingCache struct {
	mu    sync.Mutex
	n     int
	at    time.Time // when it was counted
	valid bool
}

// pendingCount counts the reports awaiting 销号: the kept count while
// fresh, else the store's.
func (h *handler) pendingCount(ctx context.Context) (int, error) {
	now := h.Now()
	c := &h.pending
	c.mu.Lock()
	if c.valid && now.Sub(c.at) < pendingTTL && !now.Before(c.at) {
		n := c.n
		c.mu.Unlock()
		return n, nil
	}
	c.mu.Unlock()
	n, err := h.Store.ReportCount(ctx, h.Plan.ID)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	c.n, c.at, c.valid = n, now, true
	c.mu.Unlock()
	return n, nil
}

// pendingAdded adds n reports through links to the kept count.
func (h *handler) pendingAdded(n int) {
	c := &h.pending
	c.mu.Lock()
	c.n += n
	c.mu.Unlock()
}

// pendingChanged drops the kept count: the desk confirmed, returned or
// recorded something.
func (h *handler) pendingChanged() {
	c := &h.pending
	c.mu.Lock()
	c.valid = false
	c.mu.Unlock()
}
