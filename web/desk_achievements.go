package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// maxAchievementsShown bounds the achievements the page lists.
const maxAchievementsShown = 500

// achievementRow is an achievement as the list shows it.
type achievementRow struct {
	Date, Sector, Metric, Name string
	Enterprise, EnterpriseURL  string
	Size, PostKind             string
}

// achievementTally is a sector's count of one metric against its yearly
// target.
type achievementTally struct {
	Metric           string
	Achieved, Target int
	Met              bool
}

// sectorTally is a sector's counts.
type sectorTally struct {
	Name    string
	Metrics []achievementTally
}

// achievementForm is what the record form holds: its choices, and what
// was typed when it comes back with a problem.
type achievementForm struct {
	Sector, Metric, Name, Enterprise, Size, PostKind, Date string
}

// achievementsView is the achievements page: the counts by sector, the
// list, and the form to record one.
type achievementsView struct {
	deskNav
	Tallies []sectorTally
	// The list's filter and the choices it offers.
	Sector, Metric string
	Sectors        []navLink // every sector, for the filter
	Metrics        []plan.Metric
	Rows           []achievementRow
	Total, Hidden  int
	Filtered       bool
	// The form: the sectors u may record for, and the plan's classes.
	MaySectors []navLink
	Sizes      []string
	Kinds      []string
	Form       achievementForm
	Today      string // YYYY-MM-DD, the form's default date
	// Problem is what the form's last submission lacked; Added and
	// Already what it recorded or found recorded before.
	Problem string
	Added   *achievementRow
	Already bool
}

// metricName is a metric's name, or its id when the plan lacks it.
func (h *handler) metricName(id string) string {
	if m, ok := h.Plan.Metric(id); ok {
		return m.Name
	}
	return id
}

// achievementsPage lists the plan's achievements, by sector, metric and
// date, with the counts against the yearly targets and the form to record
// one.
func (h *handler) achievementsPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	q := r.URL.Query()
	v, ok := h.achievementsView(w, r, u, strings.TrimSpace(q.Get("sector")), strings.TrimSpace(q.Get("metric")))
	if !ok {
		return
	}
	h.render(w, r, http.StatusOK, "desk_achievements", "成果", v)
}

// achievementsView builds the page for u, the list filtered by sector and
// metric; it answers 400 or 500 itself and returns false when it cannot.
func (h *handler) achievementsView(w http.ResponseWriter, r *http.Request, u remindd.User, sector, metric string) (*achievementsView, bool) {
	ctx := r.Context()
	v := &achievementsView{Sector: sector, Metric: metric, Metrics: h.Plan.Metrics, Sizes: h.Plan.SizeClasses,
		Kinds: h.Plan.DemoPostKinds, MaySectors: h.sectorChoices(u), Today: h.today(h.Now()).String()}
	if _, ok := h.Plan.Sector(sector); sector != "" && !ok {
		h.errorPage(w, r, http.StatusBadRequest, "筛选条件有误", fmt.Sprintf("行业“%s”不在工作方案中。请返回成果页重新选择。", clip(sector, 40)))
		return nil, false
	}
	if _, ok := h.Plan.Metric(metric); metric != "" && !ok {
		h.errorPage(w, r, http.StatusBadRequest, "筛选条件有误", fmt.Sprintf("类别“%s”不在工作方案中。请返回成果页重新选择。", clip(metric, 40)))
		return nil, false
	}
	v.Filtered = sector != "" || metric != ""
	v.Form = achievementForm{Date: v.Today}
	if len(v.MaySectors) == 1 {
		v.Form.Sector = v.MaySectors[0].ID
	}
	var err error
	if v.deskNav, err = h.nav(ctx, u, "achievements"); err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	list, err := h.Store.Achievements(ctx, h.Plan.ID)
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	count := map[[2]string]int{}
	for _, a := range list {
		count[[2]string{a.Sector, a.Metric}]++
	}
	order := map[string]int{}
	for i := range h.Plan.Sectors {
		s := &h.Plan.Sectors[i]
		order[s.ID] = i
		v.Sectors = append(v.Sectors, navLink{ID: s.ID, Name: shortName(s)})
		t := sectorTally{Name: shortName(s)}
		for _, m := range h.Plan.Metrics {
			n, target := count[[2]string{s.ID, m.ID}], s.Targets[m.ID]
			t.Metrics = append(t.Metrics, achievementTally{Metric: m.Name, Achieved: n, Target: target, Met: n >= target})
		}
		v.Tallies = append(v.Tallies, t)
	}
	metrics := map[string]int{}
	for i, m := range h.Plan.Metrics {
		metrics[m.ID] = i
	}
	slices.SortStableFunc(list, func(a, b remindd.Achievement) int {
		return cmp.Or(cmp.Compare(order[a.Sector], order[b.Sector]), cmp.Compare(metrics[a.Metric], metrics[b.Metric]),
			a.Date.DaysUntil(b.Date), strings.Compare(a.Name, b.Name))
	})
	n := h.names(ctx)
	for _, a := range list {
		if (sector != "" && a.Sector != sector) || (metric != "" && a.Metric != metric) {
			continue
		}
		v.Total++
		if len(v.Rows) == maxAchievementsShown {
			v.Hidden++
			continue
		}
		row, err := h.achievementRow(n, u, a)
		if err != nil {
			h.fail(w, r, err)
			return nil, false
		}
		v.Rows = append(v.Rows, row)
	}
	return v, true
}

// achievementRow is a as u reads it: the enterprise by its name, linked
// when u may open its page.
func (h *handler) achievementRow(n *names, u remindd.User, a remindd.Achievement) (achievementRow, error) {
	row := achievementRow{Date: dateCN(a.Date), Sector: h.sectorName(a.Sector), Metric: h.metricName(a.Metric), Name: a.Name,
		Size: a.Size, PostKind: a.PostKind}
	if a.Enterprise != "" {
		e, err := n.enterprise(a.Enterprise)
		if err != nil {
			return row, err
		}
		row.Enterprise = a.Enterprise
		if e != nil {
			row.Enterprise = e.Name
			if h.mayDesk(u, e.Sector) {
				row.EnterpriseURL = "/desk/enterprises/" + url.PathEscape(e.ID)
			}
		}
	}
	return row, nil
}

// recordAchievement records the form's achievement, checked field by
// field (the message names the field), once: a form sent twice finds the
// first. The office records for every sector, a section for its own.
func (h *handler) recordAchievement(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !h.parseForm(w, r, maxDeskForm) {
		return
	}
	f := achievementForm{}
	for _, p := range []struct {
		to   *string
		name string
	}{{&f.Sector, "sector"}, {&f.Metric, "metric"}, {&f.Name, "name"}, {&f.Enterprise, "enterprise"},
		{&f.Size, "size"}, {&f.PostKind, "kind"}, {&f.Date, "date"}} {
		*p.to = strings.TrimSpace(r.PostForm.Get(p.name))
	}
	f.Enterprise = strings.ToUpper(f.Enterprise)
	if _, ok := h.Plan.Sector(f.Sector); ok && !h.mayDesk(u, f.Sector) {
		h.errorPage(w, r, http.StatusForbidden, "只能登记本科室所管行业的成果",
			"您的账号属于"+h.roleName(u)+"，不能为其他行业登记成果。")
		return
	}
	a, problem, err := h.readAchievement(r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if problem != "" {
		v, ok := h.achievementsView(w, r, u, "", "")
		if !ok {
			return
		}
		v.Form, v.Problem = f, problem
		h.render(w, r, http.StatusBadRequest, "desk_achievements", "成果未登记", v)
		return
	}
	_, added, err := h.Store.AchieveOnce(r.Context(), h.Plan.ID, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if added {
		h.recorded()
	}
	h.Log.WithFields(logFields(r)).WithFields(map[string]any{"user": u.Name, "sector": a.Sector, "metric": a.Metric, "added": added}).Info("desk achievement")
	v, ok := h.achievementsView(w, r, u, "", "")
	if !ok {
		return
	}
	row, err := h.achievementRow(h.names(r.Context()), u, a)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Added, v.Already = &row, !added
	title := "成果已登记"
	if !added {
		title = "这项成果此前已登记"
	}
	h.render(w, r, http.StatusOK, "desk_achievements", title, v)
}

// readAchievement checks the form as remindd.Achievement.Check does, and
// that the enterprise is known and of the sector, the date a day of the
// plan's year not after today. The problem says, in Chinese, which field
// is wrong; the error is the store's.
func (h *handler) readAchievement(r *http.Request, f achievementForm) (remindd.Achievement, string, error) {
	a := remindd.Achievement{Sector: f.Sector, Metric: f.Metric, Name: f.Name, Enterprise: f.Enterprise, Size: f.Size, PostKind: f.PostKind}
	sector, ok := h.Plan.Sector(f.Sector)
	if !ok {
		return a, "请选择行业。", nil
	}
	if _, ok := h.Plan.Metric(f.Metric); !ok {
		return a, "请选择类别（标杆企业、评审达标企业或示范岗位）。", nil
	}
	if f.Name == "" {
		return a, "请填写名称：企业名称或岗位名称。", nil
	}
	if msg := checkText("名称", f.Name, remindd.MaxAchievementName, false); msg != "" {
		return a, msg, nil
	}
	if f.Size != "" && !slices.Contains(h.Plan.SizeClasses, f.Size) {
		return a, fmt.Sprintf("企业规模“%s”无效，应为 %s 之一。", clip(f.Size, 20), strings.Join(h.Plan.SizeClasses, "、")), nil
	}
	if f.Metric == remindd.MetricDemoPost {
		if f.PostKind == "" {
			return a, "示范岗位请选择岗位类型（" + strings.Join(h.Plan.DemoPostKinds, "、") + "）：月报表按类型统计。", nil
		}
		if !slices.Contains(h.Plan.DemoPostKinds, f.PostKind) {
			return a, fmt.Sprintf("岗位类型“%s”无效，应为 %s 之一。", clip(f.PostKind, 20), strings.Join(h.Plan.DemoPostKinds, "、")), nil
		}
	} else if f.PostKind != "" {
		return a, "只有示范岗位需要选择岗位类型；标杆企业和评审达标企业请不要选择。", nil
	}
	if f.Enterprise != "" {
		if msg := checkText("企业统一社会信用代码", f.Enterprise, remindd.MaxCreditCode, false); msg != "" {
			return a, msg, nil
		}
		e, ok, err := h.Store.Enterprise(r.Context(), f.Enterprise)
		if err != nil {
			return a, "", err
		}
		if !ok {
			return a, fmt.Sprintf("企业名录中没有统一社会信用代码为 %s 的企业。请核对代码，或留空。", clip(f.Enterprise, 20)), nil
		}
		if e.Sector != sector.ID {
			return a, fmt.Sprintf("企业“%s”属于%s，不属于%s。请核对行业或企业代码。", e.Name, h.sectorName(e.Sector), shortName(sector)), nil
		}
	}
	day, err := plan.ParseDate(f.Date)
	switch {
	case f.Date == "":
		return a, "请填写日期。", nil
	case err != nil:
		return a, fmt.Sprintf("日期“%s”无效，应写成 2024-05-24 这样。", clip(f.Date, 20)), nil
	case day.Year != h.Plan.Year:
		return a, fmt.Sprintf("日期应在工作方案的年度（%d年）内。", h.Plan.Year), nil
	case h.today(h.Now()).Before(day):
		return a, "日期不能晚于今天。", nil
	}
	a.Date = day
	if err := a.Check(h.Plan, nil); err != nil {
		return a, "成果信息有误，请检查各项后重新提交。", nil
	}
	return a, "", nil
}
