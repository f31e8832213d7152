package web

import (
	"html/template"
	"strings"
	"sync"
)

// An open item's card (its text, deadline, badge and report form) is the
// same on every page that shows it on a day, but for the form's default
// reporter, the recipient's own name: executing the "item" template for
// each card of each page was half the CPU of a recipient page. The cards
// are drawn by the template once per look and kept as the HTML before and
// after that name, which each page splices in, escaped as the template
// escapes it.

// byMark stands for the reporter's name in a card drawn for the cache: a
// private-use character no task text or date holds.
const byMark = "\uE000"

// maxCards bounds the cards kept: the plan's tasks at a few stages each.
// Past it (the badges change daily) the cache starts again.
const maxCards = 4096

// cardKey is the template a card is drawn with and everything it shows
// but the reporter's name.
type cardKey struct {
	Template                 string
	N                        int
	Text, Due, Colour, Badge string
}

// drawn is a card kept: the HTML before the reporter's name and after it,
// or all of it when it shows no name.
type drawn struct {
	before, after string
	named         bool
}

type cardCache struct {
	mu sync.Mutex
	m  map[cardKey]drawn
}

// attrEscaper escapes as html/template does a value in a quoted attribute
// or in text (its htmlReplacementTable).
var attrEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// card draws it with the recipient page's template name ("item", or a
// checklist's line, "check" or "check-due"). An item returned by the
// office (its reason is the recipient's own) is drawn each time.
func (h *handler) card(name string, it item) (template.HTML, error) {
	if it.Returned != nil {
		return h.drawCard(name, it)
	}
	k := cardKey{Template: name, N: it.N, Text: it.Text, Due: it.Due, Colour: it.Colour, Badge: it.Badge}
	c := &h.cards
	c.mu.Lock()
	d, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		marked := it
		marked.By = byMark
		html, err := h.drawCard(name, marked)
		if err != nil {
			return "", err
		}
		before, after, found := strings.Cut(string(html), byMark)
		if strings.Contains(after, byMark) || strings.Contains(it.Text+it.Due+it.Badge, byMark) {
			return h.drawCard(name, it) // the mark is not only where the name goes
		}
		d = drawn{before: before, after: after, named: found}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxCards {
			c.m = map[cardKey]drawn{}
		}
		c.m[k] = d
		c.mu.Unlock()
	}
	if !d.named {
		return template.HTML(d.before), nil
	}
	return template.HTML(d.before + attrEscaper.Replace(it.By) + d.after), nil
}

// drawCard executes the recipient page's template name for it.
func (h *handler) drawCard(name string, it item) (template.HTML, error) {
	return h.drawPart(name, it)
}

// drawPart executes the recipient page's template name for data.
func (h *handler) drawPart(name string, data any) (template.HTML, error) {
	var b strings.Builder
	if err := h.pages["recipient"].ExecuteTemplate(&b, name, data); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
