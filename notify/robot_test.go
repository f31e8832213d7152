package notify

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/render"
)

// Secrets of the robot tests; none may appear in an error.
const (
	wecomKey      = "5a0c4e3b-7d1f-4c2a-9e8b-111122223333"
	dingtalkToken = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"
	dingtalkSecr  = "SECa1b2c3d4e5f6071829dingtalk"
	feishuHook    = "0c9d8e7f-6a5b-4c3d-2e1f-abcdefabcdef"
	feishuSecr    = "feishuSigningSecret123"
	webhookSecr   = "webhookSharedSecret456"
)

// capture is one request a robot server received.
type capture struct {
	method   string
	path     string
	query    url.Values
	rawQuery string
	header   http.Header
	body     []byte
}

// robotServer answers every request with status and body, recording it.
type robotServer struct {
	*httptest.Server
	mu      sync.Mutex
	got     []capture
	status  int
	answer  string
	headers map[string]string
}

func newRobotServer(t *testing.T, status int, answer string) *robotServer {
	t.Helper()
	rs := &robotServer{status: status, answer: answer}
	rs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rs.mu.Lock()
		rs.got = append(rs.got, capture{r.Method, r.URL.Path, r.URL.Query(), r.URL.RawQuery, r.Header.Clone(), b})
		status, answer, headers := rs.status, rs.answer, rs.headers
		rs.mu.Unlock()
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		io.WriteString(w, answer)
	}))
	t.Cleanup(rs.Close)
	return rs
}

func (rs *robotServer) requests() []capture {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return append([]capture(nil), rs.got...)
}

// robotURL is the vendor's URL shape on the test server.
func robotURL(rs *robotServer, kind string) string {
	switch kind {
	case kindWeCom:
		return rs.URL + "/cgi-bin/webhook/send?key=" + wecomKey
	case kindDingTalk:
		return rs.URL + "/robot/send?access_token=" + dingtalkToken
	case kindFeishu:
		return rs.URL + "/open-apis/bot/v2/hook/" + feishuHook
	}
	return rs.URL + "/hooks/remindd"
}

func secretFor(kind string) string {
	return map[string]string{kindDingTalk: dingtalkSecr, kindFeishu: feishuSecr, kindWebhook: webhookSecr}[kind]
}

// robotChannelFor builds a configured robot channel through New, its URL and
// secret in files.
func robotChannelFor(t *testing.T, kind, rawURL, secret string, clock *fakeClock) Channel {
	t.Helper()
	dir := t.TempDir()
	c := &config.Channel{Name: "robot-" + kind, Type: kind, URLFile: "url", Timeout: config.Duration(5 * time.Second)}
	if err := os.WriteFile(filepath.Join(dir, "url"), []byte(rawURL+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if secret != "" {
		c.SecretFile = filepath.Join(dir, "secret")
		if err := os.WriteFile(c.SecretFile, []byte(secret), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ch, err := New(c, Options{Now: clock.Now, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// robotNow is the fake clock's start: 09:00:05 in Shanghai on 24 May.
var robotNow = time.Date(2024, 5, 24, 9, 0, 5, 0, shanghai)

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, b)
	}
	return v
}

// asJSON turns a literal into what decoding its JSON gives.
func asJSON(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return decodeJSON(t, b)
}

func TestRobotPayloads(t *testing.T) {
	m := rendered(t, "lead")
	ms := strconv.FormatInt(robotNow.UnixMilli(), 10)
	sec := strconv.FormatInt(robotNow.Unix(), 10)
	// The signatures openssl computed for the clock and the secrets.
	dingtalkSign := knownSign(t, kindDingTalk, ms, dingtalkSecr)
	feishuSign := knownSign(t, kindFeishu, sec, feishuSecr)
	feishuBody := strings.TrimPrefix(m.Markdown, "**"+m.Subject+"**\n")
	for _, tc := range []struct {
		kind   string
		answer string
		path   string
		query  url.Values
		want   map[string]any
		check  func(t *testing.T, c capture)
	}{
		{
			kind: kindWeCom, answer: `{"errcode":0,"errmsg":"ok"}`, path: "/cgi-bin/webhook/send",
			query: url.Values{"key": {wecomKey}},
			want:  map[string]any{"msgtype": "markdown", "markdown": map[string]any{"content": m.Markdown}},
		},
		{
			kind: kindDingTalk, answer: `{"errcode":0,"errmsg":"ok"}`, path: "/robot/send",
			query: url.Values{"access_token": {dingtalkToken}, "timestamp": {ms}, "sign": {dingtalkSign.sign}},
			want:  map[string]any{"msgtype": "markdown", "markdown": map[string]any{"title": m.Subject, "text": m.Markdown}},
			check: func(t *testing.T, c capture) {
				if !strings.Contains("&"+c.rawQuery+"&", "&sign="+dingtalkSign.inURL+"&") {
					t.Errorf("query %s does not carry the sign URL-encoded as %s", c.rawQuery, dingtalkSign.inURL)
				}
			},
		},
		{
			kind: kindFeishu, answer: `{"code":0,"msg":"success","data":{}}`, path: "/open-apis/bot/v2/hook/" + feishuHook,
			query: url.Values{},
			want: map[string]any{
				"msg_type": "interactive", "timestamp": sec, "sign": feishuSign.sign,
				"card": map[string]any{
					"config":   map[string]any{"wide_screen_mode": true},
					"header":   map[string]any{"template": "orange", "title": map[string]any{"tag": "plain_text", "content": m.Subject}},
					"elements": []any{map[string]any{"tag": "markdown", "content": feishuBody}},
				},
			},
		},
		{
			kind: kindWebhook, answer: "", path: "/hooks/remindd", query: url.Values{},
			want: asJSON(t, m),
			check: func(t *testing.T, c capture) {
				// The signature covers the body as sent (webhookSignature
				// itself is pinned by TestWebhookSignatureKnownAnswer).
				if got, want := c.header.Get("X-Remindd-Signature-256"), webhookSignature(webhookSecr, c.body); got != want {
					t.Errorf("signature %q, want %q", got, want)
				}
				if c.header.Get("Idempotency-Key") != m.Key {
					t.Errorf("Idempotency-Key %q, want %q", c.header.Get("Idempotency-Key"), m.Key)
				}
			},
		},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			rs := newRobotServer(t, http.StatusOK, tc.answer)
			ch := robotChannelFor(t, tc.kind, robotURL(rs, tc.kind), secretFor(tc.kind), newClock(robotNow))
			if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
				t.Fatal(err)
			}
			got := rs.requests()
			if len(got) != 1 {
				t.Fatalf("%d requests, want 1", len(got))
			}
			c := got[0]
			if c.method != http.MethodPost || c.path != tc.path {
				t.Errorf("%s %s, want POST %s", c.method, c.path, tc.path)
			}
			if !strings.HasPrefix(c.header.Get("Content-Type"), "application/json") {
				t.Errorf("content type %q", c.header.Get("Content-Type"))
			}
			if diff := cmp.Diff(tc.query, c.query); diff != "" {
				t.Errorf("query (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.want, decodeJSON(t, c.body)); diff != "" {
				t.Errorf("payload (-want +got):\n%s", diff)
			}
			if tc.check != nil {
				tc.check(t, c)
			}
		})
	}
}

func TestRobotMarkdownFitsWeCom(t *testing.T) {
	rs := newRobotServer(t, http.StatusOK, `{"errcode":0,"errmsg":"ok"}`)
	ch := robotChannelFor(t, kindWeCom, robotURL(rs, kindWeCom), "", newClock(robotNow))
	m := render.Message{Key: "k", Subject: "s", Markdown: strings.Repeat("一行很长的内容\n", 1000)}
	if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
		t.Fatal(err)
	}
	var p wecomPayload
	if err := json.Unmarshal(rs.requests()[0].body, &p); err != nil {
		t.Fatal(err)
	}
	if n := len(p.Markdown.Content); n > render.MarkdownLimit {
		t.Errorf("content is %d bytes, over %d", n, render.MarkdownLimit)
	}
}

func TestRobotAnswers(t *testing.T) {
	for _, tc := range []struct {
		name       string
		kind       string
		status     int
		answer     string
		retryAfter string
		temporary  bool
		wait       time.Duration
		mention    string
	}{
		{"wecom ok", kindWeCom, 200, `{"errcode":0,"errmsg":"ok"}`, "", false, 0, ""},
		{"wecom 45009 rate limit is temporary", kindWeCom, 200, `{"errcode":45009,"errmsg":"api freq out of limit"}`, "", true, time.Minute, "errcode 45009"},
		{"wecom 93000 bad key is permanent", kindWeCom, 200, `{"errcode":93000,"errmsg":"invalid webhook url, hint: [1716512405_1], from ip: 1.2.3.4, key ` + wecomKey + `"}`, "", false, 0, "errcode 93000"},
		{"wecom 40008 bad message type is permanent", kindWeCom, 200, `{"errcode":40008,"errmsg":"invalid message type"}`, "", false, 0, "errcode 40008"},
		{"wecom 200 without JSON is permanent", kindWeCom, 200, `<html>portal</html>`, "", false, 0, "not wecom's JSON"},
		{"dingtalk 130101 too fast is temporary", kindDingTalk, 200, `{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}`, "", true, 10 * time.Minute, "errcode 130101"},
		{"dingtalk 310000 bad signature is permanent", kindDingTalk, 200, `{"errcode":310000,"errmsg":"sign not match"}`, "", false, 0, "errcode 310000"},
		{"dingtalk 300001 bad token is permanent", kindDingTalk, 200, `{"errcode":300001,"errmsg":"token is not exist"}`, "", false, 0, "errcode 300001"},
		{"feishu 9499 is temporary", kindFeishu, 200, `{"code":9499,"msg":"too many request","data":{}}`, "", true, time.Minute, "code 9499"},
		{"feishu 11232 is temporary", kindFeishu, 200, `{"code":11232,"msg":"frequency limited"}`, "", true, time.Minute, "code 11232"},
		{"feishu 19021 bad signature is permanent", kindFeishu, 200, `{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time"}`, "", false, 0, "code 19021"},
		{"feishu 19001 is permanent", kindFeishu, 200, `{"code":19001,"msg":"param invalid: incoming webhook access token invalid"}`, "", false, 0, "code 19001"},
		{"feishu old StatusCode ok", kindFeishu, 200, `{"StatusCode":0,"StatusMessage":"success"}`, "", false, 0, ""},
		{"HTTP 500 is temporary", kindWeCom, 500, `internal error`, "", true, 0, "HTTP 500"},
		{"HTTP 429 is temporary with Retry-After", kindDingTalk, 429, ``, "30", true, 30 * time.Second, "HTTP 429"},
		{"HTTP 429 without Retry-After waits a minute", kindFeishu, 429, ``, "", true, time.Minute, "HTTP 429"},
		{"webhook 204 is success", kindWebhook, 204, ``, "", false, 0, ""},
		{"webhook 404 is permanent", kindWebhook, 404, `not found`, "", false, 0, "HTTP 404"},
		{"webhook 503 is temporary", kindWebhook, 503, `busy`, "", true, 0, "HTTP 503"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := newRobotServer(t, tc.status, tc.answer)
			if tc.retryAfter != "" {
				rs.headers = map[string]string{"Retry-After": tc.retryAfter}
			}
			ch := robotChannelFor(t, tc.kind, robotURL(rs, tc.kind), secretFor(tc.kind), newClock(robotNow))
			err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]
			if tc.mention == "" {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			if Temporary(err) != tc.temporary || RetryAfter(err) != tc.wait {
				t.Errorf("temporary %v, retry after %s; want %v, %s", Temporary(err), RetryAfter(err), tc.temporary, tc.wait)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error does not mention %q: %v", tc.mention, err)
			}
			noSecrets(t, err)
		})
	}
}

// noSecrets fails when an error shows a robot's key, token or secret.
func noSecrets(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{wecomKey, dingtalkToken, dingtalkSecr, feishuHook, feishuSecr, webhookSecr} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("error reveals %q: %v", s, err)
		}
	}
}

func TestRobotTransportErrorsHideTheURL(t *testing.T) {
	for _, kind := range []string{kindWeCom, kindDingTalk, kindFeishu, kindWebhook} {
		t.Run(kind, func(t *testing.T) {
			rs := newRobotServer(t, 200, "")
			u := robotURL(rs, kind)
			rs.Close() // connections are now refused
			ch := robotChannelFor(t, kind, u, secretFor(kind), newClock(robotNow))
			err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]
			if err == nil || !Temporary(err) {
				t.Fatalf("err = %v, want a temporary one", err)
			}
			t.Log(err)
			noSecrets(t, err)
			if kind != kindWebhook && !strings.Contains(err.Error(), "***") {
				t.Errorf("error does not show the redacted URL: %v", err)
			}
		})
	}
}

func TestRobotContextCancelled(t *testing.T) {
	rs := newRobotServer(t, 200, `{"errcode":0}`)
	ch := robotChannelFor(t, kindWeCom, robotURL(rs, kindWeCom), "", newClock(robotNow))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs := ch.Send(ctx, []render.Message{rendered(t, "lead"), rendered(t, "lead")})
	for i, err := range errs {
		if !Temporary(err) {
			t.Errorf("message %d: %v, want temporary", i, err)
		}
	}
	if len(rs.requests()) != 0 {
		t.Error("sent after cancel")
	}
}

func TestRobotRateLimit(t *testing.T) {
	for _, tc := range []struct {
		kind   string
		answer string
		n      int
		per    time.Duration
	}{
		{kindWeCom, `{"errcode":0,"errmsg":"ok"}`, 20, time.Minute},
		{kindDingTalk, `{"errcode":0,"errmsg":"ok"}`, 20, time.Minute},
		{kindFeishu, `{"code":0,"msg":"success"}`, 5, time.Second},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			rs := newRobotServer(t, 200, tc.answer)
			clock := newClock(robotNow)
			ch := robotChannelFor(t, tc.kind, robotURL(rs, tc.kind), secretFor(tc.kind), clock)
			m := rendered(t, "lead-enterprise")
			batch := make([]render.Message, tc.n+1)
			for i := range batch {
				batch[i] = m
			}
			errs := ch.Send(context.Background(), batch)
			for i, err := range errs[:tc.n] {
				if err != nil {
					t.Fatalf("message %d: %v", i+1, err)
				}
			}
			last := errs[tc.n]
			if !Temporary(last) || RetryAfter(last) != tc.per {
				t.Fatalf("message %d: %v (retry after %s), want temporary, retry after %s", tc.n+1, last, RetryAfter(last), tc.per)
			}
			noSecrets(t, last)
			if got := len(rs.requests()); got != tc.n {
				t.Errorf("server got %d requests, want %d", got, tc.n)
			}

			clock.Advance(tc.per / 2)
			err := ch.Send(context.Background(), []render.Message{m})[0]
			if !Temporary(err) || RetryAfter(err) != tc.per/2 {
				t.Errorf("halfway: %v (retry after %s), want retry after %s", err, RetryAfter(err), tc.per/2)
			}

			clock.Advance(tc.per / 2)
			if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
				t.Errorf("after the window: %v", err)
			}
			if got := len(rs.requests()); got != tc.n+1 {
				t.Errorf("server got %d requests, want %d", got, tc.n+1)
			}
		})
	}
}

func TestFeishuMinuteLimit(t *testing.T) {
	rs := newRobotServer(t, 200, `{"code":0}`)
	clock := newClock(robotNow)
	ch := robotChannelFor(t, kindFeishu, robotURL(rs, kindFeishu), "", clock)
	m := rendered(t, "lead-enterprise")
	for i := range 100 {
		if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
		clock.Advance(300 * time.Millisecond) // 3.3 a second: under 5/s
	}
	// 100 sent within 30 s: the 101st waits until the first leaves the minute.
	err := ch.Send(context.Background(), []render.Message{m})[0]
	if want := 30 * time.Second; !Temporary(err) || RetryAfter(err) != want {
		t.Fatalf("101st: %v (retry after %s), want retry after %s", err, RetryAfter(err), want)
	}
}

// redirectClient sends every request to the test server, whatever host its
// URL names, so that vendor hosts can be used in tests.
func redirectClient(rs *robotServer) *http.Client {
	addr := rs.Listener.Addr().String()
	return &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}}
}

func TestEnterpriseRobotChoosesVendorByHost(t *testing.T) {
	m := rendered(t, "lead-enterprise")
	for _, tc := range []struct {
		to     string
		answer string
		want   map[string]any
	}{
		{"http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey, `{"errcode":0}`,
			map[string]any{"msgtype": "markdown", "markdown": map[string]any{"content": m.Markdown}}},
		{"http://oapi.dingtalk.com/robot/send?access_token=" + dingtalkToken, `{"errcode":0}`,
			map[string]any{"msgtype": "markdown", "markdown": map[string]any{"title": m.Subject, "text": m.Markdown}}},
		{"http://open.feishu.cn/open-apis/bot/v2/hook/" + feishuHook, `{"code":0}`, nil},
		{"http://open.larksuite.com/open-apis/bot/v2/hook/" + feishuHook, `{"code":0}`, nil},
		{"http://hooks.example.com/remindd", ``, nil},
	} {
		t.Run(tc.to, func(t *testing.T) {
			rs := newRobotServer(t, 200, tc.answer)
			ch, err := New(&config.Channel{Name: "enterprise-robots", Type: "robot"},
				Options{Now: newClock(robotNow).Now, HTTPClient: redirectClient(rs)})
			if err != nil {
				t.Fatal(err)
			}
			msg := m
			msg.To = tc.to
			if err := ch.Send(context.Background(), []render.Message{msg})[0]; err != nil {
				t.Fatal(err)
			}
			c := rs.requests()[0]
			body := decodeJSON(t, c.body)
			u, _ := url.Parse(tc.to)
			switch VendorOf(u) {
			case kindWeCom, kindDingTalk:
				if diff := cmp.Diff(tc.want, body); diff != "" {
					t.Errorf("payload (-want +got):\n%s", diff)
				}
			case kindFeishu:
				if body["msg_type"] != "interactive" || body["sign"] != nil || body["timestamp"] != nil {
					t.Errorf("feishu payload %v", body)
				}
			default:
				if body["key"] != m.Key || body["to"] != tc.to {
					t.Errorf("webhook payload %v", body)
				}
			}
			if c.query.Get("sign") != "" || c.query.Get("timestamp") != "" {
				t.Errorf("enterprise robot signed: %v", c.query)
			}
		})
	}
}

func TestEnterpriseRobotRefusesBadAddresses(t *testing.T) {
	ch, err := New(&config.Channel{Name: "enterprise-robots", Type: "robot"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{"", "safety@example.com", "ftp://files.example.com/" + wecomKey, "https:///" + wecomKey} {
		err := ch.Send(context.Background(), []render.Message{{Key: "lead:enterprise:x", To: to}})[0]
		if err == nil || Temporary(err) {
			t.Errorf("to %q: %v, want a permanent error", to, err)
			continue
		}
		noSecrets(t, err)
	}
}

func TestRobotConfigErrors(t *testing.T) {
	t.Setenv("REMINDD_TEST_BAD_URL", "ftp://qyapi.example/"+wecomKey)
	t.Setenv("REMINDD_TEST_GOOD_URL", "https://oapi.dingtalk.com/robot/send?access_token="+dingtalkToken)
	for _, tc := range []struct {
		name string
		c    config.Channel
		want string
	}{
		{"url env not set", config.Channel{Name: "wecom-office", Type: "wecom", URLEnv: "REMINDD_TEST_UNSET_URL"},
			"channel wecom-office: url from environment variable REMINDD_TEST_UNSET_URL: not set"},
		{"url file missing", config.Channel{Name: "ding", Type: "dingtalk", URLFile: "/nonexistent/ding-url"},
			"channel ding: url from file /nonexistent/ding-url"},
		{"no url at all", config.Channel{Name: "fs", Type: "feishu"}, "channel fs: a feishu channel needs url_env or url_file (the URL holds its token)"},
		{"secret env not set", config.Channel{Name: "ding", Type: "dingtalk", URLEnv: "REMINDD_TEST_GOOD_URL", SecretEnv: "REMINDD_TEST_UNSET_SECRET"},
			"channel ding: secret from environment variable REMINDD_TEST_UNSET_SECRET: not set"},
		{"url not http", config.Channel{Name: "wecom-office", Type: "wecom", URLEnv: "REMINDD_TEST_BAD_URL"},
			"channel wecom-office: url from environment variable REMINDD_TEST_BAD_URL: not an http or https URL"},
		{"unknown type", config.Channel{Name: "sms", Type: "sms"}, `channel sms: unknown channel type "sms" (want one of file, log, email, wecom, dingtalk, feishu, webhook, robot)`},
		{"file without dir", config.Channel{Name: "outbox", Type: "file"}, "channel outbox: a file channel needs dir"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(&tc.c, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			noSecrets(t, err)
		})
	}
}

func TestMaskAddress(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"},
		{"https://oapi.dingtalk.com/robot/send?access_token=" + dingtalkToken, "https://oapi.dingtalk.com/robot/send?access_token=***"},
		{"https://open.feishu.cn/open-apis/bot/v2/hook/" + feishuHook, "https://open.feishu.cn/open-apis/bot/v2/hook/***"},
		{"https://hooks.slack.com/services/T0001/B0002/XXXXXXXXXXXXXXXXXXXXXXXX", "https://hooks.slack.com/services/***/***/***"},
		{"http://127.0.0.1:8080/remindd?a=1&b=2", "http://127.0.0.1:8080/***?***&***"},
		// Short tokens are tokens too.
		{"https://example.org/hook/ab?key=c", "https://example.org/hook/***?key=***"},
		{"https://user:pw@example.org/x#frag", "https://***@example.org/***#***"},
		{"HTTPS://QYAPI.WEIXIN.QQ.COM/cgi-bin/webhook/send?KEY=" + wecomKey, "https://QYAPI.WEIXIN.QQ.COM/cgi-bin/webhook/send?***"},
		{"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a%2Fb&key=c", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"},
		{"safety@haiyun-travel.example.com", "safety@haiyun-travel.example.com"},
		{"a=b/c@example.com", "a=b/c@example.com"},
		{"a@example.com/send?key=" + wecomKey, "***"},
		{"  office@example.gov.cn ", "office@example.gov.cn"},
		{"office", "office"},
		{"", ""},
		{"https:///" + wecomKey, "***"},
		{"qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey, "***"},
		{wecomKey + "?", "***"},
	} {
		if got := MaskAddress(tc.in); got != tc.want {
			t.Errorf("MaskAddress(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
