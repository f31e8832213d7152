package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/remindd/remindd/render"
)

// request builds the HTTP request for one message to one endpoint, in the
// vendor's documented format, signed when the endpoint has a secret.
func request(ep endpoint, m render.Message, now time.Time) (*url.URL, []byte, http.Header, error) {
	header := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	target := ep.url
	var payload any
	switch ep.kind {
	case kindWeCom:
		payload = wecomMessage(m)
	case kindDingTalk:
		payload = dingtalkMessage(m)
		if ep.secret != "" {
			target = dingtalkSign(ep.url, ep.secret, now)
		}
	case kindFeishu:
		fm := feishuMessage(m)
		if ep.secret != "" {
			fm.Timestamp = strconv.FormatInt(now.Unix(), 10)
			fm.Sign = FeishuSign(fm.Timestamp, ep.secret)
		}
		payload = fm
	default:
		body, err := json.Marshal(m)
		if err != nil {
			return nil, nil, nil, err
		}
		header.Set("Idempotency-Key", oneLine(m.Key))
		if ep.secret != "" {
			mac := hmac.New(sha256.New, []byte(ep.secret))
			mac.Write(body)
			header.Set("X-Remindd-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		}
		return target, body, header, nil
	}
	body, err := json.Marshal(payload)
	return target, body, header, err
}

// robotMarkdown is the message's markdown within WeCom's limit, or its
// subject when it has none.
func robotMarkdown(m render.Message) string {
	md := m.Markdown
	if strings.TrimSpace(md) == "" {
		md = "**" + render.MarkdownText(m.Subject) + "**"
	}
	return render.FitMarkdown(md, render.MarkdownLimit)
}

type wecomPayload struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Content string `json:"content"`
	} `json:"markdown"`
}

// wecomMessage is a WeCom group robot markdown message.
func wecomMessage(m render.Message) wecomPayload {
	var p wecomPayload
	p.MsgType = "markdown"
	p.Markdown.Content = robotMarkdown(m)
	return p
}

type dingtalkPayload struct {
	MsgType  string `json:"msgtype"`
	Markdown struct {
		Title string `json:"title"`
		Text  string `json:"text"`
	} `json:"markdown"`
}

// dingtalkMessage is a DingTalk custom robot markdown message; the title is
// what the notification preview shows.
func dingtalkMessage(m render.Message) dingtalkPayload {
	var p dingtalkPayload
	p.MsgType = "markdown"
	p.Markdown.Title = oneLine(m.Subject)
	p.Markdown.Text = robotMarkdown(m)
	return p
}

// DingTalkSign is DingTalk's signature: base64(HMAC-SHA256(key=secret,
// msg=timestamp+"\n"+secret)), timestamp in milliseconds.
func DingTalkSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// dingtalkSign adds timestamp and sign to the robot URL's query.
func dingtalkSign(u *url.URL, secret string, now time.Time) *url.URL {
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", DingTalkSign(ts, secret))
	signed := *u
	signed.RawQuery = q.Encode()
	return &signed
}

// FeishuSign is Feishu's signature: base64(HMAC-SHA256(key=timestamp+"\n"+
// secret, msg="")), timestamp in seconds.
func FeishuSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Feishu messages are interactive cards: the subject is the card's header
// and the markdown its one element. A card shows the markdown as written
// (bold, lists), which a post (rich text) message cannot without
// re-encoding every line into its own element tree.
type feishuPayload struct {
	Timestamp string     `json:"timestamp,omitempty"`
	Sign      string     `json:"sign,omitempty"`
	MsgType   string     `json:"msg_type"`
	Card      feishuCard `json:"card"`
}

type feishuCard struct {
	Config   feishuCardConfig `json:"config"`
	Header   feishuHeader     `json:"header"`
	Elements []feishuElement  `json:"elements"`
}

type feishuCardConfig struct {
	WideScreenMode bool `json:"wide_screen_mode"`
}

type feishuHeader struct {
	Template string     `json:"template"`
	Title    feishuText `json:"title"`
}

type feishuText struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

type feishuElement struct {
	Tag     string `json:"tag"`
	Content string `json:"content"`
}

// feishuMessage is a Feishu custom robot card; the markdown's bold first
// line repeats the subject, which the header already shows, so it is
// dropped.
func feishuMessage(m render.Message) feishuPayload {
	md := robotMarkdown(m)
	if first, rest, ok := strings.Cut(md, "\n"); ok && first == "**"+render.MarkdownText(m.Subject)+"**" {
		md = rest
	}
	return feishuPayload{
		MsgType: "interactive",
		Card: feishuCard{
			Config:   feishuCardConfig{WideScreenMode: true},
			Header:   feishuHeader{Template: "orange", Title: feishuText{Tag: "plain_text", Content: oneLine(m.Subject)}},
			Elements: []feishuElement{{Tag: "markdown", Content: md}},
		},
	}
}

// answerCode is what a robot vendor's error code means: its class, a short
// meaning for the operator, and whether trying again later may help.
type answerCode struct {
	class     Class
	meaning   string
	temporary bool
}

// vendorCodes are the error codes the vendors document for their group
// robots (every other non-zero code is refused for good as robot-refused).
// The meaning is remindd's own: a vendor's errmsg is not kept, as a server
// or proxy may echo the key in it.
var vendorCodes = map[string]map[int]answerCode{
	kindWeCom: {
		-1:    {ClassRobotServer, "system busy", true},
		40008: {ClassRobotRefused, "invalid message type", false},
		40058: {ClassRobotRefused, "invalid parameter", false},
		44004: {ClassRobotRefused, "empty content", false},
		45002: {ClassRobotRefused, "content too long", false},
		45009: {ClassRobotRate, "rate limit reached", true},
		45033: {ClassRobotRate, "too many concurrent requests", true},
		93000: {ClassRobotKey, "invalid webhook URL: wrong key, or the robot was removed", false},
	},
	kindDingTalk: {
		-1:     {ClassRobotServer, "system busy", true},
		130101: {ClassRobotRate, "sending too fast", true},
		300001: {ClassRobotKey, "invalid access token", false},
		300005: {ClassRobotKey, "access token does not exist", false},
		310000: {ClassRobotSecurity, "security check failed: keyword, signature or IP allow-list", false},
		410100: {ClassRobotRate, "sending too fast, over 20 a minute", true},
	},
	kindFeishu: {
		9499:  {ClassRobotRate, "too many requests", true},
		11232: {ClassRobotRate, "frequency limited", true},
		11233: {ClassRobotRate, "frequency limited", true},
		19001: {ClassRobotKey, "invalid webhook token", false},
		19021: {ClassRobotSecurity, "signature mismatch, or timestamp over an hour off", false},
		19022: {ClassRobotSecurity, "IP not allowed", false},
		19024: {ClassRobotSecurity, "keywords not found", false},
	},
}
