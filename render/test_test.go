package render

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/rendertest"
)

// testSent is when the test messages of these tests are sent: 09:00:05 in
// Shanghai on 24 May 2024, 01:00:05 UTC.
var testSent = time.Date(2024, 5, 24, 1, 0, 5, 0, time.UTC)

func TestRenderTest(t *testing.T) {
	r := newRenderer(t)
	m, err := r.RenderTest(Test{To: "chief@example.gov.cn", Name: "行业管理科", Channel: "mail", At: testSent})
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "test.subject.golden", m.Subject+"\n")
	golden(t, "test.text.golden", m.Text)
	golden(t, "test.html.golden", m.HTML)
	golden(t, "test.markdown.golden", m.Markdown)

	// What test-send built by hand before it had templates.
	if want := "【测试】" + rendertest.Load(t).Plan.Document.Title + "提醒服务"; m.Subject != want {
		t.Errorf("subject %q, want %q", m.Subject, want)
	}
	wantText := "行业管理科：\n这是一条测试消息，用于确认提醒服务能通过“mail”送达。\n收到即说明配置正确，无需回复或处理。\n发送时间：2024-05-24 09:00\n"
	if m.Text != wantText {
		t.Errorf("text %q, want %q", m.Text, wantText)
	}
	if want := "test:mail:1716512405000000000"; m.Key != want {
		t.Errorf("key %q, want %q", m.Key, want)
	}
	if m.To != "chief@example.gov.cn" || m.Name != "行业管理科" || len(m.Events) != 0 {
		t.Errorf("to %q, name %q, %d events", m.To, m.Name, len(m.Events))
	}
}

func TestRenderTestEscapes(t *testing.T) {
	r := newRenderer(t)
	m, err := r.RenderTest(Test{To: "a@b.example", Name: rendertest.Hostile, Channel: "wecom_**office**", At: testSent})
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(m.Name, "\r\n") || strings.Contains(m.Text, "\nBcc") {
		t.Errorf("name %q or text breaks the line at the name:\n%s", m.Name, m.Text)
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("html does not escape the name:\n%s", m.HTML)
	}
	for _, bad := range []string{"**粗体**", "<script>", "[链接](", "\nBcc", "**office**"} {
		if strings.Contains(m.Markdown, bad) {
			t.Errorf("markdown keeps %q:\n%s", bad, m.Markdown)
		}
	}
}

func TestRenderTestOverride(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "test.subject.tmpl"), []byte("【测试】{{.Channel}}通道"), 0o644); err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(rendertest.Load(t).Plan, dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.RenderTest(Test{Name: "办公室", Channel: "mail", At: testSent})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "【测试】mail通道" {
		t.Errorf("subject %q, want the override's", m.Subject)
	}
}

// TestRenderRefusesTheTestRule: the test templates are not a rule's, so a
// notification cannot reach them.
func TestRenderRefusesTheTestRule(t *testing.T) {
	_, err := newRenderer(t).Render(remindd.Notification{Key: "x", Rule: "test"})
	if err == nil || !strings.Contains(err.Error(), `unknown rule "test"`) {
		t.Fatalf("err = %v, want unknown rule", err)
	}
}
