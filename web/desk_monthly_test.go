package web_test

import (
	"context"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// june1 is the morning the May reports are due: the summary before the
// 2nd, the forms before the 3rd.
var june1 = time.Date(2024, 6, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// TestMonthlyReportMarked: a section marks May's reports sent on its
// personal link's page and the desk's; GET changes nothing, a second mark
// records nothing, a month that may not be marked is refused and nothing
// written; the office's overview says who has not reported.
func TestMonthlyReportMarked(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{Now: func() time.Time { return june1 }})
		tok, err := srv.Options.Signer.Mint(industryWho, june1.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		res, body := srv.get(t, "/r/"+tok)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET the link: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "月报报送", "书面工作总结（次月2日前）", "报送市安委会办公室", `action="/r/`+tok+`/monthly"`,
			`name="month" value="2024-05"`, "<b>2024年5月</b>的月报", "本月已报送")
		if got := history(t, s); len(got) != 0 {
			t.Fatalf("GET wrote %v", got)
		}
		link := newBrowser(t, srv)
		for _, tc := range []struct {
			month, want string
		}{
			{"2024-04", "月份“2024-04”不能登记。现在可以登记的是2024年5月的月报。"},
			{"2024-06", "月份“2024-06”不能登记。"},
			{"", "没有选择月份。"},
			{"2024-5", "月份“2024-5”不能登记。"},
		} {
			res, body := link.post(t, "/r/"+tok+"/monthly", url.Values{"month": {tc.month}})
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) || !strings.Contains(body, "本次没有作任何变更") {
				t.Errorf("month %q: %d, want 400 saying %q\n%s", tc.month, res.StatusCode, tc.want, body)
			}
		}
		if res, _ := link.post(t, "/r/"+tok+"/monthly", url.Values{"month": {"2024-05"}, "by": {"张\u202e三"}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("a by with a bidi control: %d, want 400", res.StatusCode)
		}
		if got := history(t, s); len(got) != 0 {
			t.Fatalf("refused marks wrote %v", got)
		}
		res, body = link.post(t, "/r/"+tok+"/monthly", url.Values{"month": {"2024-05"}, "by": {"张科长"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("mark: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "2024年5月月报已登记报送", "行业管理科2024年5月的月报", `href="/r/`+tok+`"`)
		res, body = link.post(t, "/r/"+tok+"/monthly", url.Values{"month": {"2024-05"}, "by": {"李四"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "此前已登记") || !strings.Contains(body, "由 张科长 登记") {
			t.Errorf("again: %d\n%s", res.StatusCode, body)
		}
		want := []string{"month_reported 0 industry-mgmt 张科长 link"}
		if diff := cmp.Diff(want, history(t, s)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		_, body = srv.get(t, "/r/"+tok)
		wantContains(t, body, "已报送</span> 2024年5月月报", "张科长 于 2024年6月1日 09:00 登记")

		// An enterprise has no monthly report.
		firmTok, err := srv.Options.Signer.Mint(hotelWho, june1.Add(30*24*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res, _ := link.post(t, "/r/"+firmTok+"/monthly", url.Values{"month": {"2024-05"}}); res.StatusCode != http.StatusNotFound {
			t.Errorf("an enterprise's mark: %d, want 404", res.StatusCode)
		}

		// On the desk: a section's user its own, the office any section's.
		sb := loggedIn(t, srv, sectionName, sectionPass)
		_, body = sb.get(t, "/desk/sections/"+industryID)
		wantContains(t, body, "月报报送", "已报送</span> 2024年5月月报")
		if res, _ := sb.post(t, "/desk/sections/market-mgmt/monthly", url.Values{"month": {"2024-05"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a section marking another's: %d, want 403", res.StatusCode)
		}
		ob := loggedIn(t, srv, officeName, officePass)
		_, body = ob.get(t, "/desk")
		wantContains(t, body, "月报报送情况", "2024年5月月报：已报送 <b>1</b>/4 个科室", "尚未报送：市场管理科、公共文化和艺术科、文化遗产科")
		res, body = ob.post(t, "/desk/sections/market-mgmt/monthly", url.Values{"month": {"2024-05"}})
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "市场管理科2024年5月的月报") {
			t.Errorf("the office marking for a section: %d\n%s", res.StatusCode, body)
		}
		want = append([]string{"month_reported 0 market-mgmt " + officeName + " desk"}, want...)
		if diff := cmp.Diff(want, history(t, s)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		_, body = ob.get(t, "/desk")
		wantContains(t, body, "已报送 <b>2</b>/4 个科室", "尚未报送：公共文化和艺术科、文化遗产科")
		_, body = ob.get(t, "/desk/history")
		wantContains(t, body, "月报已报送</span> 市场管理科", "月报 2024-05")
		if strings.Contains(body, "任务0") {
			t.Error("the history names a task 0")
		}
	})
}

// TestMonthlyMonths: May's own report may be marked from its last week
// on, April's through May; nothing before the plan's year.
func TestMonthlyMonths(t *testing.T) {
	s := storetest.Backends(t)[0].Open(t)
	c := &clock{t: time.Date(2024, 5, 24, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))}
	srv := deskServer(t, s, web.Options{Now: c.Now})
	var b *browser
	for _, tc := range []struct {
		at         time.Time
		want, none []string
	}{
		{time.Date(2024, 5, 24, 9, 0, 0, 0, time.UTC), []string{`value="2024-04"`}, []string{`value="2024-05"`}},
		{time.Date(2024, 5, 25, 9, 0, 0, 0, time.UTC), []string{`value="2024-04"`, `value="2024-05"`}, nil},
		{time.Date(2024, 1, 10, 9, 0, 0, 0, time.UTC), nil, []string{"月报报送"}},
		{time.Date(2025, 1, 2, 9, 0, 0, 0, time.UTC), []string{`value="2024-12"`}, []string{`value="2025-01"`}},
	} {
		c.mu.Lock()
		c.t = tc.at
		c.mu.Unlock()
		// Sessions last 12 hours: sign in again on each day.
		b = loggedIn(t, srv, sectionName, sectionPass)
		_, body := b.get(t, "/desk/sections/"+industryID)
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %s", tc.at.Format("2006-01-02"), w)
			}
		}
		for _, w := range tc.none {
			if strings.Contains(body, w) {
				t.Errorf("%s: the page has %s", tc.at.Format("2006-01-02"), w)
			}
		}
	}
}

// figureForm is a form with every figure n, for section's month.
func figureForm(section, month string, n string) url.Values {
	f := url.Values{"section": {section}, "month": {month}}
	for _, c := range remindd.FigureColumns {
		f.Set(c.Key, n)
	}
	return f
}

// TestFiguresEntered: the office enters a section's May, the form
// mirrors the forms' columns, full-width digits are read, a wrong figure
// writes nothing and each problem is named; a section's user enters its
// own only.
func TestFiguresEntered(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := deskServer(t, s, web.Options{Now: func() time.Time { return june1 }})
		ob := loggedIn(t, srv, officeName, officePass)
		res, body := ob.get(t, "/desk/figures?section=industry-mgmt&month=2024-05")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "行业管理科 · 2024年5月", "尚未填报", "附件4 · 样板乡镇（街道、园区）数量", "附件5 · 企业优化完善“四项规范”",
			"安全风险管控导则（份）", "金额（元）", "按元填写，报表中折算为万元", `name="restrained"`, `name="month" value="2024-05"`)
		if n := strings.Count(body, `inputmode="numeric"`); n != len(remindd.FigureColumns) {
			t.Errorf("%d figure inputs, want %d", n, len(remindd.FigureColumns))
		}
		bad := figureForm(industryID, "2024-05", "3")
		bad.Set("site_5s", "")
		bad.Set("fined", "-1")
		bad.Set("spec_rules", "2.5")
		bad.Set("warned", "三")
		bad.Del("closed")
		res, body = ob.post(t, "/desk/figures", bad)
		if res.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad figures: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "以下 5 项有误，本次没有保存任何数据", "“强化5S现场管理（家）”没有填写，若无请填 0", "“罚款企业数（家次）”不能为负数",
			"“企业优化完善“四项规范”达标细则（份）”应为整数", "“约谈警示企业（家次）”“三”不是数字", "“取缔关闭企业（家次）”没有填写",
			`name="inspected" value="3"`, `aria-invalid="true"`)
		if _, ok, _ := s.Figures(ctx, industryID, remindd.Month{Year: 2024, Month: time.May}); ok || len(history(t, s)) != 0 {
			t.Fatal("refused figures were written")
		}
		good := figureForm(industryID, "2024-05", "0")
		good.Set("hazards_found", "１２")
		good.Set(remindd.FineYuan, " 50000 ")
		res, body = ob.post(t, "/desk/figures", good)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("figures: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "已保存", "行业管理科2024年5月的月报数据已保存", `name="hazards_found" value="12"`)
		f, ok, err := s.Figures(ctx, industryID, remindd.Month{Year: 2024, Month: time.May})
		if err != nil || !ok || f.Values["hazards_found"] != 12 || f.Values[remindd.FineYuan] != 50000 || f.By != officeName || f.Source != remindd.SourceDesk {
			t.Errorf("stored: %+v %v %v", f, ok, err)
		}
		res, body = ob.post(t, "/desk/figures", good)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "月报数据已更新") {
			t.Errorf("again: %d", res.StatusCode)
		}
		want := []string{"edited 0 industry-mgmt " + officeName + " desk", "edited 0 industry-mgmt " + officeName + " desk"}
		if diff := cmp.Diff(want, history(t, s)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		_, body = ob.get(t, "/desk/figures?section=industry-mgmt&month=2024-05")
		wantContains(t, body, "已于 2024年6月1日 09:00 由 林主任 填报", `name="hazards_found" value="12"`)

		for _, q := range []string{"month=2024-07", "month=2021-07", "month=May", "section=nobody"} {
			if res, _ := ob.get(t, "/desk/figures?"+q); res.StatusCode != http.StatusBadRequest {
				t.Errorf("?%s: %d, want 400", q, res.StatusCode)
			}
		}
		sb := loggedIn(t, srv, sectionName, sectionPass)
		if res, _ := sb.get(t, "/desk/figures?section=market-mgmt"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a section opening another's figures: %d, want 403", res.StatusCode)
		}
		if res, _ := sb.post(t, "/desk/figures", figureForm("market-mgmt", "2024-05", "1")); res.StatusCode != http.StatusForbidden {
			t.Errorf("a section entering another's figures: %d, want 403", res.StatusCode)
		}
		res, body = sb.get(t, "/desk/figures")
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "行业管理科 · 2024年5月") {
			t.Errorf("a section's own figures by default: %d", res.StatusCode)
		}
		if len(history(t, s)) != 2 {
			t.Errorf("history %v", history(t, s))
		}
	})
}

// TestFormsDownload: the office downloads the bureau's forms of a month,
// with Chinese file names, that open and hold the entered figures; a
// section downloads its part only; the page names whose figures are
// missing.
func TestFormsDownload(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := deskServer(t, s, web.Options{Now: func() time.Time { return june1 }})
		ob := loggedIn(t, srv, officeName, officePass)
		good := figureForm(industryID, "2024-05", "0")
		good.Set("inspected", "17")
		if res, _ := ob.post(t, "/desk/figures", good); res.StatusCode != http.StatusOK {
			t.Fatal("figures not entered")
		}
		res, body := ob.get(t, "/desk/monthly?month=2024-05")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk/monthly: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "月报 · 2024年5月", "下载附件4", "附件4-2024-05.xlsx", "附件5-2024-05.xlsx",
			"以下科室尚未填报2024年5月的月报数据，报表中按 0 统计：市场管理科、公共文化和艺术科、文化遗产科",
			`href="/desk/monthly/download?form=5&amp;month=2024-05"`, `href="/desk/figures?month=2024-05&amp;section=market-mgmt"`)
		n := len(history(t, s))

		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/desk/monthly/download?form=5&month=2024-05", nil)
		resp, err := ob.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("download: %d %v", resp.StatusCode, err)
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
			t.Errorf("Content-Type %q", ct)
		}
		_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		if err != nil || params["filename"] != "附件5-2024-05.xlsx" {
			t.Errorf("Content-Disposition %q: %v %v", resp.Header.Get("Content-Disposition"), params, err)
		}
		x, err := excelize.OpenReader(strings.NewReader(string(data)))
		if err != nil {
			t.Fatalf("the file does not open: %v", err)
		}
		rows, err := x.GetRows(x.GetSheetList()[0])
		if err != nil {
			t.Fatal(err)
		}
		var found bool
		for _, row := range rows {
			if len(row) > 0 && row[0] == "市直单位" {
				for _, c := range row {
					found = found || c == "17"
				}
			}
		}
		if !found {
			t.Errorf("the 市直单位 row of 附件5 lacks the 17 inspections entered:\n%v", rows)
		}

		sb := loggedIn(t, srv, sectionName, sectionPass)
		req, _ = http.NewRequest(http.MethodGet, srv.URL+"/desk/monthly/download?form=4&month=2024-05", nil)
		resp, err = sb.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if _, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); resp.StatusCode != http.StatusOK || params["filename"] != "附件4-2024-05-行业管理科.xlsx" {
			t.Errorf("a section's download: %d %q", resp.StatusCode, resp.Header.Get("Content-Disposition"))
		}
		if res, _ := sb.get(t, "/desk/monthly/download?form=4&month=2024-05&section=market-mgmt"); res.StatusCode != http.StatusForbidden {
			t.Errorf("a section downloading another's: %d, want 403", res.StatusCode)
		}
		_, body = sb.get(t, "/desk/monthly?month=2024-05")
		if strings.Contains(body, `href="/desk/monthly/download?form=4&amp;month=2024-05"`) || strings.Contains(body, "全局月报表") || strings.Contains(body, "市场管理科") {
			t.Errorf("a section's page offers the bureau's forms or another section:\n%s", body)
		}
		for _, q := range []string{"form=6&month=2024-05", "form=4&month=2024-13", "form=4&month=2030-01"} {
			if res, _ := ob.get(t, "/desk/monthly/download?"+q); res.StatusCode != http.StatusBadRequest {
				t.Errorf("?%s: %d, want 400", q, res.StatusCode)
			}
		}
		if len(history(t, s)) != n {
			t.Error("a download wrote")
		}
	})
}

// TestEnterpriseAttributes: the office sets an enterprise's form
// attributes, the change is kept with an event naming it; a bad value
// changes nothing; a section edits its sectors' enterprises only.
func TestEnterpriseAttributes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := firmsServer(t, s, web.Options{})
		ob := loggedIn(t, srv, officeName, officePass)
		_, body := ob.get(t, "/desk/enterprises/"+smallHotel)
		wantContains(t, body, "报表信息", `name="role" value="标杆培育对象"`, `name="role" value="达标培育对象"`, `<option value="国标">国标</option>`,
			`<option value="自评">自评</option>`, `<option value="县级">县级</option>`, `<option value="蓝">蓝</option>`, `action="/desk/enterprises/`+smallHotel+`/attributes"`)
		page := "/desk/enterprises/" + smallHotel + "/attributes"
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{url.Values{"risk": {"紫"}}, "风险等级“紫”无效，应为 红、橙、黄、蓝 之一，或不填。"},
			{url.Values{"role": {"示范对象"}}, "角色“示范对象”无效，应为 标杆培育对象、达标培育对象 之一。"},
			{url.Values{"level": {"一级"}}, "填写了级别“一级”，请同时选择达标类型"},
			{url.Values{"std_type": {"国家级"}, "benchmark_tier": {"乡级"}}, "达标类型“国家级”无效"},
		} {
			res, body := ob.post(t, page, tc.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) || !strings.Contains(body, "本次没有作任何修改") {
				t.Errorf("%v: %d, want 400 saying %q\n%s", tc.form, res.StatusCode, tc.want, body)
			}
		}
		if len(history(t, s)) != 0 {
			t.Fatal("refused edits wrote")
		}
		form := url.Values{"role": {"达标培育对象", "标杆培育对象"}, "std_type": {"省标"}, "level": {"三级"}, "risk": {"橙"}}
		res, body := ob.post(t, page, form)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("edit: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "企业信息已保存", "角色：未填→标杆培育对象、达标培育对象；达标类型：未填→省标；级别：未填→三级；风险等级：未填→橙")
		e, _, err := s.Enterprise(ctx, smallHotel)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(store.EnterpriseAttributes{Roles: []string{"标杆培育对象", "达标培育对象"}, StdType: "省标", Level: "三级", Risk: "橙"}, store.AttributesOf(e)); diff != "" {
			t.Errorf("attributes (-want +got):\n%s", diff)
		}
		res, body = ob.post(t, page, form)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "企业信息没有变化") {
			t.Errorf("the same again: %d", res.StatusCode)
		}
		if diff := cmp.Diff([]string{"edited 0 " + smallHotel + " " + officeName + " desk"}, history(t, s)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		_, body = ob.get(t, "/desk/enterprises/"+smallHotel)
		wantContains(t, body, "角色 标杆培育对象、达标培育对象 · 达标类型 省标 · 级别 三级 · 风险等级 橙", `value="标杆培育对象" checked`, `<option value="省标" selected>`, `<option value="橙" selected>`)

		sb := loggedIn(t, srv, sectionName, sectionPass)
		if res, _ := sb.post(t, "/desk/enterprises/"+cultureFirm.ID+"/attributes", url.Values{"risk": {"红"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("a tourism section editing a culture enterprise: %d, want 403", res.StatusCode)
		}
		if res, _ := sb.post(t, page, url.Values{"risk": {"红"}}); res.StatusCode != http.StatusOK {
			t.Errorf("a section editing its own sector's enterprise: %d", res.StatusCode)
		}
		if len(history(t, s)) != 2 {
			t.Errorf("history %v", history(t, s))
		}
	})
}
