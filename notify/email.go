package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/render"
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
	idle *smtpConn // the last batch's connection, open, or nil
}

// smtpConn is a go-mail client whose connection a cancelled Send closes.
type smtpConn struct {
	*mail.Client
	cut *interruptible
}

// newEmail builds an e-mail channel from its checked spec: its tls, port and
// timeout defaulted, its password read when it has a username.
func newEmail(s config.ChannelSpec, opts Options) (*emailChannel, error) {
	e := &emailChannel{
		name: s.Name, host: s.Host, port: s.Port, tls: s.TLS, username: s.Username, password: s.Secrets.Password,
		from: s.From, fromName: s.FromName, timeout: time.Duration(s.Timeout), now: opts.Now,
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
func (e *emailChannel) client() (*smtpConn, error) {
	cut := &interruptible{}
	if e.tls == "implicit" {
		cut.implicit = e.tlsConf
	}
	opts := []mail.Option{mail.WithTimeout(e.timeout), mail.WithTLSConfig(e.tlsConf), mail.WithDialContextFunc(cut.dial)}
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
	c, err := mail.NewClient(e.host, opts...)
	if err != nil {
		return nil, err
	}
	return &smtpConn{Client: c, cut: cut}, nil
}

// Send delivers a batch over one connection, redialling once if the server
// dropped it between messages. Cancelling ctx ends it at once, whatever
// the server does: the connection is closed under go-mail, and the message
// being sent and those after it are not sent (ClassInterrupted).
func (e *emailChannel) Send(ctx context.Context, batch []render.Message) []error {
	return collect(batch, func(done func(int, error)) { e.sendEach(ctx, batch, done) })
}

// sendEach is Send telling each message's result as soon as its DATA is
// answered. The connection is taken (or dialled) for the first message that
// builds; when it cannot be had, every message left is answered with why.
func (e *emailChannel) sendEach(ctx context.Context, batch []render.Message, done func(int, error)) {
	now := e.now()
	var (
		c       *smtpConn
		dialErr error
		healthy = true
	)
	for i, m := range batch {
		msg, err := e.message(m, now)
		if err != nil {
			done(i, err)
			continue
		}
		if dialErr != nil {
			done(i, dialErr)
			continue
		}
		if err := ctx.Err(); err != nil {
			done(i, temporary(ClassInterrupted, fmt.Errorf("channel %s: not sent: %w", e.name, err)))
			continue
		}
		if c == nil {
			if c, dialErr = e.connect(ctx); dialErr != nil {
				done(i, dialErr)
				continue
			}
		}
		err = c.Send(msg)
		var se *mail.SendError
		if errors.As(err, &se) && se.Reason == mail.ErrConnCheck && !c.cut.cut() {
			// The connection went stale (the server closed it while idle,
			// or go-mail's deadline, refreshed per Send and not per
			// message, passed): dial again, once.
			_ = c.Close() // the connection is already gone; its QUIT has nothing to report
			if derr := c.DialWithContext(ctx); derr != nil {
				c.cut.unwatch()
				dialErr, c = e.dialFailed(ctx, c, derr), nil
				done(i, dialErr)
				continue
			}
			err = c.Send(msg)
		}
		healthy = err == nil
		if err != nil && msg.IsDelivered() {
			// The server accepted the message at the end of DATA; what
			// failed is the reset after it. The next message redials.
			err = nil
		}
		switch {
		case err != nil && c.cut.cut():
			err = e.interrupted(ctx)
		case err != nil:
			err = e.sendError(err, m)
		}
		done(i, err)
	}
	// Every message was accepted at the end of its DATA (or has its own
	// error); a failing QUIT changes nothing about what was delivered.
	if c != nil {
		if c.cut.unwatch() {
			healthy = false // closed under go-mail
		}
		e.release(c, healthy)
	}
}

// connect returns the connection the last batch left open, or dials one,
// watched by ctx (Send unwatches it). Its error is an *Error.
func (e *emailChannel) connect(ctx context.Context) (*smtpConn, error) {
	if c := e.takeIdle(); c != nil {
		c.cut.watch(ctx)
		return c, nil
	}
	c, err := e.client()
	if err != nil {
		return nil, permanent(ClassSMTPConnect, errorf(e.masker(), err, "channel %s: smtp %s: configure client", e.name, e.addr()))
	}
	c.cut.watch(ctx)
	if err := c.DialWithContext(ctx); err != nil {
		c.cut.unwatch()
		return nil, e.dialFailed(ctx, c, err)
	}
	return c, nil
}

// dialFailed is the error of a failed dial: interrupted when ctx was
// cancelled meanwhile, or what dialError says.
func (e *emailChannel) dialFailed(ctx context.Context, c *smtpConn, err error) error {
	if c.cut.cut() || ctx.Err() != nil {
		return e.interrupted(ctx)
	}
	return e.dialError(err)
}

// interrupted is the error of a message not sent because ctx was cancelled.
func (e *emailChannel) interrupted(ctx context.Context) error {
	return temporary(ClassInterrupted, fmt.Errorf("channel %s: smtp %s: not sent: %w", e.name, e.addr(), context.Cause(ctx)))
}

// takeIdle takes the connection kept for the next batch, or nil.
func (e *emailChannel) takeIdle() *smtpConn {
	e.mu.Lock()
	defer e.mu.Unlock()
	c := e.idle
	e.idle = nil
	return c
}

// release keeps a healthy connection for the next batch, unless one is kept
// already, and closes it otherwise.
func (e *emailChannel) release(c *smtpConn, healthy bool) {
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

// message builds the e-mail for m: UTF-8 subject and sender name, a stable
// Message-ID from the dedup key, text with an HTML alternative, an .ics
// attachment when m has deadlines, and m's own attachments (see attach).
func (e *emailChannel) message(m render.Message, now time.Time) (*mail.Msg, error) {
	// Base64 carries Chinese text in a third of quoted-printable's size.
	msg := mail.NewMsg(mail.WithEncoding(mail.EncodingB64))
	if err := msg.FromFormat(oneLine(e.fromName), e.from); err != nil {
		return nil, permanent(ClassSMTPSender, errorf(e.masker(), err, "channel %s: sender %q", e.name, e.from))
	}
	if err := msg.AddToFormat(oneLine(m.Name), strings.TrimSpace(m.To)); err != nil || m.To == "" {
		return nil, permanent(ClassAddress, fmt.Errorf("channel %s: message %s: bad recipient address %q", e.name, oneLine(m.Key), MaskAddress(m.To)))
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
		err := msg.AttachReader(render.ICS, bytes.NewReader(render.Calendar(m.Events, now)),
			mail.WithFileContentType(mail.ContentType(render.ICSContentType)))
		if err != nil {
			return nil, permanent(ClassMessage, fmt.Errorf("channel %s: message %s: attach calendar: %w", e.name, oneLine(m.Key), err))
		}
	}
	if err := attach(msg, m); err != nil {
		return nil, permanent(ClassMessage, fmt.Errorf("channel %s: message %s: %w", e.name, oneLine(m.Key), err))
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

// masker masks the password, alone and in the AUTH PLAIN exchange, in
// whatever the server or go-mail says.
func (e *emailChannel) masker() masker {
	if e.password == "" {
		return masker{}
	}
	return newMasker(e.password, "\x00"+e.username+"\x00"+e.password, e.username+"\x00"+e.password)
}

// dialError says which step of setting up the connection failed (connect,
// TLS, STARTTLS, certificate, AUTH), then the server's reply (its code,
// enhanced code and a short text, any secret masked) or go-mail's error.
func (e *emailChannel) dialError(err error) error {
	step, temp, class := "connect", true, ClassSMTPConnect
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
		step, temp, class = "STARTTLS certificate", false, ClassSMTPTLS
		if e.tls == "implicit" {
			step = "TLS certificate"
		}
	case strings.Contains(msg, "AUTH") || errors.Is(err, mail.ErrPlainAuthNotSupported) ||
		errors.Is(err, mail.ErrLoginAuthNotSupported) || errors.Is(err, mail.ErrNoSupportedAuthDiscovered):
		step, temp, class = "AUTH as "+e.username, false, ClassSMTPAuth
	case strings.Contains(msg, "STARTTLS"):
		step, temp, class = "STARTTLS", false, ClassSMTPTLS
	case errors.As(err, &rerr), errors.As(err, &aerr):
		step, class = "TLS handshake", ClassSMTPTLS
		if e.tls != "implicit" {
			step = "STARTTLS handshake"
		}
	case errors.As(err, &operr) && operr.Op == "dial":
		step = "connect"
	}
	if code := smtpCode(err); code != 0 {
		temp = code >= 400 && code < 500
	}
	return &Error{Temporary: temp, Class: class,
		Err: e.replyError(err, "channel %s: smtp %s: %s failed", e.name, e.addr(), step)}
}

// sendError classifies the failure of one message: 4xx temporary, 5xx and
// a refused address permanent, a dropped connection temporary.
func (e *emailChannel) sendError(err error, m render.Message) error {
	temp, class := true, ClassSMTPConnect
	var se *mail.SendError
	step := "send"
	if errors.As(err, &se) {
		switch se.Reason {
		case mail.ErrSMTPMailFrom:
			step, class = "MAIL FROM "+e.from, ClassSMTPSender
		case mail.ErrSMTPRcptTo:
			step, class = "RCPT TO "+MaskAddress(m.To), ClassSMTPRecipient
		case mail.ErrSMTPData, mail.ErrSMTPDataClose, mail.ErrWriteContent:
			step, class = "DATA", ClassSMTPMessage
		case mail.ErrGetRcpts, mail.ErrGetSender:
			temp, class = false, ClassAddress
		}
		if code := se.ErrorCode(); code != 0 {
			temp = se.IsTemp()
		}
	}
	if code := smtpCode(err); code >= 500 {
		temp = false
	}
	return &Error{Temporary: temp, Class: class,
		Err: e.replyError(err, "channel %s: smtp %s: message %s: %s failed", e.name, e.addr(), oneLine(m.Key), step)}
}

// replyError is remindd's words, then what the server replied: its code,
// enhanced code and the start of its text, masked; or, when err holds no
// reply, go-mail's error, masked and cut short.
func (e *emailChannel) replyError(err error, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	code, enhanced, text, ok := serverReply(err)
	if !ok {
		return errorf(e.masker(), err, "%s", msg)
	}
	msg += fmt.Sprintf(": %d", code)
	if enhanced != "" {
		msg += " " + enhanced
	}
	if text = clip(e.masker().mask(oneLine(e.masker().mask(text))), maxReplyLen); text != "" {
		msg += " " + text
	}
	return &maskedError{msg: msg}
}

// maxReplyLen bounds, in characters, what an error keeps of an SMTP
// server's reply text.
const maxReplyLen = 120

// enhancedCode is an RFC 3463 enhanced status code at the start of a reply.
var enhancedCode = regexp.MustCompile(`^[245]\.\d{1,3}\.\d{1,3}\b`)

// serverReply finds the SMTP server's reply in err: its code, its enhanced
// code if it gave one, and its text.
func serverReply(err error) (code int, enhanced, text string, ok bool) {
	var te *textproto.Error
	var se *mail.SendError
	switch {
	case errors.As(err, &te):
		code, text = te.Code, te.Msg
	case errors.As(err, &se) && se.ErrorCode() != 0:
		// go-mail's SendError does not unwrap: its text is "reason: CODE
		// TEXT[, …][, affected recipient(s): …][, affected message ID: …]".
		code = se.ErrorCode()
		s := se.Error()
		i := strings.Index(s, ": "+strconv.Itoa(code)+" ")
		if i < 0 {
			return code, "", "", true
		}
		text = s[i+len(": "+strconv.Itoa(code)+" "):]
		if j := strings.Index(text, ", affected "); j >= 0 {
			text = text[:j]
		}
		// textproto.Error quotes the text (CODE "TEXT").
		if q, err := strconv.QuotedPrefix(text); err == nil {
			text, _ = strconv.Unquote(q)
		}
	default:
		return 0, "", "", false
	}
	text = strings.TrimSpace(text)
	if enhanced = enhancedCode.FindString(text); enhanced != "" {
		text = strings.TrimSpace(text[len(enhanced):])
	}
	return code, enhanced, text, true
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
