package notify

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html"
	"net/mail"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"
)

// Masking. A robot's URL is its password: anyone who has it can post to the
// group. An e-mail channel's password is one too. Neither may reach a log,
// an error, the outbox or a message; this file is the one place that
// decides how they are shown (MaskAddress) and how they are removed from
// text that may hold them (masker).

// pathWords are the path segments robot and webhook URLs share, shown as
// they are; every other segment may be a token, and is masked.
var pathWords = map[string]bool{
	"cgi-bin": true, "webhook": true, "webhooks": true, "send": true, "robot": true,
	"open-apis": true, "bot": true, "v1": true, "v2": true, "v3": true,
	"hook": true, "hooks": true, "api": true, "services": true,
}

// queryNames are the query parameters whose names robots use for their
// keys and signatures; their values are masked, and the names of others too.
var queryNames = map[string]bool{"key": true, "access_token": true, "token": true, "timestamp": true, "sign": true}

// MaskAddress shows where a message goes without what lets anyone else post
// there. An e-mail address, or a word naming a recipient, is shown as it
// is. A URL keeps its scheme, host and port and the path words robots share;
// other path segments, query values and unknown parameter names, user info
// and fragment become ***:
//
//	https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***
//	https://open.feishu.cn/open-apis/bot/v2/hook/***
//
// Anything else that looks like part of a URL is *** whole.
func MaskAddress(addr string) string {
	s := strings.TrimSpace(addr)
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err == nil && u.Scheme != "" && u.Host != "" && utf8.ValidString(u.Host) {
		return maskURL(u)
	}
	if isMailAddress(s) {
		return s
	}
	if strings.Contains(s, "://") || strings.ContainsAny(s, "/?=#") {
		return "***"
	}
	return oneLine(s)
}

// isMailAddress reports whether s is a bare e-mail address whose domain is
// a host name (net/mail alone takes "a@b/send?key=…" for one).
func isMailAddress(s string) bool {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	domain := s[strings.LastIndexByte(s, '@')+1:]
	for _, c := range domain {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c >= utf8.RuneSelf) {
			return false
		}
	}
	return domain != ""
}

// maskURL is MaskAddress for a parsed URL.
func maskURL(u *url.URL) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(u.Scheme))
	b.WriteString("://")
	if u.User != nil {
		b.WriteString("***@")
	}
	b.WriteString(u.Host)
	if p := u.EscapedPath(); p != "" {
		segs := strings.Split(p, "/")
		for i, seg := range segs {
			if seg != "" && !pathWords[strings.ToLower(seg)] {
				segs[i] = "***"
			}
		}
		b.WriteString(strings.Join(segs, "/"))
	}
	if u.RawQuery != "" || u.ForceQuery {
		q, _ := url.ParseQuery(u.RawQuery) // what cannot be parsed is masked below all the same
		names := make([]string, 0, len(q))
		for k := range q {
			if queryNames[k] {
				names = append(names, k+"=***")
			} else {
				names = append(names, "***")
			}
		}
		sort.Strings(names)
		if len(names) == 0 {
			names = []string{"***"}
		}
		b.WriteString("?" + strings.Join(names, "&"))
	}
	if u.Fragment != "" {
		b.WriteString("#***")
	}
	return b.String()
}

// urlSecrets are the parts of a URL MaskAddress hides: user info, path
// segments other than the shared words, query names and values that are
// not shared, the fragment, and the whole URL.
func urlSecrets(u *url.URL) []string {
	out := []string{u.String()}
	if u.User != nil {
		out = append(out, u.User.Username())
		if p, ok := u.User.Password(); ok {
			out = append(out, p)
		}
	}
	for _, seg := range strings.Split(u.EscapedPath(), "/") {
		if seg != "" && !pathWords[strings.ToLower(seg)] {
			out = append(out, seg)
			if raw, err := url.PathUnescape(seg); err == nil && raw != seg {
				out = append(out, raw)
			}
		}
	}
	q, _ := url.ParseQuery(u.RawQuery)
	for k, vs := range q {
		if !queryNames[k] {
			out = append(out, k)
		}
		out = append(out, vs...)
	}
	if u.RawQuery != "" {
		out = append(out, u.RawQuery)
	}
	if u.Fragment != "" {
		out = append(out, u.Fragment)
	}
	return out
}

// MaskSecretsOf masks, in text, what MaskAddress hides of addr, in every
// encoding masker knows. The outbox printer uses it on errors stored
// before errors were masked this way.
func MaskSecretsOf(addr, text string) string {
	u, err := url.Parse(strings.TrimSpace(addr))
	if err != nil || u.Host == "" {
		return text
	}
	return newMasker(urlSecrets(u)...).mask(text)
}

// minMaskLen is the shortest secret masked where it stands. A shorter one
// (a robot token of two letters, a one-character password) would, masked
// in place, turn half the words of a message into ***; where any form of
// one appears, the whole text is withheld instead.
const minMaskLen = 4

// withheld replaces a text that holds a short secret.
const withheld = "(text withheld: it may contain a secret)"

// masker removes secrets from text bound for errors, logs and the outbox:
// each secret in every form a server, proxy or library may write it back
// in: as it is; URL query- or path-escaped, with upper- or lower-case hex,
// every byte escaped, or escaped twice; JSON-escaped (HTML-safe or not,
// ASCII-only, with \/); HTML-escaped; and base64, standard or URL alphabet,
// padded or not, also where it stands inside a longer encoded text (at
// each of the three offsets base64 can align it to).
type masker struct {
	secrets []string
}

func newMasker(secrets ...string) masker {
	var out []string
	for _, s := range secrets {
		if s != "" {
			out = append(out, s)
		}
	}
	return masker{secrets: out}
}

// with adds secrets.
func (m masker) with(secrets ...string) masker {
	return newMasker(append(append([]string(nil), m.secrets...), secrets...)...)
}

// mask returns s with every form of every secret replaced by ***, longest
// first, or withheld when a form of a short secret is in it.
func (m masker) mask(s string) string {
	if len(m.secrets) == 0 || s == "" {
		return s
	}
	var long []string
	for _, secret := range m.secrets {
		forms := encodings(secret)
		if utf8.RuneCountInString(secret) < minMaskLen {
			for _, f := range forms {
				if strings.Contains(s, f) {
					return withheld
				}
			}
			continue
		}
		long = append(long, forms...)
	}
	sort.Slice(long, func(i, j int) bool { return len(long[i]) > len(long[j]) })
	for _, f := range long {
		s = strings.ReplaceAll(s, f, "***")
	}
	return s
}

// encodings lists the forms of secret masker looks for, each once.
func encodings(secret string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(f string) {
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	add(secret)
	for _, e := range []string{url.QueryEscape(secret), url.PathEscape(secret), escapeAll(secret)} {
		add(e)
		add(lowerHex(e))
		add(url.QueryEscape(e)) // escaped twice
	}
	add(strings.ReplaceAll(url.QueryEscape(secret), "+", "%20"))
	add(jsonEscape(secret, true))
	add(jsonEscape(secret, false))
	add(strings.ReplaceAll(jsonEscape(secret, false), "/", `\/`))
	add(asciiJSON(secret))
	add(html.EscapeString(secret))
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		add(enc.EncodeToString([]byte(secret)))
	}
	for _, core := range base64Cores([]byte(secret)) {
		add(core)
		add(strings.NewReplacer("+", "-", "/", "_").Replace(core))
	}
	return out
}

// escapeAll percent-encodes every byte of s, as some proxies do.
func escapeAll(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		fmt.Fprintf(&b, "%%%02X", s[i])
	}
	return b.String()
}

// lowerHex writes the hex digits of s's percent escapes in lower case.
func lowerHex(s string) string {
	b := []byte(s)
	for i := 0; i+2 < len(b); i++ {
		if b[i] == '%' {
			b[i+1], b[i+2] = toLower(b[i+1]), toLower(b[i+2])
		}
	}
	return string(b)
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'F' {
		return c + 'a' - 'A'
	}
	return c
}

// jsonEscape is s as the inside of a JSON string.
func jsonEscape(s string, escapeHTML bool) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(escapeHTML)
	if err := enc.Encode(s); err != nil {
		return ""
	}
	out := strings.TrimSuffix(b.String(), "\n")
	return strings.TrimSuffix(strings.TrimPrefix(out, `"`), `"`)
}

// asciiJSON is s as the inside of a JSON string with every character
// beyond ASCII as \uXXXX (surrogate pairs beyond the BMP), as encoders
// that keep to ASCII write it.
func asciiJSON(s string) string {
	var b strings.Builder
	for _, r := range jsonEscape(s, false) {
		switch {
		case r < utf8.RuneSelf:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// base64Cores are the parts of the base64 of any text holding secret that
// depend on secret alone: secret may stand at any byte offset, so it is
// encoded after 0, 1 and 2 bytes of anything, and only the characters whose
// six bits all come from secret are kept (when four or more).
func base64Cores(secret []byte) []string {
	var out []string
	for k := 0; k < 3; k++ {
		buf := append(make([]byte, k), secret...)
		enc := base64.RawStdEncoding.EncodeToString(buf)
		lo := (8*k + 5) / 6             // first character starting at or after bit 8k
		hi := 8 * (k + len(secret)) / 6 // characters ending at or before the secret's last bit
		if hi > len(enc) {
			hi = len(enc)
		}
		if hi-lo >= minMaskLen {
			out = append(out, enc[lo:hi])
		}
	}
	return out
}
