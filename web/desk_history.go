package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/store"
)

// historyLimit is how many events the history page shows, newest first.
const historyLimit = 200

// historyRow is one event as the history page shows it.
type historyRow struct {
	At     string
	Action string
	Class  string // the action, for its colour
	Task   int
	Text   string
	Name   string
	By     string
	Source string
	Note   string
	DoneAt string
}

// historyView is the history page: its filter and the events.
type historyView struct {
	deskNav
	Task     string
	Section  string
	Choices  []navLink // the sections the filter offers
	Locked   bool      // a section's user sees its own section only
	Rows     []historyRow
	More     bool // more events than shown
	Filtered bool
}

// historyPage lists the events, newest first, of a task, a section (its
// own and its enterprises'), or all.
func (h *handler) historyPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	ctx := r.Context()
	q := r.URL.Query()
	v := &historyView{Task: strings.TrimSpace(q.Get("task")), Section: strings.TrimSpace(q.Get("section"))}
	if u.Role != remindd.RoleOffice {
		v.Section, v.Locked = u.Section, true
	}
	var f store.EventFilter
	if v.Task != "" {
		n, msg := h.taskNumber(v.Task)
		if msg != "" {
			h.errorPage(w, r, http.StatusBadRequest, "筛选条件有误", msg+"请返回历史记录页重新填写。")
			return
		}
		f.Task, v.Task = n, strconv.Itoa(n)
	}
	if v.Section != "" {
		if _, ok := h.Plan.Section(v.Section); !ok {
			h.errorPage(w, r, http.StatusBadRequest, "筛选条件有误",
				fmt.Sprintf("科室“%s”不在工作方案中。请返回历史记录页重新选择。", clip(v.Section, 40)))
			return
		}
		f.Assignees = []remindd.Recipient{{Kind: remindd.KindSection, ID: v.Section}}
		for _, sec := range h.Plan.SectorsOf(v.Section) {
			f.Sectors = append(f.Sectors, sec.ID)
		}
	}
	v.Filtered = f.Task != 0 || (v.Section != "" && !v.Locked)
	f.Limit = historyLimit + 1
	events, err := h.Store.Events(ctx, h.Plan.ID, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(events) > historyLimit {
		events, v.More = events[:historyLimit], true
	}
	if v.deskNav, err = h.nav(ctx, u, "history"); err != nil {
		h.fail(w, r, err)
		return
	}
	for _, s := range h.deskSections() {
		v.Choices = append(v.Choices, navLink{ID: s.ID, Name: s.Name})
	}
	n := h.names(ctx)
	for _, e := range events {
		row := historyRow{At: h.timeCN(e.At), Action: actionName(e.Action), Class: string(e.Action), Task: e.Task,
			By: e.By, Source: howName(e.Source), Note: e.Note}
		if t, ok := h.Plan.Task(e.Task); ok {
			row.Text = t.Text
		}
		if row.Name, err = n.of(e.Assignee); err != nil {
			h.fail(w, r, err)
			return
		}
		if !e.DoneAt.IsZero() && (e.Action == remindd.Reported || e.Action == remindd.Recorded) {
			row.DoneAt = h.timeCN(e.DoneAt)
		}
		v.Rows = append(v.Rows, row)
	}
	h.render(w, r, http.StatusOK, "desk_history", "历史记录", v)
}

// howName says how an event came to the store.
func howName(source string) string {
	switch source {
	case remindd.SourceLink:
		return "个人链接"
	case remindd.SourceDesk:
		return "工作台"
	case remindd.SourceCLI:
		return "命令行"
	case remindd.SourceImport:
		return "批量导入"
	case remindd.SourceBaseline:
		return "上线统一登记"
	case "":
		return "其他系统"
	}
	return source
}
