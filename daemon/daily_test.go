package daemon_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// TestOneMorningMessageADay is issue 11's first acceptance, as the daemon
// lives it on a real store: simulated from 20 May to 7 June 2024 on the
// example data, each section and enterprise gets at most one message a day
// on each channel apart from the agenda, the digest and the leaders'
// copies; no sweep rule sends a message of its own; and every item is told
// exactly once — each open task of 31 May at each of its four lead stages,
// in the message of that stage's morning.
func TestOneMorningMessageADay(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		if err := d.Simulate(ctx, at(5, 20, 0, 0), at(6, 7, 23, 0), nil); err != nil {
			t.Fatal(err)
		}
		rows := outbox(t, s)
		perDay := map[string][]string{}
		items := map[string]string{} // item key → the message that carried it
		for _, r := range rows {
			switch r.Rule {
			case "lead", "overdue", "milestone", "returned", "reporting":
				t.Errorf("%s: a sweep rule's message of its own", r.Key)
			case "daily":
				day := r.CreatedAt.In(p.Location).Format("2006-01-02")
				k := fmt.Sprintf("%s %s %s", r.Recipient, r.Channel, day)
				perDay[k] = append(perDay[k], r.Key)
				if !strings.Contains(r.Key, ":"+day+":") {
					t.Errorf("%s: created on %s, keyed by another day", r.Key, day)
				}
				keys, err := s.ItemsOf(ctx, r.Key)
				if err != nil {
					t.Fatal(err)
				}
				if len(keys) == 0 {
					t.Errorf("%s: a morning message without items", r.Key)
				}
				for _, ik := range keys {
					if prev, ok := items[ik]; ok {
						t.Errorf("item %s told twice: in %s and %s", ik, prev, r.Key)
					}
					items[ik] = r.Key
				}
			}
		}
		for k, keys := range perDay {
			if len(keys) > 1 {
				t.Errorf("%s: %d morning messages: %v", k, len(keys), keys)
			}
		}
		// Market management owes tasks 44–54 of May and reports none: each
		// is told at 7, 3, 1 and 0 days, on 24, 28, 30 and 31 May.
		market := remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}
		for _, stage := range []struct {
			days int
			day  int
		}{{7, 24}, {3, 28}, {1, 30}, {0, 31}} {
			carrier := schedule.Key(remindd.Daily, market, fmt.Sprintf("2024-05-%02d", stage.day), "outbox", "market-mgmt@example.gov.cn")
			for n := 44; n <= 54; n++ {
				ik := schedule.Key(remindd.Lead, market, fmt.Sprintf("%d@2024-05-31/d%d", n, stage.days), "outbox", "market-mgmt@example.gov.cn")
				if got := items[ik]; got != carrier {
					t.Errorf("task %d at %d days: told in %q, want %s", n, stage.days, got, carrier)
				}
			}
		}
		if len(items) == 0 || len(perDay) < 4*19 {
			t.Errorf("%d items in %d morning messages: the simulation sent too little", len(items), len(perDay))
		}
	})
}

// TestAMorningWithNothingNewSendsNothing: a second tick on the same morning,
// and the next morning with nothing new at any stage, add no message; an
// item that comes up after the morning's message went out (a return at
// 10:00) is told the next morning, not lost.
func TestAMorningWithNothingNewSendsNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		if _, err := d.Tick(ctx, at(5, 24, 9, 0)); err != nil {
			t.Fatal(err)
		}
		n := len(outbox(t, s))
		if n == 0 {
			t.Fatal("nothing sent on 24 May")
		}
		if res, err := d.Tick(ctx, at(5, 24, 9, 30)); err != nil || res.Enqueued != 0 {
			t.Fatalf("second tick on 24 May: %+v, %v", res, err)
		}
		// 25 May: still 6 days to the deadline (stage 7), the overdue
		// period unchanged: nothing new.
		if res, err := d.Tick(ctx, at(5, 25, 9, 0)); err != nil || res.Enqueued != 0 {
			t.Fatalf("25 May: %+v, %v; want nothing new", res, err)
		}
		industry := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
		if _, err := s.Apply(ctx, p.ID, []remindd.Event{{Action: remindd.Reported, Task: 44, Assignee: industry, By: "陈科长",
			Source: remindd.SourceLink, At: at(5, 25, 9, 30)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Apply(ctx, p.ID, []remindd.Event{{Action: remindd.Returned, Task: 44, Assignee: industry, By: "林主任",
			Source: remindd.SourceDesk, Note: "材料不全", At: at(5, 25, 10, 0)}}); err != nil {
			t.Fatal(err)
		}
		res, err := d.Tick(ctx, at(5, 26, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		var told []string
		for _, r := range outbox(t, s)[n:] {
			told = append(told, r.Key)
		}
		want := schedule.Key(remindd.Daily, industry, "2024-05-26", "outbox", "industry-mgmt@example.gov.cn")
		if res.Enqueued != 1 || len(told) != 1 || told[0] != want {
			t.Fatalf("26 May sent %v, want only %s (the return)", told, want)
		}
		keys, err := s.ItemsOf(ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		if len(keys) != 1 || !strings.HasPrefix(keys[0], "returned:section:industry-mgmt:") {
			t.Errorf("26 May's message carries %v, want the return only", keys)
		}
	})
}

// TestEnterpriseMessagesSpeakToTheEnterprise is issue 11's last acceptance:
// over the spring quarter's notice, the May deadline's mornings and the
// June overdue repeats, no message to an enterprise repeats the bureau's
// instruction to its sections (督促、指导…); each says what the enterprise
// itself must do, names the section that supervises it with its phone,
// and carries the enterprise's link.
func TestEnterpriseMessagesSpeakToTheEnterprise(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		for _, tick := range []time.Time{at(4, 1, 9, 0), at(5, 24, 9, 0), at(5, 31, 9, 0), at(6, 3, 9, 0)} {
			if _, err := d.Tick(ctx, tick); err != nil {
				t.Fatal(err)
			}
		}
		rules := map[string]int{}
		for _, r := range outbox(t, s) {
			if r.Recipient.Kind != remindd.KindEnterprise {
				continue
			}
			rules[r.Rule]++
			b, err := os.ReadFile(filepath.Join(outboxDir(t, c), notify.FileName(r.Key)))
			if err != nil {
				t.Fatal(err)
			}
			body := string(b)
			for _, bad := range []string{"督促", "指导"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s tells the enterprise to %s:\n%s", r.Key, bad, body)
				}
			}
			if !regexp.MustCompile(`主管科室：\S+科（联系人：\S+，电话：0595-\d+）`).MatchString(body) {
				t.Errorf("%s names no supervising section with its phone:\n%s", r.Key, body)
			}
			if len(linkRE.FindAllString(body, -1)) != 1 {
				t.Errorf("%s carries no link of its own:\n%s", r.Key, body)
			}
		}
		if rules["quarterly"] == 0 || rules["daily"] == 0 {
			t.Errorf("enterprise messages by rule: %v; want quarterly notices and morning messages", rules)
		}
	})
}

// TestEscalationCopiesRedItemsToLeaders is issue 11's point 4 as the daemon
// lives it: simulated from 20 May to 30 June, each section's items overdue
// three weeks or more (red) are copied weekly to its leader_contacts, each
// item at most escalate_max times, never before it is red; every copy is
// kept in the history as an escalated event per task; and the office's
// digest of 2 June flags the red items 【催办】.
func TestEscalationCopiesRedItemsToLeaders(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		if err := d.Simulate(ctx, at(5, 20, 0, 0), at(6, 30, 23, 0), nil); err != nil {
			t.Fatal(err)
		}
		leaders := map[string]string{}
		for _, sec := range c.Sections {
			if len(sec.LeaderContacts) > 0 {
				leaders[sec.ID] = sec.LeaderContacts[0].Address
			}
		}
		copies := map[string]int{} // section and task → copies
		tasks := 0
		var digest store.OutboxRow
		for _, r := range outbox(t, s) {
			if r.Rule == "digest" && strings.Contains(r.Key, ":2024-06:") {
				digest = r
			}
			if r.Rule != "escalate" {
				continue
			}
			if r.Recipient.Kind != remindd.KindSection || r.Address != leaders[r.Recipient.ID] {
				t.Errorf("%s goes to %s %s, want the section's leader %s", r.Key, r.Recipient, r.Address, leaders[r.Recipient.ID])
			}
			day := plan.DateOf(r.CreatedAt.In(p.Location))
			for _, n := range r.Tasks {
				task, _ := p.Task(n)
				if late := p.DueDate(task.Month).DaysUntil(day); late < c.Rules.EscalateAfterDays {
					t.Errorf("%s copies task %d, only %d days late", r.Key, n, late)
				}
				copies[fmt.Sprintf("%s %d", r.Recipient.ID, n)]++
				tasks++
			}
		}
		if tasks == 0 {
			t.Fatal("no red item was copied to a leader")
		}
		for k, n := range copies {
			if n > c.Rules.EscalateMax {
				t.Errorf("%s copied %d times, at most %d", k, n, c.Rules.EscalateMax)
			}
		}
		evs, err := s.Events(ctx, p.ID, store.EventFilter{})
		if err != nil {
			t.Fatal(err)
		}
		escalated := 0
		for _, e := range evs {
			if e.Action == remindd.Escalated {
				escalated++
				if e.Source != remindd.SourceRule || e.Assignee.Kind != remindd.KindSection {
					t.Errorf("escalation event %+v", e)
				}
			}
		}
		if escalated != tasks {
			t.Errorf("%d escalated events, want one per task copied: %d", escalated, tasks)
		}
		b, err := os.ReadFile(filepath.Join(outboxDir(t, c), notify.FileName(digest.Key)))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "【催办】") {
			t.Errorf("the digest of 2 June flags no red item:\n%s", b)
		}
	})
}
