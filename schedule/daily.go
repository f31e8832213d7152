package schedule

import (
	"fmt"
	"sort"
	"strconv"
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
// that contact; key is the message's own key.
func (ev *evaluation) parts(m message, key string, c config.Contact) []remindd.Part {
	switch m.rule {
	case remindd.Lead:
		out := make([]remindd.Part, 0, len(m.items))
		for _, it := range m.items {
			stage := "d" + strconv.Itoa(m.stages[it.due])
			what := strconv.Itoa(it.task.N) + "@" + it.due.String() + "/" + stage
			out = append(out, remindd.Part{Key: Key(remindd.Lead, m.to, what, c.Channel, c.Address),
				Rule: remindd.Lead, Task: it.task.N, Stage: stage, Due: it.due})
		}
		return out
	case remindd.Overdue:
		// The recipient's overdue repeat is one item: the period's list.
		out := make([]remindd.Part, 0, len(m.items))
		for _, it := range m.items {
			out = append(out, remindd.Part{Key: key, Rule: remindd.Overdue, Task: it.task.N,
				Stage: "overdue/" + m.what, Due: it.due})
		}
		return out
	case remindd.Milestone:
		out := make([]remindd.Part, 0, len(m.milestones))
		for i := range m.milestones {
			p := &m.milestones[i]
			stage := "d" + strconv.Itoa(m.stages[p.Due])
			what := fmt.Sprintf("%d/%s@%s/%s", p.Task, p.Sector, p.Due, stage)
			out = append(out, remindd.Part{Key: Key(remindd.Milestone, m.to, what, c.Channel, c.Address),
				Rule: remindd.Milestone, Task: p.Task, Stage: stage, Due: p.Due, Progress: p})
		}
		return out
	case remindd.Returns:
		out := make([]remindd.Part, 0, len(m.returned))
		for i := range m.returned {
			r := &m.returned[i]
			var due plan.Date
			if t := ev.taskDue(r.Task); t != nil {
				due = t.due
			}
			out = append(out, remindd.Part{Key: key, Rule: remindd.Returns, Task: r.Task,
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
// a notification without parts is one part of its own.
func Bundle(ns []remindd.Notification, at time.Time, loc *time.Location) []remindd.Notification {
	day := plan.DateOf(at.In(loc)).String()
	type contact struct {
		to               remindd.Recipient
		channel, address string
	}
	index := map[contact]int{}
	out := make([]remindd.Notification, 0, len(ns))
	for _, n := range ns {
		if !bundled(n.Rule) {
			out = append(out, n)
			continue
		}
		parts := n.Parts
		if len(parts) == 0 {
			for _, t := range n.Tasks {
				parts = append(parts, remindd.Part{Key: n.Key, Rule: n.Rule, Task: t, Stage: n.Period})
			}
			if len(parts) == 0 {
				parts = []remindd.Part{{Key: n.Key, Rule: n.Rule, Stage: n.Period}}
			}
		}
		c := contact{n.Recipient, n.Channel, n.Address}
		i, ok := index[c]
		if !ok {
			index[c] = len(out)
			out = append(out, remindd.Notification{
				Key:       Key(remindd.Daily, n.Recipient, day, n.Channel, n.Address),
				Rule:      remindd.Daily,
				Recipient: n.Recipient, Name: n.Name, Channel: n.Channel, Address: n.Address,
				At: n.At, Supervisors: n.Supervisors,
			})
			i = len(out) - 1
		}
		d := &out[i]
		d.Parts = append(d.Parts, parts...)
		d.Tasks = mergeTasks(d.Tasks, n.Tasks)
		d.Milestones = append(d.Milestones, n.Milestones...)
		d.Returned = append(d.Returned, n.Returned...)
		if n.Rule == remindd.Reporting {
			// The month's reports, under their own heading.
			d.Digest = n.Digest
		}
		if d.Period == "" {
			d.Period = n.Period
		}
	}
	return out
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
