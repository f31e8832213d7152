package remindd

import (
	"fmt"
	"slices"
	"time"
)

// Completion statuses. A report through a personal link is "reported" until
// the office confirms it (销号); every other completion is "done". Both stop
// the obligation's reminders.
const (
	StatusDone     = "done"
	StatusReported = "reported"
)

// Sources: how a completion or an event came to the store.
const (
	SourceLink     = "link"     // a recipient's personal link (办结 report)
	SourceDesk     = "desk"     // a desk account
	SourceCLI      = "cli"      // the command line
	SourceImport   = "import"   // completions import FILE.csv
	SourceBaseline = "baseline" // go-live: everything due before a date
	SourceRule     = "rule"     // the reminder rules themselves (催办)
)

// Action is one kind of change to what is done.
type Action string

// The actions an Event records.
const (
	// Reported: a recipient says, through its link, that an obligation is
	// done (办结). It stops the reminders; the office confirms or returns it.
	Reported Action = "reported"
	// Confirmed: the office accepts a report (销号); the obligation is done.
	Confirmed Action = "confirmed"
	// Returned: the office sends a report back (退办) with a reason; the
	// obligation is open again and its recipient is told why.
	Returned Action = "returned"
	// Recorded: someone with the right records the obligation done.
	Recorded Action = "recorded"
	// Undone: a completion is taken back, with a reason; the obligation is
	// open again.
	Undone Action = "undone"
	// Escalated: a long-overdue obligation was copied to the section's
	// leaders (催办). It changes nothing done; it is kept in the history.
	Escalated Action = "escalated"
	// MonthReported: a section marks its month's reports (the summary and
	// the forms 附件4/附件5) sent. Task is 0: it is about no task.
	MonthReported Action = "month_reported"
	// Edited: what the forms need to know about an enterprise (its roles,
	// standardisation type and level, benchmark tier, risk colour) or a
	// section's monthly figures were changed on the desk; Note says what.
	// Task is 0.
	Edited Action = "edited"
)

// Actions lists every action, in the order of the flow.
var Actions = []Action{Reported, Confirmed, Returned, Recorded, Undone, Escalated, MonthReported, Edited}

// Event is one change to what is done: what (Action on the obligation Task
// of Assignee), who (By), how (Source), why (Note: the note of a report or
// record, the reason of a return or undo) and when (At, when it was
// recorded; DoneAt, for a report or record, when the work was done). Events
// are never deleted: they are the history the office shows an inspector.
type Event struct {
	ID       int64     `json:"id"`
	Action   Action    `json:"action"`
	Task     int       `json:"task"`
	Assignee Recipient `json:"assignee"`
	By       string    `json:"by"`
	Source   string    `json:"source"`
	Note     string    `json:"note,omitempty"`
	DoneAt   time.Time `json:"done_at,omitzero"`
	At       time.Time `json:"at"`
}

// Report is an obligation reported done through a link and not yet
// confirmed or returned: what the office's desk lists to confirm.
type Report struct {
	Task     int       `json:"task"`
	Assignee Recipient `json:"assignee"`
	By       string    `json:"by"`
	Note     string    `json:"note,omitempty"`
	DoneAt   time.Time `json:"done_at"`
}

// Return is a report the office sent back (退办) whose obligation is still
// open: its recipient's next message says so, and why.
type Return struct {
	Event int64     `json:"event"` // the id of the returned event
	Task  int       `json:"task"`
	To    Recipient `json:"to"`
	By    string    `json:"by"`
	// Reason is why the office sent it back.
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Desk roles.
const (
	RoleOffice  = "office"  // the office: every section, confirm and return
	RoleSection = "section" // one section's tasks and enterprises
)

// User is an account of the web desk. A section's user has its Section.
type User struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Section string `json:"section,omitempty"`
}

// Check reports the first thing in e that no store holds, or nil: an
// unknown action, a task number below 1 (or, for MonthReported and
// Edited, not 0), an assignee that is not a section
// or an enterprise, or a text the completion's check refuses (by, note,
// enterprise). Fields are named by name.
func (e *Event) Check(name Namer) error {
	if !slices.Contains(Actions, e.Action) {
		return fmt.Errorf("%s %q: unknown", name.name("action"), e.Action)
	}
	switch {
	case e.Action == MonthReported || e.Action == Edited:
		if e.Task != 0 {
			return fmt.Errorf("%s %d: a %s event is about no task: 0", name.name("task"), e.Task, e.Action)
		}
	case e.Task < 1:
		return fmt.Errorf("%s %d: a task number is 1 or more", name.name("task"), e.Task)
	}
	if e.Assignee.Kind != KindSection && e.Assignee.Kind != KindEnterprise {
		return fmt.Errorf("%s %q: a section or an enterprise", name.name("assignee"), e.Assignee.Kind)
	}
	if e.Assignee.ID == "" {
		return fmt.Errorf("%s: no id", name.name("assignee"))
	}
	c := Completion{Assignee: e.Assignee, By: e.By, Note: e.Note}
	return c.Check(name)
}
