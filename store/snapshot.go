package store

import (
	"context"
	"database/sql"
	"fmt"

	"remindd/schedule"
)

// Snapshot reads what the rules need to know about a plan, in one read-only
// transaction so that the parts agree: its completions, every enterprise
// (active or not), its achievements and its failed deliveries. It sends one
// query per table, however many rows there are.
func (s *Store) Snapshot(ctx context.Context, planID string) (*schedule.State, error) {
	var st *schedule.State
	err := s.inTx(ctx, s.readOnly(), func(tx *sql.Tx) error {
		st = &schedule.State{}
		var err error
		if st.Completions, err = completions(ctx, tx, planID); err != nil {
			return fmt.Errorf("completions: %w", err)
		}
		if st.Enterprises, err = enterprises(ctx, tx); err != nil {
			return fmt.Errorf("enterprises: %w", err)
		}
		if st.Achievements, err = achievements(ctx, tx, planID); err != nil {
			return fmt.Errorf("achievements: %w", err)
		}
		if st.Failed, err = failed(ctx, tx, planID); err != nil {
			return fmt.Errorf("notifications: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: snapshot of %s: %w", planID, err)
	}
	return st, nil
}
