package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestProbeFailsWhileAnotherConnectionHoldsTheWriteLock: on SQLite a ping
// succeeds while every write fails with "database is locked"; the probe
// must fail as the writes do, and pass once the lock is released.
func TestProbeFailsWhileAnotherConnectionHoldsTheWriteLock(t *testing.T) {
	ctx := context.Background()
	var addr string
	for _, b := range storetest.Backends(t) {
		if b.Name == "sqlite" {
			addr = b.Addr(t)
		}
	}
	s, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := s.Probe(ctx); err != nil {
		t.Fatalf("probe of a free store: %v", err)
	}

	other, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("ping: %v (the lock should not stop a ping)", err)
	}
	err = s.Probe(ctx)
	if err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Errorf("probe while another connection holds the write lock: %v, want database is locked", err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if err := s.Probe(ctx); err != nil {
		t.Errorf("probe after the lock was released: %v", err)
	}
}

func TestProbeOnEachBackend(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		if err := s.Probe(context.Background()); err != nil {
			t.Errorf("probe: %v", err)
		}
	})
}
