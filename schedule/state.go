package schedule

import (
	"sort"
	"time"

	"remindd/plan"
)

// State is a snapshot of what is known to be done, read once per evaluation.
type State struct {
	Completions  []Completion
	Enterprises  []Enterprise
	Achievements []Achievement
	// Failed lists deliveries that gave up, for the office digest.
	Failed []FailedDelivery
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
	done         map[obligation]bool
	enterprises  []*Enterprise
	achievements map[[2]string]int // sector, metric → count up to the instant
	failed       []FailedDelivery
}

type obligation struct {
	task int
	who  Recipient
}

func newView(s *State, at time.Time, loc *time.Location) *view {
	v := &view{
		done:         make(map[obligation]bool, len(s.Completions)),
		achievements: map[[2]string]int{},
		failed:       s.Failed,
	}
	for _, c := range s.Completions {
		if !c.DoneAt.After(at) {
			v.done[obligation{c.Task, c.Assignee}] = true
		}
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
	sort.Slice(v.enterprises, func(i, j int) bool { return v.enterprises[i].ID < v.enterprises[j].ID })
	return v
}

func (v *view) isDone(task int, who Recipient) bool {
	return v.done[obligation{task, who}]
}
