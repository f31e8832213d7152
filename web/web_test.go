package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

func TestNewRefusesMissingOptions(t *testing.T) {
	_, err := web.New(web.Options{})
	if err == nil {
		t.Fatal("web.New without options: no error")
	}
	for _, field := range []string{"Plan", "Store", "Signer"} {
		if !strings.Contains(err.Error(), field) {
			t.Errorf("error %q does not name %s", err, field)
		}
	}
}

func TestNewRefusesBadTrustedOrigin(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	_, err := web.New(web.Options{Plan: testPlan(t), Store: s, Signer: testSigner(t), TrustedOrigins: []string{"not an origin"}})
	if err == nil || !strings.Contains(err.Error(), "not an origin") {
		t.Fatalf("web.New with a bad trusted origin: %v, want an error naming it", err)
	}
}

// TestHeaders checks what every answer carries, pages and static files.
func TestHeaders(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := newTestServer(t, web.Options{Store: s})
		for _, tc := range []struct {
			path, cache string
			status      int
		}{
			{"/no/such/page", "no-store", http.StatusNotFound},
			{"/static/style.css", "public, max-age=3600", http.StatusOK},
		} {
			res, body := srv.get(t, tc.path)
			if res.StatusCode != tc.status {
				t.Errorf("GET %s: %d, want %d", tc.path, res.StatusCode, tc.status)
			}
			for k, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"X-Frame-Options":        "DENY",
				"Referrer-Policy":        "no-referrer",
				"Cache-Control":          tc.cache,
			} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("GET %s: %s %q, want %q", tc.path, k, got, want)
				}
			}
			csp := res.Header.Get("Content-Security-Policy")
			if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "script-src 'none'") {
				t.Errorf("GET %s: Content-Security-Policy %q, want default-src 'self' and no script", tc.path, csp)
			}
			if tc.status == http.StatusNotFound {
				wantContains(t, body, `<html lang="zh-CN">`, "页面不存在", "局办公室", "0595-85600000")
				if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("GET %s: Content-Type %q", tc.path, ct)
				}
			}
		}
	})
}

// TestCrossOriginPostRefused: a form posted from another site is refused
// with a Chinese page, before any handler reads it.
func TestCrossOriginPostRefused(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := newTestServer(t, web.Options{Store: s})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/no/such/page", strings.NewReader("task=44"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	res, body := srv.do(t, req)
	if res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-origin POST: %d, want 403", res.StatusCode)
	}
	wantContains(t, body, "其他网站", "局办公室")
}

// TestAccessLogRedactsTokens: the log has a line per request, with the
// token of a personal link replaced, however the path is spelled.
func TestAccessLogRedactsTokens(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := newTestServer(t, web.Options{Store: s})
	const token = "AQAAAAAAAAAAZmVlZGZhY2U"
	for _, p := range []string{"/r/" + token, "/r/" + token + "/calendar.ics", "/static/../r/" + token, "//r/" + token} {
		srv.get(t, p)
	}
	logs := srv.Log.String()
	if strings.Contains(logs, token) {
		t.Errorf("the log holds the token:\n%s", logs)
	}
	if n := strings.Count(logs, `"path":"/r/REDACTED`); n < 4 {
		t.Errorf("the log has %d redacted lines, want at least 4:\n%s", n, logs)
	}
	for _, f := range []string{`"method":"GET"`, `"status":`, `"duration":`} {
		if !strings.Contains(logs, f) {
			t.Errorf("the log lacks %s:\n%s", f, logs)
		}
	}
}
