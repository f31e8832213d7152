package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/jsonarray"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/schedule"
)

// due prints what a tick at --at would decide (a tick enqueues those whose
// key is not in the outbox yet), and writes nothing.
func (a *app) due(args []string) error {
	fs := a.flags("due")
	at := fs.String("at", "", "the instant, RFC 3339 (default now)")
	format := fs.String("format", "table", "output `format`: table or json")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	state, runs, err := a.snapshot(context.Background(), c, p, when)
	if err != nil {
		return err
	}
	ns, _, err := schedule.New(p, c).Due(state, when, runs)
	if err != nil {
		return err
	}
	return a.printNotifications(ns, *format)
}

// status prints where the plan stands at an instant.
func (a *app) status(args []string) error {
	fs := a.flags("status")
	at := fs.String("at", "", "the instant, RFC 3339 (default now)")
	format := fs.String("format", "table", "output `format`: table or json")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	state, _, err := a.snapshot(context.Background(), c, p, when)
	if err != nil {
		return err
	}
	st := schedule.New(p, c).Status(state, when)
	if *format == "json" {
		return a.json(st)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "status at %s\n\nSECTION\tDONE\tOVERDUE\tUPCOMING\n", st.At.Format(time.RFC3339))
	for _, s := range st.Sections {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", s.ID, dash(ranges(s.Done)), dash(ranges(s.Overdue)), dash(ranges(s.Upcoming)))
	}
	fmt.Fprintln(w, "\nTASK\tSECTOR\tMETRIC\tDUE\tREQUIRED\tACHIEVED\tMET")
	for _, m := range st.Milestones {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%d\t%d\t%v\n", m.Task, m.Sector, m.Metric, m.Due, m.Required, m.Achieved, m.Met)
	}
	fmt.Fprintln(w, "\nSECTOR\tENTERPRISES\tWITH OVERDUE")
	for _, e := range st.Enterprises {
		fmt.Fprintf(w, "%s\t%d\t%d\n", e.Sector, e.Enterprises, e.Overdue)
	}
	return w.Flush()
}

func (a *app) printNotifications(ns []remindd.Notification, format string) error {
	// A robot's URL is its key: the address is shown masked, as everywhere.
	for i := range ns {
		ns[i].Address = notify.MaskAddress(ns[i].Address)
	}
	if format == "json" {
		return jsonarray.Write(a.stdout, ns)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RULE\tRECIPIENT\tCHANNEL\tTASKS\tKEY\tNAME")
	for _, n := range ns {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", cell(string(n.Rule)), cell(n.Recipient.String()), cell(n.Channel),
			ranges(n.Tasks), cell(n.Key), cell(n.Name))
	}
	fmt.Fprintf(w, "%d notifications\n", len(ns))
	return w.Flush()
}
