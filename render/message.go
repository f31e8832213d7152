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
	// Attachments are files the message carries (the office's digest: the
	// month's forms 附件4 and 附件5): an e-mail attaches them, the file
	// channel writes them beside the message, a JSON webhook posts them;
	// the robots' markdown says where they are instead.
	Attachments []Attachment `json:"attachments,omitempty"`
}

// Attachment is one file of a message.
type Attachment struct {
	Name        string `json:"name"`         // the file's name, such as 附件4-2024-05.xlsx
	ContentType string `json:"content_type"` // its media type
	Data        []byte `json:"data"`         // its bytes (base64 in JSON)
}

// Event is one all-day deadline, written into the e-mail's .ics attachment.
type Event struct {
	UID         string    `json:"uid"`
	Date        plan.Date `json:"date"`
	Summary     string    `json:"summary"`
	Description string    `json:"description"`
}
