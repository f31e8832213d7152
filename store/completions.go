package store

import (
	"context"
	"fmt"
	"time"

	"remindd/schedule"
)

// Complete records that an obligation is done. Recording it again updates
// when, by whom and the note: there is one row per obligation.
func (s *Store) Complete(ctx context.Context, planID string, c schedule.Completion) error {
	if c.DoneAt.IsZero() {
		return fmt.Errorf("store: complete task %d for %s: no time done", c.Task, c.Assignee)
	}
	d := s.dialect
	q := `INSERT INTO completions (plan_id, task, assignee_kind, assignee_id, done_at, done_by, note, recorded_at)
VALUES (` + placeholders(8) + `) ` +
		d.doUpdate([]string{"plan_id", "task", "assignee_kind", "assignee_id"}, d.takeNew("done_at", "done_by", "note", "recorded_at")...)
	if _, err := s.db.ExecContext(ctx, q, planID, c.Task, c.Assignee.Kind, c.Assignee.ID,
		s.instant(c.DoneAt), c.By, c.Note, s.instant(s.now())); err != nil {
		return fmt.Errorf("store: complete task %d for %s: %w", c.Task, c.Assignee, err)
	}
	return nil
}

// Undo removes the completion of an obligation and reports whether there was one.
func (s *Store) Undo(ctx context.Context, planID string, task int, who schedule.Recipient) (bool, error) {
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

func completions(ctx context.Context, q dbtx, planID string) ([]schedule.Completion, error) {
	rows, err := q.QueryContext(ctx, `SELECT task, assignee_kind, assignee_id, done_at, done_by, note
FROM completions WHERE plan_id = ? ORDER BY task, assignee_kind, assignee_id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schedule.Completion
	for rows.Next() {
		var (
			c  schedule.Completion
			at time.Time
		)
		if err := rows.Scan(&c.Task, &c.Assignee.Kind, &c.Assignee.ID, &at, &c.By, &c.Note); err != nil {
			return nil, err
		}
		c.DoneAt = at.UTC()
		out = append(out, c)
	}
	return out, rows.Err()
}
