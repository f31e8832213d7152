package main

import (
	"context"
	"fmt"
	"time"

	"github.com/remindd/remindd"
)

// done records a completion; undo removes one.
func (a *app) done(args []string) error { return a.completion("done", args) }
func (a *app) undo(args []string) error { return a.completion("undo", args) }

// completion checks the task and the assignee against the plan and the store,
// then records or removes the completion.
func (a *app) completion(name string, args []string) error {
	fs := a.flags(name)
	task := decimalFlag(fs, "task", "task `number`, in decimal")
	section := fs.String("section", "", "section `id`")
	enterprise := fs.String("enterprise", "", "enterprise credit `code`")
	at := fs.String("at", "", "when it was done, RFC 3339 (default now)")
	by := fs.String("by", "", "who recorded it")
	note := fs.String("note", "", "a note")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if !task.set {
		return usageError{"give --task N"}
	}
	if (*section == "") == (*enterprise == "") {
		return usageError{"give --section ID or --enterprise CODE"}
	}
	who := remindd.Recipient{Kind: remindd.KindSection, ID: *section}
	if *enterprise != "" {
		who = remindd.Recipient{Kind: remindd.KindEnterprise, ID: *enterprise}
	}
	record := remindd.Completion{Assignee: who, By: *by, Note: *note}
	if err := record.Check(flagName); err != nil {
		return usageError{err.Error()}
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	t, ok := p.Task(task.n)
	if !ok {
		return usageError{fmt.Sprintf("--task %d: the plan has tasks 1–%d", task.n, len(p.Tasks))}
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if *section != "" {
		if _, ok := p.Section(*section); !ok {
			return usageError{fmt.Sprintf("--section %q: unknown section", *section)}
		}
		if !p.SectionOwes(t, *section) {
			return usageError{fmt.Sprintf("task %d is not an obligation of section %s", t.N, *section)}
		}
	} else {
		ent, ok, err := s.Enterprise(ctx, *enterprise)
		if err != nil {
			return err
		}
		if !ok {
			return usageError{fmt.Sprintf("--enterprise %q: no such enterprise (import it first)", *enterprise)}
		}
		if !p.EnterpriseOwes(t, ent.Size, ent.Trades) {
			return usageError{fmt.Sprintf("task %d is not an obligation of enterprise %s", t.N, *enterprise)}
		}
	}
	if name == "undo" {
		removed, err := s.Undo(ctx, p.ID, t.N, who)
		if err != nil {
			return err
		}
		if !removed {
			return fmt.Errorf("task %d has no completion recorded for %s", t.N, who)
		}
		fmt.Fprintf(a.stdout, "task %d: completion by %s removed\n", t.N, who)
		return nil
	}
	record.Task, record.DoneAt = t.N, when
	if err := s.Complete(ctx, p.ID, record); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "task %d: done by %s at %s\n", t.N, who, when.In(p.Location).Format(time.RFC3339))
	return nil
}
