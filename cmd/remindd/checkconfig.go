package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/store"
)

// storeCheckTimeout bounds check-config's wait for the store to answer.
const storeCheckTimeout = 10 * time.Second

// checkConfig validates the config and the plan it names and makes every
// check `run` makes before it starts: the templates parse, every channel can
// be built (its secrets are set), file channels can write their folders,
// the web desk's keys can be read (or the current one created) and the
// store answers within a bound. It says which plan sections have no
// contacts (they will get no reminders), when the store is not migrated
// yet and when the plan is over (nothing more will be sent). It never
// prints the store's password.
func (a *app) checkConfig(args []string) error {
	fs := a.flags("check-config")
	at := fs.String("at", "", "check as of this RFC 3339 `instant` (default now): whether the plan is over")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	now, err := parseAt(*at)
	if err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	var problems []error
	if _, err := render.NewRenderer(p, c.TemplatesPath()); err != nil {
		if c.Templates != "" {
			err = c.Problem("templates", err, "templates")
		}
		problems = append(problems, err)
	}
	if _, err := notify.Channels(c, notify.Options{Log: notify.LoggerFunc(func(string, map[string]any) {})}); err != nil {
		problems = append(problems, err)
	}
	if err := c.CheckFolders(); err != nil {
		problems = append(problems, err)
	}
	if err := daemon.CheckKeys(c); err != nil {
		problems = append(problems, err)
	}
	schema, warning, err := a.checkStore(c)
	if err != nil {
		problems = append(problems, err)
	}
	if len(problems) > 0 {
		return errors.Join(problems...)
	}

	var silent []string
	for _, s := range p.Sections {
		if len(c.SectionContacts(s.ID)) == 0 && !s.External {
			silent = append(silent, s.ID)
		}
	}
	fmt.Fprintf(a.stdout, "%s: ok (plan %s, %d tasks; store %s%s; working days %v)\n",
		c.File, p.ID, len(p.Tasks), config.MaskStore(c.Store), schema, c.WorkingDays)
	if warning != "" {
		fmt.Fprintln(a.stdout, "warning: "+warning)
	}
	if span := daemon.SpanOf(p, time.Duration(c.CatchUp)); span.Expired(now) {
		fmt.Fprintf(a.stdout, "warning: plan %s (%s) is over: its last day was %s and its catch-up window closed %s, so nothing more will be sent; configure the new year's plan (plan: in %s)\n",
			p.ID, p.File, p.Ends(), span.Last.In(p.Location).Format(time.RFC3339), c.File)
	}
	if len(silent) > 0 {
		fmt.Fprintf(a.stdout, "warning: no contacts for section(s) %s: they get no reminders\n", strings.Join(silent, ", "))
	}
	if len(c.Office.Contacts) == 0 {
		fmt.Fprintln(a.stdout, "warning: no contacts for the office: no digest will be sent")
	}
	if w := c.Web; w != nil {
		fmt.Fprintf(a.stdout, "web desk on %s; messages carry links starting with %s/r/\n", w.Listen, w.BaseURL)
	} else {
		fmt.Fprintln(a.stdout, "no web block: no desk, and messages carry no link")
	}
	return nil
}

// checkStore opens the store as `run` would, within a bound, and reads its
// schema version. A store not migrated yet (or an older schema) is a
// warning, since check-config comes before migrate when installing; a store
// that does not answer, refuses the login or has a newer schema than this
// remindd is an error. A SQLite file that does not exist yet is not created.
func (a *app) checkStore(c *config.Config) (schema, warning string, err error) {
	shown := config.MaskStore(c.Store)
	at := func(err error) error {
		err = errors.New(strings.TrimPrefix(err.Error(), "store: "))
		if a.store != "" {
			return fmt.Errorf("--store %s: %w", shown, err)
		}
		return c.Problem("store", err, "store")
	}
	addr := a.storeAddr(c)
	if path, ok := strings.CutPrefix(addr, "sqlite:"); ok && !strings.HasPrefix(path, "file:") {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return " (not created yet)", fmt.Sprintf("store %s does not exist yet: remindd migrate creates it", shown), nil
		}
	}
	timeout := a.storeTimeout
	if timeout == 0 {
		timeout = storeCheckTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	s, err := store.Open(ctx, addr)
	if err != nil {
		if ctx.Err() != nil {
			return "", "", at(fmt.Errorf("store did not answer within %v", timeout))
		}
		return "", "", at(err)
	}
	defer s.Close()
	err = s.CheckSchema(ctx)
	var se *store.SchemaError
	switch {
	case err == nil:
		return " (schema up to date)", "", nil
	case errors.As(err, &se) && se.Have < se.Want:
		return fmt.Sprintf(" (schema version %d of %d)", se.Have, se.Want), strings.TrimPrefix(se.Error(), "store: "), nil
	case ctx.Err() != nil:
		return "", "", at(fmt.Errorf("store did not answer within %v", timeout))
	default:
		return "", "", at(err)
	}
}
