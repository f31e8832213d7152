package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/remindd/remindd"
)

// The monthly figures (附件4's 样板乡镇 counts, 附件5's columns no table
// holds): a section enters what happened in a month on a form that
// mirrors the forms' columns, every one an integer of 0 or more, none
// blank (若无则应填写0). The office enters for any section, a section's
// user for its own. A form is written whole, with its event
// (store.EnterFigures), or, when one figure is wrong, not at all, and
// comes back with what was typed and each problem named.

// figureField is one figure of the form.
type figureField struct {
	Key, Label, Value string
	Problem           string
	Hint              string
}

// figureGroup is the figures under one heading of a form.
type figureGroup struct {
	Form, Name string
	Fields     []figureField
}

// figuresView is the figures form of one section's month.
type figuresView struct {
	deskNav
	Section, SectionName string
	Month, MonthLabel    string
	// Months are the months that may be entered, the latest first.
	Months   []monthOption
	Sections []navLink
	Groups   []figureGroup
	// Entered says figures were entered before, by By at At.
	Entered  bool
	By, At   string
	Problems []string
	Saved    bool
	Replaced bool
}

// figureSections are the sections u may enter figures for: the desk's
// sections, the office all, a section's user its own.
func (h *handler) figureSections(u remindd.User) []navLink {
	var out []navLink
	for _, s := range h.deskSections() {
		if maySee(u, s.ID) {
			out = append(out, navLink{ID: s.ID, Name: s.Name})
		}
	}
	return out
}

// figureMonth reads a month of the figures or the forms: YYYY-MM, from the
// forms' counting base to the current month; "" is the month reported on
// now, the previous one. The message says what is wrong, in Chinese.
func (h *handler) figureMonth(raw string) (remindd.Month, string) {
	this := remindd.MonthOf(h.today(h.Now()))
	raw = strings.TrimSpace(raw)
	if raw == "" {
		m := this.AddMonths(-1)
		if m.Before(remindd.Since2021Aug) {
			m = remindd.Since2021Aug
		}
		return m, ""
	}
	m, err := remindd.ParseMonth(raw)
	if err != nil {
		return m, fmt.Sprintf("月份“%s”无效，应写作 年-月，如 %s。", clip(raw, 20), this.AddMonths(-1))
	}
	if m.Before(remindd.Since2021Aug) {
		return m, fmt.Sprintf("月份 %s 无效：报表从 %s 起统计。", m, monthCN(remindd.Since2021Aug))
	}
	if this.Before(m) {
		return m, fmt.Sprintf("月份 %s 还没有到，不能填报。", monthCN(m))
	}
	return m, ""
}

// monthOption is a month a form's choice offers.
type monthOption struct {
	Value, Label string
	Selected     bool
}

// monthOptions are the months of the figures and the forms, from the
// current one back to the forms' counting base, selected marked.
func (h *handler) monthOptions(selected remindd.Month) []monthOption {
	var out []monthOption
	for m := remindd.MonthOf(h.today(h.Now())); !m.Before(remindd.Since2021Aug); m = m.AddMonths(-1) {
		out = append(out, monthOption{Value: m.String(), Label: monthCN(m), Selected: m == selected})
	}
	return out
}

// figureSection reads the section of a figures form or query for u: ""
// is u's own section; the office must choose. It answers 400 or 403 and
// returns false when u may not.
func (h *handler) figureSection(w http.ResponseWriter, r *http.Request, u remindd.User, raw string) (string, bool) {
	id := strings.TrimSpace(raw)
	if id == "" && u.Role == remindd.RoleSection {
		id = u.Section
	}
	if id == "" {
		return "", true
	}
	s, ok := h.Plan.Section(id)
	if !ok {
		h.errorPage(w, r, http.StatusBadRequest, "没有这个科室", fmt.Sprintf("科室“%s”不在工作方案中。请从月报页面选择科室。本次没有作任何变更。", clip(id, 40)))
		return "", false
	}
	if !maySee(u, s.ID) {
		h.errorPage(w, r, http.StatusForbidden, "只能填报本科室的月报数据",
			"您的账号属于"+h.roleName(u)+"，不能查看或填报其他科室的月报数据。本次没有作任何变更。")
		return "", false
	}
	return s.ID, true
}

// figureGroups lays FigureColumns out as the form's headings, with the
// values given.
func figureGroups(values map[string]string, problems map[string]string) []figureGroup {
	var out []figureGroup
	for _, c := range remindd.FigureColumns {
		form := c.Form
		if n := len(out); n == 0 || out[n-1].Form != form || out[n-1].Name != c.Group {
			out = append(out, figureGroup{Form: form, Name: c.Group})
		}
		f := figureField{Key: c.Key, Label: c.Label, Value: values[c.Key], Problem: problems[c.Key]}
		if c.Key == remindd.FineYuan {
			f.Hint = "按元填写，报表中折算为万元"
		}
		g := &out[len(out)-1]
		g.Fields = append(g.Fields, f)
	}
	return out
}

// figuresPage shows the figures form of a section's month, filled with
// what was entered before; for the office without a section, the choice.
func (h *handler) figuresPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	q := r.URL.Query()
	section, ok := h.figureSection(w, r, u, q.Get("section"))
	if !ok {
		return
	}
	m, msg := h.figureMonth(q.Get("month"))
	if msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "月份有误", msg+"请返回月报页面重新选择。")
		return
	}
	v, err := h.figuresView(r, u, section, m)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if section != "" {
		f, entered, err := h.Store.Figures(r.Context(), section, m)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		values := map[string]string{}
		if entered {
			v.Entered, v.By, v.At = true, f.By, h.timeCN(f.At)
			for k, n := range f.Values {
				values[k] = strconv.FormatInt(n, 10)
			}
		}
		v.Groups = figureGroups(values, nil)
	}
	h.render(w, r, http.StatusOK, "desk_figures", "月报数据填报", v)
}

// figuresView is the page's frame: the navigation, the section and month,
// the choices.
func (h *handler) figuresView(r *http.Request, u remindd.User, section string, m remindd.Month) (*figuresView, error) {
	nav, err := h.nav(r.Context(), u, "monthly")
	if err != nil {
		return nil, err
	}
	v := &figuresView{deskNav: nav, Section: section, Month: m.String(), MonthLabel: monthCN(m),
		Months: h.monthOptions(m), Sections: h.figureSections(u)}
	if s, ok := h.Plan.Section(section); ok {
		v.SectionName = s.Name
	}
	return v, nil
}

// parseFigure reads one figure as a clerk types it: digits (full-width
// ones too), spaces around them trimmed. The message says what is wrong.
func parseFigure(raw string) (int64, string) {
	s := strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return '0' + (r - '０')
		}
		return r
	}, strings.TrimSpace(raw))
	switch {
	case s == "":
		return 0, "没有填写，若无请填 0"
	case strings.HasPrefix(s, "-") || strings.HasPrefix(s, "－"):
		return 0, "不能为负数"
	case strings.Trim(s, "0123456789") != "":
		if strings.Trim(s, "0123456789.") == "" {
			return 0, "应为整数"
		}
		return 0, fmt.Sprintf("“%s”不是数字，应为 0 或正整数", clip(s, 20))
	case len(s) > 12:
		return 0, fmt.Sprintf("数值过大，最多 %d", int64(remindd.MaxFigure))
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > remindd.MaxFigure {
		return 0, fmt.Sprintf("数值过大，最多 %d", int64(remindd.MaxFigure))
	}
	return n, ""
}

// enterFigures writes the figures of a section's month, all of them or,
// when one is wrong, none.
func (h *handler) enterFigures(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !h.parseForm(w, r, maxDeskForm) {
		return
	}
	section, ok := h.figureSection(w, r, u, r.PostForm.Get("section"))
	if !ok {
		return
	}
	if section == "" {
		h.errorPage(w, r, http.StatusBadRequest, "月报数据未保存", "没有选择科室。请从月报页面选择科室后填报。本次没有作任何变更。")
		return
	}
	m, msg := h.figureMonth(r.PostForm.Get("month"))
	if msg != "" || strings.TrimSpace(r.PostForm.Get("month")) == "" {
		if msg == "" {
			msg = "没有选择月份。"
		}
		h.errorPage(w, r, http.StatusBadRequest, "月报数据未保存", msg+"本次没有作任何变更，请返回上一页重新选择。")
		return
	}
	f := remindd.MonthlyFigures{Section: section, Month: m, Values: map[string]int64{}, By: u.Name, Source: remindd.SourceDesk, At: h.Now()}
	values, problems := map[string]string{}, map[string]string{}
	var list []string
	for _, c := range remindd.FigureColumns {
		raw := r.PostForm.Get(c.Key)
		values[c.Key] = strings.TrimSpace(raw)
		n, msg := parseFigure(raw)
		if msg != "" {
			problems[c.Key] = msg
			list = append(list, "“"+c.Name()+"”"+msg)
			continue
		}
		f.Values[c.Key] = n
	}
	v, err := h.figuresView(r, u, section, m)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(list) > 0 {
		v.Problems, v.Groups = list, figureGroups(values, problems)
		h.render(w, r, http.StatusBadRequest, "desk_figures", "月报数据未保存", v)
		return
	}
	replaced, err := h.Store.EnterFigures(r.Context(), h.Plan.ID, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for k, n := range f.Values {
		values[k] = strconv.FormatInt(n, 10)
	}
	v.Saved, v.Replaced, v.Entered, v.By, v.At = true, replaced, true, u.Name, h.timeCN(h.Now())
	v.Groups = figureGroups(values, nil)
	h.render(w, r, http.StatusOK, "desk_figures", "月报数据已保存", v)
}

// figuresURL is the address of the figures form of section's month.
func figuresURL(section string, m remindd.Month) string {
	return "/desk/figures?" + url.Values{"section": {section}, "month": {m.String()}}.Encode()
}
