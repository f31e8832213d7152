package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/remindd/remindd"
)

// Apply records changes to what is done, in one transaction, each with its
// event: a report (Reported: a completion with status reported), a confirm
// (Confirmed: reported → done), a return (Returned: the reported completion
// is removed, the obligation reopens, its recipient will be told), a record
// (Recorded: status done, also of a reported one) and an undo (Undone: the
// completion is removed). A change's At is when it is recorded (the store's
// clock when zero), DoneAt when the work was done (At when zero). It returns
// the events it wrote, with their ids, in the order given: a change that
// changes nothing (a report or record of an obligation already reported or
// done, a confirm or return of one not reported, an undo of one not done) is
// left out, so that a replay records once. A change the store refuses (one
// remindd.Event.Check refuses, an instant out of range) fails the whole call
// and nothing is written.
func (s *Store) Apply(ctx context.Context, planID string, changes []remindd.Event) ([]remindd.Event, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	now := s.now()
	evs := make([]remindd.Event, len(changes))
	for i, e := range changes {
		if err := e.Check(nil); err != nil {
			return nil, fmt.Errorf("store: apply change %d (%s task %d for %s): %w", i+1, e.Action, e.Task, e.Assignee, err)
		}
		if e.At.IsZero() {
			e.At = now
		}
		if e.DoneAt.IsZero() && (e.Action == remindd.Reported || e.Action == remindd.Recorded) {
			e.DoneAt = e.At
		}
		if e.Action != remindd.Reported && e.Action != remindd.Recorded {
			e.DoneAt = time.Time{}
		}
		if _, err := s.instant(e.At); err != nil {
			return nil, fmt.Errorf("store: apply change %d (%s task %d for %s): at: %w", i+1, e.Action, e.Task, e.Assignee, err)
		}
		if !e.DoneAt.IsZero() {
			if _, err := s.instant(e.DoneAt); err != nil {
				return nil, fmt.Errorf("store: apply change %d (%s task %d for %s): done at: %w", i+1, e.Action, e.Task, e.Assignee, err)
			}
		}
		evs[i] = e
	}
	var out []remindd.Event
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error {
		out = out[:0]
		for _, e := range evs {
			changed, err := s.change(ctx, tx, planID, e)
			if err != nil {
				return fmt.Errorf("%s task %d for %s: %w", e.Action, e.Task, e.Assignee, err)
			}
			if !changed {
				continue
			}
			if e.ID, err = s.addEvent(ctx, tx, planID, e); err != nil {
				return fmt.Errorf("event of %s task %d for %s: %w", e.Action, e.Task, e.Assignee, err)
			}
			out = append(out, e)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: apply: %w", err)
	}
	return out, nil
}

// change makes one event's change to completions and reports whether it
// changed anything.
func (s *Store) change(ctx context.Context, tx *sql.Tx, planID string, e remindd.Event) (bool, error) {
	key := []any{planID, e.Task, e.Assignee.Kind, e.Assignee.ID}
	const where = ` WHERE plan_id = ? AND task = ? AND assignee_kind = ? AND assignee_id = ?`
	var (
		q    string
		args []any
	)
	switch e.Action {
	case remindd.Reported, remindd.Recorded:
		status := remindd.StatusDone
		if e.Action == remindd.Reported {
			status = remindd.StatusReported
		}
		at, err := s.instants(e.DoneAt, e.At)
		if err != nil {
			return false, err
		}
		q = `INSERT INTO completions (plan_id, task, assignee_kind, assignee_id, done_at, done_by, note, recorded_at, status, source)
VALUES (` + placeholders(10) + `) ` + s.dialect.doNothing("plan_id", "task", "assignee_kind", "assignee_id")
		args = append(key, at[0], e.By, e.Note, at[1], status, e.Source)
		n, err := affected(tx.ExecContext(ctx, q, args...))
		if err != nil || n > 0 || e.Action == remindd.Reported {
			return n > 0, err
		}
		// A record of an obligation reported makes it done.
		q = `UPDATE completions SET status = 'done', done_by = ?, note = ?, recorded_at = ?, source = ?` + where + ` AND status = 'reported'`
		args = append([]any{e.By, e.Note, at[1], e.Source}, key...)
	case remindd.Confirmed:
		q = `UPDATE completions SET status = 'done'` + where + ` AND status = 'reported'`
		args = key
	case remindd.Returned:
		q = `DELETE FROM completions` + where + ` AND status = 'reported'`
		args = key
	case remindd.Undone:
		q = `DELETE FROM completions` + where
		args = key
	default:
		return false, fmt.Errorf("unknown action %q", e.Action)
	}
	n, err := affected(tx.ExecContext(ctx, q, args...))
	return n > 0, err
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func (s *Store) addEvent(ctx context.Context, tx *sql.Tx, planID string, e remindd.Event) (int64, error) {
	at, err := s.instant(e.At)
	if err != nil {
		return 0, err
	}
	var doneAt any
	if !e.DoneAt.IsZero() {
		if doneAt, err = s.instant(e.DoneAt); err != nil {
			return 0, err
		}
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events (plan_id, action, task, assignee_kind, assignee_id, done_by, source, note, done_at, at)
VALUES (`+placeholders(10)+`)`, planID, string(e.Action), e.Task, e.Assignee.Kind, e.Assignee.ID, e.By, e.Source, e.Note, doneAt, at)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// Reports lists what awaits the office's confirmation: the completions with
// status reported, oldest first.
func (s *Store) Reports(ctx context.Context, planID string) ([]remindd.Report, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT task, assignee_kind, assignee_id, done_by, note, done_at
FROM completions WHERE plan_id = ? AND status = 'reported' ORDER BY recorded_at, task, assignee_kind, assignee_id`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: reports of %s: %w", planID, err)
	}
	defer rows.Close()
	var out []remindd.Report
	for rows.Next() {
		var (
			r  remindd.Report
			at time.Time
		)
		if err := rows.Scan(&r.Task, &r.Assignee.Kind, &r.Assignee.ID, &r.By, &r.Note, &at); err != nil {
			return nil, fmt.Errorf("store: reports of %s: %w", planID, err)
		}
		r.DoneAt = at.UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: reports of %s: %w", planID, err)
	}
	return out, nil
}

// ReportCount counts what awaits the office's confirmation, as Reports
// lists it, without reading it: the index completions_status holds the
// count. A desk page's header shows it, whatever the number.
func (s *Store) ReportCount(ctx context.Context, planID string) (int, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM completions WHERE plan_id = ? AND status = 'reported'`, planID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count the reports of %s: %w", planID, err)
	}
	return n, nil
}

// EventFilter narrows Events: a task (0: any), assignees and sectors
// (neither: any; a section's history is its own events, in Assignees, and
// those of the enterprises of its sectors, in Sectors), and a limit (0:
// all).
type EventFilter struct {
	Task      int
	Assignees []remindd.Recipient
	// Sectors adds the events of the enterprises the enterprises table
	// puts in these sectors, without listing them one by one (a sector may
	// have more than a query may have parameters).
	Sectors []string
	Limit   int
}

// Events lists a plan's history, newest first.
func (s *Store) Events(ctx context.Context, planID string, f EventFilter) ([]remindd.Event, error) {
	q := `SELECT id, action, task, assignee_kind, assignee_id, done_by, source, note, done_at, at FROM events WHERE plan_id = ?`
	args := []any{planID}
	if f.Task != 0 {
		q += ` AND task = ?`
		args = append(args, f.Task)
	}
	var or []string
	for _, a := range f.Assignees {
		or = append(or, `(assignee_kind = ? AND assignee_id = ?)`)
		args = append(args, a.Kind, a.ID)
	}
	if len(f.Sectors) > 0 {
		or = append(or, `(assignee_kind = ? AND assignee_id IN (SELECT credit_code FROM enterprises WHERE sector IN (`+placeholders(len(f.Sectors))+`)))`)
		args = append(args, remindd.KindEnterprise)
		for _, sec := range f.Sectors {
			args = append(args, sec)
		}
	}
	if len(or) > 0 {
		q += ` AND (` + strings.Join(or, " OR ") + `)`
	}
	q += ` ORDER BY id DESC`
	if f.Limit > 0 {
		q += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: events of %s: %w", planID, err)
	}
	defer rows.Close()
	var out []remindd.Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("store: events of %s: %w", planID, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: events of %s: %w", planID, err)
	}
	return out, nil
}

func scanEvent(rows *sql.Rows) (remindd.Event, error) {
	var (
		e      remindd.Event
		action string
		doneAt sql.NullTime
		at     time.Time
	)
	if err := rows.Scan(&e.ID, &action, &e.Task, &e.Assignee.Kind, &e.Assignee.ID, &e.By, &e.Source, &e.Note, &doneAt, &at); err != nil {
		return e, err
	}
	e.Action = remindd.Action(action)
	if doneAt.Valid {
		e.DoneAt = doneAt.Time.UTC()
	}
	e.At = at.UTC()
	return e, nil
}

// CompletionsOf lists one assignee's completions (done and reported), by task.
func (s *Store) CompletionsOf(ctx context.Context, planID string, who remindd.Recipient) ([]remindd.Completion, error) {
	out, err := scanCompletions(s.db.QueryContext(ctx, `SELECT `+completionColumns+`
FROM completions WHERE plan_id = ? AND assignee_kind = ? AND assignee_id = ? ORDER BY task`, planID, who.Kind, who.ID))
	if err != nil {
		return nil, fmt.Errorf("store: completions of %s: %w", who, err)
	}
	return out, nil
}

// returns lists the reports sent back whose obligations are still open, as
// of instant at: each returned event that is its obligation's latest and
// whose obligation has no completion.
func (s *Store) returns(ctx context.Context, q dbtx, planID string, at time.Time) ([]remindd.Return, error) {
	by, err := s.instant(at)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.task, e.assignee_kind, e.assignee_id, e.done_by, e.note, e.at
FROM events e
WHERE e.plan_id = ? AND e.action = 'returned' AND e.at <= ?
AND NOT EXISTS (SELECT 1 FROM completions c WHERE c.plan_id = e.plan_id AND c.task = e.task
    AND c.assignee_kind = e.assignee_kind AND c.assignee_id = e.assignee_id)
AND NOT EXISTS (SELECT 1 FROM events l WHERE l.plan_id = e.plan_id AND l.task = e.task
    AND l.assignee_kind = e.assignee_kind AND l.assignee_id = e.assignee_id AND l.id > e.id)
ORDER BY e.id`, planID, by)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []remindd.Return
	for rows.Next() {
		var (
			r    remindd.Return
			when time.Time
		)
		if err := rows.Scan(&r.Event, &r.Task, &r.To.Kind, &r.To.ID, &r.By, &r.Reason, &when); err != nil {
			return nil, err
		}
		r.At = when.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
