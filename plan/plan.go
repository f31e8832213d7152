// Package plan holds a yearly work plan as data: its tasks, phases, sectors
// with their yearly targets, cumulative milestones and reporting duties, loaded
// from a YAML file and validated. It knows nothing of reminders.
package plan

import (
	"fmt"
	"slices"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/remindd/remindd/internal/yamlfile"
)

// Plan is one year's plan, as encoded in a plan file.
type Plan struct {
	ID                 string      `yaml:"id"`
	Year               int         `yaml:"year"`
	Timezone           string      `yaml:"timezone"`
	Document           Document    `yaml:"document"`
	Metrics            []Metric    `yaml:"metrics"`
	SizeClasses        []string    `yaml:"size_classes"`
	DemoPostKinds      []string    `yaml:"demo_post_kinds"`
	Trades             []string    `yaml:"trades"`
	Roles              []Role      `yaml:"roles"`
	Sections           []Section   `yaml:"sections"`
	Office             Section     `yaml:"office"`
	DefaultResponsible string      `yaml:"default_responsible"`
	DefaultOwners      []string    `yaml:"default_owners"`
	Phases             []Phase     `yaml:"phases"`
	Sectors            []Sector    `yaml:"sectors"`
	Milestones         []Milestone `yaml:"milestones"`
	Reporting          Reporting   `yaml:"reporting"`
	Tasks              []Task      `yaml:"tasks"`

	// Location is Timezone loaded; set by Load.
	Location *time.Location `yaml:"-"`
	// File is the path the plan was read from.
	File string `yaml:"-"`

	tasks map[int]*Task
}

// Document identifies the source document.
type Document struct {
	Number string `yaml:"number"`
	Title  string `yaml:"title"`
	Issued Date   `yaml:"issued"`
	Issuer string `yaml:"issuer"`
}

// Metric is a kind of achievement counted against yearly targets.
type Metric struct {
	ID   string `yaml:"id" json:"id"`
	Name string `yaml:"name" json:"name"`
	Unit string `yaml:"unit" json:"unit"`
}

// Role is what the bureau has chosen an enterprise for (标杆培育对象 …): the
// names a roster's roles column may hold and an audience may address.
type Role struct {
	Name string `yaml:"name" json:"name"`
	// Text says who holds the role, in the plan's words.
	Text string `yaml:"text" json:"text"`
}

// Section is a body that can own tasks: a business section of the bureau, the
// office, or an outside body (External) such as the county-level bureaus.
type Section struct {
	ID       string `yaml:"id" json:"id"`
	Name     string `yaml:"name" json:"name"`
	External bool   `yaml:"external" json:"external,omitempty"`
}

// Phase is one of the plan's stages.
type Phase struct {
	N            int    `yaml:"n"`
	Name         string `yaml:"name"`
	Ends         Date   `yaml:"ends"`
	DeadlineText string `yaml:"deadline_text"`
	Text         string `yaml:"text"`
}

// Sector is a trade with yearly targets and the sections responsible for it.
type Sector struct {
	ID          string         `yaml:"id"`
	Name        string         `yaml:"name"`
	Responsible string         `yaml:"responsible"`
	Sections    []string       `yaml:"sections"`
	Targets     map[string]int `yaml:"targets"`
}

// Milestone is a cumulative target: by the end of its task's month, Percent
// of each sector's yearly target for Metric must be achieved. Percent is a
// whole number, 1–100: a plan file that writes a fraction (99.9) is refused,
// not truncated.
type Milestone struct {
	Task    int    `yaml:"task"`
	Metric  string `yaml:"metric"`
	Percent int    `yaml:"percent"`
}

// Required is the count a sector must have reached: ceil(percent × target).
func (m Milestone) Required(target int) int {
	return (m.Percent*target + 99) / 100
}

// Reporting is the plan's reporting duty.
type Reporting struct {
	To      string      `yaml:"to" json:"to"`
	Monthly []Report    `yaml:"monthly" json:"monthly"`
	YearEnd YearEndDuty `yaml:"year_end" json:"year_end"`
}

// Report is a monthly report due by DueDay of the following month.
type Report struct {
	ID     string `yaml:"id" json:"id"`
	Name   string `yaml:"name" json:"name"`
	DueDay int    `yaml:"due_day" json:"due_day"`
	Text   string `yaml:"text" json:"text"`
	// Note says, once, how the document's own words name the report
	// where they differ from its headings (附件5、6 for 附件4/附件5).
	Note string `yaml:"note" json:"note,omitempty"`
}

// YearEndDuty is the year-end summary.
type YearEndDuty struct {
	Due  Date   `yaml:"due" json:"due"`
	To   string `yaml:"to" json:"to"`
	Text string `yaml:"text" json:"text"`
}

// Task is one numbered task of the plan.
type Task struct {
	N     int    `yaml:"n"`
	Month int    `yaml:"month"`
	Phase int    `yaml:"phase"`
	Text  string `yaml:"text"`
	// Short is the task's title in a few words, for lists on a phone.
	Short       string    `yaml:"short"`
	Responsible string    `yaml:"responsible"`
	Owners      []string  `yaml:"owners"`
	Enterprises *Audience `yaml:"enterprises"`
	Cycle       *Cycle    `yaml:"cycle"`
}

// TextFor is what task t asks of its reader: to an enterprise, the
// enterprise's own action when the plan gives one; otherwise the task's text.
func (t *Task) TextFor(enterprise bool) string {
	if enterprise && t.Enterprises != nil && t.Enterprises.Action != "" {
		return t.Enterprises.Action
	}
	return t.Text
}

// Audience narrows which enterprises a task directs. An audience without
// sizes, trades or roles means every enterprise. Sizes and Trades take in an
// enterprise whose size class is in Sizes or that carries one of Trades;
// Roles, when set, means only enterprises holding one of them, and sizes or
// trades given too narrow those further.
type Audience struct {
	Sizes  []string `yaml:"sizes"`
	Trades []string `yaml:"trades"`
	// Roles narrows the audience to enterprises holding one of these
	// roles (标杆培育对象 …), each one of the plan's Roles.
	Roles []string `yaml:"roles"`
	// Action is what the enterprise itself must do, in the plan's words
	// (task 44: 完成管理达标), as the enterprise's messages say it.
	Action string `yaml:"action"`
}

// Matches reports whether an enterprise of the given size class, trades and
// roles is meant by the audience. A nil audience (a task that is the
// sections' own work) means none.
func (a *Audience) Matches(size string, trades, roles []string) bool {
	if a == nil {
		return false
	}
	if len(a.Roles) > 0 && !anyIn(a.Roles, roles) {
		return false
	}
	if len(a.Sizes) == 0 && len(a.Trades) == 0 {
		return true
	}
	return slices.Contains(a.Sizes, size) || anyIn(a.Trades, trades)
}

// anyIn reports whether want and have share an element.
func anyIn(want, have []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

// Cycle marks a task as one round of a recurring duty.
type Cycle struct {
	Kind  string `yaml:"kind" json:"kind"`
	Round int    `yaml:"round" json:"round"`
}

// Task returns task n.
func (p *Plan) Task(n int) (*Task, bool) {
	t, ok := p.tasks[n]
	return t, ok
}

// RoleNames returns the names of the plan's roles, in the plan's order: what
// a roster's roles column may hold.
func (p *Plan) RoleNames() []string {
	names := make([]string, len(p.Roles))
	for i, r := range p.Roles {
		names[i] = r.Name
	}
	return names
}

// Section returns the section with the given id.
func (p *Plan) Section(id string) (*Section, bool) {
	for i := range p.Sections {
		if p.Sections[i].ID == id {
			return &p.Sections[i], true
		}
	}
	return nil, false
}

// Sector returns the sector with the given id.
func (p *Plan) Sector(id string) (*Sector, bool) {
	for i := range p.Sectors {
		if p.Sectors[i].ID == id {
			return &p.Sectors[i], true
		}
	}
	return nil, false
}

// Metric returns the metric with the given id.
func (p *Plan) Metric(id string) (*Metric, bool) {
	for i := range p.Metrics {
		if p.Metrics[i].ID == id {
			return &p.Metrics[i], true
		}
	}
	return nil, false
}

// Due is the last instant of a month of the plan's year, in its time zone:
// the deadline of every task listed under that month.
func (p *Plan) Due(month int) time.Time {
	first := time.Date(p.Year, time.Month(month)+1, 1, 0, 0, 0, 0, p.Location)
	return first.Add(-time.Second)
}

// DueDate is the calendar date of Due(month).
func (p *Plan) DueDate(month int) Date {
	return DateOf(p.Due(month))
}

// Begins is the plan's first day: 1 January of its year. With Ends it bounds
// the plan's days, on which its reminders go out.
func (p *Plan) Begins() Date {
	return Date{Year: p.Year, Month: time.January, Day: 1}
}

// Ends is the plan's last day: its year-end report's deadline, or the last
// day of its year. No reminder is due after it; a new year's plan takes over.
func (p *Plan) Ends() Date {
	if d := p.Reporting.YearEnd.Due; !d.IsZero() {
		return d
	}
	return Date{Year: p.Year, Month: time.December, Day: 31}
}

// OwnersOf returns the sections that own task t.
func (p *Plan) OwnersOf(t *Task) []string {
	if len(t.Owners) > 0 {
		return t.Owners
	}
	return p.DefaultOwners
}

// ResponsibleOf returns the task's 责任主体 text.
func (p *Plan) ResponsibleOf(t *Task) string {
	if t.Responsible != "" {
		return t.Responsible
	}
	return p.DefaultResponsible
}

// SectorsOf returns the sectors a section is responsible for.
func (p *Plan) SectorsOf(section string) []*Sector {
	var out []*Sector
	for i := range p.Sectors {
		for _, s := range p.Sectors[i].Sections {
			if s == section {
				out = append(out, &p.Sectors[i])
				break
			}
		}
	}
	return out
}

// Date is a calendar date without a time of day or zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf is the calendar date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// UnmarshalYAML reads a YYYY-MM-DD scalar.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	v, err := ParseDate(n.Value)
	if err != nil {
		return yamlfile.Invalid(n, "%v", err)
	}
	*d = v
	return nil
}

// UnmarshalText reads YYYY-MM-DD (JSON).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalText writes YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// IsZero reports whether d is the zero date.
func (d Date) IsZero() bool { return d == Date{} }

// In returns midnight of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns d moved by n calendar days.
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 0, 0, 0, 0, time.UTC))
}

// DaysUntil counts calendar days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int {
	a := time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC)
	b := time.Date(e.Year, e.Month, e.Day, 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a).Hours() / 24)
}

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.DaysUntil(e) > 0 }

// Weekday is d's day of the week.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC).Weekday()
}
