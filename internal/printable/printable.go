// Package printable says which characters must not stand in a line of text
// that people read in a terminal, a table or a message: control characters,
// which move the cursor, retitle the terminal, ring the bell or end the
// line, and the invisible bidirectional controls, which reorder what follows
// them (U+202E makes "txt.exe" read as "exe.txt"). Readers refuse them in
// what they import; printers escape those already stored by other systems.
package printable

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Unsafe reports whether r must not be printed as it is: a C0 control
// (U+0000–U+001F, tab and line feed included), DEL, a C1 control
// (U+0080–U+009F), a bidirectional control (U+061C, U+200E, U+200F,
// U+202A–U+202E, U+2066–U+2069), or the line and paragraph separators
// U+2028 and U+2029.
func Unsafe(r rune) bool {
	switch {
	case r < 0x20, r >= 0x7f && r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return false
}

// First returns the first unsafe character of s and its position in
// characters, counted from 1; ok is false when s has none. s must be UTF-8.
func First(s string) (r rune, pos int, ok bool) {
	pos = 0
	for _, c := range s {
		pos++
		if Unsafe(c) {
			return c, pos, true
		}
	}
	return 0, 0, false
}

// names of the unsafe characters people are likely to meet.
var names = map[rune]string{
	0x00: "NUL", 0x07: "BEL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0a: "LINE FEED", 0x0d: "CARRIAGE RETURN",
	0x1b: "ESC", 0x7f: "DEL", 0x85: "NEXT LINE",
	0x061c: "ARABIC LETTER MARK", 0x200e: "LEFT-TO-RIGHT MARK", 0x200f: "RIGHT-TO-LEFT MARK",
	0x202a: "LEFT-TO-RIGHT EMBEDDING", 0x202b: "RIGHT-TO-LEFT EMBEDDING", 0x202c: "POP DIRECTIONAL FORMATTING",
	0x202d: "LEFT-TO-RIGHT OVERRIDE", 0x202e: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE", 0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR",
}

// Name writes r as U+XXXX, with its name when it is a well-known one:
// U+202E (RIGHT-TO-LEFT OVERRIDE).
func Name(r rune) string {
	if n, ok := names[r]; ok {
		return fmt.Sprintf("U+%04X (%s)", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

// Escape returns s with each unsafe character written as \uXXXX (\u001b,
// \u202e) and each byte that is not UTF-8 as \xNN, so that text from the
// store prints on one line, in the order it is stored, and changes nothing
// on the terminal; s is returned as it is when it has neither.
func Escape(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || Unsafe(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case Unsafe(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// CheckField reports why v may not stand in the field called name, which
// holds at most max characters, on one line unless lines allows line feeds:
// v is not UTF-8, is longer, or holds a character Unsafe refuses. The error
// names the field and the position of the character, never v itself:
// "NAME is 300 characters long, at most 255", "NAME: character 3 is U+202E
// (RIGHT-TO-LEFT OVERRIDE), a control character; remove it".
func CheckField(name, v string, max int, lines bool) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("%s is not UTF-8", name)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return fmt.Errorf("%s is %d characters long, at most %d", name, n, max)
	}
	check := v
	if lines {
		check = strings.ReplaceAll(v, "\n", " ")
	}
	if r, pos, found := First(check); found {
		return fmt.Errorf("%s: character %d is %s, a control character; remove it", name, pos, Name(r))
	}
	return nil
}
