package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/remindd/remindd"
)

// Complete records that an obligation is done, with status done unless c
// says reported, and no event: it is how other systems' writes look.
// Recording it again updates when, by whom, the note, the status and the
// source: there is one row per obligation. Apply is the desk's and the
// command line's way, with an event for each change.
func (s *Store) Complete(ctx context.Context, planID string, c remindd.Completion) error {
	if c.DoneAt.IsZero() {
		return fmt.Errorf("store: complete task %d for %s: no time done", c.Task, c.Assignee)
	}
	at, err := s.instants(c.DoneAt, s.now())
	if err != nil {
		return fmt.Errorf("store: complete task %d for %s: done at: %w", c.Task, c.Assignee, err)
	}
	status := c.Status
	switch status {
	case "":
		status = remindd.StatusDone
	case remindd.StatusDone, remindd.StatusReported:
	default:
		return fmt.Errorf("store: complete task %d for %s: status %q: want %s or %s", c.Task, c.Assignee, c.Status, remindd.StatusDone, remindd.StatusReported)
	}
	d := s.dialect
	q := `INSERT INTO completions (plan_id, task, assignee_kind, assignee_id, done_at, done_by, note, recorded_at, status, source)
VALUES (` + placeholders(10) + `) ` +
		d.doUpdate([]string{"plan_id", "task", "assignee_kind", "assignee_id"}, d.takeNew("done_at", "done_by", "note", "recorded_at", "status", "source")...)
	if _, err := s.db.ExecContext(ctx, q, planID, c.Task, c.Assignee.Kind, c.Assignee.ID,
		at[0], c.By, c.Note, at[1], status, c.Source); err != nil {
		return fmt.Errorf("store: complete task %d for %s: %w", c.Task, c.Assignee, err)
	}
	return nil
}

// Undo removes the completion of an obligation and reports whether there was one.
func (s *Store) Undo(ctx context.Context, planID string, task int, who remindd.Recipient) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM completions
WHERE plan_id = ? AND task = ? AND assignee_kind = ? AND assignee_id = ?`, planID, task, who.Kind, who.ID)
	if err != nil {
		return false, fmt.Errorf("store: undo task %d for %s: %w", task, who, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("store: undo task %d for %s: %w", task, who, err)
	}
	return n > 0, nil
}

// completionColumns are what completions and CompletionsOf read, in the
// order scanCompletions scans them.
const completionColumns = `task, assignee_kind, assignee_id, done_at, done_by, note, status, source`

func completions(ctx context.Context, q dbtx, planID string) ([]remindd.Completion, error) {
	return scanCompletions(q.QueryContext(ctx, `SELECT `+completionColumns+`
FROM completions WHERE plan_id = ? ORDER BY task, assignee_kind, assignee_id`, planID))
}

// scanCompletions reads the rows of a query of completionColumns.
func scanCompletions(rows *sql.Rows, err error) ([]remindd.Completion, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []remindd.Completion
	for rows.Next() {
		var (
			c  remindd.Completion
			at time.Time
		)
		if err := rows.Scan(&c.Task, &c.Assignee.Kind, &c.Assignee.ID, &at, &c.By, &c.Note, &c.Status, &c.Source); err != nil {
			return nil, err
		}
		c.DoneAt = at.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}

// Completions lists a plan's completions, by task and assignee.
func (s *Store) Completions(ctx context.Context, planID string) ([]remindd.Completion, error) {
	out, err := completions(ctx, s.db, planID)
	if err != nil {
		return nil, fmt.Errorf("store: completions of %s: %w", planID, err)
	}
	return out, nil
}

// doneIndex makes a query read completions through completions_done
// (schema 2), which holds every column the snapshot reads, by assignee:
// MariaDB's optimizer prefers the table scan by itself, which reads each
// row's note and takes four times as long at a million rows.
func (s *Store) doneIndex() string {
	if s.dialect.name == "mysql" {
		return "FORCE INDEX (completions_done)"
	}
	return "INDEXED BY completions_done"
}

// done adds to d the obligations of a plan done by at. The rows come by
// assignee, which d looks up once for all its rows.
func (s *Store) done(ctx context.Context, q dbtx, planID string, at time.Time, d *remindd.Done) error {
	by, err := s.instant(at)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT task, assignee_kind, assignee_id FROM completions `+s.doneIndex()+`
WHERE plan_id = ? AND done_at <= ?`, planID, by)
	if err != nil {
		return err
	}
	defer rows.Close()
	var (
		task     int
		kind, id sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&task, &kind, &id); err != nil {
			return err
		}
		switch string(kind) { // no allocation: the kinds are constants
		case remindd.KindSection:
			d.AddBytes(task, remindd.KindSection, id)
		case remindd.KindEnterprise:
			d.AddBytes(task, remindd.KindEnterprise, id)
		}
	}
	return rows.Err()
}

// reported adds to d the obligations of a plan reported by at and not yet
// confirmed, through the completions_status index (schema 4): they are few.
func (s *Store) reported(ctx context.Context, q dbtx, planID string, at time.Time, d *remindd.Done) error {
	by, err := s.instant(at)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT task, assignee_kind, assignee_id FROM completions
WHERE plan_id = ? AND status = 'reported' AND done_at <= ?`, planID, by)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			task int
			who  remindd.Recipient
		)
		if err := rows.Scan(&task, &who.Kind, &who.ID); err != nil {
			return err
		}
		d.Add(task, who)
	}
	return rows.Err()
}
