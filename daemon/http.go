package daemon

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Health is what /healthz reports.
type Health struct {
	Status      string               `json:"status"` // ok or unavailable
	Store       string               `json:"store"`  // ok, or the error
	Leader      bool                 `json:"leader"`
	LastSuccess map[string]time.Time `json:"last_success"`
}

// Check pings the store, refreshes the outbox gauges and reports health.
func (d *Daemon) Check(ctx context.Context) Health {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	h := Health{Status: "ok", Store: "ok", LastSuccess: map[string]time.Time{}}
	err := d.store.Ping(ctx)
	if err == nil {
		var depth map[string]int
		if depth, err = d.store.Depth(ctx); err == nil {
			for status, n := range depth {
				d.metrics.outbox.WithLabelValues(status).Set(float64(n))
			}
		}
	}
	d.mu.Lock()
	prev := d.storeErr
	d.storeErr = err
	h.Leader = d.leader
	for job, t := range d.lastOK {
		h.LastSuccess[job] = t
	}
	d.mu.Unlock()
	if err != nil {
		h.Status, h.Store = "unavailable", err.Error()
		d.metrics.storeUp.Set(0)
		if prev == nil {
			d.log.WithError(err).Error("store unreachable")
		}
	} else {
		d.metrics.storeUp.Set(1)
		if prev != nil {
			d.log.Info("store reachable again")
		}
	}
	return h
}

// Handler serves /healthz and /metrics.
func (d *Daemon) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		h := d.Check(r.Context())
		w.Header().Set("Content-Type", "application/json")
		if h.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h) // the client may have gone; nothing to do then
	})
	metrics := promhttp.HandlerFor(d.metrics.Registry, promhttp.HandlerOpts{})
	mux.HandleFunc("/metrics", func(w http.ResponseWriter, r *http.Request) {
		d.Check(r.Context())
		metrics.ServeHTTP(w, r)
	})
	return mux
}
