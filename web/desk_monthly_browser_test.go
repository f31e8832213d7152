package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/browsertest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/web"
)

// TestBrowserMonthly: on 1 June a section chief marks May's reports sent
// from the link in a message, on a phone; the office clerk sees who has
// not, enters a section's May figures (one typed wrong first), finds the
// forms to download, and sets an enterprise's risk colour and role;
// screenshots of each page at both widths.
func TestBrowserMonthly(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := firmsServer(t, s, web.Options{Now: func() time.Time { return june1 }})
	ctx := browsertest.New(t)
	tok, err := srv.Options.Signer.Mint(industryWho, june1.Add(30*24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	open := func(path, visible string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(chromedp.CSS(visible))); err != nil {
			t.Fatalf("open %s: %v", path, err)
		}
	}

	// The section chief, from the link in the reminder.
	open("/r/"+tok, "#monthly")
	wantContains(t, browsertest.Text(t, ctx), "月报报送", "2024年5月的月报", "本月已报送")
	browsertest.NotWiderThanPhone(t, ctx, "a section's link page with the monthly form")
	browsertest.Screenshot(t, ctx, "link-monthly")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.CSS("form.monthly-form input[name=by]"), "张科长")); err != nil {
		t.Fatal(err)
	}
	browsertest.Submit(t, ctx, "form.monthly-form button")
	wantContains(t, browsertest.Text(t, ctx), "2024年5月月报已登记报送", "返回本科室页面")
	browsertest.Screenshot(t, ctx, "link-monthly-marked")
	if got := history(t, s); len(got) != 1 || got[0] != "month_reported 0 industry-mgmt 张科长 link" {
		t.Errorf("history after the mark: %q", got)
	}

	// The office clerk.
	open("/login", "#password")
	if err := chromedp.Do(ctx, chromedp.SendKeys(chromedp.ID("name"), officeName), chromedp.SendKeys(chromedp.ID("password"), officePass)); err != nil {
		t.Fatal(err)
	}
	browsertest.Submit(t, ctx, "form[action='/login'] button")
	open("/desk", "#monthly")
	wantContains(t, browsertest.Text(t, ctx), "月报报送情况", "2024年5月月报：已报送 1/4 个科室", "尚未报送：市场管理科、公共文化和艺术科、文化遗产科")
	browsertest.Screenshot(t, ctx, "overview-monthly")

	open("/desk/monthly", ".monthly-rows")
	wantContains(t, browsertest.Text(t, ctx), "月报 · 2024年5月", "下载附件4", "下载附件5", "尚未填报2024年5月的月报数据", "月报已报送")
	browsertest.NotWiderThanPhone(t, ctx, "the monthly page")
	browsertest.Screenshot(t, ctx, "monthly")

	browsertest.Submit(t, ctx, ".monthly-row a.button")
	wantContains(t, browsertest.Text(t, ctx), "行业管理科 · 2024年5月", "尚未填报")
	var fill []chromedp.Action[chromedp.Void]
	for _, c := range remindd.FigureColumns {
		fill = append(fill, chromedp.SetValue(chromedp.ID("fig-"+c.Key), "0"))
	}
	fill = append(fill, chromedp.SetValue(chromedp.ID("fig-inspected"), "17"), chromedp.SetValue(chromedp.ID("fig-site_5s"), "-1"))
	if err := chromedp.Do(ctx, fill...); err != nil {
		t.Fatal(err)
	}
	browsertest.NotWiderThanPhone(t, ctx, "the figures form")
	browsertest.Screenshot(t, ctx, "figures")
	browsertest.Submit(t, ctx, "form.figures button[type=submit]")
	wantContains(t, browsertest.Text(t, ctx), "以下 1 项有误，本次没有保存任何数据", "“强化5S现场管理（家）”不能为负数")
	browsertest.Screenshot(t, ctx, "figures-refused")
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.ID("fig-site_5s"), "2")); err != nil {
		t.Fatal(err)
	}
	browsertest.Submit(t, ctx, "form.figures button[type=submit]")
	wantContains(t, browsertest.Text(t, ctx), "已保存", "行业管理科2024年5月的月报数据已保存")
	browsertest.Screenshot(t, ctx, "figures-saved")
	f, ok, err := s.Figures(context.Background(), industryID, remindd.Month{Year: 2024, Month: time.May})
	if err != nil || !ok || f.Values["inspected"] != 17 || f.Values["site_5s"] != 2 {
		t.Errorf("the figures entered in the browser: %+v %v %v", f.Values, ok, err)
	}

	// An enterprise's attributes.
	open("/desk/enterprises/"+smallHotel, "#attributes")
	browsertest.NotWiderThanPhone(t, ctx, "an enterprise's page with its attributes")
	wantContains(t, browsertest.Text(t, ctx), "报表信息 未填")
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#attributes summary")),
		chromedp.Click(chromedp.CSS(`#attributes input[value="标杆培育对象"]`)),
		chromedp.SetValue(chromedp.ID("attr-risk"), "红"),
		chromedp.SetValue(chromedp.ID("attr-std_type"), "省标"),
		chromedp.SetValue(chromedp.ID("attr-level"), "三级"),
	); err != nil {
		t.Fatal(err)
	}
	browsertest.Screenshot(t, ctx, "enterprise-attributes")
	browsertest.Submit(t, ctx, "#attributes button[type=submit]")
	wantContains(t, browsertest.Text(t, ctx), "企业信息已保存", "风险等级：未填→红", "角色：未填→标杆培育对象")
	browsertest.Screenshot(t, ctx, "enterprise-attributes-saved")
	e, _, err := s.Enterprise(context.Background(), smallHotel)
	if err != nil || e.Risk != "红" || fmt.Sprint(e.Roles) != "[标杆培育对象]" || e.StdType != "省标" || e.Level != "三级" {
		t.Errorf("the enterprise after the browser's form: %+v %v", e, err)
	}
}
