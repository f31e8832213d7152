package store

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"time"

	"github.com/remindd/remindd"
)

// validMonth is a month as monthly reports name it: YYYY-MM.
var validMonth = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)

// MarkMonthlyReport records that a section sent its report for a month
// (YYYY-MM): by whom, how (remindd.SourceLink, SourceDesk …) and at r.At,
// with an event (remindd.MonthReported, task 0, the section its assignee)
// in the same transaction. A month marked already is left as it was, and
// false says so: a form sent twice records once.
func (s *Store) MarkMonthlyReport(ctx context.Context, planID string, r remindd.MonthlyReport) (bool, error) {
	if !validMonth.MatchString(r.Month) {
		return false, fmt.Errorf("store: monthly report of %s: month %q is not YYYY-MM", r.Section, r.Month)
	}
	if r.Section == "" {
		return false, fmt.Errorf("store: monthly report of %s: no section", r.Month)
	}
	if r.At.IsZero() {
		r.At = s.now()
	}
	e := remindd.Event{Action: remindd.MonthReported, Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: r.Section},
		By: r.By, Source: r.Source, Note: "月报 " + r.Month, At: r.At}
	if err := e.Check(nil); err != nil {
		return false, fmt.Errorf("store: monthly report of %s %s: %w", r.Section, r.Month, err)
	}
	at, err := s.instant(r.At)
	if err != nil {
		return false, fmt.Errorf("store: monthly report of %s %s: %w", r.Section, r.Month, err)
	}
	var added bool
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		n, err := affected(tx.ExecContext(ctx, `INSERT INTO monthly_reports
(plan_id, section, month, reported_by, source, reported_at) VALUES (`+placeholders(6)+`) `+
			s.dialect.doNothing("plan_id", "section", "month"),
			planID, r.Section, r.Month, r.By, r.Source, at))
		if err != nil {
			return err
		}
		if added = n == 1; !added {
			return nil
		}
		_, err = s.addEvent(ctx, tx, planID, e)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: monthly report of %s %s: %w", r.Section, r.Month, err)
	}
	return added, nil
}

// MonthlyReports lists the months' reports marked sent, by month, then
// section.
func (s *Store) MonthlyReports(ctx context.Context, planID string) ([]remindd.MonthlyReport, error) {
	return monthlyReports(ctx, s.db, planID)
}

func monthlyReports(ctx context.Context, q dbtx, planID string) ([]remindd.MonthlyReport, error) {
	rows, err := q.QueryContext(ctx, `SELECT section, month, reported_by, source, reported_at
FROM monthly_reports WHERE plan_id = ? ORDER BY month, section`, planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []remindd.MonthlyReport
	for rows.Next() {
		var (
			r    remindd.MonthlyReport
			when time.Time
		)
		if err := rows.Scan(&r.Section, &r.Month, &r.By, &r.Source, &when); err != nil {
			return nil, err
		}
		r.At = when.UTC()
		out = append(out, r)
	}
	return out, rows.Err()
}
