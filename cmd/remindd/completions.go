package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
	"github.com/remindd/remindd/store"
)

// completions imports completions from a file, all of them or none.
func (a *app) completions(args []string) error {
	name, f, c, p, err := a.openImport("completions", args)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := roster.ReadCompletions(name, f, p.Location)
	if err != nil {
		return err
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	changes, err := completionChanges(ctx, name, p, s, rows)
	if err != nil {
		return err
	}
	applied, err := s.Apply(ctx, p.ID, changes)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d completions read, %d recorded (%d already done)\n", name, len(rows), len(applied), len(rows)-len(applied))
	return nil
}

// completionChanges checks each row against the plan and the store (the
// task is the plan's and owed by the row's section or enterprise) and makes
// its change; any problem refuses the file whole, every problem named by
// line and column.
func completionChanges(ctx context.Context, name string, p *plan.Plan, s *store.Store, rows []roster.CompletionRow) ([]remindd.Event, error) {
	var (
		problems roster.Problems
		changes  []remindd.Event
		ents     = map[string]*remindd.Enterprise{}
		seen     = map[string]int{}
		now      = time.Now()
	)
	bad := func(r roster.CompletionRow, field, format string, args ...any) {
		if len(problems) < roster.MaxProblems {
			problems = append(problems, roster.Problem{File: name, Line: r.Line, Field: field, Msg: fmt.Sprintf(format, args...)})
		}
	}
	for _, r := range rows {
		t, ok := p.Task(r.Task)
		if !ok {
			bad(r, "task", "%d: the plan has tasks 1–%d", r.Task, len(p.Tasks))
			continue
		}
		var who remindd.Recipient
		if r.Section != "" {
			sec, err := findSection(p, r.Section)
			if err != nil {
				bad(r, "section", "%q: unknown section", r.Section)
				continue
			}
			who = remindd.Recipient{Kind: remindd.KindSection, ID: sec.ID}
			if !p.SectionOwes(t, sec.ID) {
				bad(r, "task", "task %d is not an obligation of section %s", t.N, sec.ID)
				continue
			}
		} else {
			ent, known := ents[r.Enterprise]
			if !known {
				e, ok, err := s.Enterprise(ctx, r.Enterprise)
				if err != nil {
					return nil, err
				}
				if ok {
					ent = &e
				}
				ents[r.Enterprise] = ent
			}
			if ent == nil {
				bad(r, "credit_code", "%s: no such enterprise (import it first)", r.Enterprise)
				continue
			}
			who = remindd.Recipient{Kind: remindd.KindEnterprise, ID: ent.ID}
			if !p.EnterpriseOwes(t, ent.Size, ent.Trades, ent.Roles) {
				bad(r, "task", "task %d is not an obligation of enterprise %s", t.N, ent.ID)
				continue
			}
		}
		key := fmt.Sprintf("%d %s", t.N, who)
		if first, dup := seen[key]; dup {
			bad(r, "task", "task %d for %s is already on line %d", t.N, who, first)
			continue
		}
		seen[key] = r.Line
		changes = append(changes, remindd.Event{Action: remindd.Recorded, Task: t.N, Assignee: who,
			By: r.By, Note: r.Note, Source: remindd.SourceImport, DoneAt: r.DoneAt, At: now})
	}
	if len(problems) > 0 {
		return nil, problems
	}
	return changes, nil
}

// openImport reads the arguments of `CMD import FILE`: the file, opened,
// and the config and plan. The caller closes the file.
func (a *app) openImport(cmd string, args []string) (string, *os.File, *config.Config, *plan.Plan, error) {
	fs := a.flags(cmd)
	pos, err := parse(fs, args)
	if err != nil {
		return "", nil, nil, nil, err
	}
	if len(pos) != 2 || pos[0] != "import" {
		return "", nil, nil, nil, usageError{"want " + cmd + " import FILE.csv"}
	}
	name := pos[1]
	c, p, err := a.load()
	if err != nil {
		return "", nil, nil, nil, err
	}
	f, err := os.Open(name)
	if err != nil {
		return "", nil, nil, nil, err
	}
	return name, f, c, p, nil
}
