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
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// achievements is every achievement of the plan, as sector metric name
// enterprise size kind date.
func achievements(t *testing.T, s *store.Store) []string {
	t.Helper()
	list, err := s.Achievements(context.Background(), testPlanID)
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, a := range list {
		out = append(out, strings.Join([]string{a.Sector, a.Metric, a.Name, a.Enterprise, a.Size, a.PostKind, a.Date.String()}, " "))
	}
	return out
}

func TestDeskAchievements(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		srv := firmsServer(t, s, web.Options{})
		if _, err := s.Achieve(context.Background(), testPlanID, remindd.Achievement{Sector: "culture", Metric: "certified", Name: "晋江市星光网吧有限公司",
			Enterprise: cultureFirm.ID, Size: "小微", Date: plan.Date{Year: 2024, Month: 4, Day: 30}}); err != nil {
			t.Fatal(err)
		}
		b := loggedIn(t, srv, officeName, officePass)
		res, body := b.get(t, "/desk/achievements")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET /desk/achievements: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "<h1>成果</h1>", "旅游行业", "0 / 25", "1 / 8", "已登记的成果（1 项）", "2024年4月30日", "评审达标企业",
			`<a href="/desk/enterprises/91350582MA2Y5555X5">晋江市星光网吧有限公司</a>`, `name="metric"`, `name="kind"`, `value="2024-05-24"`,
			`<option value="tourism">旅游行业</option>`, `aria-current="page">成果</a>`)

		_, body = b.get(t, "/desk")
		wantContains(t, body, "0/25")
		// A demo post of the tourism sector: recorded once, also when sent twice.
		post := url.Values{"sector": {"tourism"}, "metric": {"demo_post"}, "name": {"安平古镇旅行社青年突击手岗"}, "kind": {"青年突击手"},
			"size": {"小微"}, "enterprise": {strings.ToLower(smallHotel)}, "date": {"2024-05-20"}}
		res, body = b.post(t, "/desk/achievements", post)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("record: %d\n%s", res.StatusCode, body)
		}
		wantContains(t, body, "成果已登记", "已计入旅游行业的示范岗位", "1 / 25", "安平古镇旅行社青年突击手岗")
		want := []string{
			"culture certified 晋江市星光网吧有限公司 91350582MA2Y5555X5 小微  2024-04-30",
			"tourism demo_post 安平古镇旅行社青年突击手岗 91350582155335753W 小微 青年突击手 2024-05-20",
		}
		if diff := cmp.Diff(want, achievements(t, s)); diff != "" {
			t.Errorf("achievements (-want +got):\n%s", diff)
		}
		res, body = b.post(t, "/desk/achievements", post)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, "这项成果此前已登记") {
			t.Errorf("the same again: %d\n%s", res.StatusCode, body)
		}
		if diff := cmp.Diff(want, achievements(t, s)); diff != "" {
			t.Errorf("achievements after a replay (-want +got):\n%s", diff)
		}
		// The overview counts it at once.
		_, body = b.get(t, "/desk")
		wantContains(t, body, "1/25")
		if strings.Contains(body, "0/25") {
			t.Error("the overview still counts no demo post of tourism")
		}

		with := func(k, v string) url.Values {
			f := url.Values{}
			for key, vs := range post {
				f[key] = vs
			}
			f.Set("name", "另一个岗位")
			f.Set(k, v)
			return f
		}
		for _, tc := range []struct {
			form url.Values
			want string
		}{
			{with("sector", ""), "请选择行业"},
			{with("sector", sqlMetachars), "请选择行业"},
			{with("metric", "champion"), "请选择类别"},
			{with("name", "  "), "请填写名称"},
			{with("name", strings.Repeat("岗", 256)), "名称最多 255 个字，现在有 256 个字"},
			{with("name", "岗\u202e位"), "名称的第 2 个字符是控制字符"},
			{with("kind", ""), "示范岗位请选择岗位类型"},
			{with("kind", "先进岗"), "岗位类型“先进岗”无效"},
			{with("metric", "benchmark"), "只有示范岗位需要选择岗位类型"},
			{with("size", "大型"), "企业规模“大型”无效"},
			{with("enterprise", "91350582MA2Y0000X0"), "企业名录中没有统一社会信用代码为 91350582MA2Y0000X0 的企业"},
			{with("enterprise", cultureFirm.ID), "企业“晋江市星光网吧有限公司”属于文化行业，不属于旅游行业"},
			{with("enterprise", sqlMetachars), "企业名录中没有"},
			{with("date", ""), "请填写日期"},
			{with("date", "05/20/2024"), "日期“05/20/2024”无效"},
			{with("date", "2024-02-30"), "日期“2024-02-30”无效"},
			{with("date", "2023-12-31"), "日期应在工作方案的年度（2024年）内"},
			{with("date", "2024-05-25"), "日期不能晚于今天"},
		} {
			res, body := b.post(t, "/desk/achievements", tc.form)
			if res.StatusCode != http.StatusBadRequest || !strings.Contains(body, tc.want) || !strings.Contains(body, "本次没有登记") {
				t.Errorf("%v: %d, want 400 saying %q\n%s", tc.form, res.StatusCode, tc.want, body)
			}
			if !strings.Contains(body, `value="另一个岗位"`) && tc.form.Get("name") == "另一个岗位" {
				t.Errorf("%v: the form does not keep what was typed", tc.form)
			}
		}
		if diff := cmp.Diff(want, achievements(t, s)); diff != "" {
			t.Errorf("refused forms wrote (-want +got):\n%s", diff)
		}

		for _, q := range []string{"sector=culture", "metric=certified"} {
			_, body := b.get(t, "/desk/achievements?"+q)
			if !strings.Contains(body, "已登记的成果（1 项）") || strings.Contains(body, "青年突击手岗</b>") {
				t.Errorf("?%s does not filter", q)
			}
		}
		for _, q := range []string{"sector=" + url.QueryEscape(sqlMetachars), "metric=champion"} {
			if res, _ := b.get(t, "/desk/achievements?"+q); res.StatusCode != http.StatusBadRequest {
				t.Errorf("?%s: %d, want 400", q, res.StatusCode)
			}
		}

		// A section records for its sectors only.
		sb := loggedIn(t, srv, sectionName, sectionPass)
		_, body = sb.get(t, "/desk/achievements")
		wantContains(t, body, `<option value="tourism" selected>旅游行业</option>`, "晋江市星光网吧有限公司")
		if strings.Contains(body, `<option value="culture" selected>`) || strings.Contains(body, `href="/desk/enterprises/91350582MA2Y5555X5"`) {
			t.Error("a tourism section may record for culture, or open its enterprise")
		}
		res, _ = sb.post(t, "/desk/achievements", url.Values{"sector": {"culture"}, "metric": {"benchmark"}, "name": {"某图书馆"}, "date": {"2024-05-20"}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("a section recording for another's sector: %d, want 403", res.StatusCode)
		}
		res, _ = sb.post(t, "/desk/achievements", url.Values{"sector": {"tourism"}, "metric": {"benchmark"}, "name": {"晋江市安平古镇旅行社有限公司"}, "date": {"2024-05-21"}})
		if res.StatusCode != http.StatusOK {
			t.Errorf("a section recording for its sector: %d", res.StatusCode)
		}
		if n := len(achievements(t, s)); n != 3 {
			t.Errorf("%d achievements, want 3", n)
		}
	})
}
