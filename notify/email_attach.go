package notify

import (
	"bytes"
	"fmt"
	"mime"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/wneessen/go-mail"

	"github.com/remindd/remindd/render"
)

// attach adds m's attachments to msg, each under its own name. Mail clients
// read a Chinese file name two ways, so both are given: the RFC 2231 form
// (filename*=utf-8”%E9%99%84…, what RFC 6266 and the MIME parsers of Go,
// Thunderbird and Apple Mail use) and, before it, an RFC 2047 encoded word
// in the quoted filename and name (what Outlook and many webmail clients
// show). go-mail alone writes only the encoded word.
func attach(msg *mail.Msg, m render.Message) error {
	for _, a := range m.Attachments {
		name := attachmentName(a.Name)
		ct := a.ContentType
		if ct == "" {
			ct = "application/octet-stream"
		}
		if _, _, err := mime.ParseMediaType(ct); err != nil {
			return fmt.Errorf("attachment %s: content type %q: %w", name, ct, err)
		}
		err := msg.AttachReader(name, bytes.NewReader(a.Data), func(f *mail.File) {
			f.Header.Set(string(mail.HeaderContentType), ct+`; name="`+encodedWord(name)+`"`)
			f.Header.Set(string(mail.HeaderContentDisposition), disposition(name))
		})
		if err != nil {
			return fmt.Errorf("attachment %s: %w", name, err)
		}
	}
	return nil
}

// disposition is the Content-Disposition of an attachment named name (a
// clean name: see attachmentName): the name as encoded words in the quoted
// filename, for clients that know no better, then as RFC 2231 filename*,
// which the others prefer. go-mail writes a part's headers unfolded, and
// attachmentName keeps names short enough for the line to stay well within
// SMTP's 998 octets.
func disposition(name string) string {
	d := `attachment; filename="` + encodedWord(name) + `"`
	if isPlain(name) {
		return d
	}
	return d + "; filename*=utf-8''" + percentEncode(name)
}

// encodedWord is name as RFC 2047 encoded words (base64, UTF-8), or name
// itself when it is printable ASCII.
func encodedWord(name string) string {
	if isPlain(name) {
		return name
	}
	return mime.BEncoding.Encode("UTF-8", name)
}

// isPlain reports whether name is printable ASCII.
func isPlain(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] < 0x20 || name[i] >= 0x7f {
			return false
		}
	}
	return true
}

// percentEncode is s in RFC 2231's ext-value: attr-chars as they are, every
// other byte as %XX.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// maxNameRunes bounds an attachment's name, in characters: 50 Chinese
// characters make a Content-Disposition line of about 800 octets.
const maxNameRunes = 50

// attachmentName is a file name fit for a header and for any file system:
// valid UTF-8, no control characters, no quotes, backslashes or path
// separators (each such character becomes _), not starting with a dot,
// never empty, at most maxNameRunes characters (a longer name loses the end
// of its stem and keeps its extension).
func attachmentName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f || r == utf8.RuneError:
			return '_'
		case strings.ContainsRune(`"\/:<>?*|`, r):
			return '_'
		}
		return r
	}, name)
	name = strings.TrimLeft(strings.TrimSpace(name), ".")
	if name == "" {
		name = "attachment"
	}
	if rs := []rune(name); len(rs) > maxNameRunes {
		ext := []rune(filepath.Ext(name))
		if len(ext) > 10 {
			ext = nil
		}
		name = string(rs[:maxNameRunes-len(ext)]) + string(ext)
	}
	return name
}
