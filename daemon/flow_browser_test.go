package daemon_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/browsertest"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// TestReminderAnsweredInTheBrowser is issue 10's loop, end to end: a real
// e-mail reaches 行业管理科 through the in-process SMTP server; its link,
// opened in the browser, shows the section's page, where task 44 is
// reported done; the next sweep reminds the section of May's other tasks
// but not of 44; the office logs in and returns the report with a reason;
// the section's next message says it was returned and why, with the link.
// The desk is the one remindd run serves (daemon.Desk), on the daemon's
// clock.
func TestReminderAnsweredInTheBrowser(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sink := smtptest.Start(t)
		c, _ := mailConfig(t, sink)
		_, p := fixture(t)
		importExample(t, s, p)
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		c.Web.BaseURL = "http://" + ln.Addr().String()
		clock := &daemon.SetClock{}
		d, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: s, Log: quietLog(), Clock: clock, Worker: "a"})
		if err != nil {
			t.Fatal(err)
		}
		h, err := daemon.Desk(c, p, s, quietLog(), clock)
		if err != nil {
			t.Fatal(err)
		}
		srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: h}}
		srv.Start()
		t.Cleanup(srv.Close)

		// sectionMail is the one mail to 行业管理科 of rule since the
		// sink's first n mails.
		sectionMail := func(n int, rule string) parsedMail {
			t.Helper()
			var found []parsedMail
			for _, m := range sink.Messages()[n:] {
				pm := parseMail(t, m.Data)
				if m.To[0] == "industry-mgmt@example.gov.cn" && strings.HasPrefix(pm.key, rule+":") {
					found = append(found, pm)
				}
			}
			if len(found) != 1 {
				t.Fatalf("%d %s mails to industry-mgmt, want 1", len(found), rule)
			}
			return found[0]
		}
		linkRE := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(c.Web.BaseURL) + `/r/[A-Za-z0-9_-]+$`)

		if _, err := d.Tick(ctx, at(5, 24, 9, 0)); err != nil {
			t.Fatal(err)
		}
		lead := sectionMail(0, "daily")
		link := linkRE.FindString(lead.text)
		if link == "" {
			t.Fatalf("the lead mail has no link on a line of its own:\n%s", lead.text)
		}
		if !strings.Contains(lead.text, "任务44") || !strings.Contains(lead.html, `href="`+link+`"`) {
			t.Fatalf("the lead mail lacks task 44 or the link's button:\n%s", lead.html)
		}

		bctx := browsertest.New(t)
		// The section chief opens the link from the mail and reports 44 done.
		if err := chromedp.Do(bctx, chromedp.Navigate(link), chromedp.WaitVisible(chromedp.ID("task-44"))); err != nil {
			t.Fatal(err)
		}
		browsertest.Screenshot(t, bctx, "link-from-mail")
		if err := chromedp.Do(bctx,
			chromedp.Click(chromedp.CSS("#task-44 summary")),
			chromedp.WaitVisible(chromedp.ID("note-44")),
			chromedp.SendKeys(chromedp.ID("note-44"), "已督促辖区小微企业完成管理达标"),
			chromedp.SendKeys(chromedp.ID("by-44"), "陈科长"),
		); err != nil {
			t.Fatal(err)
		}
		browsertest.Submit(t, bctx, "#task-44 button")
		if got := browsertest.Text(t, bctx); !strings.Contains(got, "已收到您的报告") || !strings.Contains(got, "任务44") {
			t.Fatalf("after the report:\n%s", got)
		}
		browsertest.Screenshot(t, bctx, "reported")

		// The next stage's sweep (3 days left) reminds of May's others, not 44.
		n := len(sink.Messages())
		if _, err := d.Tick(ctx, at(5, 28, 9, 0)); err != nil {
			t.Fatal(err)
		}
		lead = sectionMail(n, "daily")
		if strings.Contains(lead.text, "任务44") || !strings.Contains(lead.text, "任务45 ") {
			t.Errorf("the sweep after the report:\n%s", lead.text)
		}

		// The office logs in and returns the report with a reason.
		hash, err := web.HashPassword("office-password-1")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.AddUser(ctx, remindd.User{Name: "林主任", Role: remindd.RoleOffice}, hash); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL+"/desk/reports"), chromedp.WaitVisible(chromedp.ID("password")),
			chromedp.SendKeys(chromedp.ID("name"), "林主任"),
			chromedp.SendKeys(chromedp.ID("password"), "office-password-1"),
		); err != nil {
			t.Fatal(err)
		}
		browsertest.Submit(t, bctx, "form[action='/login'] button")
		if got := browsertest.Text(t, bctx); !strings.Contains(got, "任务44") || !strings.Contains(got, "行业管理科") {
			t.Fatalf("the reports after login:\n%s", got)
		}
		browsertest.Screenshot(t, bctx, "office-reports")
		browsertest.Submit(t, bctx, `a[href="/desk/reports/return?r=section%3Aindustry-mgmt%3A44"]`)
		const reason = "缺少整改佐证材料，请补充现场照片后再报。"
		if err := chromedp.Do(bctx, chromedp.SendKeys(chromedp.ID("reason"), reason)); err != nil {
			t.Fatal(err)
		}
		browsertest.Submit(t, bctx, "form.card button[type=submit]")
		if got := browsertest.Text(t, bctx); !strings.Contains(got, "退办已办理：1 项") {
			t.Fatalf("after the return:\n%s", got)
		}
		browsertest.Screenshot(t, bctx, "office-returned")

		// The section's next message says it was returned, and why.
		n = len(sink.Messages())
		if _, err := d.Tick(ctx, at(5, 29, 9, 0)); err != nil {
			t.Fatal(err)
		}
		back := sectionMail(n, "daily")
		for _, want := range []string{"任务44", reason, "退办", "被退回"} {
			if !strings.Contains(back.text, want) {
				t.Errorf("the return's mail lacks %q:\n%s", want, back.text)
			}
		}
		if linkRE.FindString(back.text) != link {
			t.Errorf("the return's mail lacks the section's link %s:\n%s", link, back.text)
		}
		// Told once.
		n = len(sink.Messages())
		if _, err := d.Tick(ctx, at(5, 30, 9, 0)); err != nil {
			t.Fatal(err)
		}
		for _, m := range sink.Messages()[n:] {
			if pm := parseMail(t, m.Data); strings.Contains(pm.text, reason) {
				t.Errorf("the return was told again on 30 May: %s", pm.key)
			}
		}
	})
}
