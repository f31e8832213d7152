package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// The months' reports (五（五）): each month's written summary and forms
// 附件4/附件5 go to the plan's reporting body early in the next month, and
// a section marks them sent ("本月已报送") on its personal link's page or
// on its desk page, which stops the reminders of them; the office's
// overview says who has not. A mark is store.MarkMonthlyReport, which keeps
// an event (remindd.MonthReported) with it.

// maxMonthlyForm bounds the "本月已报送" form: a month and who.
const maxMonthlyForm = 8 << 10

// reportWeek is how many days before a month's end its own report may be
// marked sent: the reminder comes on its last working day.
const reportWeek = 7

// monthlyRoutes registers the pages of the monthly reports and forms: the
// marks (here), the figures (desk_figures.go), the forms' page and their
// downloads (desk_forms.go), and the enterprises' form attributes
// (desk_attributes.go).
func (h *handler) monthlyRoutes(mux *http.ServeMux) {
	mux.HandleFunc("POST /r/{token}/monthly", h.markMonthlyByLink)
	mux.HandleFunc("POST /desk/sections/{id}/monthly", h.desk(h.markMonthlyOnDesk))
	mux.HandleFunc("GET /desk/monthly", h.desk(h.monthlyPage))
	mux.HandleFunc("GET /desk/monthly/download", h.desk(h.downloadForm))
	mux.HandleFunc("GET /desk/figures", h.desk(h.figuresPage))
	mux.HandleFunc("POST /desk/figures", h.desk(h.enterFigures))
	mux.HandleFunc("POST /desk/enterprises/{code}/attributes", h.desk(h.changeAttributes))
}

// monthCN writes a month as 2024年5月.
func monthCN(m remindd.Month) string { return fmt.Sprintf("%d年%d月", m.Year, int(m.Month)) }

// reportMonths are the months whose reports a section may mark sent on
// today: the previous month's (due early in this one) and, from the last
// week of the month on, this month's; months of the plan's year only.
func (h *handler) reportMonths(today plan.Date) []remindd.Month {
	this := remindd.MonthOf(today)
	var out []remindd.Month
	if prev := this.AddMonths(-1); prev.Year == h.Plan.Year {
		out = append(out, prev)
	}
	if this.Year == h.Plan.Year && !today.Before(this.Last().AddDays(1-reportWeek)) {
		out = append(out, this)
	}
	return out
}

// monthStatus is one month's report as the "本月已报送" form shows it.
type monthStatus struct {
	Month, Label string
	Sent         bool
	By, At       string
	Source       string
}

// monthlyView is the "本月已报送" form of a section's page.
type monthlyView struct {
	// Action is where the form goes.
	Action string
	// Duties are the reports, each with when it is due: 书面工作总结（次月2日前）、….
	Duties string
	To     string
	Months []monthStatus
	// Desk: the form is on the desk, where the user is who marks it.
	Desk bool
	By   string // the by field's placeholder, on a personal link
}

// monthlyView builds the form of section at now, posting to action; nil
// when no month's report can be marked now.
func (h *handler) monthlyView(ctx context.Context, section, action string, now time.Time) (*monthlyView, error) {
	months := h.reportMonths(h.today(now))
	if len(months) == 0 || len(h.Plan.Reporting.Monthly) == 0 {
		return nil, nil
	}
	if s, ok := h.Plan.Section(section); !ok || s.External {
		return nil, nil
	}
	sent, err := h.Store.MonthlyReports(ctx, h.Plan.ID)
	if err != nil {
		return nil, fmt.Errorf("monthly reports: %w", err)
	}
	v := &monthlyView{Action: action, To: h.Plan.Reporting.To}
	var duties []string
	for _, r := range h.Plan.Reporting.Monthly {
		duties = append(duties, fmt.Sprintf("%s（次月%d日前）", r.Name, r.DueDay))
	}
	v.Duties = strings.Join(duties, "、")
	for _, m := range months {
		st := monthStatus{Month: m.String(), Label: monthCN(m)}
		for _, r := range sent {
			if r.Section == section && r.Month == st.Month {
				st.Sent, st.By, st.At, st.Source = true, r.By, h.timeCN(r.At), sourceCN(r.Source)
			}
		}
		v.Months = append(v.Months, st)
	}
	return v, nil
}

// monthlyMarkedView is the page a "本月已报送" form answers with.
type monthlyMarkedView struct {
	Nav       *deskNav // nil on a personal link's page
	Name      string
	Month     string
	Already   bool
	By, At    string
	Back      string
	BackLabel string
}

// markMonthlyByLink marks a month's report of the link's section sent,
// by whom the form says (the section's name when blank).
func (h *handler) markMonthlyByLink(w http.ResponseWriter, r *http.Request) {
	rec, ok := h.open(w, r)
	if !ok {
		return
	}
	if rec.Who.Kind != remindd.KindSection {
		h.errorPage(w, r, http.StatusNotFound, "企业无需在此报送月报", "月报由各科室报送。请返回本页面办理待办事项。")
		return
	}
	if !h.parseForm(w, r, maxMonthlyForm) {
		return
	}
	by := strings.TrimSpace(r.PostForm.Get("by"))
	if msg := checkText("填报人", by, remindd.MaxDoneBy, false); msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "月报未登记", msg+"本次没有作任何变更，请返回上一页修改后重试。")
		return
	}
	if by == "" {
		by = rec.Name
	}
	h.markMonthly(w, r, rec, by, remindd.SourceLink, nil, "/r/"+r.PathValue("token"), "返回本科室页面")
}

// markMonthlyOnDesk marks a month's report of the page's section sent, by
// the user: the section's own, or the office for it.
func (h *handler) markMonthlyOnDesk(w http.ResponseWriter, r *http.Request, u remindd.User) {
	rec, ok := h.deskSection(w, r, u)
	if !ok {
		return
	}
	if !h.parseForm(w, r, maxMonthlyForm) {
		return
	}
	nav, err := h.nav(r.Context(), u, rec.Who.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.markMonthly(w, r, rec, u.Name, remindd.SourceDesk, &nav, "/desk/sections/"+url.PathEscape(rec.Who.ID), "返回"+rec.Name)
}

// markMonthly marks the month of the parsed form sent for section rec:
// one of reportMonths, or refused saying which may be; a month marked
// already is said so and recorded once.
func (h *handler) markMonthly(w http.ResponseWriter, r *http.Request, rec *recipient, by, source string, nav *deskNav, back, backLabel string) {
	bad := func(msg string) {
		h.errorPage(w, r, http.StatusBadRequest, "月报未登记", msg+"本次没有作任何变更，请返回上一页重新操作。")
	}
	if s, ok := h.Plan.Section(rec.Who.ID); !ok || s.External {
		bad(rec.Name + "不需要向局办公室登记月报。")
		return
	}
	now := h.Now()
	months := h.reportMonths(h.today(now))
	if len(months) == 0 {
		bad("现在没有可以登记的月报：每月最后一周起可登记当月的月报，次月可登记上月的月报。")
		return
	}
	var labels []string
	for _, m := range months {
		labels = append(labels, monthCN(m))
	}
	raw := strings.TrimSpace(r.PostForm.Get("month"))
	m, err := remindd.ParseMonth(raw)
	if raw == "" || err != nil || !slices.Contains(months, m) {
		what := "没有选择月份。"
		if raw != "" {
			what = fmt.Sprintf("月份“%s”不能登记。", clip(raw, 20))
		}
		bad(what + "现在可以登记的是" + strings.Join(labels, "、") + "的月报。")
		return
	}
	ctx := r.Context()
	added, err := h.Store.MarkMonthlyReport(ctx, h.Plan.ID, remindd.MonthlyReport{Section: rec.Who.ID, Month: m.String(), By: by, Source: source, At: now})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &monthlyMarkedView{Nav: nav, Name: rec.Name, Month: monthCN(m), Already: !added, By: by, At: h.timeCN(now), Back: back, BackLabel: backLabel}
	if !added {
		sent, err := h.Store.MonthlyReports(ctx, h.Plan.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, s := range sent {
			if s.Section == rec.Who.ID && s.Month == m.String() {
				v.By, v.At = s.By, h.timeCN(s.At)
			}
		}
	}
	h.render(w, r, http.StatusOK, "monthly_marked", monthCN(m)+"月报已报送", v)
}

// monthUnreported is one month's reports as the office's overview shows
// them: which of the bureau's sections have not marked them sent.
type monthUnreported struct {
	Label      string
	Sent       int
	Total      int
	Unreported []string
}

// unreported are the months of reportMonths at now, each with the
// sections (the plan's own, not outside bodies) that have not marked it
// sent, as the office's digest counts them.
func (h *handler) unreported(ctx context.Context, now time.Time) ([]monthUnreported, error) {
	months := h.reportMonths(h.today(now))
	if len(months) == 0 {
		return nil, nil
	}
	sent, err := h.Store.MonthlyReports(ctx, h.Plan.ID)
	if err != nil {
		return nil, fmt.Errorf("monthly reports: %w", err)
	}
	var out []monthUnreported
	for _, m := range months {
		u := monthUnreported{Label: monthCN(m)}
		for _, s := range h.Plan.Sections {
			if s.External {
				continue
			}
			u.Total++
			if remindd.Sent(sent, s.ID, m.String()) {
				u.Sent++
			} else {
				u.Unreported = append(u.Unreported, s.Name)
			}
		}
		out = append(out, u)
	}
	return out, nil
}
