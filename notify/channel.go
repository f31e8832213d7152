// Package notify renders notifications into Chinese messages and delivers
// them through channels: e-mail, WeCom, DingTalk and Feishu robots, a JSON
// webhook, a folder of files, or the log.
//
// Rendering is pure: a Renderer turns a schedule.Notification into a Message
// with a subject, plain text, HTML, robot markdown and calendar events. A
// Channel delivers a batch of messages and answers, for each, nil or an
// *Error that says whether trying again later may help. Channels never sleep
// to wait out a rate limit: they answer a temporary error with RetryAfter.
package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remindd/remindd/config"
)

// Channel is one way of delivering messages.
type Channel interface {
	// Send delivers a batch; the result has one error (nil = delivered) per
	// message, in order. Every non-nil error is an *Error.
	Send(ctx context.Context, batch []Message) []error
}

// SendEach delivers batch through ch as Send does, and calls done once for
// each message, with its index and result, as soon as that is known: a
// deliverer can record a delivery the moment it happened, not when the
// whole batch is through. Every channel New builds tells as it goes; any
// other Channel tells all at the end of its Send.
func SendEach(ctx context.Context, ch Channel, batch []Message, done func(i int, err error)) {
	if s, ok := ch.(interface {
		sendEach(context.Context, []Message, func(int, error))
	}); ok {
		s.sendEach(ctx, batch, done)
		return
	}
	for i, err := range ch.Send(ctx, batch) {
		done(i, err)
	}
}

// collect is Send made of a channel's sendEach: the results in order.
func collect(batch []Message, sendEach func(done func(int, error))) []error {
	errs := make([]error, len(batch))
	sendEach(func(i int, err error) { errs[i] = err })
	return errs
}

// CloseIdle closes what ch keeps open between batches (an e-mail channel's
// SMTP connection). A deliverer calls it when it has sent what was due; the
// channel stays usable and opens a new connection for its next batch.
func CloseIdle(ch Channel) {
	if c, ok := ch.(interface{ closeIdle() }); ok {
		c.closeIdle()
	}
}

// Error is a failed delivery. Temporary errors (a full mailbox, a rate
// limit, a network fault, a server's 4xx or 5xx) may succeed later, not
// before RetryAfter when that is set; permanent ones (a refused address, a
// bad token, a bad password) will not succeed without someone changing
// something. Class says what failed; the text starts with it in brackets,
// so that the outbox, which stores the text, keeps it. The text holds no
// secret: channels build it from what they know and mask whatever a server
// or library wrote (see masker), and keep no robot's answer body.
type Error struct {
	Temporary  bool
	RetryAfter time.Duration
	Class      Class
	Err        error
}

func (e *Error) Error() string {
	if e.Class == "" {
		return e.Err.Error()
	}
	return "[" + string(e.Class) + "] " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Temporary reports whether err is a delivery error worth retrying.
func Temporary(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Temporary
}

// RetryAfter is how long to wait before retrying err, when the channel knows.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

func temporary(class Class, err error) *Error { return &Error{Temporary: true, Class: class, Err: err} }

func permanent(class Class, err error) *Error { return &Error{Class: class, Err: err} }

// Logger receives one line per event with its fields. Wrap a logrus entry:
//
//	notify.LoggerFunc(func(msg string, f map[string]any) { entry.WithFields(f).Info(msg) })
type Logger interface {
	Log(msg string, fields map[string]any)
}

// LoggerFunc adapts a function to Logger.
type LoggerFunc func(msg string, fields map[string]any)

// Log calls f.
func (f LoggerFunc) Log(msg string, fields map[string]any) { f(msg, fields) }

// Options are what channels take from the program rather than the config.
type Options struct {
	// Now is the clock: rate limits, Date headers and calendar stamps read it.
	// Default time.Now.
	Now func() time.Time
	// HTTPClient posts to robots and webhooks. Default: a client with the
	// channel's timeout.
	HTTPClient *http.Client
	// Log is where the log channel writes. Default: stderr.
	Log Logger
	// TLSConfig is the e-mail channel's TLS configuration (tests give one
	// trusting their own CA). Default: the system's roots.
	TLSConfig *tls.Config
	// BaseDir resolves relative paths in the channel (dir, *_file): the
	// config's folder.
	BaseDir string
}

// DefaultTimeout bounds one robot or webhook request when the channel sets
// no timeout.
const DefaultTimeout = 15 * time.Second

// Types are the channel types New builds.
var Types = []string{"email", "wecom", "dingtalk", "feishu", "webhook", "robot", "file", "log"}

// New builds the channel c describes. Secrets are read here, from the
// environment variable or file the config names; a missing secret is an
// error naming the channel and where the secret was looked for, never its
// value.
func New(c *config.Channel, opts Options) (Channel, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	timeout := time.Duration(c.Timeout)
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: timeout}
	}
	resolve := func(p string) string {
		if p == "" || filepath.IsAbs(p) || opts.BaseDir == "" {
			return p
		}
		return filepath.Join(opts.BaseDir, p)
	}
	switch c.Type {
	case "file":
		if c.Dir == "" {
			return nil, fmt.Errorf("channel %s: a file channel needs dir", c.Name)
		}
		return &fileChannel{dir: resolve(c.Dir)}, nil
	case "log":
		log := opts.Log
		if log == nil {
			log = stderrLogger{}
		}
		return &logChannel{name: c.Name, log: log}, nil
	case "email":
		return newEmail(c, opts, resolve)
	case "wecom", "dingtalk", "feishu", "webhook":
		url, err := secret(c, "url", c.URLEnv, resolve(c.URLFile), true)
		if err != nil {
			return nil, err
		}
		key, err := secret(c, "secret", c.SecretEnv, resolve(c.SecretFile), false)
		if err != nil {
			return nil, err
		}
		return newRobot(c.Name, c.Type, url, key, opts, timeout)
	case "robot":
		return newEnterpriseRobot(c.Name, opts, timeout), nil
	}
	return nil, fmt.Errorf("channel %s: unknown type %q (want one of %s)", c.Name, c.Type, strings.Join(Types, ", "))
}

// secret reads one of a channel's secrets; what names it in errors
// (password, url, secret).
func secret(c *config.Channel, what, env, file string, required bool) (string, error) {
	if env == "" && file == "" {
		if required {
			return "", fmt.Errorf("channel %s: no %s: set %s_env or %s_file", c.Name, what, what, what)
		}
		return "", nil
	}
	v, err := config.Secret(env, file)
	if err != nil {
		if env != "" {
			return "", fmt.Errorf("channel %s: %s from environment variable %s: not set", c.Name, what, env)
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return "", fmt.Errorf("channel %s: %s from file %s: %v", c.Name, what, file, err)
	}
	if v == "" {
		where := "file " + file
		if env != "" {
			where = "environment variable " + env
		}
		return "", fmt.Errorf("channel %s: %s from %s is empty", c.Name, what, where)
	}
	return v, nil
}

// maskedError is an error whose text had secrets masked. It does not
// unwrap: what it wraps may show them.
type maskedError struct{ msg string }

func (e *maskedError) Error() string { return e.msg }

// errorf formats a delivery error of remindd's own words (channel, step,
// masked address) followed, when cause is not nil, by cause's text, which
// a server or library wrote: that part is masked with m and cut short.
func errorf(m masker, cause error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if cause != nil {
		msg += ": " + clip(m.mask(oneLine(m.mask(cause.Error()))), maxCauseLen)
	}
	return &maskedError{msg: msg}
}

// maxCauseLen bounds, in characters, what an error keeps of the text a
// server or library gave.
const maxCauseLen = 200

// clip cuts s to n characters, marking the cut.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// stderrLogger writes log lines to standard error when no logger is given.
type stderrLogger struct{}

func (stderrLogger) Log(msg string, fields map[string]any) {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(msg)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, fmt.Sprint(fields[k]))
	}
	fmt.Fprintln(os.Stderr, b.String())
}
