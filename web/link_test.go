package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

var (
	industry = remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	market   = remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}
	// smallTravel is a small tourism enterprise: industry-mgmt supervises
	// it, and it owes task 44 (addressed to 小微).
	smallTravel = remindd.Enterprise{ID: "91350582MA2Y1234X1", Name: "晋江市小浪花旅行社有限公司", Sector: "tourism",
		Size: "小微", Contact: "王小明", Mobile: "13805950001", Active: true}
	scriptName = remindd.Enterprise{ID: "91350582MA2Y1234X2", Name: "<script>alert(1)</script>", Sector: "tourism",
		Size: "小微", Contact: "<b>赵</b>", Mobile: "13805950002", Active: true}
)

func enterpriseOf(e remindd.Enterprise) remindd.Recipient {
	return remindd.Recipient{Kind: remindd.KindEnterprise, ID: e.ID}
}

// linkServer is a test server on s with the example enterprises' two above
// and the sections' phones.
func linkServer(t testing.TB, s *store.Store, o web.Options) *testServer {
	t.Helper()
	if _, _, err := s.UpsertEnterprises(context.Background(), []remindd.Enterprise{smallTravel, scriptName}); err != nil {
		t.Fatal(err)
	}
	o.Store = s
	if o.Sections == nil {
		o.Sections = map[string]web.Contact{"industry-mgmt": {Name: "行业管理科", Phone: "0595-85600001"}}
	}
	return newTestServer(t, o)
}

// token mints who's token, valid for a year from the tests' clock.
func (s *testServer) token(t testing.TB, who remindd.Recipient) string {
	t.Helper()
	tok, err := s.Options.Signer.Mint(who, testNow.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// post sends a same-origin form to path, as the page's form does.
func (s *testServer) post(t testing.TB, path string, form url.Values) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.URL)
	return s.do(t, req)
}

func completionsOf(t testing.TB, s *store.Store, who remindd.Recipient) map[int]remindd.Completion {
	t.Helper()
	cs, err := s.CompletionsOf(context.Background(), "jinjiang-2024", who)
	if err != nil {
		t.Fatal(err)
	}
	out := map[int]remindd.Completion{}
	for _, c := range cs {
		out[c.Task] = c
	}
	return out
}

func events(t testing.TB, s *store.Store) []remindd.Event {
	t.Helper()
	evs, err := s.Events(context.Background(), "jinjiang-2024", store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func wantStatus(t testing.TB, what string, res *http.Response, want int) {
	t.Helper()
	if res.StatusCode != want {
		t.Errorf("%s: status %d, want %d", what, res.StatusCode, want)
	}
}

// TestSectionPage: a section's page on 2024-05-24 shows its May tasks with
// a report form each, April's as overdue, and its enterprises behind.
func TestSectionPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{RequireConfirmation: true})
		res, body := srv.get(t, "/r/"+srv.token(t, industry))
		wantStatus(t, "GET section page", res, http.StatusOK)
		wantContains(t, body,
			`<html lang="zh-CN">`, "行业管理科", "任务44", "督促、指导小微企业完成管理达标。", "2024年5月31日", "还剩 7 天",
			`<input type="hidden" name="task" value="44">`, `name="note"`, `name="by"`, "报告已完成",
			"已逾期 24 天", `class="card item red"`, `class="card item blue"`,
			"主管企业逾期情况", smallTravel.Name, "王小明", "13805950001",
			"局办公室确认后销号", "局办公室", "0595-85600000")
		for k, want := range map[string]string{"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"} {
			if got := res.Header.Get(k); got != want {
				t.Errorf("%s %q, want %q", k, got, want)
			}
		}
		// Overdue first: task 1's card comes before task 44's.
		if i, j := strings.Index(body, `id="task-1"`), strings.Index(body, `id="task-44"`); i < 0 || j < 0 || i > j {
			t.Errorf("task 1 at %d, task 44 at %d: want the overdue first", i, j)
		}
	})
}

// TestEnterprisePage: an enterprise's page shows what it owes, in its own
// words (the plan's action, not the bureau's 督促、指导 to its sections),
// and its supervising section's phone, and not what only sections owe.
func TestEnterprisePage(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{})
	res, body := srv.get(t, "/r/"+srv.token(t, enterpriseOf(smallTravel)))
	wantStatus(t, "GET enterprise page", res, http.StatusOK)
	wantContains(t, body, smallTravel.Name, "企业待办事项", "主管科室：行业管理科", "0595-85600001",
		`value="44"`, `placeholder="王小明"`)
	if strings.Contains(body, `id="task-1"`) {
		t.Error("an enterprise's page lists task 1, which only sections owe")
	}
	if !strings.Contains(body, "完成管理达标") || strings.Contains(body, "督促") || strings.Contains(body, "指导") {
		t.Errorf("an enterprise's page does not speak to the enterprise:\n%s", body)
	}
}

// TestBadTokens: a tampered token is 403, an expired one 410, one of a
// recipient no longer known 404, each a Chinese page naming the office,
// and none records anything, by GET or POST.
func TestBadTokens(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{})
		good := srv.token(t, industry)
		tampered := []byte(good)
		tampered[len(tampered)-3] ^= 1 // still base64url
		expired, err := srv.Options.Signer.Mint(industry, testNow.Add(-time.Second))
		if err != nil {
			t.Fatal(err)
		}
		gone, err := srv.Options.Signer.Mint(remindd.Recipient{Kind: remindd.KindSection, ID: "no-such-section"}, testNow.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		otherKey, err := link.NewKey([]byte(strings.Repeat("k", 32)))
		if err != nil {
			t.Fatal(err)
		}
		foreign, err := link.NewSigner(otherKey).Mint(industry, testNow.AddDate(1, 0, 0))
		if err != nil {
			t.Fatal(err)
		}
		before := storetest.Dump(t, s)
		for _, tc := range []struct {
			name, token string
			status      int
			text        string
		}{
			{"tampered", string(tampered), http.StatusForbidden, "链接无效"},
			{"another key", foreign, http.StatusForbidden, "链接无效"},
			{"garbage", "not-a-token", http.StatusForbidden, "链接无效"},
			{"expired", expired, http.StatusGone, "链接已过期"},
			{"unknown section", gone, http.StatusNotFound, "未找到对应的单位"},
		} {
			for _, p := range []string{"/r/" + tc.token, "/r/" + tc.token + "/calendar.ics"} {
				res, body := srv.get(t, p)
				wantStatus(t, tc.name+" GET "+p, res, tc.status)
				wantContains(t, body, tc.text, "局办公室", "0595-85600000")
			}
			res, body := srv.post(t, "/r/"+tc.token, url.Values{"task": {"44"}})
			wantStatus(t, tc.name+" POST", res, tc.status)
			wantContains(t, body, tc.text)
		}
		if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
			t.Errorf("bad tokens changed the store (-before +after):\n%s", diff)
		}
	})
}

// TestReport: a section reports task 44 through its page's form; it is
// recorded as reported, for that section only, with who and the note; a
// replay records nothing more.
func TestReport(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{RequireConfirmation: true})
		path := "/r/" + srv.token(t, industry)
		form := url.Values{"task": {"44"}, "note": {"已组织 12 家小微企业完成管理达标。\r\n第二行"}, "by": {"张科长"}}
		res, body := srv.post(t, path, form)
		wantStatus(t, "POST task 44", res, http.StatusOK)
		wantContains(t, body, "已收到您的报告", "任务44", "督促、指导小微企业完成管理达标。", "张科长",
			"局办公室确认后销号", `href="`+path+`"`, "返回待办事项")
		c, ok := completionsOf(t, s, industry)[44]
		if !ok {
			t.Fatal("task 44 not recorded for industry-mgmt")
		}
		if c.Status != remindd.StatusReported || c.Source != remindd.SourceLink || c.By != "张科长" || c.Note != "已组织 12 家小微企业完成管理达标。\n第二行" {
			t.Errorf("completion %+v, want reported through the link by 张科长 with the note", c)
		}
		if !c.DoneAt.Equal(testNow) {
			t.Errorf("done at %v, want the clock's %v", c.DoneAt, testNow)
		}
		if n := len(completionsOf(t, s, industry)); n != 1 {
			t.Errorf("industry-mgmt has %d completions, want 1", n)
		}
		for _, other := range []remindd.Recipient{market, enterpriseOf(smallTravel)} {
			if cs := completionsOf(t, s, other); len(cs) != 0 {
				t.Errorf("%s has completions %v: only industry-mgmt reported", other, cs)
			}
		}
		evs := events(t, s)
		if len(evs) != 1 || evs[0].Action != remindd.Reported || evs[0].Task != 44 || evs[0].Assignee != industry || evs[0].Source != remindd.SourceLink {
			t.Fatalf("events %+v, want one report of task 44 by industry-mgmt through the link", evs)
		}
		// A double click, a replay: answered, recorded once.
		before := storetest.Dump(t, s)
		res, body = srv.post(t, path, form)
		wantStatus(t, "replayed POST", res, http.StatusOK)
		wantContains(t, body, "此前已报告", "任务44")
		if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
			t.Errorf("a replay changed the store (-before +after):\n%s", diff)
		}
		// The page now lists 44 as awaiting 销号, without a form.
		_, body = srv.get(t, path)
		wantContains(t, body, "已报告，待局办公室确认（1 项）", "待确认", "张科长")
		if strings.Contains(body, `name="task" value="44"`) {
			t.Error("the page still offers to report task 44")
		}
	})
}

// TestReportSeveral: the several-task form records them all in one go,
// with the recipient's name when by is left blank, and without the
// office's confirmation when none is required.
func TestReportSeveral(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{RequireConfirmation: false})
	res, body := srv.post(t, "/r/"+srv.token(t, industry), url.Values{"task": {"40", "41", "40"}})
	wantStatus(t, "POST 40, 41", res, http.StatusOK)
	wantContains(t, body, "本次登记（2 项）", "已登记为完成")
	cs := completionsOf(t, s, industry)
	for _, n := range []int{40, 41} {
		if c := cs[n]; c.Status != remindd.StatusDone || c.By != "行业管理科" {
			t.Errorf("task %d: %+v, want done by 行业管理科", n, c)
		}
	}
	for _, e := range events(t, s) {
		if e.Action != remindd.Recorded {
			t.Errorf("event %+v: want recorded (no confirmation required)", e)
		}
	}
}

// TestReportAgain: a report of a task reported before records nothing and
// says who reported it and when; a link that records without the office's
// confirmation does not confirm a report waiting for it.
func TestReportAgain(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{RequireConfirmation: true})
		path := "/r/" + srv.token(t, industry)
		res, _ := srv.post(t, path, url.Values{"task": {"44"}, "by": {"张科长"}})
		wantStatus(t, "POST task 44", res, http.StatusOK)
		confirming, recording := linkServer(t, s, web.Options{RequireConfirmation: true}), linkServer(t, s, web.Options{RequireConfirmation: false})
		before := storetest.Dump(t, s)
		for _, again := range []*testServer{confirming, recording} {
			o := again.Options
			res, body := again.post(t, path, url.Values{"task": {"44"}, "by": {"李四"}})
			wantStatus(t, "POST task 44 again", res, http.StatusOK)
			wantContains(t, body, "这些事项此前已报告", "任务44", "待确认", "张科长", "2024年5月24日 09:00")
			if strings.Contains(body, "李四") {
				t.Errorf("confirmation %v names the second reporter:\n%s", o.RequireConfirmation, body)
			}
			if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
				t.Errorf("reporting again (confirmation %v) changed the store (-before +after):\n%s", o.RequireConfirmation, diff)
			}
		}
	})
}

// TestReportRefused: a form with a task the recipient does not owe, or a
// bad field, is refused whole with a 400 page that says what is wrong.
func TestReportRefused(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{RequireConfirmation: true})
		section, firm := "/r/"+srv.token(t, industry), "/r/"+srv.token(t, enterpriseOf(smallTravel))
		before := storetest.Dump(t, s)
		for _, tc := range []struct {
			name, path string
			form       url.Values
			text       string
		}{
			{"no task", section, url.Values{"note": {"x"}}, "没有选择要报告的任务"},
			{"not a number", section, url.Values{"task": {"44; DROP TABLE events"}}, "任务编号"},
			{"not in the plan", section, url.Values{"task": {"44", "999"}}, "任务999 不在工作方案中"},
			{"zero", section, url.Values{"task": {"0"}}, "任务编号"},
			{"signed", section, url.Values{"task": {"+45"}}, "任务编号“&#43;45”无效"},
			{"hexadecimal", section, url.Values{"task": {"0x2d"}}, "任务编号“0x2d”无效"},
			{"not owed by an enterprise", firm, url.Values{"task": {"44", "1"}}, "任务1 不是您需要办理的事项"},
			{"note too long", section, url.Values{"task": {"44"}, "note": {strings.Repeat("长", remindd.MaxNote+1)}}, "备注最多 2000 个字"},
			{"control in by", section, url.Values{"task": {"44"}, "by": {"张\x1b[2J"}}, "填报人的第 2 个字符是控制字符"},
			{"by too long", section, url.Values{"task": {"44"}, "by": {strings.Repeat("名", remindd.MaxDoneBy+1)}}, "填报人最多 255 个字"},
		} {
			res, body := srv.post(t, tc.path, tc.form)
			wantStatus(t, tc.name, res, http.StatusBadRequest)
			wantContains(t, body, tc.text, "局办公室")
		}
		// A form too big to read.
		res, _ := srv.post(t, section, url.Values{"task": {"44"}, "note": {strings.Repeat("x", 70<<10)}})
		wantStatus(t, "form too big", res, http.StatusBadRequest)
		if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
			t.Errorf("refused forms changed the store (-before +after):\n%s", diff)
		}
	})
}

// TestCrossOriginReport: a form posted from another site is refused and
// records nothing, however good its token.
func TestCrossOriginReport(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{})
		before := storetest.Dump(t, s)
		for _, h := range []map[string]string{
			{"Origin": "http://evil.example"},
			{"Sec-Fetch-Site": "cross-site"},
		} {
			req, err := http.NewRequest(http.MethodPost, srv.URL+"/r/"+srv.token(t, industry), strings.NewReader("task=44"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range h {
				req.Header.Set(k, v)
			}
			res, body := srv.do(t, req)
			wantStatus(t, "cross-origin POST", res, http.StatusForbidden)
			wantContains(t, body, "请求来自其他网站")
		}
		if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
			t.Errorf("a cross-origin POST changed the store (-before +after):\n%s", diff)
		}
	})
}

// TestTrustedOrigin: a reverse proxy's origin, when trusted, may post.
func TestTrustedOrigin(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{TrustedOrigins: []string{"https://remindd.example.gov.cn"}})
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/r/"+srv.token(t, industry), strings.NewReader("task=44"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://remindd.example.gov.cn")
	res, _ := srv.do(t, req)
	wantStatus(t, "POST from the trusted origin", res, http.StatusOK)
}

// TestReadsChangeNothing: GET and HEAD of every page leave the store as it
// was, byte for byte, as a mail scanner's or a link preview's fetch must.
func TestReadsChangeNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{})
		// Something in every table the pages read.
		if _, err := s.Apply(context.Background(), "jinjiang-2024", []remindd.Event{
			{Action: remindd.Reported, Task: 40, Assignee: industry, By: "x", Source: remindd.SourceLink, At: testNow},
			{Action: remindd.Reported, Task: 41, Assignee: industry, By: "x", Source: remindd.SourceLink, At: testNow},
			{Action: remindd.Returned, Task: 41, Assignee: industry, By: "局办公室", Source: remindd.SourceDesk, Note: "缺少附件", At: testNow},
		}); err != nil {
			t.Fatal(err)
		}
		before := storetest.Dump(t, s)
		for _, who := range []remindd.Recipient{industry, enterpriseOf(smallTravel)} {
			tok := srv.token(t, who)
			for _, p := range []string{"/r/" + tok, "/r/" + tok + "/calendar.ics", "/r/" + tok + "?task=44&note=x"} {
				for _, m := range []string{http.MethodGet, http.MethodHead} {
					req, err := http.NewRequest(m, srv.URL+p, nil)
					if err != nil {
						t.Fatal(err)
					}
					res, _ := srv.do(t, req)
					wantStatus(t, m+" "+who.String(), res, http.StatusOK)
				}
			}
		}
		if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
			t.Errorf("GET and HEAD changed the store (-before +after):\n%s", diff)
		}
	})
}

// TestReturnedShown: a report the office returned is open again, with the
// office's reason, and can be reported again.
func TestReturnedShown(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{RequireConfirmation: true})
	if _, err := s.Apply(context.Background(), "jinjiang-2024", []remindd.Event{
		{Action: remindd.Reported, Task: 44, Assignee: industry, By: "张科长", Source: remindd.SourceLink, At: testNow.Add(-time.Hour)},
		{Action: remindd.Returned, Task: 44, Assignee: industry, By: "李主任", Source: remindd.SourceDesk, Note: "请补充达标企业名单", At: testNow},
		// Task 72 is due in July: among the items due later.
		{Action: remindd.Reported, Task: 72, Assignee: industry, By: "张科长", Source: remindd.SourceLink, At: testNow.Add(-time.Hour)},
		{Action: remindd.Returned, Task: 72, Assignee: industry, By: "李主任", Source: remindd.SourceDesk, Note: "请附修订后的预案", At: testNow},
	}); err != nil {
		t.Fatal(err)
	}
	path := "/r/" + srv.token(t, industry)
	_, body := srv.get(t, path)
	wantContains(t, body, "有 2 项报告被局办公室退回", "局办公室退回（李主任）：请补充达标企业名单", `name="task" value="44"`,
		// A returned item due later is a card with its reason, unfolded,
		// beside the checklist of the others.
		`<details class="later" id="later" open>`, `id="task-72"`, "局办公室退回（李主任）：请附修订后的预案", "勾选后一起报告")
	if strings.Contains(body, `type="checkbox" name="task" value="72"`) {
		t.Error("task 72, returned, is also in the checklist of items due later")
	}
	res, _ := srv.post(t, path, url.Values{"task": {"44"}})
	wantStatus(t, "report again", res, http.StatusOK)
	if c := completionsOf(t, s, industry)[44]; c.Status != remindd.StatusReported {
		t.Errorf("task 44 reported again: %+v", c)
	}
	_, body = srv.get(t, path)
	if strings.Contains(body, "请补充达标企业名单") {
		t.Error("the return's reason still shows after the task was reported again")
	}
}

// TestScriptNameInert: an enterprise named <script>alert(1)</script> is
// shown as text on its page and its section's.
func TestScriptNameInert(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{})
	for _, who := range []remindd.Recipient{enterpriseOf(scriptName), industry} {
		res, body := srv.get(t, "/r/"+srv.token(t, who))
		wantStatus(t, "GET "+who.String(), res, http.StatusOK)
		if strings.Contains(body, "<script") || strings.Contains(body, "<b>赵</b>") {
			t.Errorf("%s: the page holds live markup from the store:\n%s", who, body)
		}
		wantContains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
	}
}

// TestTokenNotLogged: the token appears in no log line, whatever the page
// answered.
func TestTokenNotLogged(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := linkServer(t, s, web.Options{})
	tok := srv.token(t, industry)
	srv.get(t, "/r/"+tok)
	srv.get(t, "/r/"+tok+"/calendar.ics")
	srv.post(t, "/r/"+tok, url.Values{"task": {"44"}})
	srv.post(t, "/r/"+tok, url.Values{"task": {"999"}})
	srv.get(t, "/r/"+tok[:len(tok)-2]+"xx")
	logs := srv.Log.String()
	if strings.Contains(logs, tok) || strings.Contains(logs, tok[:20]) {
		t.Errorf("the log holds the token:\n%s", logs)
	}
	if !strings.Contains(logs, `"path":"/r/REDACTED"`) {
		t.Errorf("the log has no redacted request line:\n%s", logs)
	}
}

// TestCalendar: the feed lists the open deadlines as all-day events with
// stable UIDs; a task done drops out of it.
func TestCalendar(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := linkServer(t, s, web.Options{BaseURL: "https://remindd.example.gov.cn"})
		tok := srv.token(t, industry)
		res, ics := srv.get(t, "/r/"+tok+"/calendar.ics")
		wantStatus(t, "GET calendar", res, http.StatusOK)
		if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		wantContains(t, ics, "BEGIN:VCALENDAR\r\n", "DTSTART;VALUE=DATE:20240531\r\n", "任务44")
		// Folded lines (RFC 5545 3.1) joined again: the page's address.
		wantContains(t, strings.ReplaceAll(ics, "\r\n ", ""), "报告已完成：https://remindd.example.gov.cn/r/"+tok+"\r\n")
		uids := regexp.MustCompile(`UID:(\S+)`).FindAllStringSubmatch(ics, -1)
		if len(uids) != 12 {
			t.Errorf("%d events, want one per month's deadline (12)", len(uids))
		}
		_, again := srv.get(t, "/r/"+tok+"/calendar.ics")
		if got := regexp.MustCompile(`UID:(\S+)`).FindAllStringSubmatch(again, -1); len(got) != len(uids) || got[0][1] != uids[0][1] {
			t.Errorf("UIDs changed between fetches: %v, then %v", uids, got)
		}
		srv.post(t, "/r/"+tok, url.Values{"task": {"44"}})
		_, after := srv.get(t, "/r/"+tok+"/calendar.ics")
		if strings.Contains(after, "任务44：") {
			t.Error("task 44 reported, still in the feed")
		}
		wantContains(t, after, "任务45：")
	})
}
