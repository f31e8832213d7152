package web

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/printable"
)

// Desk sessions. A login that passes sets the cookie sessionCookie to 32
// random bytes (base64url); the store keeps only their SHA-256, with the
// user and the expiry, so that any instance behind a load balancer serves
// the session and a copy of the store opens none. Every login makes a new
// session, whatever cookie the browser brought (session fixation); logout
// deletes it.

// sessionCookie is the desk's session cookie.
const sessionCookie = "remindd_session"

// Login throttling: after loginMaxFailures failed logins within
// loginWindow, for a name or from a client address, a login is answered
// 429 without its password being checked. The failures are in the store,
// so every instance counts them.
const (
	loginMaxFailures = 5
	loginWindow      = 15 * time.Minute
)

// maxLoginForm bounds the login form: a name and a password.
const maxLoginForm = 8 << 10

// sessionID is what the store keeps of a cookie's value.
func sessionID(value string) string {
	sum := sha256.Sum256([]byte(value))
	return hex.EncodeToString(sum[:])
}

// newSessionValue is a fresh cookie value: 32 random bytes, base64url.
func newSessionValue() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// secureCookies reports whether the desk is served over HTTPS, so that
// the session cookie is sent over nothing else.
func (h *handler) secureCookies() bool {
	return strings.HasPrefix(strings.ToLower(h.BaseURL), "https://")
}

// sessionUser is the user of the request's session, if it has a valid one.
func (h *handler) sessionUser(r *http.Request) (remindd.User, bool, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" || len(c.Value) > 256 {
		return remindd.User{}, false, nil
	}
	return h.Store.Session(r.Context(), sessionID(c.Value), h.Now())
}

// desk wraps a desk page: without a valid session it redirects (303) to
// the login page, which comes back here after.
func (h *handler) desk(page func(w http.ResponseWriter, r *http.Request, u remindd.User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok, err := h.sessionUser(r)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if !ok {
			target := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/desk" {
				target += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, target, http.StatusSeeOther)
			return
		}
		page(w, r, u)
	}
}

// loginView is the login page's data.
type loginView struct {
	Name    string
	Next    string
	Problem string
	Bye     bool
}

// loginPage shows the login form; with a valid session it goes to the desk.
func (h *handler) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok, err := h.sessionUser(r); err != nil {
		h.fail(w, r, err)
		return
	} else if ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", "登录工作台", loginView{Next: next, Bye: r.URL.Query().Has("bye")})
}

// login checks a name and password and starts a session.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginForm)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, http.StatusBadRequest, "表单无法识别", "提交的内容无法识别或过长。请返回登录页重新填写。")
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	pw := r.PostForm.Get("password")
	next := safeNext(r.PostForm.Get("next"))
	again := func(status int, problem string) {
		h.render(w, r, status, "login", "登录工作台", loginView{Name: name, Next: next, Problem: problem})
	}
	if name == "" || pw == "" {
		again(http.StatusBadRequest, "请填写用户名和密码。")
		return
	}
	ctx := r.Context()
	now := h.Now()
	// A name no account can have (not UTF-8, a control character, too
	// long) is not looked up, nor counted under its name: it fails as a
	// wrong password does, counted for the address.
	keys := []string{"addr:" + clientAddr(r)}
	valid := utf8.ValidString(name) && utf8.RuneCountInString(name) <= MaxUserName
	if _, _, bad := printable.First(name); !valid || bad {
		valid, name = false, ""
	} else {
		keys = append(keys, "name:"+name)
	}
	for _, k := range keys {
		n, err := h.Store.LoginFailures(ctx, k, now.Add(-loginWindow))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if n >= loginMaxFailures {
			h.Log.WithFields(logFields(r)).WithField("key", strings.SplitN(k, ":", 2)[0]).Warn("login throttled")
			h.errorPage(w, r, http.StatusTooManyRequests, "登录尝试过多，请稍后再试",
				"为保护账号安全，连续多次登录失败后需等待 15 分钟再试。忘记密码的，请联系局办公室重新设置。")
			return
		}
	}
	u, ok, err := h.checkLogin(ctx, name, pw, valid)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !ok {
		for _, k := range keys {
			if err := h.Store.LoginFailed(ctx, k, now); err != nil {
				h.fail(w, r, err)
				return
			}
		}
		h.Log.WithFields(logFields(r)).Info("login failed")
		again(http.StatusUnauthorized, "用户名或密码不正确。")
		return
	}
	// A cookie the browser brought, valid or planted, is never reused: its
	// session ends and a new one begins.
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && len(c.Value) <= 256 {
		if err := h.Store.DeleteSession(ctx, sessionID(c.Value)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	value, err := newSessionValue()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	expires := now.Add(h.SessionTTL)
	if err := h.Store.CreateSession(ctx, sessionID(value), u.Name, now, expires); err != nil {
		h.fail(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: value, Path: "/", Expires: expires, MaxAge: int(h.SessionTTL / time.Second),
		HttpOnly: true, Secure: h.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
	h.Log.WithFields(logFields(r)).WithField("user", u.Name).Info("login")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// checkLogin finds the user (when the name is valid) and checks the
// password. An unknown or invalid name is
// checked against a dummy hash, so that it takes as long as a wrong
// password and is answered the same.
func (h *handler) checkLogin(ctx context.Context, name, pw string, valid bool) (remindd.User, bool, error) {
	var (
		u     remindd.User
		hash  string
		found bool
	)
	if valid {
		var err error
		if u, hash, found, err = h.Store.UserByName(ctx, name); err != nil {
			return remindd.User{}, false, err
		}
	}
	if !found {
		hash = dummyHash()
	}
	ok, err := CheckPassword(hash, pw)
	if err != nil {
		h.Log.WithError(err).WithField("user", name).Error("stored password hash unreadable")
		return remindd.User{}, false, nil
	}
	return u, ok && found, nil
}

// logout ends the request's session and goes to the login page.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" && len(c.Value) <= 256 {
		if err := h.Store.DeleteSession(r.Context(), sessionID(c.Value)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: h.secureCookies(), SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, "/login?bye=1", http.StatusSeeOther)
}

// safeNext is where a login goes after: a desk page of this site, else
// the overview. An address elsewhere (//evil.example, https://…) or with
// a backslash, which some browsers read as a slash, is refused.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/desk") || strings.ContainsAny(next, "\\\r\n") || strings.HasPrefix(next, "//") {
		return "/desk"
	}
	u, err := url.Parse(next)
	if err != nil || u.IsAbs() || u.Host != "" || u.Opaque != "" {
		return "/desk"
	}
	if p := path.Clean(u.Path); p != u.Path || (p != "/desk" && !strings.HasPrefix(p, "/desk/")) {
		return "/desk"
	}
	return next
}

// clientAddr is the client's address as the server sees it. Behind a
// reverse proxy that is the proxy's: the name's limit still holds, and
// the address's then counts every client together.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
