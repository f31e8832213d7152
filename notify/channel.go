// Package notify delivers rendered messages (render.Message) through
// channels: e-mail, WeCom, DingTalk and Feishu robots, a JSON webhook, a
// folder of files, or the log. Each robot vendor has its own file (its
// payload, signing, rate limit and answer codes): wecom.go, dingtalk.go,
// feishu.go, webhook.go.
//
// A Channel delivers a batch of messages and answers, for each, nil or an
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
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/render"
)

// Channel is one way of delivering messages.
type Channel interface {
	// Send delivers a batch; the result has one error (nil = delivered) per
	// message, in order. Every non-nil error is an *Error.
	Send(ctx context.Context, batch []render.Message) []error
}

// SendEach delivers batch through ch as Send does, and calls done once for
// each message, with its index and result, as soon as that is known: a
// deliverer can record a delivery the moment it happened, not when the
// whole batch is through. Every channel New builds tells as it goes; any
// other Channel tells all at the end of its Send.
func SendEach(ctx context.Context, ch Channel, batch []render.Message, done func(i int, err error)) {
	if s, ok := ch.(interface {
		sendEach(context.Context, []render.Message, func(int, error))
	}); ok {
		s.sendEach(ctx, batch, done)
		return
	}
	for i, err := range ch.Send(ctx, batch) {
		done(i, err)
	}
}

// collect is Send made of a channel's sendEach: the results in order.
func collect(batch []render.Message, sendEach func(done func(int, error))) []error {
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

// builders build each type of channel from its checked spec; a test holds
// them to config.ChannelKinds, type for type.
var builders = map[string]func(s config.ChannelSpec, opts Options) (Channel, error){
	config.TypeFile: func(s config.ChannelSpec, _ Options) (Channel, error) { return &fileChannel{dir: s.Dir}, nil },
	config.TypeLog: func(s config.ChannelSpec, opts Options) (Channel, error) {
		log := opts.Log
		if log == nil {
			log = stderrLogger{}
		}
		return &logChannel{name: s.Name, log: log}, nil
	},
	config.TypeEmail:    func(s config.ChannelSpec, opts Options) (Channel, error) { return newEmail(s, opts) },
	config.TypeWeCom:    newConfiguredRobot,
	config.TypeDingTalk: newConfiguredRobot,
	config.TypeFeishu:   newConfiguredRobot,
	config.TypeWebhook:  newConfiguredRobot,
	config.TypeRobot: func(s config.ChannelSpec, opts Options) (Channel, error) {
		return newEnterpriseRobot(s.Name, opts, time.Duration(s.Timeout)), nil
	},
}

func newConfiguredRobot(s config.ChannelSpec, opts Options) (Channel, error) {
	return newRobot(s.Name, s.Type, s.Secrets.URL, s.Secrets.Signing, opts, time.Duration(s.Timeout))
}

// New builds the channel c describes. It is checked first, through its
// kind, as config.Load checks it (config.Channel.Spec), and its secrets are
// read from the environment variable or file the config names; an error
// names the channel once and says what is wrong, never a secret's value.
func New(c *config.Channel, opts Options) (Channel, error) {
	s, err := c.Spec(opts.BaseDir)
	if err != nil {
		return nil, err
	}
	build, ok := builders[s.Type]
	if !ok {
		return nil, fmt.Errorf("channel %s: remindd cannot build a %s channel", s.Name, s.Type)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: time.Duration(s.Timeout)}
	}
	return build(s, opts)
}

// Channels builds every channel of the config, by name: how the daemon and
// check-config build them. The config's paths are those config.Load
// resolved against the config's folder (opts.BaseDir is not used). The
// error lists every channel that cannot be built.
func Channels(c *config.Config, opts Options) (map[string]Channel, error) {
	opts.BaseDir = ""
	out := make(map[string]Channel, len(c.Channels))
	var errs []error
	for i := range c.Channels {
		ch, err := New(&c.Channels[i], opts)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out[c.Channels[i].Name] = ch
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
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

// oneLine makes text from the outbox safe for a header or a log field, as
// the renderer does for what it writes.
func oneLine(s string) string { return render.OneLine(s) }

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
