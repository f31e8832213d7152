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

// TestWrongMethod: a page asked with a method it does not take is answered
// 405 with the methods it takes and a Chinese page, not 404 as if it were
// not there; a path that is no page stays 404.
func TestWrongMethod(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := newTestServer(t, web.Options{Store: s})
	for _, tc := range []struct {
		method, path, allow string
		status              int
	}{
		{http.MethodPut, "/login", "GET, HEAD, POST", http.StatusMethodNotAllowed},
		{http.MethodDelete, "/r/some-token", "GET, HEAD, POST", http.StatusMethodNotAllowed},
		{http.MethodGet, "/logout", "POST", http.StatusMethodNotAllowed},
		{http.MethodPatch, "/desk/history", "GET, HEAD", http.StatusMethodNotAllowed},
		{http.MethodPut, "/no/such/page", "", http.StatusNotFound},
	} {
		req, err := http.NewRequest(tc.method, srv.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		res, body := srv.do(t, req)
		if res.StatusCode != tc.status || res.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: %d, Allow %q; want %d, Allow %q", tc.method, tc.path, res.StatusCode, res.Header.Get("Allow"), tc.status, tc.allow)
		}
		wantContains(t, body, `<html lang="zh-CN">`, "局办公室")
	}
}

// TestStaticFilesOnly: /static/ serves its files, and answers anything
// else (the folder's listing, a missing file, a way out of the folder)
// with the Chinese 404.
func TestStaticFilesOnly(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := newTestServer(t, web.Options{Store: s})
	if res, _ := srv.get(t, "/static/style.css"); res.StatusCode != http.StatusOK {
		t.Errorf("GET /static/style.css: %d", res.StatusCode)
	}
	for _, p := range []string{"/static/", "/static/app.js", "/static/%2e%2e/%2e%2e/go.mod", "/static/..%2fpages.go"} {
		res, body := srv.get(t, p)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, res.StatusCode)
		}
		wantContains(t, body, `<html lang="zh-CN">`, "页面不存在")
		if strings.Contains(body, `<a href="style.css">`) {
			t.Errorf("GET %s lists the folder:\n%s", p, body)
		}
	}
}
