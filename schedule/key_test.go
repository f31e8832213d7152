package schedule_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/schedule"
)

// TestKeyNamesTheAddressByItsDigest pins the key's form: the store's
// migration to schema 3 rewrote existing keys to it, so it must not drift.
// The digests were computed with `printf %s ADDRESS | sha256sum | cut -c1-12`.
func TestKeyNamesTheAddressByItsDigest(t *testing.T) {
	to := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	robot := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-1234"
	for _, tc := range []struct{ channel, address, want string }{
		{"mail", "a@example.gov.cn", "lead:section:industry-mgmt:2024-05-31/d7:mail:ccf679a27432"},
		{"mail", "deputy@example.gov.cn", "lead:section:industry-mgmt:2024-05-31/d7:mail:a3d4171565b3"},
		{"wecom", robot, "lead:section:industry-mgmt:2024-05-31/d7:wecom:e7a0d13d21ce"},
		{"log", "", "lead:section:industry-mgmt:2024-05-31/d7:log"},
	} {
		if got := schedule.Key(remindd.Lead, to, "2024-05-31/d7", tc.channel, tc.address); got != tc.want {
			t.Errorf("key for %s %q = %q, want %q", tc.channel, tc.address, got, tc.want)
		}
	}
}

// TestTwoContactsOnOneChannelGetAMessageEach is issue 13's first finding:
// the deputy's message had the same key as the head's and was dropped.
func TestTwoContactsOnOneChannelGetAMessageEach(t *testing.T) {
	robot := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=SECRET-1234"
	e := engine(t, false)
	for i := range e.Config.Sections {
		if e.Config.Sections[i].ID == "industry-mgmt" {
			e.Config.Sections[i].Contacts = []config.Contact{
				{Channel: "outbox", Address: "head@example.gov.cn"},
				{Channel: "outbox", Address: "deputy@example.gov.cn"},
				{Channel: "outbox", Address: robot},
				{Channel: "outbox", Address: "head@example.gov.cn"}, // the same contact twice: one message
			}
		}
	}
	e = schedule.New(e.Plan, e.Config)
	ns, err := e.Evaluate(&remindd.State{}, at9(time.May, 24), remindd.Lead)
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string][]string{}
	for _, n := range ns {
		if n.Recipient.ID == "industry-mgmt" {
			keys[n.Key] = append(keys[n.Key], n.Address)
			if strings.Contains(n.Key, "SECRET") || strings.Contains(n.Key, "@") {
				t.Errorf("key %q shows its address", n.Key)
			}
		}
	}
	key := func(addr string) string {
		return "lead:section:industry-mgmt:2024-05-31/d7:outbox:" + schedule.AddressDigest(addr)
	}
	want := map[string][]string{
		key("head@example.gov.cn"):   {"head@example.gov.cn", "head@example.gov.cn"},
		key("deputy@example.gov.cn"): {"deputy@example.gov.cn"},
		key(robot):                   {robot},
	}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("keys to addresses (-want +got):\n%s", diff)
	}
}
