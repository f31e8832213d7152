package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/remindd/remindd/render"
)

// DingTalk (钉钉) custom robots: a URL with the access token in its query
// (https://oapi.dingtalk.com/robot/send?access_token=TOKEN), optional
// signing (timestamp and sign added to the query), 20 messages a minute per
// robot and then a block of 10 minutes, and an errcode in every answer,
// HTTP 200 on errors too.
const kindDingTalk = "dingtalk"

var dingtalk = vendor{
	name:    kindDingTalk,
	hosts:   []string{"oapi.dingtalk.com"},
	rates:   []rate{{20, time.Minute}},
	backoff: 10 * time.Minute, // DingTalk blocks a robot for 10 minutes
	request: dingtalkRequest,
	code:    errcode,
	codes: map[int]answerCode{
		-1:     {ClassRobotServer, "system busy", true},
		130101: {ClassRobotRate, "sending too fast", true},
		300001: {ClassRobotKey, "invalid access token", false},
		300005: {ClassRobotKey, "access token does not exist", false},
		310000: {ClassRobotSecurity, "security check failed: keyword, signature or IP allow-list", false},
		410100: {ClassRobotRate, "sending too fast, over 20 a minute", true},
	},
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

func dingtalkRequest(ep endpoint, m render.Message, now time.Time) (*url.URL, []byte, http.Header, error) {
	target := ep.url
	if ep.secret != "" {
		target = dingtalkSign(ep.url, ep.secret, now)
	}
	body, err := json.Marshal(dingtalkMessage(m))
	return target, body, jsonHeader(), err
}

// DingTalkSign is DingTalk's signature: base64(HMAC-SHA256(key=secret,
// msg=timestamp+"\n"+secret)), timestamp in milliseconds.
func DingTalkSign(timestamp, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// dingtalkSign adds timestamp and sign, URL-encoded, to the robot URL's
// query.
func dingtalkSign(u *url.URL, secret string, now time.Time) *url.URL {
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	q := u.Query()
	q.Set("timestamp", ts)
	q.Set("sign", DingTalkSign(ts, secret))
	signed := *u
	signed.RawQuery = q.Encode()
	return &signed
}
