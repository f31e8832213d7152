package main

import (
	"context"
	"fmt"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// baseline records, at go-live, everything due before a date as done, in
// one transaction, each obligation an event from the baseline.
func (a *app) baseline(args []string) error {
	fs := a.flags("baseline")
	before := fs.String("before", "", "`date` (YYYY-MM-DD): obligations due before it are recorded done")
	section := fs.String("section", "", "only this section (`id or name`) and the enterprises of its sectors")
	by := fs.String("by", "", "who decided it (required: it is kept in the history)")
	note := fs.String("note", "", "why (required), e.g. 上线前已完成，按局办公室通知统一登记")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if *before == "" || *by == "" || *note == "" {
		return usageError{"give --before DATE, --by WHO and --note WHY"}
	}
	day, err := plan.ParseDate(*before)
	if err != nil {
		return usageError{fmt.Sprintf("--before %q is not a date such as 2024-05-24", *before)}
	}
	check := remindd.Completion{By: *by, Note: *note}
	if err := check.Check(flagName); err != nil {
		return usageError{err.Error()}
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	only := ""
	if *section != "" {
		sec, err := findSection(p, *section)
		if err != nil {
			return err
		}
		only = sec.ID
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	now := time.Now()
	st, err := s.Snapshot(ctx, p.ID, now)
	if err != nil {
		return err
	}
	changes := schedule.New(p, c).Baseline(st, day, only)
	for i := range changes {
		changes[i].By, changes[i].Note, changes[i].At = *by, *note, now
	}
	applied, err := s.Apply(ctx, p.ID, changes)
	if err != nil {
		return err
	}
	count := map[string]int{}
	for _, e := range applied {
		count[e.Assignee.Kind]++
	}
	fmt.Fprintf(a.stdout, "baseline before %s: %d obligations recorded done (%d of sections, %d of enterprises)\n",
		day, len(applied), count[remindd.KindSection], count[remindd.KindEnterprise])
	return nil
}
