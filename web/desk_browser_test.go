package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/browsertest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// TestBrowserDesk: the office clerk logs in on a phone, sees the overview,
// opens the reports awaiting 销号, returns one with a reason, and the
// section's page shows it open with the reason; screenshots of the login,
// overview, reports, return form, result, section page and history at both
// widths.
func TestBrowserDesk(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	report(t, s, industryWho, 44, reported)
	report(t, s, industryWho, 45, reported)
	report(t, s, hotelWho, 44, reported)
	ctx := browsertest.New(t)

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/desk/reports"), chromedp.WaitVisible(chromedp.ID("password"))); err != nil {
		t.Fatal(err)
	}
	browsertest.NotWiderThanPhone(t, ctx, "the login page")
	browsertest.Screenshot(t, ctx, "login")
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.ID("name"), officeName),
		chromedp.SendKeys(chromedp.ID("password"), officePass),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.Submit(t, ctx, "form[action='/login'] button")
	// The login came back to the page asked for: the reports.
	wantContains(t, browsertest.Text(t, ctx), "待销号的报告", "任务44", "任务45", "晋江市安平古镇旅行社有限公司")

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/desk"), chromedp.WaitVisible(chromedp.CSS("svg.chart"))); err != nil {
		t.Fatal(err)
	}
	wantContains(t, browsertest.Text(t, ctx), "工作总览", "项报告等待销号", "行业管理科", "文化遗产科", "旅游行业", "示范岗位 · 年度目标 25 个")
	browsertest.NotWiderThanPhone(t, ctx, "the overview")
	browsertest.Screenshot(t, ctx, "overview")

	browsertest.Submit(t, ctx, "a.callout")
	browsertest.NotWiderThanPhone(t, ctx, "the reports")
	browsertest.Screenshot(t, ctx, "reports")

	// 退办 task 45 of 行业管理科, with a reason.
	browsertest.Submit(t, ctx, `a[href="/desk/reports/return?r=section%3Aindustry-mgmt%3A45"]`)
	wantContains(t, browsertest.Text(t, ctx), "退办：任务45", "退办理由")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("reason"), returnReason)); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "return-form")
	browsertest.Submit(t, ctx, "form.card button[type=submit]")
	wantContains(t, browsertest.Text(t, ctx), "退办已办理：1 项", "任务45 · 行业管理科", returnReason)
	browsertest.Screenshot(t, ctx, "returned")
	if got := statusOf(t, s, industryWho, 45); got != "" {
		t.Errorf("task 45 after 退办 in the browser: %q, want open", got)
	}
	evs, err := s.Events(context.Background(), testPlanID, store.EventFilter{Task: 45})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 || evs[0].Action != remindd.Returned || evs[0].Note != returnReason || evs[0].By != officeName {
		t.Errorf("task 45's last event %+v: want the office's return with the reason", evs)
	}

	// Confirm the enterprise's report and 44 together.
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/desk/reports"), chromedp.WaitVisible(chromedp.CSS("form.decide"))); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"section:industry-mgmt:44", "enterprise:" + smallHotel + ":44"} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`input[value="`+k+`"]`))); err != nil {
			t.Fatal(err)
		}
	}
	browsertest.Screenshot(t, ctx, "reports-selected")
	browsertest.Submit(t, ctx, `button[value="confirmed"]`)
	wantContains(t, browsertest.Text(t, ctx), "销号已办理：2 项")
	if got := statusOf(t, s, hotelWho, 44); got != remindd.StatusDone {
		t.Errorf("the enterprise's task 44 after bulk 销号: %q", got)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/desk/sections/industry-mgmt"), chromedp.WaitVisible(chromedp.ID("overdue"))); err != nil {
		t.Fatal(err)
	}
	text := browsertest.Text(t, ctx)
	wantContains(t, text, "行业管理科", "逾期未完成", "局办公室退办："+returnReason, "登记完成所选")
	browsertest.NotWiderThanPhone(t, ctx, "the section page")
	browsertest.Screenshot(t, ctx, "section")

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/desk/history"), chromedp.WaitVisible(chromedp.CSS("ol.history"))); err != nil {
		t.Fatal(err)
	}
	text = browsertest.Text(t, ctx)
	wantContains(t, text, "历史记录", "退办", "销号", returnReason, officeName)
	if strings.Index(text, "销号") > strings.Index(text, "报告完成") {
		t.Error("history is not newest first")
	}
	browsertest.NotWiderThanPhone(t, ctx, "the history")
	browsertest.Screenshot(t, ctx, "history")
}
