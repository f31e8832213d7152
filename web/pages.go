package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
)

//go:embed templates/*.tmpl
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// layout is the template every page is drawn in: it defines "base", which
// draws the page's "content" (and its optional "head" and "nav").
const layout = "base.tmpl"

// pages are the parsed pages, by name: the file name without ".tmpl". Each
// is the layout with the page's own templates.
type pages map[string]*template.Template

// parsePages parses every template under templates/, once.
func parsePages() (pages, error) {
	base, err := template.New(layout).Funcs(funcs).ParseFS(templateFS, "templates/"+layout)
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	// Partials (templates/_*.tmpl) define templates that pages share.
	if partials, _ := fs.Glob(templateFS, "templates/_*.tmpl"); len(partials) > 0 {
		if base, err = base.ParseFS(templateFS, partials...); err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
	}
	files, err := fs.Glob(templateFS, "templates/*.tmpl")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	p := pages{}
	for _, f := range files {
		name := strings.TrimSuffix(strings.TrimPrefix(f, "templates/"), ".tmpl")
		if name+".tmpl" == layout || strings.HasPrefix(name, "_") {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: template %s defines no \"content\"", f)
		}
		p[name] = t
	}
	return p, nil
}

// view is what a page's template is given: the page's title, the office to
// call, and the page's own data.
type view struct {
	Title  string
	Office Contact
	Data   any
}

// render draws page name with data, titled title, answering status. It
// draws into a buffer first, so that a template's failure answers 500,
// never half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	if err := h.draw(w, r, status, name, title, data); err != nil {
		h.fail(w, r, err)
	}
}

// draw is render, but a failure is its caller's to answer.
func (h *handler) draw(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) error {
	t, ok := h.pages[name]
	if !ok {
		return fmt.Errorf("no page %q", name)
	}
	b := buffers.Get().(*bytes.Buffer)
	defer putBuffer(b)
	if err := t.ExecuteTemplate(b, "base", view{Title: title, Office: h.Office, Data: data}); err != nil {
		return fmt.Errorf("page %s: %w", name, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(b.Bytes())
	}
	return nil
}

// buffers are the pages' buffers, used again: growing a new one to a
// page's 30-100 KB was most of what a page allocated.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxKeptBuffer is the largest buffer put back: a rare huge page (the
// history of every event) is not held for the next small one.
const maxKeptBuffer = 1 << 20

func putBuffer(b *bytes.Buffer) {
	if b.Cap() > maxKeptBuffer {
		return
	}
	b.Reset()
	buffers.Put(b)
}

// problem is what the error page shows: what went wrong and what to do.
type problem struct {
	Status int
	Title  string
	Advice string
}

// errorPage answers status with a Chinese page: its title, what to do, and
// parseForm reads a desk form's POST body of at most limit bytes; a body
// too long or malformed answers 400 with a Chinese page, and false.
func (h *handler) parseForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, http.StatusBadRequest, "表单无法识别", "提交的内容无法识别或过长。请返回上一页重新操作。")
		return false
	}
	return true
}

// the office's name and phone.
func (h *handler) errorPage(w http.ResponseWriter, r *http.Request, status int, title, advice string) {
	h.render(w, r, status, "error", title, problem{Status: status, Title: title, Advice: advice})
}

// fail logs err and answers 500 with a page that says nothing of it.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	h.Log.WithFields(logFields(r)).WithError(err).Error("page failed")
	const title = "服务器出了点问题"
	p := problem{Status: http.StatusInternalServerError, Title: title, Advice: "请稍后再试；如果一直如此，请联系局办公室。"}
	if h.draw(w, r, p.Status, "error", title, p) != nil {
		http.Error(w, "500 服务器内部错误，请稍后再试。", p.Status)
	}
}

// static serves the embedded files under /static/: a file, never a
// folder's listing; anything else is the Chinese 404, not the file
// server's English one.
func (h *handler) static() http.Handler {
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		panic(err) // the embed pattern names the folder: it is there
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// As the file server reads the path: cleaned, from the root.
		name := strings.TrimPrefix(path.Clean("/"+strings.TrimPrefix(r.URL.Path, "/static/")), "/")
		if fi, err := fs.Stat(sub, name); err != nil || !fi.Mode().IsRegular() {
			h.notFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}
