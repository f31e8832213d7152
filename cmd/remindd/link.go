package main

import (
	"context"
	"fmt"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/printable"
)

// link prints a section's or an enterprise's personal link, the one its
// messages carry, for the operator to send again.
func (a *app) link(args []string) error {
	fs := a.flags("link")
	section := fs.String("section", "", "section `id`")
	enterprise := fs.String("enterprise", "", "enterprise credit `code`")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if (*section == "") == (*enterprise == "") {
		return usageError{"give --section ID or --enterprise CODE"}
	}
	who := remindd.Recipient{Kind: remindd.KindSection, ID: *section}
	if *enterprise != "" {
		who = remindd.Recipient{Kind: remindd.KindEnterprise, ID: *enterprise}
		if err := printable.CheckField("--enterprise", *enterprise, remindd.MaxCreditCode, false); err != nil {
			return usageError{err.Error()}
		}
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	if c.Web == nil {
		return usageError{c.File + " has no web block: there is no desk, and messages carry no link (see examples/config.yaml)"}
	}
	if *section != "" {
		if _, ok := p.Section(*section); !ok {
			return usageError{fmt.Sprintf("--section %q: unknown section", *section)}
		}
	} else {
		ctx := context.Background()
		s, err := a.openStore(ctx, c)
		if err != nil {
			return err
		}
		defer s.Close()
		if _, ok, err := s.Enterprise(ctx, *enterprise); err != nil {
			return err
		} else if !ok {
			return usageError{fmt.Sprintf("--enterprise %q: no such enterprise (import it first)", *enterprise)}
		}
	}
	links, err := daemon.Links(c, p)
	if err != nil {
		return err
	}
	u, err := links.URL(who)
	if err != nil {
		return err
	}
	fmt.Fprintln(a.stdout, u)
	return nil
}
