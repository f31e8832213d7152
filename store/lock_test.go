package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/go-sql-driver/mysql"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestLockIsPerDatabaseWhateverItsName is issue 13's third finding: the
// lock's name was cut at 64 characters, so two databases whose names share
// their first 56 characters shared one lock, and the second daemon never
// led. Each of two such databases (64 characters, MySQL's longest) now has
// its own lock; a second taker on one database is still refused, with an
// error that names that database, not the other.
func TestLockIsPerDatabaseWhateverItsName(t *testing.T) {
	mysqlBackend := storetest.Backends(t)[1]
	base := mysqlBackend.Addr(t) // skips, or fails under REMINDD_REQUIRE_MYSQL=1, without a server
	ctx := context.Background()
	admin, err := store.Open(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the databases are dropped
	cfg, err := mysql.ParseDSN(strings.TrimPrefix(base, "mysql:"))
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	prefix := "remindd_t_" + hex.EncodeToString(b) + "_"
	prefix += strings.Repeat("x", 60-len(prefix))
	var stores []*store.Store
	for _, suffix := range []string{"_one", "_two"} {
		name := prefix + suffix
		if len(name) != 64 {
			t.Fatalf("database name %q is %d characters, want 64", name, len(name))
		}
		if _, err := admin.DB().ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if _, err := admin.DB().ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil {
				t.Errorf("drop database %s: %v", name, err)
			}
		})
		c := cfg.Clone()
		c.DBName = name
		s, err := store.Open(ctx, "mysql:"+c.FormatDSN())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	one, err := stores[0].Lock(ctx, "jobs")
	if err != nil {
		t.Fatal(err)
	}
	defer one.Release()
	two, err := stores[1].Lock(ctx, "jobs")
	if err != nil {
		t.Fatalf("database %s_two cannot lead beside %s_one: %v", prefix, prefix, err)
	}
	defer two.Release()

	// A second taker on the first database is refused, and told which.
	again, err := store.Open(ctx, "mysql:"+func() string { c := cfg.Clone(); c.DBName = prefix + "_one"; return c.FormatDSN() }())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	_, err = again.Lock(ctx, "jobs")
	if !errors.Is(err, store.ErrLocked) {
		t.Fatalf("second taker on %s_one: %v, want ErrLocked", prefix, err)
	}
	if msg := err.Error(); !strings.Contains(msg, "database "+prefix+"_one ") || strings.Contains(msg, prefix+"_two") ||
		!strings.Contains(msg, "held by MySQL connection ") || !strings.Contains(msg, cfg.Addr) {
		t.Errorf("error %q should name database %s_one on %s and its holder", msg, prefix, cfg.Addr)
	}
	for _, l := range []*store.Lock{one, two} {
		if err := l.Check(ctx); err != nil {
			t.Errorf("held lock reported lost: %v", err)
		}
	}
}

// TestLockNamesAreChecked: a lock's name is part of the server's lock name
// and must keep it within 64 characters.
func TestLockNamesAreChecked(t *testing.T) {
	mysqlBackend := storetest.Backends(t)[1]
	s, err := store.Open(context.Background(), mysqlBackend.Addr(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, name := range []string{"", "much-too-long-a-name", "Jobs"} {
		if l, err := s.Lock(context.Background(), name); err == nil {
			l.Release()
			t.Errorf("lock %q taken, want an error", name)
		}
	}
}
