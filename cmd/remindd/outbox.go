package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/store"
)

// outbox lists every notification in the store, or, as outbox retry, puts
// failed ones back to be sent again.
func (a *app) outbox(args []string) error {
	fs := a.flags("outbox")
	format := fs.String("format", "table", "output `format`: table or json")
	key := fs.String("key", "", "outbox retry: the dedup `key` of the failed notification to send again")
	failed := fs.Bool("failed", false, "outbox retry: send every failed notification again")
	at := fs.String("at", "", "outbox retry: due again from this RFC 3339 `instant` (default now), as tick --at reads it")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 1 && pos[0] == "retry":
		return a.retry(*key, *failed, *at)
	case len(pos) > 0:
		return usageError{fmt.Sprintf("unexpected argument %q: want outbox [--format table|json] or outbox retry (--key K | --failed)", pos[0])}
	case *key != "" || *failed || *at != "":
		return usageError{"--key, --failed and --at belong to outbox retry: remindd outbox retry (--key K | --failed)"}
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

// retry makes the failed notification of key, or every failed one, pending
// again, due now: the service's next delivery (each minute) or the next
// tick sends it.
func (a *app) retry(key string, all bool, at string) error {
	if (key == "") == !all {
		return usageError{"outbox retry: give --key K (one notification) or --failed (every failed one)"}
	}
	due, err := parseAt(at)
	if err != nil {
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
	var ids []int64
	if all {
		if ids, err = s.FailedIDs(ctx); err != nil {
			return err
		}
	} else {
		r, ok, err := s.Notification(ctx, key)
		switch {
		case err != nil:
			return err
		case !ok:
			return usageError{fmt.Sprintf("--key %q: no such notification (remindd outbox lists them)", cell(key))}
		case r.Status != store.StatusFailed:
			return usageError{fmt.Sprintf("--key %q: the notification is %s, not failed: nothing to send again", cell(key), r.Status)}
		}
		ids = []int64{r.ID}
	}
	n, err := s.Retry(ctx, ids, due)
	if err != nil {
		return err
	}
	what := "notifications"
	if n == 1 {
		what = "notification"
	}
	fmt.Fprintf(a.stdout, "%d failed %s queued to be sent again: the service sends them within a minute (or run remindd tick)\n", n, what)
	return nil
}
