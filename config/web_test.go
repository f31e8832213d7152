package config_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/config"
)

// TestExampleConfigTurnsTheDeskOn: the README's main job serves the desk on
// loopback, its key under ./var, and tells enterprises whom to call.
func TestExampleConfigTurnsTheDeskOn(t *testing.T) {
	c, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := &config.Web{
		Listen:              "127.0.0.1:8080",
		BaseURL:             "http://127.0.0.1:8080",
		SecretFile:          filepath.Join("..", "var", "web.key"),
		RequireConfirmation: true,
		SessionTTL:          config.DefaultSessionTTL, // written out: 12h
	}
	if diff := cmp.Diff(want, c.Web); diff != "" {
		t.Errorf("web (-want +got):\n%s", diff)
	}
	if c.Office.Name != "局办公室" || c.Office.Phone == "" {
		t.Errorf("office name %q, phone %q", c.Office.Name, c.Office.Phone)
	}
	for _, s := range c.Sections {
		if s.Phone == "" {
			t.Errorf("section %s has no phone", s.ID)
		}
	}
}

func TestWebBlock(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		want       *config.Web
	}{
		{"no block: no desk, no links", "", nil},
		{"defaults, trailing slash dropped, paths resolved",
			"web:\n  listen: 0.0.0.0:8080\n  base_url: https://remindd.example.gov.cn/desk/\n  secret_file: keys/web.key\n  previous_secret_file: /etc/remindd/old.key\n",
			&config.Web{Listen: "0.0.0.0:8080", BaseURL: "https://remindd.example.gov.cn/desk", SecretFile: "DIR/keys/web.key",
				PreviousSecretFile: "/etc/remindd/old.key", RequireConfirmation: true, SessionTTL: config.DefaultSessionTTL}},
		{"everything written",
			"web:\n  listen: \"[::1]:8443\"\n  base_url: https://[2001:db8::1]:8443\n  secret_file: /var/lib/remindd/web.key\n" +
				"  trusted_origins: [https://remindd.example.gov.cn, http://10.0.0.5:8080]\n  require_confirmation: false\n  session_ttl: 30d\n",
			&config.Web{Listen: "[::1]:8443", BaseURL: "https://[2001:db8::1]:8443", SecretFile: "/var/lib/remindd/web.key",
				TrustedOrigins: []string{"https://remindd.example.gov.cn", "http://10.0.0.5:8080"}, SessionTTL: config.MaxSessionTTL}},
		{"shortest session",
			"web: {listen: 127.0.0.1:8080, base_url: http://127.0.0.1:8080, secret_file: /k, session_ttl: 5m}\n",
			&config.Web{Listen: "127.0.0.1:8080", BaseURL: "http://127.0.0.1:8080", SecretFile: "/k", RequireConfirmation: true, SessionTTL: config.MinSessionTTL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, tc.body)
			c, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if tc.want != nil && strings.HasPrefix(tc.want.SecretFile, "DIR/") {
				tc.want.SecretFile = filepath.Join(filepath.Dir(path), strings.TrimPrefix(tc.want.SecretFile, "DIR/"))
			}
			if diff := cmp.Diff(tc.want, c.Web); diff != "" {
				t.Errorf("web (-want +got):\n%s", diff)
			}
		})
	}
}

// TestWebBlockRefused: every bad value is named by line and field, all in
// one pass.
func TestWebBlockRefused(t *testing.T) {
	const ok = "  listen: 127.0.0.1:8080\n  base_url: http://127.0.0.1:8080\n  secret_file: web.key\n"
	for _, tc := range []struct {
		name, body string
		want       []string // after "PATH:"
	}{
		{"empty block", "web: {}\n", []string{
			"2: web.listen: the desk needs listen, host:port such as 127.0.0.1:8080",
			"2: web.base_url: the desk needs base_url, the address people open",
			"2: web.secret_file: the desk needs secret_file",
		}},
		{"listen without port", "web:\n  listen: 127.0.0.1\n  base_url: http://127.0.0.1:8080\n  secret_file: k\n",
			[]string{`3: web.listen: listen "127.0.0.1" is not host:port`}},
		{"listen without host", "web:\n  listen: \":8080\"\n  base_url: http://127.0.0.1:8080\n  secret_file: k\n",
			[]string{`3: web.listen: listen ":8080" names no host: write 127.0.0.1:8080 for this machine only, or 0.0.0.0:8080 for every interface`}},
		{"listen port out of range", "web:\n  listen: 127.0.0.1:80800\n  base_url: http://127.0.0.1:8080\n  secret_file: k\n",
			[]string{`3: web.listen: listen "127.0.0.1:80800": port "80800" is not a number in 0–65535`}},
		{"listen port by name", "web:\n  listen: localhost:http\n  base_url: http://127.0.0.1:8080\n  secret_file: k\n",
			[]string{`3: web.listen: listen "localhost:http": port "http" is not a number`}},
		{"base_url relative", "web:\n  listen: 127.0.0.1:8080\n  base_url: remindd.example.gov.cn\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "remindd.example.gov.cn" must be an absolute http or https URL`}},
		{"base_url ftp", "web:\n  listen: 127.0.0.1:8080\n  base_url: ftp://remindd.example.gov.cn\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "ftp://remindd.example.gov.cn" must be an absolute http or https URL`}},
		{"base_url with a query", "web:\n  listen: 127.0.0.1:8080\n  base_url: https://x.example.gov.cn/?a=1\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "https://x.example.gov.cn/?a=1" must not have a query (?…) or fragment (#…)`}},
		{"base_url with a fragment", "web:\n  listen: 127.0.0.1:8080\n  base_url: \"https://x.example.gov.cn/#top\"\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "https://x.example.gov.cn/#top" must not have a query`}},
		{"base_url with a user", "web:\n  listen: 127.0.0.1:8080\n  base_url: https://admin:pw@x.example.gov.cn\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "https://admin:pw@x.example.gov.cn" must not hold a user or password`}},
		{"base_url without host", "web:\n  listen: 127.0.0.1:8080\n  base_url: https:///desk\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "https:///desk" names no host`}},
		{"base_url with a parenthesis", "web:\n  listen: 127.0.0.1:8080\n  base_url: https://x.example.gov.cn/a(b)\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "https://x.example.gov.cn/a(b)" holds '(': write the URL with letters, digits and - . _ ~ / % only`}},
		{"base_url with a space", "web:\n  listen: 127.0.0.1:8080\n  base_url: \"https://x.example.gov.cn/a b\"\n  secret_file: k\n",
			[]string{`4: web.base_url: base_url "https://x.example.gov.cn/a b" holds ' '`}},
		{"previous key is the current one", "web:\n" + ok + "  previous_secret_file: web.key\n",
			[]string{"6: web.previous_secret_file: previous_secret_file is secret_file"}},
		{"origin with a path", "web:\n" + ok + "  trusted_origins: [https://x.example.gov.cn/]\n",
			[]string{`6: web.trusted_origins[0]: origin "https://x.example.gov.cn/" must be scheme://host[:port] alone, without a path (not even /)`}},
		{"origin without scheme", "web:\n" + ok + "  trusted_origins:\n    - x.example.gov.cn\n",
			[]string{`7: web.trusted_origins[0]: origin "x.example.gov.cn" must be scheme://host[:port]`}},
		{"origin in upper case", "web:\n" + ok + "  trusted_origins: [https://X.example.gov.cn]\n",
			[]string{`6: web.trusted_origins[0]: origin "https://X.example.gov.cn" must be in lower case, as browsers send it`}},
		{"origin with the default port", "web:\n" + ok + "  trusted_origins: [https://x.example.gov.cn:443]\n",
			[]string{`6: web.trusted_origins[0]: origin "https://x.example.gov.cn:443": browsers send it without the default port: write https://x.example.gov.cn`}},
		{"origin twice", "web:\n" + ok + "  trusted_origins:\n    - https://x.example.gov.cn\n    - https://x.example.gov.cn\n",
			[]string{`8: web.trusted_origins[1]: origin "https://x.example.gov.cn" is listed twice`}},
		{"origins not a list", "web:\n" + ok + "  trusted_origins: https://x.example.gov.cn\n",
			[]string{"6: web.trusted_origins: `https://x.example.go…` is not a list"}},
		{"require_confirmation not a bool", "web:\n" + ok + "  require_confirmation: maybe\n",
			[]string{"6: web.require_confirmation: `maybe` is not true or false"}},
		{"session too short", "web:\n" + ok + "  session_ttl: 1m\n",
			[]string{"6: web.session_ttl: session_ttl 1m0s is outside 5m–30d"}},
		{"session too long", "web:\n" + ok + "  session_ttl: 31d\n",
			[]string{"6: web.session_ttl: session_ttl 744h0m0s is outside 5m–30d"}},
		{"session of zero", "web:\n" + ok + "  session_ttl: 0s\n",
			[]string{"6: web.session_ttl: session_ttl 0s is outside 5m–30d"}},
		{"misspelt key", "web:\n" + ok + "  baseurl: http://127.0.0.1:8080\n",
			[]string{"6: web.baseurl: unknown field (did you mean base_url?)"}},
		{"every problem at once", "web:\n  listen: nowhere\n  base_url: x\n  secret_file: k\n  session_ttl: 1m\n  trusted_origins: [x]\n", []string{
			`3: web.listen: listen "nowhere" is not host:port`,
			`4: web.base_url: base_url "x" must be an absolute http or https URL`,
			`7: web.trusted_origins[0]: origin "x" must be scheme://host[:port]`,
			"6: web.session_ttl: session_ttl 1m0s is outside 5m–30d",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, err := loadErr(t, tc.body)
			if err == nil {
				t.Fatal("config accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), path+":"+w) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s:%s", err, path, w)
				}
			}
			if n := strings.Count(err.Error(), "\n") + 1; n != len(tc.want) {
				t.Errorf("%d problems, want %d:\n%v", n, len(tc.want), err)
			}
		})
	}
}

func TestOfficeAndSectionPhones(t *testing.T) {
	c, err := config.Load(writeConfig(t, "channels: [{name: log, type: log}]\noffice:\n  phone: 0595-85123456\n  contacts: [{channel: log}]\n"+
		"sections:\n  - {id: industry-mgmt, phone: 0595-8512 3457 转 801, contacts: [{channel: log}]}\n  - {id: market-mgmt, contacts: [{channel: log}]}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Office.Name != config.DefaultOfficeName || c.Office.Phone != "0595-85123456" || len(c.Office.Contacts) != 1 {
		t.Errorf("office %+v", c.Office)
	}
	if c.Sections[0].Phone != "0595-8512 3457 转 801" || c.Sections[1].Phone != "" {
		t.Errorf("sections %+v", c.Sections)
	}
	c, err = config.Load(writeConfig(t, "office: {name: 办公室（安全生产）}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Office.Name != "办公室（安全生产）" {
		t.Errorf("office name %q", c.Office.Name)
	}

	for _, tc := range []struct{ name, body, want string }{
		{"letters in a phone", "office: {phone: call the office}\n",
			`2: office.phone: phone "call the office" holds 'c': write a telephone number such as 0595-85123456`},
		{"too few digits", "sections: [{id: industry-mgmt, phone: \"119\"}]\n",
			`2: sections[0].phone: phone "119" has 3 digits`},
		{"too long", "office: {phone: \"" + strings.Repeat("0", 41) + "\"}\n", `2: office.phone: phone "000`},
		{"a number for a phone is fine as text, a list is not", "office: {phone: [1]}\n", "2: office.phone: a list is not text"},
		{"blank name", "office: {name: \" \"}\n", "2: office.name: the office's name is blank: give one, or leave the key out for 局办公室"},
		{"name with a control character", "office: {name: \"局办\\u202e公室\"}\n",
			"2: office.name: the office's name: character 3 is U+202E (RIGHT-TO-LEFT OVERRIDE), a control character; remove it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, err := loadErr(t, tc.body)
			if err == nil || !strings.Contains(err.Error(), path+":"+tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s:%s", err, path, tc.want)
			}
		})
	}
}

func TestCheckPhone(t *testing.T) {
	for _, ok := range []string{"", "0595-85123456", "13805951002", "+86 595 8512 3456", "(0595)85123456", "0595-85123456 转 801", "0595-85123456、85123457"} {
		if err := config.CheckPhone(ok); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"1234", "0595-8512345x", "0595\n85123456", "电话 0595-85123456"} {
		if err := config.CheckPhone(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
