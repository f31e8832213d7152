package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/remindd/remindd"
)

// ErrUserExists is AddUser's answer for a name already taken.
var ErrUserExists = errors.New("store: a user of that name exists")

// AddUser adds a desk account with its password hash (as the hashing
// package encodes it, e.g. "$argon2id$…"); a name already taken is
// ErrUserExists.
func (s *Store) AddUser(ctx context.Context, u remindd.User, hash string) error {
	now, err := s.instant(s.now())
	if err != nil {
		return err
	}
	n, err := affected(s.db.ExecContext(ctx, `INSERT INTO users (name, role, section, password_hash, created_at)
VALUES (`+placeholders(5)+`) `+s.dialect.doNothing("name"), u.Name, u.Role, u.Section, hash, now))
	if err != nil {
		return fmt.Errorf("store: add user %q: %w", u.Name, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: %q", ErrUserExists, u.Name)
	}
	return nil
}

// cleanUp are the options of a transaction that deletes old rows by a
// range and inserts one: on MySQL READ COMMITTED, which takes no gap locks,
// so that concurrent logins do not deadlock over the range (under
// REPEATABLE READ twenty at once did).
func (s *Store) cleanUp() *sql.TxOptions {
	return &sql.TxOptions{Isolation: s.dialect.claim}
}

// UserByName finds an account and its password hash.
func (s *Store) UserByName(ctx context.Context, name string) (u remindd.User, hash string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT name, role, section, password_hash FROM users WHERE name = ?`, name).
		Scan(&u.Name, &u.Role, &u.Section, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return remindd.User{}, "", false, nil
	}
	if err != nil {
		return remindd.User{}, "", false, fmt.Errorf("store: user %q: %w", name, err)
	}
	return u, hash, true, nil
}

// CreateSession stores a desk session: id is the SHA-256 (hex) of the
// cookie's value, never the value, so that a read of the store opens no
// session. Sessions that expired before created are removed on the way.
func (s *Store) CreateSession(ctx context.Context, id, user string, created, expires time.Time) error {
	at, err := s.instants(created, expires)
	if err != nil {
		return fmt.Errorf("store: create session: %w", err)
	}
	err = s.inTx(ctx, s.cleanUp(), func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < ?`, at[0]); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_name, created_at, expires_at) VALUES (?, ?, ?, ?)`,
			id, user, at[0], at[1])
		return err
	})
	if err != nil {
		return fmt.Errorf("store: create session for %q: %w", user, err)
	}
	return nil
}

// Session finds the user of a session still valid at now.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (remindd.User, bool, error) {
	at, err := s.instant(now)
	if err != nil {
		return remindd.User{}, false, fmt.Errorf("store: session: %w", err)
	}
	var u remindd.User
	err = s.db.QueryRowContext(ctx, `SELECT u.name, u.role, u.section FROM sessions s JOIN users u ON u.name = s.user_name
WHERE s.id = ? AND s.expires_at > ?`, id, at).Scan(&u.Name, &u.Role, &u.Section)
	if errors.Is(err, sql.ErrNoRows) {
		return remindd.User{}, false, nil
	}
	if err != nil {
		return remindd.User{}, false, fmt.Errorf("store: session: %w", err)
	}
	return u, true, nil
}

// DeleteSession ends a session (logout); ending one that is not there is no
// error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM sessions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// LoginFailed records a failed login for key (the user name, or the
// client's address), at instant at. Failures older than a day are removed on
// the way: the rate limit looks back minutes.
func (s *Store) LoginFailed(ctx context.Context, key string, at time.Time) error {
	ts, err := s.instants(at, at.Add(-24*time.Hour))
	if err != nil {
		return fmt.Errorf("store: login failed: %w", err)
	}
	err = s.inTx(ctx, s.cleanUp(), func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM login_failures WHERE login_key = ? AND at < ?`, key, ts[1]); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO login_failures (login_key, at) VALUES (?, ?)`, key, ts[0])
		return err
	})
	if err != nil {
		return fmt.Errorf("store: login failed: %w", err)
	}
	return nil
}

// LoginFailures counts key's failed logins since an instant.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	at, err := s.instant(since)
	if err != nil {
		return 0, fmt.Errorf("store: login failures: %w", err)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM login_failures WHERE login_key = ? AND at >= ?`, key, at).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: login failures: %w", err)
	}
	return n, nil
}
