package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// maxQuery bounds a search box's text, in characters.
const maxQuery = 100

// maxReportsShown bounds the reports one page lists, oldest first; the
// search box finds the others.
const maxReportsShown = 200

// reportRow is a report awaiting 销号, as the list shows it.
type reportRow struct {
	Key       string // kind:id:task, the form's value
	Task      int
	Text      string
	Kind      string // 科室, 企业
	Name      string
	Sector    string // an enterprise's sector
	By, Note  string
	DoneAt    string
	Waiting   int // days since it was reported
	ReturnURL string
}

// reportsView is the list of reports awaiting 销号.
type reportsView struct {
	deskNav
	CanDecide bool
	Query     string
	// Total counts the reports before the search.
	Total int
	Rows  []reportRow
	// Hidden counts the reports that matched but are not listed; Matched
	// all that matched.
	Hidden, Matched int
}

// reportKey names an obligation in a form: kind:id:task.
func reportKey(who remindd.Recipient, task int) string {
	return who.Kind + ":" + who.ID + ":" + strconv.Itoa(task)
}

// reportRows lists the reports u may see, those matching query, at most
// limit of them (0: all); hidden counts the others that match.
func (h *handler) reportRows(r *http.Request, u remindd.User, query string, limit int) (rows []reportRow, total, hidden int, err error) {
	ctx := r.Context()
	reports, err := h.visibleReports(ctx, u)
	if err != nil {
		return nil, 0, 0, err
	}
	today := plan.DateOf(h.Now().In(h.Plan.Location))
	n := h.names(ctx)
	for _, rep := range reports {
		t, ok := h.Plan.Task(rep.Task)
		if !ok {
			continue
		}
		if query == "" && limit > 0 && len(rows) == limit {
			hidden++ // not looked up: nothing to match
			continue
		}
		row := reportRow{
			Key: reportKey(rep.Assignee, rep.Task), Task: rep.Task, Text: t.Text, By: rep.By, Note: rep.Note,
			DoneAt:  h.timeCN(rep.DoneAt),
			Waiting: plan.DateOf(rep.DoneAt.In(h.Plan.Location)).DaysUntil(today),
		}
		row.ReturnURL = "/desk/reports/return?r=" + url.QueryEscape(row.Key)
		if row.Name, err = n.of(rep.Assignee); err != nil {
			return nil, 0, 0, err
		}
		row.Kind = "科室"
		if rep.Assignee.Kind == remindd.KindEnterprise {
			row.Kind = "企业"
			if e, err := n.enterprise(rep.Assignee.ID); err != nil {
				return nil, 0, 0, err
			} else if e != nil {
				if s, ok := h.Plan.Sector(e.Sector); ok {
					row.Sector = s.Name
				}
			}
		}
		switch {
		case !matches(query, row):
		case limit > 0 && len(rows) == limit:
			hidden++
		default:
			rows = append(rows, row)
		}
	}
	return rows, len(reports), hidden, nil
}

// matches reports whether a report matches the search box's text: its
// task number, or a part of its task's text, its assignee's name, who
// reported it or the note. The text is compared, never put in SQL.
func matches(query string, row reportRow) bool {
	if query == "" {
		return true
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimPrefix(query, "任务"), "第")); err == nil {
		return n == row.Task
	}
	for _, s := range []string{row.Text, row.Name, row.By, row.Note, row.Sector} {
		if strings.Contains(s, query) {
			return true
		}
	}
	return false
}

// readQuery reads a search box: trimmed, at most maxQuery characters.
func readQuery(r *http.Request) string {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !utf8.ValidString(q) {
		return ""
	}
	return clip(q, maxQuery)
}

// reportsPage lists the reports awaiting 销号, with confirm and return for
// each and for those selected.
func (h *handler) reportsPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	nav, err := h.nav(r.Context(), u, "reports")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	q := readQuery(r)
	rows, total, hidden, err := h.reportRows(r, u, q, maxReportsShown)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &reportsView{deskNav: nav, CanDecide: mayDecide(u), Query: q, Total: total, Rows: rows, Hidden: hidden, Matched: len(rows) + hidden}
	h.render(w, r, http.StatusOK, "desk_reports", "待销号的报告", v)
}

// reasonView is the form that asks why a report goes back (退办) or a
// completion is taken back (撤销).
type reasonView struct {
	deskNav
	Verb   string // 退办, 撤销
	Action remindd.Action
	Post   string // where the form goes
	Field  string // the hidden field naming the obligation: r or task
	Value  string
	Task   int
	Text   string
	Name   string
	By     string
	Note   string
	DoneAt string
	Back   string
}

// returnPage asks for the reason of one report's return (退办).
func (h *handler) returnPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !mayDecide(u) {
		h.forbidden(w, r)
		return
	}
	nav, err := h.nav(r.Context(), u, "reports")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	key := r.URL.Query().Get("r")
	rows, _, _, err := h.reportRows(r, u, "", 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, row := range rows {
		if row.Key == key {
			h.render(w, r, http.StatusOK, "desk_reason", "退办", &reasonView{
				deskNav: nav, Verb: "退办", Action: remindd.Returned, Post: "/desk/reports", Field: "r", Value: row.Key,
				Task: row.Task, Text: row.Text, Name: row.Name, By: row.By, Note: row.Note, DoneAt: row.DoneAt, Back: "/desk/reports",
			})
			return
		}
	}
	h.errorPage(w, r, http.StatusNotFound, "这项报告已不在待销号列表中",
		"它可能已由他人销号或退办。请返回待销号列表查看。")
}

// forbidden answers a section's user who tried what only the office may.
func (h *handler) forbidden(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusForbidden, "只有局办公室可以销号或退办",
		"您的账号可以查看本科室的事项、登记完成情况；销号和退办由局办公室办理。")
}

// decideReports confirms (销号) or returns (退办) the reports a form
// names: the one of a row's button, or those selected. All are written
// in one Apply, or, when one is wrong, none.
func (h *handler) decideReports(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if !mayDecide(u) {
		h.forbidden(w, r)
		return
	}
	if !h.parseForm(w, r, maxDeskForm) {
		return
	}
	action, keys := remindd.Action(r.PostForm.Get("action")), r.PostForm["r"]
	if one := r.PostForm.Get("confirm1"); one != "" {
		action, keys = remindd.Confirmed, []string{one}
	}
	if action != remindd.Confirmed && action != remindd.Returned {
		h.errorPage(w, r, http.StatusBadRequest, "请选择操作", "请点击“销号”或“退办”按钮。本次没有作任何变更。")
		return
	}
	verb := actionName(action)
	bad := func(msg string) {
		h.errorPage(w, r, http.StatusBadRequest, verb+"未办理", msg+"本次没有作任何变更，请返回上一页修改后重试。")
	}
	if len(keys) == 0 {
		bad("没有选择任何报告。")
		return
	}
	if len(keys) > maxSelected {
		bad(fmt.Sprintf("一次最多选择 %d 项。", maxSelected))
		return
	}
	var reason string
	if action == remindd.Returned {
		var msg string
		if reason, msg = readReason(r.PostForm, "退办"); msg != "" {
			bad(msg)
			return
		}
	}
	now := h.Now()
	seen := map[string]bool{}
	var changes []remindd.Event
	for _, k := range keys {
		who, task, msg := h.parseKey(k)
		if msg != "" {
			bad(msg)
			return
		}
		if seen[reportKey(who, task)] {
			continue
		}
		seen[reportKey(who, task)] = true
		changes = append(changes, remindd.Event{Action: action, Task: task, Assignee: who, By: u.Name, Source: remindd.SourceDesk, Note: reason, At: now})
	}
	h.apply(w, r, u, changes, verb, reason, "", "/desk/reports", "返回待销号列表")
}

// parseKey reads a form's kind:id:task. The message says what is wrong.
func (h *handler) parseKey(k string) (remindd.Recipient, int, string) {
	parts := strings.Split(k, ":")
	if len(parts) != 3 {
		return remindd.Recipient{}, 0, fmt.Sprintf("“%s”不是有效的事项。", clip(k, 40))
	}
	who := remindd.Recipient{Kind: parts[0], ID: parts[1]}
	switch who.Kind {
	case remindd.KindSection:
		if _, ok := h.Plan.Section(who.ID); !ok {
			return who, 0, fmt.Sprintf("科室“%s”不在工作方案中。", clip(who.ID, 40))
		}
	case remindd.KindEnterprise:
		if msg := checkText("企业代码", who.ID, remindd.MaxCreditCode, false); who.ID == "" || msg != "" {
			return who, 0, fmt.Sprintf("企业代码“%s”无效。", clip(who.ID, 40))
		}
	default:
		return who, 0, fmt.Sprintf("“%s”不是有效的事项。", clip(k, 40))
	}
	task, msg := h.taskNumber(parts[2])
	return who, task, msg
}

// apply writes changes in one Apply and answers with what changed and
// what was already so: a change the store left out changed nothing (a
// report already confirmed or returned by someone else, a task already
// recorded).
func (h *handler) apply(w http.ResponseWriter, r *http.Request, u remindd.User, changes []remindd.Event, verb, reason, note, back, backLabel string) {
	ctx := r.Context()
	written, err := h.Store.Apply(ctx, h.Plan.ID, changes)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(written) > 0 {
		h.recorded()
	}
	did := map[string]bool{}
	pending := false
	for _, e := range written {
		did[reportKey(e.Assignee, e.Task)] = true
		pending = pending || e.Action == remindd.Reported
	}
	nav, err := h.nav(ctx, u, "")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &resultView{deskNav: nav, Verb: verb, Reason: reason, Note: note, Pending: pending, Back: back, BackLabel: backLabel}
	n := h.names(ctx)
	for _, c := range changes {
		t, _ := h.Plan.Task(c.Task)
		name, err := n.of(c.Assignee)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		it := resultItem{Task: c.Task, Text: t.Text, Name: name}
		if did[reportKey(c.Assignee, c.Task)] {
			v.Changed = append(v.Changed, it)
			continue
		}
		it.Why = unchangedWhy(c.Action)
		v.Unchanged = append(v.Unchanged, it)
	}
	h.Log.WithFields(logFields(r)).WithFields(map[string]any{"user": u.Name, "action": verb, "changed": len(v.Changed), "unchanged": len(v.Unchanged)}).Info("desk change")
	title := verb + "已办理"
	if len(v.Changed) == 0 {
		title = "没有变更"
	}
	h.render(w, r, http.StatusOK, "desk_result", title, v)
}

// unchangedWhy says why a change the store left out changed nothing.
func unchangedWhy(a remindd.Action) string {
	switch a {
	case remindd.Confirmed, remindd.Returned:
		return "已不在待销号状态（可能已由他人销号或退办）"
	case remindd.Recorded, remindd.Reported:
		return "此前已登记或已报告完成"
	case remindd.Undone:
		return "没有完成记录，无需撤销"
	}
	return "无需变更"
}
