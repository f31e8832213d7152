package notify

import (
	"bufio"
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/render"
)

// knownAnswer is one line of testdata/signatures.txt: a signature that
// openssl computed from the vendor's documented string-to-sign
// (testdata/signatures.sh), not this package.
type knownAnswer struct {
	vendor string
	input  string // the timestamp, or the webhook body's file
	secret string
	sign   string
	inURL  string // DingTalk's sign as the URL carries it
}

func knownAnswers(t *testing.T, vendor string) []knownAnswer {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "signatures.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []knownAnswer
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fs := strings.Fields(line)
		if len(fs) < 4 {
			t.Fatalf("signatures.txt:%d: %q has too few fields", n, line)
		}
		a := knownAnswer{vendor: fs[0], input: fs[1], secret: fs[2], sign: fs[3]}
		if len(fs) > 4 {
			a.inURL = fs[4]
		}
		if a.vendor == vendor {
			out = append(out, a)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("signatures.txt has no %s answers", vendor)
	}
	return out
}

// knownSign is the known signature of vendor for a timestamp and secret.
func knownSign(t *testing.T, vendor, ts, secret string) knownAnswer {
	t.Helper()
	for _, a := range knownAnswers(t, vendor) {
		if a.input == ts && a.secret == secret {
			return a
		}
	}
	t.Fatalf("signatures.txt has no %s answer for %s and %s: add it to signatures.sh", vendor, ts, secret)
	return knownAnswer{}
}

func TestDingTalkSignKnownAnswers(t *testing.T) {
	for _, a := range knownAnswers(t, kindDingTalk) {
		if got := DingTalkSign(a.input, a.secret); got != a.sign {
			t.Errorf("DingTalkSign(%s, %s) = %s, want %s", a.input, a.secret, got, a.sign)
		}
		ms, err := strconv.ParseInt(a.input, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		u, _ := url.Parse("https://oapi.dingtalk.com/robot/send?access_token=" + dingtalkToken)
		signed := dingtalkSign(u, a.secret, time.UnixMilli(ms))
		for _, want := range []string{"access_token=" + dingtalkToken, "timestamp=" + a.input, "sign=" + a.inURL} {
			if !strings.Contains("&"+signed.RawQuery+"&", "&"+want+"&") {
				t.Errorf("signed query %s lacks %s", signed.RawQuery, want)
			}
		}
		if *u != (url.URL{Scheme: "https", Host: "oapi.dingtalk.com", Path: "/robot/send", RawQuery: "access_token=" + dingtalkToken}) {
			t.Errorf("signing changed the channel's URL: %s", u)
		}
	}
}

func TestFeishuSignKnownAnswers(t *testing.T) {
	for _, a := range knownAnswers(t, kindFeishu) {
		if got := FeishuSign(a.input, a.secret); got != a.sign {
			t.Errorf("FeishuSign(%s, %s) = %s, want %s", a.input, a.secret, got, a.sign)
		}
	}
}

// TestWebhookSignatureKnownAnswer sends a fixed message through a webhook
// channel: the body is the JSON in testdata/webhook-body.json, byte for
// byte, and its signature the one openssl computed of that file.
func TestWebhookSignatureKnownAnswer(t *testing.T) {
	a := knownAnswers(t, kindWebhook)[0]
	want, err := os.ReadFile(filepath.Join("testdata", a.input))
	if err != nil {
		t.Fatal(err)
	}
	m := render.Message{
		Key:      "lead:section:industry-mgmt:2024-05-31/d7:hook",
		Name:     "行业管理科",
		Subject:  "【安全生产标准化】5月31日到期任务提醒（还剩7天）：共1项",
		Text:     "行业管理科：\n任务44：督促、指导小微企业完成管理达标。\n",
		HTML:     "<p>任务44</p>",
		Markdown: "**任务44**",
	}
	rs := newRobotServer(t, http.StatusNoContent, "")
	ch := robotChannelFor(t, kindWebhook, robotURL(rs, kindWebhook), a.secret, newClock(robotNow))
	if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
		t.Fatal(err)
	}
	c := rs.requests()[0]
	if string(c.body) != string(want) {
		t.Errorf("body\n%s\nwant\n%s", c.body, want)
	}
	if got := c.header.Get("X-Remindd-Signature-256"); got != a.sign {
		t.Errorf("signature %q, want %q", got, a.sign)
	}
}
