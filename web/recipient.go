package web

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// maxBehindShown is how many of a section's enterprises behind its page
// names; the rest are counted.
const maxBehindShown = 50

// errNoRecipient is a token's recipient the plan or the store does not
// know (a section taken out of the plan, an enterprise not in the roster).
var errNoRecipient = errors.New("no such recipient")

// recipient is who a personal link opens the page of.
type recipient struct {
	Who  remindd.Recipient
	Name string
	// Enterprise is the enterprise's record, for an enterprise.
	Enterprise *remindd.Enterprise
}

// recipientOf finds who in the plan (a section) or the store (an
// enterprise); errNoRecipient when neither has it.
func (h *handler) recipientOf(ctx context.Context, who remindd.Recipient) (*recipient, error) {
	switch who.Kind {
	case remindd.KindSection:
		if s, ok := h.Plan.Section(who.ID); ok {
			return &recipient{Who: who, Name: s.Name}, nil
		}
	case remindd.KindEnterprise:
		e, ok, err := h.Store.Enterprise(ctx, who.ID)
		if err != nil {
			return nil, err
		}
		if ok {
			return &recipient{Who: who, Name: e.Name, Enterprise: &e}, nil
		}
	}
	return nil, errNoRecipient
}

// standing is where a recipient stands: what it owes, what the store holds
// of it done or reported, and the office's last return of each task still
// open.
type standing struct {
	Obligations []schedule.Obligation
	Completions map[int]remindd.Completion
	Returns     map[int]remindd.Event
}

// standingOf reads rec's completions and history from the store and asks
// the rules what it owes at now.
func (h *handler) standingOf(ctx context.Context, rec *recipient, now time.Time) (*standing, error) {
	st := &standing{}
	if err := h.readCompletions(ctx, rec, st); err != nil {
		return nil, err
	}
	events, err := h.Store.Events(ctx, h.Plan.ID, store.EventFilter{Assignees: []remindd.Recipient{rec.Who}})
	if err != nil {
		return nil, fmt.Errorf("events of %s: %w", rec.Who, err)
	}
	st.Returns = map[int]remindd.Event{}
	state := h.stateOf(rec)
	for n := range st.Completions {
		state.Done.Add(n, rec.Who)
	}
	if rec.Who.Kind == remindd.KindSection {
		// A section's milestone tasks are done when its sectors met them.
		if state.Achievements, err = h.Store.Achievements(ctx, h.Plan.ID); err != nil {
			return nil, fmt.Errorf("achievements: %w", err)
		}
	}
	// Events come newest first: a task's first is its last word.
	seen := map[int]bool{}
	for _, e := range events {
		if seen[e.Task] {
			continue
		}
		seen[e.Task] = true
		if _, done := st.Completions[e.Task]; e.Action == remindd.Returned && !done {
			st.Returns[e.Task] = e
		}
	}
	st.Obligations = h.engine.Obligations(state, now, rec.Who)
	return st, nil
}

// readCompletions reads rec's completions into st.
func (h *handler) readCompletions(ctx context.Context, rec *recipient, st *standing) error {
	cs, err := h.Store.CompletionsOf(ctx, h.Plan.ID, rec.Who)
	if err != nil {
		return fmt.Errorf("completions of %s: %w", rec.Who, err)
	}
	st.Completions = make(map[int]remindd.Completion, len(cs))
	for _, c := range cs {
		st.Completions[c.Task] = c
	}
	return nil
}

// stateOf is the state the rules need to say what rec owes, with nothing
// done: for an enterprise, its record.
func (h *handler) stateOf(rec *recipient) *remindd.State {
	state := &remindd.State{}
	if rec.Enterprise != nil {
		state.Enterprises = []remindd.Enterprise{*rec.Enterprise}
	}
	return state
}

// owed returns rec's obligation of task n, if it owes it.
func (st *standing) owed(n int) (schedule.Obligation, bool) {
	i := slices.IndexFunc(st.Obligations, func(o schedule.Obligation) bool { return o.Task.N == n })
	if i < 0 {
		return schedule.Obligation{}, false
	}
	return st.Obligations[i], true
}

// item is an open obligation as the page shows it.
type item struct {
	N int
	// ID is N in decimal: the form's value and the ids' suffix.
	ID     string
	Text   string
	Due    string
	Colour string
	Badge  string
	// Returned is the office's return of the task's last report, if any.
	Returned *returned
	// By is who the report form names when left blank.
	By string
	// Card is the item drawn (cards.go), Check its line in a checklist of
	// items.
	Card, Check template.HTML
}

type returned struct {
	Reason, By, At string
}

// doneItem is a completion as the page shows it.
type doneItem struct {
	N                int
	Text             string
	Reported         bool // awaiting the office's 销号
	DoneAt, By, Note string
	Source           string
	// Head is the card's number, state and text, drawn (cards.go).
	Head template.HTML
}

// group is the overdue items of one deadline.
type group struct {
	Due    string
	Badge  string
	Colour string
	Items  []item
}

// openGroups is how many overdue items at most the page shows unfolded.
const openGroups = 6

// recipientView is the recipient page's data.
type recipientView struct {
	Name    string
	Kind    string // 科室 or 企业
	Today   string
	Overdue []item
	// Groups are the overdue items by deadline, the oldest first; Open
	// unfolds them, when there are few.
	Groups  []group
	Open    bool
	Current []item
	// Later are the items not due soon: a checklist of one form, but
	// for those returned by the office (LaterReturned of them), each a
	// card with the reason.
	Later         []item
	LaterReturned int
	Reported      []doneItem
	Done          []doneItem
	Returned      int
	// CurrentDue is this month's deadline: Current are the items due by
	// then or within the lead window.
	CurrentDue string
	// Supervisors are the sections of an enterprise's sector, with their
	// phones.
	Supervisors []Contact
	Behind      *behindView
	Calendar    string
	By          string // the form's default for by
	Confirm     bool   // reports wait for the office's 销号
	Inactive    bool   // an enterprise no longer in the roster's active list
	// Monthly is a section's "本月已报送" form (monthly.go).
	Monthly *monthlyView
}

// behindView is a section's enterprises with obligations overdue.
type behindView struct {
	// HTML is the view drawn. A page's view has only At and HTML: the
	// rest is filled to draw it, once per summary of the figures.
	HTML   template.HTML
	At     string // when they were counted
	Total  int    // enterprises behind
	Shown  []enterpriseBehind
	More   int // behind but not shown
	ByTask []taskCount
}

type enterpriseBehind struct {
	Name, ID, Sector string
	Overdue          string // the tasks, as 任务1、2、5
	Count            int
	Contact          string
	Mobile           string
}

type taskCount struct {
	N     int
	Text  string
	Count int
}

// dateCN writes a date as 2024年5月31日.
func dateCN(d plan.Date) string { return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day) }

// timeCN writes an instant in the plan's zone as 2024年5月24日 09:00.
func (h *handler) timeCN(t time.Time) string {
	t = t.In(h.Plan.Location)
	return fmt.Sprintf("%s %s", dateCN(plan.DateOf(t)), t.Format("15:04"))
}

// badge says how far a deadline is: 还剩7天, 今天到期, 已逾期24天.
func badge(left int) string {
	switch {
	case left > 0:
		return fmt.Sprintf("还剩 %d 天", left)
	case left == 0:
		return "今天到期"
	}
	return fmt.Sprintf("已逾期 %d 天", -left)
}

// colourName is the CSS class of a colour: grey when it has none.
func colourName(c schedule.Colour) string {
	if c == schedule.None {
		return "grey"
	}
	return string(c)
}

// sourceCN names how a completion came.
func sourceCN(s string) string {
	switch s {
	case remindd.SourceLink:
		return "通过链接报告"
	case remindd.SourceDesk:
		return "工作台登记"
	case remindd.SourceCLI, remindd.SourceImport:
		return "系统登记"
	case remindd.SourceBaseline:
		return "上线时统一登记"
	}
	return ""
}

// recipientView builds the page of rec at now.
func (h *handler) recipientView(ctx context.Context, rec *recipient, st *standing, now time.Time, token string) (*recipientView, error) {
	today := plan.DateOf(now.In(h.Plan.Location))
	v := &recipientView{
		Name:     rec.Name,
		Kind:     "科室",
		Today:    dateCN(today),
		Calendar: "/r/" + token + "/calendar.ics",
		By:       rec.Name,
		Confirm:  h.RequireConfirmation,
	}
	if rec.Enterprise != nil {
		v.Kind = "企业"
		v.Inactive = !rec.Enterprise.Active
		v.Supervisors = h.supervisors(rec.Enterprise)
		if rec.Enterprise.Contact != "" {
			v.By = rec.Enterprise.Contact
		}
	}
	monthEnd := h.Plan.DueDate(int(today.Month))
	if today.Year != h.Plan.Year {
		monthEnd = today
	}
	lead := slices.Max(h.Config.Rules.LeadDays)
	v.CurrentDue = dateCN(monthEnd)
	for _, o := range st.Obligations {
		if o.Done {
			continue
		}
		it := item{N: o.Task.N, ID: strconv.Itoa(o.Task.N), Text: o.Task.TextFor(rec.Enterprise != nil), Due: dateCN(o.Due), Colour: colourName(o.Colour), Badge: badge(o.Left), By: v.By}
		if e, ok := st.Returns[o.Task.N]; ok {
			it.Returned = &returned{Reason: e.Note, By: e.By, At: h.timeCN(e.At)}
			v.Returned++
		}
		later := o.Left >= 0 && monthEnd.Before(o.Due) && o.Left > lead
		var err error
		switch {
		case later && it.Returned != nil:
			it.Card, err = h.card("item", it) // with the office's reason
		case later:
			it.Check, err = h.card("check-due", it)
		case o.Left < 0:
			if it.Card, err = h.card("item", it); err == nil {
				it.Check, err = h.card("check", it)
			}
		default:
			it.Card, err = h.card("item", it)
		}
		if err != nil {
			return nil, fmt.Errorf("task %d: %w", o.Task.N, err)
		}
		switch {
		case o.Left < 0:
			v.Overdue = append(v.Overdue, it)
			if n := len(v.Groups); n == 0 || v.Groups[n-1].Due != it.Due {
				v.Groups = append(v.Groups, group{Due: it.Due, Badge: it.Badge, Colour: it.Colour})
			}
			g := &v.Groups[len(v.Groups)-1]
			g.Items = append(g.Items, it)
		case !monthEnd.Before(o.Due) || o.Left <= lead:
			v.Current = append(v.Current, it)
		default:
			v.Later = append(v.Later, it)
			if it.Returned != nil {
				v.LaterReturned++
			}
		}
	}
	v.Open = len(v.Overdue) <= openGroups
	tasks := make([]int, 0, len(st.Completions))
	for n := range st.Completions {
		tasks = append(tasks, n)
	}
	slices.Sort(tasks)
	for _, n := range tasks {
		c := st.Completions[n]
		d := doneItem{N: n, Reported: c.Status == remindd.StatusReported, DoneAt: h.timeCN(c.DoneAt), By: c.By, Note: c.Note, Source: sourceCN(c.Source)}
		if t, ok := h.Plan.Task(n); ok {
			d.Text = t.TextFor(rec.Enterprise != nil)
		}
		head := item{N: n, ID: strconv.Itoa(n), Text: d.Text, Colour: "green", Badge: "已完成"}
		if d.Reported {
			head.Colour, head.Badge = "blue", "待确认"
		}
		var err error
		if d.Head, err = h.card("done-head", head); err != nil {
			return nil, fmt.Errorf("task %d: %w", n, err)
		}
		if d.Reported {
			v.Reported = append(v.Reported, d)
		} else {
			v.Done = append(v.Done, d)
		}
	}
	if rec.Who.Kind == remindd.KindSection {
		b, err := h.behind(ctx, rec.Who.ID, now)
		if err != nil {
			return nil, err
		}
		v.Behind = b
		if v.Monthly, err = h.monthlyView(ctx, rec.Who.ID, "/r/"+token+"/monthly", now); err != nil {
			return nil, err
		}
		if v.Monthly != nil {
			v.Monthly.By = rec.Name
		}
	}
	return v, nil
}

// supervisors are the sections responsible for an enterprise's sector,
// with the contacts the options give.
func (h *handler) supervisors(e *remindd.Enterprise) []Contact {
	sector, ok := h.Plan.Sector(e.Sector)
	if !ok {
		return nil
	}
	var out []Contact
	for _, id := range sector.Sections {
		c := h.Sections[id]
		if s, ok := h.Plan.Section(id); ok && c.Name == "" {
			c.Name = s.Name
		}
		out = append(out, c)
	}
	return out
}

// behind is which of section's enterprises are behind on which tasks at
// now: the names, the counts and the contacts of the first few.
func (h *handler) behind(ctx context.Context, section string, now time.Time) (*behindView, error) {
	if len(h.Plan.SectorsOf(section)) == 0 {
		return nil, nil
	}
	sum, at, err := h.behindOf(ctx, section, now)
	if err != nil {
		return nil, fmt.Errorf("enterprises behind: %w", err)
	}
	v := &behindView{At: h.timeCN(at)}
	if sum == nil {
		if v.HTML, err = h.drawPart("behind", v); err != nil {
			return nil, err
		}
		return v, nil
	}
	// The rest is the same on every page of the section until the
	// figures are refreshed: drawn once.
	sum.once.Do(func() { sum.html, sum.err = h.drawPart("behind", h.behindShown(sum, *v)) })
	if sum.err != nil {
		return nil, sum.err
	}
	v.HTML = sum.html
	return v, nil
}

// behindShown is v with sum's enterprises and counts.
func (h *handler) behindShown(sum *behindSummary, v behindView) *behindView {
	v.Total, v.ByTask, v.More = sum.Total, sum.ByTask, sum.Total-len(sum.Top)
	for _, b := range sum.Top {
		eb := enterpriseBehind{Name: b.Name, ID: b.ID, Count: len(b.Overdue), Overdue: taskList(b.Overdue)}
		if s, ok := h.Plan.Sector(b.Sector); ok {
			eb.Sector = s.Name
		}
		c := sum.Contacts[b.ID]
		eb.Contact, eb.Mobile = c[0], c[1]
		v.Shown = append(v.Shown, eb)
	}
	return &v
}

// taskList writes task numbers, ascending, as 任务1–3、5.
func taskList(ns []int) string {
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, fmt.Sprint(ns[i]))
		case j == i+1:
			parts = append(parts, fmt.Sprint(ns[i]), fmt.Sprint(ns[j]))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", ns[i], ns[j]))
		}
		i = j + 1
	}
	return "任务" + strings.Join(parts, "、")
}
