package main

import (
	"context"
	"fmt"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/roster"
)

// figures imports the monthly figures sections entered, all of them or none.
func (a *app) figures(args []string) error {
	name, f, c, p, err := a.openImport("figures", args)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := roster.ReadFigures(name, f)
	if err != nil {
		return err
	}
	// Each row's section is the plan's, by id or name; the figures pass the
	// store's check. Any problem refuses the file whole.
	var (
		problems roster.Problems
		list     []remindd.MonthlyFigures
		seen     = map[string]int{}
		by       = osUser()
	)
	for _, r := range rows {
		fig := r.Figures
		sec, err := findSection(p, fig.Section)
		if err != nil {
			problems = append(problems, roster.Problem{File: name, Line: r.Line, Field: "section", Msg: fmt.Sprintf("%q: unknown section", fig.Section)})
			continue
		}
		fig.Section = sec.ID
		key := fig.Section + " " + fig.Month.String()
		if first, dup := seen[key]; dup {
			problems = append(problems, roster.Problem{File: name, Line: r.Line, Field: "month",
				Msg: fmt.Sprintf("%s's %s is already on line %d", fig.Section, fig.Month, first)})
			continue
		}
		seen[key] = r.Line
		if fig.By == "" {
			fig.By = by
		}
		fig.Source = remindd.SourceImport
		if err := fig.Check(nil); err != nil {
			problems = append(problems, roster.Problem{File: name, Line: r.Line, Msg: err.Error()})
			continue
		}
		list = append(list, fig)
	}
	if len(problems) > 0 {
		return problems
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	added, replaced, err := s.PutFigures(ctx, list)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: figures of %d section months recorded (%d new, %d replaced)\n", name, len(list), added, replaced)
	return nil
}
