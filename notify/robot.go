package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/render"
)

// vendor is one kind of robot or webhook, with all remindd knows of it: how
// its URLs look, its rate limits, how to build and sign a request, and what
// its answers mean. Each has its own file: wecom.go, dingtalk.go, feishu.go,
// webhook.go.
type vendor struct {
	name  string   // the channel type: wecom, dingtalk, feishu or webhook
	hosts []string // the hosts of its webhook URLs (VendorOf)
	// rates are its documented limits per robot, kept before sending, so
	// that a burst is answered with a time to retry instead of a block.
	rates []rate
	// backoff is how long to wait after an answer code that says the
	// robot's rate limit was reached.
	backoff time.Duration
	// request builds the request for one message in the vendor's format:
	// where to post (signed when the endpoint has a secret), the body and
	// the headers.
	request func(ep endpoint, m render.Message, now time.Time) (*url.URL, []byte, http.Header, error)
	// code reads the error code of an HTTP 200 answer and names its
	// field; nil when a 2xx is success whatever the answer says.
	code func(answer []byte) (code *int, field string, err error)
	// codes are the error codes the vendor documents; every other non-zero
	// code is refused for good as robot-refused.
	codes map[int]answerCode
}

// vendors are the vendors by channel type.
var vendors = map[string]*vendor{kindWeCom: &wecom, kindDingTalk: &dingtalk, kindFeishu: &feishu, kindWebhook: &webhook}

// answerCode is what a robot vendor's error code means: its class, a short
// meaning for the operator, and whether trying again later may help. The
// meaning is remindd's own: a vendor's errmsg is not kept, as a server or
// proxy may echo the key in it.
type answerCode struct {
	class     Class
	meaning   string
	temporary bool
}

// jsonHeader is the header of a request with a JSON body.
func jsonHeader() http.Header {
	return http.Header{"Content-Type": {"application/json; charset=utf-8"}}
}

// robotMarkdown is the message's markdown within WeCom's limit, or its
// subject when it has none: what the chat robots show.
func robotMarkdown(m render.Message) string {
	md := m.Markdown
	if strings.TrimSpace(md) == "" {
		md = "**" + render.MarkdownText(m.Subject) + "**"
	}
	return render.FitMarkdown(md, render.MarkdownLimit)
}

// endpoint is one robot or webhook: its vendor, where to post, and the
// signing secret if any.
type endpoint struct {
	vendor *vendor
	url    *url.URL
	secret string
}

// masker masks the parts of the endpoint that must not appear in errors or
// logs: what MaskAddress hides of its URL, and the signing secret.
func (ep endpoint) masker() masker { return newMasker(urlSecrets(ep.url)...).with(ep.secret) }

// poster posts messages to robots and webhooks under per-endpoint rate
// limits.
type poster struct {
	channel string
	client  *http.Client
	now     func() time.Time
	timeout time.Duration
	limiter *limiter
}

// deliver posts one message to ep. Its errors name the channel, the vendor
// and the masked URL, then what went wrong in remindd's words: the HTTP
// status, the vendor's code and what it means. A robot's answer body is
// never kept: a server or proxy may echo the key in it, in any encoding.
func (p *poster) deliver(ctx context.Context, ep endpoint, m render.Message) error {
	where := fmt.Sprintf("channel %s: %s %s", p.channel, ep.vendor.name, maskURL(ep.url))
	now := p.now()
	if rates := ep.vendor.rates; len(rates) > 0 {
		if wait, ok := p.limiter.take(ep.url.String(), now, rates); !ok {
			return &Error{Temporary: true, RetryAfter: wait, Class: ClassRobotRate,
				Err: fmt.Errorf("%s: rate limit reached, retry after %s", where, wait.Round(time.Second))}
		}
	}
	target, body, header, err := ep.vendor.request(ep, m, now)
	if err != nil {
		return permanent(ClassMessage, errorf(ep.masker(), err, "%s: build request", where))
	}
	status, answer, retry, err := p.post(ctx, target, body, header)
	if err != nil {
		var cert x509.UnknownAuthorityError
		var host x509.HostnameError
		var inv x509.CertificateInvalidError
		var verr *tls.CertificateVerificationError
		e := &Error{Temporary: true, Class: ClassRobotConnect, Err: errorf(ep.masker(), err, "%s: post", where)}
		if errors.As(err, &cert) || errors.As(err, &host) || errors.As(err, &inv) || errors.As(err, &verr) {
			e.Temporary, e.Class = false, ClassRobotTLS
		}
		return e
	}
	switch {
	case status == http.StatusTooManyRequests:
		if retry == 0 {
			retry = time.Minute
		}
		return &Error{Temporary: true, RetryAfter: retry, Class: ClassRobotRate, Err: httpError(where, status, answer)}
	case status >= 500:
		return &Error{Temporary: true, RetryAfter: retry, Class: ClassRobotServer, Err: httpError(where, status, answer)}
	case status == http.StatusUnauthorized || status == http.StatusForbidden || status == http.StatusNotFound:
		return permanent(ClassRobotKey, httpError(where, status, answer))
	case status < 200 || status > 299:
		return permanent(ClassRobotRefused, httpError(where, status, answer))
	}
	return ep.vendor.answer(answer, where)
}

// httpError says what status a robot answered, without its answer.
func httpError(where string, status int, answer []byte) error {
	return fmt.Errorf("%s: HTTP %d %s (answer of %d bytes not kept)", where, status, http.StatusText(status), len(answer))
}

// answer reads the error code a robot puts in an HTTP 200 answer and says
// what it means; the vendor's message is not kept.
func (v *vendor) answer(answer []byte, where string) error {
	if v.code == nil {
		return nil
	}
	code, name, err := v.code(answer)
	if err != nil {
		return permanent(ClassRobotAnswer, fmt.Errorf("%s: HTTP 200 with an answer that is not %s's JSON (%d bytes, not kept)", where, v.name, len(answer)))
	}
	if code == nil {
		return permanent(ClassRobotAnswer, fmt.Errorf("%s: HTTP 200 with an answer without %s (%d bytes, not kept)", where, name, len(answer)))
	}
	if *code == 0 {
		return nil
	}
	c, known := v.codes[*code]
	if !known {
		c = answerCode{ClassRobotRefused, "unknown code: see the vendor's documentation", false}
	}
	err = fmt.Errorf("%s: %s %d (%s)", where, name, *code, c.meaning)
	if c.temporary {
		return &Error{Temporary: true, RetryAfter: v.backoff, Class: c.class, Err: err}
	}
	return permanent(c.class, err)
}

// errcode reads the errcode field WeCom and DingTalk answer with.
func errcode(answer []byte) (*int, string, error) {
	var a struct {
		ErrCode *int `json:"errcode"`
	}
	err := json.Unmarshal(answer, &a)
	return a.ErrCode, "errcode", err
}

// post sends body and returns the status, the answer's start and any
// Retry-After it gave. A transport error never carries the URL.
func (p *poster) post(ctx context.Context, target *url.URL, body []byte, header http.Header) (int, []byte, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, errors.New("bad URL")
	}
	req.Header = header
	resp, err := p.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its message holds the full URL
		}
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("read answer: %w", err)
	}
	var retry time.Duration
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
		retry = time.Duration(s) * time.Second
	}
	return resp.StatusCode, answer, retry, nil
}

// robotChannel posts every message to one configured robot or webhook.
type robotChannel struct {
	poster *poster
	ep     endpoint
}

func newRobot(name, kind, rawURL, secret string, opts Options, timeout time.Duration) (*robotChannel, error) {
	v, ok := vendors[kind]
	if !ok {
		return nil, fmt.Errorf("channel %s: %q is not a robot type", name, kind)
	}
	u, err := parseEndpointURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %s URL: %w", name, kind, err)
	}
	return &robotChannel{
		poster: &poster{channel: name, client: opts.HTTPClient, now: opts.Now, timeout: timeout, limiter: newLimiter()},
		ep:     endpoint{vendor: v, url: u, secret: secret},
	}, nil
}

func (c *robotChannel) Send(ctx context.Context, batch []render.Message) []error {
	return collect(batch, func(done func(int, error)) { c.sendEach(ctx, batch, done) })
}

func (c *robotChannel) sendEach(ctx context.Context, batch []render.Message, done func(int, error)) {
	for i, m := range batch {
		if err := ctx.Err(); err != nil {
			done(i, temporary(ClassInterrupted, fmt.Errorf("channel %s: not sent: %w", c.poster.channel, err)))
			continue
		}
		done(i, c.poster.deliver(ctx, c.ep, m))
	}
}

// enterpriseRobot posts each message to the robot webhook in its To, the
// address an enterprise gave; the vendor follows from the host. There is no
// signing: enterprises give only a URL.
type enterpriseRobot struct {
	poster *poster
}

func newEnterpriseRobot(name string, opts Options, timeout time.Duration) *enterpriseRobot {
	return &enterpriseRobot{poster: &poster{channel: name, client: opts.HTTPClient, now: opts.Now, timeout: timeout, limiter: newLimiter()}}
}

func (c *enterpriseRobot) Send(ctx context.Context, batch []render.Message) []error {
	return collect(batch, func(done func(int, error)) { c.sendEach(ctx, batch, done) })
}

func (c *enterpriseRobot) sendEach(ctx context.Context, batch []render.Message, done func(int, error)) {
	for i, m := range batch {
		if err := ctx.Err(); err != nil {
			done(i, temporary(ClassInterrupted, fmt.Errorf("channel %s: not sent: %w", c.poster.channel, err)))
			continue
		}
		u, err := parseEndpointURL(m.To)
		if err != nil {
			done(i, permanent(ClassAddress, fmt.Errorf("channel %s: message %s: robot address %q: %w",
				c.poster.channel, oneLine(m.Key), MaskAddress(m.To), err)))
			continue
		}
		done(i, c.poster.deliver(ctx, endpoint{vendor: vendors[VendorOf(u)], url: u}, m))
	}
}

// VendorOf names the robot vendor a webhook URL belongs to, by its host:
// wecom, dingtalk, feishu, or webhook for any other.
func VendorOf(u *url.URL) string {
	host := strings.ToLower(u.Hostname())
	for _, v := range vendors {
		if slices.Contains(v.hosts, host) {
			return v.name
		}
	}
	return kindWebhook
}

// parseEndpointURL accepts an absolute http or https URL, as the config
// does a channel's (config.WebhookURL). Its errors never repeat the URL.
func parseEndpointURL(raw string) (*url.URL, error) { return config.WebhookURL(raw) }
