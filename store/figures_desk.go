package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/remindd/remindd"
)

// EnterFigures records the figures one section entered for one month on
// the desk, replacing what it had for that month, with an event
// (remindd.Edited, task 0, the section its assignee, note "月报数据
// YYYY-MM") in the same transaction: both are written or neither. It
// reports whether figures were there before. The event's By, Source and
// At are the figures' (At, when zero, the store's clock).
func (s *Store) EnterFigures(ctx context.Context, planID string, f remindd.MonthlyFigures) (replaced bool, err error) {
	if err := f.Check(nil); err != nil {
		return false, fmt.Errorf("store: figures of %s for %s: %w", f.Section, f.Month, err)
	}
	at := f.At
	if at.IsZero() {
		at = s.now()
	}
	e := remindd.Event{Action: remindd.Edited, Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: f.Section},
		By: f.By, Source: f.Source, Note: "月报数据 " + f.Month.String(), At: at}
	if err := e.Check(nil); err != nil {
		return false, fmt.Errorf("store: figures of %s for %s: %w", f.Section, f.Month, err)
	}
	now, err := s.instant(at)
	if err != nil {
		return false, err
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		if replaced, err = s.putFigures(ctx, tx, f, now); err != nil {
			return err
		}
		_, err = s.addEvent(ctx, tx, planID, e)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: enter figures: %w", err)
	}
	return replaced, nil
}
