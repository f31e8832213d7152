package schedule

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/remindd/remindd"
)

// WriteJSON writes ns as a JSON array, byte for byte what an encoding/json
// Encoder with SetIndent("", "  ") and SetEscapeHTML(false) writes for the
// whole slice ([] when empty, and a new line), one notification at a time:
// a sweep of a province's enterprises is tens of megabytes of JSON, which
// need not be held, twice, before it is written. appendNotification writes
// the common shape directly; the others go through encoding/json and
// appendIndent.
func WriteJSON(w io.Writer, ns []remindd.Notification) error {
	if len(ns) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	out := bufio.NewWriterSize(w, 64<<10)
	var (
		compact bytes.Buffer
		elem    []byte
		ok      bool
	)
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	sep := "[\n  "
	for i := range ns {
		elem = append(elem[:0], sep...)
		if elem, ok = appendNotification(elem, &ns[i]); !ok {
			compact.Reset()
			if err := enc.Encode(&ns[i]); err != nil {
				return err
			}
			// An element of the array is indented one level, after its first line.
			elem = appendIndent(append(elem[:0], sep...), bytes.TrimSuffix(compact.Bytes(), []byte("\n")), "  ")
		}
		if _, err := out.Write(elem); err != nil {
			return err
		}
		sep = ",\n  "
	}
	out.WriteString("\n]\n")
	return out.Flush()
}

// appendNotification appends n as an element of WriteJSON's array,
// byte for byte as encoding/json would write it, when n has no milestones
// and no digest (every enterprise's notification) and a time encoding/json
// can write; otherwise it returns dst unchanged and false.
func appendNotification(dst []byte, n *remindd.Notification) ([]byte, bool) {
	if len(n.Milestones) > 0 || n.Digest != nil {
		return dst, false
	}
	start := len(dst)
	field := func(name string) {
		dst = append(dst, "\n    \""...)
		dst = append(dst, name...)
		dst = append(dst, "\": "...)
	}
	dst = append(dst, '{')
	field("key")
	dst = appendJSONString(dst, n.Key)
	dst = append(dst, ',')
	field("rule")
	dst = appendJSONString(dst, string(n.Rule))
	dst = append(dst, ',')
	field("recipient")
	dst = append(dst, "{\n      \"kind\": "...)
	dst = appendJSONString(dst, n.Recipient.Kind)
	dst = append(dst, ",\n      \"id\": "...)
	dst = appendJSONString(dst, n.Recipient.ID)
	dst = append(dst, "\n    },"...)
	field("name")
	dst = appendJSONString(dst, n.Name)
	dst = append(dst, ',')
	field("channel")
	dst = appendJSONString(dst, n.Channel)
	dst = append(dst, ',')
	if n.Address != "" {
		field("address")
		dst = appendJSONString(dst, n.Address)
		dst = append(dst, ',')
	}
	field("at")
	dst = append(dst, '"')
	at := len(dst)
	dst = n.At.AppendFormat(dst, time.RFC3339Nano)
	// What time.Time.MarshalJSON refuses: a year not of four digits, a
	// zone offset of 24 hours or more.
	if dst[at+4] != '-' || dst[len(dst)-1] != 'Z' && (dst[len(dst)-6] >= '0' && dst[len(dst)-6] <= '9' ||
		10*(dst[len(dst)-5]-'0')+dst[len(dst)-4]-'0' >= 24) {
		return dst[:start], false
	}
	dst = append(dst, "\","...)
	field("tasks")
	switch {
	case n.Tasks == nil:
		dst = append(dst, "null"...)
	case len(n.Tasks) == 0:
		dst = append(dst, "[]"...)
	default:
		dst = append(dst, '[')
		for i, t := range n.Tasks {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, "\n      "...)
			dst = strconv.AppendInt(dst, int64(t), 10)
		}
		dst = append(dst, "\n    ]"...)
	}
	if n.Period != "" {
		dst = append(dst, ',')
		field("period")
		dst = appendJSONString(dst, n.Period)
	}
	return append(dst, "\n  }"...), true
}

// appendJSONString appends s quoted as encoding/json does without HTML
// escaping: \" and \\, the short escapes of \b \f \n \r \t, \u00XX for
// other control characters and \u2028 \u2029, and \ufffd for each byte that
// is not UTF-8.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= ' ' && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[b>>4], hex[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendIndent appends to dst the compact JSON value src indented as
// json.Indent(dst, src, prefix, "  ") would: a new line, the prefix and two
// spaces a level before each element and closing bracket, ": " after a key,
// and {} and [] for empty objects and arrays. src must be what encoding/json
// wrote, which it does not check.
func appendIndent(dst, src []byte, prefix string) []byte {
	var (
		depth             int
		needIndent        bool
		inString, escaped bool
	)
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, "  "...)
		}
	}
	for _, c := range src {
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			inString = true
			dst = append(dst, c)
		case '{', '[':
			// Wait for the next byte: empty objects and arrays stay {} and [].
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
