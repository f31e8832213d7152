package render

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// ICS is the name of the calendar attachment.
const ICS = "deadlines.ics"

// ICSContentType is the attachment's media type; go-mail appends its name.
const ICSContentType = "text/calendar; method=PUBLISH; charset=UTF-8"

// alarmTrigger fires at 09:00 on the day before an all-day deadline: the
// event starts at midnight, 15 hours later.
const alarmTrigger = "-PT15H"

// Calendar writes events as an iCalendar (RFC 5545) object: one all-day
// VEVENT per event with a display alarm, CRLF line endings, lines folded at
// 75 octets without splitting a character, text escaped. stamp is the
// DTSTAMP, the moment the object is made.
func Calendar(events []Event, stamp time.Time) []byte {
	var b strings.Builder
	line := func(name, value string) { writeFolded(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//remindd//remindd//ZH")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	ts := stamp.UTC().Format("20060102T150405Z")
	for _, e := range events {
		start := e.Date
		end := e.Date.AddDays(1)
		line("BEGIN", "VEVENT")
		line("UID", escapeText(e.UID))
		line("DTSTAMP", ts)
		line("DTSTART;VALUE=DATE", fmt.Sprintf("%04d%02d%02d", start.Year, start.Month, start.Day))
		line("DTEND;VALUE=DATE", fmt.Sprintf("%04d%02d%02d", end.Year, end.Month, end.Day))
		line("SUMMARY", escapeText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", escapeText(e.Description))
		}
		line("TRANSP", "TRANSPARENT")
		line("BEGIN", "VALARM")
		line("ACTION", "DISPLAY")
		line("DESCRIPTION", escapeText(e.Summary))
		line("TRIGGER", alarmTrigger)
		line("END", "VALARM")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return []byte(b.String())
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma and line breaks; other control characters become spaces.
func escapeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b.WriteString(`\\`)
		case ';':
			b.WriteString(`\;`)
		case ',':
			b.WriteString(`\,`)
		case '\r':
			if i+1 < len(s) && s[i+1] == '\n' {
				i++
			}
			b.WriteString(`\n`)
		case '\n':
			b.WriteString(`\n`)
		default:
			if c < 0x20 || c == 0x7f {
				b.WriteByte(' ')
			} else {
				b.WriteByte(c)
			}
		}
	}
	return b.String()
}

// maxLine is the most octets a content line may have, without its CRLF.
const maxLine = 75

// writeFolded writes a content line, folding it (RFC 5545 3.1) so that no
// line exceeds 75 octets: a continuation line starts with a space, and a
// multi-byte character is never split.
func writeFolded(b *strings.Builder, s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
