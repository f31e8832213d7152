package daemon

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the daemon's Prometheus series, on a registry of its own.
type Metrics struct {
	Registry    *prometheus.Registry
	decided     *prometheus.CounterVec
	delivered   *prometheus.CounterVec
	jobRuns     *prometheus.CounterVec
	lastSuccess *prometheus.GaugeVec
	outbox      *prometheus.GaugeVec
	leader      prometheus.Gauge
	storeUp     prometheus.Gauge
	// planDaysLeft is set at each check, by the daemon's clock.
	planDaysLeft prometheus.Gauge
}

// NewMetrics registers the series.
func NewMetrics() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		decided: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remindd_notifications_decided_total",
			Help: "Notifications decided by the rules and handed to the outbox, by rule and channel (duplicates included).",
		}, []string{"rule", "channel"}),
		delivered: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remindd_notifications_total",
			Help: "Delivery outcomes by rule, channel and status (sent, retry, failed).",
		}, []string{"rule", "channel", "status"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "remindd_job_runs_total",
			Help: "Scheduled job runs, catch-up included, by job.",
		}, []string{"job"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "remindd_job_last_success_timestamp_seconds",
			Help: "The scheduled time of each job's last recorded run (Unix time), from the store.",
		}, []string{"job"}),
		outbox: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "remindd_outbox_depth",
			Help: "Notifications in the outbox by status.",
		}, []string{"status"}),
		leader: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "remindd_leader",
			Help: "1 when this instance runs the scheduled jobs.",
		}),
		storeUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "remindd_store_up",
			Help: "1 when the store answered the last check and took the last write.",
		}),
		planDaysLeft: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "remindd_plan_days_left",
			Help: "Calendar days from today to the plan's last day (0 on it, negative after it): alert before it runs out, and configure the new year's plan.",
		}),
	}
	m.Registry.MustRegister(m.decided, m.delivered, m.jobRuns, m.lastSuccess, m.outbox, m.leader, m.storeUp, m.planDaysLeft,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
