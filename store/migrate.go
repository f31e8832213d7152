package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFiles embed.FS

// migration is one numbered schema change for one backend.
type migration struct {
	version    int
	name       string
	statements []string
}

// migrations reads a backend's migrations, checking they are numbered 1, 2, …
func migrations(backend string) ([]migration, error) {
	dir := path.Join("migrations", backend)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must be NNNN_what.sql", dir, e.Name())
		}
		text, err := migrationFiles.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), statements: splitSQL(string(text))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s/%s: want version %d", dir, m.name, i+1)
		}
	}
	return out, nil
}

// splitSQL splits a migration file into statements: "--" comment lines are
// dropped and statements end with a semicolon.
func splitSQL(text string) []string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "--") {
			continue
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	var out []string
	for _, stmt := range strings.Split(b.String(), ";") {
		if stmt = strings.TrimSpace(stmt); stmt != "" {
			out = append(out, stmt)
		}
	}
	return out
}

// SchemaError says the database's schema does not match this binary's.
type SchemaError struct {
	Have int // the database's version; 0 when it was never migrated
	Want int // the version this binary knows
}

func (e *SchemaError) Error() string {
	switch {
	case e.Have == 0:
		return "store: database is not migrated: run remindd migrate"
	case e.Have > e.Want:
		return fmt.Sprintf("store: schema version %d is newer than this remindd (%d): upgrade remindd", e.Have, e.Want)
	default:
		return fmt.Sprintf("store: schema version %d is older than this remindd (%d): run remindd migrate", e.Have, e.Want)
	}
}

// SchemaVersion is the schema version this binary migrates to.
func (s *Store) SchemaVersion() (int, error) {
	ms, err := migrations(s.dialect.name)
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	return len(ms), nil
}

// CheckSchema returns a *SchemaError unless the database is at exactly the
// schema version this binary knows.
func (s *Store) CheckSchema(ctx context.Context) error {
	want, err := s.SchemaVersion()
	if err != nil {
		return err
	}
	have, err := s.version(ctx, s.db)
	if err != nil {
		return fmt.Errorf("store: check schema: %w", err)
	}
	if have != want {
		return &SchemaError{Have: have, Want: want}
	}
	return nil
}

// version is the highest migration applied, 0 when none is.
func (s *Store) version(ctx context.Context, q dbtx) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, s.dialect.tableExists, "schema_migrations").Scan(&n); err != nil {
		return 0, err
	}
	if n == 0 {
		return 0, nil
	}
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, err
	}
	return int(v.Int64), nil
}

// Migrate brings the schema up to this binary's version, one migration at a
// time, and returns the versions before and after. Each migration and its
// version commit together where the backend allows (SQLite); on MySQL, whose
// DDL commits by itself, the version is recorded right after the migration's
// statements, and the migrations are written so that a half-applied one can
// run again. A schema newer than this binary is refused with a *SchemaError.
func (s *Store) Migrate(ctx context.Context) (from, to int, err error) {
	ms, err := migrations(s.dialect.name)
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrate: %w", err)
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrate: %w", err)
	}
	defer conn.Close()
	if s.dialect.lockMigrate != "" {
		wait := migrateLockWait(s.readTimeout)
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, s.dialect.lockMigrate, int(wait/time.Second)).Scan(&got); err != nil {
			return 0, 0, fmt.Errorf("store: migrate: lock: %w", err)
		}
		if got.Int64 != 1 {
			return 0, 0, fmt.Errorf("store: migrate: another process is migrating %s (waited %s): try again when it is done", s.where, wait)
		}
		defer func() {
			var released sql.NullInt64
			if uerr := conn.QueryRowContext(context.WithoutCancel(ctx), s.dialect.unlockMigrate).Scan(&released); uerr != nil && err == nil {
				err = fmt.Errorf("store: migrate: unlock: %w", uerr)
			}
		}()
	}
	if _, err := conn.ExecContext(ctx, s.dialect.migrationsTable); err != nil {
		return 0, 0, fmt.Errorf("store: migrate: create schema_migrations: %w", err)
	}
	from, err = s.version(ctx, conn)
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrate: %w", err)
	}
	if from > len(ms) {
		return from, from, &SchemaError{Have: from, Want: len(ms)}
	}
	to = from
	for _, m := range ms[from:] {
		if err := s.apply(ctx, conn, m); err != nil {
			return from, to, fmt.Errorf("store: migrate to version %d (%s): %w", m.version, m.name, err)
		}
		to = m.version
	}
	return from, to, nil
}

// migrateLockWait is how long Migrate waits for another process's
// migration: a minute, but no more than half the connection's read
// timeout, which would otherwise close the connection while it waits.
func migrateLockWait(readTimeout time.Duration) time.Duration {
	wait := time.Minute
	if readTimeout > 0 && readTimeout < 2*wait {
		wait = (readTimeout / 2).Truncate(time.Second) // GET_LOCK counts whole seconds
	}
	return wait
}

// apply runs one migration and records its version.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) error {
	record := func(ctx context.Context, ex dbtx) error {
		now, err := s.instant(s.now())
		if err != nil {
			return err
		}
		_, err = ex.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, m.version, now)
		return err
	}
	if !s.dialect.transactionalDDL {
		for _, stmt := range m.statements {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		return record(ctx, conn)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Another process may have applied it while this one waited for the
	// write lock.
	var done int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&done); err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	for _, stmt := range m.statements {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	if err := record(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}
