package config_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/config"
)

// TestLeadDaysEmptyIsRefused: an empty list of lead days would leave the
// rules without a first stage (due panicked on it); left out, or null, the
// key gets the default.
func TestLeadDaysEmptyIsRefused(t *testing.T) {
	path, err := loadErr(t, "rules:\n  lead_days: []\n")
	want := path + ":3: rules.lead_days: no lead days: give at least one (0 reminds on the deadline's day), or leave the key out for 7, 3, 1, 0"
	if err == nil || err.Error() != want {
		t.Errorf("error:\n%v\nwant:\n%s", err, want)
	}
	for _, body := range []string{"", "rules:\n  lead_days:\n", "rules:\n  lead_days: ~\n"} {
		c, err := config.Load(writeConfig(t, body))
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		if diff := cmp.Diff([]int{7, 3, 1, 0}, c.Rules.LeadDays); diff != "" {
			t.Errorf("%q: lead days (-want +got):\n%s", body, diff)
		}
	}
}

// TestChannelSecretsAreReadAtLoad: a secret that cannot be read refuses
// the config at Load, for every command alike, naming file, line, the field
// written and the variable or file, never the value; before, only building
// the channel (run, check-config, test-send) found it.
func TestChannelSecretsAreReadAtLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	empty := write("empty", "\n")
	ftp := write("ftp-url", "ftp://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=0b9f7c2e-s3cret\n")
	t.Setenv("REMINDD_TEST_EMPTY_VAR", "")
	t.Setenv("CREDENTIALS_DIRECTORY", "")
	const mail = "channels:\n  - name: mail\n    type: email\n    host: smtp.example.gov.cn\n    from: remindd@example.gov.cn\n"
	for _, tc := range []struct{ name, body, want string }{
		{"unset password_env", mail + "    username: remindd\n    password_env: REMINDD_TEST_UNSET_PW\n",
			"8: channels[0].password_env: password from environment variable REMINDD_TEST_UNSET_PW: not set"},
		{"empty password_env", mail + "    username: remindd\n    password_env: REMINDD_TEST_EMPTY_VAR\n",
			"8: channels[0].password_env: password from environment variable REMINDD_TEST_EMPTY_VAR: not set"},
		{"missing password_file", mail + "    username: remindd\n    password_file: smtp-password\n",
			"8: channels[0].password_file: password from file {dir}/smtp-password: no such file or directory"},
		{"credentials folder not set", mail + "    username: remindd\n    password_file: ${CREDENTIALS_DIRECTORY}/smtp-password\n",
			"8: channels[0].password_file: password from file ${CREDENTIALS_DIRECTORY}/smtp-password: environment variable CREDENTIALS_DIRECTORY is not set"},
		{"username without a password", mail + "    username: remindd\n",
			"3: channels[0].password_env: username is set but no password_env or password_file"},
		{"unset url_env", "channels:\n  - {name: office, type: wecom, url_env: REMINDD_TEST_UNSET_URL}\n",
			"3: channels[0].url_env: url from environment variable REMINDD_TEST_UNSET_URL: not set"},
		{"empty url_file", "channels:\n  - {name: office, type: dingtalk, url_file: " + empty + "}\n",
			"3: channels[0].url_file: url from file " + empty + " is empty"},
		{"url not http", "channels:\n  - {name: office, type: wecom, url_file: " + ftp + "}\n",
			"3: channels[0].url_file: url from file " + ftp + ": not an http or https URL"},
		{"unset secret_env", "channels:\n  - {name: office, type: feishu, url_file: " + ftp + ", secret_env: REMINDD_TEST_UNSET_SECRET}\n",
			"3: channels[0].secret_env: secret from environment variable REMINDD_TEST_UNSET_SECRET: not set"},
		{"url_env and url_file", "channels:\n  - {name: office, type: webhook, url_env: A, url_file: b}\n",
			"3: channels[0].url_env: give url_env or url_file, not both"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, err := loadErr(t, tc.body)
			want := path + ":" + strings.ReplaceAll(tc.want, "{dir}", filepath.Dir(path))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
			}
			if err != nil && strings.Contains(err.Error(), "s3cret") {
				t.Errorf("error shows the secret: %v", err)
			}
		})
	}

	// Without a username no AUTH is made: a password named is not read.
	if _, err := config.Load(writeConfig(t, mail+"    password_env: REMINDD_TEST_UNSET_PW\n")); err != nil {
		t.Errorf("password without username: %v", err)
	}
}

// TestSpecChecksAsLoadDoes: Spec, what notify.New builds from, fills the
// kind's defaults of a channel no file gave, refuses what Load refuses, in
// the channel's name once, and reads the secrets.
func TestSpecChecksAsLoadDoes(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pw"), []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := config.Channel{Name: "mail", Type: "email", Host: "h", From: "a@example.gov.cn", Username: "u", PasswordFile: "pw"}.Spec(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.TLS != "starttls" || s.Port != 587 || s.Timeout != config.DefaultTimeout || s.Secrets.Password != "hunter2" || s.PasswordFile != filepath.Join(dir, "pw") {
		t.Errorf("spec %+v", s)
	}
	if strings.Contains(fmt.Sprintf("%v %+v %#v", s, s, s), "hunter2") {
		t.Error("a printed spec shows the password")
	}
	for typ, port := range map[string]int{"implicit": 465, "none": 25} {
		s, err := config.Channel{Name: "m", Type: "email", Host: "h", From: "a@example.gov.cn", TLS: typ}.Spec("")
		if err != nil || s.Port != port {
			t.Errorf("tls %s: port %d, %v", typ, s.Port, err)
		}
	}
	t.Setenv("REMINDD_TEST_URL", "https://oapi.dingtalk.com/robot/send?access_token=abc")
	s, err = config.Channel{Name: "ding", Type: "dingtalk", URLEnv: "REMINDD_TEST_URL"}.Spec("")
	if err != nil || s.Timeout != config.DefaultTimeout || s.Secrets.URL != "https://oapi.dingtalk.com/robot/send?access_token=abc" || s.Secrets.Signing != "" {
		t.Errorf("robot spec %+v, %v", s, err)
	}

	for _, tc := range []struct {
		ch   config.Channel
		want string
	}{
		{config.Channel{Name: "outbox", Type: "file"}, "channel outbox: a file channel needs dir"},
		{config.Channel{Name: "m", Type: "email", TLS: "ssl", Port: 70000},
			`channel m: an email channel needs host; tls must be starttls, implicit or none, not "ssl"; port 70000 outside 1–65535; an email channel needs from`},
		{config.Channel{Name: "sms", Type: "sms"}, `channel sms: unknown channel type "sms" (want one of file, log, email, wecom, dingtalk, feishu, webhook, robot)`},
		{config.Channel{Name: "w", Type: "webhook", URL: "https://example.org/x"},
			"channel w: secrets are not written in the config: use url_env or url_file; a webhook channel needs url_env or url_file (the URL holds its token)"},
		{config.Channel{Name: "w", Type: "robot", Timeout: config.Duration(-time.Second)}, "channel w: timeout must be positive"},
	} {
		_, err := tc.ch.Spec("")
		if err == nil || err.Error() != tc.want {
			t.Errorf("%+v:\nerror %v\nwant  %s", tc.ch, err, tc.want)
		}
	}
}

// TestDefaultsInOnePlace: a config that leaves every key out gets
// config.Default's values, and the example config writes each default out
// with the same value.
func TestDefaultsInOnePlace(t *testing.T) {
	t.Setenv("REMINDD_TEST_URL", "https://oapi.dingtalk.com/robot/send?access_token=abc")
	c, err := config.Load(writeConfig(t, "channels:\n  - {name: mail, type: email, host: h, from: a@example.gov.cn}\n  - {name: ding, type: dingtalk, url_env: REMINDD_TEST_URL}\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := config.Default()
	type defaulted struct {
		Store    string
		CatchUp  config.Duration
		Rules    config.Rules
		Jobs     config.Jobs
		Delivery config.Delivery
	}
	pick := func(c config.Config) defaulted {
		return defaulted{c.Store, c.CatchUp, c.Rules, c.Jobs, c.Delivery}
	}
	if diff := cmp.Diff(pick(d), pick(*c)); diff != "" {
		t.Errorf("left out (-Default +loaded):\n%s", diff)
	}
	mail, ding := c.Channels[0], c.Channels[1]
	if mail.TLS != config.DefaultTLS || mail.Port != 587 || mail.Timeout != config.DefaultTimeout || ding.Timeout != config.DefaultTimeout {
		t.Errorf("channel defaults: mail %+v, ding %+v", mail, ding)
	}

	ex, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d.Store = ex.Store // the demo keeps its store under ./var
	if diff := cmp.Diff(pick(d), pick(*ex)); diff != "" {
		t.Errorf("examples/config.yaml (-Default +example):\n%s", diff)
	}
	src, err := os.ReadFile("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"catch_up:", "lead_days:", "overdue_every_days:", "sweep:", "agenda:", "digest:", "quarterly:", "deliver:",
		"max_attempts:", "backoff_base:", "backoff_max:", "batch:", "drain_timeout:", "port: 587", "tls: starttls", "timeout: 15s", "/var/lib/remindd/remindd.db",
		"name: " + config.DefaultOfficeName, "require_confirmation: true", "session_ttl: 12h"} {
		if !strings.Contains(string(src), key) {
			t.Errorf("examples/config.yaml does not write %s out", key)
		}
	}
}
