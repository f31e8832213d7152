package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/remindd/remindd"
)

// Snapshot reads what the rules need to know about a plan at instant at, in
// one read-only transaction so that the parts agree: the obligations done by
// then, every enterprise (active or not, with what the rules read of it: no
// contact name or mobile number), its achievements and its failed
// deliveries. It sends one query per table, however many rows there are, and
// keeps completions as a compact set.
func (s *Store) Snapshot(ctx context.Context, planID string, at time.Time) (*remindd.State, error) {
	var st *remindd.State
	err := s.inTx(ctx, s.readOnly(), func(tx *sql.Tx) error {
		st = &remindd.State{}
		var err error
		if err = s.done(ctx, tx, planID, at, &st.Done); err != nil {
			return fmt.Errorf("completions: %w", err)
		}
		// Most enterprises have done something: room for those and an
		// eighth more, so that the slice rarely grows, and is copied, as
		// it fills.
		n := st.Done.Assignees(remindd.KindEnterprise)
		if st.Enterprises, err = ruleEnterprises(ctx, tx, n+n/8); err != nil {
			return fmt.Errorf("enterprises: %w", err)
		}
		if st.Achievements, err = achievements(ctx, tx, planID); err != nil {
			return fmt.Errorf("achievements: %w", err)
		}
		if st.Failed, err = failed(ctx, tx, planID); err != nil {
			return fmt.Errorf("notifications: %w", err)
		}
		if err = s.reported(ctx, tx, planID, at, &st.Reported); err != nil {
			return fmt.Errorf("reported completions: %w", err)
		}
		if st.Returns, err = s.returns(ctx, tx, planID, at); err != nil {
			return fmt.Errorf("returned reports: %w", err)
		}
		if st.MonthlyReports, err = monthlyReports(ctx, tx, planID); err != nil {
			return fmt.Errorf("monthly reports: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: snapshot of %s: %w", planID, err)
	}
	return st, nil
}
