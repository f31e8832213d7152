package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"

	"remindd/config"
)

// emailChannel sends messages over SMTP with go-mail: STARTTLS or implicit
// TLS, AUTH PLAIN or LOGIN, one connection for a batch, kept for the next
// batch until CloseIdle (a drain of the outbox sends all its batches on one
// connection, and closes it when done).
type emailChannel struct {
	name     string
	host     string
	port     int
	tls      string // starttls, implicit, none
	username string
	password string
	from     string
	fromName string
	timeout  time.Duration
	now      func() time.Time
	tlsConf  *tls.Config

	mu   sync.Mutex
	idle *mail.Client // the last batch's connection, open, or nil
}

func newEmail(c *config.Channel, opts Options, resolve func(string) string) (*emailChannel, error) {
	e := &emailChannel{
		name: c.Name, host: c.Host, port: c.Port, tls: c.TLS, username: c.Username,
		from: c.From, fromName: c.FromName, timeout: time.Duration(c.Timeout), now: opts.Now,
	}
	if e.host == "" {
		return nil, fmt.Errorf("channel %s: an email channel needs host", c.Name)
	}
	if e.from == "" {
		return nil, fmt.Errorf("channel %s: an email channel needs from", c.Name)
	}
	if e.tls == "" {
		e.tls = "starttls"
	}
	if e.tls != "starttls" && e.tls != "implicit" && e.tls != "none" {
		return nil, fmt.Errorf("channel %s: tls must be starttls, implicit or none, not %q", c.Name, e.tls)
	}
	if e.port == 0 {
		e.port = map[string]int{"starttls": 587, "implicit": 465, "none": 25}[e.tls]
	}
	if e.timeout <= 0 {
		e.timeout = DefaultTimeout
	}
	if e.username != "" {
		if c.PasswordEnv == "" && c.PasswordFile == "" {
			return nil, fmt.Errorf("channel %s: username is set but no password_env or password_file", c.Name)
		}
		pw, err := secret(c, "password", c.PasswordEnv, resolve(c.PasswordFile), true)
		if err != nil {
			return nil, err
		}
		e.password = pw
	}
	if opts.TLSConfig != nil {
		e.tlsConf = opts.TLSConfig.Clone()
	} else {
		e.tlsConf = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if e.tlsConf.ServerName == "" {
		e.tlsConf.ServerName = e.host
	}
	return e, nil
}

func (e *emailChannel) addr() string { return net.JoinHostPort(e.host, strconv.Itoa(e.port)) }

// client builds a go-mail client for one batch.
func (e *emailChannel) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithTimeout(e.timeout), mail.WithTLSConfig(e.tlsConf)}
	switch e.tls {
	case "implicit":
		opts = append(opts, mail.WithSSLPort(false), mail.WithPort(e.port))
	case "none":
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS), mail.WithPort(e.port))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithPort(e.port))
	}
	if e.username != "" {
		// PLAIN and LOGIN send the password as it is: go-mail refuses them
		// on an unencrypted connection unless the NoEnc variant is chosen,
		// which only an explicit tls: none does.
		mechs := []mail.SMTPAuthType{mail.SMTPAuthPlain, mail.SMTPAuthLogin}
		if e.tls == "none" {
			mechs = []mail.SMTPAuthType{mail.SMTPAuthPlainNoEnc, mail.SMTPAuthLoginNoEnc}
		}
		opts = append(opts, mail.WithOpportunisticSMTPAuth(mechs...),
			mail.WithUsername(e.username), mail.WithPassword(e.password))
	}
	return mail.NewClient(e.host, opts...)
}

// Send delivers a batch over one connection, redialling once if the server
// dropped it between messages.
func (e *emailChannel) Send(ctx context.Context, batch []Message) []error {
	errs := make([]error, len(batch))
	msgs := make([]*mail.Msg, len(batch))
	pending := 0
	now := e.now()
	for i, m := range batch {
		msg, err := e.message(m, now)
		if err != nil {
			errs[i] = err
			continue
		}
		msgs[i] = msg
		pending++
	}
	if pending == 0 {
		return errs
	}
	c, err := e.connect(ctx)
	if err != nil {
		return fill(errs, err)
	}
	healthy := true
	for i, msg := range msgs {
		if msg == nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			errs[i] = temporary(fmt.Errorf("channel %s: not sent: %w", e.name, err))
			continue
		}
		err := c.Send(msg)
		var se *mail.SendError
		if errors.As(err, &se) && se.Reason == mail.ErrConnCheck {
			// The connection went stale (the server closed it while idle,
			// or go-mail's deadline, refreshed per Send and not per
			// message, passed): dial again, once.
			_ = c.Close() // the connection is already gone; its QUIT has nothing to report
			if derr := c.DialWithContext(ctx); derr != nil {
				return fill(errs, e.dialError(derr))
			}
			err = c.Send(msg)
		}
		healthy = err == nil
		if err != nil && msg.IsDelivered() {
			// The server accepted the message at the end of DATA; what
			// failed is the reset after it. The next message redials.
			err = nil
		}
		if err != nil {
			errs[i] = e.sendError(err, batch[i])
		}
	}
	// Every message was accepted at the end of its DATA (or has its own
	// error); a failing QUIT changes nothing about what was delivered.
	e.release(c, healthy)
	return errs
}

// connect returns the connection the last batch left open, or dials one.
// Its error is an *Error.
func (e *emailChannel) connect(ctx context.Context) (*mail.Client, error) {
	if c := e.takeIdle(); c != nil {
		return c, nil
	}
	c, err := e.client()
	if err != nil {
		return nil, permanent(e.scrubber().wrap(err, "channel %s: smtp %s: configure client", e.name, e.addr()))
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, e.dialError(err)
	}
	return c, nil
}

// takeIdle takes the connection kept for the next batch, or nil.
func (e *emailChannel) takeIdle() *mail.Client {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.idle
	e.idle = nil
	return c
}

// release keeps a healthy connection for the next batch, unless one is kept
// already, and closes it otherwise.
func (e *emailChannel) release(c *mail.Client, healthy bool) {
	e.mu.Lock()
	if healthy && e.idle == nil {
		e.idle = c
		c = nil
	}
	e.mu.Unlock()
	if c != nil {
		_ = c.Close()
	}
}

// closeIdle closes the connection kept for the next batch, if any.
func (e *emailChannel) closeIdle() {
	if c := e.takeIdle(); c != nil {
		_ = c.Close() // everything sent on it was accepted already
	}
}

// fill answers every message not yet failed with err.
func fill(errs []error, err error) []error {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
	return errs
}

// message builds the e-mail for m: UTF-8 subject and sender name, a stable
// Message-ID from the dedup key, text with an HTML alternative, and an .ics
// attachment when m has deadlines.
func (e *emailChannel) message(m Message, now time.Time) (*mail.Msg, error) {
	// Base64 carries Chinese text in a third of quoted-printable's size.
	msg := mail.NewMsg(mail.WithEncoding(mail.EncodingB64))
	if err := msg.FromFormat(oneLine(e.fromName), e.from); err != nil {
		return nil, permanent(fmt.Errorf("channel %s: sender %q: %w", e.name, e.from, err))
	}
	if err := msg.AddToFormat(oneLine(m.Name), strings.TrimSpace(m.To)); err != nil || m.To == "" {
		return nil, permanent(fmt.Errorf("channel %s: message %s: bad recipient address %q", e.name, oneLine(m.Key), oneLine(m.To)))
	}
	msg.Subject(oneLine(m.Subject))
	msg.SetMessageIDWithValue(MessageID(m.Key))
	msg.SetDateWithValue(now)
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	msg.SetGenHeader(mail.Header("X-Remindd-Key"), oneLine(m.Key))
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if len(m.Events) > 0 {
		err := msg.AttachReader(ICS, bytes.NewReader(Calendar(m.Events, now)),
			mail.WithFileContentType(mail.ContentType(ICSContentType)))
		if err != nil {
			return nil, permanent(fmt.Errorf("channel %s: message %s: attach calendar: %w", e.name, oneLine(m.Key), err))
		}
	}
	return msg, nil
}

// MessageID is the Message-ID (without angle brackets) of the e-mail for a
// dedup key: the same key always gives the same ID, so a resent message is
// recognisably the same one.
func MessageID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return hex.EncodeToString(sum[:])[:32] + "@remindd"
}

func (e *emailChannel) scrubber() scrubber {
	if e.password == "" {
		return nil
	}
	return scrubber{e.password,
		base64.StdEncoding.EncodeToString([]byte("\x00" + e.username + "\x00" + e.password)),
		base64.StdEncoding.EncodeToString([]byte(e.password))}
}

// dialError says which step of setting up the connection failed (connect,
// TLS, STARTTLS, certificate, AUTH); go-mail's error, which follows, holds
// what the server answered.
func (e *emailChannel) dialError(err error) error {
	step, temp := "connect", true
	msg := err.Error()
	var (
		verr  *tls.CertificateVerificationError
		uaerr x509.UnknownAuthorityError
		herr  x509.HostnameError
		cerr  x509.CertificateInvalidError
		rerr  tls.RecordHeaderError
		aerr  tls.AlertError
		operr *net.OpError
	)
	switch {
	case errors.As(err, &verr), errors.As(err, &uaerr), errors.As(err, &herr), errors.As(err, &cerr):
		step, temp = "STARTTLS certificate", false
		if e.tls == "implicit" {
			step = "TLS certificate"
		}
	case strings.Contains(msg, "AUTH") || errors.Is(err, mail.ErrPlainAuthNotSupported) ||
		errors.Is(err, mail.ErrLoginAuthNotSupported) || errors.Is(err, mail.ErrNoSupportedAuthDiscovered):
		step = "AUTH as " + e.username
		temp = false
	case strings.Contains(msg, "STARTTLS"):
		step, temp = "STARTTLS", false
	case errors.As(err, &rerr), errors.As(err, &aerr):
		step = "TLS handshake"
		if e.tls != "implicit" {
			step = "STARTTLS handshake"
		}
	case errors.As(err, &operr) && operr.Op == "dial":
		step = "connect"
	}
	if code := smtpCode(err); code != 0 {
		temp = code >= 400 && code < 500
	}
	return &Error{Temporary: temp,
		Err: e.scrubber().wrap(err, "channel %s: smtp %s: %s failed", e.name, e.addr(), step)}
}

// sendError classifies the failure of one message: 4xx temporary, 5xx and
// a refused address permanent, a dropped connection temporary.
func (e *emailChannel) sendError(err error, m Message) error {
	temp := true
	var se *mail.SendError
	step := "send"
	if errors.As(err, &se) {
		switch se.Reason {
		case mail.ErrSMTPMailFrom:
			step = "MAIL FROM " + e.from
		case mail.ErrSMTPRcptTo:
			step = "RCPT TO " + oneLine(m.To)
		case mail.ErrSMTPData, mail.ErrSMTPDataClose, mail.ErrWriteContent:
			step = "DATA"
		case mail.ErrGetRcpts, mail.ErrGetSender:
			temp = false
		}
		if code := se.ErrorCode(); code != 0 {
			temp = se.IsTemp()
		}
	}
	if code := smtpCode(err); code >= 500 {
		temp = false
	}
	return &Error{Temporary: temp,
		Err: e.scrubber().wrap(err, "channel %s: smtp %s: message %s: %s failed", e.name, e.addr(), oneLine(m.Key), step)}
}

// smtpCode is the reply code of the server's answer in err, or 0.
func smtpCode(err error) int {
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	return 0
}
