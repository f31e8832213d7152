package daemon_test

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// recipients are the recipient ids of rows of a rule whose key names
// period, sorted, one per row.
func recipients(rows []store.OutboxRow, rule, period string) []string {
	var out []string
	for _, r := range byRule(rows, rule) {
		if strings.Contains(r.Key, ":"+period+":") {
			out = append(out, r.Recipient.ID)
		}
	}
	slices.Sort(out)
	return out
}

// TestSimulateNationalDayWithWorkingDays is issue 11's acceptance: with
// working days on, a simulate from 25 September to 12 October 2024 sends
// each section October's agenda and each enterprise the Q4 notice, once
// each, on 8 October, and writes them to the file channel. Who is owed them
// is what the rules decide on 1 October with working days off.
func TestSimulateNationalDayWithWorkingDays(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		c.WorkingDays = true
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		from, to := at(9, 25, 0, 0), at(10, 12, 0, 0)
		if err := d.Simulate(ctx, from, to, nil); err != nil {
			t.Fatal(err)
		}
		rows := outbox(t, s)

		off := *c
		off.WorkingDays = false
		state, err := s.Snapshot(ctx, p.ID, at(10, 1, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		owed, err := schedule.New(p, &off).Evaluate(state, at(10, 1, 9, 0), remindd.Agenda, remindd.Quarterly)
		if err != nil {
			t.Fatal(err)
		}
		want := map[remindd.Rule][]string{}
		for _, n := range owed {
			want[n.Rule] = append(want[n.Rule], n.Recipient.ID)
		}
		if len(want[remindd.Agenda]) != len(c.Sections) || len(want[remindd.Quarterly]) < 20 {
			t.Fatalf("owed on 1 October: %d agendas, %d quarterly notices", len(want[remindd.Agenda]), len(want[remindd.Quarterly]))
		}
		for rule, period := range map[remindd.Rule]string{remindd.Agenda: "2024-10", remindd.Quarterly: "2024-Q4"} {
			slices.Sort(want[rule])
			if got := recipients(rows, string(rule), period); !slices.Equal(got, want[rule]) {
				t.Errorf("%s %s sent to %v, want once each to %v", rule, period, got, want[rule])
			}
			for _, r := range byRule(rows, string(rule)) {
				if r.Status != store.StatusSent {
					t.Errorf("%s: %s", r.Key, r.Status)
				}
				if !r.NextAttempt.Equal(at(10, 8, 9, 0)) {
					t.Errorf("%s decided for %s, want 8 October 09:00", r.Key, r.NextAttempt.In(shanghai).Format(time.RFC3339))
				}
			}
		}
		files, err := os.ReadDir(c.Channels[0].Dir)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, f := range files {
			if strings.HasPrefix(f.Name(), "agenda_") && strings.Contains(f.Name(), "2024-10") {
				n++
			}
		}
		if n != len(c.Sections) {
			t.Errorf("%d October agenda files, want %d", n, len(c.Sections))
		}
	})
}

// TestSimulateWritesOnlyLocalChannels: after WriteLocalOnly (simulate
// without --send) a simulation writes the file channel's messages and
// keeps those of a webhook out of the outbox, counted as withheld, and the
// webhook's server hears nothing; without it, the webhook is sent to.
func TestSimulateWritesOnlyLocalChannels(t *testing.T) {
	for _, local := range []bool{true, false} {
		k := newSink(t)
		t.Setenv("REMINDD_TEST_SINK_URL", k.server.URL)
		c, p := fixture(t)
		c.Channels = append(c.Channels, config.Channel{Name: "sink", Type: "webhook", URLEnv: "REMINDD_TEST_SINK_URL"})
		c.Office.Contacts = append(c.Office.Contacts, config.Contact{Channel: "sink"})
		s := openStore(t, sqliteAddr(t))
		d := newDaemon(t, c, p, s, "a")
		if local {
			if got := d.WriteLocalOnly(); !slices.Equal(got, []string{"sink (webhook)"}) {
				t.Errorf("skipped channels %q, want [sink (webhook)]", got)
			}
		}
		var withheld, enqueued int
		if err := d.Simulate(context.Background(), at(5, 30, 0, 0), at(6, 3, 0, 0), func(_ time.Time, r daemon.TickResult) {
			withheld += r.Withheld
			enqueued += r.Enqueued
		}); err != nil {
			t.Fatal(err)
		}
		sink := byChannel(outbox(t, s), "sink")
		switch {
		case local && (withheld != 1 || len(sink) != 0 || len(k.count) != 0):
			t.Errorf("local only: %d withheld (want the digest of 2 June), %d sink rows, %d sent to the sink", withheld, len(sink), len(k.count))
		case !local && (withheld != 0 || len(sink) != 1 || len(k.count) != 1):
			t.Errorf("sending: %d withheld, %d sink rows, %d sent to the sink; want the digest sent", withheld, len(sink), len(k.count))
		}
		if enqueued == 0 || len(byChannel(outbox(t, s), "outbox")) != enqueued-len(sink) {
			t.Errorf("%d enqueued, want the file channel's messages", enqueued)
		}
	}
}

func byChannel(rows []store.OutboxRow, channel string) []store.OutboxRow {
	var out []store.OutboxRow
	for _, r := range rows {
		if r.Channel == channel {
			out = append(out, r)
		}
	}
	return out
}
