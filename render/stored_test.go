package render

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEncodeKeepsWhatTheChannelSends(t *testing.T) {
	m := rendered(t, "lead")
	if m.Markdown == "" || !strings.Contains(m.HTML, "<") || len(m.Events) == 0 {
		t.Fatal("the fixture should have markdown, HTML and events")
	}
	m.Attachments = []Attachment{{Name: "附件4-2024-05.xlsx", ContentType: "application/octet-stream", Data: []byte{0, 1, 2, 0xff, 'P', 'K'}}}
	for _, kind := range []string{"email", "wecom", "dingtalk", "feishu", "robot", "webhook", "file", "log", ""} {
		body, err := Encode(m, kind)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(body, `\u003c`) {
			t.Errorf("%s: the stored HTML is escaped", kind)
		}
		got, err := Decode(body)
		if err != nil {
			t.Fatal(err)
		}
		want := m
		switch kind {
		case "email":
			want.Markdown = ""
		case "wecom", "dingtalk", "feishu", "robot", "log":
			want.Attachments = nil // they send no file
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: decoded message (-want +got):\n%s", kind, diff)
		}
	}
}

func TestDecodeRefusesAGarbledBody(t *testing.T) {
	if _, err := Decode(`{"key": "x", "text": `); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Errorf("a cut body: %v", err)
	}
}

// TestDecodeReadsBodiesFromBeforeAttachments: a body the outbox stored
// before messages had attachments decodes, with none.
func TestDecodeReadsBodiesFromBeforeAttachments(t *testing.T) {
	m, err := Decode(`{"key":"digest:office:office:2024-06:outbox","to":"office@example.gov.cn","name":"局办公室","subject":"s","text":"t","html":"<p>t</p>","markdown":""}`)
	if err != nil {
		t.Fatal(err)
	}
	if m.Key != "digest:office:office:2024-06:outbox" || m.Text != "t" || m.Attachments != nil {
		t.Errorf("decoded %+v", m)
	}
}
