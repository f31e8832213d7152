// Package storetest opens a fresh store for a test on each backend.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/remindd/remindd/store"
)

// DefaultMySQLDSN is the server tests use unless REMINDD_TEST_MYSQL_DSN names
// another. The database in it is only used to connect: each test gets its own.
const DefaultMySQLDSN = "root@tcp(127.0.0.1:3306)/test"

// Backend is one kind of store a test can run against.
type Backend struct {
	Name string // "sqlite" or "mysql"
	// addr makes a fresh, empty database and returns its store address; it
	// skips or fails t when the backend is not there.
	addr func(t testing.TB) string
}

// Backends lists the backends: SQLite, then MySQL.
func Backends(t testing.TB) []Backend {
	t.Helper()
	return []Backend{
		{Name: "sqlite", addr: sqliteAddr},
		{Name: "mysql", addr: mysqlAddr},
	}
}

// Addr makes a fresh, empty database on the backend, dropped when the test
// ends, and returns its address for store.Open.
func (b Backend) Addr(t testing.TB) string {
	t.Helper()
	return b.addr(t)
}

// Open opens a fresh, migrated store on the backend, closed when the test ends.
func (b Backend) Open(t testing.TB) *store.Store {
	t.Helper()
	addr := b.addr(t)
	ctx := context.Background()
	s, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatalf("open %s store: %v", b.Name, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close %s store: %v", b.Name, err)
		}
	})
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrate %s store: %v", b.Name, err)
	}
	return s
}

// ForEach runs fn as a subtest on each backend, named after it, with a fresh,
// migrated store.
func ForEach(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			fn(t, b.Open(t))
		})
	}
}

func sqliteAddr(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "remindd.db")
}

// mysqlAddr creates a database named remindd_t_<random hex> on the test
// server and drops it in cleanup. When the server cannot be reached the test
// is skipped, or failed when REMINDD_REQUIRE_MYSQL=1.
func mysqlAddr(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("REMINDD_TEST_MYSQL_DSN")
	if dsn == "" {
		dsn = DefaultMySQLDSN
	}
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("REMINDD_REQUIRE_MYSQL") == "1" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		t.Fatalf("REMINDD_TEST_MYSQL_DSN: %v", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		t.Fatalf("REMINDD_TEST_MYSQL_DSN: %v", err)
	}
	admin := sql.OpenDB(conn)
	t.Cleanup(func() {
		if err := admin.Close(); err != nil {
			t.Errorf("close mysql admin connection: %v", err)
		}
	})
	ctx := context.Background()
	if err := admin.PingContext(ctx); err != nil {
		unavailable("mysql at %s is not reachable (set REMINDD_TEST_MYSQL_DSN): %v", cfg.Addr, err)
		return ""
	}
	name := "remindd_t_" + randomHex(8)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name+" CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		unavailable("mysql at %s: create database %s: %v", cfg.Addr, name, err)
		return ""
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	cfg.DBName = name
	return "mysql:" + cfg.FormatDSN()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return hex.EncodeToString(b)
}
