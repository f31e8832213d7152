package schedule

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
)

// The daily sweep's rules decide items; Bundle makes of them one morning
// message per recipient and channel. Each item keeps a dedup key of its own
// (a part), so that bundling loses and repeats nothing: a task at a lead
// stage, an overdue repeat period of the recipient, a milestone at a stage
// and a returned report are each told once, whichever morning they first
// come up, and a morning with nothing new sends nothing.

// parts are the items of message m as one contact receives it, keyed for
// that contact; key is the message's own key and tasks its tasks, which the
// lead and overdue parts slice rather than copy.
func (ev *evaluation) parts(m message, key string, c config.Contact, tasks []int) remindd.Parts {
	// of is the tasks of items[i:j], a slice of tasks when they lie there
	// in the same order, as they do in a lead or overdue message.
	of := func(i, j int) []int {
		if len(tasks) == len(m.items) {
			return tasks[i:j:j]
		}
		out := make([]int, 0, j-i)
		for _, it := range m.items[i:j] {
			out = append(out, it.task.N)
		}
		return out
	}
	switch m.rule {
	case remindd.Lead:
		out := make(remindd.Parts, 0, len(m.items))
		for i, it := range m.items {
			stage := leadStages[min(m.stages[it.due], len(leadStages)-1)]
			what := strconv.Itoa(it.task.N) + "@" + it.due.String() + "/" + stage
			out = append(out, remindd.Part{Key: Key(remindd.Lead, m.to, what, c.Channel, c.Address),
				Rule: remindd.Lead, Stage: stage, Due: it.due, Tasks: of(i, i+1)})
		}
		return out
	case remindd.Overdue:
		// The recipient's overdue repeat is one item, the period's list;
		// its tasks' deadlines are the message's Deadlines.
		return remindd.Parts{{Key: key, Rule: remindd.Overdue, Stage: ev.overdueStage(m.what), Tasks: of(0, len(m.items))}}
	case remindd.Milestone:
		out := make(remindd.Parts, 0, len(m.milestones))
		for i := range m.milestones {
			p := &m.milestones[i]
			stage := leadStages[min(m.stages[p.Due], len(leadStages)-1)]
			what := fmt.Sprintf("%d/%s@%s/%s", p.Task, p.Sector, p.Due, stage)
			out = append(out, remindd.Part{Key: Key(remindd.Milestone, m.to, what, c.Channel, c.Address),
				Rule: remindd.Milestone, Stage: stage, Due: p.Due, Tasks: []int{p.Task}, Progress: p})
		}
		return out
	case remindd.Returns:
		out := make(remindd.Parts, 0, len(m.returned))
		for i := range m.returned {
			r := &m.returned[i]
			var due plan.Date
			if t := ev.taskDue(r.Task); t != nil {
				due = t.due
			}
			out = append(out, remindd.Part{Key: key, Rule: remindd.Returns, Tasks: []int{r.Task},
				Stage: "returned/" + strconv.FormatInt(r.Event, 10), Due: due, Return: r})
		}
		return out
	}
	return nil
}

// sectorOf is the sector of active enterprise id, "" when there is none.
func (v *view) sectorOf(id string) string {
	i := sort.Search(len(v.firms), func(i int) bool { return v.firms[i].who.ID >= id })
	if i < len(v.firms) && v.firms[i].who.ID == id && v.firms[i].enterprise != nil {
		return v.firms[i].enterprise.Sector
	}
	return ""
}

// leadStages are the stages' names, d0 … d60 (the most lead_days allows).
var leadStages = func() []string {
	out := make([]string, 61)
	for i := range out {
		out[i] = "d" + strconv.Itoa(i)
	}
	return out
}()

// overdueStage is the stage of an overdue repeat that began on what,
// "overdue/2024-05-26", made once per period for all recipients.
func (ev *evaluation) overdueStage(what string) string {
	if s, ok := ev.view.stages[what]; ok {
		return s
	}
	if ev.view.stages == nil {
		ev.view.stages = map[string]string{}
	}
	s := "overdue/" + what
	ev.view.stages[what] = s
	return s
}

// taskDue is task n with its deadline, nil when the plan has no such task.
func (ev *evaluation) taskDue(n int) *taskDue {
	if n < 0 || n >= len(ev.byNumber) {
		return nil
	}
	return ev.byNumber[n]
}

// supervisors are the sections an enterprise reports to: those of its
// sector, with the phone and the person to ask for; none for a section.
func (ev *evaluation) supervisors(to remindd.Recipient) []remindd.Supervisor {
	if to.Kind != remindd.KindEnterprise {
		return nil
	}
	sector := ev.view.sectorOf(to.ID)
	if sector == "" {
		return nil
	}
	if cached, ok := ev.view.supervisors[sector]; ok {
		return cached
	}
	var out []remindd.Supervisor
	if s, ok := ev.Plan.Sector(sector); ok {
		for _, id := range s.Sections {
			sup := remindd.Supervisor{Name: id}
			if ps, ok := ev.Plan.Section(id); ok {
				sup.Name = ps.Name
			}
			for _, cs := range ev.Config.Sections {
				if cs.ID == id {
					sup.Phone, sup.Contact = cs.Phone, cs.Contact
				}
			}
			out = append(out, sup)
		}
	}
	if ev.view.supervisors == nil {
		ev.view.supervisors = map[string][]remindd.Supervisor{}
	}
	ev.view.supervisors[sector] = out
	return out
}

// bundled reports whether a rule's notifications go into the morning
// message; escalations go to other people (the section's leaders).
func bundled(r remindd.Rule) bool {
	return r == remindd.Lead || r == remindd.Overdue || r == remindd.Milestone || r == remindd.Returns || r == remindd.Reporting
}

// Bundle folds the daily sweep's notifications decided at instant at into
// one morning message per recipient, channel and address, rule daily,
// keyed by the day; the others pass through. Items keep their parts' keys;
// a notification without parts is one part of its own. It works in place:
// the result is ns's first elements, and ns is spent.
func Bundle(ns []remindd.Notification, at time.Time, loc *time.Location) []remindd.Notification {
	day := plan.DateOf(at.In(loc)).String()
	index := map[string]int{} // by the morning message's key: its recipient, channel and address
	out := ns[:0]             // each result is written at or before the input it is made of
	for j := range ns {
		n := ns[j]
		if !bundled(n.Rule) {
			out = append(out, n)
			continue
		}
		parts := n.Parts
		if len(parts) == 0 {
			parts = remindd.Parts{{Key: n.Key, Rule: n.Rule, Stage: n.Period, Tasks: n.Tasks}}
		}
		key := dailyKey(n, day)
		i, ok := index[key]
		if !ok {
			index[key] = len(out)
			out = append(out, remindd.Notification{
				Key:       key,
				Rule:      remindd.Daily,
				Recipient: n.Recipient, Name: n.Name, Channel: n.Channel, Address: n.Address,
				At: n.At, Supervisors: n.Supervisors, Deadlines: n.Deadlines,
				// The recipient's first item list on this channel, most
				// often its only one: kept as it is, not copied.
				Parts: parts, Tasks: n.Tasks, Milestones: n.Milestones, Returned: n.Returned,
			})
			i = len(out) - 1
		} else {
			d := &out[i]
			d.Parts = append(d.Parts[:len(d.Parts):len(d.Parts)], parts...)
			d.Tasks = mergeTasks(d.Tasks, n.Tasks)
			d.Milestones = append(d.Milestones[:len(d.Milestones):len(d.Milestones)], n.Milestones...)
			d.Returned = append(d.Returned[:len(d.Returned):len(d.Returned)], n.Returned...)
		}
		d := &out[i]
		if n.Rule == remindd.Reporting {
			// The month's reports, under their own heading.
			d.Digest = n.Digest
		}
		if d.Period == "" {
			d.Period = n.Period
		}
	}
	clear(ns[len(out):]) // let what was folded in go
	return out
}

// dailyKey is the key of the morning message of day that carries n: n's
// key with the rule daily and the day for its rule and what; the channel
// and the address's digest, which end every key, are n's.
func dailyKey(n remindd.Notification, day string) string {
	rest := n.Key
	for range 4 { // rule, kind, id, what
		_, rest, _ = strings.Cut(rest, ":")
	}
	return string(remindd.Daily) + ":" + n.Recipient.Kind + ":" + n.Recipient.ID + ":" + day + ":" + rest
}

// mergeTasks is the ascending union of two ascending lists.
func mergeTasks(a, b []int) []int {
	if len(a) == 0 {
		return b
	}
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}
