package notify

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"unicode/utf16"
)

// forms writes secret in the ways a server, proxy or library may echo it,
// computed here independently of the masker: the test's own list.
func forms(secret string) map[string]string {
	var all, allLower strings.Builder
	for i := 0; i < len(secret); i++ {
		fmt.Fprintf(&all, "%%%02X", secret[i])
		fmt.Fprintf(&allLower, "%%%02x", secret[i])
	}
	var ascii strings.Builder
	for _, r := range secret {
		switch {
		case r == '"' || r == '\\':
			ascii.WriteString(`\` + string(r))
		case r < 0x80:
			ascii.WriteRune(r)
		default:
			for _, u := range utf16.Encode([]rune{r}) {
				fmt.Fprintf(&ascii, `\u%04x`, u)
			}
		}
	}
	b64 := func(prefix string) string {
		return base64.StdEncoding.EncodeToString([]byte(prefix + secret + "!"))
	}
	return map[string]string{
		"raw":                     secret,
		"query-escaped":           url.QueryEscape(secret),
		"path-escaped":            url.PathEscape(secret),
		"query-escaped lowercase": regexp.MustCompile(`%[0-9A-F]{2}`).ReplaceAllStringFunc(url.QueryEscape(secret), strings.ToLower),
		"every byte escaped":      all.String(),
		"every byte, lower hex":   allLower.String(),
		"escaped twice":           url.QueryEscape(url.QueryEscape(secret)),
		"JSON ASCII-only":         ascii.String(),
		"JSON with \\/":           strings.ReplaceAll(secret, "/", `\/`),
		"HTML-escaped":            strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(secret),
		"base64":                  base64.StdEncoding.EncodeToString([]byte(secret)),
		"base64 URL":              base64.RawURLEncoding.EncodeToString([]byte(secret)),
		"base64 at offset 1":      b64("x"),
		"base64 at offset 2":      b64("xy"),
		"base64 at offset 3":      b64("xyz"),
		"base64 of AUTH PLAIN":    base64.StdEncoding.EncodeToString([]byte("\x00user\x00" + secret)),
	}
}

// leaks names the forms of secret that text shows, allowing for base64's
// few characters at either end of an embedded secret.
func leaks(text, secret string) []string {
	var out []string
	for name, f := range forms(secret) {
		if strings.HasPrefix(name, "base64 at") || name == "base64 of AUTH PLAIN" {
			// The characters shared with what surrounds it may stay: look
			// for the middle of the encoding.
			f = f[len(f)/4 : len(f)-len(f)/4]
		}
		if strings.Contains(text, f) {
			out = append(out, name)
		}
	}
	return out
}

func TestMaskerCoversEveryEncoding(t *testing.T) {
	for _, secret := range []string{
		"5a0c4e3b-7d1f-4c2a-9e8b-111122223333",
		"Pa55/w+rd&x=y<z>",
		"密码Ünïcode😀/+",
		"a b\"c\\d",
	} {
		t.Run(secret, func(t *testing.T) {
			var text strings.Builder
			text.WriteString("server said: ")
			for name, f := range forms(secret) {
				fmt.Fprintf(&text, "%s=[%s] ", name, f)
			}
			m := newMasker("unrelated-secret", secret)
			got := m.mask(text.String())
			if l := leaks(got, secret); len(l) > 0 {
				t.Errorf("masked text still shows the secret %v:\n%s", l, got)
			}
			if !strings.HasPrefix(got, "server said: ") || !strings.Contains(got, "***") {
				t.Errorf("masked text lost its own words: %s", got)
			}
		})
	}
}

func TestMaskerWithholdsTextWithShortSecrets(t *testing.T) {
	for _, tc := range []struct{ secret, text, want string }{
		{"ab", "401 bad key ab", withheld},
		{"ab", "401 bad key YWI=", withheld},
		{"a/", "bad key a%2F", withheld},
		{"x", "connection refused", "connection refused"},
		{"xyz", "bad xyz!", withheld},
		{"xyzw", "bad xyzw!", "bad ***!"},
	} {
		if got := newMasker(tc.secret).mask(tc.text); got != tc.want {
			t.Errorf("secret %q: mask(%q) = %q, want %q", tc.secret, tc.text, got, tc.want)
		}
	}
}

func TestMaskSecretsOf(t *testing.T) {
	addr := "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + url.QueryEscape("5a0c/4e3b+7d1f=4c2a")
	text := "wecom " + addr + ": errmsg invalid key 5a0c/4e3b+7d1f=4c2a (" + url.QueryEscape("5a0c/4e3b+7d1f=4c2a") + ")"
	got := MaskSecretsOf(addr, text)
	if strings.Contains(got, "5a0c") || strings.Contains(got, "4c2a") {
		t.Errorf("MaskSecretsOf = %s", got)
	}
	if got := MaskSecretsOf("office@example.gov.cn", "smtp: 550 no such user"); got != "smtp: 550 no such user" {
		t.Errorf("an e-mail address masked %q", got)
	}
}
