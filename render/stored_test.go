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
	for _, kind := range []string{"email", "wecom", "webhook", "file", "log", ""} {
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
		if kind == "email" {
			want.Markdown = ""
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
