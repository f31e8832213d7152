package web_test

import (
	"context"
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

const baselineNote = "上线前已完成，按局办公室通知统一登记"

func TestDeskBaseline(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := firmsServer(t, s, web.Options{})
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk/baseline")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk/baseline: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "<h1>上线统一登记</h1>", `<form method="get" action="/desk/baseline"`, `name="before" value="2024-05-24" max="2024-05-24"`,
			`<option value="industry-mgmt">行业管理科及所管企业</option>`, `name="note"`, "预览将登记的事项", `aria-current="page">上线登记</a>`)

		sb := loggedIn(t, srv, sectionName, sectionPass)
		// The preview reads and writes nothing.
		before := storetest.Dump(t, s)
		preview := url.Values{"before": {"2024-05-01"}, "section": {industryID}, "note": {baselineNote}}
		res, body = b.get(t, "/desk/baseline?"+preview.Encode())
		if res.StatusCode != http.StatusOK {
			t.Fatalf("preview: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "上线统一登记：预览", "尚未登记", "截止日期在 <b>2024年5月1日</b> 之前", "行业管理科及所管企业", baselineNote,
			"行业管理科", "任务1–43", "43 项", "旅游行业", "2 家", `<form method="post" action="/desk/baseline"`,
			`name="before" value="2024-05-01"`, `name="section" value="industry-mgmt"`, "确认登记", "返回修改")
		if strings.Contains(body, "市场管理科") || strings.Contains(body, "文化行业") {
			t.Errorf("the preview of one section counts others:\n%s", body)
		}
		edit := between(body, `<a class="button secondary" href="`, `">返回修改</a>`)
		res, body = b.get(t, strings.ReplaceAll(edit, "&amp;", "&"))
		if res.StatusCode != http.StatusOK || !strings.Contains(body, `value="2024-05-01"`) || !strings.Contains(body, `<option value="industry-mgmt" selected>`) ||
			!strings.Contains(body, ">"+baselineNote+"</textarea>") {
			t.Errorf("返回修改 does not keep the form's values: %d\n%s", res.StatusCode, body)
		}
		for _, tc := range []struct {
			query url.Values
			want  string
		}{
			{url.Values{"before": {"2024-05-01"}, "note": {" "}}, "请填写说明"},
			{url.Values{"before": {"2024-05-25"}, "note": {baselineNote}}, "日期不能晚于今天（2024年5月24日）"},
			{url.Values{"before": {"05/01/2024"}, "note": {baselineNote}}, "日期“05/01/2024”无效"},
			{url.Values{"before": {"2024-05-01"}, "section": {sqlMetachars}, "note": {baselineNote}}, "不在工作方案中"},
			{url.Values{"before": {"2024-05-01"}, "note": {"上线\x1b[2J"}}, "说明的第 3 个字符是控制字符"},
		} {
			res, body := b.get(t, "/desk/baseline?"+tc.query.Encode())
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) {
				t.Errorf("?%s: %d, want 400 saying %q\n%s", tc.query.Encode(), res.StatusCode, tc.want, body)
			}
		}
		if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
			t.Fatalf("the baseline's form and preview changed the store (-before +after):\n%s", diff)
		}

		// A section's user may neither see nor record it.
		if res, _ := sb.get(t, "/desk/baseline?"+preview.Encode()); res.StatusCode != http.StatusForbidden {
			t.Errorf("GET the baseline as a section: %d, want 403", res.StatusCode)
		}
		if res, _ := sb.post(t, "/desk/baseline", preview); res.StatusCode != http.StatusForbidden {
			t.Errorf("POST the baseline as a section: %d, want 403", res.StatusCode)
		}
		if res, _ := b.post(t, "/desk/baseline", url.Values{"before": {"2024-05-01"}, "section": {industryID}}); res.StatusCode != http.StatusBadRequest {
			t.Errorf("POST without a note: %d, want 400", res.StatusCode)
		}
		if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
			t.Fatalf("refused baselines changed the store (-before +after):\n%s", diff)
		}

		res, body = b.post(t, "/desk/baseline", preview)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("record: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "统一登记已办理：", "行业管理科及所管企业截止日期在 2024年5月1日 之前的事项已登记为完成（科室 43 项，企业 ", baselineNote)
		evs, err := s.Events(context.Background(), testPlanID, store.EventFilter{Assignees: []remindd.Recipient{industryWho}})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) != 43 || evs[0].Source != remindd.SourceBaseline || evs[0].By != officeName || evs[0].Note != baselineNote || evs[0].Action != remindd.Recorded {
			t.Errorf("%d events of industry-mgmt, the first %+v", len(evs), evs[0])
		}
		if got := statusOf(t, s, industryWho, 1); got != remindd.StatusDone {
			t.Errorf("task 1 of industry-mgmt after the baseline: %q", got)
		}
		if got := statusOf(t, s, remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}, 1); got != "" {
			t.Errorf("task 1 of market-mgmt after industry-mgmt's baseline: %q", got)
		}
		if got := statusOf(t, s, remindd.Recipient{Kind: remindd.KindEnterprise, ID: cultureFirm.ID}, 1); got != "" {
			t.Errorf("a culture enterprise after industry-mgmt's baseline: %q", got)
		}
		n := len(history(t, s))
		_, body = b.get(t, "/desk/history?section=industry-mgmt")
		wantContains(t, body, "上线统一登记", baselineNote)

		// Again: nothing left to record, and it says so.
		res, body = b.post(t, "/desk/baseline", preview)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "没有变更") {
			t.Errorf("the same baseline again: %d\n%s", res.StatusCode, body)
		}
		if diff := cmp.Diff(n, len(history(t, s))); diff != "" {
			t.Errorf("the second baseline wrote events: %s", diff)
		}
		_, body = b.get(t, "/desk/baseline?"+preview.Encode())
		wantContains(t, body, "没有需要统一登记的事项")
		if strings.Contains(body, "确认登记") {
			t.Error("a preview of nothing offers to record")
		}
	})
}

// between is the text of s after the first from, up to the next to.
func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	out, _, _ := strings.Cut(rest, to)
	return out
}
