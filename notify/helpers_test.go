package notify

import (
	"flag"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/rendertest"
	"github.com/remindd/remindd/render"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

var shanghai = rendertest.Shanghai

// at9 is 09:00 in Shanghai on a day of 2024.
func at9(month time.Month, day int) time.Time { return rendertest.At9(month, day) }

// newRenderer renders as the example config does: with personal links.
func newRenderer(t testing.TB) *render.Renderer {
	t.Helper()
	r, err := render.NewRenderer(rendertest.Load(t).Plan, "", render.WithLinks(rendertest.Linker(t).URL))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// rendered renders the named golden case (rendertest.Cases).
func rendered(t *testing.T, name string) render.Message {
	t.Helper()
	m, err := newRenderer(t).Render(rendertest.Find(t, name).Notification(t))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// golden compares got with testdata/golden/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	rendertest.Golden(t, filepath.Join("testdata", "golden", name), got, *update)
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
