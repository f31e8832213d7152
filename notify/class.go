package notify

import "strings"

// Class says what failed in a delivery, in a word that stays the same
// whatever a server answered: the outbox keeps it at the start of the
// error ("[smtp-auth] channel mail: …"), and the office's digest explains
// it in Chinese (Explain) instead of showing the operator's error text.
type Class string

// The classes of failed deliveries.
const (
	ClassSMTPConnect   Class = "smtp-connect"   // no connection to the mail server, or it broke
	ClassSMTPTLS       Class = "smtp-tls"       // STARTTLS, TLS handshake or certificate
	ClassSMTPAuth      Class = "smtp-auth"      // the server refused the login
	ClassSMTPSender    Class = "smtp-sender"    // MAIL FROM refused
	ClassSMTPRecipient Class = "smtp-recipient" // RCPT TO refused
	ClassSMTPMessage   Class = "smtp-message"   // the message refused at DATA
	ClassAddress       Class = "address"        // a recipient address remindd cannot send to
	ClassRobotConnect  Class = "robot-connect"  // no connection to the robot's server, or no answer in time
	ClassRobotTLS      Class = "robot-tls"      // the robot server's certificate
	ClassRobotKey      Class = "robot-key"      // the robot's key or token is wrong, or the robot is gone
	ClassRobotSecurity Class = "robot-security" // signature, keywords or IP allow-list of the robot
	ClassRobotRate     Class = "robot-rate"     // the robot's rate limit
	ClassRobotServer   Class = "robot-server"   // the robot's server failed (HTTP 5xx, busy)
	ClassRobotRefused  Class = "robot-refused"  // the robot refused the message for another reason
	ClassRobotAnswer   Class = "robot-answer"   // an answer that is not the vendor's
	ClassFile          Class = "file"           // the file channel could not write
	ClassMessage       Class = "message"        // the message could not be built
	ClassInterrupted   Class = "interrupted"    // not sent: remindd was stopping
)

// explanations are the classes as the office reads them.
var explanations = map[Class]string{
	ClassSMTPConnect:   "无法连接邮件服务器",
	ClassSMTPTLS:       "无法与邮件服务器建立加密连接（证书或STARTTLS）",
	ClassSMTPAuth:      "邮件服务器登录失败（账号或密码有误）",
	ClassSMTPSender:    "邮件服务器拒绝了发件地址",
	ClassSMTPRecipient: "邮件服务器拒收（收件地址不存在或被拒绝）",
	ClassSMTPMessage:   "邮件服务器拒收了邮件内容",
	ClassAddress:       "收件地址无效",
	ClassRobotConnect:  "无法连接机器人服务器",
	ClassRobotTLS:      "机器人服务器证书无效",
	ClassRobotKey:      "机器人密钥无效（地址有误或机器人已被移除）",
	ClassRobotSecurity: "机器人安全设置校验未通过（关键词、加签或IP白名单）",
	ClassRobotRate:     "机器人限流",
	ClassRobotServer:   "机器人服务器故障",
	ClassRobotRefused:  "机器人拒收",
	ClassRobotAnswer:   "机器人服务器应答异常",
	ClassFile:          "写入文件失败",
	ClassMessage:       "消息无法生成",
	ClassInterrupted:   "发送中断",
}

// unexplained is what the office reads of a failure without a known class.
const unexplained = "发送失败（原因见系统日志）"

// ClassOf reads the class at the start of a stored error, or "".
func ClassOf(lastError string) Class {
	rest, ok := strings.CutPrefix(lastError, "[")
	if !ok {
		return ""
	}
	c, _, ok := strings.Cut(rest, "] ")
	if !ok {
		return ""
	}
	if _, known := explanations[Class(c)]; !known {
		return ""
	}
	return Class(c)
}

// Explain is a stored error as the office reads it: the Chinese
// explanation of its class, never the error's own text.
func Explain(lastError string) string {
	if e, ok := explanations[ClassOf(lastError)]; ok {
		return e
	}
	return unexplained
}
