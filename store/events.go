package store

import (
	"context"
	"errors"

	"github.com/remindd/remindd"
)

// errNotYet marks the part of issue 10's store still being written.
var errNotYet = errors.New("store: not yet")

// Apply records changes to what is done, in one transaction, each with its
// event: a report (Reported: a completion with status reported), a confirm
// (Confirmed: reported → done), a return (Returned: the reported completion
// is removed, the obligation reopens, its recipient will be told), a record
// (Recorded: status done) and an undo (Undone: the completion is removed).
// A change's At is when it is recorded (the store's clock when zero), DoneAt
// when the work was done (At when zero). It returns the events it wrote,
// with their ids, in the order given: a change that changes nothing (a
// report or record of an obligation already reported or done, a confirm or
// return of one not reported, an undo of one not done) is left out, so that a
// replay records once. A change the store refuses (an unknown action, a
// field too long) fails the whole call and nothing is written.
func (s *Store) Apply(ctx context.Context, planID string, changes []remindd.Event) ([]remindd.Event, error) {
	return nil, errNotYet
}

// Reports lists what awaits the office's confirmation: the completions with
// status reported, oldest first.
func (s *Store) Reports(ctx context.Context, planID string) ([]remindd.Report, error) {
	return nil, errNotYet
}

// EventFilter narrows Events: a task (0: any), an assignee (zero: any), a
// section (its own events and those of its enterprises are the caller's to
// pass as Assignees), and a limit (0: all), newest first.
type EventFilter struct {
	Task      int
	Assignees []remindd.Recipient
	Limit     int
}

// Events lists a plan's history, newest first.
func (s *Store) Events(ctx context.Context, planID string, f EventFilter) ([]remindd.Event, error) {
	return nil, errNotYet
}

// CompletionsOf lists one assignee's completions (done and reported), by task.
func (s *Store) CompletionsOf(ctx context.Context, planID string, who remindd.Recipient) ([]remindd.Completion, error) {
	return nil, errNotYet
}
