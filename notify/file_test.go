package notify

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/rendertest"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/schedule"
)

func fileChannelIn(t *testing.T, dir string) *fileChannel {
	t.Helper()
	ch, err := New(&config.Channel{Name: "outbox", Type: "file", Dir: "var/outbox"}, Options{BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return ch.(*fileChannel)
}

// listDir names the files in dir, hidden ones included.
func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestFileChannelWrites(t *testing.T) {
	base := t.TempDir()
	ch := fileChannelIn(t, base)
	dir := filepath.Join(base, "var", "outbox")
	lead, digest := rendered(t, "lead"), rendered(t, "digest")
	for i, err := range ch.Send(context.Background(), []render.Message{lead, digest}) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	want := []string{
		"digest_office_office_2024-06_outbox_" + schedule.AddressDigest("office@example.gov.cn") + ".txt",
		"lead_section_industry-mgmt_2024-05-31_d7_outbox_" + schedule.AddressDigest("industry-mgmt@example.gov.cn") + ".txt",
	}
	if diff := cmp.Diff(want, listDir(t, dir)); diff != "" {
		t.Errorf("files (-want +got):\n%s", diff)
	}
	b, err := os.ReadFile(filepath.Join(dir, want[1]))
	if err != nil {
		t.Fatal(err)
	}
	head := "Subject: 【安全生产标准化】5月31日到期任务提醒（还剩7天）：共11项\nTo: 行业管理科 <industry-mgmt@example.gov.cn>\n\n行业管理科：\n"
	if !strings.HasPrefix(string(b), head) || !strings.HasSuffix(string(b), lead.Text) {
		t.Errorf("file starts\n%s\nwant\n%s", string(b)[:min(len(b), 300)], head)
	}
	// The demo's reader finds the section's personal link in the file.
	url, err := rendertest.Linker(t).URL(remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\n"+url+"\n") {
		t.Errorf("file lacks the link %s on a line of its own:\n%s", url, b)
	}
	for _, p := range []string{dir, filepath.Join(dir, want[1])} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if wantMode := map[bool]os.FileMode{true: 0o750 | os.ModeDir, false: 0o640}[fi.IsDir()]; fi.Mode() != wantMode {
			t.Errorf("%s: mode %v, want %v", p, fi.Mode(), wantMode)
		}
	}
}

// TestFileContentGolden pins what the file channel writes of each golden
// case (the demo's var/outbox files).
func TestFileContentGolden(t *testing.T) {
	r := newRenderer(t)
	for _, tc := range rendertest.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			m, err := r.Render(tc.Notification(t))
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tc.Name+".file.golden", fileContent(m, nil))
		})
	}
}

func TestFileChannelIsIdempotent(t *testing.T) {
	ch := fileChannelIn(t, t.TempDir())
	m := rendered(t, "lead")
	again := m
	again.Text = "第二次发送的内容\n"
	for _, batch := range [][]render.Message{{m}, {again}, {again}} {
		if err := ch.Send(context.Background(), batch)[0]; err != nil {
			t.Fatal(err)
		}
	}
	names := listDir(t, ch.dir)
	if len(names) != 1 {
		t.Fatalf("files %v, want one", names)
	}
	b, err := os.ReadFile(filepath.Join(ch.dir, names[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), "\n\n第二次发送的内容\n") {
		t.Errorf("file holds\n%s", b)
	}
}

func TestFileChannelNeverLeavesHalfAFile(t *testing.T) {
	ch := fileChannelIn(t, t.TempDir())
	m := rendered(t, "lead")
	if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(ch.dir, FileName(m.Key))
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A failure after the new content is written but before it is in place,
	// as a crash would be: the old file stays whole, no temporary is left.
	ch.beforeRename = func(tmp string) error {
		if err := os.Truncate(tmp, 10); err != nil {
			return err
		}
		return errors.New("disk pulled out")
	}
	changed := m
	changed.Text = "不应出现的内容\n"
	err = ch.Send(context.Background(), []render.Message{changed})[0]
	if err == nil || !Temporary(err) {
		t.Fatalf("err = %v, want a temporary one", err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Errorf("file changed by a failed write:\n%s", after)
	}
	if names := listDir(t, ch.dir); len(names) != 1 {
		t.Errorf("files %v, want only %s", names, FileName(m.Key))
	}
}

func TestFileChannelFolderIsAFile(t *testing.T) {
	base := t.TempDir()
	if err := os.WriteFile(filepath.Join(base, "outbox"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ch := &fileChannel{dir: filepath.Join(base, "outbox")}
	errs := ch.Send(context.Background(), []render.Message{rendered(t, "lead"), rendered(t, "digest")})
	for i, err := range errs {
		if err == nil || !Temporary(err) {
			t.Errorf("message %d: %v, want a temporary error", i, err)
		}
	}
}

func TestFileContentKeepsHeadersOneLine(t *testing.T) {
	m := render.Message{Key: "k", Name: rendertest.Hostile, To: "a@b.example\r\nBcc: x@y", Subject: "主题\r\nBcc: x@y", Text: "正文\n"}
	got := fileContent(m, nil)
	lines := strings.SplitN(got, "\n", 4)
	if !strings.HasPrefix(lines[0], "Subject: ") || !strings.HasPrefix(lines[1], "To: ") || lines[2] != "" || lines[3] != "正文\n" {
		t.Errorf("file content\n%s", got)
	}
	robot := render.Message{Key: "k", Name: "企业", To: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey}
	if got := fileContent(robot, nil); strings.Contains(got, wecomKey) {
		t.Errorf("file shows the robot key:\n%s", got)
	}
}

func TestFileName(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"lead:section:industry-mgmt:2024-05-31/d7:outbox", "lead_section_industry-mgmt_2024-05-31_d7_outbox.txt"},
		{"lead:section:x:2024-05-31/d7+2024-06-30/d7:outbox", "lead_section_x_2024-05-31_d7+2024-06-30_d7_outbox.txt"},
		{"../../etc/passwd", "_.._etc_passwd.txt"},
		{"..", "_.txt"},
		{"", "_.txt"},
		{"任务", "__.txt"},
	} {
		if got := FileName(tc.key); got != tc.want {
			t.Errorf("FileName(%q) = %q, want %q", tc.key, got, tc.want)
		}
	}
	long := FileName(strings.Repeat("a", 300))
	if len(long) > 200 || long == FileName(strings.Repeat("a", 301)) {
		t.Errorf("long keys give %q", long)
	}
}

// TestFileChannelWritesAttachments: the digest's forms are written beside
// its file, named after it, byte for byte, and its file lists them; when an
// attachment cannot be written, neither is the message (it is retried).
func TestFileChannelWritesAttachments(t *testing.T) {
	ch := fileChannelIn(t, t.TempDir())
	m := rendered(t, "digest")
	m.Attachments = []render.Attachment{
		{Name: "附件4-2024-05.xlsx", ContentType: "application/octet-stream", Data: []byte("PK\x03\x04 four")},
		{Name: "附件5-2024-05.xlsx", ContentType: "application/octet-stream", Data: []byte("PK\x03\x04 five")},
	}
	if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
		t.Fatal(err)
	}
	stem := strings.TrimSuffix(FileName(m.Key), ".txt")
	want := []string{stem + ".txt", stem + ".附件4-2024-05.xlsx", stem + ".附件5-2024-05.xlsx"}
	if diff := cmp.Diff(want, listDir(t, ch.dir)); diff != "" {
		t.Fatalf("files (-want +got):\n%s", diff)
	}
	for i, a := range m.Attachments {
		b, err := os.ReadFile(filepath.Join(ch.dir, want[i+1]))
		if err != nil || string(b) != string(a.Data) {
			t.Errorf("%s holds %q (%v), want %q", want[i+1], b, err, a.Data)
		}
	}
	b, err := os.ReadFile(filepath.Join(ch.dir, want[0]))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\nAttachments: "+want[1]+", "+want[2]+"\n\n") {
		t.Errorf("the message's file does not list its attachments:\n%s", string(b)[:300])
	}

	other := fileChannelIn(t, t.TempDir())
	other.beforeRename = func(string) error { return errors.New("disk full") }
	if err := other.Send(context.Background(), []render.Message{m})[0]; err == nil || !Temporary(err) || !strings.Contains(err.Error(), "附件4-2024-05.xlsx") {
		t.Errorf("err = %v, want a temporary one naming the attachment", err)
	}
	if names := listDir(t, other.dir); len(names) != 0 {
		t.Errorf("files %v after a failed write, want none", names)
	}
}

func TestAttachmentFileName(t *testing.T) {
	for _, tc := range []struct{ key, name, want string }{
		{"digest:office:office:2024-06:outbox", "附件4-2024-05.xlsx", "digest_office_office_2024-06_outbox.附件4-2024-05.xlsx"},
		{"k", "../../etc/passwd", "k._.._etc_passwd"},
		{"k", "a\x00b\r\n.xlsx", "k.a_b__.xlsx"},
		{"k", "", "k.attachment"},
	} {
		if got := AttachmentFileName(tc.key, tc.name); got != tc.want {
			t.Errorf("AttachmentFileName(%q, %q) = %q, want %q", tc.key, tc.name, got, tc.want)
		}
	}
}
