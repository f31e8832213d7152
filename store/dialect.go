package store

import (
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// dialect is what differs between the backends. Placeholders are ? on both.
type dialect struct {
	name string
	// transactionalDDL: a migration's statements and its version commit
	// together. MySQL commits each DDL statement on its own.
	transactionalDDL bool
	// snapshot is the isolation of a read-only snapshot transaction.
	snapshot sql.IsolationLevel
	// forUpdate ends a SELECT whose answer decides a write in the same
	// transaction, so that a concurrent one waits for it (SQLite's
	// transactions hold the write lock from their start: none needed).
	forUpdate string
	// skipLocked ends a SELECT that claims rows so that concurrent claimers
	// pass over each other's rows; SQLite's immediate transactions
	// serialise claimers instead.
	skipLocked string
	// claim is the isolation of a claim's transaction. On MySQL it is READ
	// COMMITTED: under REPEATABLE READ a claim's range scan takes gap
	// locks, and two claimers moving rows into the sending range deadlock.
	claim sql.IsolationLevel
	// migrationsTable creates the table of applied migrations.
	migrationsTable string
	// tableExists counts the tables named ? in the current database.
	tableExists string
	// lockMigrate and unlockMigrate bracket a migration run on one
	// connection, so that two processes never migrate at once; empty when
	// the migration transactions serialise it already. lockMigrate takes the
	// seconds to wait.
	lockMigrate, unlockMigrate string
	// excluded refers to the value an upsert tried to insert into col.
	excluded func(col string) string
	// timeArg is an instant, already UTC and truncated, as a query argument.
	timeArg func(time.Time) any
	// retryable reports an error after which the transaction is worth
	// running again.
	retryable func(error) bool
}

var sqliteDialect = &dialect{
	name:             "sqlite",
	transactionalDDL: true,
	snapshot:         sql.LevelDefault, // one read transaction is one snapshot in WAL mode
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER  NOT NULL PRIMARY KEY,
    applied_at DATETIME NOT NULL
)`,
	tableExists: `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?`,
	excluded:    func(col string) string { return "excluded." + col },
	timeArg:     func(t time.Time) any { return t.Format(timeFormat) },
	retryable:   func(error) bool { return false },
}

var mysqlDialect = &dialect{
	name:       "mysql",
	snapshot:   sql.LevelRepeatableRead,
	skipLocked: " FOR UPDATE SKIP LOCKED",
	forUpdate:  " FOR UPDATE",
	claim:      sql.LevelReadCommitted,
	migrationsTable: `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INT         NOT NULL PRIMARY KEY,
    applied_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
	tableExists: `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?`,
	// Lock names are server-wide: name the database, hashed to fit 64
	// characters (as lockName does). The wait, in seconds, is an argument.
	lockMigrate:   `SELECT GET_LOCK(CONCAT('remindd_migrate_', SHA1(DATABASE())), ?)`,
	unlockMigrate: `SELECT RELEASE_LOCK(CONCAT('remindd_migrate_', SHA1(DATABASE())))`,
	// VALUES(col) is what MariaDB and MySQL both understand (MySQL 8.0.20+
	// warns that it is deprecated in favour of a row alias MariaDB lacks).
	excluded: func(col string) string { return "VALUES(" + col + ")" },
	timeArg:  func(t time.Time) any { return t },
	retryable: func(err error) bool {
		var me *mysql.MySQLError
		return errors.As(err, &me) && me.Number == 1213 // deadlock: this transaction was rolled back
	},
}

// doNothing ends an INSERT so that a row whose key exists is skipped without
// an error, and without hiding other errors as INSERT IGNORE would. key is
// the unique key's columns; its first column is assigned to itself on MySQL.
func (d *dialect) doNothing(key ...string) string {
	if d.name == "mysql" {
		return "ON DUPLICATE KEY UPDATE " + key[0] + " = " + key[0]
	}
	return "ON CONFLICT (" + strings.Join(key, ", ") + ") DO NOTHING"
}

// doUpdate ends an INSERT so that a row whose key exists is updated by the
// given assignments instead.
func (d *dialect) doUpdate(key []string, set ...string) string {
	if d.name == "mysql" {
		return "ON DUPLICATE KEY UPDATE " + strings.Join(set, ", ")
	}
	return "ON CONFLICT (" + strings.Join(key, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
}

// takeNew assigns each column the value the upsert tried to insert.
func (d *dialect) takeNew(cols ...string) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c + " = " + d.excluded(c)
	}
	return out
}
