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

// baselineSection is what a go-live baseline records of one section.
type baselineSection struct {
	Name  string
	Count int
	Tasks string // 任务1–43、45
}

// baselineSector is what it records of a sector's enterprises.
type baselineSector struct {
	Name               string
	Enterprises, Count int
}

// baselineView is the baseline's form, its preview and its result.
type baselineView struct {
	deskNav
	// The form's values, and the choices it offers.
	Before, Section, Note string
	Today                 string // the latest date the form takes
	Choices               []navLink
	Problem               string
	// Preview: what the POST would record.
	Preview     bool
	BeforeCN    string
	SectionName string
	Sections    []baselineSection
	Sectors     []baselineSector
	Total       int
	EditURL     string
	// Done: what the POST recorded.
	Done                      bool
	OfSections, OfEnterprises int
}

// baselineForm is a baseline's date, section and note as a form or a
// query gives them.
type baselineForm struct {
	before, section, note string
}

func readBaselineForm(v url.Values) baselineForm {
	return baselineForm{before: strings.TrimSpace(v.Get("before")), section: strings.TrimSpace(v.Get("section")),
		note: strings.TrimSpace(strings.ReplaceAll(v.Get("note"), "\r\n", "\n"))}
}

// check reads f: the date a day not after today, the section one the
// desk follows or none, the note given. The problem says, in Chinese,
// what is wrong.
func (h *handler) checkBaseline(f baselineForm, now time.Time) (plan.Date, string) {
	if f.before == "" {
		return plan.Date{}, "请填写日期：截止日期在这一天之前的事项将登记为完成。"
	}
	day, err := plan.ParseDate(f.before)
	if err != nil {
		return plan.Date{}, fmt.Sprintf("日期“%s”无效，应写成 2024-05-01 这样。", clip(f.before, 20))
	}
	if today := h.today(now); today.Before(day) {
		return plan.Date{}, fmt.Sprintf("日期不能晚于今天（%s）：统一登记只用于已经到期的事项。", dateCN(today))
	}
	if f.section != "" && !slices.ContainsFunc(h.deskSections(), func(s plan.Section) bool { return s.ID == f.section }) {
		return plan.Date{}, fmt.Sprintf("科室“%s”不在工作方案中。", clip(f.section, 40))
	}
	if f.note == "" {
		return plan.Date{}, "请填写说明：为什么统一登记（如 上线前已完成，按局办公室通知统一登记），它会记入每一项的历史。"
	}
	if msg := checkText("说明", f.note, remindd.MaxNote, true); msg != "" {
		return plan.Date{}, msg
	}
	return day, ""
}

// baselineView is the form with f's values, for u.
func (h *handler) baselineView(ctx context.Context, u remindd.User, f baselineForm, now time.Time) (*baselineView, error) {
	nav, err := h.nav(ctx, u, "baseline")
	if err != nil {
		return nil, err
	}
	v := &baselineView{deskNav: nav, Before: f.before, Section: f.section, Note: f.note, Today: h.today(now).String()}
	if v.Before == "" {
		v.Before = v.Today
	}
	for _, s := range h.deskSections() {
		v.Choices = append(v.Choices, navLink{ID: s.ID, Name: s.Name})
	}
	return v, nil
}

// baselinePage is the go-live baseline's form; given a date, the preview
// of what it would record: how many obligations of which sections, and of
// the enterprises of which sectors. It reads a snapshot, as the command
// line's baseline does: a page the office opens once, at go-live.
func (h *handler) baselinePage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !mayDecide(u) {
		h.officeOnly(w, r)
		return
	}
	ctx := r.Context()
	now := h.Now()
	q := r.URL.Query()
	f := readBaselineForm(q)
	v, err := h.baselineView(ctx, u, f, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if f.before == "" || q.Get("edit") != "" {
		h.render(w, r, http.StatusOK, "desk_baseline", "上线统一登记", v)
		return
	}
	day, problem := h.checkBaseline(f, now)
	if problem != "" {
		v.Problem = problem
		h.render(w, r, http.StatusBadRequest, "desk_baseline", "上线统一登记", v)
		return
	}
	changes, state, err := h.baselineChanges(ctx, day, f.section, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Preview, v.BeforeCN, v.Total = true, dateCN(day), len(changes)
	if s, ok := h.Plan.Section(f.section); ok {
		v.SectionName = s.Name
	}
	edit := url.Values{"before": {f.before}, "section": {f.section}, "note": {f.note}, "edit": {"1"}}
	v.EditURL = "/desk/baseline?" + edit.Encode()
	sectorOf := map[string]string{}
	for _, e := range state.Enterprises {
		sectorOf[e.ID] = e.Sector
	}
	tasks := map[string][]int{}
	firms := map[string]map[string]bool{}
	counts := map[string]int{}
	for _, c := range changes {
		switch c.Assignee.Kind {
		case remindd.KindSection:
			tasks[c.Assignee.ID] = append(tasks[c.Assignee.ID], c.Task)
		case remindd.KindEnterprise:
			sec := sectorOf[c.Assignee.ID]
			if firms[sec] == nil {
				firms[sec] = map[string]bool{}
			}
			firms[sec][c.Assignee.ID] = true
			counts[sec]++
		}
	}
	for _, s := range h.Plan.Sections {
		if ns := tasks[s.ID]; len(ns) > 0 {
			slices.Sort(ns)
			v.Sections = append(v.Sections, baselineSection{Name: s.Name, Count: len(ns), Tasks: taskList(ns)})
		}
	}
	for i := range h.Plan.Sectors {
		s := &h.Plan.Sectors[i]
		if n := counts[s.ID]; n > 0 {
			v.Sectors = append(v.Sectors, baselineSector{Name: shortName(s), Enterprises: len(firms[s.ID]), Count: n})
		}
	}
	h.render(w, r, http.StatusOK, "desk_baseline", "上线统一登记：预览", v)
}

// baselineChanges are what a baseline before day, of section (all when
// ""), records at now: the rules' Baseline over a snapshot, each by no one
// yet.
func (h *handler) baselineChanges(ctx context.Context, day plan.Date, section string, now time.Time) ([]remindd.Event, *remindd.State, error) {
	state, err := h.Store.Snapshot(ctx, h.Plan.ID, now)
	if err != nil {
		return nil, nil, err
	}
	return h.engine.Baseline(state, day, section), state, nil
}

// recordBaseline records, for the office, every obligation open and due
// before the form's date (of its section and the enterprises of its
// sectors, or of all) as done, in one Apply, each an event by the user
// from the baseline with the form's note. A second time records nothing.
func (h *handler) recordBaseline(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !mayDecide(u) {
		h.officeOnly(w, r)
		return
	}
	if !h.parseForm(w, r, maxDeskForm) {
		return
	}
	ctx := r.Context()
	now := h.Now()
	f := readBaselineForm(r.PostForm)
	day, problem := h.checkBaseline(f, now)
	if problem != "" {
		h.errorPage(w, r, http.StatusBadRequest, "统一登记未办理", problem+"本次没有作任何变更，请返回上一页修改后重试。")
		return
	}
	changes, _, err := h.baselineChanges(ctx, day, f.section, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i := range changes {
		changes[i].By, changes[i].Note, changes[i].At = u.Name, f.note, now
	}
	written, err := h.Store.Apply(ctx, h.Plan.ID, changes)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(written) > 0 {
		h.recorded()
	}
	v, err := h.baselineView(ctx, u, f, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Done, v.BeforeCN, v.Total = true, dateCN(day), len(written)
	if s, ok := h.Plan.Section(f.section); ok {
		v.SectionName = s.Name
	}
	for _, e := range written {
		if e.Assignee.Kind == remindd.KindSection {
			v.OfSections++
		} else {
			v.OfEnterprises++
		}
	}
	h.Log.WithFields(logFields(r)).WithFields(map[string]any{"user": u.Name, "before": day.String(), "section": f.section, "recorded": len(written)}).Info("desk baseline")
	title := "统一登记已办理"
	if len(written) == 0 {
		title = "没有变更"
	}
	h.render(w, r, http.StatusOK, "desk_baseline", title, v)
}
