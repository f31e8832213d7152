package web

import (
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/sirupsen/logrus"
)

// contentSecurityPolicy lets a page load its own style sheet and images and
// nothing else: no script at all, inline or not, no frame, no form to
// another site.
const contentSecurityPolicy = "default-src 'self'; script-src 'none'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// middleware wraps the pages: the access log outside, then the headers
// every answer carries, then the cross-origin check of every POST.
func (h *handler) middleware(next http.Handler) (http.Handler, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range h.TrustedOrigins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("web: trusted origin %q: %w", o, err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.errorPage(w, r, http.StatusForbidden, "请求来自其他网站，未予受理",
			"为了安全，只受理本系统页面上提交的表单。请重新打开通知中的链接，在页面上操作。")
	}))
	return h.accessLog(secureHeaders(cop.Handler(next))), nil
}

// secureHeaders sets what every answer carries. Pages (all but /static/)
// are not kept in caches and send no Referer: a token page's address is
// the token.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "no-referrer")
		if strings.HasPrefix(r.URL.Path, "/static/") {
			hd.Set("Cache-Control", "public, max-age=3600")
		} else {
			hd.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// accessLog logs a line per request, its token redacted.
func (h *handler) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now() // a duration, not an instant of the plan: the wall clock
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		f := logFields(r)
		f["status"] = sw.status
		f["duration"] = time.Since(start).Round(time.Microsecond).String()
		h.Log.WithFields(f).Info("request")
	})
}

// logFields are the request's method and path, the token redacted.
func logFields(r *http.Request) logrus.Fields {
	return logrus.Fields{"method": r.Method, "path": redactPath(r.URL.Path)}
}

// redactPath cleans p and replaces a personal link's token in it by
// REDACTED: the token opens the page, so no log may hold it.
func redactPath(p string) string {
	p = path.Clean("/" + p) // as the mux reads it: /x/../r/TOKEN is /r/TOKEN
	rest, ok := strings.CutPrefix(p, "/r/")
	if !ok {
		return p
	}
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		return "/r/REDACTED" + rest[i:]
	}
	return "/r/REDACTED"
}

// statusWriter remembers the status a handler answered.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
