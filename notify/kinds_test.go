package notify

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/config"
)

// TestEveryKindBuilds: notify builds exactly the channel types the config
// knows, so that neither can gain a type the other lacks.
func TestEveryKindBuilds(t *testing.T) {
	for _, k := range config.ChannelKinds {
		if builders[k.Type] == nil {
			t.Errorf("config knows channel type %s, notify cannot build it", k.Type)
		}
	}
	for typ := range builders {
		if _, ok := config.KindOf(typ); !ok {
			t.Errorf("notify builds channel type %s, which the config does not know", typ)
		}
	}
}

// TestChannelsBuildWhatLoadAccepts: a config with a channel of every type,
// accepted by config.Load, builds through Channels, the daemon's and
// check-config's way; each secret Load cannot read refuses the config at
// Load already, so building never finds a problem Load let through.
func TestChannelsBuildWhatLoadAccepts(t *testing.T) {
	dir := t.TempDir()
	for name, content := range map[string]string{
		"url":         "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + wecomKey + "\n",
		"ding-url":    "https://oapi.dingtalk.com/robot/send?access_token=" + dingtalkToken + "\n",
		"ding-secret": dingtalkSecr + "\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("REMINDD_TEST_SMTP_PASSWORD", "hunter2")
	t.Setenv("REMINDD_TEST_HOOK", "http://127.0.0.1:9/hook")
	t.Setenv("REMINDD_TEST_FEISHU", "https://open.feishu.cn/open-apis/bot/v2/hook/"+feishuHook)
	body := "plan: " + filepath.Join(mustAbsDir(t, ".."), "plans", "jinjiang-2024.yaml") + `
channels:
  - {name: outbox, type: file, dir: outbox}
  - {name: journal, type: log}
  - {name: mail, type: email, host: smtp.example.gov.cn, from: remindd@example.gov.cn, username: remindd, password_env: REMINDD_TEST_SMTP_PASSWORD}
  - {name: office-wecom, type: wecom, url_file: url}
  - {name: office-ding, type: dingtalk, url_file: ding-url, secret_file: ding-secret}
  - {name: office-feishu, type: feishu, url_env: REMINDD_TEST_FEISHU}
  - {name: hook, type: webhook, url_env: REMINDD_TEST_HOOK}
  - {name: enterprise-robots, type: robot}
`
	// The config is named by a relative path, as the demo names it: its
	// relative paths are resolved once, against its folder.
	if err := os.WriteFile(filepath.Join(dir, "config.yaml"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(filepath.Dir(dir))
	c, err := config.Load(filepath.Join(filepath.Base(dir), "config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Channels) != len(config.ChannelKinds) {
		t.Fatalf("the config has %d channels, want one of each of the %d types", len(c.Channels), len(config.ChannelKinds))
	}
	chans, err := Channels(c, Options{Log: LoggerFunc(func(string, map[string]any) {})})
	if err != nil {
		t.Fatal(err)
	}
	for _, ch := range c.Channels {
		if chans[ch.Name] == nil {
			t.Errorf("channel %s not built", ch.Name)
		}
	}
	if e := chans["mail"].(*emailChannel); e.password != "hunter2" || e.port != 587 || e.tls != "starttls" {
		t.Errorf("mail built with port %d, tls %s, password read: %v", e.port, e.tls, e.password == "hunter2")
	}
	if f := chans["outbox"].(*fileChannel); f.dir != filepath.Join(filepath.Base(dir), "outbox") {
		t.Errorf("file channel writes to %s", f.dir)
	}
	if r := chans["office-ding"].(*robotChannel); r.ep.secret != dingtalkSecr || r.ep.vendor.name != kindDingTalk {
		t.Errorf("dingtalk built as %s, secret read: %v", r.ep.vendor.name, r.ep.secret == dingtalkSecr)
	}

	// A secret gone between Load and building (a file removed) is named
	// once, with the channel.
	if err := os.Remove(filepath.Join(dir, "url")); err != nil {
		t.Fatal(err)
	}
	_, err = Channels(c, Options{})
	want := "channel office-wecom: url from file " + filepath.Join(filepath.Base(dir), "url") + ": no such file or directory"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	if err != nil && strings.Count(err.Error(), "channel office-wecom") != 1 {
		t.Errorf("the channel is named more than once: %v", err)
	}
}

func mustAbsDir(t *testing.T, p string) string {
	t.Helper()
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
