package web_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

func sha(v string) string {
	s := sha256.Sum256([]byte(v))
	return hex.EncodeToString(s[:])
}

func TestDeskNeedsLogin(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	b := newBrowser(t, srv)
	for path, want := range map[string]string{
		"/desk":                        "/login",
		"/desk/reports":                "/login?next=%2Fdesk%2Freports",
		"/desk/sections/industry-mgmt": "/login?next=%2Fdesk%2Fsections%2Findustry-mgmt",
		"/desk/history?task=44":        "/login?next=%2Fdesk%2Fhistory%3Ftask%3D44",
		"/":                            "/desk",
	} {
		res, _ := b.get(t, path)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != want {
			t.Errorf("GET %s: %d → %q, want 303 → %q", path, res.StatusCode, res.Header.Get("Location"), want)
		}
	}
	res, _ := b.post(t, "/desk/reports", url.Values{"confirm1": {"section:industry-mgmt:44"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("POST /desk/reports without a session: %d → %q", res.StatusCode, res.Header.Get("Location"))
	}
	res, body := b.get(t, "/login")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /login: %d", res.StatusCode)
	}
	wantContains(t, body, "登录工作台", `name="name"`, `type="password"`, `autocomplete="current-password"`)
	if got := res.Header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("login page Cache-Control %q", got)
	}
}

func TestLoginLogout(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		b := newBrowser(t, srv)
		res, body := b.post(t, "/login", url.Values{"name": {officeName}, "password": {officePass}, "next": {"/desk/reports"}})
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk/reports" {
			t.Fatalf("login: %d → %q\n%s", res.StatusCode, res.Header.Get("Location"), body)
		}
		var cookie *http.Cookie
		for _, c := range res.Cookies() {
			if c.Name == sessionCookie {
				cookie = c
			}
		}
		if cookie == nil {
			t.Fatal("no session cookie")
		}
		if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, not Secure on http", cookie)
		}
		if cookie.MaxAge != int(web.DefaultSessionTTL/time.Second) {
			t.Errorf("cookie Max-Age %d, want the session's TTL", cookie.MaxAge)
		}
		if len(cookie.Value) != 43 { // 32 bytes, base64url without padding
			t.Errorf("cookie value %q: want 32 random bytes in base64url", cookie.Value)
		}
		ctx := context.Background()
		if u, ok, err := s.Session(ctx, sha(cookie.Value), testNow); !ok || err != nil || u.Name != officeName {
			t.Errorf("the store has no session under the cookie's SHA-256: %v %v %v", u, ok, err)
		}
		if _, ok, _ := s.Session(ctx, cookie.Value, testNow); ok {
			t.Error("the store keeps the cookie's value itself")
		}
		res, body = b.get(t, "/desk")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk after login: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "工作总览", officeName, "退出", `action="/logout"`)
		res, _ = b.get(t, "/login")
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/desk" {
			t.Errorf("GET /login while signed in: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}

		res, _ = b.post(t, "/logout", nil)
		if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?bye=1" {
			t.Errorf("logout: %d → %q", res.StatusCode, res.Header.Get("Location"))
		}
		if b.session(t) != "" {
			t.Error("logout left the cookie in the browser")
		}
		if _, ok, _ := s.Session(ctx, sha(cookie.Value), testNow); ok {
			t.Error("logout left the session in the store")
		}
		// The old cookie, replayed, opens nothing.
		replay := newBrowser(t, srv)
		replay.jar.SetCookies(mustURL(t, srv.URL), []*http.Cookie{{Name: sessionCookie, Value: cookie.Value}})
		if res, _ := replay.get(t, "/desk"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the logged-out cookie still opens the desk: %d", res.StatusCode)
		}
		_, body = b.get(t, "/login?bye=1")
		wantContains(t, body, "您已退出登录")
	})
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestSessionExpires(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	c := &clock{t: testNow}
	srv := deskServer(t, s, web.Options{Now: c.Now, SessionTTL: time.Hour})
	b := loggedIn(t, srv, officeName, officePass)
	c.Add(59 * time.Minute)
	if res, _ := b.get(t, "/desk"); res.StatusCode != http.StatusOK {
		t.Fatalf("after 59 minutes: %d", res.StatusCode)
	}
	c.Add(2 * time.Minute)
	if res, _ := b.get(t, "/desk"); res.StatusCode != http.StatusSeeOther {
		t.Errorf("after 61 minutes of a 1 h session: %d, want 303 to /login", res.StatusCode)
	}
}

func TestSecureCookieOnHTTPS(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{BaseURL: "https://remindd.example.gov.cn"})
	res, _ := newBrowser(t, srv).post(t, "/login", url.Values{"name": {officeName}, "password": {officePass}})
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie && !c.Secure {
			t.Errorf("cookie %+v: want Secure when the desk is served over https", c)
		}
	}
}

func TestLoginRefused(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	b := newBrowser(t, srv)
	answer := func(name, pw string) (int, string) {
		res, body := b.post(t, "/login", url.Values{"name": {name}, "password": {pw}})
		for _, c := range res.Cookies() {
			if c.Name == sessionCookie && c.Value != "" {
				t.Errorf("login %q/%q set a session cookie", name, pw)
			}
		}
		// The page repeats the name typed: take it out to compare.
		return res.StatusCode, strings.ReplaceAll(body, `value="`+name+`"`, `value=""`)
	}
	wrongCode, wrongBody := answer(officeName, "not-the-password")
	unknownCode, unknownBody := answer("nobody", "not-the-password")
	if wrongCode != http.StatusUnauthorized || !strings.Contains(wrongBody, "用户名或密码不正确") {
		t.Errorf("wrong password: %d\n%s", wrongCode, wrongBody)
	}
	if unknownCode != wrongCode || unknownBody != wrongBody {
		t.Errorf("an unknown name is answered otherwise than a wrong password: %d vs %d", unknownCode, wrongCode)
	}
	if code, body := answer(officeName, ""); code != http.StatusBadRequest || !strings.Contains(body, "请填写用户名和密码") {
		t.Errorf("empty password: %d\n%s", code, body)
	}
	if code, _ := answer(sqlMetachars, sqlMetachars); code != http.StatusUnauthorized {
		t.Errorf("SQL metacharacters as name and password: %d, want 401", code)
	}
	// A login from another site is refused before it is read.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{"name": {officeName}, "password": {officePass}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "http://evil.example")
	if res, _ := b.do(t, req); res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-origin login: %d, want 403", res.StatusCode)
	}
	if strings.Contains(srv.Log.String(), officePass) || strings.Contains(srv.Log.String(), "not-the-password") {
		t.Error("a password is in the log")
	}
}

// TestLoginThrottled: after five failures in 15 minutes for a name, the
// sixth attempt is refused (429) even with the right password, from any
// address; after five from an address, any name from it is refused.
func TestLoginThrottled(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c := &clock{t: testNow}
		srv := deskServer(t, s, web.Options{Now: c.Now})
		h := srv.Config.Handler
		login := func(addr, name, pw string) *httptest.ResponseRecorder {
			form := url.Values{"name": {name}, "password": {pw}}
			req := httptest.NewRequest(http.MethodPost, "/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.RemoteAddr = addr
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		for i := range 5 {
			if rec := login("192.0.2.1:1000", officeName, "guess"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("failure %d: %d", i+1, rec.Code)
			}
			c.Add(time.Minute)
		}
		rec := login("198.51.100.7:2000", officeName, officePass)
		if rec.Code != http.StatusTooManyRequests || !strings.Contains(rec.Body.String(), "登录尝试过多") {
			t.Fatalf("6th attempt with the right password, from another address: %d\n%s", rec.Code, rec.Body.String())
		}
		if len(rec.Result().Cookies()) != 0 {
			t.Error("a throttled login set a cookie")
		}
		// The address that failed five times is refused for another name.
		if rec := login("192.0.2.1:1001", sectionName, sectionPass); rec.Code != http.StatusTooManyRequests {
			t.Errorf("another name from the throttled address: %d, want 429", rec.Code)
		}
		// Another name from another address is not concerned.
		if rec := login("203.0.113.9:3000", sectionName, sectionPass); rec.Code != http.StatusSeeOther {
			t.Errorf("another name from another address: %d, want 303", rec.Code)
		}
		// 15 minutes after the first failures the window has moved on.
		c.Add(11 * time.Minute)
		if rec := login("198.51.100.7:2000", officeName, officePass); rec.Code != http.StatusSeeOther {
			t.Errorf("after the window: %d, want 303", rec.Code)
		}
	})
}

// TestSessionFixation: a cookie the browser had before login, planted or
// valid, is not the one after; a planted value opens nothing, and a valid
// session it named ends.
func TestSessionFixation(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	ctx := context.Background()

	planted := "attacker-chosen-session-value-0123456789abc"
	b := newBrowser(t, srv)
	b.jar.SetCookies(mustURL(t, srv.URL), []*http.Cookie{{Name: sessionCookie, Value: planted, Path: "/"}})
	b.login(t, officeName, officePass)
	if got := b.session(t); got == planted || got == "" {
		t.Fatalf("after login the cookie is %q: want a new value", got)
	}
	if _, ok, _ := s.Session(ctx, sha(planted), testNow); ok {
		t.Error("the planted value is a session")
	}

	// A section user's browser, left signed in, is used by the office.
	shared := loggedIn(t, srv, sectionName, sectionPass)
	before := shared.session(t)
	shared.login(t, officeName, officePass)
	after := shared.session(t)
	if after == before {
		t.Fatal("the second login kept the first session's cookie")
	}
	if _, ok, _ := s.Session(ctx, sha(before), testNow); ok {
		t.Error("the session the browser brought to the login still opens the desk")
	}
	if u, ok, _ := s.Session(ctx, sha(after), testNow); !ok || u.Name != officeName {
		t.Errorf("the new session is %v %v", u, ok)
	}
}

func TestLoginNextStaysOnTheDesk(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	for next, want := range map[string]string{
		"/desk/history?task=44": "/desk/history?task=44",
		"https://evil.example/": "/desk",
		"//evil.example/desk":   "/desk",
		"/desk@evil.example":    "/desk",
		"/deskevil":             "/desk",
		"/\\evil.example":       "/desk",
		"/r/some-token":         "/desk",
		"/desk/../r/some-token": "/desk",
		"javascript:alert(1)":   "/desk",
		"/desk/reports\r\nX: y": "/desk",
		"/desk/sections/market": "/desk/sections/market",
	} {
		res, _ := newBrowser(t, srv).post(t, "/login", url.Values{"name": {officeName}, "password": {officePass}, "next": {next}})
		if got := res.Header.Get("Location"); got != want {
			t.Errorf("next %q: → %q, want %q", next, got, want)
		}
	}
}

// TestLoginOddNames: names no account can have are refused as a wrong
// password is, on both backends (MySQL refuses bytes that are not UTF-8
// in a query), and count against the address.
func TestLoginOddNames(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		for _, name := range []string{"\xff\xfe", "林\x00主任", "林\u202e主任", strings.Repeat("名", 300), sqlMetachars} {
			res, body := newBrowser(t, srv).post(t, "/login", url.Values{"name": {name}, "password": {officePass}})
			if res.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码不正确") {
				t.Errorf("login as %q: %d\n%s", name, res.StatusCode, body)
			}
		}
		res, _ := newBrowser(t, srv).post(t, "/login", url.Values{"name": {officeName}, "password": {officePass}})
		if res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("after five failures from this address: %d, want 429", res.StatusCode)
		}
	})
}
