package remindd

import (
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
