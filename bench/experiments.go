package main

import (
	"context"
	"database/sql"
	"time"
)

// experiment is one alternative way of reading what the sweep needs,
// timed on the same database after the measurements proper.
type experiment struct {
	what string
	rows int
	took []time.Duration
	err  string
}

// tableSize is one table's footprint in the server.
type tableSize struct {
	name        string
	rows        int64
	data, index int64
}

// readExperiments times how the completions could be read: as the store
// reads them now, with the text protocol, and aggregated per assignee in
// the server; then again with a covering index on (plan, done_at, task,
// assignee), which the shipped schema lacks, and which is dropped again.
func (b *bench) readExperiments(ctx context.Context, name string, res *sweepResult) error {
	rows, err := b.admin.QueryContext(ctx, `SELECT table_name, table_rows, data_length, index_length
FROM information_schema.tables WHERE table_schema = ? ORDER BY data_length DESC`, name)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t tableSize
		if err := rows.Scan(&t.name, &t.rows, &t.data, &t.index); err != nil {
			rows.Close()
			return err
		}
		res.tables = append(res.tables, t)
	}
	rows.Close()

	binary, err := sql.Open("mysql", b.server+"/"+name+"?parseTime=true&loc=UTC")
	if err != nil {
		return err
	}
	defer binary.Close()
	text, err := sql.Open("mysql", b.server+"/"+name+"?parseTime=true&loc=UTC&interpolateParams=true")
	if err != nil {
		return err
	}
	defer text.Close()
	planID, at := b.plan.ID, sweepAt.UTC()

	raw := func(db *sql.DB, hint string) (int, error) {
		rows, err := db.QueryContext(ctx, `SELECT task, assignee_kind, assignee_id FROM completions `+hint+` WHERE plan_id = ? AND done_at <= ?`, planID, at)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		var (
			task     int
			kind, id sql.RawBytes
			n        int
		)
		for rows.Next() {
			if err := rows.Scan(&task, &kind, &id); err != nil {
				return 0, err
			}
			n++
		}
		return n, rows.Err()
	}
	// One row per assignee with its done tasks as three 64-bit words.
	aggregated := func(db *sql.DB) (int, error) {
		rows, err := db.QueryContext(ctx, `SELECT assignee_kind, assignee_id,
  BIT_OR(IF(task < 64, 1 << task, 0)),
  BIT_OR(IF(task >= 64 AND task < 128, 1 << (task - 64), 0)),
  BIT_OR(IF(task >= 128, 1 << (task - 128), 0))
FROM completions WHERE plan_id = ? AND done_at <= ?
GROUP BY assignee_kind, assignee_id`, planID, at)
		if err != nil {
			return 0, err
		}
		defer rows.Close()
		var (
			kind, id   sql.RawBytes
			w0, w1, w2 uint64
			n          int
		)
		for rows.Next() {
			if err := rows.Scan(&kind, &id, &w0, &w1, &w2); err != nil {
				return 0, err
			}
			n++
		}
		return n, rows.Err()
	}
	// A failing experiment is reported, not fatal.
	timeIt := func(what string, runs int, fn func() (int, error)) error {
		e := experiment{what: what}
		fail := func(err error) error {
			e.err = err.Error()
			res.experiments = append(res.experiments, e)
			b.logf("  %s: %v", what, err)
			return nil
		}
		if runs > 1 {
			if _, err := fn(); err != nil { // warm-up
				return fail(err)
			}
		}
		for i := 0; i < runs; i++ {
			t0 := time.Now()
			n, err := fn()
			if err != nil {
				return fail(err)
			}
			e.took = append(e.took, time.Since(t0))
			e.rows = n
		}
		res.experiments = append(res.experiments, e)
		b.logf("  %s: %s (%d rows)", what, median(e.took), e.rows)
		return nil
	}
	if err := timeIt("completions as the store reads them (prepared statement, binary protocol, into sql.RawBytes)", b.runs, func() (int, error) { return raw(binary, "") }); err != nil {
		return err
	}
	if err := timeIt("the same query, text protocol (interpolateParams=true)", b.runs, func() (int, error) { return raw(text, "") }); err != nil {
		return err
	}
	if err := timeIt("aggregated in the server: GROUP BY assignee, BIT_OR of the tasks as 3 words (one run)", 1, func() (int, error) { return aggregated(text) }); err != nil {
		return err
	}
	t0 := time.Now()
	if _, err := binary.ExecContext(ctx, `ALTER TABLE completions ADD INDEX bench_done (plan_id, done_at, task, assignee_kind, assignee_id)`); err != nil {
		return err
	}
	res.indexTime = time.Since(t0)
	defer func() {
		if _, err := binary.ExecContext(ctx, `ALTER TABLE completions DROP INDEX bench_done`); err != nil {
			b.logf("  drop index: %v", err)
		}
	}()
	if _, err := binary.ExecContext(ctx, `ANALYZE TABLE completions`); err != nil {
		return err
	}
	if err := timeIt("with a covering index (plan_id, done_at, task, assignee_kind, assignee_id): the store's query unchanged", b.runs, func() (int, error) { return raw(binary, "") }); err != nil {
		return err
	}
	return timeIt("with that index and `FORCE INDEX` (the optimizer does not pick it by itself)", b.runs, func() (int, error) { return raw(binary, "FORCE INDEX (bench_done)") })
}
