package store

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrLocked means another instance holds the lock.
var ErrLocked = errors.New("store: lock held by another instance")

// Lock is a held lock that makes this process the one that runs the jobs.
type Lock struct {
	check   func(ctx context.Context) error
	release func() error
}

// Check returns nil while the lock is still held. On MySQL the lock belongs
// to a connection: if that connection died, the lock is gone.
func (l *Lock) Check(ctx context.Context) error { return l.check(ctx) }

// Release gives the lock up.
func (l *Lock) Release() error { return l.release() }

// Lock takes the named lock without waiting. On MySQL it is GET_LOCK held on
// a connection of its own, so several daemons share one database and one of
// them leads; on SQLite it is an exclusive lock on a file beside the
// database, which a second process on the same file cannot take at all. When
// another instance holds it, the error wraps ErrLocked.
func (s *Store) Lock(ctx context.Context, name string) (*Lock, error) {
	if s.dialect.name == "sqlite" {
		return s.fileLock()
	}
	return s.mysqlLock(ctx, name)
}

func (s *Store) fileLock() (*Lock, error) {
	path := strings.TrimPrefix(s.addr, "sqlite:") + ".lock"
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: another remindd (pid %s) uses the SQLite store %s; run one instance per SQLite file, or use MySQL for several",
				ErrLocked, strings.TrimSpace(string(holder)), strings.TrimPrefix(s.addr, "sqlite:"))
		}
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) // the pid is only a hint in the message above
	}
	return &Lock{
		check: func(context.Context) error { return nil },
		release: func() error {
			return errors.Join(syscall.Flock(int(f.Fd()), syscall.LOCK_UN), f.Close())
		},
	}, nil
}

// lockName is the server-wide name of the lock name on database db:
// remindd_NAME_ and the SHA-1 of the database's name, as the migration lock
// is named (remindd_migrate_SHA1), so that every database has its own locks
// whatever the length of its name, within MySQL's 64 characters.
func lockName(db, name string) (string, error) {
	if name == "" || len(name) > 15 || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz") != "" {
		return "", fmt.Errorf("store: lock name %q must be 1 to 15 lower-case letters", name)
	}
	sum := sha1.Sum([]byte(db))
	return "remindd_" + name + "_" + hex.EncodeToString(sum[:]), nil
}

// oldLockName is the name remindd used before schema 3: the database's name
// in clear, cut at 64 characters, so that databases sharing their first 56
// characters shared it.
func oldLockName(db, name string) string {
	full := "remindd:" + db + ":" + name
	if len(full) > 64 {
		full = full[:64]
	}
	return full
}

func (s *Store) mysqlLock(ctx context.Context, name string) (*Lock, error) {
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	var db string
	if err := conn.QueryRowContext(ctx, `SELECT DATABASE()`).Scan(&db); err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: lock %s: %w", name, err)
	}
	full, err := lockName(db, name)
	if err != nil {
		conn.Close()
		return nil, err
	}
	what := fmt.Sprintf("%q lock of database %s on %s (server lock %s)", name, db, s.host, full)
	got, holder, err := getLock(ctx, conn, full)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("store: take the %s: %w", what, err)
	}
	if !got {
		conn.Close()
		by := "another connection"
		if holder != 0 {
			by = fmt.Sprintf("MySQL connection %d", holder)
		}
		return nil, fmt.Errorf("%w: the %s is held by %s", ErrLocked, what, by)
	}
	return &Lock{
		check: func(ctx context.Context) error {
			var mine sql.NullInt64
			if err := conn.QueryRowContext(ctx, `SELECT IS_USED_LOCK(?) = CONNECTION_ID()`, full).Scan(&mine); err != nil {
				return fmt.Errorf("store: the %s is lost: %w", what, err)
			}
			if !mine.Valid || mine.Int64 != 1 {
				return fmt.Errorf("store: the %s is lost", what)
			}
			return nil
		},
		release: func() error {
			_, err := conn.ExecContext(context.Background(), `SELECT RELEASE_LOCK(?)`, full)
			return errors.Join(err, conn.Close())
		},
	}, nil
}

// getLock takes the MySQL lock full on conn without waiting. When another
// connection holds it, it returns false and that connection's id (0 when it
// let go meanwhile).
func getLock(ctx context.Context, conn *sql.Conn, full string) (got bool, holder int64, err error) {
	var n sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT GET_LOCK(?, 0)`, full).Scan(&n); err != nil {
		return false, 0, err
	}
	if !n.Valid {
		return false, 0, errors.New("GET_LOCK failed")
	}
	if n.Int64 == 1 {
		return true, 0, nil
	}
	var h sql.NullInt64
	if err := conn.QueryRowContext(ctx, `SELECT IS_USED_LOCK(?)`, full).Scan(&h); err != nil {
		return false, 0, err
	}
	return false, h.Int64, nil
}
