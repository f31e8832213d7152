package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remindd/remindd/internal/printable"
	"github.com/remindd/remindd/internal/yamlfile"
)

// Web is the web desk and the personal links (the config's web: block).
// Without the block there is no desk, and messages carry no link.
type Web struct {
	// Listen is the desk's address, host:port.
	Listen string `yaml:"listen"`
	// BaseURL is what people open: every link in a message starts with it.
	// Load keeps it without a trailing slash.
	BaseURL string `yaml:"base_url"`
	// SecretFile holds the links' HMAC key (created, 0600, on first use);
	// PreviousSecretFile, when set, a key being rotated out, whose links
	// still open. Both are resolved against the config's folder.
	SecretFile         string `yaml:"secret_file"`
	PreviousSecretFile string `yaml:"previous_secret_file"`
	// TrustedOrigins are origins (scheme://host[:port]) whose POSTs the
	// desk accepts besides its own: a reverse proxy's.
	TrustedOrigins []string `yaml:"trusted_origins"`
	// RequireConfirmation: a report through a link waits for the office's
	// confirmation (销号); false counts it as done at once.
	RequireConfirmation bool `yaml:"require_confirmation"`
	// SessionTTL is how long a desk login lasts.
	SessionTTL Duration `yaml:"session_ttl"`
}

// Office is the office's name, telephone and contacts: the desk's pages
// name its contact.
type Office struct {
	Name      string `yaml:"name"`
	Phone     string `yaml:"phone"`
	Recipient `yaml:",inline"`
}

// Defaults and bounds of the web block.
const (
	DefaultOfficeName = "局办公室"
	DefaultSessionTTL = Duration(12 * time.Hour)
	MinSessionTTL     = Duration(5 * time.Minute)
	MaxSessionTTL     = Duration(30 * 24 * time.Hour)
	// maxOfficeName and maxPhone bound what a page shows, in characters.
	maxOfficeName = 64
	maxPhone      = 40
)

// applyWebDefaults fills the web block's and the office's defaults.
func (c *Config) applyWebDefaults() {
	written := func(path ...any) bool { return c.file.Has(path...) }
	if c.Office.Name == "" && !written("office", "name") {
		c.Office.Name = DefaultOfficeName
	}
	w := c.Web
	if w == nil {
		return
	}
	if !written("web", "require_confirmation") {
		w.RequireConfirmation = true
	}
	if w.SessionTTL == 0 && !written("web", "session_ttl") {
		w.SessionTTL = DefaultSessionTTL
	}
	w.BaseURL = strings.TrimRight(w.BaseURL, "/")
	for _, p := range []*string{&w.SecretFile, &w.PreviousSecretFile} {
		*p = c.Resolve(*p)
	}
}

// checkWeb reports every problem of the web block and of the office's and
// sections' names and phones.
func (c *Config) checkWeb(r *yamlfile.Reporter) {
	path := yamlfile.Path
	if err := checkOfficeName(c.Office.Name); err != nil {
		r.Add("office.name", path("office", "name"), "%v", err)
	}
	if err := CheckPhone(c.Office.Phone); err != nil {
		r.Add("office.phone", path("office", "phone"), "%v", err)
	}
	for i, s := range c.Sections {
		if err := CheckPhone(s.Phone); err != nil {
			r.Add(fmt.Sprintf("sections[%d].phone", i), path("sections", i, "phone"), "%v", err)
		}
	}
	w := c.Web
	if w == nil {
		return
	}
	at := func(key string) []any { return path("web", key) }
	if w.Listen == "" {
		r.Add("web.listen", at("listen"), "the desk needs listen, host:port such as 127.0.0.1:8080")
	} else if err := checkListen(w.Listen); err != nil {
		r.Add("web.listen", at("listen"), "%v", err)
	}
	if w.BaseURL == "" {
		r.Add("web.base_url", at("base_url"), "the desk needs base_url, the address people open, such as https://remindd.example.gov.cn: every link in a message starts with it")
	} else if err := CheckBaseURL(w.BaseURL); err != nil {
		r.Add("web.base_url", at("base_url"), "%v", err)
	}
	if w.SecretFile == "" {
		r.Add("web.secret_file", at("secret_file"), "the desk needs secret_file, where the links' key is kept (created on first use), such as /var/lib/remindd/web.key")
	}
	if w.PreviousSecretFile != "" && w.PreviousSecretFile == w.SecretFile {
		r.Add("web.previous_secret_file", at("previous_secret_file"), "previous_secret_file is secret_file: name the key being rotated out, or leave the key out")
	}
	seen := map[string]bool{}
	for i, o := range w.TrustedOrigins {
		field := fmt.Sprintf("web.trusted_origins[%d]", i)
		if err := CheckOrigin(o); err != nil {
			r.Add(field, path("web", "trusted_origins", i), "%v", err)
		} else if seen[o] {
			r.Add(field, path("web", "trusted_origins", i), "origin %q is listed twice", o)
		}
		seen[o] = true
	}
	if w.SessionTTL < MinSessionTTL || w.SessionTTL > MaxSessionTTL {
		r.Add("web.session_ttl", at("session_ttl"), "session_ttl %v is outside 5m–30d", time.Duration(w.SessionTTL))
	}
}

// checkListen checks a host:port address to listen on; port 0 takes any
// free port (the log names it), as tests do.
func checkListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("listen %q is not host:port, such as 127.0.0.1:8080", addr)
	}
	if host == "" {
		return fmt.Errorf("listen %q names no host: write 127.0.0.1:%s for this machine only, or 0.0.0.0:%s for every interface", addr, port, port)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 || strconv.Itoa(n) != port {
		return fmt.Errorf("listen %q: port %q is not a number in 0–65535", addr, port)
	}
	return nil
}

// CheckBaseURL checks the desk's base URL: an absolute http or https URL
// with a host, without user, query or fragment, in characters a chat
// robot's markdown link keeps intact (after the host: letters, digits and
// -._~/%).
func CheckBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("base_url %q is not a URL", raw)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("base_url %q must be an absolute http or https URL, such as https://remindd.example.gov.cn", raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("base_url %q names no host", raw)
	case u.User != nil:
		return fmt.Errorf("base_url %q must not hold a user or password", raw)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return fmt.Errorf("base_url %q must not have a query (?…) or fragment (#…): links are BASE_URL/r/TOKEN", raw)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("base_url %q: port %q is not a number in 1–65535", raw, p)
		}
	}
	// The host is the URL parser's to judge (an IPv6 address has brackets).
	for _, r := range raw[len(u.Scheme+"://"+u.Host):] {
		if !urlSafe(r) {
			return fmt.Errorf("base_url %q holds %q: write the URL with letters, digits and - . _ ~ / %% only (percent-encode the rest)", raw, r)
		}
	}
	return nil
}

func urlSafe(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~/%", r)
}

// CheckOrigin checks a trusted origin as a browser sends it in its Origin
// header, which the desk compares exactly: scheme://host[:port] in lower
// case, without a path, and without the scheme's default port.
func CheckOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("origin %q must be scheme://host[:port], such as https://remindd.example.gov.cn", o)
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("origin %q must be scheme://host[:port] alone, without a path (not even /), query or fragment", o)
	}
	if strings.ToLower(o) != o {
		return fmt.Errorf("origin %q must be in lower case, as browsers send it", o)
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 || strconv.Itoa(n) != p {
			return fmt.Errorf("origin %q: port %q is not a number in 1–65535", o, p)
		}
		if (u.Scheme == "https" && p == "443") || (u.Scheme == "http" && p == "80") {
			return fmt.Errorf("origin %q: browsers send it without the default port: write %s://%s", o, u.Scheme, u.Hostname())
		}
	}
	return nil
}

// CheckPhone checks a telephone number people are told to call: empty (none
// given), or at most 40 characters of digits, spaces and + - ( ) / 、 转
// (an extension), with at least 5 digits. 0595-85123456 and
// 0595-8512 3456 转 801 pass.
func CheckPhone(phone string) error {
	if phone == "" {
		return nil
	}
	if !utf8.ValidString(phone) || utf8.RuneCountInString(phone) > maxPhone {
		return fmt.Errorf("phone %q: at most %d characters", phone, maxPhone)
	}
	digits := 0
	for _, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case strings.ContainsRune(" +-()（）/、转", r):
		default:
			return fmt.Errorf("phone %q holds %q: write a telephone number such as 0595-85123456 (digits, spaces, dashes; 转 before an extension)", phone, r)
		}
	}
	if digits < 5 {
		return fmt.Errorf("phone %q has %d digits: write a telephone number such as 0595-85123456", phone, digits)
	}
	return nil
}

// checkOfficeName says what is wrong with the office's name, which pages
// and messages show: blank, too long, or holding a control character.
func checkOfficeName(name string) error {
	if strings.TrimSpace(name) == "" {
		return fmt.Errorf("the office's name is blank: give one, or leave the key out for %s", DefaultOfficeName)
	}
	return printable.CheckField("the office's name", name, maxOfficeName, false)
}
