package store_test

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// upgradeFixture is the example config and plan, with a log channel (whose
// contacts have no address) beside the file channel, and a store at schema 2
// holding what a remindd before schema 3 left on the morning of 24 May 2024:
// every notification of that tick, sent, under keys of the old form
// rule:kind:id:what:channel. It returns the keys that tick gives now. Today's
// remindd reads columns schema 2 lacks: it ticks on a store of today's
// schema, whose outbox (the same table since schema 1) is copied into the
// schema 2 store, row by row with its id.
func upgradeFixture(t *testing.T, b storetest.Backend) (*store.Store, *daemon.Daemon, map[int64]string) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, b.Addr(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, to, err := s.MigrateTo(ctx, 2); err != nil || to != 2 {
		t.Fatalf("migrate to 2: %d, %v", to, err)
	}
	now := b.Open(t)
	c, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Channels {
		if c.Channels[i].Type == "file" {
			c.Channels[i].Dir = t.TempDir()
		}
	}
	c.Channels = append(c.Channels, config.Channel{Name: "journal", Type: "log"})
	c.Office.Contacts = append(c.Office.Contacts, config.Contact{Channel: "journal"})
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	list, err := roster.Read("enterprises.csv", f, roster.RulesOf(p))
	if err != nil {
		t.Fatal(err)
	}
	mustUpsert(t, now, list...)
	// Schema 2 has the enterprise columns of schema 1 only.
	copyRows(t, now, s, "enterprises", "credit_code", "name", "sector", "size_class", "trades",
		"contact_name", "email", "mobile", "webhook", "active", "updated_at")
	quiet := logrus.New()
	quiet.SetOutput(io.Discard)
	daemonOn := func(s *store.Store) *daemon.Daemon {
		d, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: s, Log: logrus.NewEntry(quiet), Clock: &daemon.SetClock{}, Worker: "old"})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	d := daemonOn(now)
	// 2 June: the office's digest goes to its log contact too.
	for _, at := range []time.Time{at("2024-05-24 09:00:00"), at("2024-06-02 09:00:00")} {
		if res, err := d.Tick(ctx, at); err != nil || res.Enqueued == 0 || res.Delivery.Sent != res.Enqueued {
			t.Fatalf("tick at %s: %+v, %v", at, res, err)
		}
	}
	copyRows(t, now, s, "notifications")
	copyRows(t, now, s, "job_runs")
	// What the old remindd wrote: the same rows, keys without the address.
	want := map[int64]string{}
	for _, r := range outboxRows(t, s) {
		want[r.ID] = r.Key
		old := strings.TrimSuffix(r.Key, ":"+schedule.AddressDigest(r.Address))
		if r.Address != "" && old == r.Key {
			t.Fatalf("%s: no address digest to take off", r.Key)
		}
		if _, err := s.DB().ExecContext(ctx, `UPDATE notifications SET dedup_key = ? WHERE id = ?`, old, r.ID); err != nil {
			t.Fatal(err)
		}
	}
	return s, daemonOn(s), want
}

// copyRows copies every row of table from one store to another of the same
// backend, each column as it is: the columns named, or every one.
func copyRows(t *testing.T, from, to *store.Store, table string, columns ...string) {
	t.Helper()
	ctx := context.Background()
	selected := "*"
	if len(columns) > 0 {
		selected = strings.Join(columns, ", ")
	}
	rows, err := from.DB().QueryContext(ctx, `SELECT `+selected+` FROM `+table)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	insert := `INSERT INTO ` + table + ` (` + strings.Join(cols, ", ") + `) VALUES (` + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + `)`
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		if _, err := to.DB().ExecContext(ctx, insert, vals...); err != nil {
			t.Fatalf("copy a row of %s: %v", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}

func outboxRows(t *testing.T, s *store.Store) []store.OutboxRow {
	t.Helper()
	rows, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestMigrationToSchema3KeepsWhatWasSent: after the upgrade every key is
// what today's rules make for its row (the address's digest appended, none
// for the log contact), so that deciding those mornings again enqueues
// nothing that was already sent. Migrating again
// after the version row is lost changes no key.
func TestMigrationToSchema3KeepsWhatWasSent(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s, d, want := upgradeFixture(t, b)
			var logRows, oldForm int
			for _, r := range outboxRows(t, s) {
				if r.Address == "" {
					logRows++
				} else if strings.Count(r.Key, ":") == 4 {
					oldForm++
				}
			}
			if logRows == 0 || oldForm == 0 {
				t.Fatalf("fixture: %d rows without an address, %d with an old key", logRows, oldForm)
			}
			// A key of another form (a hand-written row) is left as it is.
			if _, err := s.Enqueue(ctx, []store.Message{{Key: "manual:2024-05-24", PlanID: planID, Rule: "lead",
				RecipientKind: "section", RecipientID: "industry-mgmt", Channel: "outbox", Address: "x@example.gov.cn",
				NextAttempt: at("2024-05-24 09:00:00")}}); err != nil {
				t.Fatal(err)
			}

			latest, err := s.SchemaVersion()
			if err != nil {
				t.Fatal(err)
			}
			from, to, err := s.Migrate(ctx)
			if err != nil || from != 2 || to != latest {
				t.Fatalf("migrate: from %d to %d, %v; want 2 to %d", from, to, err, latest)
			}
			check := func(when string) {
				t.Helper()
				for _, r := range outboxRows(t, s) {
					w, ok := want[r.ID]
					if !ok {
						w = "manual:2024-05-24"
					}
					if r.Key != w {
						t.Errorf("%s: row %d (%s %q): key %q, want %q", when, r.ID, r.Channel, r.Address, r.Key, w)
					}
				}
			}
			check("after the migration")

			// The same mornings decided again: the job runs are forgotten,
			// so that each tick runs the jobs the old remindd ran.
			before := len(want) + 1
			for _, tick := range []string{"2024-05-24 09:05:00", "2024-06-02 09:05:00"} {
				if _, err := s.DB().ExecContext(ctx, `DELETE FROM job_runs`); err != nil {
					t.Fatal(err)
				}
				res, err := d.Tick(ctx, at(tick))
				if err != nil {
					t.Fatal(err)
				}
				if res.Enqueued != 0 || res.Decided == 0 {
					t.Errorf("tick at %s after the upgrade: %d decided, %d enqueued; want none enqueued", tick, res.Decided, res.Enqueued)
				}
			}
			if n := len(outboxRows(t, s)); n != before {
				t.Errorf("outbox has %d rows after the ticks, want %d", n, before)
			}

			// The version and the keys commit together; should the version
			// be lost, migrating again leaves the keys alone.
			if _, err := s.DB().ExecContext(ctx, `DELETE FROM schema_migrations WHERE version >= 3`); err != nil {
				t.Fatal(err)
			}
			if from, to, err := s.MigrateTo(ctx, 3); err != nil || from != 2 || to != 3 {
				t.Fatalf("migrate again: from %d to %d, %v", from, to, err)
			}
			check("after migrating again")
		})
	}
}

// TestMigrationToSchema3WaitsForOlderLeaders: while a remindd older than
// schema 3 holds the job lock (on MySQL its old name, on SQLite the file
// lock), the migration refuses, names the database, and changes nothing.
func TestMigrationToSchema3WaitsForOlderLeaders(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			addr := b.Addr(t)
			s, err := store.Open(ctx, addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if _, _, err := s.MigrateTo(ctx, 2); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Enqueue(ctx, []store.Message{{Key: "lead:section:industry-mgmt:2024-05-31/d7:outbox", PlanID: planID,
				Rule: "lead", RecipientKind: "section", RecipientID: "industry-mgmt", Channel: "outbox",
				Address: "industry-mgmt@example.gov.cn", NextAttempt: at("2024-05-24 09:00:00")}}); err != nil {
				t.Fatal(err)
			}
			var release func()
			if b.Name == "sqlite" {
				other, err := store.Open(ctx, addr)
				if err != nil {
					t.Fatal(err)
				}
				defer other.Close()
				l, err := other.Lock(ctx, "jobs")
				if err != nil {
					t.Fatal(err)
				}
				release = func() { l.Release() }
			} else {
				conn, err := s.DB().Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer conn.Close()
				var db string
				if err := conn.QueryRowContext(ctx, `SELECT DATABASE()`).Scan(&db); err != nil {
					t.Fatal(err)
				}
				old := "remindd:" + db + ":jobs" // the name before schema 3
				var got int
				if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(?, 0)`, old).Scan(&got); err != nil || got != 1 {
					t.Fatalf("take the old lock: %d, %v", got, err)
				}
				release = func() { conn.ExecContext(ctx, `SELECT RELEASE_LOCK(?)`, old) }
			}
			_, to, err := s.Migrate(ctx)
			if err == nil || to != 2 || !strings.Contains(err.Error(), "stop every remindd using") || strings.Contains(err.Error(), "@tcp(") {
				t.Fatalf("migrate beside an older leader: to %d, %v; want a refusal at version 2", to, err)
			}
			if b.Name == "mysql" && !strings.Contains(err.Error(), "older than schema 3") {
				t.Errorf("error %q does not say an older remindd leads", err)
			}
			if b.Name == "sqlite" && !errors.Is(err, store.ErrLocked) {
				t.Errorf("error %v does not wrap ErrLocked", err)
			}
			if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE dedup_key = 'lead:section:industry-mgmt:2024-05-31/d7:outbox'`); n != 1 {
				t.Errorf("the key changed although the migration was refused")
			}
			release()
			if _, to, err := s.MigrateTo(ctx, 3); err != nil || to != 3 {
				t.Fatalf("migrate once the leader stopped: %d, %v", to, err)
			}
			if n := count(t, s, `SELECT COUNT(*) FROM notifications WHERE dedup_key = ?`,
				"lead:section:industry-mgmt:2024-05-31/d7:outbox:"+schedule.AddressDigest("industry-mgmt@example.gov.cn")); n != 1 {
				t.Errorf("the key was not rewritten")
			}
		})
	}
}
