package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// Secrets of the end-to-end test: an enterprise's robot key, a section's
// group robot key, the SMTP password remindd is given (the server expects
// another). Each holds characters that every encoding writes differently.
const (
	e2eEnterpriseKey = "ent/Key+9f3a=7c1d&Zq"
	e2eSectionKey    = "sec/Key+4b2e=8d0f&Wx"
	e2ePassword      = "Pa55/w+rd&x=y<z>"
)

// secretForms writes s as servers and proxies echo it: as it is, query- and
// path-escaped (either case of hex), every byte escaped, JSON-escaped
// (HTML-safe, ASCII-only), base64 (standard, URL). Computed here, not by
// the code under test.
func secretForms(s string) map[string]string {
	var all strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&all, "%%%02X", s[i])
	}
	js, _ := json.Marshal(s)
	return map[string]string{
		"raw": s, "query-escaped": url.QueryEscape(s), "path-escaped": url.PathEscape(s),
		"query-escaped, lower hex": strings.NewReplacer("%2F", "%2f", "%2B", "%2b", "%3D", "%3d", "%26", "%26", "%3C", "%3c", "%3E", "%3e").Replace(url.QueryEscape(s)),
		"every byte escaped":       all.String(), "JSON": strings.Trim(string(js), `"`),
		"base64": base64.StdEncoding.EncodeToString([]byte(s)), "base64 URL": base64.URLEncoding.EncodeToString([]byte(s)),
	}
}

// echoAll is every form of the secrets, for a server to write back.
func echoAll(secrets ...string) string {
	var b strings.Builder
	for _, s := range secrets {
		for name, f := range secretForms(s) {
			fmt.Fprintf(&b, "%s=%s ", name, f)
		}
	}
	return b.String()
}

// shows names the secret forms text holds.
func shows(text string, secrets ...string) []string {
	var out []string
	for _, s := range secrets {
		for name, f := range secretForms(s) {
			if strings.Contains(text, f) {
				out = append(out, fmt.Sprintf("%s %s", s, name))
			}
		}
	}
	return out
}

// TestSecretsNeverLeak is finding 9 end to end, on both backends: an
// enterprise robot and a section's group robot whose servers echo their key
// in every encoding, an SMTP server that echoes the password in its AUTH
// refusal. After a morning's tick and the digest's, no form of any secret
// is in the logs, the stored last_error, `outbox --format json`, `due
// --format json`, `enterprises list --format json` or the office's digest,
// which explains each failure in Chinese and shows no error text.
func TestSecretsNeverLeak(t *testing.T) {
	secrets := []string{e2eEnterpriseKey, e2eSectionKey, e2ePassword}
	echo := echoAll(secrets...)
	entRobot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusForbidden)
		io.WriteString(w, "forbidden: "+r.URL.String()+" "+echo)
	}))
	defer entRobot.Close()
	secRobot := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		msg, _ := json.Marshal("invalid webhook url " + r.URL.RawQuery + " " + echo)
		fmt.Fprintf(w, `{"errcode":93000,"errmsg":%s}`, msg)
	}))
	defer secRobot.Close()
	smtp := smtptest.Start(t, smtptest.WithAuth("remindd@example.gov.cn", "the-right-password"), smtptest.WithEchoingAuth())

	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			dir := t.TempDir()
			plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
			if err != nil {
				t.Fatal(err)
			}
			write := func(name, body string) string {
				t.Helper()
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
					t.Fatal(err)
				}
				return p
			}
			entURL := entRobot.URL + "/cgi-bin/webhook/send?key=" + url.QueryEscape(e2eEnterpriseKey)
			write("password", e2ePassword+"\n")
			write("section-url", secRobot.URL+"/cgi-bin/webhook/send?key="+url.QueryEscape(e2eSectionKey)+"\n")
			cfg := write("config.yaml", fmt.Sprintf(`plan: %s
store: sqlite:%s
channels:
  - {name: outbox, type: file, dir: %s}
  - {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, username: remindd@example.gov.cn, password_file: password, from: remindd@example.gov.cn}
  - {name: section-robot, type: wecom, url_file: section-url}
  - {name: robots, type: robot}
office:
  contacts:
    - {channel: outbox, address: office@example.gov.cn}
sections:
  - id: industry-mgmt
    contacts:
      - {channel: mail, address: chief@example.gov.cn}
      - {channel: section-robot, address: ""}
enterprises:
  email: mail
  robot: robots
`, plan, filepath.Join(dir, "unused.db"), filepath.Join(dir, "outbox"), smtp.Port))
			csv := write("enterprises.csv", "credit_code,name,sector,size,trades,contact,email,mobile,webhook,active\n"+
				"913505826402668510,晋江市榕溪景区管理有限公司,tourism,规上,消防重点单位,陈志强,anquan@rongxi-scenic.example.com,13805951002,"+entURL+",true\n")
			addr := b.Addr(t)
			run := func(args ...string) (string, string) {
				t.Helper()
				code, out, errs := cli(t, append(args, "--config", cfg, "--store", addr)...)
				if code != 0 {
					t.Fatalf("remindd %s: exit %d: %s", strings.Join(args, " "), code, errs)
				}
				return out, errs
			}
			check := func(what, text string) {
				t.Helper()
				if l := shows(text, secrets...); len(l) > 0 {
					t.Errorf("%s shows %v:\n%s", what, l, text)
				}
			}
			run("migrate")
			run("enterprises", "import", csv)
			out, _ := run("enterprises", "list", "--format", "json")
			check("enterprises list --format json", out)
			if !strings.Contains(out, entRobot.URL+"/cgi-bin/webhook/send?key=***") {
				t.Errorf("enterprises list --format json does not show the masked robot URL:\n%s", out)
			}
			out, _ = run("due", "--at", "2024-05-24T09:00:00+08:00", "--format", "json")
			check("due --format json", out)
			if !strings.Contains(out, `"address":"`+entRobot.URL+`/cgi-bin/webhook/send?key=***"`) {
				t.Errorf("due --format json does not show the masked robot URL")
			}
			out, errs := run("tick", "--at", "2024-05-24T09:00:00+08:00", "--log-level", "debug")
			check("tick's log", errs)
			check("tick's output", out)
			if !strings.Contains(errs, "delivery failed") {
				t.Errorf("tick logged no failed delivery:\n%s", errs)
			}

			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			rows, err := s.Outbox(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			classes := map[string]int{}
			for _, r := range rows {
				check("last_error of "+r.Key, r.LastError)
				if r.Status == store.StatusFailed {
					class, _, _ := strings.Cut(strings.TrimPrefix(r.LastError, "["), "]")
					classes[r.Channel+" "+class]++
				}
			}
			for _, want := range []string{"mail smtp-auth", "robots robot-key", "section-robot robot-key"} {
				if classes[want] == 0 {
					t.Errorf("no failure %s; failures by channel and class: %v", want, classes)
				}
			}
			out, _ = run("outbox", "--format", "json")
			check("outbox --format json", out)

			run("tick", "--at", "2024-06-02T09:00:00+08:00")
			// The file is named after the key, which ends with the address's
			// digest when the contact has an address.
			files, err := filepath.Glob(filepath.Join(dir, "outbox", "digest_office_office_2024-06_outbox*.txt"))
			if err != nil || len(files) != 1 {
				t.Fatalf("the office's digest files: %v, %v; want one", files, err)
			}
			digest, err := os.ReadFile(files[0])
			if err != nil {
				t.Fatal(err)
			}
			check("the office's digest", string(digest))
			for _, want := range []string{"四、发送失败的提醒", "邮箱服务器登录失败：", "机器人密钥无效："} {
				if !strings.Contains(string(digest), want) {
					t.Errorf("the digest does not say %q:\n%s", want, digest)
				}
			}
			for _, raw := range []string{"errcode", "535", "HTTP 403", "channel mail", "[robot-key]", "127.0.0.1"} {
				if strings.Contains(string(digest), raw) {
					t.Errorf("the digest shows the error text %q:\n%s", raw, digest)
				}
			}
		})
	}
}

// TestOutboxMasksErrorsStoredBeforeMasking: a last_error written by an
// older remindd (or another system) with the robot's key in it, raw and
// percent-encoded, is shown by `outbox --format json` with the key masked.
func TestOutboxMasksErrorsStoredBeforeMasking(t *testing.T) {
	const key = "old/Key+1a2b=3c4d"
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			st := []string{"--config", exampleConfig, "--store", addr}
			if code, _, errs := cli(t, append([]string{"migrate"}, st...)...); code != 0 {
				t.Fatalf("migrate: exit %d: %s", code, errs)
			}
			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			robot := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + url.QueryEscape(key)
			const at = "2024-05-24 01:00:00.000000"
			if _, err := s.DB().Exec(`INSERT INTO notifications (dedup_key, plan_id, rule, recipient_kind, recipient_id, channel, address, subject, body, tasks, status, attempts, next_attempt_at, created_at, last_error)
VALUES ('lead:enterprise:913505826402668510:2024-05-31/d7:robots', 'jinjiang-2024', 'lead', 'enterprise', '913505826402668510', 'robots', ?, '', '{}', '', 'failed', 1, ?, ?, ?)`,
				robot, at, at, "wecom "+robot+": errcode 93000: invalid webhook url, key "+key+" "+url.PathEscape(key)); err != nil {
				t.Fatal(err)
			}
			code, out, errs := cli(t, append([]string{"outbox", "--format", "json"}, st...)...)
			if code != 0 {
				t.Fatalf("outbox: exit %d: %s", code, errs)
			}
			if l := shows(out, key); len(l) > 0 {
				t.Errorf("outbox --format json shows %v:\n%s", l, out)
			}
			if !strings.Contains(out, `"address": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***"`) {
				t.Errorf("outbox --format json does not show the masked address:\n%s", out)
			}
		})
	}
}
