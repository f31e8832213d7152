package render

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Encode is a rendered message as the outbox stores it, for a channel of
// type kind (config.Channel.Type): JSON without HTML escaping (the HTML part
// is stored as written, not with every < as \u003c), and without the parts
// that kind never sends. An e-mail has no use for the robots' markdown;
// other channels keep every part (a JSON webhook posts them all, the file
// and log channels show them). A robot or the log channel sends no file:
// the attachments are left out for them. Decoding is what a deliverer
// spends most of its own time on, so what it need not read is not stored.
func Encode(m Message, kind string) (string, error) {
	switch kind {
	case "email":
		m.Markdown = ""
	case "wecom", "dingtalk", "feishu", "robot", "log":
		m.Attachments = nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return "", fmt.Errorf("encode %s: %w", m.Key, err)
	}
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n"))), nil
}

// Decode reads a message the outbox stored with Encode (or, from before
// Encode, with json.Marshal; bodies stored before attachments have none).
func Decode(body string) (Message, error) {
	var m Message
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		return Message{}, fmt.Errorf("stored message is unreadable: %w", err)
	}
	return m, nil
}
