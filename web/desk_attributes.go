package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/forms"
	"github.com/remindd/remindd/store"
)

// An enterprise's attributes the monthly forms count by, edited on its
// desk page: its roles (the plan's, such as 标杆培育对象, which tasks 40,
// 80 and 98 address), 达标类型, 级别, 标杆层级 and 风险等级. Whoever may
// open the page may edit them (the office, a section for its sectors'
// enterprises); each change is written with an event saying what changed
// (store.UpdateEnterpriseAttributes).

// attrChoice is one value of an attribute's choice.
type attrChoice struct {
	Value    string
	Selected bool
}

// attrSelect is one attribute with a value of a short list.
type attrSelect struct {
	Name, Label string
	Choices     []attrChoice
}

// attributesView is the form of an enterprise's attributes.
type attributesView struct {
	Action string
	// Summary says what is filled in, for the folded form's title.
	Summary string
	Roles   []attrChoice
	Selects []attrSelect
}

// attribute is one of the attributes with a value of a short list.
type attribute struct {
	name, label string
	values      []string
	field       func(*store.EnterpriseAttributes) *string
}

// attributes are the attributes the form has, in its order; the values
// are the forms' words.
var attributes = []attribute{
	{"std_type", "达标类型", forms.StdTypes[:], func(a *store.EnterpriseAttributes) *string { return &a.StdType }},
	{"level", "级别", forms.Levels[:], func(a *store.EnterpriseAttributes) *string { return &a.Level }},
	{"benchmark_tier", "标杆层级", forms.Tiers[:2], func(a *store.EnterpriseAttributes) *string { return &a.BenchmarkTier }},
	{"risk", "风险等级", forms.Risks[:], func(a *store.EnterpriseAttributes) *string { return &a.Risk }},
}

// attributesView is the form of e's attributes, posting to action.
func (h *handler) attributesView(e *remindd.Enterprise, action string) *attributesView {
	a := store.AttributesOf(*e)
	v := &attributesView{Action: action}
	for _, r := range h.Plan.RoleNames() {
		v.Roles = append(v.Roles, attrChoice{Value: r, Selected: slices.Contains(a.Roles, r)})
	}
	for _, at := range attributes {
		sel := attrSelect{Name: at.name, Label: at.label}
		cur := *at.field(&a)
		for _, val := range at.values {
			sel.Choices = append(sel.Choices, attrChoice{Value: val, Selected: val == cur})
		}
		v.Selects = append(v.Selects, sel)
	}
	var filled []string
	for _, x := range []struct{ label, v string }{{"角色", strings.Join(a.Roles, "、")}, {"达标类型", a.StdType}, {"级别", a.Level},
		{"标杆层级", a.BenchmarkTier}, {"风险等级", a.Risk}} {
		if x.v != "" {
			filled = append(filled, x.label+" "+x.v)
		}
	}
	v.Summary = strings.Join(filled, " · ")
	if v.Summary == "" {
		v.Summary = "未填"
	}
	return v
}

// savedView is the page an edit answers with.
type savedView struct {
	deskNav
	Heading, Text, Note string
	Back, BackLabel     string
}

// changeAttributes sets an enterprise's attributes as its form gives
// them: every value one of its list or blank (未填), the roles the
// plan's; when one is wrong, nothing is written.
func (h *handler) changeAttributes(w http.ResponseWriter, r *http.Request, u remindd.User) {
	d, ok := h.deskEnterprise(w, r, u)
	if !ok {
		return
	}
	if !h.parseForm(w, r, maxMonthlyForm) {
		return
	}
	var (
		a        store.EnterpriseAttributes
		problems []string
	)
	roles := h.Plan.RoleNames()
	for _, raw := range r.PostForm["role"] {
		role := strings.TrimSpace(raw)
		if !slices.Contains(roles, role) {
			problems = append(problems, fmt.Sprintf("角色“%s”无效，应为 %s 之一。", clip(role, 40), strings.Join(roles, "、")))
			continue
		}
		if !slices.Contains(a.Roles, role) {
			a.Roles = append(a.Roles, role)
		}
	}
	slices.SortFunc(a.Roles, func(x, y string) int { return slices.Index(roles, x) - slices.Index(roles, y) })
	for _, at := range attributes {
		v := strings.TrimSpace(r.PostForm.Get(at.name))
		if v != "" && !slices.Contains(at.values, v) {
			problems = append(problems, fmt.Sprintf("%s“%s”无效，应为 %s 之一，或不填。", at.label, clip(v, 20), strings.Join(at.values, "、")))
			continue
		}
		*at.field(&a) = v
	}
	if a.Level != "" && a.StdType == "" && len(problems) == 0 {
		problems = append(problems, "填写了级别“"+a.Level+"”，请同时选择达标类型（国标、省标或地标）。")
	}
	if len(problems) > 0 {
		h.errorPage(w, r, http.StatusBadRequest, "企业信息未保存", strings.Join(problems, "")+"本次没有作任何修改，请返回企业页面修改后重新提交。")
		return
	}
	ctx := r.Context()
	note, err := h.Store.UpdateEnterpriseAttributes(ctx, h.Plan.ID, d.rec.Who.ID, a, u.Name, remindd.SourceDesk, h.Now())
	if errors.Is(err, store.ErrNoEnterprise) {
		h.errorPage(w, r, http.StatusNotFound, "没有这家企业", "企业名录中没有这个统一社会信用代码。请从企业列表进入。")
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if note != "" {
		h.recorded() // roles change what an enterprise owes
	}
	nav, err := h.nav(ctx, u, d.active)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &savedView{deskNav: nav, Heading: "企业信息已保存", Text: d.rec.Name + "的报表信息已更新，已记入历史记录。", Note: note,
		Back: d.page, BackLabel: "返回" + d.rec.Name}
	if note == "" {
		v.Heading, v.Text = "企业信息没有变化", "提交的信息与原来相同，本次没有写入任何记录。"
	}
	h.render(w, r, http.StatusOK, "desk_saved", v.Heading, v)
}
