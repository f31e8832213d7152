package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// Achieve records a benchmark enterprise, certified enterprise or demo post
// and returns its id.
func (s *Store) Achieve(ctx context.Context, planID string, a remindd.Achievement) (int64, error) {
	if a.Date.IsZero() {
		return 0, fmt.Errorf("store: achieve %s %s %q: no date", a.Sector, a.Metric, a.Name)
	}
	if a.Date.Year < 1 || a.Date.Year > 9999 {
		return 0, fmt.Errorf("store: achieve %s %s %q: date %s is %w", a.Sector, a.Metric, a.Name, a.Date, ErrOutOfRange)
	}
	now, err := s.instant(s.now())
	if err != nil {
		return 0, err
	}
	ent := sql.NullString{String: a.Enterprise, Valid: a.Enterprise != ""}
	res, err := s.db.ExecContext(ctx, `INSERT INTO achievements
(plan_id, sector, metric, name, enterprise, size_class, post_kind, achieved_on, recorded_at)
VALUES (`+placeholders(9)+`)`,
		planID, a.Sector, a.Metric, a.Name, ent, a.Size, a.PostKind, a.Date.String(), now)
	if err != nil {
		return 0, fmt.Errorf("store: achieve %s %s %q: %w", a.Sector, a.Metric, a.Name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("store: achieve %s %s %q: %w", a.Sector, a.Metric, a.Name, err)
	}
	return id, nil
}

// AchieveOnce is Achieve, unless the plan holds the same achievement
// already (the same sector, metric, name, enterprise, size class, post kind
// and date): then it records nothing and returns that one's id and false.
// A form sent twice (a double click, a replay) records once.
func (s *Store) AchieveOnce(ctx context.Context, planID string, a remindd.Achievement) (int64, bool, error) {
	if a.Date.IsZero() {
		return 0, false, fmt.Errorf("store: achieve %s %s %q: no date", a.Sector, a.Metric, a.Name)
	}
	if a.Date.Year < 1 || a.Date.Year > 9999 {
		return 0, false, fmt.Errorf("store: achieve %s %s %q: date %s is %w", a.Sector, a.Metric, a.Name, a.Date, ErrOutOfRange)
	}
	now, err := s.instant(s.now())
	if err != nil {
		return 0, false, err
	}
	var (
		id    int64
		added bool
	)
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		added = false
		err := tx.QueryRowContext(ctx, `SELECT id FROM achievements
WHERE plan_id = ? AND sector = ? AND metric = ? AND name = ? AND COALESCE(enterprise, '') = ? AND size_class = ? AND post_kind = ?
AND achieved_on = ? ORDER BY id LIMIT 1`+s.dialect.forUpdate,
			planID, a.Sector, a.Metric, a.Name, a.Enterprise, a.Size, a.PostKind, a.Date.String()).Scan(&id)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		ent := sql.NullString{String: a.Enterprise, Valid: a.Enterprise != ""}
		res, err := tx.ExecContext(ctx, `INSERT INTO achievements
(plan_id, sector, metric, name, enterprise, size_class, post_kind, achieved_on, recorded_at)
VALUES (`+placeholders(9)+`)`,
			planID, a.Sector, a.Metric, a.Name, ent, a.Size, a.PostKind, a.Date.String(), now)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		added = err == nil
		return err
	})
	if err != nil {
		return 0, false, fmt.Errorf("store: achieve %s %s %q: %w", a.Sector, a.Metric, a.Name, err)
	}
	return id, added, nil
}

// Achievements lists the plan's achievements in the order they were
// recorded.
func (s *Store) Achievements(ctx context.Context, planID string) ([]remindd.Achievement, error) {
	out, err := achievements(ctx, s.db, planID)
	if err != nil {
		return nil, fmt.Errorf("store: achievements of %s: %w", planID, err)
	}
	return out, nil
}

func achievements(ctx context.Context, q dbtx, planID string) ([]remindd.Achievement, error) {
	rows, err := q.QueryContext(ctx, `SELECT sector, metric, name, enterprise, size_class, post_kind, achieved_on
FROM achievements WHERE plan_id = ? ORDER BY id`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []remindd.Achievement
	for rows.Next() {
		var (
			a   remindd.Achievement
			ent sql.NullString
			on  time.Time
		)
		if err := rows.Scan(&a.Sector, &a.Metric, &a.Name, &ent, &a.Size, &a.PostKind, &on); err != nil {
			return nil, err
		}
		a.Enterprise = ent.String
		a.Date = plan.DateOf(on.UTC())
		out = append(out, a)
	}
	return out, rows.Err()
}
