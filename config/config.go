// Package config reads the operator's configuration file: which plan to
// follow, where the store is, when the jobs run, the reminder rules' numbers,
// the delivery channels and each recipient's contacts. It validates the file
// in one pass, naming file, line and field for every problem.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/robfig/cron/v3"
	"go.yaml.in/yaml/v3"

	"github.com/remindd/remindd/internal/yamlfile"
	"github.com/remindd/remindd/plan"
)

// DefaultPath is where the service looks for its configuration.
const DefaultPath = "/etc/remindd/config.yaml"

// Config is the operator's configuration.
type Config struct {
	Plan  string `yaml:"plan"`
	Store string `yaml:"store"`
	// StorePasswordEnv or StorePasswordFile names where a MySQL store's
	// password is read: it is never written in Store (every reader of the
	// file, or of ps for --store, would see it).
	StorePasswordEnv  string      `yaml:"store_password_env"`
	StorePasswordFile string      `yaml:"store_password_file"`
	WorkingDays       bool        `yaml:"working_days"`
	CatchUp           Duration    `yaml:"catch_up"`
	Rules             Rules       `yaml:"rules"`
	Jobs              Jobs        `yaml:"jobs"`
	Channels          []Channel   `yaml:"channels"`
	Office            Office      `yaml:"office"`
	Sections          []Section   `yaml:"sections"`
	Enterprises       Enterprises `yaml:"enterprises"`
	Delivery          Delivery    `yaml:"delivery"`
	// Templates is a folder whose templates replace the embedded ones of
	// the same name.
	Templates string `yaml:"templates"`
	// HeartbeatURL, when set, is fetched (GET) after each successful daily
	// sweep of `remindd run`, so that an outside monitor (a dead man's
	// switch such as healthchecks.io) notices when reminders stop.
	HeartbeatURL string `yaml:"heartbeat_url"`
	// Web is the desk and the personal links; nil (no web: block) means
	// neither.
	Web *Web `yaml:"web"`

	// File is the path the config was read from; Dir its folder, against
	// which relative paths in it are resolved.
	File string `yaml:"-"`
	Dir  string `yaml:"-"`

	file *yamlfile.File
	// storePassword is the store's password, read at Load; a pointer, so
	// that printing a Config with %+v shows an address, not the secret.
	storePassword *storeSecret
}

type storeSecret struct{ password string }

// Rules holds the reminder rules' numbers.
type Rules struct {
	// LeadDays are the days before a deadline on which a reminder goes out.
	LeadDays []int `yaml:"lead_days"`
	// OverdueEveryDays is the interval of repeats after a deadline.
	OverdueEveryDays int `yaml:"overdue_every_days"`
	// EscalateAfterDays is how long an item is overdue before it turns
	// red and is copied to the section's leader_contacts (催办).
	EscalateAfterDays int `yaml:"escalate_after_days"`
	// EscalateMax caps how many times a section's leaders are sent one
	// stretch of red items (once a week).
	EscalateMax int `yaml:"escalate_max"`
	// MaxItems is how many items a morning message lists in full; the
	// rest are counted, with the link to all of them.
	MaxItems int `yaml:"max_items"`
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

// Section gives a plan section's contacts and the telephone number its
// enterprises are told to call.
type Section struct {
	ID    string `yaml:"id"`
	Phone string `yaml:"phone"`
	// Contact is the person who answers Phone, as enterprises are told.
	Contact string `yaml:"contact"`
	// LeaderContacts are the section's leaders (分管领导): red items are
	// copied to them.
	LeaderContacts []Contact `yaml:"leader_contacts"`
	Recipient      `yaml:",inline"`
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
				return yamlfile.Invalid(n, "%q is outside 0–36500 days", s)
			}
			*d = Duration(time.Duration(v) * 24 * time.Hour)
			return nil
		}
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return yamlfile.Invalid(n, "%q is not a duration such as 168h or 7d", s)
	}
	*d = Duration(v)
	return nil
}

// The catch-up window's bounds. A job runs when a wake-up finds its time in
// (wake-up − window, wake-up]; the daemon wakes a moment after each job's
// time, so a window under a minute would skip jobs it is awake for, and no
// wake-up needs to look back further than a plan's year.
const (
	MinCatchUp = Duration(time.Minute)
	MaxCatchUp = Duration(366 * 24 * time.Hour)
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
		for _, p := range c.Channels[i].paths() {
			if *p != "" && !strings.HasPrefix(*p, "$") {
				*p = c.Resolve(*p)
			}
		}
	}
	if p := c.StorePasswordFile; p != "" && !strings.HasPrefix(p, "$") {
		c.StorePasswordFile = c.Resolve(p)
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

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
	c.checkStore(r)
	c.checkWeb(r)
	if c.HeartbeatURL != "" {
		if u, err := url.Parse(c.HeartbeatURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.Add("heartbeat_url", path("heartbeat_url"), "heartbeat URL must be an absolute http or https URL")
		}
	}
	switch {
	case c.CatchUp < 0:
		r.Add("catch_up", path("catch_up"), "catch-up window must not be negative")
	case c.CatchUp < MinCatchUp:
		r.Add("catch_up", path("catch_up"), "catch-up window %v is under a minute: the daemon wakes a moment after each job's time and would skip the job; write 1m to run jobs on time only, with no catch-up after downtime",
			time.Duration(c.CatchUp))
	case c.CatchUp > MaxCatchUp:
		r.Add("catch_up", path("catch_up"), "catch-up window %v is over 366 days: a wake-up never needs to look back further than a plan's year",
			time.Duration(c.CatchUp))
	}
	if len(c.Rules.LeadDays) == 0 {
		// The rules remind at the first lead day and send the milestones'
		// warnings at theirs: with none there is no reminder before any
		// deadline, which no plan wants.
		var def []string
		for _, d := range Default().Rules.LeadDays {
			def = append(def, strconv.Itoa(d))
		}
		r.Add("rules.lead_days", path("rules", "lead_days"), "no lead days: give at least one (0 reminds on the deadline's day), or leave the key out for %s",
			strings.Join(def, ", "))
	}
	for i, d := range c.Rules.LeadDays {
		if d < 0 || d > 60 {
			r.Add(fmt.Sprintf("rules.lead_days[%d]", i), path("rules", "lead_days", i), "lead day %d outside 0–60", d)
		}
		if i > 0 && d >= c.Rules.LeadDays[i-1] {
			r.Add(fmt.Sprintf("rules.lead_days[%d]", i), path("rules", "lead_days", i), "lead days must be listed from the largest down, without repeats")
		}
	}
	if c.Rules.EscalateAfterDays < 1 {
		r.Add("rules.escalate_after_days", path("rules", "escalate_after_days"), "escalation must wait at least 1 day after the deadline")
	}
	if c.Rules.EscalateMax < 0 {
		r.Add("rules.escalate_max", path("rules", "escalate_max"), "escalate_max must not be negative (0 copies nothing to the leaders)")
	}
	if c.Rules.MaxItems < 1 || c.Rules.MaxItems > 50 {
		r.Add("rules.max_items", path("rules", "max_items"), "max_items %d outside 1–50", c.Rules.MaxItems)
	}
	if c.Rules.OverdueEveryDays < 1 {
		r.Add("rules.overdue_every_days", path("rules", "overdue_every_days"), "overdue interval must be at least 1 day")
	}
	for _, j := range c.jobSpecs() {
		if _, err := ParseSpec(j.spec); err != nil {
			r.Add("jobs."+j.name, path("jobs", j.name), "%v", err)
		}
	}

	if d := c.Delivery; d.MaxAttempts < 1 || d.Batch < 1 || d.BackoffBase <= 0 || d.BackoffMax < d.BackoffBase || d.DrainTimeout <= 0 {
		r.Add("delivery", path("delivery"), "max_attempts and batch must be at least 1, backoff_max at least backoff_base, drain_timeout positive")
	}

	names := map[string]string{}
	for i := range c.Channels {
		ch := &c.Channels[i]
		field := fmt.Sprintf("channels[%d]", i)
		at := func(k string) []any { return path("channels", i, k) }
		if !nameRE.MatchString(ch.Name) {
			r.Add(field+".name", at("name"), "channel name %q must be lower-case letters, digits and dashes", ch.Name)
		} else if _, dup := names[ch.Name]; dup {
			r.Add(field+".name", at("name"), "duplicate channel %q", ch.Name)
		}
		names[ch.Name] = ch.Type
		ch.check(func(key, format string, args ...any) {
			r.Add(field+"."+key, at(key), format, args...)
		})
	}

	checkList := func(field string, at []any, key string, cs []Contact) {
		for j, ct := range cs {
			f := fmt.Sprintf("%s.%s[%d]", field, key, j)
			p := append(append([]any{}, at...), key, j)
			typ, ok := names[ct.Channel]
			if !ok {
				r.Add(f+".channel", append(p, "channel"), "unknown channel %q", ct.Channel)
				continue
			}
			if k, _ := KindOf(typ); k.Contact == EmailAddress {
				if ct.Address == "" {
					r.Add(f+".address", p, "a %s contact needs an e-mail address", typ)
				} else if err := CheckEmail(ct.Address); err != nil {
					r.Add(f+".address", append(p, "address"), "%v", err)
				}
			}
		}
	}
	checkContacts := func(field string, at []any, rc Recipient) { checkList(field, at, "contacts", rc.Contacts) }
	checkContacts("office", path("office"), c.Office.Recipient)
	seen := map[string]bool{}
	for i, s := range c.Sections {
		field := fmt.Sprintf("sections[%d]", i)
		if seen[s.ID] {
			r.Add(field+".id", path("sections", i, "id"), "duplicate section %q", s.ID)
		}
		seen[s.ID] = true
		checkContacts(field, path("sections", i), s.Recipient)
		checkList(field, path("sections", i), "leader_contacts", s.LeaderContacts)
	}
	for _, e := range []struct{ key, name string }{{"email", c.Enterprises.Email}, {"robot", c.Enterprises.Robot}} {
		if e.name == "" {
			continue
		}
		typ, ok := names[e.name]
		k, known := KindOf(typ)
		switch {
		case !ok:
			r.Add("enterprises."+e.key, path("enterprises", e.key), "unknown channel %q", e.name)
		case !known || k.Enterprises == e.key: // an unknown type is refused at the channel
		case e.key == "robot":
			r.Add("enterprises.robot", path("enterprises", "robot"), "channel %q is a %s channel: enterprises' own webhooks need a channel of type %s", e.name, typ, orList(kindsFor("robot")))
		default:
			r.Add("enterprises."+e.key, path("enterprises", e.key), "channel %q is a %s channel, not %s", e.name, typ, orList(kindsFor(e.key)))
		}
	}
	return r.Problems.Err()
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// CheckPlan checks the config against the plan it names: every section it
// gives contacts for must be one of the plan's, every job's cron spec must
// fire on one of the plan's days, and when working days are on the holiday
// data must cover the plan's year and the January after it.
func (c *Config) CheckPlan(p *plan.Plan, covers func(year int) bool) error {
	r := &yamlfile.Reporter{File: c.file}
	for _, j := range c.jobSpecs() {
		if !firesWithin(j.spec, p) {
			r.Add("jobs."+j.name, yamlfile.Path("jobs", j.name), "cron spec %q never fires on the plan's days, %s to %s (in %s)",
				j.spec, p.Begins(), p.Ends(), p.Location)
		}
	}
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

type jobSpec struct{ name, spec string }

func (c *Config) jobSpecs() []jobSpec {
	return []jobSpec{
		{"sweep", c.Jobs.Sweep}, {"agenda", c.Jobs.Agenda}, {"digest", c.Jobs.Digest},
		{"quarterly", c.Jobs.Quarterly}, {"deliver", c.Jobs.Deliver},
	}
}

// firesWithin reports whether spec, in the plan's time zone, fires on one of
// the plan's days: a job whose times all fall outside them never runs while
// the plan is followed (after its last day nothing more is sent). A spec that
// does not parse is reported by validate, not here.
func firesWithin(spec string, p *plan.Plan) bool {
	s, err := ParseSpec(spec)
	if err != nil {
		return true
	}
	if ss, ok := s.(*cron.SpecSchedule); ok {
		ss.Location = p.Location
	}
	begin := p.Begins().In(p.Location)
	end := p.Ends().AddDays(1).In(p.Location)
	n := s.Next(begin.Add(-time.Second)) // Next is strictly after its argument
	return !n.IsZero() && n.Before(end)
}

// CheckFolders checks that every file channel can write its folder, and
// that the web desk's key, when it is not created yet, can be: it creates
// and removes a file there or, when the folder does not exist yet (the
// channel or the key creates it), in the nearest folder above it that does.
func (c *Config) CheckFolders() error {
	r := &yamlfile.Reporter{File: c.file}
	for i, ch := range c.Channels {
		if ch.Type != "file" || ch.Dir == "" {
			continue
		}
		if err := writable(ch.Dir); err != nil {
			r.Add(fmt.Sprintf("channels[%d].dir", i), yamlfile.Path("channels", i, "dir"), "file channel %s cannot write its folder: %v", ch.Name, err)
		}
	}
	if w := c.Web; w != nil && w.SecretFile != "" {
		if _, err := os.Stat(w.SecretFile); errors.Is(err, os.ErrNotExist) {
			if err := writable(filepath.Dir(w.SecretFile)); err != nil {
				r.Add("web.secret_file", yamlfile.Path("web", "secret_file"), "key %s does not exist yet and cannot be created: %v", w.SecretFile, err)
			}
		}
	}
	return r.Problems.Err()
}

// writable creates and removes a file in dir or, when dir does not exist, in
// its nearest existing ancestor, which must be a folder.
func writable(dir string) error {
	d := filepath.Clean(dir)
	for {
		fi, err := os.Stat(d)
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			up := filepath.Dir(d)
			if up == d {
				return err
			}
			d = up
			continue
		}
		if err != nil {
			return err
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s is not a folder", d)
		}
		break
	}
	f, err := os.CreateTemp(d, ".remindd-check-*")
	if err != nil {
		return err
	}
	name := f.Name()
	return errors.Join(f.Close(), os.Remove(name))
}

// Problem is err reported at a field of the config file, for checks made
// outside this package (the templates, the channels, the store).
func (c *Config) Problem(field string, err error, path ...any) yamlfile.Problem {
	return yamlfile.Problem{File: c.File, Line: c.file.Line(path...), Field: field, Msg: err.Error()}
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

// ParseSpec parses a five-field cron spec, minute first. Six-field specs
// with seconds, descriptors such as @daily or @every 1h and time zone
// prefixes (jobs run in the plan's zone) are refused.
func ParseSpec(spec string) (cron.Schedule, error) {
	if spec == "" {
		return nil, fmt.Errorf("cron spec is empty")
	}
	if strings.HasPrefix(strings.TrimSpace(spec), "@") {
		return nil, fmt.Errorf("cron spec %q: descriptors such as @daily or @every are not accepted: write five fields, minute first (minute hour day month weekday), such as \"0 9 * * *\"", spec)
	}
	if f := strings.Fields(spec); len(f) > 0 && (strings.HasPrefix(f[0], "TZ=") || strings.HasPrefix(f[0], "CRON_TZ=")) {
		return nil, fmt.Errorf("cron spec %q: a time zone prefix is not accepted: jobs run in the plan's time zone", spec)
	}
	if len(strings.Fields(spec)) != 5 {
		return nil, fmt.Errorf("cron spec %q must have five fields (minute hour day month weekday)", spec)
	}
	s, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("bad cron spec %q: %v", spec, err)
	}
	return s, nil
}

// SplitStore splits a DRIVER:DSN store address and checks the driver and,
// for MySQL, that the driver can parse the DSN. Its errors never show a
// password.
func SplitStore(s string) (driver, dsn string, err error) {
	driver, dsn, ok := strings.Cut(s, ":")
	if !ok || dsn == "" {
		return "", "", fmt.Errorf("store %q must be DRIVER:DSN, such as sqlite:/var/lib/remindd/remindd.db", s)
	}
	switch driver {
	case "sqlite":
	case "mysql":
		if _, err := mysql.ParseDSN(dsn); err != nil {
			// The driver's messages name what is wrong, never the DSN.
			return "", "", fmt.Errorf("the MySQL driver refuses the DSN: %v (see https://github.com/go-sql-driver/mysql#dsn-data-source-name)", err)
		}
	default:
		return "", "", fmt.Errorf("store driver %q must be sqlite or mysql", driver)
	}
	return driver, dsn, nil
}

// StoreHasPassword reports whether a MySQL store address holds a password.
func StoreHasPassword(addr string) bool {
	driver, dsn, err := SplitStore(addr)
	if err != nil || driver != "mysql" {
		return false
	}
	cfg, err := mysql.ParseDSN(dsn)
	return err == nil && cfg.Passwd != ""
}

// checkStore checks the store address and reads the store's password.
func (c *Config) checkStore(r *yamlfile.Reporter) {
	path := yamlfile.Path
	driver, dsn, err := SplitStore(c.Store)
	if err != nil {
		r.Add("store", path("store"), "%v", err)
	}
	var user string
	if driver == "mysql" {
		cfg, _ := mysql.ParseDSN(dsn) // SplitStore parsed it
		if cfg.Passwd != "" {
			r.Add("store", path("store"), "a password is not written in the config: leave it out of the DSN and use store_password_env or store_password_file")
		}
		user = cfg.User
	}
	field := "store_password_env"
	if c.StorePasswordEnv == "" {
		field = "store_password_file"
	}
	switch {
	case c.StorePasswordEnv == "" && c.StorePasswordFile == "":
		return
	case c.StorePasswordEnv != "" && c.StorePasswordFile != "":
		r.Add("store_password_env", path("store_password_env"), "give store_password_env or store_password_file, not both")
		return
	case err != nil:
		return
	case driver != "mysql":
		r.Add(field, path(field), "a %s store has no password: %s is for a mysql store", driver, field)
		return
	case user == "":
		r.Add(field, path(field), "the store's DSN names no user for the password: write user@tcp(host:port)/database")
		return
	}
	pw, problem := readSecret("store password", c.StorePasswordEnv, c.StorePasswordFile)
	if problem != "" {
		r.Add(field, path(field), "%s", problem)
		return
	}
	c.storePassword = &storeSecret{pw}
}

// OpenAddress is addr, a store address without a password, ready to open:
// a MySQL DSN gets the password from store_password_env or
// store_password_file, when the config names one. The result holds a
// secret: never print it; print MaskStore(addr).
func (c *Config) OpenAddress(addr string) string {
	if c.storePassword == nil {
		return addr
	}
	dsn, ok := strings.CutPrefix(addr, "mysql:")
	if !ok {
		return addr
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil || cfg.User == "" {
		return addr // refused when the address was checked
	}
	cfg.Passwd = c.storePassword.password
	return "mysql:" + cfg.FormatDSN()
}

// MaskStore is a store address fit to print: a MySQL DSN's password, if it
// has one, is replaced by "****".
func MaskStore(addr string) string {
	dsn, ok := strings.CutPrefix(addr, "mysql:")
	if !ok {
		return addr
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return "mysql:(a DSN the driver refuses)"
	}
	if cfg.Passwd != "" {
		cfg.Passwd = "****"
	}
	return "mysql:" + cfg.FormatDSN()
}

// CheckEmail validates a bare e-mail address.
func CheckEmail(addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return fmt.Errorf("bad e-mail address %q", addr)
	}
	return nil
}
