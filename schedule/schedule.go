// Package schedule decides who is reminded of what: given the plan, the
// configuration, a snapshot of what is done and an instant, it returns the
// notifications due, each with a dedup key. It reads no clock and writes
// nothing; the same inputs always give the same notifications.
package schedule

import (
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"remindd/config"
	"remindd/plan"
	"remindd/workday"
)

// Rule names a kind of reminder.
type Rule string

// The rules, in the order their notifications are listed.
const (
	Agenda    Rule = "agenda"
	Lead      Rule = "lead"
	Overdue   Rule = "overdue"
	Milestone Rule = "milestone"
	Digest    Rule = "digest"
	Quarterly Rule = "quarterly"
)

var ruleOrder = map[Rule]int{Agenda: 0, Lead: 1, Overdue: 2, Milestone: 3, Digest: 4, Quarterly: 5}

// Recipient kinds.
const (
	KindSection    = "section"
	KindEnterprise = "enterprise"
	KindOffice     = "office"
)

// Recipient is who a notification is for.
type Recipient struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

func (r Recipient) String() string { return r.Kind + ":" + r.ID }

// Notification is one message to one recipient on one channel.
type Notification struct {
	Key       string    `json:"key"`
	Rule      Rule      `json:"rule"`
	Recipient Recipient `json:"recipient"`
	// Name is the recipient's name as people know it.
	Name    string    `json:"name"`
	Channel string    `json:"channel"`
	Address string    `json:"address,omitempty"`
	At      time.Time `json:"at"`
	// Tasks are the plan tasks the message is about, ascending.
	Tasks      []int       `json:"tasks"`
	Milestones []Progress  `json:"milestones,omitempty"`
	Digest     *DigestBody `json:"digest,omitempty"`
	// Period names what the message covers, e.g. 2024-06 or 2024-Q2.
	Period string `json:"period,omitempty"`
}

// Items lists the tasks an agenda, lead, overdue or quarterly message is
// about, with their text, deadline and the days left at the message's
// instant; milestone messages and the digest carry their own bodies and
// have none. Items are derived, not stored, so that a sweep over a
// province's enterprises holds task numbers only.
func (n *Notification) Items(p *plan.Plan) []Item {
	if n.Rule == Milestone || n.Rule == Digest {
		return nil
	}
	today := plan.DateOf(n.At.In(p.Location))
	out := make([]Item, 0, len(n.Tasks))
	for _, num := range n.Tasks {
		t, ok := p.Task(num)
		if !ok {
			continue
		}
		due := p.DueDate(t.Month)
		left := today.DaysUntil(due)
		out = append(out, Item{Task: num, Text: t.Text, Due: due, DaysLeft: left, Overdue: left < 0})
	}
	return out
}

// Item is one task in a message, with its deadline.
type Item struct {
	Task int       `json:"task"`
	Text string    `json:"text"`
	Due  plan.Date `json:"due"`
	// DaysLeft counts calendar days from the message's day to the deadline;
	// negative when the deadline has passed.
	DaysLeft int `json:"days_left"`
	// Overdue marks an item listed because its deadline passed.
	Overdue bool `json:"overdue,omitempty"`
}

// Progress is a sector's standing against one milestone.
type Progress struct {
	Task       int       `json:"task"`
	Sector     string    `json:"sector"`
	SectorName string    `json:"sector_name"`
	Metric     string    `json:"metric"`
	MetricName string    `json:"metric_name"`
	Percent    int       `json:"percent"`
	Target     int       `json:"target"`
	Required   int       `json:"required"`
	Achieved   int       `json:"achieved"`
	Due        plan.Date `json:"due"`
}

// Met reports whether the sector reached the milestone.
func (p Progress) Met() bool { return p.Achieved >= p.Required }

// Gap is how many are still missing.
func (p Progress) Gap() int {
	if p.Met() {
		return 0
	}
	return p.Required - p.Achieved
}

// Engine evaluates the rules of one plan under one configuration.
type Engine struct {
	Plan     *plan.Plan
	Config   *config.Config
	Calendar workday.Calendar
}

// New builds an engine; working days follow the config.
func New(p *plan.Plan, c *config.Config) *Engine {
	var cal workday.Calendar = workday.Everyday{}
	if c.WorkingDays {
		cal = workday.China{}
	}
	return &Engine{Plan: p, Config: c, Calendar: cal}
}

// Evaluate returns the notifications the given rules produce at instant at
// against state s, in a stable order; after the plan's last day, none.
func (e *Engine) Evaluate(s *State, at time.Time, rules ...Rule) ([]Notification, error) {
	ev := e.newEvaluation(s, at)
	if e.Plan.Ends().Before(ev.today) {
		return nil, nil // the plan is over
	}
	var out []Notification
	for _, r := range rules {
		var (
			ns  []Notification
			err error
		)
		switch r {
		case Agenda:
			ns, err = ev.agenda()
		case Lead:
			ns, err = ev.lead()
		case Overdue:
			ns, err = ev.overdue()
		case Milestone:
			ns, err = ev.milestone()
		case Digest:
			ns, err = ev.digest()
		case Quarterly:
			ns, err = ev.quarterly()
		default:
			err = fmt.Errorf("unknown rule %q", r)
		}
		if err != nil {
			return nil, fmt.Errorf("rule %s at %s: %w", r, at.Format(time.RFC3339), err)
		}
		out = append(out, ns...)
	}
	Sort(out)
	return out, nil
}

// Sort orders notifications by rule, recipient and channel.
func Sort(ns []Notification) {
	sort.SliceStable(ns, func(i, j int) bool {
		a, b := ns[i], ns[j]
		if ruleOrder[a.Rule] != ruleOrder[b.Rule] {
			return ruleOrder[a.Rule] < ruleOrder[b.Rule]
		}
		if a.Recipient.Kind != b.Recipient.Kind {
			return a.Recipient.Kind < b.Recipient.Kind
		}
		if a.Recipient.ID != b.Recipient.ID {
			return a.Recipient.ID < b.Recipient.ID
		}
		return a.Channel < b.Channel
	})
}

// evaluation is one Evaluate call's working state.
type evaluation struct {
	*Engine
	at    time.Time
	today plan.Date
	view  *view
	// tasks are the plan's tasks by number with their deadlines, computed
	// once: the rules walk them for every enterprise.
	tasks []*taskDue
	// firms caches enterprises(): each rule walks them.
	firms []assignee
}

// taskDue is a task with its deadline and the days left to it from today.
type taskDue struct {
	task *plan.Task
	due  plan.Date
	left int
}

// newEvaluation prepares an evaluation at instant at.
func (e *Engine) newEvaluation(s *State, at time.Time) *evaluation {
	ev := &evaluation{Engine: e, at: at.In(e.Plan.Location), view: newView(s, at, e.Plan.Location)}
	ev.today = plan.DateOf(ev.at)
	ev.tasks = make([]*taskDue, 0, len(e.Plan.Tasks))
	dues := map[int]taskDue{} // by month
	for i := range e.Plan.Tasks {
		t := &e.Plan.Tasks[i]
		d, ok := dues[t.Month]
		if !ok {
			d.due = e.Plan.DueDate(t.Month)
			d.left = ev.today.DaysUntil(d.due)
			dues[t.Month] = d
		}
		ev.tasks = append(ev.tasks, &taskDue{task: t, due: d.due, left: d.left})
	}
	sort.Slice(ev.tasks, func(i, j int) bool { return ev.tasks[i].task.N < ev.tasks[j].task.N })
	return ev
}

// offset is the number of days from today to d.
func (ev *evaluation) offset(d plan.Date) int { return ev.today.DaysUntil(d) }

// message is what a rule decided for one recipient, before it is fanned out
// to the recipient's channels.
type message struct {
	rule       Rule
	to         Recipient
	name       string
	what       string // the key's middle: what and which period or stage
	period     string
	items      []*taskDue
	milestones []Progress
	digest     *DigestBody
}

// send fans a message out to the recipient's contacts, one notification each.
func (ev *evaluation) send(m message, contacts []config.Contact) []Notification {
	tasks := taskNumbers(m)
	var out []Notification
	for _, c := range contacts {
		out = append(out, Notification{
			Key:        strings.Join([]string{string(m.rule), m.to.Kind, m.to.ID, m.what, c.Channel}, ":"),
			Rule:       m.rule,
			Recipient:  m.to,
			Name:       m.name,
			Channel:    c.Channel,
			Address:    c.Address,
			At:         ev.at,
			Tasks:      tasks,
			Milestones: m.milestones,
			Digest:     m.digest,
			Period:     m.period,
		})
	}
	return out
}

func taskNumbers(m message) []int {
	seen := map[int]bool{}
	for _, it := range m.items {
		seen[it.task.N] = true
	}
	for _, p := range m.milestones {
		seen[p.Task] = true
	}
	if m.digest != nil {
		for _, s := range m.digest.Sections {
			for _, n := range s.Overdue {
				seen[n] = true
			}
		}
	}
	out := make([]int, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Ints(out)
	return out
}

// assignee is one party that carries obligations: a configured section or an
// active enterprise, with the contacts its messages go to.
type assignee struct {
	who        Recipient
	name       string
	contacts   []config.Contact
	enterprise *Enterprise
}

// sections lists the plan's sections that have contacts in the config, in
// plan order.
func (ev *evaluation) sections() []assignee {
	var out []assignee
	for _, s := range ev.Plan.Sections {
		cs := ev.Config.SectionContacts(s.ID)
		if len(cs) == 0 {
			continue
		}
		out = append(out, assignee{who: Recipient{KindSection, s.ID}, name: s.Name, contacts: cs})
	}
	return out
}

// enterprises lists active enterprises with their contacts, by credit code.
func (ev *evaluation) enterprises() []assignee {
	if ev.firms != nil {
		return ev.firms
	}
	out := make([]assignee, 0, len(ev.view.enterprises))
	for _, ent := range ev.view.enterprises {
		out = append(out, assignee{
			who:        Recipient{KindEnterprise, ent.ID},
			name:       ent.Name,
			contacts:   ev.enterpriseContacts(ent),
			enterprise: ent,
		})
	}
	ev.firms = out
	return out
}

func (ev *evaluation) enterpriseContacts(ent *Enterprise) []config.Contact {
	var cs []config.Contact
	if ent.Email != "" && ev.Config.Enterprises.Email != "" {
		cs = append(cs, config.Contact{Channel: ev.Config.Enterprises.Email, Address: ent.Email})
	}
	if ent.Webhook != "" && ev.Config.Enterprises.Robot != "" {
		cs = append(cs, config.Contact{Channel: ev.Config.Enterprises.Robot, Address: ent.Webhook})
	}
	return cs
}

// owes reports whether a carries task t.
func (ev *evaluation) owes(a assignee, t *plan.Task) bool {
	if a.enterprise != nil {
		return t.Enterprises.Matches(a.enterprise.Size, a.enterprise.Trades)
	}
	for _, o := range ev.Plan.OwnersOf(t) {
		if o == a.who.ID {
			return true
		}
	}
	return false
}

// open returns a's tasks that are not done, with deadlines between minLeft
// and maxLeft days from today inclusive, by task number.
func (ev *evaluation) open(a assignee, minLeft, maxLeft int) []*taskDue {
	var out []*taskDue
	done := ev.view.done.of(a.who)
	for _, t := range ev.tasks {
		if t.left < minLeft || t.left > maxLeft || done.has(t.task.N) || !ev.owes(a, t.task) {
			continue
		}
		out = append(out, t)
	}
	return out
}

// overdueItems are a's open tasks whose deadline has passed.
func (ev *evaluation) overdueItems(a assignee) []*taskDue {
	return ev.open(a, math.MinInt, -1)
}

// progress is sector's standing against milestone m at the instant.
func (ev *evaluation) progress(m plan.Milestone, sector *plan.Sector) Progress {
	t, _ := ev.Plan.Task(m.Task)
	target := sector.Targets[m.Metric]
	name := m.Metric
	if met, ok := ev.Plan.Metric(m.Metric); ok {
		name = met.Name
	}
	return Progress{
		Task: m.Task, Sector: sector.ID, SectorName: sector.Name,
		Metric: m.Metric, MetricName: name, Percent: m.Percent, Target: target,
		Required: m.Required(target),
		Achieved: ev.view.achievements[[2]string{sector.ID, m.Metric}],
		Due:      ev.Plan.DueDate(t.Month),
	}
}

// leadStage is the lead stage a deadline days away is in: the smallest
// configured lead day not below days, or -1 when it is too far off.
func (ev *evaluation) leadStage(days int) int {
	if days < 0 {
		days = 0
	}
	ld := ev.Config.Rules.LeadDays
	for i := len(ld) - 1; i >= 0; i-- {
		if ld[i] >= days {
			return ld[i]
		}
	}
	return -1
}

// leadHorizon is the day a reminder before a deadline looks ahead from:
// today, or, when working days are on, the last day before the next working
// day, so that a reminder falling on a weekend or holiday goes out on the
// working day before it.
func (ev *evaluation) leadHorizon() (plan.Date, error) {
	if !ev.Config.WorkingDays {
		return ev.today, nil
	}
	next, err := workday.Next(ev.Calendar, ev.today.AddDays(1))
	if err != nil {
		return plan.Date{}, err
	}
	return next.AddDays(-1), nil
}

// stageKey renders deadline/stage pairs for a dedup key.
func stageKey(stages map[plan.Date]int, prefix string) string {
	dates := make([]plan.Date, 0, len(stages))
	for d := range stages {
		dates = append(dates, d)
	}
	sort.Slice(dates, func(i, j int) bool { return dates[i].Before(dates[j]) })
	parts := make([]string, len(dates))
	for i, d := range dates {
		parts[i] = fmt.Sprintf("%s/%s%d", d, prefix, stages[d])
	}
	return strings.Join(parts, "+")
}
