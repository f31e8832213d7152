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

// cardKey is everything a card shows but the reporter's name.
type cardKey struct {
	N                        int
	Text, Due, Colour, Badge string
}

type cardCache struct {
	mu sync.Mutex
	m  map[cardKey][2]string
}

// attrEscaper escapes as html/template does a value in a quoted attribute
// or in text (its htmlReplacementTable).
var attrEscaper = strings.NewReplacer("\x00", "\uFFFD", `"`, "&#34;", "&", "&amp;", "'", "&#39;", "+", "&#43;", "<", "&lt;", ">", "&gt;")

// card draws it's card. An item returned by the office (its reason is the
// recipient's own) is drawn by the template each time.
func (h *handler) card(it item) (template.HTML, error) {
	if it.Returned != nil {
		return h.drawCard(it)
	}
	k := cardKey{N: it.N, Text: it.Text, Due: it.Due, Colour: it.Colour, Badge: it.Badge}
	c := &h.cards
	c.mu.Lock()
	parts, ok := c.m[k]
	c.mu.Unlock()
	if !ok {
		marked := it
		marked.By = byMark
		html, err := h.drawCard(marked)
		if err != nil {
			return "", err
		}
		before, after, found := strings.Cut(string(html), byMark)
		if !found || strings.Contains(after, byMark) {
			return h.drawCard(it) // the mark is not where the name goes
		}
		parts = [2]string{before, after}
		c.mu.Lock()
		if c.m == nil || len(c.m) >= maxCards {
			c.m = map[cardKey][2]string{}
		}
		c.m[k] = parts
		c.mu.Unlock()
	}
	return template.HTML(parts[0] + attrEscaper.Replace(it.By) + parts[1]), nil
}

// drawCard executes the "item" template for it.
func (h *handler) drawCard(it item) (template.HTML, error) {
	var b strings.Builder
	if err := h.pages["recipient"].ExecuteTemplate(&b, "item", it); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
