package main

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/internal/smtptest"
)

// testSendConfig writes a config whose industry-mgmt section gets e-mail
// through the SMTP server on port, and whose office has no contacts.
func testSendConfig(t *testing.T, port int) string {
	t.Helper()
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	body := fmt.Sprintf(`plan: %s
store: sqlite:%s
channels:
  - {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, from: remindd@example.gov.cn, from_name: 安全生产提醒}
sections:
  - id: industry-mgmt
    contacts:
      - {channel: mail, address: chief@example.gov.cn}
`, plan, filepath.Join(dir, "remindd.db"), port)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestTestSendReachesASectionsMailbox(t *testing.T) {
	sink := smtptest.Start(t)
	cfg := testSendConfig(t, sink.Port)
	code, out, errs := cli(t, "test-send", "--config", cfg, "--section", "industry-mgmt")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	if want := "mail → chief@example.gov.cn: sent\n"; out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	ms := sink.Messages()
	if len(ms) != 1 {
		t.Fatalf("the sink got %d messages, want 1", len(ms))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(ms[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(subject, "【测试】") {
		t.Errorf("subject %q does not say it is a test", subject)
	}
	if to := msg.Header.Get("To"); !strings.Contains(to, "chief@example.gov.cn") {
		t.Errorf("To: %q", to)
	}
	raw, _ := io.ReadAll(msg.Body)
	if len(raw) == 0 {
		t.Error("empty body")
	}
	if ts := ms[0].To; len(ts) != 1 || ts[0] != "chief@example.gov.cn" {
		t.Errorf("envelope recipients %v", ts)
	}

	// The address given on the command line, through a named channel.
	code, out, errs = cli(t, "test-send", "--config", cfg, "--channel", "mail", "--to", "clerk@example.gov.cn")
	if code != 0 || out != "mail → clerk@example.gov.cn: sent\n" {
		t.Errorf("--channel --to: exit %d, %q %s", code, out, errs)
	}
	if n := len(sink.Messages()); n != 2 {
		t.Errorf("the sink got %d messages, want 2", n)
	}
}

// TestTestSendRendersThroughTheTemplates: the test message comes from the
// templates, so the config's template folder shapes it as it shapes the
// reminders.
func TestTestSendRendersThroughTheTemplates(t *testing.T) {
	sink := smtptest.Start(t)
	cfg := testSendConfig(t, sink.Port)
	dir := filepath.Join(filepath.Dir(cfg), "templates")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "test.subject.tmpl"), []byte("【测试】{{.Name}}，经{{.Channel}}"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("templates: templates\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, "test-send", "--config", cfg, "--section", "industry-mgmt")
	if code != 0 {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	ms := sink.Messages()
	if len(ms) != 1 {
		t.Fatalf("the sink got %d messages, want 1", len(ms))
	}
	msg, err := mail.ReadMessage(bytes.NewReader(ms[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "【测试】行业管理科，经mail"; subject != want {
		t.Errorf("subject %q, want the template's %q", subject, want)
	}
}

func TestTestSendSaysWhatFailed(t *testing.T) {
	sink := smtptest.Start(t)
	cfg := testSendConfig(t, sink.Port)
	sink.Close()
	code, out, errs := cli(t, "test-send", "--config", cfg, "--section", "industry-mgmt")
	if code != 1 {
		t.Errorf("exit %d with the server down, want 1", code)
	}
	if !strings.HasPrefix(out, "mail → chief@example.gov.cn: failed: ") || !strings.Contains(out, "connect") {
		t.Errorf("output %q should name the contact and the failed step", out)
	}
	if !strings.Contains(errs, "1 of 1 test messages not sent") {
		t.Errorf("stderr %q", errs)
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--section", "no-such"}, 2, `--section "no-such": not a section of plan`},
		{[]string{"--section", "office"}, 1, "the office has no contacts"},
		{[]string{"--section", "market-mgmt"}, 1, "section market-mgmt (市场管理科) has no contacts"},
		{[]string{"--channel", "nope"}, 2, `--channel "nope": no such channel`},
		{[]string{"--channel", "mail"}, 2, "give --to ADDRESS"},
		{[]string{}, 2, "give either --section ID or --channel NAME"},
		{[]string{"--section", "industry-mgmt", "--to", "x@example.com"}, 2, "--to goes with --channel"},
	} {
		code, _, errs := cli(t, append([]string{"test-send", "--config", cfg}, c.args...)...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}
