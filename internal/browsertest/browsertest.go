// Package browsertest runs a test's pages in a real, headless Chromium
// (Debian's chromium, driven by chromedp), and keeps screenshots of them at
// a phone's and a desktop's width for a person to look at.
//
// A machine without Chromium skips the browser tests, unless
// REMINDD_REQUIRE_BROWSER=1 (CI sets it), when they fail. Screenshots go to
// $REMINDD_ARTIFACTS, or the repository's artifacts/ folder, which git
// ignores.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// RequireEnv names the variable that turns a missing browser into a
// failure.
const RequireEnv = "REMINDD_REQUIRE_BROWSER"

// ArtifactsEnv names the folder screenshots go to.
const ArtifactsEnv = "REMINDD_ARTIFACTS"

// Timeout bounds a browser test, so that a hung browser fails the test
// instead of the whole run.
const Timeout = 90 * time.Second

// The widths screenshots are taken at: a phone (390 px, an iPhone 12 to
// 15) and a desktop.
const (
	PhoneWidth    = 390
	PhoneHeight   = 844
	DesktopWidth  = 1280
	DesktopHeight = 800
)

// execNames are where Chromium is looked for, in order.
var execNames = []string{"/usr/bin/chromium", "chromium", "chromium-browser", "headless_shell", "google-chrome"}

// ExecPath returns the Chromium to run, or "" when there is none.
func ExecPath() string {
	for _, name := range execNames {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless Chromium with a fresh profile, ended with the test,
// and returns a tab's context, at a phone's width; the context ends after
// Timeout. It skips t when there is no Chromium, or fails it when RequireEnv
// is 1.
func New(t testing.TB) context.Context {
	t.Helper()
	path := ExecPath()
	if path == "" {
		if os.Getenv(RequireEnv) == "1" {
			t.Fatalf("no chromium found (%s) and %s=1: install it (apt-get install chromium fonts-noto-cjk)", strings.Join(execNames, ", "), RequireEnv)
		}
		t.Skipf("no chromium found (%s): set %s=1 to fail instead", strings.Join(execNames, ", "), RequireEnv)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-features", "Translate,MediaRouter,OptimizationHints"),
		chromedp.Flag("metrics-recording-only", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("mute-audio", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.WindowSize(PhoneWidth, PhoneHeight),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to run as root with its sandbox
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), Timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})
	if err := chromedp.Do(bctx, phone()); err != nil {
		t.Fatalf("start chromium %s: %v", path, err)
	}
	return bctx
}

// phone is the phone's viewport: mobile, so that the page's viewport meta
// tag counts, in portrait.
func phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(PhoneWidth, PhoneHeight, chromedp.EmulateMobile, chromedp.EmulatePortrait, chromedp.EmulateTouch)
}

// Screenshot writes full-page PNGs of the tab's page at a phone's and a
// desktop's width, as NAME-390.png and NAME-1280.png in the artifacts
// folder (the test's name in front), and leaves the tab at the phone's
// width.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := Artifacts(t)
	for _, w := range []struct {
		width  int
		action chromedp.Action[chromedp.Void]
	}{
		{PhoneWidth, phone()},
		{DesktopWidth, chromedp.EmulateViewport(DesktopWidth, DesktopHeight)},
	} {
		if err := chromedp.Do(ctx, w.action); err != nil {
			t.Fatalf("screenshot %s at %d px: %v", name, w.width, err)
		}
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s at %d px: %v", name, w.width, err)
		}
		file := filepath.Join(dir, fmt.Sprintf("%s-%s-%d.png", fileName(t.Name()), name, w.width))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		t.Logf("screenshot %s", file)
	}
	if err := chromedp.Do(ctx, phone()); err != nil {
		t.Fatalf("back to the phone's width: %v", err)
	}
}

// Artifacts returns the folder test artifacts go to, made if need be:
// $REMINDD_ARTIFACTS, or artifacts/ at the root of the repository (the
// folder of go.mod above the test's).
func Artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(ArtifactsEnv)
	if dir == "" {
		root, err := repoRoot()
		if err != nil {
			t.Fatalf("artifacts folder: %v (set %s)", err, ArtifactsEnv)
		}
		dir = filepath.Join(root, "artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifacts folder: %v", err)
	}
	return dir
}

// repoRoot is the nearest folder above the working directory with a go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// fileName makes a test's name (TestX/sub case) a file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}
