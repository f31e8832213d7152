package schedule

import (
	"bytes"
	"sort"
	"time"

	"github.com/remindd/remindd/plan"
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

// view is the state indexed for the rules: what does not change with the
// instant, built once per Due and shared by its jobs' evaluations.
type view struct {
	done         *Done
	achievements []Achievement
	failed       []FailedDelivery
	// sections are the plan's sections with contacts in the config, in plan
	// order; firms the active enterprises with their contacts, by credit code.
	sections, firms []assignee
}

func (e *Engine) newView(s *State) *view {
	v := &view{done: &s.Done, achievements: s.Achievements, failed: s.Failed}
	for i := range e.Plan.Sections {
		sec := &e.Plan.Sections[i]
		if cs := e.Config.SectionContacts(sec.ID); len(cs) > 0 {
			v.sections = append(v.sections, e.section(sec, cs, &s.Done))
		}
	}
	n := 0
	for i := range s.Enterprises {
		if s.Enterprises[i].Active {
			n++
		}
	}
	v.firms = make([]assignee, 0, n)
	// Enterprises of one size class and trades owe the same tasks.
	var (
		owed = map[string]bits{}
		key  []byte
	)
	for i := range s.Enterprises {
		ent := &s.Enterprises[i]
		if !ent.Active {
			continue
		}
		key = append(key[:0], ent.Size...)
		for _, t := range ent.Trades {
			key = append(append(key, 0), t...)
		}
		o, ok := owed[string(key)]
		if !ok {
			o = e.owedBits(func(t *plan.Task) bool { return t.Enterprises.Matches(ent.Size, ent.Trades) })
			owed[string(key)] = o
		}
		v.firms = append(v.firms, assignee{
			who:        Recipient{KindEnterprise, ent.ID},
			name:       ent.Name,
			contacts:   e.enterpriseContacts(ent),
			enterprise: ent,
			owed:       o,
			done:       s.Done.of(Recipient{KindEnterprise, ent.ID}),
		})
	}
	byID := func(i, j int) bool { return v.firms[i].who.ID < v.firms[j].who.ID }
	if !sort.SliceIsSorted(v.firms, byID) {
		sort.SliceStable(v.firms, byID)
	}
	return v
}

// owedBits is the set of the plan's tasks for which owes is true.
func (e *Engine) owedBits(owes func(*plan.Task) bool) bits {
	var b bits
	for i := range e.Plan.Tasks {
		t := &e.Plan.Tasks[i]
		if owes(t) {
			b = b.with(t.N)
		}
	}
	return b
}

// with adds task to b, which it may grow.
func (b bits) with(task int) bits {
	for len(b) <= task/64 {
		b = append(b, 0)
	}
	b[task/64] |= 1 << (task % 64)
	return b
}

// word is b's word w, 0 past its end.
func (b bits) word(w int) uint64 {
	if w < len(b) {
		return b[w]
	}
	return 0
}

func (v *view) isDone(task int, who Recipient) bool {
	return v.done.Has(task, who)
}
