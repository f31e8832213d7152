package web

import (
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/forms"
)

// The desk's 月报 page: for a month, who marked its reports sent, whose
// figures are entered, the forms 附件4 and 附件5 to download (the
// bureau's for the office, a section's part for its user; built by
// package forms as `remindd forms` builds them), and the way to each
// section's figures form.

// xlsxType is the content type of the forms' files.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// formDownload is a link to one form's file.
type formDownload struct {
	Form, Name, URL string
}

// monthlySectionRow is a section's month on the page.
type monthlySectionRow struct {
	ID, Name   string
	External   bool
	Reported   bool
	ReportedBy string
	Entered    bool
	EnteredBy  string
	FiguresURL string
	Downloads  []formDownload
}

// monthlyPageView is the 月报 page of a month.
type monthlyPageView struct {
	deskNav
	Month, MonthLabel string
	Months            []monthOption
	// Downloads are the office's: the bureau's forms.
	Downloads []formDownload
	Rows      []monthlySectionRow
	// Missing are the sections (the plan's own) whose figures for the month
	// are not entered: the forms count them as 0.
	Missing []string
	To      string
}

// downloadURL is the address of form's file of month, for section ("" the
// bureau).
func downloadURL(form string, m remindd.Month, section string) string {
	q := url.Values{"form": {strings.TrimPrefix(form, "附件")}, "month": {m.String()}}
	if section != "" {
		q.Set("section", section)
	}
	return "/desk/monthly/download?" + q.Encode()
}

// downloads are the links to both forms of month for section ("" the
// bureau).
func (h *handler) downloads(m remindd.Month, section, name string) []formDownload {
	var out []formDownload
	for _, form := range []string{remindd.Form4, remindd.Form5} {
		f := &forms.Forms{Month: m, SectionName: name}
		out = append(out, formDownload{Form: form, Name: f.FileName(form), URL: downloadURL(form, m, section)})
	}
	return out
}

// monthlyPage shows a month's reports, figures and forms: every section's
// for the office, its own for a section's user.
func (h *handler) monthlyPage(w http.ResponseWriter, r *http.Request, u remindd.User) {
	m, msg := h.figureMonth(r.URL.Query().Get("month"))
	if msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "月份有误", msg+"请返回月报页面重新选择。")
		return
	}
	ctx := r.Context()
	nav, err := h.nav(ctx, u, "monthly")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sent, err := h.Store.MonthlyReports(ctx, h.Plan.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := &monthlyPageView{deskNav: nav, Month: m.String(), MonthLabel: monthCN(m), To: h.Plan.Reporting.To,
		Months: h.monthOptions(m)}
	if u.Role == remindd.RoleOffice {
		v.Downloads = h.downloads(m, "", "")
	}
	for _, s := range h.deskSections() {
		if !maySee(u, s.ID) {
			continue
		}
		row := monthlySectionRow{ID: s.ID, Name: s.Name, External: s.External, FiguresURL: figuresURL(s.ID, m),
			Downloads: h.downloads(m, s.ID, s.Name)}
		for _, rep := range sent {
			if rep.Section == s.ID && rep.Month == m.String() {
				row.Reported, row.ReportedBy = true, rep.By+" "+h.timeCN(rep.At)
			}
		}
		f, ok, err := h.Store.Figures(ctx, s.ID, m)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		if ok {
			row.Entered, row.EnteredBy = true, f.By+" "+h.timeCN(f.At)
		} else if !s.External {
			v.Missing = append(v.Missing, s.Name)
		}
		v.Rows = append(v.Rows, row)
	}
	h.render(w, r, http.StatusOK, "desk_monthly", "月报", v)
}

// downloadForm answers one form's .xlsx file of a month: the bureau's for
// the office, or a section's part (the office's choice, or a section's
// user's own).
func (h *handler) downloadForm(w http.ResponseWriter, r *http.Request, u remindd.User) {
	q := r.URL.Query()
	var form string
	switch strings.TrimSpace(q.Get("form")) {
	case "4":
		form = remindd.Form4
	case "5":
		form = remindd.Form5
	default:
		h.errorPage(w, r, http.StatusBadRequest, "报表有误", fmt.Sprintf("报表“%s”无效，只有附件4和附件5。请返回月报页面重新下载。", clip(q.Get("form"), 20)))
		return
	}
	m, msg := h.figureMonth(q.Get("month"))
	if msg != "" {
		h.errorPage(w, r, http.StatusBadRequest, "月份有误", msg+"请返回月报页面重新选择。")
		return
	}
	section, ok := h.figureSection(w, r, u, q.Get("section"))
	if !ok {
		return
	}
	ctx := r.Context()
	hd := forms.Header{Filler: u.Name, Date: h.today(h.Now()), Phone: h.Office.Phone}
	if section != "" {
		hd.Phone = h.Sections[section].Phone
	}
	f, err := forms.Read(ctx, h.Store, h.Plan, m, section, hd)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	files, err := f.Files()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := f.FileName(form)
	for _, file := range files {
		if file.Name != name {
			continue
		}
		hdr := w.Header()
		hdr.Set("Content-Type", xlsxType)
		hdr.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
		hdr.Set("Content-Length", strconv.Itoa(len(file.Bytes)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			w.Write(file.Bytes)
		}
		return
	}
	h.fail(w, r, fmt.Errorf("forms of %s: no file %s", m, name))
}
