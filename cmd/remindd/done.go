package main

import (
	"context"
	"fmt"
	"os/user"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// done records completions; undo removes them. Both take a list of tasks
// (--task 1-43,45) for one assignee and write all of them, each with its
// event (source cli), or none.
func (a *app) done(args []string) error { return a.completion("done", args) }
func (a *app) undo(args []string) error { return a.completion("undo", args) }

// completion checks the tasks and the assignee against the plan and the
// store, then records or removes the completions in one transaction.
func (a *app) completion(name string, args []string) error {
	fs := a.flags(name)
	var tasks taskList
	fs.Var(&tasks, "task", "task `numbers`, in decimal: 44, or a list such as 1-43,45")
	section := fs.String("section", "", "section `id or name` (industry-mgmt or 行业管理科)")
	enterprise := fs.String("enterprise", "", "enterprise credit `code`")
	at := fs.String("at", "", "when it was done, RFC 3339 (default now)")
	by := fs.String("by", "", "who recorded it (default the user running remindd)")
	note := fs.String("note", "", "a note; for undo, why")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if len(tasks.ns) == 0 {
		return usageError{"give --task N (or a list such as 1-43,45)"}
	}
	if (*section == "") == (*enterprise == "") {
		return usageError{"give --section ID or --enterprise CODE"}
	}
	if *by == "" {
		*by = osUser()
	}
	who := remindd.Recipient{Kind: remindd.KindEnterprise, ID: *enterprise}
	record := remindd.Completion{Assignee: who, By: *by, Note: *note}
	if *enterprise == "" {
		record.Assignee.Kind = remindd.KindSection
	}
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
	if *section != "" {
		sec, err := findSection(p, *section)
		if err != nil {
			return err
		}
		who = remindd.Recipient{Kind: remindd.KindSection, ID: sec.ID}
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	owes := func(t *plan.Task) bool { return p.SectionOwes(t, who.ID) }
	if who.Kind == remindd.KindEnterprise {
		ent, ok, err := s.Enterprise(ctx, who.ID)
		if err != nil {
			return err
		}
		if !ok {
			return usageError{fmt.Sprintf("--enterprise %q: no such enterprise (import it first)", who.ID)}
		}
		owes = func(t *plan.Task) bool { return p.EnterpriseOwes(t, ent.Size, ent.Trades, ent.Roles) }
	}
	action, verb := remindd.Recorded, "done by"
	if name == "undo" {
		action, verb = remindd.Undone, "completion removed for"
	}
	var (
		changes []remindd.Event
		refused []string
	)
	for _, n := range tasks.ns {
		t, ok := p.Task(n)
		if !ok {
			return usageError{fmt.Sprintf("--task %d: the plan has tasks 1–%d", n, len(p.Tasks))}
		}
		if !owes(t) {
			refused = append(refused, fmt.Sprint(t.N))
			continue
		}
		e := remindd.Event{Action: action, Task: t.N, Assignee: who, By: *by, Source: remindd.SourceCLI, Note: *note, At: time.Now()}
		if action == remindd.Recorded {
			e.DoneAt = when
		}
		changes = append(changes, e)
	}
	if len(refused) > 0 {
		return usageError{fmt.Sprintf("task %s is not an obligation of %s %s: nothing recorded",
			strings.Join(refused, ", "), who.Kind, who.ID)}
	}
	applied, err := s.Apply(ctx, p.ID, changes)
	if err != nil {
		return err
	}
	changed := map[int]bool{}
	for _, e := range applied {
		changed[e.Task] = true
	}
	if len(changes) == 1 && len(applied) == 0 && action == remindd.Undone {
		return fmt.Errorf("task %d has no completion recorded for %s", changes[0].Task, who)
	}
	for _, e := range changes {
		switch {
		case !changed[e.Task] && action == remindd.Undone:
			fmt.Fprintf(a.stdout, "task %d: not done by %s, nothing to undo\n", e.Task, who)
		case !changed[e.Task]:
			fmt.Fprintf(a.stdout, "task %d: already done by %s, nothing changed\n", e.Task, who)
		case action == remindd.Undone:
			fmt.Fprintf(a.stdout, "task %d: %s %s\n", e.Task, verb, who)
		default:
			fmt.Fprintf(a.stdout, "task %d: %s %s at %s\n", e.Task, verb, who, when.In(p.Location).Format(time.RFC3339))
		}
	}
	return nil
}

// findSection finds a plan's section by its id or by its name as the bureau
// writes it (行业管理科).
func findSection(p *plan.Plan, arg string) (*plan.Section, error) {
	if sec, ok := p.Section(arg); ok {
		return sec, nil
	}
	var ids []string
	for i := range p.Sections {
		if p.Sections[i].Name == arg {
			return &p.Sections[i], nil
		}
		if !p.Sections[i].External {
			ids = append(ids, p.Sections[i].ID+" ("+p.Sections[i].Name+")")
		}
	}
	return nil, usageError{fmt.Sprintf("--section %q: unknown section; the plan has %s", arg, strings.Join(ids, ", "))}
}

// osUser names who runs the command, for the history when --by is not given.
func osUser() string {
	u, err := user.Current()
	if err != nil || u.Username == "" {
		return "命令行"
	}
	return u.Username
}
