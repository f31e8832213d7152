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

// causes are what the office's digest groups failures by: a few causes a
// clerk can act on, each the class's, or a finer one the error's text
// shows (a refused connection, a timeout, an address that does not
// exist).
var causes = map[string]string{
	"smtp-connect":   "无法连接邮箱服务器",
	"smtp-tls":       "邮箱服务器加密连接失败",
	"smtp-auth":      "邮箱服务器登录失败",
	"smtp-sender":    "发件地址被拒绝",
	"smtp-recipient": "收件地址被拒收",
	"smtp-message":   "邮件内容被拒收",
	"address":        "地址无效",
	"robot-connect":  "无法连接机器人服务器",
	"robot-tls":      "机器人服务器证书无效",
	"robot-key":      "机器人密钥无效",
	"robot-security": "机器人安全设置未通过",
	"robot-rate":     "机器人限流",
	"robot-server":   "机器人服务器故障",
	"robot-refused":  "机器人拒收",
	"robot-answer":   "机器人应答异常",
	"file":           "写入文件失败",
	"message":        "消息无法生成",
	"interrupted":    "发送中断",
}

// Cause is a stored delivery error's cause as the office's digest groups
// failures: 邮箱服务器拒绝连接, 地址不存在, 机器人密钥无效, 超时 …; never the
// error's own text.
func Cause(lastError string) string {
	rest, ok := strings.CutPrefix(lastError, "[")
	if !ok {
		return "其他原因"
	}
	class, text, ok := strings.Cut(rest, "] ")
	if !ok {
		return "其他原因"
	}
	lower := strings.ToLower(text)
	timeout := strings.Contains(lower, "timeout") || strings.Contains(lower, "timed out") ||
		strings.Contains(lower, "deadline exceeded")
	switch {
	case (class == "smtp-connect" || class == "robot-connect") && timeout:
		return "超时"
	case class == "smtp-connect" && strings.Contains(lower, "connection refused"):
		return "邮箱服务器拒绝连接"
	case class == "robot-connect" && strings.Contains(lower, "connection refused"):
		return "机器人服务器拒绝连接"
	case class == "smtp-recipient" && (strings.Contains(lower, " 550") || strings.Contains(lower, "5.1.1") ||
		strings.Contains(lower, "no such") || strings.Contains(lower, "unknown") || strings.Contains(lower, "does not exist")):
		return "地址不存在"
	}
	if c, ok := causes[class]; ok {
		return c
	}
	return "其他原因"
}
