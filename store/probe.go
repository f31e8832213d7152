package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Probe checks that the store answers and would take a write now. On SQLite
// a ping succeeds while another connection holds the write lock and every
// write fails with "database is locked": there the probe begins a
// transaction, which takes the write lock (waiting for it as a write would,
// up to the busy timeout), and rolls it back, writing nothing. On MySQL,
// where writers lock rows, not the database, it pings.
func (s *Store) Probe(ctx context.Context) error {
	if s.dialect.name != "sqlite" {
		return s.Ping(ctx)
	}
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE: see sqliteConnector
	if err != nil {
		return fmt.Errorf("store: write check: %w", err)
	}
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		return fmt.Errorf("store: write check: rollback: %w", err)
	}
	return nil
}
