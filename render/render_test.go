package render

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/rendertest"
	"github.com/remindd/remindd/plan"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// golden compares got with testdata/golden/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	rendertest.Golden(t, filepath.Join("testdata", "golden", name), got, *update)
}

// newRenderer renders as the example config does: with personal links.
func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer(rendertest.Load(t).Plan, "", WithLinks(rendertest.Linker(t).URL), WithDesk(rendertest.Linker(t).BaseURL))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func at9(month time.Month, day int) time.Time { return rendertest.At9(month, day) }

// dtstamp is the fixed creation time of golden calendars.
var dtstamp = time.Date(2024, 5, 24, 1, 0, 0, 0, time.UTC)

func TestRenderGolden(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range rendertest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			n := tc.Notification(t)
			m, err := r.Render(n)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.Name+".subject.golden", m.Subject+"\n")
			golden(t, tc.Name+".text.golden", m.Text)
			golden(t, tc.Name+".html.golden", m.HTML)
			golden(t, tc.Name+".markdown.golden", m.Markdown)
			if len(m.Events) > 0 {
				golden(t, tc.Name+".ics.golden", string(Calendar(m.Events, dtstamp)))
			}
			name := n.Name
			if n.Rule == remindd.Escalate {
				name += "分管领导" // a copy to the section's leaders
			}
			if m.Key != n.Key || m.To != n.Address || m.Name != name {
				t.Errorf("key, to, name = %q, %q, %q; want %q, %q, %q", m.Key, m.To, m.Name, n.Key, n.Address, name)
			}
			if len(m.Markdown) > MarkdownLimit {
				t.Errorf("markdown is %d bytes, over %d", len(m.Markdown), MarkdownLimit)
			}
		})
	}
}

func TestRenderSubjects(t *testing.T) {
	r := newRenderer(t)
	want := map[string]string{
		"lead":                "【安全生产标准化】5月31日到期任务提醒（还剩7天）：共11项",
		"lead-enterprise":     "【安全生产标准化】5月31日到期任务提醒（还剩7天）：共1项",
		"overdue":             "【安全生产标准化】逾期任务提醒：共23项",
		"overdue-enterprise":  "【安全生产标准化】逾期任务提醒：共16项",
		"milestone":           "【安全生产标准化】5月目标进度预警",
		"agenda":              "【安全生产标准化】6月工作安排",
		"digest":              "【安全生产标准化】5月逾期情况汇总（局办公室）",
		"quarterly":           "【安全生产标准化】2024年第二季度企业工作事项",
		"returned":            "【安全生产标准化】退办通知：任务44的办结报告已被退回，请重新办理",
		"returned-enterprise": "【安全生产标准化】退办通知：任务45的办结报告已被退回，请重新办理",
		"daily":               "【安全生产标准化】任务提醒：23项已逾期、11项即将到期、3项目标进度未达标",
		"daily-enterprise":    "【安全生产标准化】工作事项提醒：9项已逾期、1项即将到期",
		"daily-returned":      "【安全生产标准化】任务提醒：1项被退回、34项已逾期",
		"escalate":            "【安全生产标准化】催办：行业管理科有12项任务严重逾期",
		"daily-reports":       "【安全生产标准化】任务提醒：本月工作报送、12项已逾期、11项即将到期、3项目标进度未达标",
		"reporting":           "【安全生产标准化】2024年5月月报报送提醒",
		"agenda-reports":      "【安全生产标准化】6月工作安排",
	}
	for _, tc := range rendertest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			m, err := r.Render(tc.Notification(t))
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != want[tc.Name] {
				t.Errorf("subject %q, want %q", m.Subject, want[tc.Name])
			}
		})
	}
}

func TestRenderDaysLeft(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range []struct {
		name    string
		at      time.Time
		rule    remindd.Rule
		key     string
		subject string
		text    string
	}{
		{"2024-05-28 three days before", at9(time.May, 28), remindd.Lead,
			"lead:section:industry-mgmt:2024-05-31/d3:outbox",
			"【安全生产标准化】5月31日到期任务提醒（还剩3天）：共11项", "将于2024年5月31日到期（还剩3天）"},
		{"2024-05-31 the deadline day", at9(time.May, 31), remindd.Lead,
			"lead:section:industry-mgmt:2024-05-31/d0:outbox",
			"【安全生产标准化】5月31日到期任务提醒（今天到期）：共11项", "将于2024年5月31日到期（今天到期）"},
		{"2024-06-12 twelve days after", at9(time.June, 12), remindd.Overdue,
			"overdue:section:industry-mgmt:2024-06-09:outbox",
			"【安全生产标准化】逾期任务提醒：共34项", "2024年5月31日到期（已逾期12天），共11项"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := r.Render(rendertest.Notification(t, tc.at, tc.key, tc.rule))
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tc.subject {
				t.Errorf("subject %q, want %q", m.Subject, tc.subject)
			}
			if !strings.Contains(m.Text, tc.text) {
				t.Errorf("text lacks %q:\n%s", tc.text, m.Text)
			}
		})
	}
}

func TestRenderEvents(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range []struct {
		name  string
		dates []string
	}{
		{"lead", []string{"2024-05-31"}},
		{"overdue", []string{"2024-03-31", "2024-04-30"}},
		{"milestone", []string{"2024-05-31"}},
		{"agenda", []string{"2024-03-31", "2024-04-30", "2024-05-31", "2024-06-30"}},
		{"digest", nil},
		{"quarterly", []string{"2024-04-30", "2024-06-30"}},
		{"returned", nil}, // its one task would overwrite the entry of its deadline's day
	} {
		t.Run(tc.name, func(t *testing.T) {
			rc := rendertest.Find(t, tc.name)
			n := rc.Notification(t)
			m, err := r.Render(n)
			if err != nil {
				t.Fatal(err)
			}
			var dates []string
			for _, e := range m.Events {
				dates = append(dates, e.Date.String())
				if e.UID != eventUID(n.Recipient.String()+":"+n.Channel, e.Date) || !strings.HasSuffix(e.UID, "@remindd") {
					t.Errorf("uid %q is not the stable one", e.UID)
				}
			}
			if diff := cmp.Diff(tc.dates, dates); diff != "" {
				t.Errorf("event dates (-want +got):\n%s", diff)
			}
			again, err := r.Render(n)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(m, again); diff != "" {
				t.Errorf("rendering twice differs:\n%s", diff)
			}
		})
	}
}

func TestRenderMarkdownIsCutWithTheTotal(t *testing.T) {
	r := newRenderer(t)
	rc := rendertest.Find(t, "overdue")
	n := rc.Notification(t)
	m, err := r.Render(n)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Markdown, "\n1. 任务21") || !strings.Contains(m.Markdown, "\n10. 任务30") {
		t.Errorf("markdown does not list the first ten tasks:\n%s", m.Markdown)
	}
	want := "……等共23项，详见邮件或系统"
	if !strings.Contains(m.Markdown, want) {
		t.Errorf("markdown lacks %q:\n%s", want, m.Markdown)
	}
	if strings.Contains(m.Markdown, "11. ") {
		t.Errorf("markdown lists more than %d items:\n%s", MarkdownItems, m.Markdown)
	}

	// Even absurdly long task texts stay within WeCom's limit.
	longPlan, err := plan.Load(filepath.Join(rendertest.Root(), "plans", "jinjiang-2024.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range longPlan.Tasks {
		longPlan.Tasks[i].Text = strings.Repeat("很长的任务内容", 200)
	}
	longRenderer, err := NewRenderer(longPlan, "")
	if err != nil {
		t.Fatal(err)
	}
	long := n
	long.Name = strings.Repeat("名", 3000)
	m, err = longRenderer.Render(long)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Markdown) > MarkdownLimit || !utf8.ValidString(m.Markdown) {
		t.Errorf("markdown is %d bytes (valid UTF-8: %v), want at most %d", len(m.Markdown), utf8.ValidString(m.Markdown), MarkdownLimit)
	}
}

func TestRenderEscapesUntrustedNames(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range rendertest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			n := tc.Notification(t)
			n.Name = rendertest.Hostile
			n.Address = "a@b.example\r\nBcc: x@y"
			m, err := r.Render(n)
			if err != nil {
				t.Fatal(err)
			}
			if strings.ContainsAny(m.Subject, "\r\n") || strings.ContainsAny(m.Name, "\r\n") {
				t.Errorf("subject %q or name %q has a line break", m.Subject, m.Name)
			}
			if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
				t.Errorf("html does not escape the name:\n%s", m.HTML)
			}
			if strings.Contains(m.Text, "\r\nBcc") || strings.Contains(m.Text, "\nBcc") {
				t.Errorf("text breaks the line at the name:\n%s", m.Text)
			}
			for _, bad := range []string{"**粗体**", "<script>", "[链接](", "\nBcc", "# 标题"} {
				if strings.Contains(m.Markdown, bad) {
					t.Errorf("markdown keeps %q:\n%s", bad, m.Markdown)
				}
			}
			if !strings.Contains(m.Markdown, "＊＊粗体＊＊") && tc.Name != "digest" {
				t.Errorf("markdown lost the name:\n%s", m.Markdown)
			}
		})
	}
}

func TestRenderUnknownRule(t *testing.T) {
	r := newRenderer(t)
	_, err := r.Render(remindd.Notification{Key: "x", Rule: "weekly"})
	if err == nil || !strings.Contains(err.Error(), "weekly") {
		t.Fatalf("err = %v, want one naming the rule", err)
	}
}

func TestNewRendererOverrides(t *testing.T) {
	p := rendertest.Load(t).Plan
	rc := rendertest.Find(t, "lead")
	n := rc.Notification(t)
	for _, tc := range []struct {
		name    string
		files   map[string]string
		subject string
		err     string
	}{
		{name: "a file with a template's name replaces it",
			files:   map[string]string{"lead.subject.tmpl": "【标准化】{{.Count}}项任务{{(index .Groups 0).Left}}"},
			subject: "【标准化】11项任务还剩7天"},
		{name: "other files are left alone",
			files:   map[string]string{"README.txt": "not a template"},
			subject: "【安全生产标准化】5月31日到期任务提醒（还剩7天）：共11项"},
		{name: "a parse error names the file",
			files: map[string]string{"lead.text.tmpl": "{{.Name"},
			err:   "lead.text.tmpl"},
		{name: "a misspelt override is refused",
			files: map[string]string{"lead.subjet.tmpl": "x"},
			err:   "lead.subjet.tmpl: no template has that name"},
		{name: "a common markdown without the link line is refused",
			files: map[string]string{"common.markdown.tmpl": `{{define "items"}}{{end}}{{define "progress"}}{{end}}{{define "footer"}}{{end}}`},
			err:   `common.markdown.tmpl: no {{define "link"}}: robot messages end with the recipient's link line`},
		{name: "an unknown field fails at render, naming it",
			files: map[string]string{"lead.subject.tmpl": "{{.Nmae}}"},
			err:   "Nmae"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, text := range tc.files {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			r, err := NewRenderer(p, dir)
			var m Message
			if err == nil {
				m, err = r.Render(n)
			}
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tc.subject {
				t.Errorf("subject %q, want %q", m.Subject, tc.subject)
			}
		})
	}
	if _, err := NewRenderer(p, filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Error("a missing override folder is not an error")
	}
}

func TestMessageJSON(t *testing.T) {
	m := Message{Key: "k", To: "a@b.example", Subject: "s",
		Events: []Event{{UID: "u@remindd", Date: plan.Date{Year: 2024, Month: 5, Day: 31}, Summary: "x"}}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"key":"k","to":"a@b.example","name":"","subject":"s","text":"","html":"","markdown":"","events":[{"uid":"u@remindd","date":"2024-05-31","summary":"x","description":""}]}`
	if string(b) != want {
		t.Errorf("json\n%s\nwant\n%s", b, want)
	}
}

func FuzzRender(f *testing.F) {
	f.Add("<script>alert(1)</script>", "a@b.example")
	f.Add("恶意公司\r\nBcc: x@y", "a@b.example\r\nBcc: x@y")
	f.Add("**粗体** [x](y) `code` # h", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k")
	f.Add("\xff\xfe\u2028\u0085名称", "")
	f.Add(strings.Repeat("长", 5000), strings.Repeat("a", 300)+"@b.example")
	r := newRenderer(f)
	var base []remindd.Notification
	for _, rc := range rendertest.Cases {
		base = append(base, rc.Notification(f))
	}
	f.Fuzz(func(t *testing.T, name, address string) {
		for _, n := range base {
			n.Name, n.Address = name, address
			m, err := r.Render(n)
			if err != nil {
				t.Fatalf("%s: %v", n.Key, err)
			}
			if strings.ContainsAny(m.Subject, "\r\n") {
				t.Fatalf("%s: subject %q has a line break", n.Key, m.Subject)
			}
			if strings.ContainsAny(m.Name, "\r\n") {
				t.Fatalf("%s: name %q has a line break", n.Key, m.Name)
			}
			if len(m.Markdown) > MarkdownLimit {
				t.Fatalf("%s: markdown is %d bytes", n.Key, len(m.Markdown))
			}
			if !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Markdown) || !utf8.ValidString(m.Text) {
				t.Fatalf("%s: invalid UTF-8", n.Key)
			}
			if strings.Contains(m.HTML, "<script") {
				t.Fatalf("%s: html has a script tag", n.Key)
			}
			if m.To != address {
				t.Fatalf("%s: to %q, want %q", n.Key, m.To, address)
			}
		}
	})
}

// rendered renders the named golden case.
func rendered(t *testing.T, name string) Message {
	t.Helper()
	m, err := newRenderer(t).Render(rendertest.Find(t, name).Notification(t))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestRenderDigestForms: the digest the daemon gives the month's forms
// names the attached files and the sections without figures, and says so
// when the forms could not be made; a robot's markdown points to the e-mail
// and the desk.
func TestRenderDigestForms(t *testing.T) {
	r := newRenderer(t)
	n := rendertest.Find(t, "digest").Notification(t)
	body := *n.Digest
	body.Forms = []string{"附件4-2024-05.xlsx", "附件5-2024-05.xlsx"}
	body.FiguresMissing = []remindd.SectionName{{ID: "market-mgmt", Name: "市场管理科"}, {ID: "cultural-heritage", Name: "文化遗产科"}}
	n.Digest = &body
	m, err := r.Render(n)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "digest-forms.text.golden", m.Text)
	golden(t, "digest-forms.html.golden", m.HTML)
	golden(t, "digest-forms.markdown.golden", m.Markdown)
	for part, s := range map[string]string{"text": m.Text, "html": m.HTML} {
		for _, want := range []string{"附件：附件4-2024-05.xlsx、附件5-2024-05.xlsx", "以下科室尚未填报2024年5月月报数据：", "市场管理科、文化遗产科", "附件4、附件5中其数据按0计"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s lacks %q", part, want)
			}
		}
	}
	if !strings.Contains(m.Markdown, "月报表附件4、附件5已生成：见邮件附件，或在工作台下载 "+rendertest.Linker(t).BaseURL+"/desk") {
		t.Errorf("markdown does not say where the forms are:\n%s", m.Markdown)
	}

	body = *rendertest.Find(t, "digest").Notification(t).Digest
	body.FormsFailed = true
	n.Digest = &body
	if m, err = r.Render(n); err != nil {
		t.Fatal(err)
	}
	for part, s := range map[string]string{"text": m.Text, "html": m.HTML, "markdown": m.Markdown} {
		if !strings.Contains(s, "附件5未能生成") && !strings.Contains(s, "附件5）未能生成") || strings.Contains(s, "附件：") || strings.Contains(s, "尚未填报") {
			t.Errorf("%s with the forms failed does not say so; it ends:\n%s", part, s[max(0, len(s)-600):])
		}
	}
	plain, err := r.Render(rendertest.Find(t, "digest").Notification(t))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.Text, "附件：") || strings.Contains(plain.Text, "未能生成") {
		t.Errorf("a digest without forms mentions them:\n%s", plain.Text)
	}
}
