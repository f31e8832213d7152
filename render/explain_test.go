package render

import "testing"

func TestExplain(t *testing.T) {
	for _, tc := range []struct{ stored, want string }{
		{"[robot-key] channel r: wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***: errcode 93000 (…)", "机器人密钥无效（地址有误或机器人已被移除）"},
		{"[smtp-auth] channel mail: smtp mail.example:587: AUTH as u failed: 535 5.7.8 bad", "邮件服务器登录失败（账号或密码有误）"},
		{"[robot-rate] …", "机器人限流"},
		{"[smtp-recipient] …", "邮件服务器拒收（收件地址不存在或被拒绝）"},
		{"[smtp-connect] …", "无法连接邮件服务器"},
		// Errors stored before classes, or by other systems, show nothing
		// of their text.
		{"wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=5a0c: errcode 93000", "发送失败（原因见系统日志）"},
		{"[no-such-class] secret", "发送失败（原因见系统日志）"},
		{"[robot-key]secret", "发送失败（原因见系统日志）"},
		{"", "发送失败（原因见系统日志）"},
	} {
		if got := Explain(tc.stored); got != tc.want {
			t.Errorf("Explain(%q) = %q, want %q", tc.stored, got, tc.want)
		}
	}
}
