package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestMigrationToSchema9ClustersCompletionsByAssignee: schema 9 keeps
// every completion written under schema 4, keys the table by (plan,
// assignee, task) in that order, and still refuses a second row of one
// obligation: a report of it again changes nothing, a Complete updates it.
func TestMigrationToSchema9ClustersCompletionsByAssignee(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := store.Open(ctx, b.Addr(t))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if _, _, err := s.MigrateTo(ctx, 4); err != nil {
				t.Fatal(err)
			}
			firm := remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582MA2Y1234X1"}
			section := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
			at := time.Date(2024, 5, 24, 1, 0, 0, 0, time.UTC)
			for _, c := range []remindd.Completion{
				{Task: 44, Assignee: firm, DoneAt: at, By: "王小明", Note: "已达标", Status: remindd.StatusReported, Source: remindd.SourceLink},
				{Task: 4, Assignee: firm, DoneAt: at.Add(-time.Hour), By: "王小明"},
				{Task: 44, Assignee: section, DoneAt: at, By: "张科长", Source: remindd.SourceCLI},
			} {
				if err := s.Complete(ctx, planID, c); err != nil {
					t.Fatal(err)
				}
			}
			before := storetest.Dump(t, s)["completions"]
			if _, _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(before, storetest.Dump(t, s)["completions"]); diff != "" {
				t.Errorf("schema 9 changed the completions (-before +after):\n%s", diff)
			}
			q := `SELECT name FROM pragma_table_info('completions') WHERE pk > 0 ORDER BY pk`
			if s.Driver() == "mysql" {
				q = `SELECT column_name FROM information_schema.key_column_usage
WHERE table_schema = DATABASE() AND table_name = 'completions' AND constraint_name = 'PRIMARY' ORDER BY ordinal_position`
			}
			var key []string
			rows, err := s.DB().QueryContext(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for rows.Next() {
				var c string
				if err := rows.Scan(&c); err != nil {
					t.Fatal(err)
				}
				key = append(key, c)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if diff := cmp.Diff([]string{"plan_id", "assignee_kind", "assignee_id", "task"}, key); diff != "" {
				t.Errorf("completions' primary key (-want +got):\n%s", diff)
			}

			evs, err := s.Apply(ctx, planID, []remindd.Event{{Action: remindd.Reported, Task: 44, Assignee: firm, By: "李四", Source: remindd.SourceLink, At: at.Add(time.Hour)}})
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 0 {
				t.Errorf("a second report of task 44 wrote %v", evs)
			}
			if err := s.Complete(ctx, planID, remindd.Completion{Task: 4, Assignee: firm, DoneAt: at, By: "赵六"}); err != nil {
				t.Fatal(err)
			}
			cs, err := s.CompletionsOf(ctx, planID, firm)
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 2 || cs[0].Task != 4 || cs[0].By != "赵六" || cs[1].Task != 44 || cs[1].By != "王小明" {
				t.Errorf("the enterprise's completions %+v, want 4 by 赵六 and 44 by 王小明", cs)
			}
		})
	}
}
