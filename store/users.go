package store

import (
	"context"
	"time"

	"github.com/remindd/remindd"
)

// ErrUserExists is AddUser's answer for a name already taken.
var ErrUserExists = errNotYet

// AddUser adds a desk account with its password hash (as the hashing
// package encodes it, e.g. "$argon2id$…"); a name already taken is
// ErrUserExists.
func (s *Store) AddUser(ctx context.Context, u remindd.User, hash string) error {
	return errNotYet
}

// UserByName finds an account and its password hash.
func (s *Store) UserByName(ctx context.Context, name string) (u remindd.User, hash string, ok bool, err error) {
	return remindd.User{}, "", false, errNotYet
}

// CreateSession stores a desk session: id is the SHA-256 (hex) of the
// cookie's value, never the value, so that a read of the store opens no
// session.
func (s *Store) CreateSession(ctx context.Context, id, user string, created, expires time.Time) error {
	return errNotYet
}

// Session finds the user of a session still valid at now.
func (s *Store) Session(ctx context.Context, id string, now time.Time) (remindd.User, bool, error) {
	return remindd.User{}, false, errNotYet
}

// DeleteSession ends a session (logout); ending one that is not there is no
// error.
func (s *Store) DeleteSession(ctx context.Context, id string) error {
	return errNotYet
}

// LoginFailed records a failed login for key (the user name, or the
// client's address), at instant at.
func (s *Store) LoginFailed(ctx context.Context, key string, at time.Time) error {
	return errNotYet
}

// LoginFailures counts key's failed logins since an instant.
func (s *Store) LoginFailures(ctx context.Context, key string, since time.Time) (int, error) {
	return 0, errNotYet
}
