package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/remindd/remindd/store"
)

// Dump reads every row of every table of s, the tables found in the
// database's catalog (so a table a later schema adds is not forgotten; not
// SQLite's own, such as the counters of sqlite_sequence, which move with
// the rows they count):
// for each table its rows, each one line of col="value" cells, sorted. Two
// dumps are equal exactly when the store holds the same; compare them with
// cmp.Diff to see what changed.
func Dump(t testing.TB, s *store.Store) map[string][]string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name`
	if s.Driver() == "mysql" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() ORDER BY table_name`
	}
	tables := queryStrings(t, s.DB(), q)
	if len(tables) < 5 {
		t.Fatalf("the store has %d tables: %v", len(tables), tables)
	}
	out := map[string][]string{}
	for _, table := range tables {
		out[table] = dumpTable(t, s.DB(), table)
	}
	return out
}

func dumpTable(t testing.TB, db *sql.DB, table string) []string {
	t.Helper()
	rows, err := db.QueryContext(context.Background(), "SELECT * FROM "+table)
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	lines := []string{}
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("dump %s: %v", table, err)
		}
		cells := make([]string, len(vals))
		for i, v := range vals {
			cells[i] = fmt.Sprintf("%s=%q", cols[i], v.String)
			if !v.Valid {
				cells[i] = cols[i] + "=NULL"
			}
		}
		lines = append(lines, strings.Join(cells, " "))
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("dump %s: %v", table, err)
	}
	slices.Sort(lines)
	return lines
}

func queryStrings(t testing.TB, db *sql.DB, q string) []string {
	t.Helper()
	rows, err := db.Query(q)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
