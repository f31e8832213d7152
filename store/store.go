// Package store remembers what is done and what was sent: enterprises,
// completions, achievements, the notification outbox and job runs, in
// MySQL/MariaDB or an embedded SQLite file.
//
// Both backends share one schema (see migrations/) and, where they can, the
// same SQL; what differs is said once, in the dialect. Times are stored in UTC
// to the microsecond and come back as UTC time.Time values.
package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"modernc.org/sqlite"
)

// Store is an open store. It is safe for concurrent use.
type Store struct {
	db      *sql.DB
	dialect *dialect
	addr    string
	// now stamps bookkeeping columns (updated_at, recorded_at, applied_at);
	// the times that matter to the rules always come in as arguments.
	now func() time.Time
}

// Open opens the store at addr, sqlite:PATH or mysql:DSN, and checks that it
// answers. It does not migrate: call Migrate, or CheckSchema before use.
func Open(ctx context.Context, addr string) (*Store, error) {
	return open(ctx, addr, nil)
}

// open is Open with an optional wrapper around the driver's connector, which
// tests use to count the statements sent.
func open(ctx context.Context, addr string, wrap func(driver.Connector) driver.Connector) (*Store, error) {
	kind, dsn, ok := strings.Cut(addr, ":")
	if !ok || dsn == "" {
		return nil, fmt.Errorf("store: address %q must be sqlite:PATH or mysql:DSN", addr)
	}
	var (
		conn  driver.Connector
		d     *dialect
		where string
		err   error
	)
	switch kind {
	case "sqlite":
		d, where = sqliteDialect, dsn
		conn, err = sqliteConnector(dsn)
	case "mysql":
		d = mysqlDialect
		conn, where, err = mysqlConnector(dsn)
	default:
		return nil, fmt.Errorf("store: driver %q must be sqlite or mysql", kind)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", kind, err)
	}
	if wrap != nil {
		conn = wrap(conn)
	}
	db := sql.OpenDB(conn)
	if kind == "mysql" {
		// Servers drop idle connections (wait_timeout); recycle them first.
		db.SetConnMaxLifetime(3 * time.Minute)
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s %s: %w", kind, where, err), db.Close())
	}
	return &Store{db: db, dialect: d, addr: addr, now: time.Now}, nil
}

// sqliteConnector opens the SQLite file at path, creating its folder, with a
// busy timeout, write-ahead logging, foreign keys on, and transactions that
// take the write lock when they begin, so that a read-then-write transaction
// waits for another writer instead of failing.
func sqliteConnector(path string) (driver.Connector, error) {
	if strings.ContainsAny(path, "?#") {
		return nil, fmt.Errorf("path %q: ? and # are not allowed", path)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, err
		}
	}
	return sqlite.NewConnector(path +
		"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_txlock=immediate")
}

// mysqlConnector parses a go-sql-driver DSN and forces what the store relies
// on: times parsed as UTC, utf8mb4, strict mode (an over-long value is an
// error, not a silent truncation) and a UTC session time zone. It also
// returns user@address/database for messages, without the password.
func mysqlConnector(dsn string) (driver.Connector, string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, "", err
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_unicode_ci"), mysql.TimeTruncate(time.Microsecond)); err != nil {
		return nil, "", err
	}
	if cfg.Params == nil {
		cfg.Params = map[string]string{}
	}
	if _, ok := cfg.Params["sql_mode"]; !ok {
		cfg.Params["sql_mode"] = "CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')"
	}
	if _, ok := cfg.Params["time_zone"]; !ok {
		cfg.Params["time_zone"] = "'+00:00'"
	}
	where := fmt.Sprintf("%s@%s/%s", cfg.User, cfg.Addr, cfg.DBName)
	c, err := mysql.NewConnector(cfg)
	return c, where, err
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Driver names the backend: "sqlite" or "mysql".
func (s *Store) Driver() string { return s.dialect.name }

// DB is the underlying database, for tests.
func (s *Store) DB() *sql.DB { return s.db }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// inTx runs fn in a transaction and commits it, retrying the whole
// transaction a few times when the backend chose it as a deadlock victim.
// fn must not keep state across calls.
func (s *Store) inTx(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tx(ctx, opts, fn)
		if err == nil || attempt == 3 || !s.dialect.retryable(err) || ctx.Err() != nil {
			return err
		}
	}
}

func (s *Store) tx(ctx context.Context, opts *sql.TxOptions, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		if rb := tx.Rollback(); rb != nil && !errors.Is(rb, sql.ErrTxDone) {
			return errors.Join(err, fmt.Errorf("rollback: %w", rb))
		}
		return err
	}
	return tx.Commit()
}

// readOnly are the options of a transaction that reads one consistent
// snapshot.
func (s *Store) readOnly() *sql.TxOptions {
	return &sql.TxOptions{ReadOnly: true, Isolation: s.dialect.snapshot}
}

// timeFormat is how SQLite holds an instant: UTC, fixed width, so that text
// order is time order.
const timeFormat = "2006-01-02 15:04:05.000000"

// ErrOutOfRange is what the store returns for an instant or a date outside
// the years 0001 to 9999 (UTC): MySQL's DATETIME cannot hold it, and as
// SQLite's text it would no longer sort as time (year 10000 before 2024).
var ErrOutOfRange = errors.New("outside the years 0001 to 9999 (UTC) the store holds")

// instant converts an instant to a query argument for the backend; every
// instant the store writes or compares goes through it, so that none is out
// of range.
func (s *Store) instant(at time.Time) (any, error) {
	at = at.UTC().Truncate(time.Microsecond)
	if y := at.Year(); y < 1 || y > 9999 {
		return nil, fmt.Errorf("instant %s is %w", at.Format(time.RFC3339Nano), ErrOutOfRange)
	}
	return s.dialect.timeArg(at), nil
}

// instants converts several instants, as instant does.
func (s *Store) instants(ts ...time.Time) ([]any, error) {
	out := make([]any, len(ts))
	for i, t := range ts {
		v, err := s.instant(t)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// dbtx is what *sql.DB, *sql.Conn and *sql.Tx have in common: the readers
// below work inside or outside a transaction.
type dbtx interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// placeholders returns "?, ?, ?" for n arguments.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
