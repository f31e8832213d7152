package browsertest_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/remindd/remindd/internal/browsertest"
)

// TestBrowser opens a Chinese page, reads it back, and writes its
// screenshots at both widths as PNG files.
func TestBrowser(t *testing.T) {
	t.Setenv(browsertest.ArtifactsEnv, t.TempDir())
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="zh-CN"><meta name="viewport" content="width=device-width"><h1 id="t">报告已完成</h1></html>`))
	}))
	defer srv.Close()
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("t")))
	if err != nil {
		t.Fatal(err)
	}
	if text != "报告已完成" {
		t.Errorf("text %q", text)
	}
	width, err := chromedp.Run(ctx, chromedp.Evaluate[int]("window.innerWidth"))
	if err != nil {
		t.Fatal(err)
	}
	if width != browsertest.PhoneWidth {
		t.Errorf("window width %d, want the phone's %d", width, browsertest.PhoneWidth)
	}
	browsertest.Screenshot(t, ctx, "probe")
	for _, w := range []string{"390", "1280"} {
		f := filepath.Join(os.Getenv(browsertest.ArtifactsEnv), "TestBrowser-probe-"+w+".png")
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Errorf("%s is not a PNG", f)
		}
	}
}

// TestExecPath: the Chromium found is one of the names looked for.
func TestExecPath(t *testing.T) {
	p := browsertest.ExecPath()
	if p == "" {
		t.Skip("no chromium")
	}
	if !strings.Contains(filepath.Base(p), "chrom") && !strings.Contains(p, "headless") {
		t.Errorf("ExecPath() = %q", p)
	}
}
