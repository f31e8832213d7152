package schedule

import (
	"sort"
	"time"

	"remindd/plan"
)

// State is a snapshot of what is known to be done at an instant, read once
// per evaluation.
type State struct {
	// Done holds the obligations done by the instant of the snapshot.
	Done         Done
	Enterprises  []Enterprise
	Achievements []Achievement
	// Failed lists deliveries that gave up, for the office digest.
	Failed []FailedDelivery
}

// Done is a set of obligations, a bit per task for each assignee: compact
// enough for a province's enterprises. The zero value is empty.
type Done struct {
	// by kind (section, enterprise), then assignee id
	m map[string]map[string][]uint64
}

// Add marks task done by who.
func (d *Done) Add(task int, who Recipient) { d.AddBytes(task, who.Kind, []byte(who.ID)) }

// AddBytes is Add for an id read as bytes, without allocating when the
// assignee is already known.
func (d *Done) AddBytes(task int, kind string, id []byte) {
	if task < 0 {
		return
	}
	if d.m == nil {
		d.m = map[string]map[string][]uint64{}
	}
	byID := d.m[kind]
	if byID == nil {
		byID = map[string][]uint64{}
		d.m[kind] = byID
	}
	bits := byID[string(id)]
	for len(bits) <= task/64 {
		bits = append(bits, 0)
	}
	bits[task/64] |= 1 << (task % 64)
	byID[string(id)] = bits
}

// Has reports whether task is done by who.
func (d *Done) Has(task int, who Recipient) bool { return d.of(who).has(task) }

// bits is one assignee's done tasks.
type bits []uint64

func (b bits) has(task int) bool {
	return task >= 0 && task/64 < len(b) && b[task/64]&(1<<(task%64)) != 0
}

// of returns who's done tasks.
func (d *Done) of(who Recipient) bits { return d.m[who.Kind][who.ID] }

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
}

// Enterprise is one enterprise a section supervises.
type Enterprise struct {
	ID      string // 统一社会信用代码
	Name    string
	Sector  string
	Size    string // 规上, 中等, 小微
	Trades  []string
	Contact string
	Email   string
	Mobile  string
	Webhook string
	Active  bool
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

// FailedDelivery is a notification that could not be delivered.
type FailedDelivery struct {
	Key       string    `json:"key"`
	Rule      Rule      `json:"rule"`
	Recipient Recipient `json:"recipient"`
	Channel   string    `json:"channel"`
	LastError string    `json:"last_error"`
}

// view is the state as of one instant, indexed for the rules.
type view struct {
	done         *Done
	enterprises  []*Enterprise
	achievements map[[2]string]int // sector, metric → count up to the instant
	failed       []FailedDelivery
}

func newView(s *State, at time.Time, loc *time.Location) *view {
	v := &view{
		done:         &s.Done,
		achievements: map[[2]string]int{},
		failed:       s.Failed,
	}
	today := plan.DateOf(at.In(loc))
	for _, a := range s.Achievements {
		if !today.Before(a.Date) {
			v.achievements[[2]string{a.Sector, a.Metric}]++
		}
	}
	for i := range s.Enterprises {
		if s.Enterprises[i].Active {
			v.enterprises = append(v.enterprises, &s.Enterprises[i])
		}
	}
	if !sort.SliceIsSorted(v.enterprises, func(i, j int) bool { return v.enterprises[i].ID < v.enterprises[j].ID }) {
		sort.Slice(v.enterprises, func(i, j int) bool { return v.enterprises[i].ID < v.enterprises[j].ID })
	}
	return v
}

func (v *view) isDone(task int, who Recipient) bool {
	return v.done.Has(task, who)
}
