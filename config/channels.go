package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// Channel types.
const (
	TypeFile     = "file"
	TypeLog      = "log"
	TypeEmail    = "email"
	TypeWeCom    = "wecom"
	TypeDingTalk = "dingtalk"
	TypeFeishu   = "feishu"
	TypeWebhook  = "webhook"
	TypeRobot    = "robot"
)

// A ChannelKind is one type of channel and all the config knows of it: what
// its contacts give, which enterprise reminders it may carry, its defaults,
// its checks and its secrets. Load checks every channel through its kind,
// and notify.New builds from what Spec, through the same kind, returns: a
// channel Load accepts is one notify builds, and a check lives here once.
type ChannelKind struct {
	Type string
	// Contact is what a section's or the office's contact on such a
	// channel gives as its address.
	Contact ContactAddress
	// ToEach is true when each message goes to an address of its own (an
	// e-mail address, an enterprise's webhook) rather than to the
	// channel's, so that a test message needs one.
	ToEach bool
	// Enterprises names the key of the config's enterprises section that
	// may name such a channel: "email" (their e-mail addresses), "robot"
	// (their own webhooks) or "".
	Enterprises string
	// Network is true when the channel talks to a server, each exchange
	// bounded by its timeout (DefaultTimeout when it gives none).
	Network bool

	secrets []secretKey
	// check reports what is wrong with a channel of this kind, its
	// defaults filled, beyond its secrets.
	check func(ch *Channel, r report)
}

// ContactAddress is what a contact gives as its address.
type ContactAddress int

// The addresses of contacts.
const (
	// AnyAddress: none is needed; one given names the contact in keys.
	AnyAddress ContactAddress = iota
	// EmailAddress: a bare e-mail address is required.
	EmailAddress
)

// ChannelKinds are the types of channel remindd delivers through, in the
// order errors list them. A "robot" channel sends to each message's own
// webhook (an enterprise's, from its CSV row), the vendor chosen by the
// URL's host; wecom, dingtalk, feishu and webhook post to the one URL the
// channel names.
var ChannelKinds = []ChannelKind{
	{Type: TypeFile, Contact: EmailAddress, Enterprises: "email", check: func(ch *Channel, r report) {
		if ch.Dir == "" {
			r("dir", "a file channel needs dir")
		}
	}},
	{Type: TypeLog, Enterprises: "email"},
	{Type: TypeEmail, Contact: EmailAddress, ToEach: true, Enterprises: "email", Network: true, check: checkEmail, secrets: []secretKey{{
		name: "password", env: func(ch *Channel) *string { return &ch.PasswordEnv }, file: func(ch *Channel) *string { return &ch.PasswordFile },
		set: func(s *Secrets, v string) { s.Password = v },
		required: func(ch *Channel) string {
			if ch.Username == "" {
				return ""
			}
			return "username is set but no password_env or password_file"
		},
		// Without a username no AUTH is made, and no password read.
		unused: func(ch *Channel) bool { return ch.Username == "" },
	}}},
	robotKind(TypeWeCom), robotKind(TypeDingTalk), robotKind(TypeFeishu), robotKind(TypeWebhook),
	{Type: TypeRobot, ToEach: true, Enterprises: "robot", Network: true},
}

// robotKind is a robot or webhook that posts to the URL the channel names,
// signed when it names a secret.
func robotKind(typ string) ChannelKind {
	return ChannelKind{Type: typ, Network: true, secrets: []secretKey{
		{
			name: "url", env: func(ch *Channel) *string { return &ch.URLEnv }, file: func(ch *Channel) *string { return &ch.URLFile },
			set: func(s *Secrets, v string) { s.URL = v },
			required: func(*Channel) string {
				return "a " + typ + " channel needs url_env or url_file (the URL holds its token)"
			},
			valid: func(v string) error { _, err := WebhookURL(v); return err },
		},
		{
			name: "secret", env: func(ch *Channel) *string { return &ch.SecretEnv }, file: func(ch *Channel) *string { return &ch.SecretFile },
			set: func(s *Secrets, v string) { s.Signing = v },
		},
	}}
}

func checkEmail(ch *Channel, r report) {
	if ch.Host == "" {
		r("host", "an email channel needs host")
	}
	_, tlsKnown := tlsPorts[ch.TLS]
	if !tlsKnown {
		r("tls", "tls must be starttls, implicit or none, not %q", ch.TLS)
	}
	if (ch.Port != 0 || tlsKnown) && (ch.Port < 1 || ch.Port > 65535) {
		r("port", "port %d outside 1–65535", ch.Port)
	}
	if ch.From == "" {
		r("from", "an email channel needs from")
	} else if _, err := mail.ParseAddress(ch.From); err != nil {
		r("from", "bad sender address %q", ch.From)
	}
	if strings.ContainsAny(ch.FromName, "\r\n") {
		r("from_name", "sender name must be one line")
	}
}

// KindOf returns the kind of channel of type typ.
func KindOf(typ string) (ChannelKind, bool) {
	for _, k := range ChannelKinds {
		if k.Type == typ {
			return k, true
		}
	}
	return ChannelKind{}, false
}

// ChannelTypes are the types of ChannelKinds, in order.
func ChannelTypes() []string {
	out := make([]string, len(ChannelKinds))
	for i, k := range ChannelKinds {
		out[i] = k.Type
	}
	return out
}

// kindsFor lists the types whose kind may carry the enterprises' key, the
// type of the key's name first ("email, file or log").
func kindsFor(key string) []string {
	var out []string
	for _, k := range ChannelKinds {
		if k.Enterprises == key {
			if k.Type == key {
				out = append([]string{k.Type}, out...)
			} else {
				out = append(out, k.Type)
			}
		}
	}
	return out
}

// Secrets are a channel's secrets, read from the environment variables or
// files its config names. They never print: String hides them.
type Secrets struct {
	Password string // email: the SMTP password, when a username is set
	URL      string // wecom, dingtalk, feishu, webhook: the URL, which holds the token
	Signing  string // dingtalk, feishu, webhook: the signing secret, when one is named
}

func (Secrets) String() string   { return "{secrets not shown}" }
func (Secrets) GoString() string { return "config.Secrets{secrets not shown}" }

// secretKey is one secret of a kind: read from NAME_env or NAME_file.
type secretKey struct {
	name      string
	env, file func(*Channel) *string
	set       func(*Secrets, string)
	// required says why the channel cannot do without the secret, or ""
	// when it can (nil: it can).
	required func(*Channel) string
	// unused reports when the channel has no use for a secret it names,
	// which is then not read.
	unused func(*Channel) bool
	// valid checks the secret's value; its error never repeats the value.
	valid func(string) error
}

// report records a problem at one of a channel's keys.
type report func(key, format string, args ...any)

// A ChannelSpec is a channel ready to build: its kind's defaults filled,
// its relative paths resolved, checked as Load checks it, with its secrets
// read. notify.New builds channels from it.
type ChannelSpec struct {
	Channel
	Secrets Secrets
}

// Spec checks the channel through its kind, as Load does, and reads its
// secrets. A channel that Load did not read (one a program or test writes)
// gets its kind's defaults first, every zero value counting as left out,
// and its relative paths are resolved against dir. The error names the
// channel once and says what is wrong, never a secret's value.
func (ch Channel) Spec(dir string) (ChannelSpec, error) {
	ch.applyDefaults(func(string) bool { return false })
	for _, p := range ch.paths() {
		if *p != "" && !filepath.IsAbs(*p) && !strings.HasPrefix(*p, "$") && dir != "" {
			*p = filepath.Join(dir, *p)
		}
	}
	var msgs []string
	spec := ChannelSpec{Channel: ch}
	spec.Secrets = ch.check(func(_, format string, args ...any) {
		msgs = append(msgs, fmt.Sprintf(format, args...))
	})
	if len(msgs) > 0 {
		return ChannelSpec{}, fmt.Errorf("channel %s: %s", ch.Name, strings.Join(msgs, "; "))
	}
	return spec, nil
}

// paths are the channel's keys that name a file or folder.
func (ch *Channel) paths() []*string {
	return []*string{&ch.Dir, &ch.PasswordFile, &ch.URLFile, &ch.SecretFile}
}

// applyDefaults fills what the channel's kind gives a channel that leaves a
// key out; written says whether the file gives the key.
func (ch *Channel) applyDefaults(written func(key string) bool) {
	k, ok := KindOf(ch.Type)
	if !ok {
		return
	}
	if k.Network && ch.Timeout == 0 && !written("timeout") {
		ch.Timeout = DefaultTimeout
	}
	if k.Type == TypeEmail {
		if ch.TLS == "" {
			ch.TLS = DefaultTLS
		}
		if port, known := tlsPorts[ch.TLS]; ch.Port == 0 && known && !written("port") {
			ch.Port = port
		}
	}
}

// check reports every problem of the channel, its defaults filled, and
// reads its secrets: the one check of a channel, made by Load and Spec.
func (ch *Channel) check(r report) Secrets {
	var s Secrets
	for _, inline := range []struct{ key, val string }{{"password", ch.Password}, {"url", ch.URL}, {"secret", ch.Secret}} {
		if inline.val != "" {
			r(inline.key, "secrets are not written in the config: use %s_env or %s_file", inline.key, inline.key)
		}
	}
	k, ok := KindOf(ch.Type)
	if !ok {
		r("type", "unknown channel type %q (want one of %s)", ch.Type, strings.Join(ChannelTypes(), ", "))
		return s
	}
	if ch.Timeout < 0 || (k.Network && ch.Timeout == 0) {
		r("timeout", "timeout must be positive")
	}
	if k.check != nil {
		k.check(ch, r)
	}
	for _, sk := range k.secrets {
		env, file := *sk.env(ch), *sk.file(ch)
		envKey, fileKey := sk.name+"_env", sk.name+"_file"
		switch {
		case env != "" && file != "":
			r(envKey, "give %s or %s, not both", envKey, fileKey)
		case env == "" && file == "":
			if sk.required != nil {
				if why := sk.required(ch); why != "" {
					r(envKey, "%s", why)
				}
			}
		case sk.unused != nil && sk.unused(ch):
		default:
			key := envKey
			if env == "" {
				key = fileKey
			}
			v, problem := readSecret(sk.name, env, file)
			if problem == "" && sk.valid != nil {
				if err := sk.valid(v); err != nil {
					problem = fmt.Sprintf("%s from %s: %v", sk.name, where(env, file), err)
				}
			}
			if problem != "" {
				r(key, "%s", problem)
				continue
			}
			sk.set(&s, v)
		}
	}
	return s
}

// where names where a secret is read from.
func where(env, file string) string {
	if env != "" {
		return "environment variable " + env
	}
	return "file " + file
}

// readSecret reads the secret called what from the environment variable
// env or, when env is empty, the file named file (in which environment
// variables are expanded: ${CREDENTIALS_DIRECTORY}/smtp-password). It
// returns the value, or what is wrong: never the value.
func readSecret(what, env, file string) (value, problem string) {
	if env != "" {
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return "", fmt.Sprintf("%s from environment variable %s: not set", what, env)
		}
		return v, ""
	}
	var unset []string
	path := os.Expand(file, func(name string) string {
		v, ok := os.LookupEnv(name)
		if !ok || v == "" {
			unset = append(unset, name)
		}
		return v
	})
	if len(unset) > 0 {
		return "", fmt.Sprintf("%s from file %s: environment variable %s is not set", what, file, strings.Join(unset, ", "))
	}
	b, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Sprintf("%s from file %s: %v", what, path, err)
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", fmt.Sprintf("%s from file %s is empty", what, path)
	}
	return v, ""
}

// WebhookURL parses a robot's or webhook's URL: an absolute http or https
// URL. Its errors never repeat the URL, which holds the robot's token.
func WebhookURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, errors.New("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, errors.New("not an http or https URL")
	}
	if u.Host == "" {
		return nil, errors.New("URL without a host")
	}
	return u, nil
}
