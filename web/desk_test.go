package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// reported is the morning before the tests' clock: the reports come in.
var reported = testNow.Add(-20 * time.Hour)

func TestOverview(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		report(t, s, industryWho, 44, reported)
		report(t, s, hotelWho, 44, reported)
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body,
			"截至 2024年5月24日",
			`<b>2</b> 项报告等待销号`, `href="/desk/reports"`,
			`<a href="/desk/sections/industry-mgmt">行业管理科</a>`, "市场管理科", "公共文化和艺术科", "文化遗产科",
			`class="light red"`, // every section has January's tasks open, overdue for months
			`<svg class="chart"`, "旅游行业", "示范岗位 · 年度目标 25 个", "5月底 20%",
			"有逾期事项的企业：1 家", "晋江市安平古镇旅行社有限公司",
		)
		if n := strings.Count(body, `<svg class="chart"`); n != 3 {
			t.Errorf("%d charts, want one a sector (3)", n)
		}
		// The section user sees the overview, with only its own section linked.
		_, body = loggedIn(t, srv, sectionName, sectionPass).get(t, "/desk")
		wantContains(t, body, `<a href="/desk/sections/industry-mgmt">行业管理科</a>`, "本科室")
		if strings.Contains(body, `href="/desk/sections/market-mgmt"`) {
			t.Errorf("a section's user is offered another section's page:\n%s", body)
		}
	})
}

func TestConfirmReport(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		report(t, s, industryWho, 44, reported)
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk/reports")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk/reports: %d", res.StatusCode)
		}
		wantContains(t, body, "任务44", "行业管理科", "督促、指导小微企业完成管理达标。", "王五", "已完成自查",
			`name="confirm1" value="section:industry-mgmt:44"`, `href="/desk/reports/return?r=section%3Aindustry-mgmt%3A44"`)

		form := url.Values{"confirm1": {"section:industry-mgmt:44"}}
		res, body = b.post(t, "/desk/reports", form)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("confirm: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "销号已办理：1 项", "任务44 · 行业管理科")
		if got := statusOf(t, s, industryWho, 44); got != remindd.StatusDone {
			t.Errorf("task 44 after 销号: %q, want done", got)
		}
		want := []string{"confirmed 44 industry-mgmt 林主任 desk", "reported 44 industry-mgmt 王五 link"}
		if diff := cmp.Diff(want, history(t, s)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		// A double click, or a replay, changes nothing and says so.
		res, body = b.post(t, "/desk/reports", form)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("replay: %d", res.StatusCode)
		}
		wantContains(t, body, "没有变更", "已不在待销号状态")
		if diff := cmp.Diff(want, history(t, s)); diff != "" {
			t.Errorf("history after the replay (-want +got):\n%s", diff)
		}
		_, body = b.get(t, "/desk/reports")
		wantContains(t, body, "目前没有等待销号的报告")
	})
}

func TestReturnReport(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		report(t, s, industryWho, 44, reported)
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk/reports/return?r=section%3Aindustry-mgmt%3A44")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("return form: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "退办：任务44", `name="reason"`, `name="r" value="section:industry-mgmt:44"`, `value="returned"`)

		// Without a reason: 400, nothing written.
		for _, reason := range []string{"", "   \r\n  "} {
			res, body = b.post(t, "/desk/reports", url.Values{"action": {"returned"}, "r": {"section:industry-mgmt:44"}, "reason": {reason}})
			if res.StatusCode != http.StatusBadRequest {
				t.Fatalf("return without a reason %q: %d", reason, res.StatusCode)
			}
			wantContains(t, body, "必须填写理由", "本次没有作任何变更")
		}
		if got := statusOf(t, s, industryWho, 44); got != remindd.StatusReported {
			t.Fatalf("task 44 after a refused return: %q, want still reported", got)
		}
		if n := len(history(t, s)); n != 1 {
			t.Errorf("%d events after a refused return, want the report alone", n)
		}
		// A reason with a control character is refused too.
		res, _ = b.post(t, "/desk/reports", url.Values{"action": {"returned"}, "r": {"section:industry-mgmt:44"}, "reason": {"材料\x1b[2J不全"}})
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("a reason with ESC: %d, want 400", res.StatusCode)
		}

		res, body = b.post(t, "/desk/reports", url.Values{"action": {"returned"}, "r": {"section:industry-mgmt:44"}, "reason": {returnReason}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("return: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "退办已办理：1 项", returnReason)
		if got := statusOf(t, s, industryWho, 44); got != "" {
			t.Errorf("task 44 after 退办: %q, want open again", got)
		}
		evs, err := s.Events(context.Background(), testPlanID, store.EventFilter{Task: 44})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 2 || evs[0].Action != remindd.Returned || evs[0].Note != returnReason || evs[0].By != officeName || evs[0].Source != remindd.SourceDesk {
			t.Errorf("events %+v: want a Returned event with the reason, by the office, from the desk", evs)
		}
		state, err := s.Snapshot(context.Background(), testPlanID, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if len(state.Returns) != 1 || state.Returns[0].Task != 44 || state.Returns[0].Reason != returnReason {
			t.Errorf("state's returns %+v: the section's next message must tell it", state.Returns)
		}
		// The section's page shows the task open with the reason.
		_, body = b.get(t, "/desk/sections/industry-mgmt")
		wantContains(t, body, "局办公室退办："+returnReason)
		// The form of a report no longer waiting says so.
		if res, _ := b.get(t, "/desk/reports/return?r=section%3Aindustry-mgmt%3A44"); res.StatusCode != http.StatusNotFound {
			t.Errorf("return form of a report no longer waiting: %d, want 404", res.StatusCode)
		}
	})
}

func TestBulkConfirm(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		report(t, s, industryWho, 44, reported)
		report(t, s, industryWho, 45, reported)
		report(t, s, hotelWho, 44, reported)
		b := loggedIn(t, srv, officeName, officePass)
		_, body := b.get(t, "/desk/reports")
		wantContains(t, body, "销号所选", "退办所选", `name="r" value="enterprise:91350582155335753W:44"`)
		res, body := b.post(t, "/desk/reports", url.Values{"action": {"confirmed"}, "r": {
			"section:industry-mgmt:44", "section:industry-mgmt:45", "enterprise:" + smallHotel + ":44", "section:industry-mgmt:44",
		}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("bulk confirm: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "销号已办理：3 项", "晋江市安平古镇旅行社有限公司")
		for _, c := range []struct {
			who  remindd.Recipient
			task int
		}{{industryWho, 44}, {industryWho, 45}, {hotelWho, 44}} {
			if got := statusOf(t, s, c.who, c.task); got != remindd.StatusDone {
				t.Errorf("%s task %d: %q, want done", c.who, c.task, got)
			}
		}
		if reps, _ := s.Reports(context.Background(), testPlanID); len(reps) != 0 {
			t.Errorf("reports left: %+v", reps)
		}

		// A bulk return with one wrong key writes nothing.
		report(t, s, industryWho, 46, reported)
		before := history(t, s)
		res, body = b.post(t, "/desk/reports", url.Values{"action": {"returned"}, "reason": {returnReason}, "r": {
			"section:industry-mgmt:46", "section:no-such-section:46",
		}})
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("bulk return with a wrong key: %d", res.StatusCode)
		}
		wantContains(t, body, "科室“no-such-section”不在工作方案中", "本次没有作任何变更")
		if diff := cmp.Diff(before, history(t, s)); diff != "" {
			t.Errorf("a refused bulk return wrote (-before +after):\n%s", diff)
		}
		if res, _ := b.post(t, "/desk/reports", url.Values{"action": {"confirmed"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("bulk confirm of nothing selected: %d, want 400", res.StatusCode)
		}
	})
}

// TestSectionUserCannotDecide: a section's user sees its own section's
// reports and tasks, may record, and may not confirm, return or undo (403,
// nothing written), nor see another section.
func TestSectionUserCannotDecide(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		report(t, s, industryWho, 44, reported)
		report(t, s, remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}, 44, reported)
		b := loggedIn(t, srv, sectionName, sectionPass)
		res, body := b.get(t, "/desk/reports")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk/reports as a section: %d", res.StatusCode)
		}
		wantContains(t, body, "行业管理科", "销号和退办由局办公室办理")
		if strings.Contains(body, "市场管理科</span>") || strings.Contains(body, `name="confirm1"`) {
			t.Errorf("a section's user sees another's report or a 销号 button:\n%s", body)
		}
		before := history(t, s)
		for _, tc := range []struct {
			path string
			form url.Values
		}{
			{"/desk/reports", url.Values{"confirm1": {"section:industry-mgmt:44"}}},
			{"/desk/reports", url.Values{"action": {"returned"}, "r": {"section:industry-mgmt:44"}, "reason": {"x"}}},
			{"/desk/sections/industry-mgmt", url.Values{"confirm1": {"44"}}},
			{"/desk/sections/industry-mgmt", url.Values{"action": {"undone"}, "task": {"44"}, "reason": {"x"}}},
			{"/desk/sections/market-mgmt", url.Values{"record1": {"45"}}},
		} {
			res, body := b.post(t, tc.path, tc.form)
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s %v as a section: %d, want 403\n%s", tc.path, tc.form, res.StatusCode, body)
			}
		}
		if diff := cmp.Diff(before, history(t, s)); diff != "" {
			t.Errorf("a section's refused POSTs wrote (-before +after):\n%s", diff)
		}
		for _, path := range []string{"/desk/sections/market-mgmt", "/desk/reports/return?r=section%3Aindustry-mgmt%3A44",
			"/desk/sections/industry-mgmt/reason?action=returned&task=44"} {
			if res, _ := b.get(t, path); res.StatusCode != http.StatusForbidden {
				t.Errorf("GET %s as a section: %d, want 403", path, res.StatusCode)
			}
		}
		// Its own record waits for the office's 销号.
		res, body = b.post(t, "/desk/sections/industry-mgmt", url.Values{"record1": {"45"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("record as a section: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "登记完成已办理：1 项", "等待局办公室销号")
		if got := statusOf(t, s, industryWho, 45); got != remindd.StatusReported {
			t.Errorf("task 45 recorded by the section: %q, want reported", got)
		}
	})
}

func TestDeskSectionPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		report(t, s, industryWho, 44, reported)
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk/sections/industry-mgmt")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("section page: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "<h1>行业管理科</h1>", "逾期未完成", "已报告，待销号（1 项）", "近期到期",
			`name="record1" value="45"`, `name="confirm1" value="44"`, `name="task" value="1"`, "登记完成所选", "撤销所选",
			`href="/desk/sections/market-mgmt"`)
		if res, _ := b.get(t, "/desk/sections/no-such"); res.StatusCode != http.StatusNotFound {
			t.Errorf("unknown section: %d, want 404", res.StatusCode)
		}

		// Record two overdue tasks together, with a note.
		res, body = b.post(t, "/desk/sections/industry-mgmt", url.Values{"action": {"recorded"}, "task": {"1", "2", "1"}, "reason": {"补录：已于3月完成"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("bulk record: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "登记完成已办理：2 项", "补录：已于3月完成")
		for _, n := range []int{1, 2} {
			if got := statusOf(t, s, industryWho, n); got != remindd.StatusDone {
				t.Errorf("task %d recorded by the office: %q, want done", n, got)
			}
		}
		// Confirm from the section page.
		if res, body := b.post(t, "/desk/sections/industry-mgmt", url.Values{"confirm1": {"44"}}); res.StatusCode != http.StatusOK || !strings.Contains(body, "销号已办理") {
			t.Errorf("confirm on the section page: %d\n%s", res.StatusCode, body)
		}
		// Undo: the form asks for a reason; without one nothing is written.
		res, body = b.get(t, "/desk/sections/industry-mgmt/reason?action=undone&task=2")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("undo form: %d", res.StatusCode)
		}
		wantContains(t, body, "撤销：任务2", `name="task" value="2"`, `value="undone"`)
		before := history(t, s)
		if res, _ := b.post(t, "/desk/sections/industry-mgmt", url.Values{"action": {"undone"}, "task": {"2"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("undo without a reason: %d, want 400", res.StatusCode)
		}
		if diff := cmp.Diff(before, history(t, s)); diff != "" {
			t.Errorf("a refused undo wrote (-before +after):\n%s", diff)
		}
		res, body = b.post(t, "/desk/sections/industry-mgmt", url.Values{"action": {"undone"}, "task": {"2"}, "reason": {"误登记"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "撤销已办理：1 项") {
			t.Fatalf("undo: %d\n%s", res.StatusCode, body)
		}
		if got := statusOf(t, s, industryWho, 2); got != "" {
			t.Errorf("task 2 after 撤销: %q, want open", got)
		}
		// Recording what is done already changes nothing and says so.
		res, body = b.post(t, "/desk/sections/industry-mgmt", url.Values{"record1": {"1"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("record again: %d", res.StatusCode)
		}
		wantContains(t, body, "没有变更", "此前已登记或已报告完成")
		// A task the section does not owe, or none at all, is refused whole.
		before = history(t, s)
		for _, tasks := range [][]string{{"3", "999"}, {"3", sqlMetachars}, {"3", "0x2c"}, {}} {
			if res, _ := b.post(t, "/desk/sections/industry-mgmt", url.Values{"action": {"recorded"}, "task": tasks}); res.StatusCode != http.StatusBadRequest {
				t.Errorf("record %q: %d, want 400", tasks, res.StatusCode)
			}
		}
		if res, _ := b.post(t, "/desk/sections/industry-mgmt", url.Values{"action": {"frobnicate"}, "task": {"3"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("an unknown action: %d, want 400", res.StatusCode)
		}
		if diff := cmp.Diff(before, history(t, s)); diff != "" {
			t.Errorf("refused records wrote (-before +after):\n%s", diff)
		}
		want := []string{
			"undone 2 industry-mgmt 林主任 desk",
			"confirmed 44 industry-mgmt 林主任 desk",
			"recorded 2 industry-mgmt 林主任 desk",
			"recorded 1 industry-mgmt 林主任 desk",
			"reported 44 industry-mgmt 王五 link",
		}
		if diff := cmp.Diff(want, history(t, s)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
	})
}

func TestHistoryPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		market := remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}
		report(t, s, industryWho, 44, reported)
		report(t, s, hotelWho, 44, reported.Add(time.Hour))
		report(t, s, market, 45, reported.Add(2*time.Hour))
		b := loggedIn(t, srv, officeName, officePass)
		if res, _ := b.post(t, "/desk/reports", url.Values{"action": {"returned"}, "r": {"section:industry-mgmt:44"}, "reason": {returnReason}}); res.StatusCode != http.StatusOK {
			t.Fatalf("return: %d", res.StatusCode)
		}
		res, body := b.get(t, "/desk/history")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("history: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "退办", returnReason, "林主任", "工作台", "个人链接", "报告完成", "2024年5月23日 13:00", "晋江市安平古镇旅行社有限公司", "市场管理科")
		if i, j := strings.Index(body, returnReason), strings.Index(body, "市场管理科</div>"); i < 0 || j < 0 || i > j {
			t.Errorf("history is not newest first (return at %d, market's report at %d)", i, j)
		}
		_, body = b.get(t, "/desk/history?task=45")
		if strings.Contains(body, "行业管理科</div>") || !strings.Contains(body, "市场管理科</div>") {
			t.Errorf("history?task=45 shows other tasks:\n%s", body)
		}
		_, body = b.get(t, "/desk/history?section=industry-mgmt")
		wantContains(t, body, "行业管理科</div>", "晋江市安平古镇旅行社有限公司</div>")
		if strings.Contains(body, "市场管理科</div>") {
			t.Error("history?section=industry-mgmt shows market-mgmt's events")
		}
		for _, q := range []string{"task=" + url.QueryEscape(sqlMetachars), "section=" + url.QueryEscape(sqlMetachars), "task=134", "task=-1"} {
			res, body := b.get(t, "/desk/history?"+q)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "筛选条件有误") {
				t.Errorf("history?%s: %d, want 400 with a Chinese page", q, res.StatusCode)
			}
		}
		// A section's user sees its own section's and its enterprises' only.
		_, body = loggedIn(t, srv, sectionName, sectionPass).get(t, "/desk/history?section=market-mgmt")
		wantContains(t, body, "行业管理科</div>", "晋江市安平古镇旅行社有限公司</div>")
		if strings.Contains(body, "市场管理科</div>") {
			t.Error("a section's user sees another section's history")
		}
	})
}

// TestSearchAndFiltersAreInert: SQL metacharacters and markup typed into
// the search box and filters find nothing, change nothing and render as
// text.
func TestSearchAndFiltersAreInert(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{})
		report(t, s, industryWho, 44, reported)
		b := loggedIn(t, srv, officeName, officePass)
		before := history(t, s)
		for _, q := range []string{sqlMetachars, `"; DROP TABLE events; --`, `<script>alert(1)</script>`, "%", "_"} {
			res, body := b.get(t, "/desk/reports?q="+url.QueryEscape(q))
			if res.StatusCode != http.StatusOK {
				t.Fatalf("search %q: %d", q, res.StatusCode)
			}
			if !strings.Contains(body, "共 0 项（全部 1 项）") {
				t.Errorf("search %q found something:\n%s", q, body)
			}
			if strings.Contains(body, "<script>alert(1)</script>") {
				t.Errorf("search %q is not escaped", q)
			}
		}
		for _, q := range []string{"44", "任务44", "小微企业", "王五", "自查"} {
			_, body := b.get(t, "/desk/reports?q="+url.QueryEscape(q))
			if !strings.Contains(body, "共 1 项（全部 1 项）") {
				t.Errorf("search %q does not find the report", q)
			}
		}
		for _, k := range []string{"section:" + sqlMetachars + ":44", "enterprise:" + sqlMetachars + ":44", "section:industry-mgmt:" + sqlMetachars} {
			res, _ := b.post(t, "/desk/reports", url.Values{"confirm1": {k}})
			if res.StatusCode != http.StatusBadRequest && !(strings.HasPrefix(k, "enterprise:") && res.StatusCode == http.StatusOK) {
				t.Errorf("confirm %q: %d", k, res.StatusCode)
			}
		}
		if diff := cmp.Diff(before, history(t, s)); diff != "" {
			t.Errorf("the searches and filters wrote (-before +after):\n%s", diff)
		}
		if got := statusOf(t, s, industryWho, 44); got != remindd.StatusReported {
			t.Errorf("task 44: %q, want still reported", got)
		}
	})
}

// TestDeskGetChangesNothing: every desk page, fetched with GET and HEAD,
// leaves every table of the store as it was.
func TestDeskGetChangesNothing(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	report(t, s, industryWho, 44, reported)
	b := loggedIn(t, srv, officeName, officePass)
	before := dump(t, s)
	for _, path := range []string{"/desk", "/desk/reports", "/desk/reports?q=44", "/desk/reports/return?r=section%3Aindustry-mgmt%3A44",
		"/desk/sections/industry-mgmt", "/desk/sections/industry-mgmt/reason?action=returned&task=44",
		"/desk/sections/industry-mgmt/reason?action=undone&task=44", "/desk/history", "/desk/history?task=44", "/login", "/logout"} {
		for _, method := range []string{http.MethodGet, http.MethodHead} {
			req, _ := http.NewRequest(method, srv.URL+path, nil)
			res, _ := b.do(t, req)
			if res.StatusCode >= 500 {
				t.Errorf("%s %s: %d", method, path, res.StatusCode)
			}
		}
	}
	if after := dump(t, s); after != before {
		t.Errorf("GET and HEAD changed the store:\nbefore:\n%s\nafter:\n%s", before, after)
	}
}

// TestOverviewFreshness: the overview's figures are shared for a minute;
// a change made on the desk shows at once, one made elsewhere within the
// minute.
func TestOverviewFreshness(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	c := &clock{t: testNow}
	srv := deskServer(t, s, web.Options{Now: c.Now})
	report(t, s, industryWho, 44, reported)
	b := loggedIn(t, srv, officeName, officePass)
	row := func() string {
		t.Helper()
		_, body := b.get(t, "/desk")
		i := strings.Index(body, `<a href="/desk/sections/industry-mgmt">行业管理科</a>`)
		if i < 0 {
			t.Fatalf("no row for 行业管理科:\n%s", body)
		}
		j := strings.Index(body[i:], "</tr>")
		return strings.Join(strings.Fields(stripTags(body[i:i+j])), " ")
	}
	// 逾期, 待销号, 已完成, 未到期
	if got := row(); !strings.HasSuffix(got, "43 1 0 89") {
		t.Fatalf("row %q: want 1 awaiting 销号", got)
	}
	if res, _ := b.post(t, "/desk/reports", url.Values{"confirm1": {"section:industry-mgmt:44"}}); res.StatusCode != http.StatusOK {
		t.Fatal(res.StatusCode)
	}
	if got := row(); !strings.HasSuffix(got, "43 0 1 89") {
		t.Errorf("row after 销号 on the desk %q: want it done at once", got)
	}
	report(t, s, industryWho, 45, reported) // through the link, not the desk
	c.Add(30 * time.Second)
	if got := row(); !strings.HasSuffix(got, "43 0 1 89") {
		t.Errorf("row 30 s after a report elsewhere %q: want the shared figures", got)
	}
	c.Add(31 * time.Second)
	if got := row(); !strings.HasSuffix(got, "43 1 1 88") {
		t.Errorf("row a minute after a report elsewhere %q: want it counted", got)
	}
}

// stripTags leaves the text of an HTML fragment.
func stripTags(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
			b.WriteByte(' ')
		case r == '>':
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestReportsPageIsBounded: a page lists the oldest 200 reports and says
// how many more there are.
func TestReportsPageIsBounded(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	var changes []remindd.Event
	for _, id := range []string{"industry-mgmt", "market-mgmt"} {
		for n := 1; n <= 103; n++ {
			changes = append(changes, remindd.Event{Action: remindd.Reported, Task: n, Assignee: remindd.Recipient{Kind: remindd.KindSection, ID: id},
				By: "王五", Source: remindd.SourceLink, At: reported})
		}
	}
	if _, err := s.Apply(context.Background(), testPlanID, changes); err != nil {
		t.Fatal(err)
	}
	b := loggedIn(t, srv, officeName, officePass)
	_, body := b.get(t, "/desk/reports")
	if n := strings.Count(body, `name="confirm1"`); n != 200 {
		t.Errorf("%d reports listed, want 200", n)
	}
	wantContains(t, body, "只列出最早的 200 项，另有 6 项未列出", `<span class="pill">206</span>`)
	_, body = b.get(t, "/desk/reports?q="+url.QueryEscape("市场管理科"))
	wantContains(t, body, "“市场管理科”：共 103 项（全部 206 项）")
}
