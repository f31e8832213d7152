package main

import (
	"context"
	"errors"
	"fmt"
	"html"
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
		if err == nil {
			m := testMessage(p, who, ct, now)
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
		if to == "" && (cc.Type == "email" || cc.Type == "robot") {
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

// testMessage is the test message, in Chinese, in every part a channel may
// send. Its key is unique per send, so that its Message-ID is too.
func testMessage(p *plan.Plan, who string, ct config.Contact, now time.Time) render.Message {
	loc, err := time.LoadLocation(p.Timezone)
	if err != nil {
		loc = time.Local
	}
	when := now.In(loc).Format("2006-01-02 15:04")
	if who == "" {
		who = notify.MaskAddress(ct.Address) // a robot's URL is its key: not in the message either
	}
	subject := "【测试】" + p.Document.Title + "提醒服务"
	lines := []string{
		who + "：",
		"这是一条测试消息，用于确认提醒服务能通过“" + ct.Channel + "”送达。",
		"收到即说明配置正确，无需回复或处理。",
		"发送时间：" + when,
	}
	var h strings.Builder
	h.WriteString("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>" + html.EscapeString(subject) + "</title></head><body>\n")
	for _, l := range lines {
		h.WriteString("<p>" + html.EscapeString(l) + "</p>\n")
	}
	h.WriteString("</body></html>\n")
	return render.Message{
		Key:      fmt.Sprintf("test:%s:%d", ct.Channel, now.UnixNano()),
		To:       ct.Address,
		Name:     who,
		Subject:  subject,
		Text:     strings.Join(lines, "\n") + "\n",
		HTML:     h.String(),
		Markdown: "**" + subject + "**\n\n" + strings.Join(lines, "\n\n"),
	}
}
