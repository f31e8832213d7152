package web

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// The office desk: a signed-in user's pages. The office sees every section
// and confirms (销号) or returns (退办) what sections and enterprises
// report; a section's user sees its own section and records what it did,
// which then awaits the office like a report. Every change is one
// store.Apply, with the user as By and SourceDesk, all of a form's changes
// or none.

// deskRoutes registers the desk's pages: login and logout (auth_session.go),
// the overview (desk_overview.go), the reports awaiting 销号
// (desk_reports.go), a section's tasks (desk_section.go), the history
// (desk_history.go), the enterprises (desk_enterprises.go), the
// achievements (desk_achievements.go), the outbox (desk_outbox.go) and the
// go-live baseline (desk_baseline.go).
func (h *handler) deskRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/desk", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /login", h.loginPage)
	mux.HandleFunc("POST /login", h.login)
	mux.HandleFunc("POST /logout", h.logout)
	mux.HandleFunc("GET /desk", h.desk(h.overview))
	mux.HandleFunc("GET /desk/reports", h.desk(h.reportsPage))
	mux.HandleFunc("POST /desk/reports", h.desk(h.decideReports))
	mux.HandleFunc("GET /desk/reports/return", h.desk(h.returnPage))
	mux.HandleFunc("GET /desk/sections/{id}", h.desk(h.sectionPage))
	mux.HandleFunc("POST /desk/sections/{id}", h.desk(h.changeSection))
	mux.HandleFunc("GET /desk/sections/{id}/reason", h.desk(h.sectionReasonPage))
	mux.HandleFunc("GET /desk/history", h.desk(h.historyPage))
	mux.HandleFunc("GET /desk/enterprises", h.desk(h.enterprisesPage))
	mux.HandleFunc("GET /desk/enterprises/{code}", h.desk(h.enterprisePage))
	mux.HandleFunc("POST /desk/enterprises/{code}", h.desk(h.changeEnterprise))
	mux.HandleFunc("GET /desk/enterprises/{code}/reason", h.desk(h.enterpriseReasonPage))
	mux.HandleFunc("GET /desk/achievements", h.desk(h.achievementsPage))
	mux.HandleFunc("POST /desk/achievements", h.desk(h.recordAchievement))
	mux.HandleFunc("GET /desk/outbox", h.desk(h.outboxPage))
	mux.HandleFunc("POST /desk/outbox", h.desk(h.resend))
	mux.HandleFunc("GET /desk/baseline", h.desk(h.baselinePage))
	mux.HandleFunc("POST /desk/baseline", h.desk(h.recordBaseline))
}

// maxDeskForm bounds a desk form: every task of a plan or a page of
// reports selected, and a reason of remindd.MaxNote characters.
const maxDeskForm = 256 << 10

// maxSelected bounds how many obligations one form may change.
const maxSelected = 2000

// deskNav is what every desk page's header shows: who is signed in and
// where they can go.
type deskNav struct {
	User   remindd.User
	Who    string // 林主任（局办公室）
	Office bool
	Active string // overview, reports, section ID, history, enterprises, achievements, outbox, baseline
	// Tabs are the sections the user may open.
	Tabs []navLink
	// Pending counts the reports the user may see that await 销号.
	Pending int
}

type navLink struct {
	ID, Name string
}

// nav builds the header of a desk page for u, the tab active marked.
func (h *handler) nav(ctx context.Context, u remindd.User, active string) (deskNav, error) {
	n := deskNav{User: u, Office: u.Role == remindd.RoleOffice, Active: active}
	n.Who = u.Name + "（" + h.roleName(u) + "）"
	for _, s := range h.deskSections() {
		if n.Office || s.ID == u.Section {
			n.Tabs = append(n.Tabs, navLink{ID: s.ID, Name: s.Name})
		}
	}
	// The office sees every report: counted in the store, not read, so
	// that a backlog of thousands costs little (reading them took a
	// tenth of a second of each page with 7,000), and the count kept a
	// few seconds (pending.go).
	if n.Office {
		var err error
		n.Pending, err = h.pendingCount(ctx)
		return n, err
	}
	reports, err := h.visibleReports(ctx, u)
	if err != nil {
		return n, err
	}
	n.Pending = len(reports)
	return n, nil
}

// roleName says what a user is: the office, or its section's name.
func (h *handler) roleName(u remindd.User) string {
	if u.Role == remindd.RoleOffice {
		return h.Plan.Office.Name
	}
	if s, ok := h.Plan.Section(u.Section); ok {
		return s.Name
	}
	return u.Section
}

// deskSections are the sections the desk follows: the plan's bureau
// sections, and outside bodies the config gives contacts for, as the
// office's digest does.
func (h *handler) deskSections() []plan.Section {
	var out []plan.Section
	for _, s := range h.Plan.Sections {
		if s.External && len(h.Config.SectionContacts(s.ID)) == 0 {
			continue
		}
		out = append(out, s)
	}
	return out
}

// mayDecide reports whether u may confirm and return reports: the office.
func mayDecide(u remindd.User) bool { return u.Role == remindd.RoleOffice }

// maySee reports whether u may see and record for section id: the office
// every section, a section's user its own.
func maySee(u remindd.User, id string) bool {
	return u.Role == remindd.RoleOffice || (u.Role == remindd.RoleSection && u.Section == id)
}

// sectorsOf are the ids of the sectors section is responsible for.
func (h *handler) sectorsOf(section string) map[string]bool {
	out := map[string]bool{}
	for _, s := range h.Plan.SectorsOf(section) {
		out[s.ID] = true
	}
	return out
}

// names finds the names of recipients: a section's in the plan, an
// enterprise's in the store, each enterprise looked up once.
type names struct {
	h     *handler
	ctx   context.Context
	firms map[string]*remindd.Enterprise
}

func (h *handler) names(ctx context.Context) *names {
	return &names{h: h, ctx: ctx, firms: map[string]*remindd.Enterprise{}}
}

// enterprise is the store's record of code; nil when it has none.
func (n *names) enterprise(code string) (*remindd.Enterprise, error) {
	if e, ok := n.firms[code]; ok {
		return e, nil
	}
	e, ok, err := n.h.Store.Enterprise(n.ctx, code)
	if err != nil {
		return nil, err
	}
	var p *remindd.Enterprise
	if ok {
		p = &e
	}
	n.firms[code] = p
	return p, nil
}

// of is who's name, with what it is: 行业管理科, 晋江市…有限公司.
func (n *names) of(who remindd.Recipient) (string, error) {
	switch who.Kind {
	case remindd.KindSection:
		if s, ok := n.h.Plan.Section(who.ID); ok {
			return s.Name, nil
		}
	case remindd.KindEnterprise:
		e, err := n.enterprise(who.ID)
		if err != nil {
			return "", err
		}
		if e != nil {
			return e.Name, nil
		}
	case remindd.KindOffice:
		return n.h.Plan.Office.Name, nil
	}
	return who.ID, nil
}

// answers reports whether u answers for who: the office for everyone, a
// section for itself and the enterprises of its sectors.
func (n *names) answers(u remindd.User, who remindd.Recipient) (bool, error) {
	if u.Role == remindd.RoleOffice {
		return true, nil
	}
	if u.Role != remindd.RoleSection {
		return false, nil
	}
	switch who.Kind {
	case remindd.KindSection:
		return who.ID == u.Section, nil
	case remindd.KindEnterprise:
		e, err := n.enterprise(who.ID)
		if err != nil || e == nil {
			return false, err
		}
		return n.h.sectorsOf(u.Section)[e.Sector], nil
	}
	return false, nil
}

// visibleReports are the reports awaiting 销号 that u may see, oldest
// first.
func (h *handler) visibleReports(ctx context.Context, u remindd.User) ([]remindd.Report, error) {
	all, err := h.Store.Reports(ctx, h.Plan.ID)
	if err != nil {
		return nil, err
	}
	if u.Role == remindd.RoleOffice {
		return all, nil
	}
	n := h.names(ctx)
	var out []remindd.Report
	for _, r := range all {
		ok, err := n.answers(u, r.Assignee)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// actionName is how the desk names an action.
func actionName(a remindd.Action) string {
	switch a {
	case remindd.Reported:
		return "报告完成"
	case remindd.Confirmed:
		return "销号"
	case remindd.Returned:
		return "退办"
	case remindd.Recorded:
		return "登记完成"
	case remindd.Undone:
		return "撤销"
	case remindd.Escalated:
		return "催办（抄送分管领导）"
	case remindd.MonthReported:
		return "月报已报送"
	case remindd.Edited:
		return "修改信息"
	}
	return string(a)
}

// readReason reads a form's reason (退办, 撤销): required, at most
// remindd.MaxNote characters, no control character. The message says what
// is wrong, in Chinese.
func readReason(form map[string][]string, what string) (string, string) {
	reason, msg := readNote(form)
	if msg == "" && reason == "" {
		return "", what + "必须填写理由，以便对方知道需要补充或改正什么。"
	}
	return reason, msg
}

// readNote reads a form's text field "reason": a record's optional note,
// or the reason of a return or undo.
func readNote(form map[string][]string) (string, string) {
	text := strings.TrimSpace(strings.ReplaceAll(first(form["reason"]), "\r\n", "\n"))
	if msg := checkText("说明", text, remindd.MaxNote, true); msg != "" {
		return "", msg
	}
	return text, ""
}

func first(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// parseTask reads a task number as a form holds it: 1 to 9 decimal digits,
// spaces around them trimmed; no sign, prefix or separator, as the command
// line's --task. false when s is not one, or is 0.
func parseTask(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

// taskNumber reads a task number of the plan from a form or a query.
func (h *handler) taskNumber(s string) (int, string) {
	s = strings.TrimSpace(s)
	n, ok := parseTask(s)
	if !ok {
		return 0, fmt.Sprintf("任务编号“%s”无效，应为 1–%d 的数字。", clip(s, 20), len(h.Plan.Tasks))
	}
	if _, ok := h.Plan.Task(n); !ok {
		return 0, fmt.Sprintf("任务%d 不在工作方案中（共 %d 项）。", n, len(h.Plan.Tasks))
	}
	return n, ""
}

// resultItem is one obligation a desk POST changed or left as it was.
type resultItem struct {
	Task int
	Text string
	Name string
	Why  string // why it was left as it was
}

// resultView is the page a desk POST answers with.
type resultView struct {
	deskNav
	Verb      string // 销号, 退办, 登记完成, 撤销
	Changed   []resultItem
	Unchanged []resultItem
	Reason    string
	Note      string
	Pending   bool // recorded as a report awaiting the office
	Back      string
	BackLabel string
}

// sortedUnique is ns ascending, each once.
func sortedUnique(ns []int) []int {
	slices.Sort(ns)
	return slices.Compact(ns)
}
