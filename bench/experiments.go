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
// reads them (through the covering index completions_done of schema 2), with
// the text protocol, aggregated per assignee in the server, with the index
// left to the optimizer, and without it, as schema 1 read them.
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
FROM completions FORCE INDEX (completions_done) WHERE plan_id = ? AND done_at <= ?
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
	const hint = "FORCE INDEX (completions_done)"
	if err := timeIt("completions as the store reads them (`FORCE INDEX (completions_done)`, prepared statement, binary protocol, into sql.RawBytes)", b.runs, func() (int, error) { return raw(binary, hint) }); err != nil {
		return err
	}
	if err := timeIt("the same query, text protocol (interpolateParams=true)", b.runs, func() (int, error) { return raw(text, hint) }); err != nil {
		return err
	}
	if err := timeIt("aggregated in the server through the index: GROUP BY assignee, BIT_OR of the tasks as 3 words (one run)", 1, func() (int, error) { return aggregated(text) }); err != nil {
		return err
	}
	if err := timeIt("the same query without `FORCE INDEX`: the plan the optimizer picks (at 100k, MariaDB 10.11 keeps the table scan)", b.runs, func() (int, error) { return raw(binary, "") }); err != nil {
		return err
	}
	return timeIt("without the covering index (`IGNORE INDEX (completions_done)`: schema 1's table scan)", b.runs, func() (int, error) { return raw(binary, "IGNORE INDEX (completions_done)") })
}
