package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
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
	for v := range steps {
		if v > len(out) {
			return nil, fmt.Errorf("migration %d has Go code and no %s/%04d_*.sql", v, dir, v)
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
	return s.migrate(ctx, 0)
}

// migrate is Migrate up to version upTo, 0 meaning the latest; tests start
// from an older schema with it.
func (s *Store) migrate(ctx context.Context, upTo int) (from, to int, err error) {
	ms, err := migrations(s.dialect.name)
	if err != nil {
		return 0, 0, fmt.Errorf("store: migrate: %w", err)
	}
	if upTo < 0 || upTo > len(ms) {
		return 0, 0, fmt.Errorf("store: migrate: no version %d", upTo)
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
	if upTo == 0 {
		upTo = len(ms)
	}
	for _, m := range ms[from:max(from, upTo)] {
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

// maxKeyLen is the longest dedup key the notifications table holds, in
// characters.
const maxKeyLen = 255

// A step is a migration's Go code, for what SQL cannot say on both
// backends. It runs after the migration's statements, in one transaction
// with the recording of its version, on the migration's connection.
type step struct {
	// guard runs before the transaction, on the migration's connection, and
	// returns what to run once the transaction ended, or an error to stop.
	guard func(ctx context.Context, s *Store, conn *sql.Conn) (release func(), err error)
	run   func(ctx context.Context, tx *sql.Tx) error
}

// steps are the migrations' Go code, by version.
var steps = map[int]step{
	3: {guard: noOlderLeader, run: rekeyByAddress},
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
	st, hasStep := steps[m.version]
	if hasStep && st.guard != nil {
		release, err := st.guard(ctx, s, conn)
		if err != nil {
			return err
		}
		defer release()
	}
	if !s.dialect.transactionalDDL {
		for _, stmt := range m.statements {
			if _, err := conn.ExecContext(ctx, stmt); err != nil {
				return err
			}
		}
		if !hasStep {
			return record(ctx, conn)
		}
		// DML is transactional on MySQL: the step's writes and the
		// version commit together, and a crash leaves neither.
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := st.run(ctx, tx); err != nil {
			return err
		}
		if err := record(ctx, tx); err != nil {
			return err
		}
		return tx.Commit()
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
	if hasStep {
		if err := st.run(ctx, tx); err != nil {
			return err
		}
	}
	if err := record(ctx, tx); err != nil {
		return err
	}
	return tx.Commit()
}

// noOlderLeader takes the job lock for the migration, so that no remindd
// runs the jobs while the keys change form: a remindd older than schema 3
// would go on enqueuing keys of the old form beside the new ones, and send
// again what it had sent. On MySQL it is the lock's name before schema 3
// (a newer remindd cannot run on an older schema); on SQLite the file lock,
// whose name did not change.
func noOlderLeader(ctx context.Context, s *Store, conn *sql.Conn) (func(), error) {
	stop := func(err error) error {
		return fmt.Errorf("%w; stop every remindd using %s, then migrate again", err, s.where)
	}
	if s.dialect.name == "sqlite" {
		l, err := s.fileLock()
		if err != nil {
			return nil, stop(err)
		}
		return func() { _ = l.Release() }, nil
	}
	var db string
	if err := conn.QueryRowContext(ctx, `SELECT DATABASE()`).Scan(&db); err != nil {
		return nil, err
	}
	old := oldLockName(db, "jobs")
	got, holder, err := getLock(ctx, conn, old)
	if err != nil {
		return nil, fmt.Errorf("take the job lock %s: %w", old, err)
	}
	if !got {
		return nil, stop(fmt.Errorf("a remindd older than schema 3 is running the jobs (MySQL connection %d holds the lock %s)", holder, old))
	}
	return func() {
		var released sql.NullInt64
		_ = conn.QueryRowContext(context.WithoutCancel(ctx), `SELECT RELEASE_LOCK(?)`, old).Scan(&released)
	}, nil
}

// rekeyByAddress is schema 3: every key of the old form,
// rule:kind:id:what:channel (four colons), whose row has an address gets
// that address's digest as a last part, as schedule.Key makes keys now, so
// that a message in the outbox keeps its key and is not sent again. Keys of
// another form are left alone, so that running it twice changes nothing.
// The digest is written out here, not taken from package schedule: this
// migration must go on making schema 3's keys whatever schedule does later.
func rekeyByAddress(ctx context.Context, tx *sql.Tx) error {
	const page = 500
	for after := int64(0); ; {
		rows, err := tx.QueryContext(ctx, `SELECT id, dedup_key, address FROM notifications
WHERE id > ? AND address <> '' ORDER BY id LIMIT ?`, after, page)
		if err != nil {
			return err
		}
		var (
			n    int
			args []any
			ids  []any
		)
		for rows.Next() {
			var (
				id        int64
				key, addr string
			)
			if err := rows.Scan(&id, &key, &addr); err != nil {
				rows.Close()
				return err
			}
			n, after = n+1, id
			if strings.Count(key, ":") != 4 {
				continue
			}
			sum := sha256.Sum256([]byte(addr))
			newKey := key + ":" + hex.EncodeToString(sum[:6])
			if utf8.RuneCountInString(newKey) > maxKeyLen {
				rows.Close()
				return fmt.Errorf("notification %d: key %q with its address's digest is longer than %d characters", id, key, maxKeyLen)
			}
			args = append(args, id, newKey)
			ids = append(ids, id)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return err
		}
		if len(ids) > 0 {
			q := `UPDATE notifications SET dedup_key = CASE id` + strings.Repeat(` WHEN ? THEN ?`, len(ids)) +
				` END WHERE id IN (` + placeholders(len(ids)) + `)`
			if _, err := tx.ExecContext(ctx, q, append(args, ids...)...); err != nil {
				return err
			}
		}
		if n < page {
			return nil
		}
	}
}
