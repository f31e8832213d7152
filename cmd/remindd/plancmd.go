package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/remindd/remindd/plan"
)

// plan validates or prints the plan: `plan validate [FILE]`, `plan show`.
func (a *app) plan(args []string) error {
	fs := a.flags("plan")
	format := fs.String("format", "table", "output `format` of show: table or json")
	planFile := fs.String("plan", "", "plan `file` to use instead of the config's")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "validate" && pos[0] != "show") {
		return usageError{"want plan validate or plan show"}
	}
	if len(pos) == 2 && *planFile == "" {
		*planFile = pos[1]
	} else if len(pos) > 2 || (len(pos) == 2 && *planFile != "") {
		return usageError{"too many arguments"}
	}
	var p *plan.Plan
	if *planFile != "" {
		p, err = plan.Load(*planFile)
	} else {
		_, p, err = a.load()
	}
	if err != nil {
		return err
	}
	if pos[0] == "validate" {
		fmt.Fprintf(a.stdout, "%s: plan %s is valid: %d tasks, %d milestones, %d sectors\n",
			p.File, p.ID, len(p.Tasks), len(p.Milestones), len(p.Sectors))
		return nil
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	s := p.Summarize()
	if *format == "json" {
		return a.json(s)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "%s %s (%s, %s)\n\n", s.Plan.Document, s.Plan.Title, s.Plan.ID, s.Plan.Timezone)
	fmt.Fprintln(w, "N\tMONTH\tPHASE\tDUE\tENTERPRISES\tSHORT\tTEXT")
	for _, t := range s.Tasks {
		ent := "-"
		if t.Audience.Enterprises {
			ent = "all"
			if len(t.Audience.Sizes)+len(t.Audience.Trades)+len(t.Audience.Roles) > 0 {
				ent = fmt.Sprint(append(append(append([]string{}, t.Audience.Roles...), t.Audience.Sizes...), t.Audience.Trades...))
			}
		}
		fmt.Fprintf(w, "%d\t%d\t%d\t%s\t%s\t%s\t%s\n", t.N, t.Month, t.Phase, t.Due, ent, t.Short, truncate(t.Text, 30))
	}
	fmt.Fprintln(w, "\nTASK\tMETRIC\tPERCENT\tDUE")
	for _, m := range s.Milestones {
		fmt.Fprintf(w, "%d\t%s\t%d%%\t%s\n", m.Task, m.Metric, m.Percent, m.Due)
	}
	fmt.Fprintln(w, "\nSECTOR\tSECTIONS\tBENCHMARK\tCERTIFIED\tDEMO_POST")
	for _, sec := range s.Sectors {
		fmt.Fprintf(w, "%s\t%v\t%d\t%d\t%d\n", sec.ID, sec.Sections, sec.Targets["benchmark"], sec.Targets["certified"], sec.Targets["demo_post"])
	}
	return w.Flush()
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
