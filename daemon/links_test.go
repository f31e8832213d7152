package daemon_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/rendertest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// outboxDir is the folder of the fixture's file channel.
func outboxDir(t *testing.T, c *config.Config) string {
	t.Helper()
	for _, ch := range c.Channels {
		if ch.Type == "file" {
			return ch.Dir
		}
	}
	t.Fatal("no file channel")
	return ""
}

var linkRE = regexp.MustCompile(`(?m)^http://127\.0\.0\.1:8080/r/([A-Za-z0-9_-]+)$`)

// TestTickWritesPersonalLinks: with the example config's web block, a tick
// creates the key (0600) on first use and every message written to a
// section or an enterprise carries the link that opens its own page; the
// office's digest has none.
func TestTickWritesPersonalLinks(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		if _, err := d.Tick(context.Background(), at(6, 2, 9, 0)); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(c.Web.SecretFile)
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("key file: %v, %v; want it created 0600", fi, err)
		}
		signer, err := daemon.Signer(c, false)
		if err != nil {
			t.Fatal(err)
		}
		var sections, enterprises, digests int
		for _, row := range outbox(t, s) {
			b, err := os.ReadFile(filepath.Join(outboxDir(t, c), notify.FileName(row.Key)))
			if err != nil {
				t.Fatal(err)
			}
			m := linkRE.FindAllStringSubmatch(string(b), -1)
			if row.Rule == string(remindd.Escalate) {
				// A copy to a section's leaders carries no link.
				if len(m) != 0 {
					t.Errorf("%s has a link:\n%s", row.Key, b)
				}
				continue
			}
			if row.Recipient.Kind == remindd.KindOffice {
				digests++
				if len(m) != 0 || strings.Contains(string(b), "/r/") {
					t.Errorf("%s has a link:\n%s", row.Key, b)
				}
				continue
			}
			if len(m) != 1 {
				t.Errorf("%s has %d links on a line of their own, want 1:\n%s", row.Key, len(m), b)
				continue
			}
			who, err := signer.Open(m[0][1], at(6, 2, 9, 0))
			if want := row.Recipient; err != nil || who != want {
				t.Errorf("%s: its link opens %v (%v), want %v", row.Key, who, err, want)
			}
			if row.Recipient.Kind == remindd.KindSection {
				sections++
			} else {
				enterprises++
			}
		}
		if sections == 0 || enterprises == 0 || digests != 1 {
			t.Errorf("messages: %d to sections, %d to enterprises, %d digests", sections, enterprises, digests)
		}
	})
}

// TestNoWebBlockNoLinks: without the web block, no key is made and no
// message has a link.
func TestNoWebBlockNoLinks(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	c, p := fixture(t)
	key := c.Web.SecretFile
	c.Web = nil
	importExample(t, s, p)
	d := newDaemon(t, c, p, s, "a")
	if _, err := d.Tick(context.Background(), at(5, 24, 9, 0)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(key); !os.IsNotExist(err) {
		t.Errorf("a key was made without a web block: %v", err)
	}
	entries, err := os.ReadDir(outboxDir(t, c))
	if err != nil || len(entries) == 0 {
		t.Fatalf("outbox: %v, %d files", err, len(entries))
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(outboxDir(t, c), e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "/r/") || strings.Contains(string(b), "办结登记") {
			t.Errorf("%s has a link:\n%s", e.Name(), b)
		}
	}
}

// TestKeyProblemsNameTheFile: a daemon is not built on a key it cannot
// read; the error names the config's line, the field and the key file.
func TestKeyProblemsNameTheFile(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	src, err := os.ReadFile("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	line := func(key string) string {
		for i, l := range strings.Split(string(src), "\n") {
			if strings.HasPrefix(strings.TrimSpace(l), key+":") {
				return strconv.Itoa(i + 1)
			}
		}
		t.Fatalf("the example config has no %s", key)
		return ""
	}
	for _, tc := range []struct {
		name string
		edit func(t *testing.T, w *config.Web)
		want func(w *config.Web) string
	}{
		{"not a key", func(t *testing.T, w *config.Web) {
			if err := os.WriteFile(w.SecretFile, []byte("hunter2\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, func(w *config.Web) string {
			return "../examples/config.yaml:" + line("secret_file") + ": web.secret_file: link: key " + w.SecretFile + ": want 64 hex digits"
		}},
		{"a file where its folder should be", func(t *testing.T, w *config.Web) {
			w.SecretFile = filepath.Join(t.TempDir(), "file", "web.key")
			if err := os.WriteFile(filepath.Dir(w.SecretFile), nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}, func(w *config.Web) string {
			return "web.secret_file: link: key open " + w.SecretFile + ": not a directory"
		}},
		{"previous key missing", func(t *testing.T, w *config.Web) {
			w.PreviousSecretFile = filepath.Join(t.TempDir(), "old.key")
		}, func(w *config.Web) string {
			return "web.previous_secret_file: link: key open " + w.PreviousSecretFile + ": no such file or directory"
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, p := fixture(t)
			tc.edit(t, c.Web)
			_, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: s, Log: quietLog(), Clock: &daemon.SetClock{}})
			if err == nil || !strings.Contains(err.Error(), tc.want(c.Web)) {
				t.Errorf("error %v, want one containing %q", err, tc.want(c.Web))
			}
			// check-config refuses it too, creating nothing.
			if err := daemon.CheckKeys(c); err == nil {
				t.Error("CheckKeys accepted it")
			}
		})
	}
}

// The golden messages' links are the daemon's: rendertest makes them with
// the example config's base URL and the plan's expiry, as Links does.
func TestLinksAreTheGoldenOnes(t *testing.T) {
	c, p := fixture(t)
	l, err := daemon.Links(c, p)
	if err != nil {
		t.Fatal(err)
	}
	g := rendertest.Linker(t)
	if l.BaseURL != g.BaseURL || !l.Expires.Equal(g.Expires) {
		t.Errorf("daemon links %s until %s, golden ones %s until %s", l.BaseURL, l.Expires, g.BaseURL, g.Expires)
	}
}

// TestReturnedReportIsToldWithItsLink is the 退办 flow as the daemon lives
// it: a section reports task 44 through its link, the office returns it
// with a reason, and the next morning's sweep tells the section, once, why,
// with the link to report again.
func TestReturnedReportIsToldWithItsLink(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		industry := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
		if _, err := s.Apply(ctx, p.ID, []remindd.Event{{Action: remindd.Reported, Task: 44, Assignee: industry, By: "王科长",
			Source: remindd.SourceLink, Note: "已完成", At: at(6, 1, 10, 0)}}); err != nil {
			t.Fatal(err)
		}
		const reason = "未附小微企业管理达标验收台账，请补充后重新报告。"
		events, err := s.Apply(ctx, p.ID, []remindd.Event{{Action: remindd.Returned, Task: 44, Assignee: industry, By: "林主任",
			Source: remindd.SourceDesk, Note: reason, At: at(6, 2, 15, 0)}})
		if err != nil || len(events) != 1 {
			t.Fatalf("return: %v, %v", events, err)
		}
		if _, err := d.Tick(ctx, at(6, 3, 9, 0)); err != nil {
			t.Fatal(err)
		}
		// The return is an item of the section's morning message.
		wantItem := schedule.Key(remindd.Returns, industry, strconv.FormatInt(events[0].ID, 10), "outbox", "industry-mgmt@example.gov.cn")
		carrying := func() []store.OutboxRow {
			t.Helper()
			var out []store.OutboxRow
			for _, row := range byRule(outbox(t, s), "daily") {
				items, err := s.ItemsOf(ctx, row.Key)
				if err != nil {
					t.Fatal(err)
				}
				if slices.Contains(items, wantItem) {
					out = append(out, row)
				}
			}
			return out
		}
		daily := carrying()
		if len(daily) != 1 || daily[0].Recipient != industry || daily[0].Status != store.StatusSent {
			t.Fatalf("morning messages carrying %s: %+v, want one to industry-mgmt, sent", wantItem, daily)
		}
		b, err := os.ReadFile(filepath.Join(outboxDir(t, c), notify.FileName(daily[0].Key)))
		if err != nil {
			t.Fatal(err)
		}
		l, err := daemon.Links(c, p)
		if err != nil {
			t.Fatal(err)
		}
		url, err := l.URL(industry)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"任务44", "退回（退办）", "退回原因：" + reason, "\n" + url + "\n"} {
			if !strings.Contains(string(b), want) {
				t.Errorf("the notice lacks %q:\n%s", want, b)
			}
		}
		if _, err := d.Tick(ctx, at(6, 4, 9, 0)); err != nil {
			t.Fatal(err)
		}
		if got := carrying(); len(got) != 1 {
			t.Errorf("after the next sweep: %d messages carry the return, want 1", len(got))
		}
	})
}
