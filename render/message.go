package render

import "github.com/remindd/remindd/plan"

// Message is a notification rendered for delivery.
type Message struct {
	Key      string  `json:"key"`      // the dedup key
	To       string  `json:"to"`       // e-mail address, or an enterprise's robot webhook URL, or ""
	Name     string  `json:"name"`     // recipient's name, on one line
	Subject  string  `json:"subject"`  // one line, never CR or LF
	Text     string  `json:"text"`     // plain text
	HTML     string  `json:"html"`     // the same as an HTML document
	Markdown string  `json:"markdown"` // for chat robots, at most MarkdownLimit bytes
	Events   []Event `json:"events,omitempty"`
}

// Event is one all-day deadline, written into the e-mail's .ics attachment.
type Event struct {
	UID         string    `json:"uid"`
	Date        plan.Date `json:"date"`
	Summary     string    `json:"summary"`
	Description string    `json:"description"`
}
