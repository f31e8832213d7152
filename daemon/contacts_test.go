package daemon_test

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestTwoContactsOfOneSectionBothReceive is issue 13's first acceptance: a
// section and the office with two contacts each on one channel; the
// morning's tick decides, enqueues and delivers a message to each of them.
// Before the key named the address, the second contact's message had the
// first's key and was dropped ("6 decided, 3 enqueued").
func TestTwoContactsOfOneSectionBothReceive(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sink := smtptest.Start(t)
		c, _ := mailConfig(t, sink)
		_, p := fixture(t)
		for i := range c.Sections {
			if c.Sections[i].ID == "industry-mgmt" {
				c.Sections[i].Contacts = []config.Contact{
					{Channel: "mail", Address: "head@example.gov.cn"},
					{Channel: "mail", Address: "deputy@example.gov.cn"},
				}
			}
		}
		c.Office.Contacts = []config.Contact{
			{Channel: "mail", Address: "office@example.gov.cn"},
			{Channel: "mail", Address: "director@example.gov.cn"},
		}
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		res, err := d.Tick(ctx, at(5, 24, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if res.Decided == 0 || res.Enqueued != res.Decided || res.Delivery.Sent != res.Decided {
			t.Fatalf("tick: %d decided, %d enqueued, %+v", res.Decided, res.Enqueued, res.Delivery)
		}
		leads := map[string][]string{} // recipient address -> lead message subjects
		for _, m := range sink.Messages() {
			pm := parseMail(t, m.Data)
			if strings.HasPrefix(pm.key, "daily:section:industry-mgmt:") {
				leads[m.To[0]] = append(leads[m.To[0]], pm.subject)
			}
		}
		if len(leads) != 2 || len(leads["head@example.gov.cn"]) != 1 || !cmp.Equal(leads["head@example.gov.cn"], leads["deputy@example.gov.cn"]) {
			t.Errorf("industry-mgmt's morning messages by address: %v; want one each for head@ and deputy@, the same", leads)
		}

		// The digest on 2 June reaches both of the office's contacts.
		if _, err := d.Tick(ctx, at(6, 2, 9, 0)); err != nil {
			t.Fatal(err)
		}
		var digestTo []string
		for _, m := range sink.Messages() {
			if strings.HasPrefix(parseMail(t, m.Data).key, "digest:office:office:2024-06:mail:") {
				digestTo = append(digestTo, m.To...)
			}
		}
		sort.Strings(digestTo)
		if diff := cmp.Diff([]string{"director@example.gov.cn", "office@example.gov.cn"}, digestTo); diff != "" {
			t.Errorf("digest recipients (-want +got):\n%s", diff)
		}
		// A further tick sends neither again.
		before := len(sink.Messages())
		if res, err := d.Tick(ctx, at(6, 2, 9, 5)); err != nil || res.Enqueued != 0 {
			t.Fatalf("tick again: %+v, %v", res, err)
		}
		if n := len(sink.Messages()); n != before {
			t.Errorf("a further tick sent %d more mails", n-before)
		}
	})
}
