package notify

import (
	"net/url"
	"strings"
	"testing"
)

// TestVendorTable checks what each vendor's file declares: the table is
// keyed by the vendor's name, a chat robot has hosts, rates, a code reader
// and documented codes, a webhook none of them, and only rate-limit and
// busy-server codes are worth retrying.
func TestVendorTable(t *testing.T) {
	if len(vendors) != 4 {
		t.Errorf("%d vendors, want wecom, dingtalk, feishu, webhook", len(vendors))
	}
	for name, v := range vendors {
		if v.name != name || v.request == nil {
			t.Errorf("vendors[%s]: name %q, request set %v", name, v.name, v.request != nil)
		}
		if name == kindWebhook {
			if len(v.hosts) > 0 || len(v.rates) > 0 || v.code != nil || len(v.codes) > 0 {
				t.Errorf("webhook: hosts %v, rates %v, code reader %v, codes %v: want none", v.hosts, v.rates, v.code != nil, v.codes)
			}
			continue
		}
		if len(v.hosts) == 0 || len(v.rates) == 0 || v.code == nil || v.backoff <= 0 || len(v.codes) == 0 {
			t.Errorf("%s: hosts %v, rates %v, code reader %v, backoff %s, %d codes", name, v.hosts, v.rates, v.code != nil, v.backoff, len(v.codes))
		}
		for _, h := range v.hosts {
			for _, host := range []string{h, strings.ToUpper(h)} {
				if got := VendorOf(&url.URL{Scheme: "https", Host: host, Path: "/x"}); got != name {
					t.Errorf("VendorOf(https://%s/x) = %s, want %s", host, got, name)
				}
			}
		}
		for code, c := range v.codes {
			retry := c.class == ClassRobotRate || c.class == ClassRobotServer
			if code == 0 || c.temporary != retry || c.meaning == "" {
				t.Errorf("%s code %d: %+v", name, code, c)
			}
		}
	}
	if got := VendorOf(&url.URL{Scheme: "https", Host: "hooks.example.com"}); got != kindWebhook {
		t.Errorf("VendorOf(another host) = %s, want webhook", got)
	}
}
