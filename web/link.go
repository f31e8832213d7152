package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/printable"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/render"
)

// maxReportForm bounds a report's form: a few task numbers, a note of
// remindd.MaxNote characters (3 bytes each, escaped) and who.
const maxReportForm = 64 << 10

// linkRoutes registers the personal links' pages: a recipient's page, its
// report form's POST and its calendar feed. GET and HEAD only read.
func (h *handler) linkRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /r/{token}", h.recipientPage)
	mux.HandleFunc("POST /r/{token}", h.report)
	mux.HandleFunc("GET /r/{token}/calendar.ics", h.calendar)
}

// open reads the recipient of the request's token, or answers 403 (a token
// this service did not make), 410 (expired) or 404 (a recipient no longer
// known) and returns false.
func (h *handler) open(w http.ResponseWriter, r *http.Request) (*recipient, bool) {
	who, err := h.Signer.Open(r.PathValue("token"), h.Now())
	switch {
	case errors.Is(err, link.ErrExpired):
		h.errorPage(w, r, http.StatusGone, "链接已过期",
			"这个链接的有效期已过。请联系局办公室，获取新的链接。")
		return nil, false
	case err != nil:
		h.errorPage(w, r, http.StatusForbidden, "链接无效",
			"链接不完整或已被改动。请从通知中完整复制链接后重新打开；仍打不开的，请联系局办公室。")
		return nil, false
	}
	rec, err := h.recipientOf(r.Context(), who)
	if errors.Is(err, errNoRecipient) {
		h.errorPage(w, r, http.StatusNotFound, "未找到对应的单位",
			"这个链接对应的科室或企业已不在名录中。如有疑问，请联系局办公室。")
		return nil, false
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	return rec, true
}

// recipientPage shows a recipient what it owes, with a report form for
// each open item.
func (h *handler) recipientPage(w http.ResponseWriter, r *http.Request) {
	rec, ok := h.open(w, r)
	if !ok {
		return
	}
	now := h.Now()
	st, err := h.standingOf(r.Context(), rec, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.recipientView(r.Context(), rec, st, now, r.PathValue("token"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "recipient", rec.Name+"的待办事项", v)
}

// reportView is the confirmation page's data.
type reportView struct {
	Name     string
	Recorded []doneItem
	// Already are the tasks the form named that were reported or done
	// before: a double click or a replay.
	Already []doneItem
	Confirm bool
	Back    string
	Note    string
	By      string
	At      string
}

// report records the tasks of the form as reported (or done, when reports
// need no confirmation): all of them or, when one is wrong, none.
func (h *handler) report(w http.ResponseWriter, r *http.Request) {
	rec, ok := h.open(w, r)
	if !ok {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportForm)
	if err := r.ParseForm(); err != nil {
		h.errorPage(w, r, http.StatusBadRequest, "表单无法识别",
			"提交的内容无法识别或过长。请返回上一页，重新填写后提交。")
		return
	}
	note := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get("note"), "\r\n", "\n"))
	by := strings.TrimSpace(r.PostForm.Get("by"))
	if msg := checkText("备注", note, remindd.MaxNote, true); msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "备注有误", msg+"请返回上一页修改后重新提交。")
		return
	}
	if msg := checkText("填报人", by, remindd.MaxDoneBy, false); msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "填报人有误", msg+"请返回上一页修改后重新提交。")
		return
	}
	if by == "" {
		by = rec.Name
		if rec.Enterprise != nil && rec.Enterprise.Contact != "" {
			by = rec.Enterprise.Contact
		}
	}
	now := h.Now()
	// What rec owes does not depend on what it did: the form is checked
	// without reading the store.
	st := &standing{Obligations: h.engine.Obligations(h.stateOf(rec), now, rec.Who)}
	tasks, msg := h.reportedTasks(r.PostForm["task"], st)
	if msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "无法登记", msg+"本次没有登记任何事项。请返回上一页重新选择。")
		return
	}
	action := remindd.Reported
	if !h.RequireConfirmation {
		// A record through a link must not confirm what was reported
		// before (the store's record would): what is reported or done is
		// read first and left out.
		action = remindd.Recorded
		if err := h.readCompletions(r.Context(), rec, st); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	var changes []remindd.Event
	for _, n := range tasks {
		if _, done := st.Completions[n]; !done {
			changes = append(changes, remindd.Event{Action: action, Task: n, Assignee: rec.Who, By: by, Source: remindd.SourceLink, Note: note, At: now})
		}
	}
	// A report of a task reported or done before writes nothing (a
	// double click, a replay): the store says what it wrote, and only
	// then are the others' completions read, to say when and by whom.
	written := map[int]bool{}
	if len(changes) > 0 {
		evs, err := h.Store.Apply(r.Context(), h.Plan.ID, changes)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, e := range evs {
			written[e.Task] = true
		}
		if len(evs) > 0 {
			h.reportedThroughLink()
			if action == remindd.Reported {
				h.pendingAdded(len(evs))
			}
		}
	}
	if st.Completions == nil && len(written) < len(tasks) {
		if err := h.readCompletions(r.Context(), rec, st); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	v := &reportView{Name: rec.Name, Confirm: h.RequireConfirmation, Back: "/r/" + r.PathValue("token"), Note: note, By: by, At: h.timeCN(now)}
	for _, n := range tasks {
		t, _ := h.Plan.Task(n)
		d := doneItem{N: n, Text: t.TextFor(rec.Enterprise != nil)}
		if written[n] {
			v.Recorded = append(v.Recorded, d)
			continue
		}
		if c, ok := st.Completions[n]; ok {
			d.Reported, d.DoneAt, d.By = c.Status == remindd.StatusReported, h.timeCN(c.DoneAt), c.By
		}
		v.Already = append(v.Already, d)
	}
	h.Log.WithFields(logFields(r)).WithFields(map[string]any{"recipient": rec.Who.String(), "recorded": len(v.Recorded), "already": len(v.Already)}).Info("report through a link")
	title := "已收到您的报告"
	if len(v.Recorded) == 0 {
		title = "这些事项此前已报告"
	}
	h.render(w, r, http.StatusOK, "reported", title, v)
}

// reportedTasks reads the form's task numbers: each once, ascending, each
// one rec owes. A wrong one gives the message that says which.
func (h *handler) reportedTasks(values []string, st *standing) ([]int, string) {
	if len(values) == 0 {
		return nil, "没有选择要报告的任务。"
	}
	if len(values) > len(h.Plan.Tasks) {
		return nil, "一次选择的任务过多。"
	}
	var tasks []int
	for _, s := range values {
		n, ok := parseTask(s)
		if !ok {
			return nil, fmt.Sprintf("任务编号“%s”无效。", clip(s, 20))
		}
		if _, ok := h.Plan.Task(n); !ok {
			return nil, fmt.Sprintf("任务%d 不在工作方案中。", n)
		}
		if _, ok := st.owed(n); !ok {
			return nil, fmt.Sprintf("任务%d 不是您需要办理的事项。", n)
		}
		tasks = append(tasks, n)
	}
	slices.Sort(tasks)
	return slices.Compact(tasks), ""
}

// checkText says, in Chinese, what is wrong with a field's text: too long
// or holding a control character; "" when nothing is.
func checkText(field, v string, max int, lines bool) string {
	if !utf8.ValidString(v) {
		return field + "含有无法识别的字符。"
	}
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Sprintf("%s最多 %d 个字，现在有 %d 个字。", field, max, n)
	}
	check := v
	if lines {
		check = strings.ReplaceAll(v, "\n", " ")
	}
	if _, pos, found := printable.First(check); found {
		return fmt.Sprintf("%s的第 %d 个字符是控制字符，请删除。", field, pos)
	}
	return ""
}

// clip cuts s to at most n characters, for a message that quotes it.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// calendar is the recipient's calendar feed: an all-day event per
// deadline of its open obligations, which drop out as they are done.
func (h *handler) calendar(w http.ResponseWriter, r *http.Request) {
	rec, ok := h.open(w, r)
	if !ok {
		return
	}
	now := h.Now()
	st, err := h.standingOf(r.Context(), rec, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	page := strings.TrimSuffix(h.BaseURL, "/") + "/r/" + r.PathValue("token")
	var (
		events []render.Event
		byDate = map[plan.Date]int{}
		tasks  = map[plan.Date][]int{}
	)
	for _, o := range st.Obligations {
		if o.Done {
			continue
		}
		i, ok := byDate[o.Due]
		if !ok {
			i = len(events)
			byDate[o.Due] = i
			events = append(events, render.Event{UID: feedUID(rec.Who, o.Due), Date: o.Due})
		}
		tasks[o.Due] = append(tasks[o.Due], o.Task.N)
		events[i].Description += fmt.Sprintf("任务%d：%s\n", o.Task.N, render.OneLine(o.Task.TextFor(rec.Enterprise != nil)))
	}
	for i := range events {
		e := &events[i]
		ns := tasks[e.Date]
		slices.Sort(ns)
		e.Summary = strings.TrimSpace(fmt.Sprintf("%s %s到期（共%d项）", h.Plan.Document.Number, taskList(ns), len(ns)))
		e.Description += "报告已完成：" + page
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Write(render.Calendar(events, now))
}

// feedUID is the calendar feed's UID of who's deadline d: the same in every
// fetch, so that a calendar updates the event instead of adding one.
func feedUID(who remindd.Recipient, d plan.Date) string {
	sum := sha256.Sum256([]byte("feed\x00" + who.String() + "\x00" + d.String()))
	return hex.EncodeToString(sum[:16]) + "@remindd"
}
