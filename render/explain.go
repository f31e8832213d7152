package render

import "strings"

// What the office reads of a failed delivery. A channel's error starts with
// its class in brackets ("[smtp-auth] channel mail: …", see notify.Class),
// and the outbox keeps that text; the digest explains the class in Chinese
// instead of showing the text, which is for the operator and may name
// servers and addresses.

// explanations are the failure classes as the office reads them, keyed by
// the class word the channels write (notify's tests check that every class
// has one).
var explanations = map[string]string{
	"smtp-connect":   "无法连接邮件服务器",
	"smtp-tls":       "无法与邮件服务器建立加密连接（证书或STARTTLS）",
	"smtp-auth":      "邮件服务器登录失败（账号或密码有误）",
	"smtp-sender":    "邮件服务器拒绝了发件地址",
	"smtp-recipient": "邮件服务器拒收（收件地址不存在或被拒绝）",
	"smtp-message":   "邮件服务器拒收了邮件内容",
	"address":        "收件地址无效",
	"robot-connect":  "无法连接机器人服务器",
	"robot-tls":      "机器人服务器证书无效",
	"robot-key":      "机器人密钥无效（地址有误或机器人已被移除）",
	"robot-security": "机器人安全设置校验未通过（关键词、加签或IP白名单）",
	"robot-rate":     "机器人限流",
	"robot-server":   "机器人服务器故障",
	"robot-refused":  "机器人拒收",
	"robot-answer":   "机器人服务器应答异常",
	"file":           "写入文件失败",
	"message":        "消息无法生成",
	"interrupted":    "发送中断",
}

// unexplained is what the office reads of a failure without a known class.
const unexplained = "发送失败（原因见系统日志）"

// Explain is a stored delivery error as the office reads it: the Chinese
// explanation of the class at its start, never the error's own text.
func Explain(lastError string) string {
	rest, ok := strings.CutPrefix(lastError, "[")
	if !ok {
		return unexplained
	}
	class, _, ok := strings.Cut(rest, "] ")
	if !ok {
		return unexplained
	}
	if e, ok := explanations[class]; ok {
		return e
	}
	return unexplained
}
