package remindd

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/remindd/remindd/plan"
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
	// Returns tells a recipient that the office sent reports back (退办),
	// and why.
	Returns Rule = "returned"
	// Daily is the one morning message of the daily sweep: it bundles a
	// recipient's lead, overdue, milestone and returned items.
	Daily Rule = "daily"
	// Escalate copies a section's long-overdue (red) items to its leaders
	// (分管领导): 催办.
	Escalate Rule = "escalate"
	// Reporting reminds each section, on the month's last working day, of
	// the monthly summary and forms it owes (and of the year-end summary).
	Reporting Rule = "reporting"
)

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
	// Returned lists the reports sent back that a Returns message tells of.
	Returned []Return `json:"returned,omitempty"`
	// Parts are the items a message is made of, each with its own dedup
	// key: a daily message is sent when one of its parts has not been,
	// and lists only those.
	Parts Parts `json:"items,omitempty"`
	// Deadlines are the plan's deadlines by task number, one slice shared
	// by the notifications of an evaluation: they give an overdue part's
	// tasks, which have several deadlines, theirs.
	Deadlines []plan.Date `json:"-"`
	// Supervisors are the sections an enterprise reports to, with whom to
	// call; only enterprises' messages have them.
	Supervisors []Supervisor `json:"supervisors,omitempty"`
}

// Part is one item of a message: a task at a stage (lead: d7, d3, d1, d0),
// a recipient's overdue repeat (its stage the period, its tasks all it has
// overdue), a milestone at a stage, or a returned report. Key is its dedup
// key: each part is sent once to each contact.
type Part struct {
	Key   string
	Rule  Rule
	Stage string
	// Due is the deadline of the part's tasks; zero for an overdue part,
	// whose tasks have the deadlines their message's Deadlines give.
	Due plan.Date
	// Tasks are what the part is about, ascending; a slice of its
	// message's Tasks where it can be, so that a sweep of 100,000
	// enterprises does not copy them.
	Tasks []int
	// Progress is a milestone part's standing, Return a returned part's
	// report.
	Progress *Progress
	Return   *Return
}

// Parts are a message's items. In JSON they are one object per task,
// {"rule","task","stage","due"}, as `due` prints them.
type Parts []Part

// appendJSON appends the items, each task's deadline the part's or, for an
// overdue part, deadlines gives.
func (ps Parts) appendJSON(b []byte, deadlines []plan.Date) []byte {
	b = append(b, '[')
	first := true
	for _, p := range ps {
		for _, t := range p.Tasks {
			if !first {
				b = append(b, ',')
			}
			first = false
			due := p.Due
			if due.IsZero() && t >= 0 && t < len(deadlines) {
				due = deadlines[t]
			}
			b = append(b, `{"rule":`...)
			b = appendJSONString(b, string(p.Rule))
			b = append(b, `,"task":`...)
			b = strconv.AppendInt(b, int64(t), 10)
			b = append(b, `,"stage":`...)
			b = appendJSONString(b, p.Stage)
			b = append(b, `,"due":"`...)
			b = appendDigits(b, due.Year, 4)
			b = append(b, '-')
			b = appendDigits(b, int(due.Month), 2)
			b = append(b, '-')
			b = appendDigits(b, due.Day, 2)
			b = append(b, `"}`...)
		}
	}
	return append(b, ']')
}

// notificationJSON is a Notification without its methods, for the rest of
// its JSON.
type notificationJSON Notification

// MarshalJSON is AppendJSON.
func (n Notification) MarshalJSON() ([]byte, error) { return n.AppendJSON(nil) }

// AppendJSON appends n's compact JSON, as encoding/json writes it without
// HTML escaping, its items written by hand after the rest: a sweep prints
// one for each task of every morning message.
func (n *Notification) AppendJSON(b []byte) ([]byte, error) {
	rest := notificationJSON(*n)
	rest.Parts = nil
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&rest); err != nil {
		return b, err
	}
	j := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if len(n.Parts) == 0 {
		return append(b, j...), nil
	}
	b = append(b, j[:len(j)-1]...) // all but the closing brace
	b = append(b, `,"items":`...)
	b = n.Parts.appendJSON(b, n.Deadlines)
	return append(b, '}'), nil
}

// UnmarshalJSON reads the items as Notification's JSON writes them, a part
// per task.
func (ps *Parts) UnmarshalJSON(b []byte) error {
	var items []struct {
		Rule  Rule      `json:"rule"`
		Task  int       `json:"task"`
		Stage string    `json:"stage"`
		Due   plan.Date `json:"due"`
	}
	if err := json.Unmarshal(b, &items); err != nil {
		return err
	}
	*ps = make(Parts, 0, len(items))
	for _, it := range items {
		*ps = append(*ps, Part{Rule: it.Rule, Stage: it.Stage, Due: it.Due, Tasks: []int{it.Task}})
	}
	return nil
}

// appendDigits appends n in decimal, zero-padded to width digits.
func appendDigits(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, other UTF-8 as it is.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = fmt.Appendf(b, `\u%04x`, c)
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// Supervisor is a section an enterprise reports to.
type Supervisor struct {
	Name    string `json:"name"`
	Phone   string `json:"phone,omitempty"`
	Contact string `json:"contact,omitempty"` // the person who answers
}

// Without returns the message less the parts whose keys sent reports as
// sent already, with its tasks, milestones and returns those of the parts left, and
// whether any part is left. A message without parts is returned as it is.
func (n Notification) Without(sent func(key string) bool) (Notification, bool) {
	if len(n.Parts) == 0 {
		return n, true
	}
	left := make(Parts, 0, len(n.Parts))
	for _, p := range n.Parts {
		if !sent(p.Key) {
			left = append(left, p)
		}
	}
	if len(left) == len(n.Parts) {
		return n, true
	}
	n.Parts = left
	n.Tasks, n.Milestones, n.Returned = nil, nil, nil
	reports := false
	seen := map[int]bool{}
	for _, p := range left {
		if p.Rule == Reporting {
			reports = true
			continue
		}
		if p.Progress != nil {
			n.Milestones = append(n.Milestones, *p.Progress)
		}
		if p.Return != nil {
			n.Returned = append(n.Returned, *p.Return)
		}
		for _, t := range p.Tasks {
			if !seen[t] {
				seen[t] = true
				n.Tasks = append(n.Tasks, t)
			}
		}
	}
	if !reports && n.Rule == Daily {
		n.Digest = nil
	}
	slices.Sort(n.Tasks)
	return n, len(left) > 0
}

// PartKeys lists the distinct keys of the parts, in order.
func (n *Notification) PartKeys() []string {
	var out []string
	for _, p := range n.Parts {
		if len(out) == 0 || !slices.Contains(out, p.Key) {
			out = append(out, p.Key)
		}
	}
	return out
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
	tasks := n.Tasks
	if n.Rule == Daily {
		// A daily message's items are its lead and overdue parts; its
		// milestones and returns are listed under their own headings.
		tasks = nil
		for _, pt := range n.Parts {
			if pt.Rule == Lead || pt.Rule == Overdue {
				tasks = append(tasks, pt.Tasks...)
			}
		}
		slices.Sort(tasks)
		tasks = slices.Compact(tasks)
	}
	today := plan.DateOf(n.At.In(p.Location))
	out := make([]Item, 0, len(tasks))
	for _, num := range tasks {
		t, ok := p.Task(num)
		if !ok {
			continue
		}
		due := p.DueDate(t.Month)
		left := today.DaysUntil(due)
		it := Item{Task: num, Text: t.Text, Short: t.Short, Due: due, DaysLeft: left, Overdue: left < 0}
		if t.Enterprises != nil {
			it.Action = t.Enterprises.Action
		}
		out = append(out, it)
	}
	return out
}

// Item is one task in a message, with its deadline.
type Item struct {
	Task int    `json:"task"`
	Text string `json:"text"`
	// Short is the task's title in a few words; Action, for a task that
	// makes enterprises act, what the enterprise itself must do.
	Short  string    `json:"short,omitempty"`
	Action string    `json:"action,omitempty"`
	Due    plan.Date `json:"due"`
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

// DigestBody is the office's monthly overview. The agenda and the
// reporting reminder carry one too, with Month and Reports only: the
// reports the section owes.
type DigestBody struct {
	// Month is the month being reported on (the one before the digest).
	Month       string           `json:"month"`
	Sections    []SectionOverdue `json:"sections"`
	Lagging     []Progress       `json:"lagging"`
	Enterprises []SectorOverdue  `json:"enterprises"`
	Failed      []FailedDelivery `json:"failed"`
	Reports     []ReportDue      `json:"reports"`
	// Unreported are the sections that have not marked Month's report
	// sent on the desk.
	Unreported []SectionName `json:"unreported,omitempty"`
	// Forms names the files of Month's forms (附件4, 附件5) the office's
	// digest carries; FormsFailed says they could not be made, and so are
	// not attached. FiguresMissing are the sections that entered no
	// figures for Month: the forms count theirs as 0. The daemon fills
	// these three from the store as it renders the digest; the rules
	// leave them empty.
	Forms          []string      `json:"forms,omitempty"`
	FormsFailed    bool          `json:"forms_failed,omitempty"`
	FiguresMissing []SectionName `json:"figures_missing,omitempty"`
}

// SectionName is a section by id and name.
type SectionName struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// SectionOverdue lists one section's overdue tasks.
type SectionOverdue struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Overdue []int  `json:"overdue"`
	// Red are those of Overdue overdue long enough to escalate (催办).
	Red []int `json:"red,omitempty"`
}

// SectorOverdue counts a sector's enterprises with overdue obligations.
type SectorOverdue struct {
	Sector      string `json:"sector"`
	Name        string `json:"name"`
	Overdue     int    `json:"overdue"`
	Enterprises int    `json:"enterprises"`
	// Listed are, in the digest, the first of the Overdue enterprises by
	// name (the most behind first); the desk lists them all.
	Listed []EnterpriseOverdue `json:"listed,omitempty"`
}

// EnterpriseOverdue is an enterprise with overdue obligations.
type EnterpriseOverdue struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Overdue []int  `json:"overdue"`
	// Red is set when one of them is overdue long enough to escalate.
	Red bool `json:"red,omitempty"`
}

// ReportDue is a report someone must hand in.
type ReportDue struct {
	Name string    `json:"name"`
	To   string    `json:"to"`
	Due  plan.Date `json:"due"`
	Text string    `json:"text"`
	// By is who hands it in (各科室, the office), "" for the recipient.
	By string `json:"by,omitempty"`
	// Note is the plan's note on how the document names it (its own
	// numbering of the forms).
	Note string `json:"note,omitempty"`
}

// FailedDelivery is a notification that could not be delivered.
type FailedDelivery struct {
	Key       string    `json:"key"`
	Rule      Rule      `json:"rule"`
	Recipient Recipient `json:"recipient"`
	Channel   string    `json:"channel"`
	LastError string    `json:"last_error"`
	// Name is the recipient's name as people know it, when the rules know
	// it.
	Name string `json:"name,omitempty"`
}
