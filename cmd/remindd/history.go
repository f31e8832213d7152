package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/store"
)

// history prints the events of the plan, newest first: who did what to
// which obligation, when (in the plan's zone), how and why.
func (a *app) history(args []string) error {
	fs := a.flags("history")
	task := decimalFlag(fs, "task", "only this task `number`, in decimal")
	section := fs.String("section", "", "only this section's events and those of the enterprises of its sectors (section `id` or name)")
	format := fs.String("format", "table", "output `format`: table or json")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	var f store.EventFilter
	if task.set {
		if _, ok := p.Task(task.n); !ok {
			return usageError{fmt.Sprintf("--task %d: the plan has tasks 1–%d", task.n, len(p.Tasks))}
		}
		f.Task = task.n
	}
	if *section != "" {
		sec, err := findSection(p, *section)
		if err != nil {
			return err
		}
		*section = sec.ID
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if *section != "" {
		f.Assignees = []remindd.Recipient{{Kind: remindd.KindSection, ID: *section}}
		for _, sec := range p.SectorsOf(*section) {
			f.Sectors = append(f.Sectors, sec.ID)
		}
	}
	events, err := s.Events(ctx, p.ID, f)
	if err != nil {
		return err
	}
	if *format == "json" {
		if events == nil {
			events = []remindd.Event{}
		}
		return a.json(events)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "AT\tACTION\tTASK\tASSIGNEE\tBY\tSOURCE\tDONE AT\tNOTE")
	for _, e := range events {
		done := "-"
		if !e.DoneAt.IsZero() {
			done = e.DoneAt.In(p.Location).Format(time.RFC3339)
		}
		fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\n", e.At.In(p.Location).Format(time.RFC3339), cell(string(e.Action)),
			e.Task, cell(e.Assignee.String()), cell(dash(e.By)), cell(dash(e.Source)), done, cell(dash(e.Note)))
	}
	fmt.Fprintf(w, "%d events\n", len(events))
	return w.Flush()
}
