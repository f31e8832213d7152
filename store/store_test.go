package store_test

import (
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

const planID = "jinjiang-2024"

// cst is the plan's zone, fixed so that the tests need no zone database.
var cst = time.FixedZone("CST", 8*3600)

// at is an instant in the plan's zone with microseconds, as a deadline or a
// tick would be.
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) plan.Date {
	d, err := plan.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func section(id string) remindd.Recipient {
	return remindd.Recipient{Kind: remindd.KindSection, ID: id}
}

func enterprise(id string) remindd.Recipient {
	return remindd.Recipient{Kind: remindd.KindEnterprise, ID: id}
}

// code makes an 18-character credit code from n. The check character is
// not right: the store keeps codes, the importer validates them.
func code(n int) string { return fmt.Sprintf("91350582MA%08d", n) }

func mustUpsert(t *testing.T, s *store.Store, list ...remindd.Enterprise) {
	t.Helper()
	if _, _, err := s.UpsertEnterprises(context.Background(), list); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, s *store.Store, query string, args ...any) int {
	t.Helper()
	var n int
	if err := s.DB().QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func TestMigrateTwiceIsNoOp(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		want, err := s.SchemaVersion()
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			from, to, err := s.Migrate(ctx)
			if err != nil {
				t.Fatalf("migrate again: %v", err)
			}
			if from != want || to != want {
				t.Errorf("migrate again: from %d to %d, want %d to %d", from, to, want, want)
			}
		}
		if n := count(t, s, `SELECT COUNT(*) FROM schema_migrations`); n != want {
			t.Errorf("schema_migrations has %d rows, want %d", n, want)
		}
		if err := s.CheckSchema(ctx); err != nil {
			t.Errorf("check schema: %v", err)
		}
	})
}

func TestUnmigratedDatabase(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := store.Open(ctx, b.Addr(t))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			err = s.CheckSchema(ctx)
			if err == nil || err.Error() != "store: database is not migrated: run remindd migrate" {
				t.Fatalf("check schema of an empty database: %v", err)
			}
			want, _ := s.SchemaVersion()
			from, to, err := s.Migrate(ctx)
			if err != nil || from != 0 || to != want {
				t.Fatalf("migrate: from %d to %d, %v; want 0 to %d", from, to, err, want)
			}
			if err := s.CheckSchema(ctx); err != nil {
				t.Errorf("check schema after migrate: %v", err)
			}
		})
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		have, _ := s.SchemaVersion()
		newer := have + 1
		if _, err := s.DB().ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
			newer, "2024-05-28 09:00:00"); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("store: schema version %d is newer than this remindd (%d): upgrade remindd", newer, have)
		err := s.CheckSchema(ctx)
		if err == nil || err.Error() != want {
			t.Errorf("check schema: %v, want %q", err, want)
		}
		var se *store.SchemaError
		if !errors.As(err, &se) || se.Have != newer || se.Want != have {
			t.Errorf("check schema: %#v, want a *SchemaError{%d, %d}", err, newer, have)
		}
		if _, _, err := s.Migrate(ctx); err == nil || err.Error() != want {
			t.Errorf("migrate: %v, want %q", err, want)
		}
	})
}

func TestChineseRoundTrips(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		name := "晋江市五店市传统街区文旅有限公司"
		ent := remindd.Enterprise{
			ID: code(1), Name: name, Sector: "tourism", Size: "规上",
			Trades: []string{"消防重点单位", "有限空间"}, Contact: "陈晓明",
			Email: "anquan@example.cn", Mobile: "13800000000", Webhook: "https://example.cn/hook", Active: true,
		}
		mustUpsert(t, s, ent)
		got, ok, err := s.Enterprise(ctx, code(1))
		if err != nil || !ok {
			t.Fatalf("enterprise: %v %v", ok, err)
		}
		if diff := cmp.Diff(ent, got); diff != "" {
			t.Errorf("enterprise (-wrote +read):\n%s", diff)
		}
		// The bytes in the table are the UTF-8 bytes, not a re-encoding.
		var stored string
		if err := s.DB().QueryRowContext(ctx, `SELECT HEX(name) FROM enterprises WHERE credit_code = ?`, code(1)).Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if want := strings.ToUpper(hex.EncodeToString([]byte(name))); stored != want {
			t.Errorf("stored name bytes %s, want %s", stored, want)
		}

		a := remindd.Achievement{Sector: "culture", Metric: "demo_post", Name: "五店市巾帼示范岗",
			Enterprise: code(1), Size: "中等", PostKind: "巾帼示范岗", Date: date("2024-05-28")}
		if _, err := s.Achieve(ctx, planID, a); err != nil {
			t.Fatal(err)
		}
		c := remindd.Completion{Task: 44, Assignee: section("industry-mgmt"), DoneAt: at("2024-05-20 10:00:00"),
			By: "行业管理科 王科长", Note: "已督促企业完成自评（附件4）"}
		if err := s.Complete(ctx, planID, c); err != nil {
			t.Fatal(err)
		}
		msg := store.Message{Key: "lead:section:industry-mgmt:2024-05-31/d7:email", PlanID: planID, Rule: "lead",
			RecipientKind: "section", RecipientID: "industry-mgmt", Channel: "email", Address: "hy@example.cn",
			Subject: "【提醒】5月31日前须完成的任务", Body: "行业管理科：\n督促、指导规上企业开展自评。", Tasks: []int{44, 45},
			NextAttempt: at("2024-05-24 09:00:00")}
		if _, err := s.Enqueue(ctx, []store.Message{msg}); err != nil {
			t.Fatal(err)
		}

		st, err := s.Snapshot(ctx, planID, later)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]remindd.Achievement{a}, st.Achievements); diff != "" {
			t.Errorf("achievements (-wrote +read):\n%s", diff)
		}
		if !st.Done.Has(c.Task, c.Assignee) || st.Done.Len() != 1 {
			t.Errorf("snapshot's done set lacks %v", c)
		}
		if diff := cmp.Diff([]remindd.Completion{utc(c)}, completionsOf(t, s)); diff != "" {
			t.Errorf("completions (-wrote +read):\n%s", diff)
		}
		rows, err := s.Outbox(ctx)
		if err != nil || len(rows) != 1 {
			t.Fatalf("outbox: %d rows, %v", len(rows), err)
		}
		if rows[0].Subject != msg.Subject || rows[0].Body != msg.Body {
			t.Errorf("outbox subject %q body %q, want %q %q", rows[0].Subject, rows[0].Body, msg.Subject, msg.Body)
		}
	})
}

// utc is c as the store reads it back: in UTC, done unless reported.
func utc(c remindd.Completion) remindd.Completion {
	c.DoneAt = c.DoneAt.UTC()
	if c.Status == "" {
		c.Status = remindd.StatusDone
	}
	return c
}

func TestUpsertEnterprisesAddsThenUpdates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		a := remindd.Enterprise{ID: code(2), Name: "甲旅游公司", Sector: "tourism", Size: "小微", Active: true}
		b := remindd.Enterprise{ID: code(1), Name: "乙文化公司", Sector: "culture", Size: "中等", Active: true}
		added, updated, err := s.UpsertEnterprises(ctx, []remindd.Enterprise{a, b})
		if err != nil || added != 2 || updated != 0 {
			t.Fatalf("first import: added %d updated %d, %v; want 2 0", added, updated, err)
		}

		a.Name, a.Size, a.Trades, a.Active = "甲旅游集团", "规上", []string{"有限空间"}, false
		// The forms' attributes are written and updated too.
		a.Roles, a.StdType, a.Level, a.BenchmarkTier, a.Risk = []string{"标杆培育对象", "示范岗位推荐单位"}, "省标", "二级", "县级", "橙"
		c := remindd.Enterprise{ID: code(3), Name: "丙博物馆", Sector: "heritage-museums", Active: true}
		added, updated, err = s.UpsertEnterprises(ctx, []remindd.Enterprise{a, c})
		if err != nil || added != 1 || updated != 1 {
			t.Fatalf("second import: added %d updated %d, %v; want 1 1", added, updated, err)
		}

		list, err := s.Enterprises(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]remindd.Enterprise{b, a, c}, list); diff != "" {
			t.Errorf("enterprises by credit code (-want +got):\n%s", diff)
		}
		if _, ok, err := s.Enterprise(ctx, code(9)); ok || err != nil {
			t.Errorf("unknown enterprise: found %v, %v", ok, err)
		}
	})
}

func TestUpsertEnterprisesIsAllOrNothing(t *testing.T) {
	good := remindd.Enterprise{ID: code(1), Name: "甲旅游公司", Sector: "tourism", Active: true}
	tests := []struct {
		name string
		bad  remindd.Enterprise
	}{
		{"19-character credit code", remindd.Enterprise{ID: code(2) + "X", Name: "乙", Active: true}},
		{"17-character credit code", remindd.Enterprise{ID: code(2)[:17], Name: "乙", Active: true}},
		{"name longer than 255 characters", remindd.Enterprise{ID: code(2), Name: strings.Repeat("晋", 256), Active: true}},
		{"no name", remindd.Enterprise{ID: code(2), Active: true}},
		{"a risk colour that is none", remindd.Enterprise{ID: code(2), Name: "乙", Risk: "紫", Active: true}},
		{"a level that is none", remindd.Enterprise{ID: code(2), Name: "乙", Level: "四级", Active: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			storetest.ForEach(t, func(t *testing.T, s *store.Store) {
				ctx := context.Background()
				mustUpsert(t, s, good)
				changed := good
				changed.Name = "甲旅游集团"
				newOne := remindd.Enterprise{ID: code(3), Name: "丙", Active: true}
				added, updated, err := s.UpsertEnterprises(ctx, []remindd.Enterprise{changed, newOne, tt.bad})
				if err == nil {
					t.Fatalf("a batch with a bad row was accepted (added %d, updated %d)", added, updated)
				}
				if !strings.HasPrefix(err.Error(), "store: upsert enterprises: enterprise ") {
					t.Errorf("error %q does not say which enterprise", err)
				}
				list, err := s.Enterprises(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff([]remindd.Enterprise{good}, list); diff != "" {
					t.Errorf("after a failed batch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestCompleteAndUndo(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		who := section("market-mgmt")
		first := remindd.Completion{Task: 12, Assignee: who, DoneAt: at("2024-03-20 16:30:00.123456"), By: "张三", Note: "first"}
		if err := s.Complete(ctx, planID, first); err != nil {
			t.Fatal(err)
		}
		again := remindd.Completion{Task: 12, Assignee: who, DoneAt: at("2024-03-25 08:00:00.000001"), By: "李四", Note: "again"}
		if err := s.Complete(ctx, planID, again); err != nil {
			t.Fatal(err)
		}
		ent := remindd.Completion{Task: 12, Assignee: enterprise(code(1)), DoneAt: at("2024-03-21 09:00:00")}
		if err := s.Complete(ctx, planID, ent); err != nil {
			t.Fatal(err)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM completions WHERE plan_id = ? AND task = 12 AND assignee_kind = 'section'`, planID); n != 1 {
			t.Errorf("recording twice left %d rows, want 1", n)
		}
		st, err := s.Snapshot(ctx, planID, later)
		if err != nil {
			t.Fatal(err)
		}
		if st.Done.Len() != 2 {
			t.Errorf("done set has %d obligations, want 2", st.Done.Len())
		}
		if diff := cmp.Diff([]remindd.Completion{utc(ent), utc(again)}, completionsOf(t, s)); diff != "" {
			t.Errorf("completions (-want +got):\n%s", diff)
		}

		if removed, err := s.Undo(ctx, planID, 12, who); err != nil || !removed {
			t.Errorf("undo: %v %v, want true", removed, err)
		}
		if removed, err := s.Undo(ctx, planID, 12, who); err != nil || removed {
			t.Errorf("undo again: %v %v, want false", removed, err)
		}
		if removed, err := s.Undo(ctx, "other-plan", 12, enterprise(code(1))); err != nil || removed {
			t.Errorf("undo in another plan: %v %v, want false", removed, err)
		}
		st, err = s.Snapshot(ctx, planID, later)
		if err != nil {
			t.Fatal(err)
		}
		if st.Done.Len() != 1 || !st.Done.Has(ent.Task, ent.Assignee) {
			t.Errorf("done set after undo has %d obligations", st.Done.Len())
		}
		if diff := cmp.Diff([]remindd.Completion{utc(ent)}, completionsOf(t, s)); diff != "" {
			t.Errorf("completions after undo (-want +got):\n%s", diff)
		}

		bad := remindd.Completion{Task: 12, Assignee: remindd.Recipient{Kind: "office", ID: "office"}, DoneAt: at("2024-03-21 09:00:00")}
		if err := s.Complete(ctx, planID, bad); err == nil {
			t.Errorf("a completion by an office was accepted: assignees are sections or enterprises")
		}
	})
}

func TestSnapshotReturnsWhatWasWritten(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		ents := []remindd.Enterprise{
			{ID: code(1), Name: "甲", Sector: "tourism", Size: "规上", Trades: []string{"消防重点单位"}, Email: "a@example.cn", Active: true},
			{ID: code(2), Name: "乙", Sector: "culture", Size: "小微", Active: false},
		}
		mustUpsert(t, s, ents...)
		comps := []remindd.Completion{
			{Task: 3, Assignee: section("industry-mgmt"), DoneAt: at("2024-02-01 10:00:00").UTC(), By: "cli"},
			{Task: 44, Assignee: enterprise(code(1)), DoneAt: at("2024-04-30 23:59:59.999999").UTC(), Note: "link"},
		}
		for _, c := range comps {
			if err := s.Complete(ctx, planID, c); err != nil {
				t.Fatal(err)
			}
		}
		achs := []remindd.Achievement{
			{Sector: "tourism", Metric: "benchmark", Name: "甲", Enterprise: code(1), Size: "规上", Date: date("2024-04-10")},
			{Sector: "culture", Metric: "certified", Name: "某剧院", Date: date("2024-06-30")},
		}
		for _, a := range achs {
			if _, err := s.Achieve(ctx, planID, a); err != nil {
				t.Fatal(err)
			}
		}
		// Another plan's rows stay out of this plan's snapshot.
		if err := s.Complete(ctx, "other-plan", remindd.Completion{Task: 3, Assignee: section("industry-mgmt"), DoneAt: at("2024-02-01 10:00:00")}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Achieve(ctx, "other-plan", achs[0]); err != nil {
			t.Fatal(err)
		}
		failKey := "digest:office:office:2024-06:email"
		if _, err := s.Enqueue(ctx, []store.Message{
			message(failKey, at("2024-06-02 09:00:00")),
			message("agenda:section:industry-mgmt:2024-06:email", at("2024-06-01 09:00:00")),
		}); err != nil {
			t.Fatal(err)
		}
		claimed, err := s.Claim(ctx, "w1", at("2024-06-02 09:00:00"), 10)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim: %d rows, %v", len(claimed), err)
		}
		for _, r := range claimed {
			if r.Key == failKey {
				if err := s.MarkFailed(ctx, r.ID, "smtp: 550 mailbox unavailable"); err != nil {
					t.Fatal(err)
				}
			}
		}

		got, err := s.Snapshot(ctx, planID, later)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range comps {
			if !got.Done.Has(c.Task, c.Assignee) {
				t.Errorf("snapshot lacks completion %v", c)
			}
		}
		if got.Done.Len() != len(comps) {
			t.Errorf("snapshot has %d completions, want %d", got.Done.Len(), len(comps))
		}
		got.Done = remindd.Done{}
		want := &remindd.State{
			Enterprises:  ents,
			Achievements: achs,
			Failed: []remindd.FailedDelivery{{Key: failKey, Rule: "lead", Recipient: section("industry-mgmt"),
				Channel: "email", LastError: "smtp: 550 mailbox unavailable"}},
		}
		if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(remindd.State{}, "Done", "Reported")); diff != "" {
			t.Errorf("snapshot (-want +got):\n%s", diff)
		}
	})
}

func message(key string, next time.Time) store.Message {
	return store.Message{Key: key, PlanID: planID, Rule: "lead", RecipientKind: "section", RecipientID: "industry-mgmt",
		Channel: "email", Address: "hy@example.cn", Subject: "提醒", Body: "正文", Tasks: []int{44}, NextAttempt: next}
}

func TestSnapshotQueryCountIsConstant(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		counted, n, err := store.OpenCounting(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		defer counted.Close()

		// fill brings the store to size rows in each table the snapshot reads.
		filled := 0
		fill := func(size int) {
			t.Helper()
			var (
				ents []remindd.Enterprise
				msgs []store.Message
			)
			for i := filled; i < size; i++ {
				ents = append(ents, remindd.Enterprise{ID: code(i), Name: fmt.Sprintf("企业%d", i), Trades: []string{"有限空间"}, Active: i%2 == 0})
				if err := s.Complete(ctx, planID, remindd.Completion{Task: 44, Assignee: enterprise(code(i)), DoneAt: at("2024-04-01 09:00:00")}); err != nil {
					t.Fatal(err)
				}
				if _, err := s.Achieve(ctx, planID, remindd.Achievement{Sector: "tourism", Metric: "benchmark", Name: code(i), Date: date("2024-04-01")}); err != nil {
					t.Fatal(err)
				}
				msgs = append(msgs, message(fmt.Sprintf("k%d", i), at("2024-04-01 09:00:00")))
			}
			mustUpsert(t, s, ents...)
			if _, err := s.Enqueue(ctx, msgs); err != nil {
				t.Fatal(err)
			}
			for {
				rows, err := s.Claim(ctx, "w", at("2024-04-01 09:00:00"), 100)
				if err != nil {
					t.Fatal(err)
				}
				if len(rows) == 0 {
					break
				}
				for _, r := range rows {
					if err := s.MarkFailed(ctx, r.ID, "boom"); err != nil {
						t.Fatal(err)
					}
				}
			}
			filled = size
		}
		snapshot := func(size int) int64 {
			t.Helper()
			fill(size)
			before := n.Load()
			st, err := counted.Snapshot(ctx, planID, later)
			if err != nil {
				t.Fatal(err)
			}
			if len(st.Enterprises) != size || st.Done.Len() != size || len(st.Achievements) != size || len(st.Failed) != size {
				t.Fatalf("snapshot of %d: %d enterprises, %d completions, %d achievements, %d failed", size,
					len(st.Enterprises), st.Done.Len(), len(st.Achievements), len(st.Failed))
			}
			return n.Load() - before
		}
		small, large := snapshot(3), snapshot(300)
		if small != large {
			t.Errorf("snapshot sent %d statements for 3 rows per table and %d for 300", small, large)
		}
		if small != 7 {
			t.Errorf("snapshot sent %d statements, want 7 (one per table, one for the reported, one for the returned, one for the monthly reports)", small)
		}
	})
}

func TestEnqueueSkipsDuplicateKeys(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		m1 := message("lead:section:industry-mgmt:2024-05-31/d7:email", at("2024-05-24 09:00:00.5"))
		m1dup := m1
		m1dup.Subject = "another decision, same key"
		added, err := s.Enqueue(ctx, []store.Message{m1, m1dup})
		if err != nil || added != 1 {
			t.Fatalf("enqueue a key twice in one batch: added %d, %v; want 1", added, err)
		}
		m2 := message("lead:section:market-mgmt:2024-05-31/d7:email", at("2024-05-24 09:00:00"))
		m2.Tasks = nil
		added, err = s.Enqueue(ctx, []store.Message{m1, m2})
		if err != nil || added != 1 {
			t.Fatalf("enqueue a known key again: added %d, %v; want 1", added, err)
		}
		rows, err := s.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i := range rows {
			if rows[i].ID == 0 {
				t.Errorf("row %d has no id", i)
			}
			rows[i].ID = 0
		}
		want := []store.OutboxRow{
			{PlanID: planID, Key: m1.Key, Rule: "lead", Recipient: section("industry-mgmt"), Channel: "email",
				Address: "hy@example.cn", Subject: m1.Subject, Body: m1.Body, Tasks: []int{44}, Status: "pending",
				NextAttempt: m1.NextAttempt.UTC(), CreatedAt: m1.NextAttempt.UTC()},
			{PlanID: planID, Key: m2.Key, Rule: "lead", Recipient: section("industry-mgmt"), Channel: "email",
				Address: "hy@example.cn", Subject: m2.Subject, Body: m2.Body, Tasks: []int{}, Status: "pending",
				NextAttempt: m2.NextAttempt.UTC(), CreatedAt: m2.NextAttempt.UTC()},
		}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Errorf("outbox (-want +got):\n%s", diff)
		}
	})
}

func TestClaimByTwoWorkersNeverSharesARow(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := at("2024-05-24 09:00:00")
		var msgs []store.Message
		for i := 0; i < 200; i++ {
			msgs = append(msgs, message(fmt.Sprintf("k%03d", i), now.Add(-time.Duration(i)*time.Second)))
		}
		later := message("later", now.Add(time.Microsecond))
		if added, err := s.Enqueue(ctx, append(msgs, later)); err != nil || added != 201 {
			t.Fatalf("enqueue: %d, %v", added, err)
		}

		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			claims = map[int64][]string{}
			errs   []error
		)
		for _, worker := range []string{"host-a:1", "host-b:2"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					rows, err := s.Claim(ctx, worker, now, 10)
					if err != nil {
						mu.Lock()
						errs = append(errs, err)
						mu.Unlock()
						return
					}
					if len(rows) == 0 {
						return
					}
					mu.Lock()
					for _, r := range rows {
						claims[r.ID] = append(claims[r.ID], worker)
						if r.Status != "sending" {
							errs = append(errs, fmt.Errorf("claimed %s is %s", r.Key, r.Status))
						}
						if r.Key == "later" {
							errs = append(errs, fmt.Errorf("claimed a message not yet due"))
						}
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			t.Error(err)
		}
		for id, workers := range claims {
			if len(workers) > 1 {
				t.Errorf("notification %d claimed %d times: %v", id, len(workers), workers)
			}
		}
		if len(claims) != 200 {
			t.Errorf("the workers claimed %d notifications, want 200", len(claims))
		}
		if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE status = 'sending' AND claimed_by <> ''`); n != 200 {
			t.Errorf("%d notifications are marked sending, want 200", n)
		}

		// A claim left by a worker that died is taken again after the timeout.
		if rows, err := s.Claim(ctx, "host-c", now.Add(store.ClaimTimeout-time.Second), 300); err != nil || len(rows) != 1 || rows[0].Key != "later" {
			t.Errorf("claim before the timeout: %d rows, %v; want only the later one", len(rows), err)
		}
		rows, err := s.Claim(ctx, "host-c", now.Add(store.ClaimTimeout), 300)
		if err != nil || len(rows) != 200 {
			t.Errorf("claim after the timeout: %d rows, %v; want 200", len(rows), err)
		}
	})
}

// TestClaimTakesStaleClaimsFirst: a claim fills its limit with messages a
// dead worker left sending before the pending ones, and Unclaim gives back
// only what the worker still holds.
func TestClaimTakesStaleClaimsFirst(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := at("2024-06-02 09:00:00")
		var msgs []store.Message
		for i := range 6 {
			msgs = append(msgs, message(fmt.Sprintf("m%d", i), now.Add(time.Duration(i)*time.Second)))
		}
		if _, err := s.Enqueue(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		dead, err := s.Claim(ctx, "dead", now.Add(time.Second), 10)
		if err != nil || len(dead) != 2 {
			t.Fatalf("first claim: %d rows, %v; want m0 and m1", len(dead), err)
		}
		later := now.Add(store.ClaimTimeout + 2*time.Second)
		rows, err := s.Claim(ctx, "live", later, 3)
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(rows); !slices.Equal(got, []string{"m0", "m1", "m2"}) {
			t.Errorf("claim after the timeout took %v, want the stale m0, m1 and then m2", got)
		}
		// "dead" no longer holds m0: Unclaim leaves it with "live".
		n, err := s.Unclaim(ctx, "dead", []int64{dead[0].ID})
		if err != nil || n != 0 {
			t.Errorf("unclaim by a worker that lost the claim: %d, %v; want 0", n, err)
		}
		ids := []int64{rows[0].ID, rows[1].ID}
		if n, err := s.Unclaim(ctx, "live", ids); err != nil || n != 2 {
			t.Errorf("unclaim: %d, %v; want 2", n, err)
		}
		again, err := s.Claim(ctx, "other", later, 10)
		if err != nil {
			t.Fatal(err)
		}
		if got := keysOf(again); !slices.Equal(got, []string{"m0", "m1", "m3", "m4", "m5"}) {
			t.Errorf("claim after unclaim took %v, want m0, m1 given back and m3 to m5", got)
		}
	})
}

func keysOf(rows []store.OutboxRow) []string {
	var keys []string
	for _, r := range rows {
		keys = append(keys, r.Key)
	}
	return keys
}

func TestMarkSentRetryFailed(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := at("2024-05-24 09:00:00")
		if _, err := s.Enqueue(ctx, []store.Message{message("a", now), message("b", now), message("c", now)}); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Claim(ctx, "w", now, 10)
		if err != nil || len(rows) != 3 {
			t.Fatalf("claim: %d rows, %v", len(rows), err)
		}
		ids := map[string]int64{}
		for _, r := range rows {
			ids[r.Key] = r.ID
		}
		if err := s.MarkRetry(ctx, ids["a"], now.Add(5*time.Second), "451 try again"); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkFailed(ctx, ids["b"], "550 no such user"); err != nil {
			t.Fatal(err)
		}
		sentAt := at("2024-05-24 09:00:01.234567")
		if err := s.MarkSent(ctx, ids["c"], sentAt); err != nil {
			t.Fatal(err)
		}
		if err := s.MarkSent(ctx, ids["c"], sentAt); !errors.Is(err, store.ErrNotSending) || !strings.Contains(err.Error(), "is sent") {
			t.Errorf("marking a sent notification again: %v", err)
		}
		if err := s.MarkRetry(ctx, 999999, now, "x"); err == nil || !strings.Contains(err.Error(), "no such notification") {
			t.Errorf("marking an unknown notification: %v", err)
		}

		// The retried one is due again at its next attempt, not before.
		if again, err := s.Claim(ctx, "w", now.Add(4*time.Second), 10); err != nil || len(again) != 0 {
			t.Errorf("claim before the retry is due: %d rows, %v", len(again), err)
		}
		again, err := s.Claim(ctx, "w", now.Add(5*time.Second), 10)
		if err != nil || len(again) != 1 || again[0].Key != "a" || again[0].Attempts != 1 {
			t.Fatalf("claim the retry: %+v, %v", again, err)
		}
		if err := s.MarkFailed(ctx, ids["a"], "451 try again"); err != nil {
			t.Fatal(err)
		}

		out, err := s.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		type state struct {
			Status    string
			Attempts  int
			Next      time.Time
			SentAt    *time.Time
			LastError string
		}
		got := map[string]state{}
		for _, r := range out {
			got[r.Key] = state{r.Status, r.Attempts, r.NextAttempt, r.SentAt, r.LastError}
		}
		sent := sentAt.UTC()
		want := map[string]state{
			"a": {"failed", 2, now.Add(5 * time.Second).UTC(), nil, "451 try again"},
			"b": {"failed", 1, now.UTC(), nil, "550 no such user"},
			"c": {"sent", 0, now.UTC(), &sent, ""},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outbox (-want +got):\n%s", diff)
		}

		long := strings.Repeat("错", 3000)
		if _, err := s.Enqueue(ctx, []store.Message{message("d", now)}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Claim(ctx, "w", now, 10)
		if err != nil || len(d) != 1 {
			t.Fatalf("claim d: %d, %v", len(d), err)
		}
		if err := s.MarkRetry(ctx, d[0].ID, now, long); err != nil {
			t.Errorf("a long error text: %v", err)
		}
	})
}

func TestJobRunsKeepTheLaterTime(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if runs, err := s.LastRuns(ctx, planID); err != nil || len(runs) != 0 {
			t.Fatalf("last runs of a new store: %v, %v", runs, err)
		}
		t1, t2, t3 := at("2024-05-01 09:00:00"), at("2024-05-02 09:00:00.000001"), at("2024-05-03 09:00:00.999999")
		if err := s.RecordRuns(ctx, planID, []remindd.Run{{Job: "sweep", At: t2}, {Job: "digest", At: t1}}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRuns(ctx, planID, []remindd.Run{{Job: "sweep", At: t1}, {Job: "digest", At: t3}}); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRuns(ctx, "other-plan", []remindd.Run{{Job: "sweep", At: t3}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.LastRuns(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]time.Time{"sweep": t2.UTC(), "digest": t3.UTC()}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("last runs (-want +got):\n%s", diff)
		}
	})
}

func TestTimesComeBackInUTCToTheMicrosecond(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		written := at("2024-12-31 23:59:59.999999")
		withNanos := written.Add(999 * time.Nanosecond)

		if err := s.Complete(ctx, planID, remindd.Completion{Task: 133, Assignee: section("office"), DoneAt: withNanos}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Enqueue(ctx, []store.Message{message("k", withNanos)}); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Claim(ctx, "w", written, 1)
		if err != nil || len(rows) != 1 {
			t.Fatalf("claim at the instant written: %d rows, %v", len(rows), err)
		}
		if err := s.MarkSent(ctx, rows[0].ID, withNanos); err != nil {
			t.Fatal(err)
		}
		if err := s.RecordRuns(ctx, planID, []remindd.Run{{Job: "digest", At: withNanos}}); err != nil {
			t.Fatal(err)
		}

		out, err := s.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		runs, err := s.LastRuns(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]time.Time{
			"done_at":         completionsOf(t, s)[0].DoneAt,
			"next_attempt_at": out[0].NextAttempt,
			"created_at":      out[0].CreatedAt,
			"sent_at":         *out[0].SentAt,
			"last_run_at":     runs["digest"],
		}
		names := make([]string, 0, len(got))
		for name := range got {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			g := got[name]
			if g.Location() != time.UTC {
				t.Errorf("%s comes back in %v, want UTC", name, g.Location())
			}
			if !g.Equal(written) || g.Nanosecond() != 999999000 {
				t.Errorf("%s = %s, want %s", name, g.Format(time.RFC3339Nano), written.UTC().Format(time.RFC3339Nano))
			}
		}
	})
}

func TestLockIsExclusive(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			addr := b.Addr(t)
			open := func() *store.Store {
				s, err := store.Open(ctx, addr)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				return s
			}
			a, b2 := open(), open()
			l, err := a.Lock(ctx, "jobs")
			if err != nil {
				t.Fatal(err)
			}
			if err := l.Check(ctx); err != nil {
				t.Fatalf("held lock reported lost: %v", err)
			}
			if _, err := b2.Lock(ctx, "jobs"); !errors.Is(err, store.ErrLocked) {
				t.Fatalf("second lock: %v, want ErrLocked", err)
			}
			if err := l.Release(); err != nil {
				t.Fatal(err)
			}
			l2, err := b2.Lock(ctx, "jobs")
			if err != nil {
				t.Fatalf("lock after release: %v", err)
			}
			if err := l2.Release(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestEnqueueAndRecordIsOneTransaction(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		at := time.Date(2024, 6, 2, 1, 0, 0, 0, time.UTC)
		msgs := []store.Message{{Key: "digest:office:office:2024-06:outbox", PlanID: planID, Rule: "digest",
			RecipientKind: "office", RecipientID: "office", Channel: "outbox", Subject: "汇总", NextAttempt: at}}
		runs := []remindd.Run{{Job: "digest", At: at}}
		if n, err := s.EnqueueAndRecord(ctx, planID, store.Messages(msgs), runs); err != nil || n != 1 {
			t.Fatalf("added %d, %v", n, err)
		}
		// A batch with a bad message (no time) adds nothing and records nothing.
		bad := append(msgs, store.Message{Key: "x", PlanID: planID})
		laterRuns := []remindd.Run{{Job: "digest", At: at.Add(time.Hour)}}
		if _, err := s.EnqueueAndRecord(ctx, planID, store.Messages(bad), laterRuns); err == nil {
			t.Fatal("bad batch accepted")
		}
		// A batch that fails inside the transaction rolls the runs back too.
		tooLong := []store.Message{{Key: strings.Repeat("k", 300), PlanID: planID, Rule: "lead", RecipientKind: "section",
			RecipientID: "x", Channel: "outbox", NextAttempt: at}}
		if _, err := s.EnqueueAndRecord(ctx, planID, store.Messages(tooLong), laterRuns); err == nil {
			t.Fatal("over-long key accepted")
		}
		last, err := s.LastRuns(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		if !last["digest"].Equal(at) {
			t.Errorf("digest last run %v, want %v (the failed batches must not record)", last["digest"], at)
		}
		have, err := s.ExistingKeys(ctx, []string{msgs[0].Key, "lead:section:x:2024-05-31/d7:outbox"})
		if err != nil {
			t.Fatal(err)
		}
		if !have[msgs[0].Key] || len(have) != 1 {
			t.Errorf("existing keys = %v", have)
		}
		depth, err := s.Depth(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if depth[store.StatusPending] != 1 {
			t.Errorf("depth %v", depth)
		}
	})
}

// TestLockIsLostWithItsConnection: on MySQL the lock belongs to a
// connection; when the server kills it, Check reports the loss and another
// instance can lead.
func TestLockIsLostWithItsConnection(t *testing.T) {
	mysql := storetest.Backends(t)[1]
	addr := mysql.Addr(t)
	ctx := context.Background()
	open := func() *store.Store {
		s, err := store.Open(ctx, addr)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := open(), open()
	l, err := a.Lock(ctx, "jobs")
	if err != nil {
		t.Fatal(err)
	}
	// The lock is named as the migration lock is: remindd_NAME_SHA1(database).
	var name string
	if err := b.DB().QueryRowContext(ctx, `SELECT CONCAT('remindd_jobs_', SHA1(DATABASE()))`).Scan(&name); err != nil {
		t.Fatal(err)
	}
	var holder int64
	if err := b.DB().QueryRowContext(ctx, `SELECT IS_USED_LOCK(?)`, name).Scan(&holder); err != nil {
		t.Fatal(err)
	}
	if _, err := b.DB().ExecContext(ctx, fmt.Sprintf("KILL %d", holder)); err != nil {
		t.Fatal(err)
	}
	if err := l.Check(ctx); err == nil {
		t.Fatal("lock still reported held after its connection was killed")
	}
	// KILL is asynchronous: the killed thread frees its locks when it
	// notices. Wait for that on the server (GET_LOCK blocks until the lock
	// is free, here at most 10 s), give the lock back, then lead.
	waitFree(t, b, name)
	l2, err := b.Lock(ctx, "jobs")
	if err != nil {
		t.Fatalf("another instance cannot lead: %v", err)
	}
	l2.Release()
	l.Release()
}

// waitFree blocks until no connection holds the named MySQL lock.
func waitFree(t *testing.T, s *store.Store, name string) {
	t.Helper()
	ctx := context.Background()
	conn, err := s.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var got sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(?, 10)`, name).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !got.Valid || got.Int64 != 1 {
		t.Fatalf("lock %s still held 10 s after its holder was killed", name)
	}
	if _, err := conn.ExecContext(ctx, `SELECT RELEASE_LOCK(?)`, name); err != nil {
		t.Fatal(err)
	}
}

// later is an instant after everything the tests record.
var later = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

func completionsOf(t *testing.T, s *store.Store) []remindd.Completion {
	t.Helper()
	cs, err := s.Completions(context.Background(), planID)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// TestSnapshotCountsCompletionsUpToTheInstant: a completion recorded as done
// after the snapshot's instant is not done yet then.
func TestSnapshotCountsCompletionsUpToTheInstant(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		who := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
		done := time.Date(2024, 5, 20, 2, 0, 0, 0, time.UTC)
		if err := s.Complete(ctx, planID, remindd.Completion{Task: 44, Assignee: who, DoneAt: done}); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			at   time.Time
			want bool
		}{{done.Add(-time.Second), false}, {done, true}, {done.Add(time.Hour), true}} {
			st, err := s.Snapshot(ctx, planID, tc.at)
			if err != nil {
				t.Fatal(err)
			}
			if got := st.Done.Has(44, who); got != tc.want {
				t.Errorf("at %s: done %v, want %v", tc.at, got, tc.want)
			}
		}
	})
}

func TestMarkAllSent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		now := time.Date(2024, 5, 24, 1, 0, 0, 0, time.UTC)
		var msgs []store.Message
		for i := 0; i < 3; i++ {
			msgs = append(msgs, store.Message{Key: fmt.Sprintf("lead:section:s%d:2024-05-31/d7:outbox", i), PlanID: planID,
				Rule: "lead", RecipientKind: "section", RecipientID: fmt.Sprint(i), Channel: "outbox", NextAttempt: now})
		}
		if _, err := s.Enqueue(ctx, msgs); err != nil {
			t.Fatal(err)
		}
		rows, err := s.Claim(ctx, "w", now, 2)
		if err != nil || len(rows) != 2 {
			t.Fatalf("claim: %d rows, %v", len(rows), err)
		}
		// The third is still pending: it is not marked.
		all, err := s.Outbox(ctx)
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.MarkAllSent(ctx, []int64{rows[0].ID, rows[1].ID, all[2].ID}, now)
		if err != nil || n != 2 {
			t.Fatalf("marked %d, %v; want 2", n, err)
		}
		depth, err := s.Depth(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if depth[store.StatusSent] != 2 || depth[store.StatusPending] != 1 {
			t.Errorf("depth %v", depth)
		}
	})
}

// TestUpsertEnterprisesInBatches: more enterprises than one statement
// writes are all written, counted and read back; a bad one in a later batch
// is named, and nothing is written.
func TestUpsertEnterprisesInBatches(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		var list []remindd.Enterprise
		for i := range 1203 {
			list = append(list, remindd.Enterprise{ID: fmt.Sprintf("91350582%010d", i), Name: fmt.Sprintf("第%d家", i), Sector: "tourism", Size: "小微", Active: true, Roles: []string{"标杆培育对象"}})
		}
		bad := append([]remindd.Enterprise(nil), list...)
		bad[1100].Name = ""
		if _, _, err := s.UpsertEnterprises(ctx, bad); err == nil || !strings.Contains(err.Error(), "enterprise "+list[1100].ID+": ") {
			t.Errorf("a bad row in the third batch: %v, want it named", err)
		}
		if got, err := s.Enterprises(ctx); err != nil || len(got) != 0 {
			t.Fatalf("after a refused batch: %d enterprises, %v", len(got), err)
		}
		if added, updated, err := s.UpsertEnterprises(ctx, list[:700]); err != nil || added != 700 || updated != 0 {
			t.Fatalf("first 700: %d added, %d updated, %v", added, updated, err)
		}
		if added, updated, err := s.UpsertEnterprises(ctx, list); err != nil || added != 503 || updated != 700 {
			t.Fatalf("all: %d added, %d updated, %v", added, updated, err)
		}
		got, err := s.Enterprises(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(list, got); diff != "" {
			t.Errorf("read back (-want +got):\n%s", diff)
		}
	})
}
