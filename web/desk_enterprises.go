package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// firmsPerPage is how many enterprises a page of the list shows.
const firmsPerPage = 50

// firmListRow is an enterprise in the list.
type firmListRow struct {
	ID, Name, Sector, Size string
	Contact, Mobile        string
	Overdue                int
	Inactive               bool
	URL                    string
}

// enterprisesView is the list of enterprises: its filter and a page of
// rows.
type enterprisesView struct {
	deskNav
	Query   string
	Sector  string
	Behind  bool
	Sectors []navLink // the sectors the filter offers
	Rows    []firmListRow
	// Total counts the enterprises the user may see, Matched those the
	// filter keeps.
	Total, Matched int
	Page, Pages    int
	Prev, Next     string
	At             string // when the counts overdue were worked out
	Filtered       bool
}

// enterpriseView is one enterprise's page: who it is and its obligations.
type enterpriseView struct {
	deskNav
	ID, Name, Sector, Size string
	Trades                 string
	Contact, Mobile, Email string
	Inactive               bool
	Supervisors            []Contact
	Today                  string
	CanDecide              bool
	RecordReports          bool
	Page                   string
	// Attributes is the form of what the monthly forms count the
	// enterprise by (desk_attributes.go).
	Attributes *attributesView
	taskGroups
}

// shortName is a sector's name without what its brackets add:
// 文化行业（含…） is 文化行业.
func shortName(s *plan.Sector) string {
	name, _, _ := strings.Cut(s.Name, "（")
	return name
}

// mayDesk reports whether u may see and act for enterprises of sector:
// the office all, a section those of its sectors.
func (h *handler) mayDesk(u remindd.User, sector string) bool {
	return u.Role == remindd.RoleOffice || (u.Role == remindd.RoleSection && h.sectorsOf(u.Section)[sector])
}

// sectorChoices are the sectors u may filter by.
func (h *handler) sectorChoices(u remindd.User) []navLink {
	var out []navLink
	for i := range h.Plan.Sectors {
		s := &h.Plan.Sectors[i]
		if h.mayDesk(u, s.ID) {
			out = append(out, navLink{ID: s.ID, Name: shortName(s)})
		}
	}
	return out
}

// sectorName is a sector's short name, or its id when the plan lacks it.
func (h *handler) sectorName(id string) string {
	if s, ok := h.Plan.Sector(id); ok {
		return shortName(s)
	}
	return id
}

// firmFilter is the list's filter, read once per request: it keeps the
// enterprises of the sectors the user may see (all, for the office), of
// the sector chosen, behind if asked, whose name or credit code holds the
// search box's text. The text is compared, never put in SQL.
type firmFilter struct {
	all     bool            // the office: every sector
	sectors map[string]bool // a section's sectors
	sector  string
	behind  bool
	query   string
	code    string // query in capitals, as credit codes are written
}

func (h *handler) firmFilter(u remindd.User, v *enterprisesView) *firmFilter {
	f := &firmFilter{all: u.Role == remindd.RoleOffice, sector: v.Sector, behind: v.Behind, query: v.Query, code: strings.ToUpper(v.Query)}
	if !f.all {
		f.sectors = map[string]bool{}
		if u.Role == remindd.RoleSection {
			f.sectors = h.sectorsOf(u.Section)
		}
	}
	return f
}

// visible reports whether the user may see an enterprise of sector.
func (f *firmFilter) visible(sector string) bool { return f.all || f.sectors[sector] }

// keeps reports whether the filter keeps firm, one the user may see.
func (f *firmFilter) keeps(firm *firmRow) bool {
	return (f.sector == "" || firm.Sector == f.sector) && (!f.behind || firm.Overdue > 0) &&
		(f.query == "" || strings.Contains(firm.Name, f.query) || strings.Contains(firm.ID, f.code))
}

// enterprisesPage lists the enterprises the user may see, the furthest
// behind first, a page at a time: found by name or credit code, by
// sector, or only those behind. The counts come from the snapshot the
// sections' pages share (behind.go), not from one read per request.
func (h *handler) enterprisesPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	ctx := r.Context()
	q := r.URL.Query()
	v := &enterprisesView{Query: readQuery(r), Sector: strings.TrimSpace(q.Get("sector")), Behind: q.Get("behind") == "1", Page: 1}
	if v.Sector != "" {
		if _, ok := h.Plan.Sector(v.Sector); !ok || !h.mayDesk(u, v.Sector) {
			h.errorPage(w, r, http.StatusBadRequest, "筛选条件有误",
				fmt.Sprintf("行业“%s”不在可选范围内。请返回企业列表重新选择。", clip(v.Sector, 40)))
			return
		}
	}
	if p := strings.TrimSpace(q.Get("page")); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || len(p) > 6 || strings.Trim(p, "0123456789") != "" {
			h.errorPage(w, r, http.StatusBadRequest, "页码有误", fmt.Sprintf("页码“%s”无效，应为 1 或更大的数字。请返回企业列表。", clip(p, 20)))
			return
		}
		v.Page = n
	}
	v.Filtered = v.Query != "" || v.Sector != "" || v.Behind
	var err error
	if v.deskNav, err = h.nav(ctx, u, "enterprises"); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Sectors = h.sectorChoices(u)
	now := h.Now()
	f, at, err := h.behindFigures(ctx, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.At = h.timeCN(at)
	filter := h.firmFilter(u, v)
	var kept []*firmRow
	for i := range f.firms {
		firm := &f.firms[i]
		if !filter.visible(firm.Sector) {
			continue
		}
		v.Total++
		if filter.keeps(firm) {
			kept = append(kept, firm)
		}
	}
	if len(kept) == 0 && len(v.Query) == remindd.MaxCreditCode && !v.Behind {
		// A credit code typed whole finds an enterprise imported since
		// the figures were worked out.
		if firm, err := h.firmNow(r, u, strings.ToUpper(v.Query)); err != nil {
			h.fail(w, r, err)
			return
		} else if firm != nil && filter.keeps(firm) {
			kept = append(kept, firm)
		}
	}
	v.Matched = len(kept)
	v.Pages = max(1, (len(kept)+firmsPerPage-1)/firmsPerPage)
	v.Page = min(v.Page, v.Pages)
	page := kept[(v.Page-1)*firmsPerPage : min(len(kept), v.Page*firmsPerPage)]
	for _, firm := range page {
		row := firmListRow{ID: firm.ID, Name: firm.Name, Sector: h.sectorName(firm.Sector), Size: firm.Size,
			Overdue: firm.Overdue, Inactive: !firm.Active, URL: "/desk/enterprises/" + url.PathEscape(firm.ID)}
		e, ok, err := h.Store.Enterprise(ctx, firm.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if ok {
			row.Contact, row.Mobile = e.Contact, e.Mobile
		}
		v.Rows = append(v.Rows, row)
	}
	if v.Page > 1 {
		v.Prev = v.pageURL(v.Page - 1)
	}
	if v.Page < v.Pages {
		v.Next = v.pageURL(v.Page + 1)
	}
	h.render(w, r, http.StatusOK, "desk_enterprises", "企业", v)
}

// pageURL is the list's address of page n with the same filter.
func (v *enterprisesView) pageURL(n int) string {
	q := url.Values{}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	if v.Sector != "" {
		q.Set("sector", v.Sector)
	}
	if v.Behind {
		q.Set("behind", "1")
	}
	q.Set("page", strconv.Itoa(n))
	return "/desk/enterprises?" + q.Encode()
}

// firmNow reads the enterprise of credit code from the store, with its
// count overdue now; nil when there is none, or u may not see it.
func (h *handler) firmNow(r *http.Request, u remindd.User, code string) (*firmRow, error) {
	rec, err := h.recipientOf(r.Context(), remindd.Recipient{Kind: remindd.KindEnterprise, ID: code})
	if errors.Is(err, errNoRecipient) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	e := rec.Enterprise
	if !h.mayDesk(u, e.Sector) {
		return nil, nil
	}
	st, err := h.standingOf(r.Context(), rec, h.Now())
	if err != nil {
		return nil, err
	}
	firm := &firmRow{ID: e.ID, Name: e.Name, Sector: e.Sector, Size: e.Size, Active: e.Active}
	for _, o := range st.Obligations {
		if o.Overdue() {
			firm.Overdue++
		}
	}
	return firm, nil
}

// deskEnterprise finds the enterprise of the request's {code} that u may
// see, or answers 404 or 403.
func (h *handler) deskEnterprise(w http.ResponseWriter, r *http.Request, u remindd.User) (*deskRecipient, bool) {
	code := r.PathValue("code")
	notFound := func() {
		h.errorPage(w, r, http.StatusNotFound, "没有这家企业", "企业名录中没有这个统一社会信用代码。请从企业列表进入。")
	}
	if checkText("企业代码", code, remindd.MaxCreditCode, false) != "" {
		notFound()
		return nil, false
	}
	rec, err := h.recipientOf(r.Context(), remindd.Recipient{Kind: remindd.KindEnterprise, ID: code})
	if errors.Is(err, errNoRecipient) {
		notFound()
		return nil, false
	}
	if err != nil {
		h.fail(w, r, err)
		return nil, false
	}
	e := rec.Enterprise
	if !h.mayDesk(u, e.Sector) {
		h.errorPage(w, r, http.StatusForbidden, "只能查看本科室所管行业的企业",
			"您的账号属于"+h.roleName(u)+"，这家企业不在本科室所管的行业中。")
		return nil, false
	}
	return &deskRecipient{rec: rec, page: "/desk/enterprises/" + url.PathEscape(code), pageName: "企业页面", active: "enterprises",
		owes: func(t *plan.Task) bool { return e.Active && h.Plan.EnterpriseOwes(t, e.Size, e.Trades, e.Roles) }, mayUndo: true}, true
}

// enterprisePage shows an enterprise and its obligations: overdue,
// awaiting 销号, due soon, later and done, each with what may be done to
// it, one at a time or selected together.
func (h *handler) enterprisePage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	d, ok := h.deskEnterprise(w, r, u)
	if !ok {
		return
	}
	ctx := r.Context()
	now := h.Now()
	nav, err := h.nav(ctx, u, d.active)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.standingOf(ctx, d.rec, now)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	e := d.rec.Enterprise
	v := &enterpriseView{deskNav: nav, ID: e.ID, Name: e.Name, Sector: h.sectorName(e.Sector), Size: e.Size,
		Trades: strings.Join(e.Trades, "、"), Contact: e.Contact, Mobile: e.Mobile, Email: e.Email, Inactive: !e.Active,
		Supervisors: h.supervisors(e), Today: dateCN(h.today(now)), CanDecide: mayDecide(u),
		RecordReports: !mayDecide(u) && h.RequireConfirmation, Page: d.page}
	v.taskGroups = h.taskGroups(st, d.page+"/reason?task=", v.CanDecide, d.mayUndo)
	v.Attributes = h.attributesView(e, d.page+"/attributes")
	h.render(w, r, http.StatusOK, "desk_enterprise", e.Name, v)
}

// enterpriseReasonPage asks why one of an enterprise's tasks is returned
// (退办) or undone (撤销).
func (h *handler) enterpriseReasonPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if d, ok := h.deskEnterprise(w, r, u); ok {
		h.reasonPage(w, r, u, d)
	}
}

// changeEnterprise records (登记完成), undoes (撤销), and for the office
// confirms (销号) or returns (退办), the enterprise's tasks a form names.
func (h *handler) changeEnterprise(w http.ResponseWriter, r *http.Request, u remindd.User) {
	if d, ok := h.deskEnterprise(w, r, u); ok {
		h.changeObligations(w, r, u, d)
	}
}
