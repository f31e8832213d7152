package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/render"
)

// testSend sends one test message now, through the real channels, to the
// contacts of a section or of the office, or to one address on one channel:
// the operator's check that mail and robots arrive before the first
// reminder is due. Nothing is written to the store. Each send prints one
// line; a failure says which step failed (connect, STARTTLS, AUTH, RCPT,
// a robot's error code) and makes the exit status 1.
func (a *app) testSend(args []string) error {
	fs := a.flags("test-send")
	section := fs.String("section", "", "send to this plan section's contacts (`ID`; office: the office's)")
	channel := fs.String("channel", "", "send through this configured channel (`NAME`) ...")
	to := fs.String("to", "", "... to this `ADDRESS` (e-mail address, or webhook URL for a robot channel)")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if (*section == "") == (*channel == "") {
		return usageError{"give either --section ID or --channel NAME [--to ADDRESS]"}
	}
	if *section != "" && *to != "" {
		return usageError{"--to goes with --channel, not --section"}
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	who, contacts, err := testTargets(c, p, *section, *channel, *to)
	if err != nil {
		return err
	}
	r, err := render.NewRenderer(p, c.TemplatesPath())
	if err != nil {
		return err
	}
	now := time.Now()
	failed := 0
	for _, ct := range contacts {
		var ch notify.Channel
		cc, ok := c.Channel(ct.Channel)
		if !ok {
			err = fmt.Errorf("channel %q is not configured", ct.Channel)
		} else {
			ch, err = notify.New(cc, notify.Options{})
		}
		var m render.Message
		if err == nil {
			m, err = testMessage(r, who, ct, now)
		}
		if err == nil {
			err = ch.Send(context.Background(), []render.Message{m})[0]
			notify.CloseIdle(ch)
		}
		target := ct.Channel
		if ct.Address != "" {
			target += " → " + notify.MaskAddress(ct.Address)
		}
		if err != nil {
			failed++
			fmt.Fprintf(a.stdout, "%s: failed: %v\n", target, err)
			continue
		}
		fmt.Fprintf(a.stdout, "%s: sent\n", target)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d test messages not sent", failed, len(contacts))
	}
	return nil
}

// testTargets resolves the command line to the recipient's name and the
// contacts to send to.
func testTargets(c *config.Config, p *plan.Plan, section, channel, to string) (string, []config.Contact, error) {
	if channel != "" {
		cc, ok := c.Channel(channel)
		if !ok {
			return "", nil, usageError{fmt.Sprintf("--channel %q: no such channel in %s", channel, c.File)}
		}
		if k, _ := config.KindOf(cc.Type); to == "" && k.ToEach {
			return "", nil, usageError{fmt.Sprintf("--channel %s is a %s channel: give --to ADDRESS", channel, cc.Type)}
		}
		return to, []config.Contact{{Channel: channel, Address: to}}, nil
	}
	if section == "office" || section == p.Office.ID {
		if len(c.Office.Contacts) == 0 {
			return "", nil, errors.New("the office has no contacts in " + c.File)
		}
		return p.Office.Name, c.Office.Contacts, nil
	}
	for _, s := range p.Sections {
		if s.ID == section {
			contacts := c.SectionContacts(s.ID)
			if len(contacts) == 0 {
				return "", nil, fmt.Errorf("section %s (%s) has no contacts in %s", s.ID, s.Name, c.File)
			}
			return s.Name, contacts, nil
		}
	}
	ids := []string{"office"}
	for _, s := range p.Sections {
		ids = append(ids, s.ID)
	}
	return "", nil, usageError{fmt.Sprintf("--section %q: not a section of plan %s (want one of %s)", section, p.ID, strings.Join(ids, ", "))}
}

// testMessage renders the test message (render's test templates) for one
// contact. A robot's URL is its key: when the recipient has no name, the
// message names it by the masked address.
func testMessage(r *render.Renderer, who string, ct config.Contact, now time.Time) (render.Message, error) {
	if who == "" {
		who = notify.MaskAddress(ct.Address)
	}
	return r.RenderTest(render.Test{To: ct.Address, Name: who, Channel: ct.Channel, At: now})
}
