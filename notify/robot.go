package notify

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Robot kinds.
const (
	kindWeCom    = "wecom"
	kindDingTalk = "dingtalk"
	kindFeishu   = "feishu"
	kindWebhook  = "webhook"
)

// endpoint is one robot or webhook: where to post, how, and the signing
// secret if any.
type endpoint struct {
	kind   string
	url    *url.URL
	secret string
}

// secrets are the parts of the endpoint that must not appear in errors or
// logs: the URL, its query values and token-like path segments, the secret.
func (ep endpoint) secrets() scrubber {
	sc := scrubber{ep.secret}
	if full := ep.url.String(); full != redactURL(ep.url) {
		sc = append(sc, full)
	}
	for _, vs := range ep.url.Query() {
		sc = append(sc, vs...)
	}
	for _, seg := range strings.Split(ep.url.EscapedPath(), "/") {
		if tokenLike(seg) {
			sc = append(sc, seg)
		}
	}
	return sc
}

// poster posts messages to robots and webhooks under per-endpoint rate
// limits.
type poster struct {
	channel string
	client  *http.Client
	now     func() time.Time
	timeout time.Duration
	limiter *limiter
}

// Rate limits per robot, as the vendors document them.
var robotRates = map[string][]rate{
	kindWeCom:    {{20, time.Minute}},
	kindDingTalk: {{20, time.Minute}},
	kindFeishu:   {{5, time.Second}, {100, time.Minute}},
}

// Vendor error codes that mean "slow down" or "try later"; every other
// non-zero code (bad key, token, signature, payload) is permanent.
var (
	wecomTemporary    = map[int]bool{-1: true, 45009: true, 45033: true}
	dingtalkTemporary = map[int]bool{-1: true, 130101: true, 410100: true}
	feishuTemporary   = map[int]bool{9499: true, 11232: true, 11233: true}
)

// How long a vendor's rate-limit answer asks to wait.
var vendorBackoff = map[string]time.Duration{
	kindWeCom:    time.Minute,
	kindDingTalk: 10 * time.Minute, // DingTalk blocks a robot for 10 minutes
	kindFeishu:   time.Minute,
}

// deliver posts one message to ep.
func (p *poster) deliver(ctx context.Context, ep endpoint, m Message) error {
	sc := ep.secrets()
	where := fmt.Sprintf("channel %s: %s %s", p.channel, ep.kind, redactURL(ep.url))
	now := p.now()
	if rates := robotRates[ep.kind]; len(rates) > 0 {
		if wait, ok := p.limiter.take(ep.url.String(), now, rates); !ok {
			return &Error{Temporary: true, RetryAfter: wait,
				Err: fmt.Errorf("%s: rate limit reached, retry after %s", where, wait.Round(time.Second))}
		}
	}
	target, body, header, err := request(ep, m, now)
	if err != nil {
		return permanent(sc.wrap(err, "%s: build request", where))
	}
	status, answer, retry, err := p.post(ctx, target, body, header)
	if err != nil {
		var cert x509.UnknownAuthorityError
		var host x509.HostnameError
		var inv x509.CertificateInvalidError
		e := &Error{Temporary: true, Err: sc.wrap(err, "%s: post", where)}
		if errors.As(err, &cert) || errors.As(err, &host) || errors.As(err, &inv) {
			e.Temporary = false
		}
		return e
	}
	switch {
	case status == http.StatusTooManyRequests:
		if retry == 0 {
			retry = time.Minute
		}
		return &Error{Temporary: true, RetryAfter: retry,
			Err: sc.wrap(nil, "%s: HTTP %d: %s", where, status, snippet(answer))}
	case status >= 500:
		return &Error{Temporary: true, RetryAfter: retry,
			Err: sc.wrap(nil, "%s: HTTP %d: %s", where, status, snippet(answer))}
	case status < 200 || status > 299:
		return permanent(sc.wrap(nil, "%s: HTTP %d: %s", where, status, snippet(answer)))
	}
	return vendorAnswer(ep.kind, answer, where, sc)
}

// vendorAnswer reads the error code a robot puts in an HTTP 200 answer.
func vendorAnswer(kind string, answer []byte, where string, sc scrubber) error {
	if kind == kindWebhook {
		return nil
	}
	var a struct {
		ErrCode    *int   `json:"errcode"`
		ErrMsg     string `json:"errmsg"`
		Code       *int   `json:"code"`
		Msg        string `json:"msg"`
		StatusCode *int   `json:"StatusCode"`
	}
	if err := json.Unmarshal(answer, &a); err != nil {
		return permanent(sc.wrap(nil, "%s: unexpected answer: %s", where, snippet(answer)))
	}
	var code *int
	var msg, name string
	temp := map[int]bool{}
	switch kind {
	case kindWeCom:
		code, msg, name, temp = a.ErrCode, a.ErrMsg, "errcode", wecomTemporary
	case kindDingTalk:
		code, msg, name, temp = a.ErrCode, a.ErrMsg, "errcode", dingtalkTemporary
	case kindFeishu:
		code, msg, name, temp = a.Code, a.Msg, "code", feishuTemporary
		if code == nil {
			code = a.StatusCode
		}
	}
	if code == nil {
		return permanent(sc.wrap(nil, "%s: answer without %s: %s", where, name, snippet(answer)))
	}
	if *code == 0 {
		return nil
	}
	err := sc.wrap(nil, "%s: %s %d: %s", where, name, *code, oneLine(msg))
	if temp[*code] {
		return &Error{Temporary: true, RetryAfter: vendorBackoff[kind], Err: err}
	}
	return permanent(err)
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

// snippet is the start of an answer, on one line, for an error message.
func snippet(b []byte) string {
	s := oneLine(string(b))
	if len(s) > 200 {
		s = truncateBytes(s, 200) + "…"
	}
	if s == "" {
		return "(empty answer)"
	}
	return s
}

// robotChannel posts every message to one configured robot or webhook.
type robotChannel struct {
	poster *poster
	ep     endpoint
}

func newRobot(name, kind, rawURL, secret string, opts Options, timeout time.Duration) (*robotChannel, error) {
	u, err := parseEndpointURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("channel %s: %s URL: %w", name, kind, err)
	}
	return &robotChannel{
		poster: &poster{channel: name, client: opts.HTTPClient, now: opts.Now, timeout: timeout, limiter: newLimiter()},
		ep:     endpoint{kind: kind, url: u, secret: secret},
	}, nil
}

func (c *robotChannel) Send(ctx context.Context, batch []Message) []error {
	errs := make([]error, len(batch))
	for i, m := range batch {
		if err := ctx.Err(); err != nil {
			errs[i] = temporary(fmt.Errorf("channel %s: not sent: %w", c.poster.channel, err))
			continue
		}
		if err := c.poster.deliver(ctx, c.ep, m); err != nil {
			errs[i] = err
		}
	}
	return errs
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

func (c *enterpriseRobot) Send(ctx context.Context, batch []Message) []error {
	errs := make([]error, len(batch))
	for i, m := range batch {
		if err := ctx.Err(); err != nil {
			errs[i] = temporary(fmt.Errorf("channel %s: not sent: %w", c.poster.channel, err))
			continue
		}
		u, err := parseEndpointURL(m.To)
		if err != nil {
			errs[i] = permanent(fmt.Errorf("channel %s: message %s: robot address %q: %w",
				c.poster.channel, oneLine(m.Key), redactAddress(m.To), err))
			continue
		}
		if err := c.poster.deliver(ctx, endpoint{kind: VendorOf(u), url: u}, m); err != nil {
			errs[i] = err
		}
	}
	return errs
}

// VendorOf names the robot vendor a webhook URL belongs to, by its host:
// wecom, dingtalk, feishu, or webhook for any other.
func VendorOf(u *url.URL) string {
	switch strings.ToLower(u.Hostname()) {
	case "qyapi.weixin.qq.com":
		return kindWeCom
	case "oapi.dingtalk.com":
		return kindDingTalk
	case "open.feishu.cn", "open.larksuite.com":
		return kindFeishu
	}
	return kindWebhook
}

// parseEndpointURL accepts an absolute http or https URL. Its errors never
// repeat the URL.
func parseEndpointURL(raw string) (*url.URL, error) {
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

// redactURL shows where a URL points without its secrets: query values and
// token-like path segments become ***.
func redactURL(u *url.URL) string {
	segs := strings.Split(u.EscapedPath(), "/")
	for i, s := range segs {
		if tokenLike(s) {
			segs[i] = "***"
		}
	}
	out := u.Scheme + "://" + u.Host + strings.Join(segs, "/")
	if u.RawQuery != "" {
		q := u.Query()
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, url.QueryEscape(k)+"=***")
		}
		sort.Strings(keys)
		out += "?" + strings.Join(keys, "&")
	}
	return out
}

// tokenLike reports whether a path segment looks like a key or token: long,
// or carrying digits.
func tokenLike(seg string) bool {
	if len(seg) >= 16 {
		return true
	}
	if len(seg) < 8 {
		return false
	}
	return strings.ContainsAny(seg, "0123456789")
}

// redactAddress shows an e-mail address as it is and a URL redacted.
func redactAddress(s string) string {
	s = oneLine(s)
	if u, err := parseEndpointURL(s); err == nil {
		return redactURL(u)
	}
	if strings.Contains(s, "://") {
		return "***"
	}
	return s
}
