package notify

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/render"
)

// echo is every form of secret forms knows, in one text, as a careless
// server or proxy might write it back.
func echo(secrets ...string) string {
	var b strings.Builder
	for _, s := range secrets {
		for name, f := range forms(s) {
			fmt.Fprintf(&b, "%s: %s; ", name, f)
		}
	}
	return b.String()
}

// noLeak fails when err shows any form of any secret.
func noLeak(t *testing.T, err error, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if l := leaks(err.Error(), s); len(l) > 0 {
			t.Errorf("error shows the secret %q as %v: %v", s, l, err)
		}
	}
}

// TestRobotEchoesNeverReachErrors: robot servers that write the key, token
// and signing secret back (raw, percent-encoded, JSON-escaped, base64, in
// a vendor's errmsg, an HTML error page, a rate-limit answer) give errors
// that show none of them, in no encoding, and say what happened in
// remindd's words: the class, the HTTP status, the vendor's code.
func TestRobotEchoesNeverReachErrors(t *testing.T) {
	secrets := []string{wecomKey, dingtalkToken, dingtalkSecr, feishuHook, feishuSecr, webhookSecr}
	e := echo(secrets...)
	jsonEcho := strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(e)
	for _, tc := range []struct {
		name, kind string
		status     int
		answer     string
		mention    string
	}{
		{"wecom errmsg", kindWeCom, 200, `{"errcode":93000,"errmsg":"invalid webhook url ` + jsonEcho + `"}`, "[robot-key] "},
		{"wecom unknown code", kindWeCom, 200, `{"errcode":12345,"errmsg":"` + jsonEcho + `"}`, "[robot-refused] "},
		{"dingtalk errmsg", kindDingTalk, 200, `{"errcode":310000,"errmsg":"sign not match ` + jsonEcho + `"}`, "[robot-security] "},
		{"feishu msg", kindFeishu, 200, `{"code":19021,"msg":"sign match fail ` + jsonEcho + `"}`, "[robot-security] "},
		{"not JSON", kindFeishu, 200, "<html>" + e + "</html>", "[robot-answer] "},
		{"HTTP 400 page", kindDingTalk, 400, "<html><body>bad request for " + e + "</body></html>", "[robot-refused] "},
		{"HTTP 403", kindWebhook, 403, e, "[robot-key] "},
		{"HTTP 429", kindWeCom, 429, e, "[robot-rate] "},
		{"HTTP 502 from a proxy", kindFeishu, 502, "upstream " + e, "[robot-server] "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := newRobotServer(t, tc.status, tc.answer)
			ch := robotChannelFor(t, tc.kind, robotURL(rs, tc.kind), secretFor(tc.kind), newClock(robotNow))
			err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			if !strings.HasPrefix(err.Error(), tc.mention) {
				t.Errorf("error does not start with %q: %v", tc.mention, err)
			}
			noLeak(t, err, secrets...)
		})
	}
}

// malformedServer answers every connection with line, which is no HTTP:
// Go's client quotes such a line in its error.
func malformedServer(t *testing.T, line string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					l, err := r.ReadString('\n')
					if err != nil || l == "\r\n" {
						break
					}
				}
				fmt.Fprintf(c, "%s\r\n\r\n", line)
			}()
		}
	}()
	return "http://" + ln.Addr().String()
}

// TestRobotTransportErrorsEchoingTheKey: a server that answers with a line
// that is no HTTP, holding the key, makes Go's client quote it in its error;
// the error shows the key in no form, short keys included (the text is
// withheld).
func TestRobotTransportErrorsEchoingTheKey(t *testing.T) {
	for _, key := range []string{wecomKey, "Kx9/+", "k1"} {
		t.Run(key, func(t *testing.T) {
			base := malformedServer(t, "key="+key+" "+url.QueryEscape(key))
			ch := robotChannelFor(t, kindWeCom, base+"/cgi-bin/webhook/send?key="+url.QueryEscape(key), "", newClock(robotNow))
			err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]
			if err == nil || !Temporary(err) {
				t.Fatalf("err = %v, want a temporary one", err)
			}
			t.Log(err)
			if !strings.HasPrefix(err.Error(), "[robot-connect] ") {
				t.Errorf("error does not start with [robot-connect]: %v", err)
			}
			noLeak(t, err, key)
		})
	}
}

// TestSMTPEchoesNeverReachErrors: an SMTP server that writes the password
// back in its refusal of AUTH (raw, base64, percent-encoded, JSON, and the
// whole AUTH PLAIN response), or in a refusal of RCPT or DATA, gives
// errors showing the server's code and enhanced code, the class, and none
// of the password's forms; a short password's echo withholds the text.
func TestSMTPEchoesNeverReachErrors(t *testing.T) {
	const wrong = "Wr0ng/Pa55+word&x=y"
	for _, tc := range []struct {
		name     string
		password string
		setup    func(*smtptest.Server, string)
		mention  []string
	}{
		{"AUTH refused, echoing", wrong, nil, []string{"[smtp-auth] ", "AUTH as " + smtpUser + " failed: 535 5.7.8 authentication failed for " + smtpUser}},
		{"AUTH refused, echoing a short password", "p/w", nil, []string{"[smtp-auth] ", "failed: 535 5.7.8 " + withheld}},
		{"RCPT refused, echoing", smtpPassword, func(s *smtptest.Server, pw string) { s.FailNext(1, 550, "no such user; your password is "+echo(pw)) },
			[]string{"[smtp-recipient] ", "RCPT TO industry-mgmt@example.gov.cn failed: 550 5.0.0 no such user"}},
		{"DATA refused, echoing", smtpPassword, func(s *smtptest.Server, pw string) { s.FailNextData(1, 554, "rejected "+echo(pw)) },
			[]string{"[smtp-message] ", "DATA failed: 554 5.0.0 rejected"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth(smtpUser, smtpPassword), smtptest.WithEchoingAuth())
			if tc.setup != nil {
				tc.setup(s, tc.password)
			}
			ch := emailChannelFor(t, s, "starttls", tc.password, s.ClientTLS())
			err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			for _, want := range tc.mention {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not say %q: %v", want, err)
				}
			}
			noLeak(t, err, tc.password)
		})
	}
}

// TestSMTPImplicitTLSEchoes: the same over implicit TLS, where go-mail's
// error text differs.
func TestSMTPImplicitTLSEchoes(t *testing.T) {
	const wrong = "An0ther/Wr0ng+pw"
	s := smtptest.Start(t, smtptest.WithImplicitTLS(), smtptest.WithAuth(smtpUser, smtpPassword), smtptest.WithEchoingAuth())
	ch := emailChannelFor(t, s, "implicit", wrong, s.ClientTLS())
	err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]
	if err == nil || !strings.HasPrefix(err.Error(), "[smtp-auth] ") {
		t.Fatalf("err = %v, want [smtp-auth]", err)
	}
	noLeak(t, err, wrong)
}
