package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// robotKey is the secret in the enterprise's robot address.
const robotKey = "5e3f9a77-robot-key-0001"

// outboxOptions are the desk's options with the channels the outbox's
// notifications name, and notify's masks, as the daemon gives them.
func outboxOptions() web.Options {
	c := config.Default()
	c.Channels = []config.Channel{{Name: "mail", Type: config.TypeEmail}, {Name: "robots", Type: config.TypeRobot}}
	return web.Options{Config: &c, Redact: func(address, lastError string) (string, string) {
		return notify.MaskAddress(address), notify.MaskSecretsOf(address, lastError)
	}}
}

// seedOutbox enqueues the office's tests' notifications and fails them as
// the deliverer would: the section's mail given up (SMTP login), the
// hotel's robot given up (its key), the section's second mail waiting for
// another attempt, one sent, and one of another plan given up. It returns
// their ids by name.
func seedOutbox(t *testing.T, s *store.Store) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	at := testNow.Add(-time.Hour)
	msg := func(key, plan, kind, id, channel, address string) store.Message {
		return store.Message{Key: key, PlanID: plan, Rule: "lead", RecipientKind: kind, RecipientID: id, Channel: channel,
			Address: address, Subject: "安全生产工作提醒", Body: "正文", Tasks: []int{44}, NextAttempt: at}
	}
	robot := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + robotKey
	if _, err := s.Enqueue(ctx, []store.Message{
		msg("mail-failed", testPlanID, "section", industryID, "mail", "chief@example.gov.cn"),
		msg("robot-failed", testPlanID, "enterprise", smallHotel, "robots", robot),
		msg("mail-retrying", testPlanID, "section", "market-mgmt", "mail", "market@example.gov.cn"),
		msg("mail-sent", testPlanID, "section", "cultural-heritage", "mail", "heritage@example.gov.cn"),
		msg("other-plan", "another-plan", "section", industryID, "mail", "chief@example.gov.cn"),
	}); err != nil {
		t.Fatal(err)
	}
	rows, err := s.Claim(ctx, "w", at, 10)
	if err != nil || len(rows) != 5 {
		t.Fatalf("claim: %d, %v", len(rows), err)
	}
	ids := map[string]int64{}
	for _, r := range rows {
		ids[r.Key] = r.ID
		var err error
		switch r.Key {
		case "mail-failed", "other-plan":
			err = s.MarkFailed(ctx, r.ID, "[smtp-auth] channel mail: 535 5.7.8 authentication failed for remindd@example.gov.cn")
		case "robot-failed":
			err = s.MarkFailed(ctx, r.ID, "[robot-key] wecom "+robot+": errcode 93000: invalid webhook url, key "+robotKey)
		case "mail-retrying":
			err = s.MarkRetry(ctx, r.ID, testNow.Add(10*time.Minute), "[smtp-connect] channel mail: dial tcp 10.0.0.25:25: connection refused")
		case "mail-sent":
			err = s.MarkSent(ctx, r.ID, at)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// outboxStatus is each notification's status and attempts, by key.
func outboxStatus(t *testing.T, s *store.Store) map[string]string {
	t.Helper()
	rows, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, r := range rows {
		out[r.Key] = fmt.Sprintf("%s %d", r.Status, r.Attempts)
	}
	return out
}

func TestDeskOutbox(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, outboxOptions())
		ids := seedOutbox(t, s)
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk/outbox")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk/outbox: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "<h1>发送情况</h1>", "发送失败 <b>2</b>", "等待再次发送 <b>1</b>",
			"行业管理科", "晋江市安平古镇旅行社有限公司", "市场管理科",
			"邮件服务器登录失败（账号或密码有误）", "机器人密钥无效（地址有误或机器人已被移除）", "无法连接邮件服务器",
			"邮件（mail）", "企业的群机器人（robots）", "chief@example.gov.cn", "到期提醒", "自动重试中", "下次尝试 2024年5月24日 09:10",
			"<summary>技术细节", "535 5.7.8 authentication failed",
			fmt.Sprintf(`name="resend1" value="%d"`, ids["mail-failed"]), fmt.Sprintf(`name="resend1" value="%d"`, ids["robot-failed"]),
			"重新发送所选", `aria-current="page">发送情况</a>`)
		if strings.Contains(body, robotKey) {
			t.Errorf("the outbox page shows the robot's key:\n%s", body)
		}
		for _, absent := range []string{fmt.Sprintf(`value="%d"`, ids["mail-retrying"]), "heritage@example.gov.cn", "文化遗产科"} {
			if strings.Contains(body, absent) {
				t.Errorf("the page shows %q: a notification waiting or sent has no re-send button, and a sent one is not listed", absent)
			}
		}
		if i, j := strings.Index(body, "chief@example.gov.cn"), strings.Index(body, "market@example.gov.cn"); i < 0 || j < i {
			t.Error("the failed are not listed before those waiting")
		}

		// A section's user may neither see nor re-send.
		sb := loggedIn(t, srv, sectionName, sectionPass)
		before := outboxStatus(t, s)
		if res, _ := sb.get(t, "/desk/outbox"); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET /desk/outbox as a section: %d, want 403", res.StatusCode)
		}
		if res, _ := sb.post(t, "/desk/outbox", url.Values{"resend1": {fmt.Sprint(ids["mail-failed"])}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST /desk/outbox as a section: %d, want 403", res.StatusCode)
		}
		_, body = sb.get(t, "/desk")
		if strings.Contains(body, `href="/desk/outbox"`) || strings.Contains(body, `href="/desk/baseline"`) {
			t.Error("a section's header offers the office's pages")
		}
		// Bad forms change nothing.
		for _, form := range []url.Values{{}, {"id": {"abc"}}, {"id": {fmt.Sprint(ids["mail-failed"]), sqlMetachars}}, {"id": {"-1"}}, {"resend1": {"0x10"}}} {
			if res, body := b.post(t, "/desk/outbox", form); res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "本次没有作任何变更") {
				t.Errorf("POST %v: %d, want 400", form, res.StatusCode)
			}
		}
		if diff := cmp.Diff(before, outboxStatus(t, s)); diff != "" {
			t.Fatalf("refused re-sends changed the outbox (-before +after):\n%s", diff)
		}

		res, body = b.post(t, "/desk/outbox", url.Values{"resend1": {fmt.Sprint(ids["mail-failed"])}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("re-send: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "已安排重新发送：1 条", "系统会在一分钟内再次发送", "发送失败 <b>1</b>", "已安排重新发送</span>")
		want := map[string]string{"mail-failed": "pending 0", "robot-failed": "failed 1", "mail-retrying": "pending 1", "mail-sent": "sent 0", "other-plan": "failed 1"}
		if diff := cmp.Diff(want, outboxStatus(t, s)); diff != "" {
			t.Errorf("outbox after re-send (-want +got):\n%s", diff)
		}
		// The deliverer's next claim takes it.
		if rows, err := s.Claim(context.Background(), "w", testNow, 10); err != nil || len(rows) != 1 || rows[0].Key != "mail-failed" {
			t.Errorf("claim after the re-send: %+v, %v", rows, err)
		}
		want["mail-failed"] = "sending 0"
		// Selected: the robot's, one waiting, one of another plan, twice the robot's.
		res, body = b.post(t, "/desk/outbox", url.Values{"action": {"resend"}, "id": {
			fmt.Sprint(ids["robot-failed"]), fmt.Sprint(ids["mail-retrying"]), fmt.Sprint(ids["other-plan"]), fmt.Sprint(ids["robot-failed"]),
		}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("bulk re-send: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "已安排重新发送：1 条", "另有 2 条已不是“发送失败”状态", "发送失败 <b>0</b>")
		want["robot-failed"] = "pending 0"
		if diff := cmp.Diff(want, outboxStatus(t, s)); diff != "" {
			t.Errorf("outbox after the bulk re-send (-want +got):\n%s", diff)
		}
		// Again: nothing failed, nothing changes, and it says so.
		res, body = b.post(t, "/desk/outbox", url.Values{"resend1": {fmt.Sprint(ids["robot-failed"])}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "没有需要重新发送的通知") {
			t.Errorf("re-send again: %d\n%s", res.StatusCode, body)
		}
		if diff := cmp.Diff(want, outboxStatus(t, s)); diff != "" {
			t.Errorf("outbox after a replay (-want +got):\n%s", diff)
		}
	})
}

// TestDeskOutboxWithoutRedact: without the daemon's masks the page shows
// no address and no error text, only what the error's class means.
func TestDeskOutboxWithoutRedact(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	o := outboxOptions()
	o.Redact = nil
	srv := deskServer(t, s, o)
	seedOutbox(t, s)
	_, body := loggedIn(t, srv, officeName, officePass).get(t, "/desk/outbox")
	wantContains(t, body, "邮件服务器登录失败（账号或密码有误）", "机器人密钥无效")
	for _, raw := range []string{robotKey, "qyapi.weixin.qq.com", "535", "chief@example.gov.cn", "技术细节"} {
		if strings.Contains(body, raw) {
			t.Errorf("without Redact the page shows %q", raw)
		}
	}
}
