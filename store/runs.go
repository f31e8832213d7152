package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/remindd/remindd"
)

// LastRuns returns the last recorded run of each of a plan's jobs.
func (s *Store) LastRuns(ctx context.Context, planID string) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT job, last_run_at FROM job_runs WHERE plan_id = ?`, planID)
	if err != nil {
		return nil, fmt.Errorf("store: last runs of %s: %w", planID, err)
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var (
			job string
			at  time.Time
		)
		if err := rows.Scan(&job, &at); err != nil {
			return nil, fmt.Errorf("store: last runs of %s: %w", planID, err)
		}
		out[job] = at.UTC()
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: last runs of %s: %w", planID, err)
	}
	return out, nil
}

// RecordRuns records job runs in one transaction. A job's recorded run only
// moves forward: an earlier time than the one stored is ignored.
func (s *Store) RecordRuns(ctx context.Context, planID string, runs []remindd.Run) error {
	err := s.inTx(ctx, nil, func(tx *sql.Tx) error { return s.recordRuns(ctx, tx, planID, runs) })
	if err != nil {
		return fmt.Errorf("store: record runs of %s: %w", planID, err)
	}
	return nil
}

func (s *Store) recordRuns(ctx context.Context, tx *sql.Tx, planID string, runs []remindd.Run) error {
	d := s.dialect
	q := `INSERT INTO job_runs (plan_id, job, last_run_at) VALUES (?, ?, ?) ` +
		d.doUpdate([]string{"plan_id", "job"}, `last_run_at = CASE WHEN `+d.excluded("last_run_at")+` > last_run_at THEN `+
			d.excluded("last_run_at")+` ELSE last_run_at END`)
	for _, r := range runs {
		at, err := s.instant(r.At)
		if err != nil {
			return fmt.Errorf("job %s: %w", r.Job, err)
		}
		if _, err := tx.ExecContext(ctx, q, planID, r.Job, at); err != nil {
			return fmt.Errorf("job %s: %w", r.Job, err)
		}
	}
	return nil
}
