package render

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/rendertest"
	"github.com/remindd/remindd/plan"
)

// TestRenderLinks: every message to a section or an enterprise carries its
// own personal link, on a line of its own in the text after a lead line, as
// the HTML's button, and as the markdown's last line; the office's digest
// carries none.
func TestRenderLinks(t *testing.T) {
	r := newRenderer(t)
	l := rendertest.Linker(t)
	for _, tc := range rendertest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			n := tc.Notification(t)
			m, err := r.Render(n)
			if err != nil {
				t.Fatal(err)
			}
			if n.Recipient.Kind == remindd.KindOffice || n.Rule == remindd.Escalate {
				// The office has no link; a copy to a section's leaders
				// does not carry the section's.
				for part, s := range map[string]string{"text": m.Text, "html": m.HTML, "markdown": m.Markdown} {
					if strings.Contains(s, "/r/") || strings.Contains(s, "办结登记") {
						t.Errorf("%s's %s has a link:\n%s", n.Key, part, s)
					}
				}
				return
			}
			url, err := l.URL(n.Recipient)
			if err != nil {
				t.Fatal(err)
			}
			token := strings.TrimPrefix(url, l.BaseURL+"/r/")
			if who, err := l.Signer.Open(token, n.At); err != nil || who != n.Recipient {
				t.Fatalf("the link opens %v (%v), want %v", who, err, n.Recipient)
			}
			if !strings.Contains(m.Text, "\n办结登记（点击链接报告已完成事项）：\n"+url+"\n") {
				t.Errorf("text lacks the link on a line of its own after its lead:\n%s", m.Text)
			}
			if strings.Count(m.Text, url) != 1 {
				t.Errorf("text shows the link %d times", strings.Count(m.Text, url))
			}
			if !regexp.MustCompile(`<a href="` + regexp.QuoteMeta(url) + `" style="[^"]*">办结登记：报告已完成事项</a>`).MatchString(m.HTML) {
				t.Errorf("html lacks the button:\n%s", m.HTML)
			}
			if want := "\n[办结登记：点击报告已完成事项](" + url + ")"; !strings.HasSuffix(m.Markdown, want) {
				t.Errorf("markdown does not end with %q:\n%s", want, m.Markdown)
			}
			for _, old := range []string{"完成后请告知局办公室登记", "完成后请报主管科室登记"} {
				if strings.Contains(m.Text+m.HTML+m.Markdown, old) {
					t.Errorf("a message with a link still says %s", old)
				}
			}
		})
	}
}

// TestRenderWithoutLinks: without a web desk there is no link, and the
// footers say how to have work recorded as before.
func TestRenderWithoutLinks(t *testing.T) {
	r, err := NewRenderer(rendertest.Load(t).Plan, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lead", "lead-enterprise"} {
		m, err := r.Render(rendertest.Find(t, name).Notification(t))
		if err != nil {
			t.Fatal(err)
		}
		for part, s := range map[string]string{"text": m.Text, "html": m.HTML, "markdown": m.Markdown} {
			if strings.Contains(s, "/r/") || strings.Contains(s, "办结登记") || strings.Contains(s, "点击") {
				t.Errorf("%s %s has a link:\n%s", name, part, s)
			}
		}
		want := map[string]string{"lead": "任务完成后请告知局办公室登记，登记后不再提醒。", "lead-enterprise": "事项完成后请报上述主管科室登记，登记后不再提醒。"}[name]
		if !strings.Contains(m.Text, want) {
			t.Errorf("%s text lacks %q:\n%s", name, want, m.Text)
		}
	}
}

// TestRenderMarkdownKeepsTheLinkWhenCut: a robot message too long for
// WeCom is cut at a line and still ends with the whole link, within the
// limit.
func TestRenderMarkdownKeepsTheLinkWhenCut(t *testing.T) {
	longPlan, err := plan.Load(filepath.Join(rendertest.Root(), "plans", "jinjiang-2024.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range longPlan.Tasks {
		longPlan.Tasks[i].Text = strings.Repeat("很长的任务内容", 200)
	}
	l := rendertest.Linker(t)
	r, err := NewRenderer(longPlan, "", WithLinks(l.URL))
	if err != nil {
		t.Fatal(err)
	}
	cutRE := regexp.MustCompile(`\n……(内容较长|另有[1-9][0-9]*项未列出)，详见邮件或系统\n\[办结登记：点击报告已完成事项\]\(([^)]*)\)$`)
	for _, name := range []string{"overdue", "agenda", "quarterly", "daily"} {
		n := rendertest.Find(t, name).Notification(t)
		n.Name = strings.Repeat("名", 3000)
		m, err := r.Render(n)
		if err != nil {
			t.Fatal(err)
		}
		url, _ := l.URL(n.Recipient)
		if len(m.Markdown) > MarkdownLimit || !utf8.ValidString(m.Markdown) {
			t.Errorf("%s: markdown is %d bytes (valid UTF-8: %v), want at most %d", name, len(m.Markdown), utf8.ValidString(m.Markdown), MarkdownLimit)
		}
		if got := cutRE.FindStringSubmatch(m.Markdown); got == nil || got[2] != url {
			t.Errorf("%s: markdown is not cut before the link:\n…%s", name, m.Markdown[max(0, len(m.Markdown)-300):])
		}
	}
}

func TestRenderRefusesBadLinks(t *testing.T) {
	n := rendertest.Find(t, "lead").Notification(t)
	for _, tc := range []struct {
		name  string
		links Links
		err   string
	}{
		{"the link cannot be made", func(remindd.Recipient) (string, error) { return "", errors.New("link: no key") }, "link: no key"},
		{"not http", func(remindd.Recipient) (string, error) { return "javascript:alert(1)", nil }, "not an http or https URL"},
		{"a parenthesis breaks the markdown", func(remindd.Recipient) (string, error) { return "https://x.example/r/a)b", nil }, `holds ')'`},
		{"a line break", func(remindd.Recipient) (string, error) { return "https://x.example/r/a\nb", nil }, `holds '\n'`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRenderer(rendertest.Load(t).Plan, "", WithLinks(tc.links))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := r.Render(n); err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), n.Key) {
				t.Errorf("err = %v, want one naming %s and containing %q", err, n.Key, tc.err)
			}
		})
	}
	// No link wanted is no link.
	r, err := NewRenderer(rendertest.Load(t).Plan, "", WithLinks(func(remindd.Recipient) (string, error) { return "", nil }))
	if err != nil {
		t.Fatal(err)
	}
	if m, err := r.Render(n); err != nil || strings.Contains(m.Text, "办结登记") {
		t.Errorf("an empty link: %v\n%s", err, m.Text)
	}
}

// TestFitMarkdownCutsBetweenItems: a robot message too long for its vendor
// is cut at an item's line, never inside one, and says how many items it
// left out.
func TestFitMarkdownCutsBetweenItems(t *testing.T) {
	var b strings.Builder
	b.WriteString("**标题**\n")
	for i := 1; i <= 300; i++ {
		fmt.Fprintf(&b, "- 任务%d 示例事项（已逾期%d天）\n", i, i)
	}
	got := FitMarkdown(b.String(), MarkdownLimit)
	if len(got) > MarkdownLimit {
		t.Fatalf("%d bytes, over %d", len(got), MarkdownLimit)
	}
	lines := strings.Split(got, "\n")
	kept := 0
	for _, l := range lines[1 : len(lines)-1] {
		if !regexp.MustCompile(`^- 任务\d+ 示例事项（已逾期\d+天）$`).MatchString(l) {
			t.Fatalf("a line cut inside an item: %q", l)
		}
		kept++
	}
	if want := fmt.Sprintf("……另有%d项未列出，详见邮件或系统", 300-kept); lines[len(lines)-1] != want {
		t.Errorf("last line %q, want %q", lines[len(lines)-1], want)
	}
}
