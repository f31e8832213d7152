package web_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/web"
)

// planPath is the example plan the tests read.
const planPath = "../plans/jinjiang-2024.yaml"

// testNow is the tests' clock: the README's May morning, 2024-05-24 09:00
// in Jinjiang.
var testNow = time.Date(2024, 5, 24, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// testPlan loads the example plan once per test.
func testPlan(t testing.TB) *plan.Plan {
	t.Helper()
	p, err := plan.Load(planPath)
	if err != nil {
		t.Fatalf("load plan: %v", err)
	}
	return p
}

// testSigner signs with a fixed key, so that a test can mint tokens.
func testSigner(t testing.TB) *link.Signer {
	t.Helper()
	k, err := link.NewKey(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return link.NewSigner(k)
}

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testServer is the web handler on an httptest server, with its log.
type testServer struct {
	*httptest.Server
	Options web.Options
	Log     *syncBuffer
}

// newTestServer serves web.New(o) on a fresh httptest server, closed when
// the test ends; the options' zero fields get the tests' plan, signer,
// clock, office and a log the test can read.
func newTestServer(t testing.TB, o web.Options) *testServer {
	t.Helper()
	if o.Plan == nil {
		o.Plan = testPlan(t)
	}
	if o.Signer == nil {
		o.Signer = testSigner(t)
	}
	if o.Now == nil {
		o.Now = func() time.Time { return testNow }
	}
	if o.Office == (web.Contact{}) {
		o.Office = web.Contact{Name: "局办公室", Phone: "0595-85600000"}
	}
	logs := &syncBuffer{}
	if o.Log == nil {
		l := logrus.New()
		l.SetOutput(logs)
		l.SetFormatter(&logrus.JSONFormatter{})
		o.Log = logrus.NewEntry(l)
	}
	h, err := web.New(o)
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return &testServer{Server: srv, Options: o, Log: logs}
}

// do sends a request to the server and returns the answer and its body.
func (s *testServer) do(t testing.TB, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := s.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", req.Method, req.URL.Path, err)
	}
	return res, string(b)
}

// get fetches path.
func (s *testServer) get(t testing.TB, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, s.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s.do(t, req)
}

// wantContains fails t for each of want that body does not hold.
func wantContains(t testing.TB, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %q:\n%s", w, body)
		}
	}
}
