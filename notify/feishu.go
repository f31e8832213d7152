package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/remindd/remindd/render"
)

// Feishu (飞书) and Lark custom robots: a URL ending in the hook's id
// (https://open.feishu.cn/open-apis/bot/v2/hook/ID), optional signing
// (timestamp and sign in the JSON body), 5 messages a second and 100 a
// minute, and a code in every answer (StatusCode in the old API), HTTP 200
// on errors too.
const kindFeishu = "feishu"

var feishu = vendor{
	name:    kindFeishu,
	hosts:   []string{"open.feishu.cn", "open.larksuite.com"},
	rates:   []rate{{5, time.Second}, {100, time.Minute}},
	backoff: time.Minute,
	request: feishuRequest,
	code:    feishuCode,
	codes: map[int]answerCode{
		9499:  {ClassRobotRate, "too many requests", true},
		11232: {ClassRobotRate, "frequency limited", true},
		11233: {ClassRobotRate, "frequency limited", true},
		19001: {ClassRobotKey, "invalid webhook token", false},
		19021: {ClassRobotSecurity, "signature mismatch, or timestamp over an hour off", false},
		19022: {ClassRobotSecurity, "IP not allowed", false},
		19024: {ClassRobotSecurity, "keywords not found", false},
	},
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

func feishuRequest(ep endpoint, m render.Message, now time.Time) (*url.URL, []byte, http.Header, error) {
	p := feishuMessage(m)
	if ep.secret != "" {
		p.Timestamp = strconv.FormatInt(now.Unix(), 10)
		p.Sign = FeishuSign(p.Timestamp, ep.secret)
	}
	body, err := json.Marshal(p)
	return ep.url, body, jsonHeader(), err
}

// FeishuSign is Feishu's signature: base64(HMAC-SHA256(key=timestamp+"\n"+
// secret, msg="")), timestamp in seconds.
func FeishuSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// feishuCode reads a Feishu answer's code, or the StatusCode of its old API.
func feishuCode(answer []byte) (*int, string, error) {
	var a struct {
		Code       *int `json:"code"`
		StatusCode *int `json:"StatusCode"`
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		return nil, "code", err
	}
	if a.Code == nil {
		return a.StatusCode, "code", nil
	}
	return a.Code, "code", nil
}
