package notify

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/render"
)

type logLine struct {
	msg    string
	fields map[string]any
}

func TestLogChannel(t *testing.T) {
	var lines []logLine
	log := LoggerFunc(func(msg string, fields map[string]any) { lines = append(lines, logLine{msg, fields}) })
	ch, err := New(&config.Channel{Name: "log", Type: "log"}, Options{Log: log})
	if err != nil {
		t.Fatal(err)
	}
	lead := rendered(t, "lead")
	robot := rendered(t, "lead-enterprise")
	robot.To = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey
	for i, err := range ch.Send(context.Background(), []render.Message{lead, robot}) {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	want := []logLine{
		{"notification", map[string]any{"channel": "log", "key": lead.Key, "to": "industry-mgmt@example.gov.cn", "subject": lead.Subject}},
		{"notification", map[string]any{"channel": "log", "key": robot.Key, "to": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***", "subject": robot.Subject}},
	}
	if diff := cmp.Diff(want, lines, cmp.AllowUnexported(logLine{})); diff != "" {
		t.Errorf("log lines (-want +got):\n%s", diff)
	}
	for _, l := range lines {
		for _, v := range l.fields {
			if s, _ := v.(string); strings.Contains(s, "任务44") || strings.Contains(s, wecomKey) {
				t.Errorf("log line carries a body or a key: %v", l.fields)
			}
		}
	}
}
