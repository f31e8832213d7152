package daemon

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is what /healthz reports.
type Health struct {
	Status string `json:"status"` // ok or unavailable
	Store  string `json:"store"`  // ok, or what failed
	Leader bool   `json:"leader"`
	// LastSuccess is each job's last recorded run, from the store.
	LastSuccess map[string]time.Time `json:"last_success"`
	// CheckedAt is when the store was last probed.
	CheckedAt time.Time `json:"checked_at"`
	// PlanExpired is true once the plan is over (past its last day and
	// the catch-up window): nothing more will be sent until a new year's
	// plan is configured. The daemon itself is healthy then, so the
	// status stays ok.
	PlanExpired bool `json:"plan_expired"`
	// PlanDaysLeft counts the days from today to the plan's last day (0
	// on it, negative after it).
	PlanDaysLeft int `json:"plan_days_left"`
}

// Handler serves /healthz and /metrics, both from the daemon's last probe
// of the store (see Check): a client never causes a store round trip of
// its own.
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		h := d.Check(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if h.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h) // the client may have gone; nothing to do then
	})
	metrics := promhttp.HandlerFor(d.metrics.Registry, promhttp.HandlerOpts{})
	mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		d.Check(r.Context())
		metrics.ServeHTTP(w, r)
	})
	return mux
}
