package web_test

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// countingStore counts the store calls a recipient's page and report make.
type countingStore struct {
	*store.Store
	mu    sync.Mutex
	calls map[string]int
}

func (c *countingStore) count(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls[name]++
}

// took returns the calls counted since the last took.
func (c *countingStore) took() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.calls
	c.calls = map[string]int{}
	return out
}

func (c *countingStore) Enterprise(ctx context.Context, code string) (remindd.Enterprise, bool, error) {
	c.count("Enterprise")
	return c.Store.Enterprise(ctx, code)
}

func (c *countingStore) CompletionsOf(ctx context.Context, planID string, who remindd.Recipient) ([]remindd.Completion, error) {
	c.count("CompletionsOf")
	return c.Store.CompletionsOf(ctx, planID, who)
}

func (c *countingStore) Events(ctx context.Context, planID string, f store.EventFilter) ([]remindd.Event, error) {
	c.count("Events")
	return c.Store.Events(ctx, planID, f)
}

func (c *countingStore) Apply(ctx context.Context, planID string, changes []remindd.Event) ([]remindd.Event, error) {
	c.count("Apply")
	return c.Store.Apply(ctx, planID, changes)
}

// TestRecipientReads: an enterprise's page reads the enterprise, its
// completions and its history; a report reads only the enterprise before
// writing, and its completions only when the report was made before.
func TestRecipientReads(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	cs := &countingStore{Store: s, calls: map[string]int{}}
	srv := linkServer(t, s, web.Options{RequireConfirmation: true})
	srv = newTestServer(t, web.Options{Store: cs, RequireConfirmation: true, Sections: srv.Options.Sections})
	path := "/r/" + srv.token(t, enterpriseOf(smallTravel))
	for _, tc := range []struct {
		name string
		do   func() *http.Response
		want map[string]int
	}{
		{"page", func() *http.Response { res, _ := srv.get(t, path); return res },
			map[string]int{"Enterprise": 1, "CompletionsOf": 1, "Events": 1}},
		{"report", func() *http.Response { res, _ := srv.post(t, path, url.Values{"task": {"44"}}); return res },
			map[string]int{"Enterprise": 1, "Apply": 1}},
		{"report again", func() *http.Response { res, _ := srv.post(t, path, url.Values{"task": {"44"}}); return res },
			map[string]int{"Enterprise": 1, "Apply": 1, "CompletionsOf": 1}},
	} {
		cs.took()
		wantStatus(t, tc.name, tc.do(), http.StatusOK)
		if diff := cmp.Diff(tc.want, cs.took()); diff != "" {
			t.Errorf("%s: store calls (-want +got):\n%s", tc.name, diff)
		}
	}
}
