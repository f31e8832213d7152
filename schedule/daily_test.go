package schedule_test

import (
	"testing"
	"time"

	"github.com/remindd/remindd"
)

// TestMorningItemsHaveTheirDeadlines: every task of every item of the
// morning messages has its deadline, the part's own or, for an overdue
// part, the one its message's Deadlines give, as `due` prints it.
func TestMorningItemsHaveTheirDeadlines(t *testing.T) {
	e := engine(t, false)
	s := returnsState()
	for _, day := range []int{3, 24} {
		at := at9(time.May, day)
		if day == 3 {
			at = at9(time.June, day)
		}
		ns, _, err := e.Due(s, at, nil)
		if err != nil {
			t.Fatal(err)
		}
		items := 0
		for _, n := range ns {
			if n.Rule != remindd.Daily {
				continue
			}
			for _, p := range n.Parts {
				for _, task := range p.Tasks {
					items++
					due := p.Due
					if due.IsZero() && task < len(n.Deadlines) {
						due = n.Deadlines[task]
					}
					tk, ok := e.Plan.Task(task)
					if !ok || due != e.Plan.DueDate(tk.Month) {
						t.Errorf("%s: %s item of task %d has deadline %v", n.Key, p.Rule, task, due)
					}
				}
			}
		}
		if items == 0 {
			t.Errorf("%s: no items", at)
		}
	}
}
