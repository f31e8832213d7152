package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/browsertest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/web"
)

// TestBrowserReport: a section chief opens the section's link on a phone,
// sees the May tasks, fills in the note and who for task 44, submits, and
// sees the confirmation; the store has task 44 reported for that section
// only. Screenshots of the page, the confirmation and a tampered link's
// 403 page, at both widths.
func TestBrowserReport(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{RequireConfirmation: true})
	ctx := browsertest.New(t)
	tok := srv.token(t, industry)

	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/r/"+tok), chromedp.WaitVisible(chromedp.ID("task-44"))); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, text, "行业管理科", "本月到期（11 项）", "截止日期：2024年5月31日", "任务44", "督促、指导小微企业完成管理达标。", "还剩 7 天", "任务45")
	// The style sheet loaded (the CSP lets it): the cards have their border.
	border, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#task-44")).borderLeftWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if border != "6px" {
		t.Errorf("task 44's card has a %q left border: the style sheet did not load", border)
	}
	// Nothing is wider than the phone.
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil {
		t.Fatal(err)
	}
	if wide > browsertest.PhoneWidth {
		t.Errorf("the page is %d px wide on a %d px phone", wide, browsertest.PhoneWidth)
	}
	browsertest.Screenshot(t, ctx, "recipient")

	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#task-44 summary")),
		chromedp.WaitVisible(chromedp.ID("note-44")),
		chromedp.SendKeys(chromedp.ID("note-44"), "已督促辖区 12 家小微企业完成管理达标。"),
		chromedp.SendKeys(chromedp.ID("by-44"), "张科长"),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "recipient-filled")
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("#task-44 button")))); err != nil {
		t.Fatal(err)
	}
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, text, "已收到您的报告", "任务44", "张科长", "已督促辖区 12 家小微企业完成管理达标。", "局办公室确认后销号")
	browsertest.Screenshot(t, ctx, "confirmation")

	cs := completionsOf(t, s, industry)
	if c, ok := cs[44]; !ok || c.Status != remindd.StatusReported || c.By != "张科长" || c.Source != remindd.SourceLink {
		t.Errorf("task 44 for industry-mgmt: %+v, want reported through the link by 张科长", c)
	}
	if len(cs) != 1 {
		t.Errorf("industry-mgmt has %d completions, want 1 (task 44)", len(cs))
	}
	for _, other := range []remindd.Recipient{market, enterpriseOf(smallTravel)} {
		if n := len(completionsOf(t, s, other)); n != 0 {
			t.Errorf("%s has %d completions: only industry-mgmt reported", other, n)
		}
	}

	// Back to the page: 44 awaits 销号.
	if _, err := chromedp.Run(ctx, chromedp.WaitEvent(page.LoadEventFired, nil, chromedp.Click(chromedp.CSS("a.button")))); err != nil {
		t.Fatal(err)
	}
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, text, "已报告，待局办公室确认（1 项）")

	bad := tok[:len(tok)-4] + "AAAA"
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/r/"+bad), chromedp.WaitVisible(chromedp.CSS("h1"))); err != nil {
		t.Fatal(err)
	}
	text, err = chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, text, "403", "链接无效", "局办公室")
	if strings.Contains(text, "行业管理科") {
		t.Error("a tampered link's page names the section")
	}
	browsertest.Screenshot(t, ctx, "forbidden")
}

// TestBrowserEnterprise: a small enterprise's page on a phone, with its
// supervising section's phone; a screenshot at both widths.
func TestBrowserEnterprise(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{RequireConfirmation: true})
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/r/"+srv.token(t, enterpriseOf(smallTravel))), chromedp.WaitVisible(chromedp.ID("task-44"))); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, text, smallTravel.Name, "主管科室：行业管理科", "0595-85600001", "任务44")
	browsertest.Screenshot(t, ctx, "enterprise")
}

// TestBrowserReportLater: an enterprise's officer on a phone opens the
// items due later, folded into one checklist, ticks the first, says how it
// was done and reports it; the confirmation names it and the store has it
// reported. Screenshots of the opened list and the confirmation.
func TestBrowserReportLater(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{RequireConfirmation: true})
	ctx := browsertest.New(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/r/"+srv.token(t, enterpriseOf(smallTravel))), chromedp.WaitVisible(chromedp.ID("task-44"))); err != nil {
		t.Fatal(err)
	}
	first := `#later input[type=checkbox]`
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#later > summary")), chromedp.WaitVisible(chromedp.CSS(first))); err != nil {
		t.Fatal(err)
	}
	value, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("`+first+`").value`))
	if err != nil {
		t.Fatal(err)
	}
	wantContains(t, browsertest.Text(t, ctx), "以后到期", "勾选后一起报告", "任务"+value+"（")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(first)),
		chromedp.SendKeys(chromedp.ID("note-later"), "已提前完成。"),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.NotWiderThanPhone(t, ctx, "the opened list of items due later")
	browsertest.Screenshot(t, ctx, "later")
	browsertest.Submit(t, ctx, "#later form > button")
	wantContains(t, browsertest.Text(t, ctx), "已收到您的报告", "任务"+value, "已提前完成。", "王小明")
	browsertest.Screenshot(t, ctx, "later-reported")
	cs := completionsOf(t, s, enterpriseOf(smallTravel))
	if len(cs) != 1 {
		t.Fatalf("completions %v, want task %s only", cs, value)
	}
	for n, c := range cs {
		if fmt.Sprint(n) != value || c.Status != remindd.StatusReported || c.Note != "已提前完成。" {
			t.Errorf("task %d: %+v, want task %s reported with the note", n, c, value)
		}
	}
}
