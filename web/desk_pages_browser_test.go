package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/browsertest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestBrowserDeskPages: the office clerk, on a phone, finds an enterprise
// by name, records one of its overdue tasks, records a demo post, re-sends
// a failed message and previews then records the go-live baseline of a
// section; screenshots of each page at both widths.
func TestBrowserDeskPages(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := firmsServer(t, s, outboxOptions())
	ids := seedOutbox(t, s)
	report(t, s, hotelWho, 44, reported)
	ctx := browsertest.New(t)

	open := func(path, visible string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS(visible))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
	}
	typeIn := func(sel, text string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS(sel), text)); err != nil {
			t.Fatalf("type into %s: %v", sel, err)
		}
	}

	open("/login", "#password")
	typeIn("#name", officeName)
	typeIn("#password", officePass)
	browsertest.Submit(t, ctx, "form[action='/login'] button")

	// The enterprises: find one by a part of its name.
	open("/desk/enterprises", "ul.firms")
	wantContains(t, browsertest.Text(t, ctx), "企业", "共 4 家", "晋江市安平古镇旅行社有限公司", "晋江市星光网吧有限公司", "已停用")
	browsertest.NotWiderThanPhone(t, ctx, "the enterprises")
	browsertest.Screenshot(t, ctx, "enterprises")
	typeIn("#q", "安平")
	browsertest.Submit(t, ctx, ".filter-go button")
	text := browsertest.Text(t, ctx)
	wantContains(t, text, "符合条件的 1 家（共 4 家）", "晋江市安平古镇旅行社有限公司")
	if strings.Contains(text, "星光网吧") {
		t.Error("the search for 安平 lists 星光网吧")
	}
	browsertest.Screenshot(t, ctx, "enterprises-found")

	browsertest.Submit(t, ctx, "a.firm")
	wantContains(t, browsertest.Text(t, ctx), "晋江市安平古镇旅行社有限公司", "统一社会信用代码", smallHotel, "逾期未完成", "已报告，待销号（1 项）")
	browsertest.NotWiderThanPhone(t, ctx, "an enterprise's page")
	browsertest.Screenshot(t, ctx, "enterprise")
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS(`#overdue + ul button[name=record1]`), "value"))
	if err != nil || !attr.Exists {
		t.Fatalf("the first overdue task's button: %+v, %v", attr, err)
	}
	first := attr.Value
	browsertest.Submit(t, ctx, `#overdue + ul button[name=record1]`)
	wantContains(t, browsertest.Text(t, ctx), "登记完成已办理：1 项", "任务"+first+" · 晋江市安平古镇旅行社有限公司")
	if got := statusOf(t, s, hotelWho, atoi(t, first)); got != remindd.StatusDone {
		t.Errorf("task %s of the hotel after 登记完成 in the browser: %q", first, got)
	}

	// Achievements: a demo post of tourism.
	open("/desk/achievements", "form.achieve")
	browsertest.NotWiderThanPhone(t, ctx, "the achievements")
	browsertest.Screenshot(t, ctx, "achievements")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("a-sector"), "tourism"),
		chromedp.SetValue(chromedp.ID("a-metric"), "demo_post"),
		chromedp.SendKeys(chromedp.ID("a-name"), "安平古镇旅行社青年突击手岗"),
		chromedp.SetValue(chromedp.ID("a-kind"), "青年突击手"),
		chromedp.SetValue(chromedp.ID("a-size"), "小微"),
		chromedp.SendKeys(chromedp.ID("a-enterprise"), smallHotel),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "achievements-filled")
	browsertest.Submit(t, ctx, "form.achieve button[type=submit]")
	wantContains(t, browsertest.Text(t, ctx), "成果已登记", "已计入旅游行业的示范岗位", "1 / 25", "安平古镇旅行社青年突击手岗")
	browsertest.Screenshot(t, ctx, "achievements-recorded")
	if got := achievements(t, s); len(got) != 1 || !strings.Contains(got[0], "demo_post 安平古镇旅行社青年突击手岗 "+smallHotel+" 小微 青年突击手 2024-05-24") {
		t.Errorf("achievements after the browser's form: %q", got)
	}

	// The outbox: re-send the section's mail.
	open("/desk/outbox", "form.decide")
	wantContains(t, browsertest.Text(t, ctx), "发送失败", "邮件服务器登录失败（账号或密码有误）", "机器人密钥无效", "行业管理科", "重新发送")
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("details.raw summary"))); err != nil {
		t.Fatal(err)
	}
	browsertest.NotWiderThanPhone(t, ctx, "the outbox")
	browsertest.Screenshot(t, ctx, "outbox")
	browsertest.Submit(t, ctx, fmt.Sprintf(`button[name=resend1][value="%d"]`, ids["mail-failed"]))
	wantContains(t, browsertest.Text(t, ctx), "已安排重新发送：1 条")
	browsertest.Screenshot(t, ctx, "outbox-resent")
	if got := outboxStatus(t, s)["mail-failed"]; got != store.StatusPending+" 0" {
		t.Errorf("the re-sent mail: %q, want pending again", got)
	}

	// The baseline: market-mgmt's, before May.
	open("/desk/baseline", "#note")
	browsertest.NotWiderThanPhone(t, ctx, "the baseline's form")
	if err := chromedp.Do(ctx,
		chromedp.SetValue(chromedp.ID("before"), "2024-05-01"),
		chromedp.SetValue(chromedp.ID("section"), "market-mgmt"),
		chromedp.SendKeys(chromedp.ID("note"), baselineNote),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "baseline")
	browsertest.Submit(t, ctx, "form[action='/desk/baseline'] button[type=submit]")
	wantContains(t, browsertest.Text(t, ctx), "上线统一登记：预览", "市场管理科及所管企业", "任务1–43", "文化行业", "1 家", "确认登记")
	browsertest.NotWiderThanPhone(t, ctx, "the baseline's preview")
	browsertest.Screenshot(t, ctx, "baseline-preview")
	if got := statusOf(t, s, remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}, 1); got != "" {
		t.Fatalf("the preview recorded task 1 of market-mgmt: %q", got)
	}
	browsertest.Submit(t, ctx, "main form[method=post][action='/desk/baseline'] button[type=submit]")
	wantContains(t, browsertest.Text(t, ctx), "统一登记已办理：", "科室 43 项，企业 ")
	browsertest.Screenshot(t, ctx, "baseline-recorded")
	evs, err := s.Events(context.Background(), testPlanID, store.EventFilter{Assignees: []remindd.Recipient{{Kind: remindd.KindSection, ID: "market-mgmt"}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 43 || evs[0].Source != remindd.SourceBaseline || evs[0].By != officeName {
		t.Errorf("market-mgmt's events after the baseline: %d, want 43 from the baseline by %s: %+v", len(evs), officeName, evs)
	}
}
