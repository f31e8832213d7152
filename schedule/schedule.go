// Package schedule decides who is reminded of what: given the plan, the
// configuration, a snapshot of what is done and an instant, it returns the
// notifications due, each with a dedup key. It reads no clock and writes
// nothing; the same inputs always give the same notifications.
package schedule

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"iter"
	"math"
	mbits "math/bits"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/workday"
)

var ruleOrder = map[remindd.Rule]int{remindd.Agenda: 0, remindd.Daily: 1, remindd.Lead: 2, remindd.Overdue: 3, remindd.Milestone: 4,
	remindd.Escalate: 5, remindd.Digest: 6, remindd.Quarterly: 7, remindd.Returns: 8, remindd.Reporting: 9}

// Engine evaluates the rules of one plan under one configuration.
type Engine struct {
	Plan     *plan.Plan
	Config   *config.Config
	Calendar workday.Calendar
	// DigestListed is how many enterprises behind the digest names per
	// sector; 0 means DigestListed.
	DigestListed int
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
func (e *Engine) Evaluate(s *remindd.State, at time.Time, rules ...remindd.Rule) ([]remindd.Notification, error) {
	out, err := e.evaluate(nil, e.newView(s), at, rules)
	if err != nil {
		return nil, err
	}
	Sort(out)
	return out, nil
}

// evaluate appends to out the notifications the rules produce at instant at.
func (e *Engine) evaluate(out []remindd.Notification, v *view, at time.Time, rules []remindd.Rule) ([]remindd.Notification, error) {
	ev := e.newEvaluation(v, at)
	if e.Plan.Ends().Before(ev.today) {
		return out, nil // the plan is over
	}
	for _, r := range rules {
		var err error
		switch r {
		case remindd.Agenda:
			out, err = ev.agenda(out)
		case remindd.Lead:
			out, err = ev.lead(out)
		case remindd.Overdue:
			out, err = ev.overdue(out)
		case remindd.Milestone:
			out, err = ev.milestone(out)
		case remindd.Digest:
			out, err = ev.digest(out)
		case remindd.Quarterly:
			out, err = ev.quarterly(out)
		case remindd.Returns:
			out, err = ev.returned(out)
		case remindd.Escalate:
			out, err = ev.escalate(out)
		case remindd.Reporting:
			out, err = ev.reporting(out)
		default:
			err = fmt.Errorf("unknown rule %q", r)
		}
		if err != nil {
			return nil, fmt.Errorf("rule %s at %s: %w", r, at.Format(time.RFC3339), err)
		}
	}
	return out, nil
}

// Sort orders notifications by rule, recipient and channel.
func Sort(ns []remindd.Notification) {
	less := func(i, j int) bool {
		a, b := &ns[i], &ns[j]
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
	}
	if !sort.SliceIsSorted(ns, less) {
		sort.SliceStable(ns, less)
	}
}

// evaluation is the working state of the rules at one instant.
type evaluation struct {
	*Engine
	at    time.Time
	today plan.Date
	view  *view
	// tasks are the plan's tasks by number with their deadlines, computed
	// once: the rules walk them for every enterprise.
	tasks []*taskDue
	// byNumber indexes tasks by task number.
	byNumber []*taskDue
	// windows caches window().
	windows map[[2]int]bits
	// achievements counts by sector and metric those up to today.
	achievements map[[2]string]int
	// deadlines are the tasks' deadlines by number, shared by every
	// notification (remindd.Notification.Deadlines).
	deadlines []plan.Date
	// derived caches sections(): the view's sections through derive.
	derived []assignee
}

// taskDue is a task with its deadline and the days left to it from today.
type taskDue struct {
	task *plan.Task
	due  plan.Date
	left int
}

// newEvaluation prepares an evaluation at instant at.
func (e *Engine) newEvaluation(v *view, at time.Time) *evaluation {
	ev := &evaluation{Engine: e, at: at.In(e.Plan.Location), view: v,
		windows: map[[2]int]bits{}, achievements: map[[2]string]int{}}
	ev.today = plan.DateOf(ev.at)
	for _, a := range v.achievements {
		if !ev.today.Before(a.Date) {
			ev.achievements[[2]string{a.Sector, a.Metric}]++
		}
	}
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
	if len(ev.tasks) > 0 {
		ev.byNumber = make([]*taskDue, ev.tasks[len(ev.tasks)-1].task.N+1)
	}
	for _, t := range ev.tasks {
		ev.byNumber[t.task.N] = t
	}
	ev.deadlines = make([]plan.Date, len(ev.byNumber))
	for n, t := range ev.byNumber {
		if t != nil {
			ev.deadlines[n] = t.due
		}
	}
	return ev
}

// window is the set of tasks with deadlines between minLeft and maxLeft
// days from today inclusive.
func (ev *evaluation) window(minLeft, maxLeft int) bits {
	w, ok := ev.windows[[2]int{minLeft, maxLeft}]
	if !ok {
		for _, t := range ev.tasks {
			if t.left >= minLeft && t.left <= maxLeft {
				w = w.with(t.task.N)
			}
		}
		ev.windows[[2]int{minLeft, maxLeft}] = w
	}
	return w
}

// offset is the number of days from today to d.
func (ev *evaluation) offset(d plan.Date) int { return ev.today.DaysUntil(d) }

// message is what a rule decided for one recipient, before it is fanned out
// to the recipient's channels.
type message struct {
	rule   remindd.Rule
	to     remindd.Recipient
	name   string
	what   string // the key's middle: what and which period or stage
	period string
	items  []*taskDue
	// stages are a lead or milestone message's stage by deadline.
	stages     map[plan.Date]int
	milestones []remindd.Progress
	digest     *remindd.DigestBody
	returned   []remindd.Return
}

// send fans a message out to the recipient's contacts, one notification
// each, appended to out.
func (ev *evaluation) send(out []remindd.Notification, m message, contacts []config.Contact) []remindd.Notification {
	tasks := taskNumbers(m)
	for _, c := range contacts {
		key := Key(m.rule, m.to, m.what, c.Channel, c.Address)
		out = append(out, remindd.Notification{
			Key:         key,
			Parts:       ev.parts(m, key, c, tasks),
			Deadlines:   ev.deadlines,
			Supervisors: ev.supervisors(m.to),
			Rule:        m.rule,
			Recipient:   m.to,
			Name:        m.name,
			Channel:     c.Channel,
			Address:     c.Address,
			At:          ev.at,
			Tasks:       tasks,
			Milestones:  m.milestones,
			Digest:      m.digest,
			Period:      m.period,
			Returned:    m.returned,
		})
	}
	return out
}

// Key is a notification's dedup key, rule:kind:id:what:channel:address, where
// address is AddressDigest of the contact's address: two contacts of one
// recipient on one channel get a message each, and a key, which the outbox
// prints, never shows an address (a robot URL holds its secret). A contact
// without an address (a log channel) has no last part:
// rule:kind:id:what:channel. None of the parts holds a colon.
func Key(rule remindd.Rule, to remindd.Recipient, what, channel, address string) string {
	k := string(rule) + ":" + to.Kind + ":" + to.ID + ":" + what + ":" + channel
	if address == "" {
		return k
	}
	return k + ":" + AddressDigest(address)
}

// AddressDigest names an address in a dedup key: the first 12 hex digits
// (48 bits) of its SHA-256, "" for no address. It tells apart the contacts of
// one recipient on one channel, which is all it has to do.
func AddressDigest(address string) string {
	if address == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(address))
	return hex.EncodeToString(sum[:6])
}

// taskNumbers lists the tasks a message is about, ascending, each once.
func taskNumbers(m message) []int {
	n := len(m.items) + len(m.milestones)
	if m.digest != nil {
		for _, s := range m.digest.Sections {
			n += len(s.Overdue)
		}
	}
	out := make([]int, 0, n)
	for _, it := range m.items {
		out = append(out, it.task.N)
	}
	for _, p := range m.milestones {
		out = append(out, p.Task)
	}
	if m.digest != nil {
		for _, s := range m.digest.Sections {
			out = append(out, s.Overdue...)
		}
	}
	if !slices.IsSorted(out) {
		slices.Sort(out)
	}
	return slices.Compact(out)
}

// assignee is one party that carries obligations: a configured section or an
// active enterprise, with the contacts its messages go to.
type assignee struct {
	who        remindd.Recipient
	name       string
	contacts   []config.Contact
	enterprise *remindd.Enterprise
	// owed are the tasks it carries, done those it has done.
	owed, done bits
}

// section is a plan section as an assignee with the given contacts.
func (e *Engine) section(s *plan.Section, contacts []config.Contact, done *remindd.Done) assignee {
	a := assignee{who: remindd.Recipient{Kind: remindd.KindSection, ID: s.ID}, name: s.Name, contacts: contacts}
	a.owed = e.owedBits(func(t *plan.Task) bool { return e.owes(a, t) })
	a.done = done.Words(a.who)
	return a
}

// sections lists the plan's sections that have contacts in the config, in
// plan order, their milestone tasks derived at the instant.
func (ev *evaluation) sections() []assignee {
	if ev.derived == nil && len(ev.view.sections) > 0 {
		ev.derived = make([]assignee, len(ev.view.sections))
		for i, a := range ev.view.sections {
			ev.derived[i] = ev.derive(a)
		}
	}
	return ev.derived
}

// enterprises lists active enterprises with their contacts, by credit code.
func (ev *evaluation) enterprises() []assignee { return ev.view.firms }

func (e *Engine) enterpriseContacts(ent *remindd.Enterprise) []config.Contact {
	var cs []config.Contact
	if ent.Email != "" && e.Config.Enterprises.Email != "" {
		cs = append(cs, config.Contact{Channel: e.Config.Enterprises.Email, Address: ent.Email})
	}
	if ent.Webhook != "" && e.Config.Enterprises.Robot != "" {
		cs = append(cs, config.Contact{Channel: e.Config.Enterprises.Robot, Address: ent.Webhook})
	}
	return cs
}

// owes reports whether a carries task t, as the plan says.
func (e *Engine) owes(a assignee, t *plan.Task) bool {
	if a.enterprise != nil {
		return e.Plan.EnterpriseOwes(t, a.enterprise.Size, a.enterprise.Trades, a.enterprise.Roles)
	}
	return e.Plan.SectionOwes(t, a.who.ID)
}

// open returns a's tasks that are not done, with deadlines between minLeft
// and maxLeft days from today inclusive, by task number.
func (ev *evaluation) open(a assignee, minLeft, maxLeft int) []*taskDue {
	win, done := ev.window(minLeft, maxLeft), a.done
	n := 0
	for w := range a.owed {
		n += mbits.OnesCount64(a.owed[w] & win.word(w) &^ done.word(w))
	}
	if n == 0 {
		return nil
	}
	out := make([]*taskDue, 0, n)
	for w := range a.owed {
		for open := a.owed[w] & win.word(w) &^ done.word(w); open != 0; open &= open - 1 {
			out = append(out, ev.byNumber[w*64+mbits.TrailingZeros64(open)])
		}
	}
	return out
}

// hasOpen reports whether open would return any task.
func (ev *evaluation) hasOpen(a assignee, minLeft, maxLeft int) bool {
	win, done := ev.window(minLeft, maxLeft), a.done
	for w := range a.owed {
		if a.owed[w]&win.word(w)&^done.word(w) != 0 {
			return true
		}
	}
	return false
}

// overdueItems are a's open tasks whose deadline has passed.
func (ev *evaluation) overdueItems(a assignee) []*taskDue {
	return ev.open(a, math.MinInt, -1)
}

// progress is sector's standing against milestone m at the instant.
func (ev *evaluation) progress(m plan.Milestone, sector *plan.Sector) remindd.Progress {
	t, _ := ev.Plan.Task(m.Task)
	target := sector.Targets[m.Metric]
	name := m.Metric
	if met, ok := ev.Plan.Metric(m.Metric); ok {
		name = met.Name
	}
	return remindd.Progress{
		Task: m.Task, Sector: sector.ID, SectorName: sector.Name,
		Metric: m.Metric, MetricName: name, Percent: m.Percent, Target: target,
		Required: m.Required(target),
		Achieved: ev.achievements[[2]string{sector.ID, m.Metric}],
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

// assignees yields the sections with contacts, then the active enterprises.
func (ev *evaluation) assignees() iter.Seq[assignee] {
	return func(yield func(assignee) bool) {
		for _, list := range [][]assignee{ev.sections(), ev.enterprises()} {
			for _, a := range list {
				if !yield(a) {
					return
				}
			}
		}
	}
}
