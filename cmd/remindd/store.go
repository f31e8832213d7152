package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

// openStore opens the configured store and checks its schema.
func (a *app) openStore(ctx context.Context, c *config.Config) (*store.Store, error) {
	s, err := store.Open(ctx, a.storeAddr(c))
	if err != nil {
		return nil, err
	}
	if err := s.CheckSchema(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// snapshot reads the state and last job runs for a dry run. A SQLite file that
// does not exist yet is an empty state: a dry run creates nothing.
func (a *app) snapshot(ctx context.Context, c *config.Config, p *plan.Plan, at time.Time) (*remindd.State, map[string]time.Time, error) {
	addr := a.storeAddr(c)
	if path, ok := strings.CutPrefix(addr, "sqlite:"); ok && !strings.HasPrefix(path, "file:") {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return &remindd.State{}, nil, nil
		}
	}
	s, err := a.openStore(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	state, err := s.Snapshot(ctx, p.ID, at)
	if err != nil {
		return nil, nil, err
	}
	runs, err := s.LastRuns(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	return state, runs, nil
}
