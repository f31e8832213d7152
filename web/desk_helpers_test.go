package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// The desk's accounts in the tests.
const (
	officeName    = "林主任"
	officePass    = "office-password-1"
	sectionName   = "陈科长"
	sectionPass   = "section-password-1"
	industryID    = "industry-mgmt"
	smallHotel    = "91350582155335753W" // a tourism 小微 enterprise: industry-mgmt's
	testPlanID    = "jinjiang-2024"
	returnReason  = "缺少整改佐证材料，请补充现场照片后再报。"
	sqlMetachars  = "' OR 1=1 --"
	sessionCookie = "remindd_session"
)

var (
	industryWho = remindd.Recipient{Kind: remindd.KindSection, ID: industryID}
	hotelWho    = remindd.Recipient{Kind: remindd.KindEnterprise, ID: smallHotel}
)

// clock is a test's settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// deskServer serves the desk on a fresh store s with an office and a
// section account, reports needing confirmation, on the tests' clock.
func deskServer(t *testing.T, s *store.Store, o web.Options) *testServer {
	t.Helper()
	o.Store = s
	o.RequireConfirmation = true
	addUser(t, s, remindd.User{Name: officeName, Role: remindd.RoleOffice}, officePass)
	addUser(t, s, remindd.User{Name: sectionName, Role: remindd.RoleSection, Section: industryID}, sectionPass)
	if _, _, err := s.UpsertEnterprises(context.Background(), []remindd.Enterprise{{
		ID: smallHotel, Name: "晋江市安平古镇旅行社有限公司", Sector: "tourism", Size: "小微", Contact: "蔡雅婷", Active: true,
	}}); err != nil {
		t.Fatal(err)
	}
	return newTestServer(t, o)
}

func addUser(t *testing.T, s *store.Store, u remindd.User, pw string) {
	t.Helper()
	hash, err := web.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(context.Background(), u, hash); err != nil {
		t.Fatal(err)
	}
}

// browser is a client with its own cookies that follows no redirect, so
// that a test sees each 303.
type browser struct {
	srv *testServer
	jar *cookiejar.Jar
	c   *http.Client
}

func newBrowser(t *testing.T, srv *testServer) *browser {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &browser{srv: srv, jar: jar, c: &http.Client{
		Jar:           jar,
		Transport:     srv.Client().Transport,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

func (b *browser) do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(body)
}

func (b *browser) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b.do(t, req)
}

// post sends a form as a browser on the page's own origin would.
func (b *browser) post(t *testing.T, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.srv.URL)
	return b.do(t, req)
}

// session is the browser's session cookie's value, "" when it has none.
func (b *browser) session(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(b.srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range b.jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	return ""
}

// login signs the browser in and fails the test unless it lands on the
// desk.
func (b *browser) login(t *testing.T, name, pw string) {
	t.Helper()
	res, body := b.post(t, "/login", url.Values{"name": {name}, "password": {pw}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk" {
		t.Fatalf("login %s: %d %s\n%s", name, res.StatusCode, res.Header.Get("Location"), body)
	}
}

// loggedIn is a new browser signed in as name.
func loggedIn(t *testing.T, srv *testServer, name, pw string) *browser {
	t.Helper()
	b := newBrowser(t, srv)
	b.login(t, name, pw)
	return b
}

// report records that who reported task done through its link.
func report(t *testing.T, s *store.Store, who remindd.Recipient, task int, at time.Time) {
	t.Helper()
	evs, err := s.Apply(context.Background(), testPlanID, []remindd.Event{{
		Action: remindd.Reported, Task: task, Assignee: who, By: "王五", Source: remindd.SourceLink, Note: "已完成自查", At: at,
	}})
	if err != nil || len(evs) != 1 {
		t.Fatalf("report %d for %s: %v, %v", task, who, evs, err)
	}
}

// history is every event of the plan, newest first, as action task id.
func history(t *testing.T, s *store.Store) []string {
	t.Helper()
	evs, err := s.Events(context.Background(), testPlanID, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range evs {
		out = append(out, string(e.Action)+" "+strconv.Itoa(e.Task)+" "+e.Assignee.ID+" "+e.By+" "+e.Source)
	}
	return out
}

// statusOf is task's completion status for who: "", reported or done.
func statusOf(t *testing.T, s *store.Store, who remindd.Recipient, task int) string {
	t.Helper()
	cs, err := s.CompletionsOf(context.Background(), testPlanID, who)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Task == task {
			if c.Status == "" {
				return remindd.StatusDone
			}
			return c.Status
		}
	}
	return ""
}
