package render

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// MarkdownLimit is the most bytes a robot message's markdown may have: WeCom
// refuses longer markdown content.
const MarkdownLimit = 4096

// MarkdownItems is how many tasks or rows a robot message lists before it
// cuts the list short and states the total.
const MarkdownItems = 10

// Template parts: each rule has one template per part, named RULE.PART.tmpl,
// and so has test-send's message (test.PART.tmpl). The common.PART.tmpl
// files hold definitions shared by the templates of that part.
var (
	rules = []remindd.Rule{remindd.Agenda, remindd.Lead, remindd.Overdue,
		remindd.Milestone, remindd.Digest, remindd.Quarterly, remindd.Returns, remindd.Reporting,
		remindd.Daily, remindd.Escalate}
	parts = []string{"subject", "text", "html", "markdown"}
)

// testSet names the templates of test-send's message.
const testSet = "test"

//go:embed templates/*.tmpl
var embedded embed.FS

// Renderer turns notifications into messages with the plan's words.
type Renderer struct {
	plan  *plan.Plan
	sets  map[string]executor // "lead.subject" → its template set
	links Links
	// maxItems is how many items a morning message lists in full.
	maxItems int
	// desk is the web desk's base URL, "" for none: the office's digest
	// points to its pages.
	desk string
}

// DefaultMaxItems is how many items a morning message lists in full unless
// WithMaxItems says otherwise.
const DefaultMaxItems = 10

// WithMaxItems sets how many items a morning message lists in full; the
// rest are counted by kind, with the link to all of them.
func WithMaxItems(n int) Option {
	return func(r *Renderer) {
		if n > 0 {
			r.maxItems = n
		}
	}
}

// Links returns a recipient's personal link, an http or https URL, or ""
// for none.
type Links func(remindd.Recipient) (string, error)

// An Option changes how a Renderer renders.
type Option func(*Renderer)

// WithLinks puts each section's and enterprise's personal link, as links
// returns it, in its messages: on a line of its own in the text, as a
// button in the HTML, at the end of the robots' markdown. Without it (no
// web desk) messages carry no link.
func WithLinks(links Links) Option { return func(r *Renderer) { r.links = links } }

// WithDesk gives the web desk's base URL (web.base_url, no trailing
// slash): the office's digest links its overview and its outbox page, where
// the office sees every enterprise behind and the failures' own errors.
func WithDesk(baseURL string) Option {
	return func(r *Renderer) { r.desk = strings.TrimRight(baseURL, "/") }
}

// executor is a parsed text/template or html/template set.
type executor interface {
	ExecuteTemplate(w *bytes.Buffer, name string, data any) error
	// defines reports whether the set has a template of that name.
	defines(name string) bool
}

type textSet struct{ t *texttemplate.Template }

func (s textSet) ExecuteTemplate(w *bytes.Buffer, name string, data any) error {
	return s.t.ExecuteTemplate(w, name, data)
}

func (s textSet) defines(name string) bool { return s.t.Lookup(name) != nil }

type htmlSet struct{ t *htmltemplate.Template }

func (s htmlSet) ExecuteTemplate(w *bytes.Buffer, name string, data any) error {
	return s.t.ExecuteTemplate(w, name, data)
}

func (s htmlSet) defines(name string) bool { return s.t.Lookup(name) != nil }

// linkTemplate is the template, defined in common.markdown.tmpl, of the line
// that ends a robot message with the recipient's link.
const linkTemplate = "link"

// NewRenderer parses the embedded templates. When overrideDir is not empty,
// a RULE.PART.tmpl or common.PART.tmpl file in it replaces the embedded file
// of that name; any other .tmpl file there is refused, as a misspelt override
// would otherwise be ignored silently, and so is a common.markdown.tmpl that
// does not define the link line.
func NewRenderer(p *plan.Plan, overrideDir string, opts ...Option) (*Renderer, error) {
	sources, err := templateSources(overrideDir)
	if err != nil {
		return nil, err
	}
	r := &Renderer{plan: p, sets: map[string]executor{}, maxItems: DefaultMaxItems}
	for _, o := range opts {
		o(r)
	}
	for _, part := range parts {
		for _, set := range setNames() {
			name := set + "." + part + ".tmpl"
			files := []string{name}
			if _, ok := sources["common."+part+".tmpl"]; ok {
				files = append([]string{"common." + part + ".tmpl"}, files...)
			}
			parsed, err := parseSet(part, name, files, sources)
			if err != nil {
				return nil, err
			}
			if part == "markdown" && set != testSet && !parsed.defines(linkTemplate) {
				return nil, fmt.Errorf("template %s: no {{define %q}}: robot messages end with the recipient's link line it writes; copy it from the embedded common.markdown.tmpl",
					sources["common.markdown.tmpl"].path, linkTemplate)
			}
			r.sets[set+"."+part] = parsed
		}
	}
	return r, nil
}

// setNames are the template sets: one per rule, and test-send's.
func setNames() []string {
	names := make([]string, 0, len(rules)+1)
	for _, r := range rules {
		names = append(names, string(r))
	}
	return append(names, testSet)
}

// source is one template file's text and where it came from.
type source struct {
	path string // shown in errors
	text string
}

func templateSources(overrideDir string) (map[string]source, error) {
	out := map[string]source{}
	entries, err := fs.ReadDir(embedded, "templates")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := embedded.ReadFile("templates/" + e.Name())
		if err != nil {
			return nil, err
		}
		out[e.Name()] = source{path: "templates/" + e.Name() + " (embedded)", text: string(b)}
	}
	if overrideDir == "" {
		return out, nil
	}
	over, err := os.ReadDir(overrideDir)
	if err != nil {
		return nil, fmt.Errorf("template overrides: %w", err)
	}
	for _, e := range over {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".tmpl") {
			continue
		}
		path := filepath.Join(overrideDir, e.Name())
		if _, ok := out[e.Name()]; !ok {
			return nil, fmt.Errorf("template override %s: no template has that name (want RULE.PART.tmpl with RULE one of %s and PART one of %s, or common.PART.tmpl, or test.PART.tmpl for test-send)",
				path, joinRules(), strings.Join(parts, ", "))
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("template override: %w", err)
		}
		out[e.Name()] = source{path: path, text: string(b)}
	}
	return out, nil
}

func joinRules() string {
	names := make([]string, len(rules))
	for i, r := range rules {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

func parseSet(part, name string, files []string, sources map[string]source) (executor, error) {
	if part == "html" {
		t := htmltemplate.New(name).Funcs(htmltemplate.FuncMap(funcs)).Option("missingkey=error")
		for _, f := range files {
			src, tt := sources[f], t
			if f != name {
				tt = t.New(f)
			}
			if _, err := tt.Parse(src.text); err != nil {
				return nil, fmt.Errorf("template %s: %w", src.path, err)
			}
		}
		return htmlSet{t}, nil
	}
	t := texttemplate.New(name).Funcs(texttemplate.FuncMap(funcs)).Option("missingkey=error")
	for _, f := range files {
		src, tt := sources[f], t
		if f != name {
			tt = t.New(f)
		}
		if _, err := tt.Parse(src.text); err != nil {
			return nil, fmt.Errorf("template %s: %w", src.path, err)
		}
	}
	return textSet{t}, nil
}

// Render renders a notification into a message. Names and addresses that
// come from outside (an enterprise list) are made safe for each part: one
// line in the subject and the text, escaped in HTML, inert in markdown.
func (r *Renderer) Render(n remindd.Notification) (Message, error) {
	rule := string(n.Rule)
	if _, ok := r.sets[rule+".subject"]; !ok || rule == testSet {
		return Message{}, fmt.Errorf("render %s: unknown rule %q", n.Key, n.Rule)
	}
	m := Message{Key: n.Key, To: n.Address, Name: OneLine(n.Name)}
	to := n.Recipient
	if n.Rule == remindd.Escalate {
		// A copy to the section's leaders: the section's link is the
		// section's to use.
		to = remindd.Recipient{}
		m.Name = OneLine(n.Name + "分管领导")
	}
	link, err := r.link(to)
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", n.Key, err)
	}
	view := func(esc func(string) string) *view {
		v := r.view(n, esc)
		v.Link = link
		return v
	}

	subject, err := r.execute(rule, "subject", view(OneLine))
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", n.Key, err)
	}
	m.Subject = OneLine(subject)

	text := view(OneLine)
	text.Subject = m.Subject
	if m.Text, err = r.execute(rule, "text", text); err != nil {
		return Message{}, fmt.Errorf("render %s: %w", n.Key, err)
	}
	m.Text = tidy(m.Text) + "\n"
	html := view(OneLine) // html/template escapes
	html.Subject = m.Subject
	if m.HTML, err = r.execute(rule, "html", html); err != nil {
		return Message{}, fmt.Errorf("render %s: %w", n.Key, err)
	}
	md := view(MarkdownText)
	md.Subject = MarkdownText(m.Subject)
	if m.Markdown, err = r.execute(rule, "markdown", md); err != nil {
		return Message{}, fmt.Errorf("render %s: %w", n.Key, err)
	}
	m.Markdown = tidy(m.Markdown)
	if link == "" {
		m.Markdown = FitMarkdown(m.Markdown, MarkdownLimit)
	} else {
		// The link ends the message: what comes before it is shortened
		// to leave it room.
		last, err := r.execute(rule, "markdown", md, linkTemplate)
		if err != nil {
			return Message{}, fmt.Errorf("render %s: %w", n.Key, err)
		}
		last = "\n" + strings.TrimSpace(last)
		m.Markdown = FitMarkdown(m.Markdown, MarkdownLimit-len(last)) + last
	}
	m.Events = r.events(n)
	return m, nil
}

// link is the personal link of a section or an enterprise, "" for the
// office or without links. It is refused unless it is an http or https URL
// in characters that every part shows as they are (a robot's markdown
// link breaks at a space or a parenthesis).
func (r *Renderer) link(to remindd.Recipient) (string, error) {
	if r.links == nil || (to.Kind != remindd.KindSection && to.Kind != remindd.KindEnterprise) {
		return "", nil
	}
	u, err := r.links(to)
	if err != nil || u == "" {
		return "", err
	}
	if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
		return "", fmt.Errorf("link of %s is not an http or https URL", to)
	}
	for _, c := range u {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("-._~/%:[]", c)) {
			return "", fmt.Errorf("link of %s holds %q, which messages cannot show as it is", to, c)
		}
	}
	return u, nil
}

// Test is what test-send's message says: to whom, through which channel,
// when. The message tells its reader that it is a test (【测试】) and asks
// for nothing.
type Test struct {
	To      string    // the address, as in Message.To
	Name    string    // the recipient, as the message addresses them; never a robot's URL
	Channel string    // the configured channel's name
	At      time.Time // when it is sent
}

// RenderTest renders test-send's message from the test templates. Its key
// is unique per channel and instant, so that its Message-ID is too.
func (r *Renderer) RenderTest(t Test) (Message, error) {
	key := fmt.Sprintf("test:%s:%d", t.Channel, t.At.UnixNano())
	m := Message{Key: key, To: t.To, Name: OneLine(t.Name)}
	data := func(esc func(string) string) *view {
		p := r.plan
		return &view{
			Rule:     testSet,
			Name:     esc(t.Name),
			Document: documentView{esc(p.Document.Number), esc(p.Document.Title), esc(p.Document.Issuer)},
			Limit:    MarkdownItems,
			Channel:  esc(t.Channel),
			Sent:     t.At.In(r.location()).Format("2006-01-02 15:04"),
		}
	}
	subject, err := r.execute(testSet, "subject", data(OneLine))
	if err != nil {
		return Message{}, fmt.Errorf("render %s: %w", key, err)
	}
	m.Subject = OneLine(subject)
	text, html, md := data(OneLine), data(OneLine), data(MarkdownText)
	text.Subject, html.Subject, md.Subject = m.Subject, m.Subject, MarkdownText(m.Subject)
	if m.Text, err = r.execute(testSet, "text", text); err != nil {
		return Message{}, fmt.Errorf("render %s: %w", key, err)
	}
	m.Text = tidy(m.Text) + "\n"
	if m.HTML, err = r.execute(testSet, "html", html); err != nil {
		return Message{}, fmt.Errorf("render %s: %w", key, err)
	}
	if m.Markdown, err = r.execute(testSet, "markdown", md); err != nil {
		return Message{}, fmt.Errorf("render %s: %w", key, err)
	}
	m.Markdown = FitMarkdown(tidy(m.Markdown), MarkdownLimit)
	return m, nil
}

// execute runs the rule's template of part, or the template of that name
// its set defines.
func (r *Renderer) execute(rule, part string, data *view, name ...string) (string, error) {
	tmpl := rule + "." + part + ".tmpl"
	if len(name) > 0 {
		tmpl = name[0]
	}
	var b bytes.Buffer
	if err := r.sets[rule+"."+part].ExecuteTemplate(&b, tmpl, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

// tidy trims trailing spaces from lines, keeps at most one blank line in a
// row and drops blank lines at the ends, so templates need not be careful
// with white space.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := true // at the start, drop blank lines
	for _, l := range lines {
		l = strings.TrimRight(l, " \t\r")
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimRight(strings.Join(out, "\n"), "\n")
}

// markdownCut ends a markdown message that had to be shortened; when the
// cut lines hold items, markdownMore says how many instead.
const (
	markdownCut  = "\n……内容较长，详见邮件或系统"
	markdownMore = "\n……另有%d项未列出，详见邮件或系统"
)

// FitMarkdown shortens markdown to at most limit bytes, cutting at a line
// break where it can, so that a list is cut between items, and saying that
// it did: how many items were left out when the lines cut are list items
// ("- …" or "3. …").
func FitMarkdown(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	room := max(len(markdownCut), len(fmt.Sprintf(markdownMore, 99999)))
	keep := limit - room
	if keep <= 0 {
		return truncateBytes(s, limit)
	}
	cut := truncateBytes(s, keep)
	if i := strings.LastIndexByte(cut, '\n'); i > 0 {
		cut = cut[:i]
	}
	if n := countItems(s[len(cut):]); n > 0 {
		return cut + fmt.Sprintf(markdownMore, n)
	}
	return cut + markdownCut
}

// countItems counts the lines of markdown that are list items.
func countItems(s string) int {
	n := 0
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "- ") {
			n++
			continue
		}
		if i := strings.Index(line, ". "); i > 0 && strings.Trim(line[:i], "0123456789") == "" {
			n++
		}
	}
	return n
}

// truncateBytes cuts s to at most n bytes without splitting a character.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// OneLine makes untrusted text safe for a header or a line of text: valid
// UTF-8, control characters and line separators turned into spaces, trimmed.
func OneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || r == '\u0085' {
			return ' '
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

// MarkdownText makes text inert in robot markdown: on one line, with the
// characters markdown (and the HTML the robots accept) reacts to replaced by
// their full-width forms, which read naturally in Chinese text.
func MarkdownText(s string) string {
	return markdownReplacer.Replace(OneLine(s))
}

var markdownReplacer = strings.NewReplacer(
	"*", "＊", "_", "＿", "`", "｀", "[", "［", "]", "］", "<", "＜", ">", "＞",
	"#", "＃", "~", "～", "|", "｜", "\\", "＼", "&", "＆", "!", "！",
)

// view is what the templates see. Every string taken from the notification
// has passed through the part's escaping function.
type view struct {
	Subject    string
	Rule       string
	Name       string
	Enterprise bool // the recipient is an enterprise
	Office     bool // the recipient is the office
	Document   documentView
	Period     string // 2024年6月, 2024年第二季度
	Month      string // 6月
	Count      int
	Items      []itemView
	Overdue    []itemView
	// OverdueTasks are the overdue items' task numbers.
	OverdueTasks []int
	Upcoming     []itemView
	Groups       []groupView // items by deadline, earliest first
	// OverdueGroups and UpcomingGroups split Groups at today.
	OverdueGroups  []groupView
	UpcomingGroups []groupView
	Milestones     []progressView
	Digest         *digestView
	// Returned are the reports the office sent back that a returned
	// message tells of, each with its task.
	Returned []returnView
	// Daily is a morning message's items under their headings.
	Daily *dailyView
	// Supervisors are the sections an enterprise reports to.
	Supervisors []supervisorView
	Limit       int // how many rows a robot message lists
	// Channel and Sent are the test message's: the channel's name and
	// when it was sent (2024-05-24 09:00).
	Channel string
	Sent    string
	// Link is the recipient's personal link, "" for none (the office, no
	// web desk, test-send). It is a URL in characters every part shows
	// as they are: it is not escaped for markdown.
	Link string
}

type documentView struct{ Number, Title, Issuer string }

type itemView struct {
	Task int
	// Text is what to do: the task's text, or, to an enterprise, what the
	// enterprise itself must do. Short is the task's title in a few words.
	Text     string
	Short    string
	Due      string // 2024年5月31日
	DueShort string // 5月31日
	Left     string // 还剩7天, 今天到期, 已逾期12天
	DaysLeft int
	Overdue  bool
}

// dailyView is a morning message: its items under the headings 被退回,
// 已逾期, 即将到期 and 目标进度, at most the renderer's maxItems in all, and
// what was left out, counted by kind.
type dailyView struct {
	Returned   []returnView
	Overdue    []itemView
	Upcoming   []itemView
	Milestones []progressView
	// Total counts every item; Rest says what is not listed, as
	// 另有3项已逾期、2项即将到期; "" when everything is.
	Total int
	Rest  string
	// Summary is the subject's tally: 2项即将到期、3项已逾期.
	Summary string
	// Reports are the month's reports due (月度报送), with their notes,
	// on the month's last working day; Month names the month.
	Reports []reportRow
	Notes   []string
	Month   string
}

// supervisorView is a section an enterprise reports to, as the enterprise
// reads it.
type supervisorView struct {
	Name    string
	Phone   string
	Contact string
}

type groupView struct {
	Due      string
	DueShort string
	Left     string
	DaysLeft int
	Overdue  bool
	Items    []itemView
}

// returnView is a report the office sent back (退办): which task, why, by
// whom and when.
type returnView struct {
	Item   itemView
	Reason string
	By     string // who at the office returned it, "" when not known
	Office string // the office's name, 局办公室
	At     string // 2024年6月2日
}

type progressView struct {
	Task        int
	Sector      string // the sector's full name
	SectorShort string // before its parenthesised note
	Metric      string
	Unit        string
	Percent     int
	Target      int
	Required    int
	Achieved    int
	Gap         int
	Met         bool
	Due         string
	DueShort    string
	Month       string // 5月
	Left        string
}

type digestView struct {
	Month        string // 5月: the month reported on
	MonthLong    string // 2024年5月
	Today        string // 2024年6月2日
	Sections     []sectionRow
	OverdueTotal int // overdue obligations of sections, summed
	// RedTotal counts the sections' red items (overdue long enough to
	// escalate, 催办).
	RedTotal    int
	Lagging     []progressView
	Enterprises []sectorRow
	Failed      []failedRow
	// Causes are the failures by cause, the most frequent first.
	Causes  []causeRow
	Reports []reportRow
	// Notes are the reports' notes, each once.
	Notes []string
	// Unreported names the sections that have not marked the month's
	// report sent (、-joined), "" when all have; Reported says whether the
	// body knew of reports at all.
	Unreported string
	// Forms names the month's forms the e-mail attaches (附件4-2024-05.xlsx、
	// 附件5-2024-05.xlsx), "" when it attaches none; FormsFailed says they
	// could not be made. FiguresMissing names the sections without figures
	// for the month (、-joined).
	Forms          string
	FormsFailed    bool
	FiguresMissing string
	// Desk is the desk overview's URL, Outbox its outbox page's; "" without
	// a desk.
	Desk, Outbox string
	// Monthly is the desk's page of the month's reports, figures and forms.
	Monthly string
}

type sectionRow struct {
	Name  string
	Count int
	Tasks string // 1–43、45
	// Items are the overdue tasks with short titles, the red ones marked.
	Items []taskRow
	// Red counts the red items; RedTasks lists them (1–3、7).
	Red      int
	RedTasks string
}

// taskRow is a task as a list names it: its number and short title.
type taskRow struct {
	N     int
	Short string
	Red   bool
}

type sectorRow struct {
	Name        string
	Short       string
	Overdue     int
	Enterprises int
	// Listed are the first enterprises behind by name; Hidden counts the
	// others (on the desk).
	Listed []behindRow
	Hidden int
}

// behindRow is an enterprise behind: its name and overdue tasks.
type behindRow struct {
	Name  string
	Tasks string
	Count int
	Red   bool
}

// causeRow is the failures of one cause: how many, to whom.
type causeRow struct {
	Cause string // 邮箱服务器拒绝连接
	Count int
	Names string // 行业管理科、晋江某某旅行社
}

// failedRow is a failed delivery as the office reads it: what, to whom,
// through which channel, and why in Chinese (Explain); never the error's
// own text, which is for the operator.
type failedRow struct {
	Key       string
	Rule      string // 到期提醒
	Recipient string
	Channel   string
	Reason    string // 机器人密钥无效（地址有误或机器人已被移除）
	// Error is Reason, for templates written when the digest showed the
	// error's text.
	Error string
}

type reportRow struct {
	Name     string
	To       string
	Due      string
	DueShort string
	Text     string
	// By is who hands it in, "" for the reader.
	By string
}

func (r *Renderer) view(n remindd.Notification, esc func(string) string) *view {
	p := r.plan
	v := &view{
		Rule:       string(n.Rule),
		Name:       esc(n.Name),
		Enterprise: n.Recipient.Kind == remindd.KindEnterprise,
		Office:     n.Recipient.Kind == remindd.KindOffice,
		Document:   documentView{esc(p.Document.Number), esc(p.Document.Title), esc(p.Document.Issuer)},
		Limit:      MarkdownItems,
	}
	v.Period, v.Month = periodLabels(n.Period)
	if v.Period == "" {
		v.Month = fmt.Sprintf("%d月", n.At.In(r.location()).Month())
	}
	for _, it := range n.Items(p) {
		iv := r.item(it, v.Enterprise, esc)
		v.Items = append(v.Items, iv)
		if it.Overdue {
			v.Overdue = append(v.Overdue, iv)
			v.OverdueTasks = append(v.OverdueTasks, it.Task)
		} else {
			v.Upcoming = append(v.Upcoming, iv)
		}
	}
	v.Groups, v.OverdueGroups, v.UpcomingGroups = groups(v.Items), groups(v.Overdue), groups(v.Upcoming)
	today := plan.DateOf(n.At.In(r.location()))
	for _, ret := range n.Returned {
		rv := returnView{Reason: esc(ret.Reason), By: esc(ret.By), Office: esc(r.officeName()),
			At: longDate(plan.DateOf(ret.At.In(r.location())))}
		if t, ok := p.Task(ret.Task); ok {
			due := p.DueDate(t.Month)
			it := remindd.Item{Task: t.N, Text: t.Text, Short: t.Short, Due: due, DaysLeft: today.DaysUntil(due)}
			if t.Enterprises != nil {
				it.Action = t.Enterprises.Action
			}
			it.Overdue = it.DaysLeft < 0
			rv.Item = r.item(it, v.Enterprise, esc)
		}
		v.Returned = append(v.Returned, rv)
	}
	v.Count = len(v.Items)
	for _, m := range n.Milestones {
		v.Milestones = append(v.Milestones, r.progress(m, today, esc))
	}
	for _, s := range n.Supervisors {
		v.Supervisors = append(v.Supervisors, supervisorView{Name: esc(s.Name), Phone: esc(s.Phone), Contact: esc(s.Contact)})
	}
	if d := n.Digest; d != nil {
		v.Digest = r.digest(d, today, esc)
	}
	if n.Rule == remindd.Daily {
		v.Daily = r.daily(v)
	}
	return v
}

// item is a task as a message lists it: to an enterprise, the
// enterprise's own action when the plan gives one.
func (r *Renderer) item(it remindd.Item, enterprise bool, esc func(string) string) itemView {
	text := it.Text
	if enterprise && it.Action != "" {
		text = it.Action
	}
	short := it.Short
	if short == "" {
		short = shortText(text, 16)
	}
	return itemView{
		Task: it.Task, Text: esc(text), Short: esc(short), Due: longDate(it.Due), DueShort: shortDate(it.Due),
		Left: daysLeft(it.DaysLeft), DaysLeft: it.DaysLeft, Overdue: it.Overdue,
	}
}

// shortText is s cut to at most n characters, with an ellipsis when cut.
func shortText(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n-1]) + "…"
}

// daily sorts a morning message's items under their headings and keeps at
// most maxItems of them, taking from each heading in turn, so that every
// kind shows; the rest are counted.
func (r *Renderer) daily(v *view) *dailyView {
	d := &dailyView{}
	budget := r.maxItems
	if budget <= 0 {
		budget = DefaultMaxItems
	}
	lists := []int{len(v.Returned), len(v.Overdue), len(v.Upcoming), len(v.Milestones)}
	take := make([]int, len(lists))
	for left := budget; left > 0; {
		moved := false
		for i := range lists {
			if left > 0 && take[i] < lists[i] {
				take[i]++
				left--
				moved = true
			}
		}
		if !moved {
			break
		}
	}
	d.Returned, d.Overdue, d.Upcoming, d.Milestones = v.Returned[:take[0]], v.Overdue[:take[1]], v.Upcoming[:take[2]], v.Milestones[:take[3]]
	if v.Digest != nil {
		// The month's reports (the reporting rule's part) are always
		// listed: they are few.
		d.Reports, d.Notes = v.Digest.Reports, v.Digest.Notes
		d.Month = v.Digest.MonthLong
	}
	kinds := []string{"被退回", "已逾期", "即将到期", "目标进度未达标"}
	var rest, summary []string
	for i, n := range lists {
		d.Total += n
		if n > 0 {
			summary = append(summary, fmt.Sprintf("%d项%s", n, kinds[i]))
		}
		if n > take[i] {
			rest = append(rest, fmt.Sprintf("%d项%s", n-take[i], kinds[i]))
		}
	}
	if len(d.Reports) > 0 {
		summary = append([]string{"本月工作报送"}, summary...)
	}
	d.Summary = strings.Join(summary, "、")
	if len(rest) > 0 {
		d.Rest = "另有" + strings.Join(rest, "、")
	}
	return d
}

// digest is the view of a digest body (or of the reports an agenda or a
// reporting reminder carries).
func (r *Renderer) digest(d *remindd.DigestBody, today plan.Date, esc func(string) string) *digestView {
	dv := &digestView{Today: longDate(today)}
	dv.MonthLong, dv.Month = periodLabels(d.Month)
	for _, s := range d.Sections {
		row := sectionRow{Name: esc(s.Name), Count: len(s.Overdue), Tasks: taskRanges(s.Overdue),
			Red: len(s.Red), RedTasks: taskRanges(s.Red)}
		for _, n := range s.Overdue {
			row.Items = append(row.Items, taskRow{N: n, Short: esc(r.shortTitle(n)), Red: slices.Contains(s.Red, n)})
		}
		dv.Sections = append(dv.Sections, row)
		dv.OverdueTotal += len(s.Overdue)
		dv.RedTotal += len(s.Red)
	}
	for _, m := range d.Lagging {
		dv.Lagging = append(dv.Lagging, r.progress(m, today, esc))
	}
	for _, s := range d.Enterprises {
		row := sectorRow{Name: esc(s.Name), Short: esc(shortName(s.Name)),
			Overdue: s.Overdue, Enterprises: s.Enterprises, Hidden: max(0, s.Overdue-len(s.Listed))}
		for _, e := range s.Listed {
			row.Listed = append(row.Listed, behindRow{Name: esc(OneLine(e.Name)), Tasks: taskRanges(e.Overdue), Count: len(e.Overdue), Red: e.Red})
		}
		dv.Enterprises = append(dv.Enterprises, row)
	}
	causes := map[string]int{}
	for _, f := range d.Failed {
		who := f.Name
		if who == "" {
			who = r.recipientName(f.Recipient)
		}
		dv.Failed = append(dv.Failed, failedRow{Key: esc(f.Key), Rule: RuleName(f.Rule),
			Recipient: esc(OneLine(who)), Channel: esc(f.Channel), Reason: esc(Explain(f.LastError)), Error: esc(Explain(f.LastError))})
		c := Cause(f.LastError)
		i, ok := causes[c]
		if !ok {
			i = len(dv.Causes)
			causes[c] = i
			dv.Causes = append(dv.Causes, causeRow{Cause: c})
		}
		dv.Causes[i].Count++
		if names := dv.Causes[i].Names; !strings.Contains("、"+names+"、", "、"+esc(OneLine(who))+"、") {
			if names != "" {
				names += "、"
			}
			dv.Causes[i].Names = names + esc(OneLine(who))
		}
	}
	slices.SortStableFunc(dv.Causes, func(a, b causeRow) int { return b.Count - a.Count })
	for _, rep := range d.Reports {
		dv.Reports = append(dv.Reports, reportRow{Name: esc(rep.Name), To: esc(rep.To), By: esc(rep.By),
			Due: longDate(rep.Due), DueShort: shortDate(rep.Due), Text: esc(rep.Text)})
		if rep.Note != "" && !slices.Contains(dv.Notes, esc(rep.Note)) {
			dv.Notes = append(dv.Notes, esc(rep.Note))
		}
	}
	var un []string
	for _, u := range d.Unreported {
		un = append(un, esc(u.Name))
	}
	dv.Unreported = strings.Join(un, "、")
	var forms, missing []string
	for _, f := range d.Forms {
		forms = append(forms, esc(OneLine(f)))
	}
	for _, m := range d.FiguresMissing {
		missing = append(missing, esc(m.Name))
	}
	dv.Forms, dv.FormsFailed, dv.FiguresMissing = strings.Join(forms, "、"), d.FormsFailed, strings.Join(missing, "、")
	if r.desk != "" {
		dv.Desk, dv.Outbox = r.desk+"/desk", r.desk+"/desk/outbox"
		dv.Monthly = r.desk + "/desk/monthly?month=" + d.Month
	}
	return dv
}

// shortTitle is task n's short title: the plan's, or else the start of its
// text, to its first pause and at most shortRunes characters.
func (r *Renderer) shortTitle(n int) string {
	t, ok := r.plan.Task(n)
	if !ok {
		return ""
	}
	if t.Short != "" {
		return t.Short
	}
	s := strings.TrimSpace(t.Text)
	if i := strings.IndexAny(s, "，。；：,;"); i > 0 {
		s = s[:i]
	}
	if rs := []rune(s); len(rs) > shortRunes {
		s = string(rs[:shortRunes]) + "…"
	}
	return s
}

// shortRunes bounds a short title made from a task's text.
const shortRunes = 18

// groups gathers items by deadline, earliest first, keeping their order
// within a deadline.
func groups(items []itemView) []groupView {
	var out []groupView
	index := map[string]int{}
	for _, it := range items {
		if i, ok := index[it.Due]; ok {
			out[i].Items = append(out[i].Items, it)
			continue
		}
		index[it.Due] = len(out)
		out = append(out, groupView{Due: it.Due, DueShort: it.DueShort, Left: it.Left,
			DaysLeft: it.DaysLeft, Overdue: it.Overdue, Items: []itemView{it}})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DaysLeft < out[j].DaysLeft })
	return out
}

func (r *Renderer) location() *time.Location {
	if r.plan.Location != nil {
		return r.plan.Location
	}
	return time.UTC
}

func (r *Renderer) progress(m remindd.Progress, today plan.Date, esc func(string) string) progressView {
	unit := ""
	if met, ok := r.plan.Metric(m.Metric); ok {
		unit = met.Unit
	}
	return progressView{
		Task: m.Task, Sector: esc(m.SectorName), SectorShort: esc(shortName(m.SectorName)),
		Metric: esc(m.MetricName), Unit: esc(unit), Percent: m.Percent, Target: m.Target,
		Required: m.Required, Achieved: m.Achieved, Gap: m.Gap(), Met: m.Met(),
		Due: longDate(m.Due), DueShort: shortDate(m.Due), Month: fmt.Sprintf("%d月", m.Due.Month),
		Left: daysLeft(today.DaysUntil(m.Due)),
	}
}

// recipientName names a recipient as people know it: a section's or the
// office's name from the plan, or the kind and id.
func (r *Renderer) recipientName(rc remindd.Recipient) string {
	switch rc.Kind {
	case remindd.KindSection:
		if s, ok := r.plan.Section(rc.ID); ok {
			return s.Name
		}
	case remindd.KindOffice:
		if r.plan.Office.Name != "" {
			return r.plan.Office.Name
		}
	case remindd.KindEnterprise:
		return "企业 " + rc.ID
	}
	return rc.String()
}

// officeName is the office's name from the plan, 局办公室 when it has none.
func (r *Renderer) officeName() string {
	if r.plan.Office.Name != "" {
		return r.plan.Office.Name
	}
	return "局办公室"
}

var ruleNames = map[remindd.Rule]string{
	remindd.Agenda: "月度工作安排", remindd.Lead: "到期提醒", remindd.Overdue: "逾期提醒",
	remindd.Milestone: "目标进度预警", remindd.Digest: "逾期情况汇总", remindd.Quarterly: "季度工作事项",
	remindd.Returns: "退办通知", remindd.Reporting: "月度报送提醒", remindd.Daily: "每日工作提醒", remindd.Escalate: "催办通知",
}

// RuleName is what a rule's messages are called, as the office reads it:
// 到期提醒, 逾期情况汇总; an unknown rule is its id.
func RuleName(r remindd.Rule) string {
	if s, ok := ruleNames[r]; ok {
		return s
	}
	return string(r)
}

// periodLabels reads a period such as 2024-06 or 2024-Q2 as Chinese labels:
// long (2024年6月, 2024年第二季度) and short (6月, 第二季度).
func periodLabels(period string) (long, short string) {
	y, rest, ok := strings.Cut(period, "-")
	if !ok {
		return "", ""
	}
	if q, ok := strings.CutPrefix(rest, "Q"); ok {
		n, err := strconv.Atoi(q)
		if err != nil || n < 1 || n > 4 {
			return "", ""
		}
		name := "第" + []string{"一", "二", "三", "四"}[n-1] + "季度"
		return y + "年" + name, name
	}
	m, err := strconv.Atoi(rest)
	if err != nil {
		return "", ""
	}
	return fmt.Sprintf("%s年%d月", y, m), fmt.Sprintf("%d月", m)
}

func longDate(d plan.Date) string  { return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day) }
func shortDate(d plan.Date) string { return fmt.Sprintf("%d月%d日", d.Month, d.Day) }

// daysLeft says how far a deadline is: 还剩7天, 今天到期 or 已逾期12天.
func daysLeft(n int) string {
	switch {
	case n > 0:
		return fmt.Sprintf("还剩%d天", n)
	case n == 0:
		return "今天到期"
	default:
		return fmt.Sprintf("已逾期%d天", -n)
	}
}

// shortName is a sector's name without its parenthesised note:
// 旅游行业（含旅行社、星级饭店<酒店>） → 旅游行业.
func shortName(s string) string {
	for _, open := range []string{"（", "("} {
		if i := strings.Index(s, open); i > 0 {
			return s[:i]
		}
	}
	return s
}

// taskRanges writes ascending task numbers compactly: 1–43、45、47–48.
func taskRanges(ns []int) string {
	ns = append([]int(nil), ns...)
	sort.Ints(ns)
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, strconv.Itoa(ns[i]))
		default:
			parts = append(parts, fmt.Sprintf("%d–%d", ns[i], ns[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, "、")
}

// funcs are the helpers templates may call.
var funcs = map[string]any{
	// first returns at most n elements of a list.
	"first": func(n int, list any) (any, error) {
		v := reflect.ValueOf(list)
		if v.Kind() != reflect.Slice {
			return nil, fmt.Errorf("first: %T is not a list", list)
		}
		if v.Len() > n {
			v = v.Slice(0, n)
		}
		return v.Interface(), nil
	},
	// more is how many elements of a list first n leaves out.
	"more": func(n int, list any) (int, error) {
		v := reflect.ValueOf(list)
		if v.Kind() != reflect.Slice {
			return 0, fmt.Errorf("more: %T is not a list", list)
		}
		return max(v.Len()-n, 0), nil
	},
	// short cuts text to n characters, ending it with … when cut.
	"short": func(n int, s string) string {
		if utf8.RuneCountInString(s) <= n {
			return s
		}
		rs := []rune(s)
		return string(rs[:n]) + "…"
	},
	"inc": func(i int) int { return i + 1 },
	// dict builds a map from key, value pairs, to hand a sub-template
	// more than one value.
	"dict": func(kv ...any) (map[string]any, error) {
		if len(kv)%2 != 0 {
			return nil, fmt.Errorf("dict: odd number of arguments")
		}
		m := make(map[string]any, len(kv)/2)
		for i := 0; i < len(kv); i += 2 {
			k, ok := kv[i].(string)
			if !ok {
				return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
			}
			m[k] = kv[i+1]
		}
		return m, nil
	},
	"ranges": taskRanges,
	// cn writes 1–10 as Chinese numerals (一…十), for headings.
	"cn": func(i int) string {
		ds := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
		if i >= 0 && i < len(ds) {
			return ds[i]
		}
		return strconv.Itoa(i)
	},
}

// events are the message's deadlines as all-day calendar events: one per
// distinct deadline among its items, or among its milestones.
func (r *Renderer) events(n remindd.Notification) []Event {
	// A returned message's one task would overwrite the calendar entry of
	// its deadline, which lists every task due that day.
	if n.Rule == remindd.Digest || n.Rule == remindd.Returns || n.Rule == remindd.Escalate {
		return nil
	}
	p := r.plan
	type day struct {
		date   plan.Date
		lines  []string
		tasks  []int
		titles []string
		what   []string
	}
	var days []*day
	find := func(d plan.Date) *day {
		for _, x := range days {
			if x.date == d {
				return x
			}
		}
		x := &day{date: d}
		days = append(days, x)
		return x
	}
	enterprise := n.Recipient.Kind == remindd.KindEnterprise
	for _, it := range n.Items(r.plan) {
		d := find(it.Due)
		iv := r.item(it, enterprise, OneLine)
		d.tasks = append(d.tasks, it.Task)
		d.titles = append(d.titles, iv.Short)
		d.lines = append(d.lines, fmt.Sprintf("任务%d：%s", it.Task, iv.Text))
	}
	for _, m := range n.Milestones {
		d := find(m.Due)
		unit := ""
		if met, ok := p.Metric(m.Metric); ok {
			unit = met.Unit
		}
		d.what = append(d.what, fmt.Sprintf("%s%s", shortName(m.SectorName), m.MetricName))
		d.lines = append(d.lines, fmt.Sprintf("任务%d %s %s：应完成%d%s（全年目标%d%s的%d%%），已完成%d%s，差%d%s",
			m.Task, shortName(m.SectorName), m.MetricName, m.Required, unit, m.Target, unit, m.Percent,
			m.Achieved, unit, m.Gap(), unit))
	}
	sort.Slice(days, func(i, j int) bool { return days[i].date.Before(days[j].date) })
	doc := p.Document.Number
	source := fmt.Sprintf("依据：《%s》（%s）。", p.Document.Title, p.Document.Number)
	out := make([]Event, 0, len(days))
	for _, d := range days {
		var summary string
		switch {
		case len(d.tasks) == 1:
			summary = fmt.Sprintf("%s 到期：任务%d %s", doc, d.tasks[0], d.titles[0])
		case len(d.tasks) > 1:
			summary = fmt.Sprintf("%s 到期：任务%d %s等%d项", doc, d.tasks[0], d.titles[0], len(d.tasks))
		default:
			summary = fmt.Sprintf("%s 目标进度节点：%s", doc, strings.Join(d.what, "、"))
		}
		out = append(out, Event{
			UID:         eventUID(n.Recipient.String()+":"+n.Channel, d.date),
			Date:        d.date,
			Summary:     summary,
			Description: strings.Join(append(d.lines, source), "\n"),
		})
	}
	return out
}

// eventUID is stable for a recipient, channel and deadline, so the 7-, 3-,
// 1- and 0-day reminders and the overdue repeats of one deadline update one
// calendar entry instead of adding four.
func eventUID(who string, d plan.Date) string {
	sum := sha256.Sum256([]byte(who + "\x00" + d.String()))
	return hex.EncodeToString(sum[:16]) + "@remindd"
}
