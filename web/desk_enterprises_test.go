package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// The desk tests' enterprises beside smallHotel: one of the culture
// sector (market-mgmt's and public-culture-arts'), one whose name is
// markup, and one no longer active.
var (
	cultureFirm = remindd.Enterprise{ID: "91350582MA2Y5555X5", Name: "晋江市星光网吧有限公司", Sector: "culture", Size: "小微",
		Contact: "许文", Mobile: "13805955555", Active: true}
	markupFirm = remindd.Enterprise{ID: "91350582MA2Y6666X6", Name: "<script>alert(1)</script>", Sector: "tourism", Size: "小微",
		Contact: "<b>赵</b>", Active: true}
	closedFirm = remindd.Enterprise{ID: "91350582MA2Y7777X7", Name: "晋江市已歇业酒店有限公司", Sector: "tourism", Size: "规上", Active: false}
)

// firmsServer is deskServer with the enterprises above.
func firmsServer(t *testing.T, s *store.Store, o web.Options) *testServer {
	t.Helper()
	srv := deskServer(t, s, o)
	if _, _, err := s.UpsertEnterprises(context.Background(), []remindd.Enterprise{cultureFirm, markupFirm, closedFirm}); err != nil {
		t.Fatal(err)
	}
	return srv
}

// firmNames are the enterprises a list page names, in order.
func firmNames(body string) []string {
	var out []string
	for _, part := range strings.Split(body, `<a class="firm" href="/desk/enterprises/`)[1:] {
		_, rest, _ := strings.Cut(part, `">`)
		name, _, _ := strings.Cut(rest, "</a>")
		out = append(out, name)
	}
	return out
}

func TestDeskEnterprisesPage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := firmsServer(t, s, web.Options{})
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk/enterprises")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk/enterprises: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "<h1>企业</h1>", "共 4 家", "逾期数统计于 2024年5月24日 09:00",
			`<a class="firm" href="/desk/enterprises/91350582155335753W">晋江市安平古镇旅行社有限公司</a>`,
			"旅游行业", "文化行业", "小微", "蔡雅婷", `<a href="tel:13805955555">13805955555</a>`, "已停用",
			"&lt;script&gt;alert(1)&lt;/script&gt;", "联系人：&lt;b&gt;赵&lt;/b&gt;", `aria-current="page">企业</a>`)
		if strings.Contains(body, "<script>alert(1)</script>") || strings.Contains(body, "<b>赵</b>") {
			t.Error("an enterprise's name or contact is not escaped")
		}
		if strings.Contains(body, "/r/") {
			t.Error("the list links to a personal link")
		}
		names := firmNames(body)
		if len(names) != 4 || names[3] != closedFirm.Name {
			t.Errorf("names %q: want the four, the inactive one (nothing overdue) last", names)
		}
		if !strings.Contains(body, "逾期 ") {
			t.Errorf("no count overdue:\n%s", body)
		}

		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"q=" + url.QueryEscape("安平"), []string{"晋江市安平古镇旅行社有限公司"}},
			{"q=91350582155", []string{"晋江市安平古镇旅行社有限公司"}},
			{"q=91350582ma2y5555", []string{cultureFirm.Name}},
			{"sector=culture", []string{cultureFirm.Name}},
			{"sector=tourism&behind=1", []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "晋江市安平古镇旅行社有限公司"}}, // as many overdue: by name
			{"q=" + url.QueryEscape("酒店") + "&behind=1", nil},
			{"q=" + url.QueryEscape(sqlMetachars), nil},
			{"q=" + url.QueryEscape("%"), nil},
			{"q=_", nil},
			{"q=" + url.QueryEscape(`"; DROP TABLE enterprises; --`), nil},
		} {
			res, body := b.get(t, "/desk/enterprises?"+tc.query)
			if res.StatusCode != http.StatusOK {
				t.Errorf("?%s: %d", tc.query, res.StatusCode)
				continue
			}
			got := firmNames(body)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("?%s (-want +got):\n%s", tc.query, diff)
			}
			if !strings.Contains(body, fmt.Sprintf("符合条件的 %d 家（共 4 家）", len(tc.want))) {
				t.Errorf("?%s does not say how many matched", tc.query)
			}
			if tc.want == nil && !strings.Contains(body, "没有符合条件的企业") {
				t.Errorf("?%s: no word that nothing matched", tc.query)
			}
		}
		for _, q := range []string{"sector=" + url.QueryEscape(sqlMetachars), "sector=hotels", "page=abc", "page=0", "page=-1", "page=%2B2", "page=0x2"} {
			res, body := b.get(t, "/desk/enterprises?"+q)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, "有误") {
				t.Errorf("?%s: %d, want 400 with a Chinese page", q, res.StatusCode)
			}
		}

		// A section's user sees its sectors' enterprises only.
		sb := loggedIn(t, srv, sectionName, sectionPass)
		_, body = sb.get(t, "/desk/enterprises")
		wantContains(t, body, "本科室所管行业的企业", "共 3 家", "晋江市安平古镇旅行社有限公司")
		if strings.Contains(body, cultureFirm.Name) || strings.Contains(body, `value="culture"`) {
			t.Errorf("a tourism section sees the culture sector:\n%s", body)
		}
		if res, _ := sb.get(t, "/desk/enterprises?sector=culture"); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a section filtering by another's sector: %d, want 400", res.StatusCode)
		}
		if _, body := sb.get(t, "/desk/enterprises?q="+cultureFirm.ID); len(firmNames(body)) != 0 {
			t.Errorf("a section finds another sector's enterprise by its code")
		}
	})
}

// TestDeskEnterprisesPaging: 50 enterprises a page, the others a link away;
// an enterprise imported after the counts were worked out is found by its
// credit code.
func TestDeskEnterprisesPaging(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	srv := deskServer(t, s, web.Options{})
	var list []remindd.Enterprise
	for i := range 119 {
		list = append(list, remindd.Enterprise{ID: fmt.Sprintf("91350582MA2Z%05dX", i), Name: fmt.Sprintf("晋江市第%03d号旅行社", i),
			Sector: "tourism", Size: "中等", Active: true})
	}
	if _, _, err := s.UpsertEnterprises(context.Background(), list); err != nil {
		t.Fatal(err)
	}
	b := loggedIn(t, srv, officeName, officePass)
	_, body := b.get(t, "/desk/enterprises?sector=tourism")
	if n := len(firmNames(body)); n != 50 {
		t.Errorf("page 1 lists %d, want 50", n)
	}
	wantContains(t, body, "共 120 家", "第 1 / 3 页", `href="/desk/enterprises?page=2&amp;sector=tourism"`)
	if strings.Contains(body, "上一页") {
		t.Error("page 1 offers a previous page")
	}
	_, body = b.get(t, "/desk/enterprises?sector=tourism&page=3")
	if n := len(firmNames(body)); n != 20 {
		t.Errorf("page 3 lists %d, want 20", n)
	}
	wantContains(t, body, "第 3 / 3 页", `href="/desk/enterprises?page=2&amp;sector=tourism"`)
	_, body = b.get(t, "/desk/enterprises?sector=tourism&page=99")
	wantContains(t, body, "第 3 / 3 页")

	late := remindd.Enterprise{ID: "91350582MA2Y8888X8", Name: "晋江市新开业旅行社有限公司", Sector: "tourism", Size: "小微", Active: true}
	if _, _, err := s.UpsertEnterprises(context.Background(), []remindd.Enterprise{late}); err != nil {
		t.Fatal(err)
	}
	_, body = b.get(t, "/desk/enterprises?q="+late.ID)
	if got := firmNames(body); len(got) != 1 || got[0] != late.Name {
		t.Errorf("the new enterprise by its code: %q", got)
	}
	wantContains(t, body, "逾期 ")
}

func TestDeskEnterprisePage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := firmsServer(t, s, web.Options{Sections: map[string]web.Contact{"industry-mgmt": {Name: "行业管理科", Phone: "0595-85600001"}}})
		report(t, s, hotelWho, 44, reported)
		b := loggedIn(t, srv, officeName, officePass)
		page := "/desk/enterprises/" + smallHotel
		res, body := b.get(t, page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", page, res.StatusCode, body)
		}
		wantContains(t, body, "<h1>晋江市安平古镇旅行社有限公司</h1>", smallHotel, "旅游行业", "小微", "蔡雅婷", "主管科室", "行业管理科 0595-85600001",
			"逾期未完成", "已报告，待销号（1 项）", `name="confirm1" value="44"`, `name="record1" value=`, "登记完成所选", "撤销所选", "销号所选",
			`<form method="post" action="/desk/enterprises/91350582155335753W" class="decide">`)
		if strings.Contains(body, "/r/") {
			t.Error("the enterprise's page links to its personal link")
		}
		if strings.Contains(body, `value="1"`) {
			t.Error("an enterprise's page offers task 1, which only sections owe")
		}
		overdue := openTasks(t, s, srv, hotelWho)
		if len(overdue) < 2 {
			t.Fatalf("the hotel owes %v overdue: the test needs two", overdue)
		}

		// Record two overdue tasks, with a note: done, by the office, from the desk.
		res, body = b.post(t, page, url.Values{"action": {"recorded"}, "task": {overdue[0], overdue[1]}, "reason": {"现场核查已完成"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("record: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "登记完成已办理：2 项", "晋江市安平古镇旅行社有限公司", "返回晋江市安平古镇旅行社有限公司")
		evs := history(t, s)
		if evs[0] != "recorded "+overdue[1]+" "+smallHotel+" 林主任 desk" || evs[1] != "recorded "+overdue[0]+" "+smallHotel+" 林主任 desk" {
			t.Errorf("history %q", evs)
		}
		// Confirm its report; undo a record, with a reason only.
		if res, body := b.post(t, page, url.Values{"confirm1": {"44"}}); res.StatusCode != http.StatusOK || !strings.Contains(body, "销号已办理：1 项") {
			t.Errorf("confirm: %d\n%s", res.StatusCode, body)
		}
		res, body = b.get(t, page+"/reason?action=undone&task="+overdue[0])
		if res.StatusCode != http.StatusOK {
			t.Fatalf("undo form: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "撤销：任务"+overdue[0], `action="/desk/enterprises/91350582155335753W"`, `value="undone"`, "林主任 于 2024年5月24日 09:00 登记完成")
		before := history(t, s)
		if res, _ := b.post(t, page, url.Values{"action": {"undone"}, "task": {overdue[0]}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("undo without a reason: %d, want 400", res.StatusCode)
		}
		for _, tasks := range [][]string{{"1"}, {overdue[0], "999"}, {sqlMetachars}, {}} {
			if res, _ := b.post(t, page, url.Values{"action": {"recorded"}, "task": tasks}); res.StatusCode != http.StatusBadRequest {
				t.Errorf("record %q: %d, want 400", tasks, res.StatusCode)
			}
		}
		if diff := cmp.Diff(before, history(t, s)); diff != "" {
			t.Errorf("refused changes wrote (-before +after):\n%s", diff)
		}
		res, body = b.post(t, page, url.Values{"action": {"undone"}, "task": {overdue[0]}, "reason": {"误登记"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "撤销已办理：1 项") {
			t.Fatalf("undo: %d\n%s", res.StatusCode, body)
		}
		if got := statusOf(t, s, hotelWho, atoi(t, overdue[0])); got != "" {
			t.Errorf("task %s after 撤销: %q, want open", overdue[0], got)
		}

		for _, path := range []string{"/desk/enterprises/91350582MA2Y0000X0", "/desk/enterprises/" + url.PathEscape(sqlMetachars),
			"/desk/enterprises/" + strings.Repeat("9", 19)} {
			if res, body := b.get(t, path); res.StatusCode != http.StatusNotFound || !strings.Contains(body, "没有这家企业") {
				t.Errorf("GET %s: %d, want 404", path, res.StatusCode)
			}
		}
		_, body = b.get(t, "/desk/enterprises/"+closedFirm.ID)
		wantContains(t, body, "已停用")
		if res, _ := b.post(t, "/desk/enterprises/"+closedFirm.ID, url.Values{"record1": {"44"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("record for an inactive enterprise: %d, want 400", res.StatusCode)
		}
		_, body = b.get(t, "/desk/enterprises/"+markupFirm.ID)
		if strings.Contains(body, "<script>alert(1)</script>") {
			t.Error("the markup name is not escaped")
		}
	})
}

// TestDeskEnterprisePageOfASection: a section's user records for the
// enterprises of its sectors (a report awaiting the office, when reports
// need confirmation) and undoes, and may neither see nor change another
// sector's, nor confirm.
func TestDeskEnterprisePageOfASection(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := firmsServer(t, s, web.Options{})
		report(t, s, hotelWho, 44, reported)
		b := loggedIn(t, srv, sectionName, sectionPass)
		page := "/desk/enterprises/" + smallHotel
		res, body := b.get(t, page)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s as a section: %d", page, res.StatusCode)
		}
		wantContains(t, body, "本科室为企业登记的完成情况，由局办公室核实后销号", "撤销所选")
		if strings.Contains(body, `name="confirm1"`) || strings.Contains(body, "销号所选") {
			t.Error("a section's user is offered 销号")
		}
		before := history(t, s)
		culture := "/desk/enterprises/" + cultureFirm.ID
		for _, tc := range []struct {
			path string
			form url.Values
		}{
			{page, url.Values{"confirm1": {"44"}}},
			{page, url.Values{"action": {"returned"}, "task": {"44"}, "reason": {"x"}}},
			{culture, url.Values{"record1": {"44"}}},
			{culture, url.Values{"action": {"undone"}, "task": {"44"}, "reason": {"x"}}},
		} {
			if res, _ := b.post(t, tc.path, tc.form); res.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s %v as a section: %d, want 403", tc.path, tc.form, res.StatusCode)
			}
		}
		for _, path := range []string{culture, culture + "/reason?action=undone&task=44", page + "/reason?action=returned&task=44"} {
			if res, _ := b.get(t, path); res.StatusCode != http.StatusForbidden {
				t.Errorf("GET %s as a section: %d, want 403", path, res.StatusCode)
			}
		}
		if diff := cmp.Diff(before, history(t, s)); diff != "" {
			t.Errorf("refused POSTs wrote (-before +after):\n%s", diff)
		}
		overdue := openTasks(t, s, srv, hotelWho)
		res, body = b.post(t, page, url.Values{"record1": {overdue[0]}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "等待局办公室销号") {
			t.Fatalf("record as a section: %d\n%s", res.StatusCode, body)
		}
		if got := statusOf(t, s, hotelWho, atoi(t, overdue[0])); got != remindd.StatusReported {
			t.Errorf("recorded by the section: %q, want reported", got)
		}
		res, body = b.post(t, page, url.Values{"action": {"undone"}, "task": {"44"}, "reason": {"企业误报，尚未完成"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "撤销已办理：1 项") {
			t.Fatalf("undo as a section: %d\n%s", res.StatusCode, body)
		}
		if got := statusOf(t, s, hotelWho, 44); got != "" {
			t.Errorf("task 44 undone by the section: %q, want open", got)
		}
	})
}

// openTasks are the task numbers a page of who lists as overdue, as
// strings, in order.
func openTasks(t *testing.T, s *store.Store, srv *testServer, who remindd.Recipient) []string {
	t.Helper()
	b := loggedIn(t, srv, officeName, officePass)
	_, body := b.get(t, "/desk/enterprises/"+who.ID)
	i, j := strings.Index(body, `id="overdue"`), strings.Index(body, `id="reported"`)
	if i < 0 || j < i {
		t.Fatalf("no overdue section:\n%s", body)
	}
	var out []string
	for _, part := range strings.Split(body[i:j], `name="record1" value="`)[1:] {
		n, _, _ := strings.Cut(part, `"`)
		out = append(out, n)
	}
	return out
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil {
		t.Fatal(err)
	}
	return n
}
