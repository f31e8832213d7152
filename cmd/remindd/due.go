package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
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
// key is not in the outbox yet), and writes nothing. The table ends saying
// how many of them the outbox holds already and, when the jobs of that time
// have run, what they decided and how much of it the outbox holds, instead
// of a bare "0 notifications"; JSON is the array alone, that note going to
// standard error.
func (a *app) due(args []string) error {
	v, err := a.readAt("due", args)
	if err != nil {
		return err
	}
	e := schedule.New(v.plan, v.config)
	ns, _, err := e.Due(v.state, v.at, v.runs)
	if err != nil {
		return err
	}
	ran, err := ranAlready(e, v)
	if err != nil {
		return err
	}
	// What is printed no longer needs the state: a province's enterprises
	// and what they did, let go before the notifications are written.
	v.state = nil
	// JSON is the array alone, with a note of the jobs already run: only
	// those are counted, so that a sweep of 100,000 enterprises reads no
	// outbox to be printed.
	counted := ran.ns
	if v.format != "json" {
		counted = append(ns[:len(ns):len(ns)], ran.ns...)
	}
	keys := make([]string, 0, len(counted))
	for _, n := range counted {
		keys = append(keys, n.Key)
		keys = append(keys, n.PartKeys()...)
	}
	have, err := a.outboxHas(v.config, keys)
	if err != nil {
		return err
	}
	// A notification is in the outbox when its key is, or, for a morning
	// message, when each of its items was told already: a tick enqueues
	// nothing for it.
	sent := func(k string) bool { return have[k] }
	count := func(ns []remindd.Notification) int {
		n := 0
		for _, x := range ns {
			if _, left := x.Without(sent); have[x.Key] || !left {
				n++
			}
		}
		return n
	}
	var note string
	if len(ran.jobs) > 0 {
		note = fmt.Sprintf("already run: %s; they decide %d notifications, %s (remindd outbox lists them)",
			strings.Join(ran.jobs, ", "), len(ran.ns), inOutbox(count(ran.ns), len(ran.ns)))
	}
	if v.format == "json" {
		if note != "" {
			fmt.Fprintln(a.stderr, "remindd due: "+note)
		}
		return a.printNotifications(ns, v.format)
	}
	var footer string
	switch in := count(ns); {
	case len(ns) == 0 && note != "":
		footer = "nothing left to decide; " + note
	case len(ns) == 0:
		footer = "0 notifications"
	case in == 0:
		footer = fmt.Sprintf("%d notifications, none in the outbox yet", len(ns))
	case in == len(ns):
		footer = fmt.Sprintf("%d notifications, all already in the outbox (a tick enqueues none of them)", len(ns))
	default:
		footer = fmt.Sprintf("%d notifications, %d of them already in the outbox (a tick enqueues the other %d)", len(ns), in, len(ns)-in)
	}
	if len(ns) > 0 && note != "" {
		footer += "\nbesides, " + note
	}
	return a.printTable(ns, footer)
}

// inOutbox says how many of n notifications the outbox holds.
func inOutbox(in, n int) string {
	switch in {
	case n:
		return "all of them in the outbox"
	case 0:
		return "none of them in the outbox"
	}
	return fmt.Sprintf("%d of them in the outbox", in)
}

// ran is what the jobs already run for an instant decide: their names with
// the times of their runs, and their notifications.
type ran struct {
	jobs []string
	ns   []remindd.Notification
}

// ranAlready returns the jobs whose latest time up to v.at lies within the
// catch-up window and which the store says have run for it (due lists
// nothing of theirs: a tick would not run them again), and what they decide
// at that time from the same state.
func ranAlready(e *schedule.Engine, v atView) (ran, error) {
	jobs, err := e.Jobs()
	if err != nil {
		return ran{}, err
	}
	floor := v.at.Add(-time.Duration(v.config.CatchUp))
	var out ran
	for _, j := range jobs {
		when, ok := schedule.Latest(j.Schedule, floor, v.at)
		if last, recorded := v.runs[j.Name]; !ok || !recorded || last.Before(when) {
			continue
		}
		ns, err := e.EvaluateJob(v.state, j, when)
		if err != nil {
			return ran{}, err
		}
		out.jobs = append(out.jobs, fmt.Sprintf("%s at %s", j.Name, when.In(v.plan.Location).Format(time.RFC3339)))
		out.ns = append(out.ns, ns...)
	}
	return out, nil
}

// outboxHas says which of keys the outbox holds. A SQLite file that does not
// exist yet holds none, and is not created.
func (a *app) outboxHas(c *config.Config, keys []string) (map[string]bool, error) {
	addr := a.storeAddr(c)
	if len(keys) == 0 {
		return nil, nil
	}
	if path, ok := strings.CutPrefix(addr, "sqlite:"); ok && !strings.HasPrefix(path, "file:") {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return s.ExistingKeys(ctx, keys)
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
	if format == "json" {
		// A robot's URL is its key: the address is shown masked, as everywhere.
		for i := range ns {
			ns[i].Address = notify.MaskAddress(ns[i].Address)
		}
		return jsonarray.Write(a.stdout, ns)
	}
	return a.printTable(ns, fmt.Sprintf("%d notifications", len(ns)))
}

// printTable prints notifications as a table, then footer.
func (a *app) printTable(ns []remindd.Notification, footer string) error {
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RULE\tRECIPIENT\tCHANNEL\tTASKS\tKEY\tNAME")
	for _, n := range ns {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", cell(string(n.Rule)), cell(n.Recipient.String()), cell(n.Channel),
			ranges(n.Tasks), cell(n.Key), cell(n.Name))
	}
	if err := w.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(a.stdout, footer)
	return err
}
