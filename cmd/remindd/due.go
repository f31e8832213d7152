package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/jsonarray"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// due prints what a tick at --at would decide (a tick enqueues those whose
// key is not in the outbox yet), and writes nothing.
func (a *app) due(args []string) error {
	v, err := a.readAt("due", args)
	if err != nil {
		return err
	}
	ns, _, err := schedule.New(v.plan, v.config).Due(v.state, v.at, v.runs)
	if err != nil {
		return err
	}
	return a.printNotifications(ns, v.format)
}

// atView is what due and status read: the config and plan, the store's
// state and job runs at an instant, and the output format asked for.
type atView struct {
	config *config.Config
	plan   *plan.Plan
	state  *remindd.State
	runs   map[string]time.Time
	at     time.Time
	format string
}

// readAt parses the flags of a command that reads the store at --at and
// prints a table or JSON, loads the config and plan and takes the snapshot.
func (a *app) readAt(name string, args []string) (atView, error) {
	fs := a.flags(name)
	at := fs.String("at", "", "the instant, RFC 3339 (default now)")
	format := fs.String("format", "table", "output `format`: table or json")
	if err := noArgs(fs, args); err != nil {
		return atView{}, err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return atView{}, err
	}
	when, err := parseAt(*at)
	if err != nil {
		return atView{}, err
	}
	c, p, err := a.load()
	if err != nil {
		return atView{}, err
	}
	state, runs, err := a.snapshot(context.Background(), c, p, when)
	if err != nil {
		return atView{}, err
	}
	return atView{config: c, plan: p, state: state, runs: runs, at: when, format: *format}, nil
}

// status prints where the plan stands at an instant.
func (a *app) status(args []string) error {
	v, err := a.readAt("status", args)
	if err != nil {
		return err
	}
	st := schedule.New(v.plan, v.config).Status(v.state, v.at)
	if v.format == "json" {
		return a.json(st)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(w, "status at %s\n\nSECTION\tDONE\tREPORTED\tOVERDUE\tUPCOMING\n", st.At.Format(time.RFC3339))
	for _, s := range st.Sections {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", s.ID, dash(ranges(s.Done)), dash(ranges(s.Reported)), dash(ranges(s.Overdue)), dash(ranges(s.Upcoming)))
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
