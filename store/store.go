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
	// where names the database in messages, without a password:
	// user@host:port/database on MySQL, the file on SQLite.
	where string
	// host is the MySQL server's address, for messages.
	host string
	// readTimeout is the MySQL connections' read timeout, 0 for none.
	readTimeout time.Duration
	// now stamps bookkeeping columns (updated_at, recorded_at, applied_at);
	// the times that matter to the rules always come in as arguments.
	now func() time.Time
	// claimRead, when set (tests), runs inside a claim's transaction once
	// it has read what it takes.
	claimRead func()
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
		conn driver.Connector
		d    *dialect
		st   = &Store{addr: addr, now: time.Now}
		err  error
	)
	switch kind {
	case "sqlite":
		d, st.where = sqliteDialect, dsn
		conn, err = sqliteConnector(dsn)
	case "mysql":
		d = mysqlDialect
		var cfg *mysql.Config
		if conn, cfg, err = mysqlConnector(dsn); err == nil {
			st.where = fmt.Sprintf("%s@%s/%s", cfg.User, cfg.Addr, cfg.DBName)
			st.host, st.readTimeout = cfg.Addr, cfg.ReadTimeout
		}
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
	// Keep the connections concurrent requests (the desk's pages) used:
	// database/sql keeps 2 by default and closes the others after each
	// statement, so that under 20 concurrent pages every other statement
	// opened a connection (a handshake and a session for the server).
	// Those left idle a minute are closed.
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(time.Minute)
	if kind == "mysql" {
		// Servers drop idle connections (wait_timeout); recycle them first.
		db.SetConnMaxLifetime(3 * time.Minute)
	}
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("store: open %s %s: %w", kind, st.where, err), db.Close())
	}
	st.db, st.dialect = db, d
	return st, nil
}

// maxIdleConns is how many idle connections a store keeps: as many as the
// desk's concurrent requests use (each holds one at a time), far below a
// server's max_connections (151 by default).
const maxIdleConns = 32

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

// The MySQL connections' network bounds when the DSN does not set them
// (timeout=, readTimeout=, writeTimeout=; 0 there means none):
//
//   - connectTimeout bounds opening a connection as a whole: the dial, the
//     server's greeting, authentication and the session's settings. The
//     driver bounds only the dial by its Timeout and reads the greeting
//     under ReadTimeout, so a server that accepts and never answers would
//     hang for the read timeout; the connector gives up after this instead.
//   - readTimeout bounds each wait for an answer on an open connection: it
//     must outlast the longest statement remindd sends, a migration's DDL on
//     a big table or the migration lock's wait (migrateLockWait), and it
//     closes the connection when it fires (a held leader lock with it).
//   - writeTimeout bounds each write of a packet to the server.
const (
	connectTimeout = 10 * time.Second
	readTimeout    = 5 * time.Minute
	writeTimeout   = time.Minute
)

// mysqlConnector parses a go-sql-driver DSN and forces what the store relies
// on: times parsed as UTC, utf8mb4, strict mode (an over-long value is an
// error, not a silent truncation) and a UTC session time zone; it sets the
// network bounds above that the DSN leaves unset, and sends arguments inline
// (interpolateParams) unless the DSN says.
func mysqlConnector(dsn string) (driver.Connector, *mysql.Config, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, nil, err
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if err := cfg.Apply(mysql.Charset("utf8mb4", "utf8mb4_unicode_ci"), mysql.TimeTruncate(time.Microsecond)); err != nil {
		return nil, nil, err
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
	// ParseDSN leaves 0 both for a bound the DSN does not name and for one
	// it sets to 0: look at the DSN's parameters to tell them apart.
	set := dsnParams(dsn)
	// A statement with arguments goes as one query, its arguments escaped
	// by the driver (safe with utf8mb4), not as a prepare, an execute and a
	// close: a desk page's three short queries took half their time in
	// those round trips, and the server as much CPU to prepare them.
	if !set["interpolateParams"] {
		cfg.InterpolateParams = true
	}
	for _, b := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{{"timeout", &cfg.Timeout, connectTimeout}, {"readTimeout", &cfg.ReadTimeout, readTimeout}, {"writeTimeout", &cfg.WriteTimeout, writeTimeout}} {
		if !set[b.name] {
			*b.v = b.def
		}
	}
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, nil, err
	}
	if cfg.Timeout > 0 {
		c = boundedConnector{Connector: c, within: cfg.Timeout, host: cfg.Addr}
	}
	return c, cfg, nil
}

// dsnParams names the parameters a go-sql-driver DSN sets, read as ParseDSN
// reads them: after the first ? that follows the last /, separated by &,
// each name=value.
func dsnParams(dsn string) map[string]bool {
	set := map[string]bool{}
	slash := strings.LastIndexByte(dsn, '/')
	if slash < 0 {
		return set
	}
	_, params, ok := strings.Cut(dsn[slash+1:], "?")
	if !ok {
		return set
	}
	for p := range strings.SplitSeq(params, "&") {
		if name, _, ok := strings.Cut(p, "="); ok {
			set[name] = true
		}
	}
	return set
}

// boundedConnector opens each connection within a time: the driver closes
// a connection whose context ends while it connects, the greeting's read
// included, and stops watching that context once connected.
type boundedConnector struct {
	driver.Connector
	within time.Duration
	host   string
}

func (c boundedConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cctx, cancel := context.WithTimeout(ctx, c.within)
	defer cancel()
	conn, err := c.Connector.Connect(cctx)
	if err != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		return nil, fmt.Errorf("the MySQL server at %s did not answer within %s (connect timeout; set timeout= in the DSN to change it): %w", c.host, c.within, err)
	}
	return conn, err
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
