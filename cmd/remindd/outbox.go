package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/store"
)

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
