package config

import "time"

// Default is what every key a config file leaves out is given: all the
// defaults of the configuration in one place (a channel's are its kind's,
// in the kinds table). examples/config.yaml writes each of them out, and a
// test holds the two equal. A number or duration written as 0 is kept and
// judged, never replaced by its default.
func Default() Config {
	return Config{
		Store:   "sqlite:/var/lib/remindd/remindd.db",
		CatchUp: Duration(7 * 24 * time.Hour),
		Rules: Rules{
			LeadDays:          []int{7, 3, 1, 0},
			OverdueEveryDays:  7,
			EscalateAfterDays: 21,
			EscalateMax:       3,
			MaxItems:          10,
		},
		Jobs: Jobs{
			Sweep:     "0 9 * * *",
			Agenda:    "0 9 1 * *",
			Digest:    "0 9 2 * *",
			Quarterly: "0 9 1 1,4,7,10 *",
			Deliver:   "* * * * *",
		},
		Delivery: Delivery{
			MaxAttempts:  8,
			BackoffBase:  Duration(time.Minute),
			BackoffMax:   Duration(time.Hour),
			Batch:        100,
			DrainTimeout: Duration(20 * time.Second),
		},
	}
}

// DefaultTimeout bounds one exchange with a server (an SMTP session's
// steps, a robot's or webhook's request) when the channel sets no timeout.
const DefaultTimeout = Duration(15 * time.Second)

// DefaultTLS is an e-mail channel's tls when it gives none; the port then
// follows from tls (tlsPorts).
const DefaultTLS = "starttls"

// tlsPorts are the SMTP ports of the tls modes: submission with STARTTLS,
// submissions (implicit TLS), plain SMTP.
var tlsPorts = map[string]int{"starttls": 587, "implicit": 465, "none": 25}

// applyDefaults fills the fields the file leaves out with Default's, and
// each channel's with its kind's. A number or duration written as zero is
// kept, for validation to judge: catch_up: 0s must not silently become 7
// days, nor lead_days: [] the default list.
func (c *Config) applyDefaults() {
	d := Default()
	written := func(path ...any) bool { return c.file.Has(path...) }
	if c.Store == "" {
		c.Store = d.Store
	}
	if c.CatchUp == 0 && !written("catch_up") {
		c.CatchUp = d.CatchUp
	}
	if len(c.Rules.LeadDays) == 0 && !written("rules", "lead_days") {
		c.Rules.LeadDays = d.Rules.LeadDays
	}
	if c.Rules.OverdueEveryDays == 0 && !written("rules", "overdue_every_days") {
		c.Rules.OverdueEveryDays = d.Rules.OverdueEveryDays
	}
	if c.Rules.EscalateAfterDays == 0 && !written("rules", "escalate_after_days") {
		c.Rules.EscalateAfterDays = d.Rules.EscalateAfterDays
	}
	if c.Rules.EscalateMax == 0 && !written("rules", "escalate_max") {
		c.Rules.EscalateMax = d.Rules.EscalateMax
	}
	if c.Rules.MaxItems == 0 && !written("rules", "max_items") {
		c.Rules.MaxItems = d.Rules.MaxItems
	}
	for _, f := range []struct{ v, def *string }{
		{&c.Jobs.Sweep, &d.Jobs.Sweep}, {&c.Jobs.Agenda, &d.Jobs.Agenda}, {&c.Jobs.Digest, &d.Jobs.Digest},
		{&c.Jobs.Quarterly, &d.Jobs.Quarterly}, {&c.Jobs.Deliver, &d.Jobs.Deliver},
	} {
		if *f.v == "" {
			*f.v = *f.def
		}
	}
	dl, dd := &c.Delivery, d.Delivery
	for _, f := range []struct {
		key  string
		zero bool
		set  func()
	}{
		{"max_attempts", dl.MaxAttempts == 0, func() { dl.MaxAttempts = dd.MaxAttempts }},
		{"backoff_base", dl.BackoffBase == 0, func() { dl.BackoffBase = dd.BackoffBase }},
		{"backoff_max", dl.BackoffMax == 0, func() { dl.BackoffMax = dd.BackoffMax }},
		{"batch", dl.Batch == 0, func() { dl.Batch = dd.Batch }},
		{"drain_timeout", dl.DrainTimeout == 0, func() { dl.DrainTimeout = dd.DrainTimeout }},
	} {
		if f.zero && !written("delivery", f.key) {
			f.set()
		}
	}
	for i := range c.Channels {
		c.Channels[i].applyDefaults(func(key string) bool { return written("channels", i, key) })
	}
	c.applyWebDefaults()
}
