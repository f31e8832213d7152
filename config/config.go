// Package config reads the operator's configuration file: which plan to
// follow, where the store is, when the jobs run, the reminder rules' numbers,
// the delivery channels and each recipient's contacts. It validates the file
// in one pass, naming file, line and field for every problem.
package config

import (
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"remindd/internal/yamlfile"
	"remindd/plan"
)

// DefaultPath is where the service looks for its configuration.
const DefaultPath = "/etc/remindd/config.yaml"

// Config is the operator's configuration.
type Config struct {
	Plan        string      `yaml:"plan"`
	Store       string      `yaml:"store"`
	WorkingDays bool        `yaml:"working_days"`
	CatchUp     Duration    `yaml:"catch_up"`
	Rules       Rules       `yaml:"rules"`
	Jobs        Jobs        `yaml:"jobs"`
	Channels    []Channel   `yaml:"channels"`
	Office      Recipient   `yaml:"office"`
	Sections    []Section   `yaml:"sections"`
	Enterprises Enterprises `yaml:"enterprises"`
	Delivery    Delivery    `yaml:"delivery"`
	// Templates is a folder whose templates replace the embedded ones of
	// the same name.
	Templates string `yaml:"templates"`
	// HeartbeatURL, when set, is fetched (GET) after each successful daily
	// sweep of `remindd run`, so that an outside monitor (a dead man's
	// switch such as healthchecks.io) notices when reminders stop.
	HeartbeatURL string `yaml:"heartbeat_url"`

	// File is the path the config was read from; Dir its folder, against
	// which relative paths in it are resolved.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`

	file *yamlfile.File
}

// Rules holds the reminder rules' numbers.
type Rules struct {
	// LeadDays are the days before a deadline on which a reminder goes out.
	LeadDays []int `yaml:"lead_days"`
	// OverdueEveryDays is the interval of repeats after a deadline.
	OverdueEveryDays int `yaml:"overdue_every_days"`
}

// Jobs are five-field cron specs, minute first, in the plan's time zone.
type Jobs struct {
	Sweep     string `yaml:"sweep"`
	Agenda    string `yaml:"agenda"`
	Digest    string `yaml:"digest"`
	Quarterly string `yaml:"quarterly"`
	Deliver   string `yaml:"deliver"`
}

// Channel is one configured way of delivering messages.
type Channel struct {
	Name string `yaml:"name"`
	Type string `yaml:"type"` // file, log, email, wecom, dingtalk, feishu, webhook

	// file
	Dir string `yaml:"dir"`

	// email
	Host         string   `yaml:"host"`
	Port         int      `yaml:"port"`
	TLS          string   `yaml:"tls"` // starttls (default), implicit, none
	Username     string   `yaml:"username"`
	PasswordEnv  string   `yaml:"password_env"`
	PasswordFile string   `yaml:"password_file"`
	From         string   `yaml:"from"`
	FromName     string   `yaml:"from_name"`
	Timeout      Duration `yaml:"timeout"`

	// robots and webhook: the URL carries the token, so it is a secret too.
	URLEnv     string `yaml:"url_env"`
	URLFile    string `yaml:"url_file"`
	SecretEnv  string `yaml:"secret_env"`
	SecretFile string `yaml:"secret_file"`

	// Inline secrets are refused; these fields exist to say so clearly.
	Password string `yaml:"password"`
	URL      string `yaml:"url"`
	Secret   string `yaml:"secret"`
}

// Recipient is how one body is reached.
type Recipient struct {
	Contacts []Contact `yaml:"contacts"`
}

// Contact is one channel and, where the channel needs one, an address.
type Contact struct {
	Channel string `yaml:"channel"`
	Address string `yaml:"address"`
}

// Section gives a plan section's contacts.
type Section struct {
	ID        string `yaml:"id"`
	Recipient `yaml:",inline"`
}

// Enterprises names the channels that carry enterprise reminders: an
// enterprise's e-mail address goes through Email, its robot webhook through
// Robot. Empty means not used.
type Enterprises struct {
	Email string `yaml:"email"`
	Robot string `yaml:"robot"`
}

// Delivery bounds how the outbox is drained.
type Delivery struct {
	// MaxAttempts is how many times a message is tried before it fails.
	MaxAttempts int `yaml:"max_attempts"`
	// BackoffBase is the wait after the first temporary failure; it doubles
	// with each attempt up to BackoffMax, with jitter.
	BackoffBase Duration `yaml:"backoff_base"`
	BackoffMax  Duration `yaml:"backoff_max"`
	// Batch is how many messages one claim takes.
	Batch int `yaml:"batch"`
	// DrainTimeout bounds how long in-flight sends may finish at shutdown.
	DrainTimeout Duration `yaml:"drain_timeout"`
}

// Duration is a time.Duration written as "168h", "30m" or "7d".
type Duration time.Duration

// UnmarshalYAML parses a Go duration or a whole number of days ("7d").
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	s := strings.TrimSpace(n.Value)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if v, err := strconv.Atoi(days); err == nil {
			if v < 0 || v > 36500 {
				return fmt.Errorf("line %d: %q is outside 0–36500 days", n.Line, s)
			}
			*d = Duration(time.Duration(v) * 24 * time.Hour)
			return nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("line %d: %q is not a duration such as 168h or 7d", n.Line, s)
	}
	*d = Duration(v)
	return nil
}

// Defaults used for fields the file leaves out.
var (
	DefaultJobs = Jobs{
		Sweep:     "0 9 * * *",
		Agenda:    "0 9 1 * *",
		Digest:    "0 9 2 * *",
		Quarterly: "0 9 1 1,4,7,10 *",
		Deliver:   "* * * * *",
	}
	DefaultLeadDays         = []int{7, 3, 1, 0}
	DefaultOverdueEveryDays = 7
	DefaultCatchUp          = Duration(7 * 24 * time.Hour)
	DefaultStore            = "sqlite:/var/lib/remindd/remindd.db"
)

// Load reads, defaults and validates the configuration at path. The plan is
// not read here; see CheckPlan.
func Load(path string) (*Config, error) {
	var c Config
	f, err := yamlfile.Load(path, &c)
	if err != nil {
		if _, ok := err.(yamlfile.Problems); ok {
			return nil, err
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	c.File = path
	c.Dir = filepath.Dir(path)
	c.file = f
	c.applyDefaults()
	for i := range c.Channels {
		ch := &c.Channels[i]
		for _, p := range []*string{&ch.Dir, &ch.PasswordFile, &ch.URLFile, &ch.SecretFile} {
			if *p != "" && !strings.HasPrefix(*p, "$") {
				*p = c.Resolve(*p)
			}
		}
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

func (c *Config) applyDefaults() {
	if c.Store == "" {
		c.Store = DefaultStore
	}
	if c.CatchUp == 0 {
		c.CatchUp = DefaultCatchUp
	}
	if c.Rules.LeadDays == nil {
		c.Rules.LeadDays = DefaultLeadDays
	}
	if c.Rules.OverdueEveryDays == 0 {
		c.Rules.OverdueEveryDays = DefaultOverdueEveryDays
	}
	d := DefaultJobs
	for _, f := range []struct {
		v   *string
		def string
	}{
		{&c.Jobs.Sweep, d.Sweep}, {&c.Jobs.Agenda, d.Agenda}, {&c.Jobs.Digest, d.Digest},
		{&c.Jobs.Quarterly, d.Quarterly}, {&c.Jobs.Deliver, d.Deliver},
	} {
		if *f.v == "" {
			*f.v = f.def
		}
	}
	d0 := &c.Delivery
	if d0.MaxAttempts == 0 {
		d0.MaxAttempts = 8
	}
	if d0.BackoffBase == 0 {
		d0.BackoffBase = Duration(time.Minute)
	}
	if d0.BackoffMax == 0 {
		d0.BackoffMax = Duration(time.Hour)
	}
	if d0.Batch == 0 {
		d0.Batch = 100
	}
	if d0.DrainTimeout == 0 {
		d0.DrainTimeout = Duration(20 * time.Second)
	}
	for i := range c.Channels {
		ch := &c.Channels[i]
		if ch.Type == "email" {
			if ch.TLS == "" {
				ch.TLS = "starttls"
			}
			if port, known := map[string]int{"implicit": 465, "starttls": 587, "none": 25}[ch.TLS]; ch.Port == 0 && known {
				ch.Port = port
			}
			if ch.Timeout == 0 {
				ch.Timeout = Duration(15 * time.Second)
			}
		}
	}
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// ChannelTypes are the kinds of channel the program can deliver through.
// A "robot" channel sends to each message's own webhook address (an
// enterprise's, from its CSV row), choosing the vendor by the URL's host.
var ChannelTypes = []string{"file", "log", "email", "wecom", "dingtalk", "feishu", "webhook", "robot"}

func (c *Config) validate() error {
	r := &yamlfile.Reporter{File: c.file}
	path := yamlfile.Path

	if c.Plan == "" {
		r.Add("plan", path("plan"), "the plan file is required")
	}
	if c.Templates != "" {
		if fi, err := os.Stat(c.TemplatesPath()); err != nil || !fi.IsDir() {
			r.Add("templates", path("templates"), "template folder %s is not a folder that can be read", c.TemplatesPath())
		}
	}
	if _, _, err := SplitStore(c.Store); err != nil {
		r.Add("store", path("store"), "%v", err)
	}
	if c.HeartbeatURL != "" {
		if u, err := url.Parse(c.HeartbeatURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.Add("heartbeat_url", path("heartbeat_url"), "heartbeat URL must be an absolute http or https URL")
		}
	}
	if c.CatchUp < 0 {
		r.Add("catch_up", path("catch_up"), "catch-up window must not be negative")
	}
	for i, d := range c.Rules.LeadDays {
		if d < 0 || d > 60 {
			r.Add(fmt.Sprintf("rules.lead_days[%d]", i), path("rules", "lead_days", i), "lead day %d outside 0–60", d)
		}
		if i > 0 && d >= c.Rules.LeadDays[i-1] {
			r.Add(fmt.Sprintf("rules.lead_days[%d]", i), path("rules", "lead_days", i), "lead days must be listed from the largest down, without repeats")
		}
	}
	if c.Rules.OverdueEveryDays < 1 {
		r.Add("rules.overdue_every_days", path("rules", "overdue_every_days"), "overdue interval must be at least 1 day")
	}
	for _, j := range []struct{ name, spec string }{
		{"sweep", c.Jobs.Sweep}, {"agenda", c.Jobs.Agenda}, {"digest", c.Jobs.Digest},
		{"quarterly", c.Jobs.Quarterly}, {"deliver", c.Jobs.Deliver},
	} {
		if _, err := ParseSpec(j.spec); err != nil {
			r.Add("jobs."+j.name, path("jobs", j.name), "%v", err)
		}
	}

	if d := c.Delivery; d.MaxAttempts < 1 || d.Batch < 1 || d.BackoffBase <= 0 || d.BackoffMax < d.BackoffBase || d.DrainTimeout <= 0 {
		r.Add("delivery", path("delivery"), "max_attempts and batch must be at least 1, backoff_max at least backoff_base, drain_timeout positive")
	}

	names := map[string]string{}
	for i, ch := range c.Channels {
		field := fmt.Sprintf("channels[%d]", i)
		at := func(k string) []any { return path("channels", i, k) }
		if !nameRE.MatchString(ch.Name) {
			r.Add(field+".name", at("name"), "channel name %q must be lower-case letters, digits and dashes", ch.Name)
		} else if _, dup := names[ch.Name]; dup {
			r.Add(field+".name", at("name"), "duplicate channel %q", ch.Name)
		}
		names[ch.Name] = ch.Type
		for _, inline := range []struct{ key, val string }{{"password", ch.Password}, {"url", ch.URL}, {"secret", ch.Secret}} {
			if inline.val != "" {
				r.Add(field+"."+inline.key, at(inline.key), "secrets are not written in the config: use %s_env or %s_file", inline.key, inline.key)
			}
		}
		switch ch.Type {
		case "file":
			if ch.Dir == "" {
				r.Add(field+".dir", path("channels", i), "a file channel needs dir")
			}
		case "log", "robot":
		case "email":
			if ch.Host == "" {
				r.Add(field+".host", path("channels", i), "an email channel needs host")
			}
			tlsKnown := ch.TLS == "starttls" || ch.TLS == "implicit" || ch.TLS == "none"
			if (ch.Port != 0 || tlsKnown) && (ch.Port < 1 || ch.Port > 65535) {
				r.Add(field+".port", at("port"), "port %d outside 1–65535", ch.Port)
			}
			if ch.TLS != "starttls" && ch.TLS != "implicit" && ch.TLS != "none" {
				r.Add(field+".tls", at("tls"), "tls must be starttls, implicit or none, not %q", ch.TLS)
			}
			if ch.From == "" {
				r.Add(field+".from", path("channels", i), "an email channel needs from")
			} else if _, err := mail.ParseAddress(ch.From); err != nil {
				r.Add(field+".from", at("from"), "bad sender address %q", ch.From)
			}
			if ch.PasswordEnv != "" && ch.PasswordFile != "" {
				r.Add(field+".password_env", at("password_env"), "give password_env or password_file, not both")
			}
			if strings.ContainsAny(ch.FromName, "\r\n") {
				r.Add(field+".from_name", at("from_name"), "sender name must be one line")
			}
		case "wecom", "dingtalk", "feishu", "webhook":
			if (ch.URLEnv == "") == (ch.URLFile == "") {
				r.Add(field+".url_env", path("channels", i), "a %s channel needs url_env or url_file (the URL holds its token)", ch.Type)
			}
			if ch.SecretEnv != "" && ch.SecretFile != "" {
				r.Add(field+".secret_env", at("secret_env"), "give secret_env or secret_file, not both")
			}
		default:
			r.Add(field+".type", at("type"), "unknown channel type %q (want one of %s)", ch.Type, strings.Join(ChannelTypes, ", "))
		}
	}

	checkContacts := func(field string, at []any, rc Recipient) {
		for j, ct := range rc.Contacts {
			f := fmt.Sprintf("%s.contacts[%d]", field, j)
			p := append(append([]any{}, at...), "contacts", j)
			typ, ok := names[ct.Channel]
			if !ok {
				r.Add(f+".channel", append(p, "channel"), "unknown channel %q", ct.Channel)
				continue
			}
			if typ == "email" || typ == "file" {
				if ct.Address == "" {
					r.Add(f+".address", p, "a %s contact needs an e-mail address", typ)
				} else if err := CheckEmail(ct.Address); err != nil {
					r.Add(f+".address", append(p, "address"), "%v", err)
				}
			}
		}
	}
	checkContacts("office", path("office"), c.Office)
	seen := map[string]bool{}
	for i, s := range c.Sections {
		field := fmt.Sprintf("sections[%d]", i)
		if seen[s.ID] {
			r.Add(field+".id", path("sections", i, "id"), "duplicate section %q", s.ID)
		}
		seen[s.ID] = true
		checkContacts(field, path("sections", i), s.Recipient)
	}
	for _, e := range []struct{ key, name string }{{"email", c.Enterprises.Email}, {"robot", c.Enterprises.Robot}} {
		if e.name == "" {
			continue
		}
		typ, ok := names[e.name]
		switch {
		case !ok:
			r.Add("enterprises."+e.key, path("enterprises", e.key), "unknown channel %q", e.name)
		case e.key == "robot" && typ != "robot":
			r.Add("enterprises.robot", path("enterprises", "robot"), "channel %q is a %s channel: enterprises' own webhooks need a channel of type robot", e.name, typ)
		case e.key == "email" && typ != "email" && typ != "file" && typ != "log":
			r.Add("enterprises.email", path("enterprises", "email"), "channel %q is a %s channel, not email, file or log", e.name, typ)
		}
	}
	return r.Problems.Err()
}

// CheckPlan checks the config against the plan it names: every section it
// gives contacts for must be one of the plan's, and when working days are on
// the holiday data must cover the plan's year and the January after it.
func (c *Config) CheckPlan(p *plan.Plan, covers func(year int) bool) error {
	r := &yamlfile.Reporter{File: c.file}
	for i, s := range c.Sections {
		if _, ok := p.Section(s.ID); !ok {
			r.Add(fmt.Sprintf("sections[%d].id", i), yamlfile.Path("sections", i, "id"), "unknown section %q (the plan %s has no such section)", s.ID, p.File)
		}
	}
	if c.WorkingDays {
		for _, y := range []int{p.Year, p.Year + 1} {
			if !covers(y) {
				r.Add("working_days", yamlfile.Path("working_days"), "working days are on, but the holiday data does not cover %d", y)
			}
		}
	}
	return r.Problems.Err()
}

// TemplatesPath is the template folder, resolved against the config's folder.
func (c *Config) TemplatesPath() string { return c.Resolve(c.Templates) }

// PlanPath is the plan file, resolved against the config's folder.
func (c *Config) PlanPath() string { return c.Resolve(c.Plan) }

// Resolve makes a relative path in the config relative to its folder.
func (c *Config) Resolve(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Dir, p)
}

// Channel returns the named channel.
func (c *Config) Channel(name string) (*Channel, bool) {
	for i := range c.Channels {
		if c.Channels[i].Name == name {
			return &c.Channels[i], true
		}
	}
	return nil, false
}

// SectionContacts returns the contacts given for a section, if any.
func (c *Config) SectionContacts(id string) []Contact {
	for _, s := range c.Sections {
		if s.ID == id {
			return s.Contacts
		}
	}
	return nil
}

// ParseSpec parses a five-field cron spec (minute first) or a descriptor
// such as @daily. Six-field specs with seconds are refused.
func ParseSpec(spec string) (cron.Schedule, error) {
	if spec == "" {
		return nil, fmt.Errorf("cron spec is empty")
	}
	if !strings.HasPrefix(spec, "@") && len(strings.Fields(spec)) != 5 {
		return nil, fmt.Errorf("cron spec %q must have five fields (minute hour day month weekday)", spec)
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("bad cron spec %q: %v", spec, err)
	}
	return s, nil
}

// SplitStore splits a DRIVER:DSN store address and checks the driver.
func SplitStore(s string) (driver, dsn string, err error) {
	driver, dsn, ok := strings.Cut(s, ":")
	if !ok || dsn == "" {
		return "", "", fmt.Errorf("store %q must be DRIVER:DSN, such as sqlite:/var/lib/remindd/remindd.db", s)
	}
	if driver != "sqlite" && driver != "mysql" {
		return "", "", fmt.Errorf("store driver %q must be sqlite or mysql", driver)
	}
	return driver, dsn, nil
}

// CheckEmail validates a bare e-mail address.
func CheckEmail(addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return fmt.Errorf("bad e-mail address %q", addr)
	}
	return nil
}

// Secret reads a secret from the environment variable or file named. A file
// path may use environment variables, such as
// ${CREDENTIALS_DIRECTORY}/smtp-password for a systemd credential.
func Secret(envName, file string) (string, error) {
	file = os.ExpandEnv(file)
	switch {
	case envName != "":
		v, ok := os.LookupEnv(envName)
		if !ok || v == "" {
			return "", fmt.Errorf("environment variable %s is not set", envName)
		}
		return v, nil
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	return "", nil
}
