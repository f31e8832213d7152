package main

import (
	"context"
	"fmt"

	"github.com/remindd/remindd/store"
)

// migrate brings the store's schema up to date.
func (a *app) migrate(args []string) error {
	fs := a.flags("migrate")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	c, _, err := a.load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	s, err := store.Open(ctx, a.storeAddr(c))
	if err != nil {
		return err
	}
	defer s.Close()
	from, to, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	if from == to {
		fmt.Fprintf(a.stdout, "schema is up to date (version %d)\n", to)
	} else {
		fmt.Fprintf(a.stdout, "schema migrated from version %d to %d\n", from, to)
	}
	return nil
}
