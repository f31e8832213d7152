package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestMigrateAgainAfterHalfApply: on MySQL a migration's DDL commits before
// its version is recorded; the latest migration, its statements run but its
// version lost, runs again without an error. (On SQLite a migration and its
// version commit together: there is no half.)
func TestMigrateAgainAfterHalfApply(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		if s.Driver() != "mysql" {
			return
		}
		ctx := context.Background()
		want, err := s.SchemaVersion()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = ?`, want); err != nil {
			t.Fatal(err)
		}
		from, to, err := s.Migrate(ctx)
		if err != nil {
			t.Fatalf("migrate again: %v", err)
		}
		if from != want-1 || to != want {
			t.Errorf("migrate again: from %d to %d, want %d to %d", from, to, want-1, want)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Errorf("check schema: %v", err)
		}
	})
}

// TestSnapshotReadsCompletionsThroughTheIndex: the snapshot's completions
// are the plan's done by the instant, read through completions_done, for
// sections and enterprises alike, however many each assignee has.
func TestSnapshotReadsCompletionsThroughTheIndex(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var want []remindd.Completion
		for i, task := range []int{1, 63, 64, 65, 127, 128, 133} {
			for _, who := range []remindd.Recipient{section("industry-mgmt"), enterprise(code(i % 3))} {
				c := remindd.Completion{Task: task, Assignee: who, DoneAt: at("2024-05-01 09:00:00").AddDate(0, 0, i)}
				if err := s.Complete(ctx, planID, c); err != nil {
					t.Fatal(err)
				}
				want = append(want, c)
			}
		}
		if err := s.Complete(ctx, "other-plan", remindd.Completion{Task: 2, Assignee: section("industry-mgmt"), DoneAt: at("2024-05-01 09:00:00")}); err != nil {
			t.Fatal(err)
		}
		instant := at("2024-05-04 09:00:00")
		st, err := s.Snapshot(ctx, planID, instant)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, c := range want {
			done := !c.DoneAt.After(instant)
			if done {
				n++
			}
			if got := st.Done.Has(c.Task, c.Assignee); got != done {
				t.Errorf("task %d by %s done at %s: in the snapshot at %s %v, want %v", c.Task, c.Assignee, c.DoneAt, instant, got, done)
			}
		}
		if st.Done.Has(2, section("industry-mgmt")) {
			t.Error("another plan's completion is in the snapshot")
		}
		if got := st.Done.Len(); got != n {
			t.Errorf("snapshot holds %d completions, want %d", got, n)
		}
	})
}

// TestSnapshotEnterprisesCarryWhatTheRulesRead: the snapshot's enterprises,
// active or not and by credit code, have every field the rules read, each
// their own or shared (sector, size class, trades) as written; not the
// contact's name and mobile number, nor the forms' attributes; their roles
// (tasks address 相关企业 by role).
func TestSnapshotEnterprisesCarryWhatTheRulesRead(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var written []remindd.Enterprise
		for i, trades := range [][]string{{"消防重点单位", "有限空间"}, nil, {"消防重点单位", "有限空间"}, {"有限空间"}, {"消防重点单位"}} {
			written = append(written, remindd.Enterprise{
				ID: code(9 - i), Name: fmt.Sprintf("晋江市第%d旅行社", i), Sector: []string{"tourism", "culture"}[i%2],
				Size: []string{"规上", "中等", "小微"}[i%3], Trades: trades, Contact: "陈晓明", Mobile: "13800000000",
				Email: fmt.Sprintf("a%d@example.cn", i), Webhook: []string{"", "https://example.cn/hook?key=1"}[i%2], Active: i != 3,
				Roles: [][]string{{"标杆培育对象"}, nil, {"标杆培育对象", "认证企业"}}[i%3], StdType: "国标", Level: "三级", BenchmarkTier: "市级", Risk: "蓝",
			})
		}
		mustUpsert(t, s, written...)
		st, err := s.Snapshot(ctx, planID, later)
		if err != nil {
			t.Fatal(err)
		}
		var want []remindd.Enterprise
		for i := len(written) - 1; i >= 0; i-- {
			e := written[i]
			e.Contact, e.Mobile = "", ""
			e.StdType, e.Level, e.BenchmarkTier, e.Risk = "", "", "", ""
			want = append(want, e)
		}
		if diff := cmp.Diff(want, st.Enterprises); diff != "" {
			t.Errorf("snapshot's enterprises (-want +got):\n%s", diff)
		}
	})
}
