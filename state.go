package remindd

import (
	"bytes"
	"time"

	"github.com/remindd/remindd/plan"
)

// State is a snapshot of what is known to be done at an instant, read once
// per evaluation.
type State struct {
	// Done holds the obligations done by the instant of the snapshot,
	// reported ones included: a report stops the reminders at once.
	Done Done
	// Reported holds those of Done reported through a link and awaiting
	// the office's confirmation (销号).
	Reported     Done
	Enterprises  []Enterprise
	Achievements []Achievement
	// Failed lists deliveries that gave up, for the office digest.
	Failed []FailedDelivery
	// Returns lists the reports the office sent back (退办) whose
	// obligations are still open, oldest first: each recipient is told.
	Returns []Return
	// MonthlyReports are the months' reports sections marked sent.
	MonthlyReports []MonthlyReport
}

// MonthlyReport records that a section sent its monthly report (the
// written summary and the forms) for Month, YYYY-MM.
type MonthlyReport struct {
	Section string    `json:"section"`
	Month   string    `json:"month"`
	By      string    `json:"by"`
	Source  string    `json:"source"`
	At      time.Time `json:"at"`
}

// Sent reports whether section marked month's report sent in rs.
func Sent(rs []MonthlyReport, section, month string) bool {
	for _, r := range rs {
		if r.Section == section && r.Month == month {
			return true
		}
	}
	return false
}

// Done is a set of obligations, a bit per task for each assignee: compact
// enough for a province's enterprises. The zero value is empty.
type Done struct {
	// by kind (section, enterprise), then assignee id
	m map[string]map[string][]uint64
	// words is the longest bit set yet: a new assignee's set gets as many
	// words, so that it rarely grows again.
	words int
	// The assignee AddBytes added to last, whose set it adds to again
	// without a lookup: a reader that gets each assignee's rows together
	// looks each up once.
	lastKind string
	lastID   []byte
	last     []uint64
}

// Assignees counts the assignees of kind with something done.
func (d *Done) Assignees(kind string) int { return len(d.m[kind]) }

// Add marks task done by who.
func (d *Done) Add(task int, who Recipient) { d.AddBytes(task, who.Kind, []byte(who.ID)) }

// AddBytes is Add for an id read as bytes, without allocating when the
// assignee is already known.
func (d *Done) AddBytes(task int, kind string, id []byte) {
	if task < 0 {
		return
	}
	w := task / 64
	if w < len(d.last) && kind == d.lastKind && bytes.Equal(id, d.lastID) {
		d.last[w] |= 1 << (task % 64)
		return
	}
	byID := d.m[kind]
	bits := byID[string(id)] // no allocation to look up
	if w >= len(bits) {
		if byID == nil {
			if d.m == nil {
				d.m = map[string]map[string][]uint64{}
			}
			byID = map[string][]uint64{}
			d.m[kind] = byID
		}
		d.words = max(d.words, w+1)
		bits = append(bits, make([]uint64, d.words-len(bits))...)
		byID[string(id)] = bits
	}
	bits[w] |= 1 << (task % 64)
	d.lastKind, d.lastID, d.last = kind, append(d.lastID[:0], id...), bits
}

// Has reports whether task is done by who.
func (d *Done) Has(task int, who Recipient) bool {
	b := d.Words(who)
	return task >= 0 && task/64 < len(b) && b[task/64]&(1<<(task%64)) != 0
}

// Words returns who's done tasks as a bit set: task t is bit t%64 of word
// t/64, and words past the end are zero. The slice is the set's own, for
// the rules to combine with theirs a word at a time; it must not be
// modified.
func (d *Done) Words(who Recipient) []uint64 { return d.m[who.Kind][who.ID] }

// Len counts the obligations in the set.
func (d *Done) Len() int {
	n := 0
	for _, byID := range d.m {
		for _, bits := range byID {
			for _, w := range bits {
				n += bits64(w)
			}
		}
	}
	return n
}

func bits64(w uint64) int {
	n := 0
	for ; w != 0; w &= w - 1 {
		n++
	}
	return n
}

// Completion records that an obligation is done.
type Completion struct {
	Task     int
	Assignee Recipient
	DoneAt   time.Time
	By       string
	Note     string
	// Status is StatusDone or StatusReported; "" reads as done.
	Status string
	// Source says how it came (SourceLink, SourceDesk, …); "" when written
	// by another system.
	Source string
}

// Achievement is one benchmark enterprise, certified enterprise or demo post.
type Achievement struct {
	Sector     string
	Metric     string
	Name       string
	Enterprise string
	Size       string
	PostKind   string
	Date       plan.Date
}
