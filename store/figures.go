package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remindd/remindd"
)

// figureKeys are monthly_figures' value columns, remindd.FigureColumns'
// keys in order (schema 6).
func figureKeys() []string {
	keys := make([]string, len(remindd.FigureColumns))
	for i, c := range remindd.FigureColumns {
		keys[i] = c.Key
	}
	return keys
}

// PutFigures records the figures sections entered, each replacing what its
// section had for its month, all in one transaction: one refused row (a
// check of MonthlyFigures.Check, or the database's) writes nothing. It
// returns how many were new and how many replaced figures already there.
// An import's figures have no event (each row keeps who entered it, By,
// how, Source, and when); the desk's, one section's month at a time, go
// through EnterFigures, which adds one.
func (s *Store) PutFigures(ctx context.Context, list []remindd.MonthlyFigures) (added, replaced int, err error) {
	for _, f := range list {
		if err := f.Check(nil); err != nil {
			return 0, 0, fmt.Errorf("store: figures of %s for %s: %w", f.Section, f.Month, err)
		}
	}
	now, err := s.instant(s.now())
	if err != nil {
		return 0, 0, err
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		added, replaced = 0, 0
		for _, f := range list {
			was, err := s.putFigures(ctx, tx, f, now)
			if err != nil {
				return err
			}
			if was {
				replaced++
			} else {
				added++
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: put figures: %w", err)
	}
	return added, replaced, nil
}

// putFigures writes f in tx, replacing what its section had for its
// month, and reports whether there was something to replace.
func (s *Store) putFigures(ctx context.Context, tx *sql.Tx, f remindd.MonthlyFigures, now any) (bool, error) {
	keys := figureKeys()
	cols := append(append([]string{"section", "month"}, keys...), "updated_by", "source", "updated_at")
	d := s.dialect
	q := `INSERT INTO monthly_figures (` + strings.Join(cols, ", ") + `) VALUES (` + placeholders(len(cols)) + `) ` +
		d.doUpdate([]string{"section", "month"}, d.takeNew(cols[2:]...)...)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM monthly_figures WHERE section = ? AND month = ?`+d.forUpdate,
		f.Section, f.Month.String()).Scan(&n); err != nil {
		return false, fmt.Errorf("figures of %s for %s: %w", f.Section, f.Month, err)
	}
	args := []any{f.Section, f.Month.String()}
	for _, k := range keys {
		args = append(args, f.Values[k])
	}
	args = append(args, f.By, f.Source, now)
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return false, fmt.Errorf("figures of %s for %s: %w", f.Section, f.Month, err)
	}
	return n > 0, nil
}

// Figures returns what section entered for month, and whether it entered
// anything.
func (s *Store) Figures(ctx context.Context, section string, month remindd.Month) (remindd.MonthlyFigures, bool, error) {
	list, err := s.figures(ctx, ` WHERE section = ? AND month = ?`, section, month.String())
	if err != nil {
		return remindd.MonthlyFigures{}, false, fmt.Errorf("store: figures of %s for %s: %w", section, month, err)
	}
	if len(list) == 0 {
		return remindd.MonthlyFigures{}, false, nil
	}
	return list[0], true, nil
}

// FiguresThrough lists every section's figures for the months up to and
// including through, by section and month: what a form for through adds up.
func (s *Store) FiguresThrough(ctx context.Context, through remindd.Month) ([]remindd.MonthlyFigures, error) {
	list, err := s.figures(ctx, ` WHERE month <= ?`, through.String())
	if err != nil {
		return nil, fmt.Errorf("store: figures through %s: %w", through, err)
	}
	return list, nil
}

func (s *Store) figures(ctx context.Context, where string, args ...any) ([]remindd.MonthlyFigures, error) {
	keys := figureKeys()
	rows, err := s.db.QueryContext(ctx, `SELECT section, month, `+strings.Join(keys, ", ")+`, updated_by, source, updated_at
FROM monthly_figures`+where+` ORDER BY section, month`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []remindd.MonthlyFigures
	for rows.Next() {
		var (
			f     = remindd.MonthlyFigures{Values: make(map[string]int64, len(keys))}
			month string
			at    time.Time
			vals  = make([]int64, len(keys))
		)
		ptrs := []any{&f.Section, &month}
		for i := range vals {
			ptrs = append(ptrs, &vals[i])
		}
		ptrs = append(ptrs, &f.By, &f.Source, &at)
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		m, err := remindd.ParseMonth(month)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("section %s: month", f.Section), err)
		}
		f.Month, f.At = m, at.UTC()
		for i, k := range keys {
			f.Values[k] = vals[i]
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
