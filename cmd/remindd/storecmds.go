package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/printable"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// openStore opens the configured store and checks its schema.
func (a *app) openStore(ctx context.Context, c *config.Config) (*store.Store, error) {
	s, err := store.Open(ctx, a.storeAddr(c))
	if err != nil {
		return nil, err
	}
	if err := s.CheckSchema(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// snapshot reads the state and last job runs for a dry run. A SQLite file that
// does not exist yet is an empty state: a dry run creates nothing.
func (a *app) snapshot(ctx context.Context, c *config.Config, p *plan.Plan, at time.Time) (*remindd.State, map[string]time.Time, error) {
	addr := a.storeAddr(c)
	if path, ok := strings.CutPrefix(addr, "sqlite:"); ok && !strings.HasPrefix(path, "file:") {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return &remindd.State{}, nil, nil
		}
	}
	s, err := a.openStore(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	defer s.Close()
	state, err := s.Snapshot(ctx, p.ID, at)
	if err != nil {
		return nil, nil, err
	}
	runs, err := s.LastRuns(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	return state, runs, nil
}

// migrate brings the store's schema up to date.
func (a *app) migrate(args []string) error {
	fs := a.flags("migrate")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	c, _, err := a.load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	s, err := store.Open(ctx, a.storeAddr(c))
	if err != nil {
		return err
	}
	defer s.Close()
	from, to, err := s.Migrate(ctx)
	if err != nil {
		return err
	}
	if from == to {
		fmt.Fprintf(a.stdout, "schema is up to date (version %d)\n", to)
	} else {
		fmt.Fprintf(a.stdout, "schema migrated from version %d to %d\n", from, to)
	}
	return nil
}

// enterprises imports or lists enterprises.
func (a *app) enterprises(args []string) error {
	fs := a.flags("enterprises")
	format := fs.String("format", "table", "output `format` of list: table or json")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"want enterprises import FILE.csv or enterprises list"}
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch {
	case pos[0] == "import" && len(pos) == 2:
		f, err := os.Open(pos[1])
		if err != nil {
			return err
		}
		defer f.Close()
		rules := roster.Rules{Sizes: p.SizeClasses, Trades: p.Trades}
		for _, s := range p.Sectors {
			rules.Sectors = append(rules.Sectors, s.ID)
		}
		list, err := roster.Read(pos[1], f, rules)
		if err != nil {
			return err
		}
		s, err := a.openStore(ctx, c)
		if err != nil {
			return err
		}
		defer s.Close()
		added, updated, err := s.UpsertEnterprises(ctx, list)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s: %d enterprises imported (%d added, %d updated)\n", pos[1], len(list), added, updated)
		return nil
	case pos[0] == "list" && len(pos) == 1:
		if err := checkFormat(*format, "table", "json"); err != nil {
			return err
		}
		s, err := a.openStore(ctx, c)
		if err != nil {
			return err
		}
		defer s.Close()
		list, err := s.Enterprises(ctx)
		if err != nil {
			return err
		}
		if *format == "json" {
			for i := range list {
				list[i].Webhook = notify.MaskAddress(list[i].Webhook)
			}
			return a.json(list)
		}
		w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "CREDIT CODE\tSECTOR\tSIZE\tACTIVE\tEMAIL\tNAME")
		for _, e := range list {
			fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\t%s\n", cell(e.ID), cell(e.Sector), cell(e.Size), e.Active, cell(e.Email), cell(e.Name))
		}
		fmt.Fprintf(w, "%d enterprises\n", len(list))
		return w.Flush()
	}
	return usageError{"want enterprises import FILE.csv or enterprises list"}
}

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

// achieve records a benchmark enterprise, certified enterprise or demo post.
func (a *app) achieve(args []string) error {
	fs := a.flags("achieve")
	sector := fs.String("sector", "", "sector `id`")
	metric := fs.String("metric", "", "benchmark, certified or demo_post")
	name := fs.String("name", "", "what was achieved (enterprise or post name)")
	at := fs.String("at", "", "the date, YYYY-MM-DD or RFC 3339 (default today)")
	enterprise := fs.String("enterprise", "", "the enterprise's credit `code`, if any")
	size := fs.String("size", "", "size class: 规上, 中等 or 小微")
	kind := fs.String("kind", "", "demo post kind: 党员模范岗, 青年突击手, 工人先锋岗 or 巾帼示范岗")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	record := remindd.Achievement{Sector: *sector, Metric: *metric, Name: *name, Enterprise: *enterprise,
		Size: *size, PostKind: *kind}
	if err := record.Check(p, flagName); err != nil {
		return usageError{err.Error()}
	}
	var date plan.Date
	if *at == "" {
		date = plan.DateOf(time.Now().In(p.Location))
	} else if d, err := plan.ParseDate(*at); err == nil {
		date = d
	} else if t, err := time.Parse(time.RFC3339, *at); err == nil {
		date = plan.DateOf(t.In(p.Location))
	} else {
		return usageError{fmt.Sprintf("--at %q: want YYYY-MM-DD or RFC 3339", *at)}
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if *enterprise != "" {
		if _, ok, err := s.Enterprise(ctx, *enterprise); err != nil {
			return err
		} else if !ok {
			return usageError{fmt.Sprintf("--enterprise %q: no such enterprise", *enterprise)}
		}
	}
	record.Date = date
	id, err := s.Achieve(ctx, p.ID, record)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "achievement %d recorded: %s %s %q on %s\n", id, *sector, *metric, *name, date)
	return nil
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

// outbox lists every notification in the store.
func (a *app) outbox(args []string) error {
	fs := a.flags("outbox")
	format := fs.String("format", "table", "output `format`: table or json")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	c, _, err := a.load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	rows, err := s.Outbox(ctx)
	if err != nil {
		return err
	}
	for i := range rows {
		// Errors stored before delivery errors were masked may hold the
		// robot's key: mask what the address hides in them too.
		rows[i].LastError = notify.MaskSecretsOf(rows[i].Address, rows[i].LastError)
		rows[i].Address = notify.MaskAddress(rows[i].Address)
	}
	if *format == "json" {
		if rows == nil {
			rows = []store.OutboxRow{}
		}
		return a.json(rows)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "STATUS\tATTEMPTS\tRULE\tRECIPIENT\tCHANNEL\tTASKS\tKEY")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\t%s\n", cell(r.Status), r.Attempts, cell(r.Rule), cell(r.Recipient.String()),
			cell(r.Channel), ranges(r.Tasks), cell(r.Key))
	}
	fmt.Fprintf(w, "%d notifications\n", len(rows))
	return w.Flush()
}

func (a *app) json(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// flagName is a field of a record as the command line names it: by its flag.
func flagName(field string) string { return "--" + field }

func noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	return nil
}

// cell is text from the store as a table prints it: rows written by other
// systems may hold control characters (an ESC sequence that retitles the
// terminal, a tab that shifts the columns) or bidirectional controls that
// reorder what follows; they are shown escaped, as \u001b or \u202e.
func cell(s string) string { return printable.Escape(s) }

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
