package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// soonDays is how far ahead a section's page lists open tasks apart from
// the later ones: about a month.
const soonDays = 31

// taskRow is one of a section's tasks on its desk page.
type taskRow struct {
	N      int
	Text   string
	Due    string
	Badge  string // 还剩 7 天, 已逾期 3 天
	Colour string // blue, yellow, red, grey; green when done
	// For a task reported or done: who, when, how and the note.
	By, At, Source, Note string
	// Returned is the office's reason when the task's last report was
	// sent back and it is open again.
	Returned  string
	ReturnURL string
	UndoURL   string
	// State is open, reported or done; CanDecide lets the user confirm
	// and return, CanUndo undo.
	State     string
	CanDecide bool
	CanUndo   bool
}

// taskGroups are a recipient's tasks by where they stand.
type taskGroups struct {
	Overdue  []taskRow
	Reported []taskRow
	Soon     []taskRow
	Later    []taskRow
	Done     []taskRow
}

// sectionView is a section's desk page: its tasks by where they stand.
type sectionView struct {
	deskNav
	ID, Name  string
	Today     string
	CanDecide bool
	// Reports: a section user's record waits for the office's 销号.
	RecordReports bool
	// Monthly is the section's "本月已报送" form (monthly.go).
	Monthly *monthlyView
	taskGroups
}

// deskSection finds the section of the request's {id} that u may see, or
// answers 404 or 403.
func (h *handler) deskSection(w http.ResponseWriter, r *http.Request, u remindd.User) (*recipient, bool) {
	id := r.PathValue("id")
	s, ok := h.Plan.Section(id)
	if !ok {
		h.errorPage(w, r, http.StatusNotFound, "没有这个科室", "请从工作台的科室列表进入。")
		return nil, false
	}
	if !maySee(u, id) {
		h.errorPage(w, r, http.StatusForbidden, "只能查看本科室的事项",
			"您的账号属于"+h.roleName(u)+"，不能查看或办理其他科室的事项。")
		return nil, false
	}
	return &recipient{Who: remindd.Recipient{Kind: remindd.KindSection, ID: s.ID}, Name: s.Name}, true
}

// sectionPage shows a section's tasks: overdue, awaiting 销号, due soon,
// later and done, each with what may be done to it, one at a time or
// selected together.
func (h *handler) sectionPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	rec, ok := h.deskSection(w, r, u)
	if !ok {
		return
	}
	ctx := r.Context()
	now := h.Now()
	nav, err := h.nav(ctx, u, rec.Who.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.standingOf(ctx, rec, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &sectionView{deskNav: nav, ID: rec.Who.ID, Name: rec.Name, Today: dateCN(h.today(now)),
		CanDecide: mayDecide(u), RecordReports: !mayDecide(u) && h.RequireConfirmation}
	v.taskGroups = h.taskGroups(st, "/desk/sections/"+url.PathEscape(rec.Who.ID)+"/reason?task=", v.CanDecide, v.CanDecide)
	if v.Monthly, err = h.monthlyView(ctx, rec.Who.ID, "/desk/sections/"+url.PathEscape(rec.Who.ID)+"/monthly", now); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Monthly != nil {
		v.Monthly.Desk = true
	}
	h.render(w, r, http.StatusOK, "desk_section", rec.Name, v)
}

// taskGroups sorts a recipient's tasks by where they stand, each row with
// what the user may do to it: confirm and return (canDecide), undo
// (canUndo). reason is the start of the address of a row's reason form.
func (h *handler) taskGroups(st *standing, reason string, canDecide, canUndo bool) taskGroups {
	var g taskGroups
	for _, o := range st.Obligations {
		row := taskRow{N: o.Task.N, Text: o.Task.Text, Due: dateCN(o.Due), Badge: badge(o.Left), Colour: colourName(o.Colour),
			State: "open", CanDecide: canDecide, CanUndo: canUndo}
		n := strconv.Itoa(o.Task.N)
		row.ReturnURL = reason + n + "&action=" + string(remindd.Returned)
		row.UndoURL = reason + n + "&action=" + string(remindd.Undone)
		if c, done := st.Completions[o.Task.N]; done {
			row.By, row.At, row.Source, row.Note = c.By, h.timeCN(c.DoneAt), sourceCN(c.Source), c.Note
			if c.Status == remindd.StatusReported {
				row.Colour, row.State = "blue", "reported"
				g.Reported = append(g.Reported, row)
			} else {
				row.Colour, row.State = "green", "done"
				g.Done = append(g.Done, row)
			}
			continue
		}
		if e, ok := st.Returns[o.Task.N]; ok {
			row.Returned = e.Note
		}
		switch {
		case o.Left < 0:
			g.Overdue = append(g.Overdue, row)
		case o.Left <= soonDays:
			g.Soon = append(g.Soon, row)
		default:
			g.Later = append(g.Later, row)
		}
	}
	return g
}

// deskRecipient is the recipient of a desk page of obligations, a
// section's or an enterprise's, with what the user may do there.
type deskRecipient struct {
	rec *recipient
	// page is the page's address: where its forms go, and the results
	// lead back; pageName what its messages call it (科室页面).
	page, pageName string
	// active is the navigation's tab.
	active string
	// owes says whether the recipient owes a task.
	owes func(*plan.Task) bool
	// mayUndo lets the user undo (撤销); only the office confirms and
	// returns.
	mayUndo bool
}

// sectionOf is the desk page of section rec for u.
func (h *handler) sectionOf(rec *recipient, u remindd.User) *deskRecipient {
	return &deskRecipient{rec: rec, page: "/desk/sections/" + url.PathEscape(rec.Who.ID), pageName: "科室页面", active: rec.Who.ID,
		owes: func(t *plan.Task) bool { return h.Plan.SectionOwes(t, rec.Who.ID) }, mayUndo: mayDecide(u)}
}

// sectionReasonPage asks why one of a section's tasks is returned (退办)
// or undone (撤销).
func (h *handler) sectionReasonPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	rec, ok := h.deskSection(w, r, u)
	if !ok {
		return
	}
	h.reasonPage(w, r, u, h.sectionOf(rec, u))
}

// reasonPage asks why one of d's tasks is returned (退办) or undone
// (撤销).
func (h *handler) reasonPage(w http.ResponseWriter, r *http.Request, u remindd.User, d *deskRecipient) {
	action := remindd.Action(r.URL.Query().Get("action"))
	if action != remindd.Returned && action != remindd.Undone {
		h.errorPage(w, r, http.StatusBadRequest, "请选择操作", "请从"+d.pageName+"点击“退办”或“撤销”。")
		return
	}
	if (action == remindd.Returned && !mayDecide(u)) || (action == remindd.Undone && !d.mayUndo) {
		h.forbidden(w, r)
		return
	}
	n, msg := h.taskNumber(r.URL.Query().Get("task"))
	if msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "任务编号有误", msg)
		return
	}
	ctx := r.Context()
	nav, err := h.nav(ctx, u, d.active)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.standingOf(ctx, d.rec, h.Now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	c, done := st.Completions[n]
	switch {
	case action == remindd.Returned && (!done || c.Status != remindd.StatusReported):
		h.errorPage(w, r, http.StatusNotFound, "这项任务没有待销号的报告", "它可能已由他人销号或退办。请返回"+d.pageName+"查看。")
		return
	case action == remindd.Undone && !done:
		h.errorPage(w, r, http.StatusNotFound, "这项任务没有完成记录", "没有可撤销的记录。请返回"+d.pageName+"查看。")
		return
	}
	t, _ := h.Plan.Task(n)
	h.render(w, r, http.StatusOK, "desk_reason", actionName(action), &reasonView{
		deskNav: nav, Verb: actionName(action), Action: action, Post: d.page, Field: "task", Value: strconv.Itoa(n),
		Task: n, Text: t.Text, Name: d.rec.Name, By: c.By, Note: c.Note, DoneAt: h.timeCN(c.DoneAt), Back: d.page,
	})
}

// changeSection records (登记完成), confirms (销号), returns (退办) or
// undoes (撤销) the section's tasks a form names: the one of a row's
// button, or those selected. Only the office confirms, returns and
// undoes; a section's own record waits for the office's 销号 when reports
// need confirmation.
func (h *handler) changeSection(w http.ResponseWriter, r *http.Request, u remindd.User) {
	rec, ok := h.deskSection(w, r, u)
	if !ok {
		return
	}
	h.changeObligations(w, r, u, h.sectionOf(rec, u))
}

// changeObligations records (登记完成), confirms (销号), returns (退办) or
// undoes (撤销) the tasks of d a form names: the one of a row's button, or
// those selected, all in one Apply or, when one is wrong, none. Only the
// office confirms and returns; a section user's record waits for the
// office's 销号 when reports need confirmation.
func (h *handler) changeObligations(w http.ResponseWriter, r *http.Request, u remindd.User, d *deskRecipient) {
	rec := d.rec
	if !h.parseForm(w, r, maxDeskForm) {
		return
	}
	action, tasks := remindd.Action(r.PostForm.Get("action")), r.PostForm["task"]
	switch {
	case r.PostForm.Get("record1") != "":
		action, tasks = remindd.Recorded, []string{r.PostForm.Get("record1")}
	case r.PostForm.Get("confirm1") != "":
		action, tasks = remindd.Confirmed, []string{r.PostForm.Get("confirm1")}
	}
	switch action {
	case remindd.Recorded:
	case remindd.Confirmed, remindd.Returned:
		if !mayDecide(u) {
			h.forbidden(w, r)
			return
		}
	case remindd.Undone:
		if !d.mayUndo {
			h.forbidden(w, r)
			return
		}
	default:
		h.errorPage(w, r, http.StatusBadRequest, "请选择操作", "请点击“登记完成”“销号”“退办”或“撤销”按钮。本次没有作任何变更。")
		return
	}
	verb := actionName(action)
	bad := func(msg string) {
		h.errorPage(w, r, http.StatusBadRequest, verb+"未办理", msg+"本次没有作任何变更，请返回上一页修改后重试。")
	}
	if len(tasks) == 0 {
		bad("没有选择任何任务。")
		return
	}
	if len(tasks) > maxSelected {
		bad(fmt.Sprintf("一次最多选择 %d 项。", maxSelected))
		return
	}
	var reason, note string
	var msg string
	switch action {
	case remindd.Returned, remindd.Undone:
		reason, msg = readReason(r.PostForm, verb)
	case remindd.Recorded:
		note, msg = readNote(r.PostForm)
	}
	if msg != "" {
		bad(msg)
		return
	}
	var ns []int
	for _, s := range tasks {
		n, msg := h.taskNumber(s)
		if msg != "" {
			bad(msg)
			return
		}
		t, _ := h.Plan.Task(n)
		if !d.owes(t) {
			bad(fmt.Sprintf("任务%d 不是%s的事项。", n, rec.Name))
			return
		}
		ns = append(ns, n)
	}
	written := action
	if action == remindd.Recorded && !mayDecide(u) && h.RequireConfirmation {
		written = remindd.Reported
	}
	now := h.Now()
	var changes []remindd.Event
	for _, n := range sortedUnique(ns) {
		e := remindd.Event{Action: written, Task: n, Assignee: rec.Who, By: u.Name, Source: remindd.SourceDesk, At: now}
		switch action {
		case remindd.Recorded:
			e.Note, e.DoneAt = note, now
		case remindd.Returned, remindd.Undone:
			e.Note = reason
		}
		changes = append(changes, e)
	}
	h.apply(w, r, u, changes, verb, reason, note, d.page, "返回"+rec.Name)
}

// today is the plan's calendar day at now.
func (h *handler) today(now time.Time) plan.Date { return plan.DateOf(now.In(h.Plan.Location)) }
