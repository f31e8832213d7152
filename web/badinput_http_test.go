package web_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
	"github.com/remindd/remindd/store"
)

// The http cases of the bad-input corpus (testdata/badinput/http/NAME/
// case.txt, see the corpus' README.md): requests a browser, a mail
// scanner or an attacker could send to the desk and the personal links,
// each with the status and the Chinese page it must get, and the store
// unchanged after it. They run here, not beside the command line's cases
// in cmd/remindd, because they need no command: the handler is built as
// remindd run builds it (daemon.Desk) and served in-process, which takes
// seconds where the command's package takes minutes.

// httpCorpus is the folder of the http cases.
const httpCorpus = "../testdata/badinput/http"

// The seeded desk: its clock, accounts and sessions.
const (
	corpusOffice   = "林主任"
	corpusSection  = "陈科长" // industry-mgmt's
	corpusLocked   = "郑科员" // market-mgmt's, with five failed logins just now
	corpusPassword = "corpus-password-1"
	// The cookies of the seeded sessions, as a browser holds them.
	officeCookie  = "badinput-office-session-0123456789abcdefghijk"
	sectionCookie = "badinput-section-session-0123456789abcdefghij"
	expiredCookie = "badinput-expired-session-0123456789abcdefghij"
)

// corpusNow is the desk's clock: the README's May morning.
var corpusNow = time.Date(2024, 5, 24, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// httpCase is one request of the corpus and what it must be answered.
type httpCase struct {
	name    string
	method  string
	path    string
	as      string // office, section, expired or "": whose session the request carries
	headers [][2]string
	form    [][2]string
	body    *string // a raw body, sent as written
	status  int
	// location is where a redirect must go.
	location string
	text     []string
	absent   []string
	// writes are the tables the request must change (a failed login is
	// counted); every other table must stay as it was.
	writes []string
	skip   string
}

// TestBadInputHTTP runs every http case of the corpus on each backend,
// against the desk remindd run serves over a seeded store, and checks that
// each is answered with its status and its Chinese page, that the log holds
// no token nor session, and that no table changed but those the case
// names.
func TestBadInputHTTP(t *testing.T) {
	cases := readHTTPCases(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s := b.Open(t)
			d := newCorpusDesk(t, s)
			before := storetest.Dump(t, s)
			for table, rows := range before {
				if len(rows) == 0 {
					t.Fatalf("seeded %s store has no %s: the check that nothing is written would miss updates", b.Name, table)
				}
			}
			for i, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if c.skip != "" && os.Getenv("REMINDD_BADINPUT_SKIPPED") != "1" {
						t.Skip("bug: " + c.skip)
					}
					d.run(t, c, i)
					after := storetest.Dump(t, s)
					var changed []string
					for table := range after {
						if !slices.Equal(before[table], after[table]) {
							changed = append(changed, table)
						}
					}
					slices.Sort(changed)
					for _, table := range changed {
						if !slices.Contains(c.writes, table) {
							t.Errorf("the store's %s changed (-before +after):\n%s", table, cmp.Diff(before[table], after[table]))
						}
					}
					for _, table := range c.writes {
						if !slices.Contains(changed, table) {
							t.Errorf("the case says the request writes %s, and it did not", table)
						}
					}
					before = after // report a write here only, not in every later case
				})
			}
		})
	}
}

// corpusDesk is the handler over a seeded store, with what a case needs to
// mint its links.
type corpusDesk struct {
	h      http.Handler
	host   string // the base URL's, which a browser sends
	signer *link.Signer
	secret []byte
	// other is a key the desk does not know.
	other   *link.Signer
	expires time.Time
	log     *syncBuffer
}

// newCorpusDesk seeds s and builds the desk from the example config, as
// remindd run does, its key in a file of the test's.
func newCorpusDesk(t *testing.T, s *store.Store) *corpusDesk {
	t.Helper()
	c, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		t.Fatal(err)
	}
	secret := bytes.Repeat([]byte{0x5a}, 32)
	c.Web.SecretFile = filepath.Join(t.TempDir(), "web.key")
	c.Web.PreviousSecretFile = ""
	if err := os.WriteFile(c.Web.SecretFile, []byte(hex.EncodeToString(secret)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	seedCorpusStore(t, s, p)
	logs := &syncBuffer{}
	l := logrus.New()
	l.SetOutput(logs)
	l.SetFormatter(&logrus.JSONFormatter{})
	clock := &daemon.SetClock{}
	clock.Set(corpusNow)
	h, err := daemon.Desk(c, p, s, logrus.NewEntry(l), clock)
	if err != nil {
		t.Fatal(err)
	}
	base, err := url.Parse(c.Web.BaseURL)
	if err != nil {
		t.Fatal(err)
	}
	key, err := link.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	otherKey, err := link.NewKey(bytes.Repeat([]byte{0xa5}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return &corpusDesk{h: h, host: base.Host, signer: link.NewSigner(key), secret: secret,
		other: link.NewSigner(otherKey), expires: link.Expiry(p), log: logs}
}

// seedCorpusStore gives every table of s rows: the example enterprises,
// reports awaiting 销号 (a section's, an enterprise's), a completion done,
// a report returned, an achievement, a message in the outbox and a job
// run, the desk's accounts with their sessions, and failed logins.
func seedCorpusStore(t *testing.T, s *store.Store, p *plan.Plan) {
	t.Helper()
	ctx := context.Background()
	f, err := os.Open("../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	firms, err := roster.Read("enterprises.csv", f, roster.RulesOf(p))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpsertEnterprises(ctx, firms); err != nil {
		t.Fatal(err)
	}
	section := func(id string) remindd.Recipient { return remindd.Recipient{Kind: remindd.KindSection, ID: id} }
	firm := remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582155335753W"} // 安平古镇旅行社, 小微
	morning := corpusNow.Add(-20 * time.Hour)
	for _, e := range []remindd.Event{
		{Action: remindd.Reported, Task: 44, Assignee: section("industry-mgmt"), By: "王五", Source: remindd.SourceLink, Note: "已完成自查", At: morning},
		{Action: remindd.Reported, Task: 44, Assignee: firm, By: "蔡雅婷", Source: remindd.SourceLink, Note: "已完成管理达标", At: morning},
		{Action: remindd.Reported, Task: 43, Assignee: section("market-mgmt"), By: corpusLocked, Source: remindd.SourceDesk, At: morning},
		{Action: remindd.Recorded, Task: 1, Assignee: section("industry-mgmt"), By: corpusOffice, Source: remindd.SourceDesk, At: morning},
		{Action: remindd.Reported, Task: 2, Assignee: section("industry-mgmt"), By: "王五", Source: remindd.SourceLink, At: morning},
		{Action: remindd.Returned, Task: 2, Assignee: section("industry-mgmt"), By: corpusOffice, Source: remindd.SourceDesk, Note: "请补充会议纪要。", At: morning.Add(time.Hour)},
	} {
		if evs, err := s.Apply(ctx, p.ID, []remindd.Event{e}); err != nil || len(evs) != 1 {
			t.Fatalf("seed %s task %d for %s: %v, %v", e.Action, e.Task, e.Assignee, evs, err)
		}
	}
	if _, err := s.Achieve(ctx, p.ID, remindd.Achievement{Sector: "tourism", Metric: "demo_post", Name: "某酒店党员模范岗",
		PostKind: "党员模范岗", Date: plan.DateOf(morning.In(p.Location))}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.MarkMonthlyReport(ctx, p.ID, remindd.MonthlyReport{Section: "market-mgmt", Month: "2024-04",
		By: "市场管理科", Source: remindd.SourceLink, At: morning}); err != nil {
		t.Fatal(err)
	}
	may := remindd.MonthlyFigures{Section: "industry-mgmt", Month: remindd.Month{Year: 2024, Month: time.May}, Values: map[string]int64{}, By: corpusOffice}
	for _, c := range remindd.FigureColumns {
		may.Values[c.Key] = 1
	}
	if _, _, err := s.PutFigures(ctx, []remindd.MonthlyFigures{may}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enqueue(ctx, []store.Message{{Key: "badinput:lead:section:industry-mgmt:2024-05-24", PlanID: p.ID, Rule: "daily",
		RecipientKind: remindd.KindSection, RecipientID: "industry-mgmt", Channel: "log", Subject: "待办提醒", Body: "任务44 还剩 7 天",
		Tasks: []int{44}, Items: []string{"lead:section:industry-mgmt:44@2024-05-31/d7:log"}, NextAttempt: corpusNow}}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordRuns(ctx, p.ID, []remindd.Run{{Job: "sweep", At: corpusNow}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []remindd.User{
		{Name: corpusOffice, Role: remindd.RoleOffice},
		{Name: corpusSection, Role: remindd.RoleSection, Section: "industry-mgmt"},
		{Name: corpusLocked, Role: remindd.RoleSection, Section: "market-mgmt"},
	} {
		addUser(t, s, u, corpusPassword)
	}
	for _, ss := range []struct {
		cookie, user     string
		created, expires time.Time
	}{
		{officeCookie, corpusOffice, corpusNow.Add(-time.Hour), corpusNow.Add(11 * time.Hour)},
		{sectionCookie, corpusSection, corpusNow.Add(-time.Hour), corpusNow.Add(11 * time.Hour)},
		{expiredCookie, corpusSection, corpusNow.Add(-13 * time.Hour), corpusNow.Add(-time.Hour)},
	} {
		if err := s.CreateSession(ctx, sessionHash(ss.cookie), ss.user, ss.created, ss.expires); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 5 {
		if err := s.LoginFailed(ctx, "name:"+corpusLocked, corpusNow.Add(-time.Duration(i+1)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
}

// sessionHash is what the store keeps of a session cookie's value: its
// SHA-256 in hex.
func sessionHash(cookie string) string {
	sum := sha256.Sum256([]byte(cookie))
	return hex.EncodeToString(sum[:])
}

// run sends case c, the i-th, and checks the answer and the log.
func (d *corpusDesk) run(t *testing.T, c httpCase, i int) {
	t.Helper()
	var secrets []string // what the log must not hold
	expand := func(s string) string {
		out, minted, err := d.expand(s)
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, minted...)
		return out
	}
	target := expand(c.path)
	var body string
	hasBody := c.body != nil || c.form != nil
	if c.body != nil {
		body = expand(*c.body)
	}
	for j, kv := range c.form {
		if j > 0 {
			body += "&"
		}
		body += url.QueryEscape(kv[0]) + "=" + url.QueryEscape(expand(kv[1]))
	}
	req, err := http.ReadRequest(bufio.NewReader(strings.NewReader(c.method + " " + target + " HTTP/1.1\r\nHost: " + d.host + "\r\n\r\n")))
	if err != nil {
		t.Fatalf("%s %s: not a request a server reads: %v", c.method, target, err)
	}
	// Each case comes from its own address, so that the failed logins
	// counted for one do not throttle the next.
	req.RemoteAddr = fmt.Sprintf("198.18.%d.%d:40000", i/250, i%250+1)
	if hasBody {
		req.Body = io.NopCloser(strings.NewReader(body))
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	given := map[string]bool{}
	for _, h := range c.headers {
		// A case's header replaces the runner's; given twice, it is sent
		// twice. Given empty, it is not sent.
		name, v := http.CanonicalHeaderKey(h[0]), expand(h[1])
		switch {
		case v == "":
			req.Header.Del(name)
		case given[name]:
			req.Header.Add(name, v)
		default:
			req.Header.Set(name, v)
		}
		given[name] = true
	}
	switch c.as {
	case "office":
		req.AddCookie(&http.Cookie{Name: "remindd_session", Value: officeCookie})
	case "section":
		req.AddCookie(&http.Cookie{Name: "remindd_session", Value: sectionCookie})
	case "expired":
		req.AddCookie(&http.Cookie{Name: "remindd_session", Value: expiredCookie})
	}
	logged := len(d.log.String())
	w := httptest.NewRecorder()
	d.h.ServeHTTP(w, req)
	res := w.Result()
	page := w.Body.String()

	if res.StatusCode != c.status {
		t.Errorf("status %d, want %d", res.StatusCode, c.status)
	}
	if c.location != "" {
		if got, want := res.Header.Get("Location"), expand(c.location); got != want {
			t.Errorf("Location %q, want %q", got, want)
		}
	}
	redirect := res.StatusCode >= 300 && res.StatusCode < 400
	if !redirect && c.method != http.MethodHead {
		if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
			t.Errorf("Content-Type %q, want a page: text/html; charset=utf-8", ct)
		}
		if !strings.Contains(page, `<html lang="zh-CN">`) {
			t.Errorf("the answer is not a Chinese page")
		}
	}
	if !strings.HasPrefix(req.URL.Path, "/static/") {
		for k, want := range map[string]string{"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s %q, want %q", k, got, want)
			}
		}
	}
	// A text is what a reader reads (&#43; is +); what must be absent is
	// absent from the HTML as sent: a script, a secret, an address.
	read := html.UnescapeString(page)
	for _, s := range c.text {
		if s := expand(s); !strings.Contains(read, s) {
			t.Errorf("the page lacks %q", s)
		}
	}
	for _, s := range c.absent {
		if s := expand(s); strings.Contains(page, s) {
			t.Errorf("the page's HTML holds %q", s)
		}
	}
	logs := d.log.String()[logged:]
	for _, s := range append(secrets, officeCookie, sectionCookie, expiredCookie) {
		if strings.Contains(logs, s) {
			t.Errorf("the log holds %q:\n%s", s, logs)
		}
	}
	if t.Failed() {
		t.Logf("%s %s\n%s\n%s\nlog:\n%s", c.method, clipLog(target), res.Status, page, logs)
	}
}

func clipLog(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// placeholder is {kind:args} in a case's text.
var placeholder = regexp.MustCompile(`\{(link|expired|tampered|truncated|version|otherkey|repeat):([^{}]*)\}`)

// expand replaces the placeholders of s, and returns the tokens it minted.
func (d *corpusDesk) expand(s string) (string, []string, error) {
	var (
		minted []string
		errs   []error
	)
	out := placeholder.ReplaceAllStringFunc(s, func(m string) string {
		sub := placeholder.FindStringSubmatch(m)
		kind, args := sub[1], sub[2]
		if kind == "repeat" {
			n, text, ok := strings.Cut(args, ":")
			count, err := strconv.Atoi(n)
			if !ok || err != nil || count < 1 {
				errs = append(errs, fmt.Errorf("%s: want {repeat:N:TEXT}", m))
				return m
			}
			return strings.Repeat(text, count)
		}
		rk, id, ok := strings.Cut(args, ":")
		if !ok {
			errs = append(errs, fmt.Errorf("%s: want {%s:KIND:ID}", m, kind))
			return m
		}
		tok, err := d.token(kind, remindd.Recipient{Kind: rk, ID: id})
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m, err))
			return m
		}
		minted = append(minted, tok)
		return tok
	})
	if len(errs) > 0 {
		return "", nil, errs[0]
	}
	return out, minted, nil
}

// token is who's token, as kind says: valid as remindd link prints it,
// expired, changed in its MAC, cut short, of another format version
// (signed with the desk's key), or signed with a key the desk does not
// know.
func (d *corpusDesk) token(kind string, who remindd.Recipient) (string, error) {
	switch kind {
	case "expired":
		return d.signer.Mint(who, corpusNow.Add(-24*time.Hour))
	case "otherkey":
		return d.other.Mint(who, d.expires)
	}
	tok, err := d.signer.Mint(who, d.expires)
	if err != nil {
		return "", err
	}
	switch kind {
	case "tampered":
		b := []byte(tok)
		i := len(b) - 5 // inside the MAC
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b), nil
	case "truncated":
		return tok[:len(tok)-4], nil
	case "version":
		// The format the link package documents: version | key id |
		// expiry | kind | id | MAC, the MAC HMAC-SHA256 over
		// "remindd-link" and the rest, cut to 16 bytes.
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			return "", err
		}
		body := b[:len(b)-16]
		body[0] = link.Version + 1
		h := hmac.New(sha256.New, d.secret)
		h.Write([]byte("remindd-link"))
		h.Write(body)
		return base64.RawURLEncoding.EncodeToString(append(body, h.Sum(nil)[:16]...)), nil
	}
	return tok, nil
}

// readHTTPCases reads every http case, sorted by name.
func readHTTPCases(t *testing.T) []httpCase {
	t.Helper()
	entries, err := os.ReadDir(httpCorpus)
	if err != nil {
		t.Fatal(err)
	}
	var cases []httpCase
	for _, e := range entries {
		if !e.IsDir() {
			t.Errorf("http/%s: want one folder per case", e.Name())
			continue
		}
		c, err := readHTTPCase(filepath.Join(httpCorpus, e.Name(), "case.txt"))
		if err != nil {
			t.Error(err)
			continue
		}
		c.name = e.Name()
		cases = append(cases, c)
	}
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", httpCorpus)
	}
	slices.SortFunc(cases, func(a, b httpCase) int { return strings.Compare(a.name, b.name) })
	return cases
}

// readHTTPCase parses an http case.txt: "key: value" lines; blank lines and
// lines starting with # are ignored.
func readHTTPCase(path string) (httpCase, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return httpCase{}, err
	}
	var c httpCase
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		n++
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ": ")
		if !ok && strings.HasSuffix(line, ":") { // "body:" with nothing after
			key, ok = strings.TrimSuffix(line, ":"), true
		}
		if !ok {
			return c, fmt.Errorf("%s:%d: want key: value", path, n)
		}
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s: %s", path, n, key, fmt.Sprintf(format, args...))
		}
		switch key {
		case "method":
			if !slices.Contains([]string{"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"}, val) {
				return c, bad("%q: want GET, HEAD, POST, PUT, DELETE, PATCH or OPTIONS", val)
			}
			c.method = val
		case "path":
			if !strings.HasPrefix(val, "/") {
				return c, bad("%q: want a path from the root, /…", val)
			}
			c.path = val
		case "as":
			if val != "office" && val != "section" && val != "expired" {
				return c, bad("%q: want office, section or expired", val)
			}
			c.as = val
		case "header":
			k, v, ok := strings.Cut(val, ":")
			if !ok || k == "" {
				return c, bad("%q: want Name: value", val)
			}
			c.headers = append(c.headers, [2]string{k, strings.TrimSpace(v)})
		case "form":
			k, v, ok := strings.Cut(val, "=")
			if !ok || k == "" {
				return c, bad("%q: want name=value", val)
			}
			c.form = append(c.form, [2]string{k, v})
		case "body":
			if c.body != nil {
				return c, bad("given twice")
			}
			c.body = &val
		case "status":
			if c.status, err = strconv.Atoi(val); err != nil || c.status < 200 || c.status > 499 {
				return c, bad("%q: want a status 200–499: bad input is the client's mistake, never the server's", val)
			}
		case "location":
			c.location = val
		case "text":
			c.text = append(c.text, val)
		case "absent":
			c.absent = append(c.absent, val)
		case "writes":
			c.writes = append(c.writes, val)
		case "skip":
			c.skip = val
		default:
			return c, fmt.Errorf("%s:%d: unknown key %q (want method, path, as, header, form, body, status, location, text, absent, writes or skip)", path, n, key)
		}
	}
	switch {
	case c.method == "" || c.path == "" || c.status == 0:
		return c, fmt.Errorf("%s: want method, path and status", path)
	case c.body != nil && c.form != nil:
		return c, fmt.Errorf("%s: want form or body, not both", path)
	case c.status >= 300 && c.status < 400 && c.location == "":
		return c, fmt.Errorf("%s: a redirect needs location", path)
	case c.method == http.MethodHead && (len(c.text) > 0 || len(c.absent) > 0):
		return c, fmt.Errorf("%s: an answer to HEAD has no page: text and absent say nothing", path)
	case c.method != http.MethodHead && (c.status < 300 || c.status >= 400) && len(c.text) == 0:
		return c, fmt.Errorf("%s: want at least one text the page must say", path)
	}
	return c, nil
}
