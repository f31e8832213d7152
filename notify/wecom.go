package notify

import (
	"encoding/json"
	"net/http"
	"net/url"
	"time"

	"github.com/remindd/remindd/render"
)

// WeCom (企业微信) group robots: a URL with the key in its query
// (https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY), no signing (the
// key is the secret), 20 messages a minute per robot, markdown of at most
// 4096 bytes, and an errcode in every answer, HTTP 200 on errors too.
const kindWeCom = "wecom"

var wecom = vendor{
	name:    kindWeCom,
	hosts:   []string{"qyapi.weixin.qq.com"},
	rates:   []rate{{20, time.Minute}},
	backoff: time.Minute,
	request: wecomRequest,
	code:    errcode,
	codes: map[int]answerCode{
		-1:    {ClassRobotServer, "system busy", true},
		40008: {ClassRobotRefused, "invalid message type", false},
		40058: {ClassRobotRefused, "invalid parameter", false},
		44004: {ClassRobotRefused, "empty content", false},
		45002: {ClassRobotRefused, "content too long", false},
		45009: {ClassRobotRate, "rate limit reached", true},
		45033: {ClassRobotRate, "too many concurrent requests", true},
		93000: {ClassRobotKey, "invalid webhook URL: wrong key, or the robot was removed", false},
	},
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

func wecomRequest(ep endpoint, m render.Message, _ time.Time) (*url.URL, []byte, http.Header, error) {
	body, err := json.Marshal(wecomMessage(m))
	return ep.url, body, jsonHeader(), err
}
