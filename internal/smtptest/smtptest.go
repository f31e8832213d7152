// Package smtptest runs an SMTP server in the test process and returns what
// it received. It is a real server (github.com/emersion/go-smtp) on
// 127.0.0.1, optionally with STARTTLS or implicit TLS under a certificate it
// makes for the test, AUTH PLAIN, and failures switched on by the test.
package smtptest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one message the server accepted.
type Message struct {
	From string
	To   []string
	Data []byte // the message as sent, headers and body
	// User is who authenticated, or "".
	User string
	// TLS reports whether the connection was encrypted.
	TLS bool
}

// Option configures the server.
type Option func(*settings)

type settings struct {
	addr        string
	startTLS    bool
	implicitTLS bool
	user, pass  string
	echoAuth    bool
}

// WithAddr listens on addr instead of a free port: a test that stopped a
// server starts it again where its clients expect it.
func WithAddr(addr string) Option { return func(s *settings) { s.addr = addr } }

// WithSTARTTLS offers STARTTLS with the server's test certificate.
func WithSTARTTLS() Option { return func(s *settings) { s.startTLS = true } }

// WithImplicitTLS makes the server speak TLS from the first byte, as on
// port 465.
func WithImplicitTLS() Option { return func(s *settings) { s.implicitTLS = true } }

// WithAuth requires AUTH PLAIN with this user and password before MAIL.
// Without TLS the server allows AUTH over the plain connection.
func WithAuth(user, password string) Option {
	return func(s *settings) { s.user, s.pass = user, password }
}

// WithEchoingAuth makes a refused AUTH answer 535 5.7.8 with what the
// client sent in it: the password as it is, in base64, percent-encoded and
// JSON-escaped, and the whole AUTH PLAIN response in base64, as a careless
// server or proxy might. A client must keep all of it out of its errors.
func WithEchoingAuth() Option { return func(s *settings) { s.echoAuth = true } }

// EchoedAuth is the text a server WithEchoingAuth answers a refused AUTH
// PLAIN with, for this identity, user and password.
func EchoedAuth(identity, user, pass string) string {
	quoted, _ := json.Marshal(pass)
	return fmt.Sprintf("authentication failed for %s with password %s (base64 %s, escaped %s, json %s, plain %s)",
		user, pass, base64.StdEncoding.EncodeToString([]byte(pass)), url.QueryEscape(pass), quoted,
		base64.StdEncoding.EncodeToString([]byte(identity+"\x00"+user+"\x00"+pass)))
}

// Server is a running test SMTP server.
type Server struct {
	// Addr is host:port; Host and Port the same apart.
	Addr string
	Host string
	Port int

	srv      *smtp.Server
	ln       net.Listener
	certPool *x509.CertPool
	settings settings

	mu       sync.Mutex
	arrived  *sync.Cond // broadcast on each message and on Close
	closed   bool
	messages []Message
	conns    int
	failures []failure
	drops    int
	hangs    int
	hanging  chan struct{} // receives as each hang begins
	stopped  chan struct{} // closed by Close: ends the hangs
	done     chan struct{}
}

// failure is a switched-on refusal: the next n commands at stage answer
// code and msg.
type failure struct {
	stage string // "rcpt" or "data"
	n     int
	code  int
	msg   string
}

// Start starts a server on 127.0.0.1 with a free port; it is closed when the
// test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{done: make(chan struct{}), stopped: make(chan struct{}), hanging: make(chan struct{}, 100)}
	s.arrived = sync.NewCond(&s.mu)
	for _, o := range opts {
		o(&s.settings)
	}
	var tlsConf *tls.Config
	if s.settings.startTLS || s.settings.implicitTLS {
		cert, pool, err := selfSigned()
		if err != nil {
			t.Fatalf("smtptest: certificate: %v", err)
		}
		s.certPool = pool
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	addr := s.settings.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	ln = &countingListener{Listener: ln, count: s.countConn}
	if s.settings.implicitTLS {
		ln = tls.NewListener(ln, tlsConf)
	}
	s.ln = ln
	s.Addr = ln.Addr().String()
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)

	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	if s.settings.startTLS {
		srv.TLSConfig = tlsConf
	}
	if !s.settings.startTLS && !s.settings.implicitTLS {
		srv.AllowInsecureAuth = true
	}
	s.srv = srv
	go func() {
		defer close(s.done)
		_ = srv.Serve(ln) // returns when Close closes the listener
	}()
	t.Cleanup(s.Close)
	return s
}

// ClientTLS is a TLS configuration for clients that trusts the server's test
// certificate, or nil when the server has no TLS.
func (s *Server) ClientTLS() *tls.Config {
	if s.certPool == nil {
		return nil
	}
	return &tls.Config{RootCAs: s.certPool, ServerName: s.Host, MinVersion: tls.VersionTLS12}
}

// CertPool holds the server's test certificate, or is nil without TLS.
func (s *Server) CertPool() *x509.CertPool { return s.certPool }

// FailNext makes the next n RCPT commands answer code (such as 451 or 550)
// with msg.
func (s *Server) FailNext(n, code int, msg string) { s.fail("rcpt", n, code, msg) }

// FailNextData makes the next n messages be refused with code and msg at the
// end of their DATA.
func (s *Server) FailNextData(n, code int, msg string) { s.fail("data", n, code, msg) }

func (s *Server) fail(stage string, n, code int, msg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures = append(s.failures, failure{stage: stage, n: n, code: code, msg: msg})
}

// DropAfterNext makes the server hang up on the client after each of the
// next n accepted messages, once it has answered DATA and the command after
// it (a client's RSET), as a server does when an idle connection times out.
func (s *Server) DropAfterNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.drops += n
}

// HangNextData makes the server go silent at the end of each of the next n
// messages: it reads the message to its final dot and then answers nothing
// more on that connection, neither 250 nor an error, until Close, as a
// server wedged mid-transaction does. The message is not kept. The channel
// returned receives once as each hang begins.
func (s *Server) HangNextData(n int) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hangs += n
	return s.hanging
}

// takeHang consumes one switched-on hang, if any.
func (s *Server) takeHang() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.hangs > 0 {
		s.hangs--
		return true
	}
	return false
}

// takeDrop consumes one switched-on hang-up, if any.
func (s *Server) takeDrop() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drops > 0 {
		s.drops--
		return true
	}
	return false
}

// takeFailure consumes one switched-on failure for stage, if any.
func (s *Server) takeFailure(stage string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.failures {
		f := &s.failures[i]
		if f.stage != stage || f.n <= 0 {
			continue
		}
		f.n--
		enh := smtp.EnhancedCode{5, 0, 0}
		if f.code < 500 {
			enh = smtp.EnhancedCode{4, 0, 0}
		}
		return &smtp.SMTPError{Code: f.code, EnhancedCode: enh, Message: f.msg}
	}
	return nil
}

// Messages returns the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Connections counts the connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

func (s *Server) countConn() {
	s.mu.Lock()
	s.conns++
	s.mu.Unlock()
}

// WaitFor blocks until done(messages) is true for the messages received so
// far, re-checking as each arrives, or until the server is closed; it reports
// whether done became true. It waits on arrivals, not on time: callers bound
// it by closing the server (e.g. from a timer that fails the test).
func (s *Server) WaitFor(done func([]Message) bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for !done(s.messages) {
		if s.closed {
			return false
		}
		s.arrived.Wait()
	}
	return true
}

// Close stops the server and drops its connections. It is safe to call
// more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.closed {
		close(s.stopped)
	}
	s.closed = true
	s.arrived.Broadcast()
	s.mu.Unlock()
	// A second Close answers ErrServerClosed; a listener already gone is
	// nothing a test could act on either. The listener is closed here too, in
	// case Serve had not yet registered it when the server closed.
	_ = s.srv.Close()
	_ = s.ln.Close()
	<-s.done
}

type countingListener struct {
	net.Listener
	count func()
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.count()
	return &dropConn{Conn: c}, nil
}

// dropConn can be told to close itself after a number of further writes:
// the server answers each command with one write.
type dropConn struct {
	net.Conn
	mu    sync.Mutex
	after int // writes left before closing; 0 = not armed
}

func (c *dropConn) arm(writes int) {
	c.mu.Lock()
	c.after = writes
	c.mu.Unlock()
}

func (c *dropConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	c.mu.Lock()
	closeNow := false
	if c.after > 0 {
		c.after--
		closeNow = c.after == 0
	}
	c.mu.Unlock()
	if closeNow {
		c.Conn.Close()
	}
	return n, err
}

// dropConnOf finds the dropConn under a session's connection.
func dropConnOf(c *smtp.Conn) *dropConn {
	nc := c.Conn()
	if tc, ok := nc.(*tls.Conn); ok {
		nc = tc.NetConn()
	}
	dc, _ := nc.(*dropConn)
	return dc
}

type backend struct{ s *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, isTLS := c.TLSConnectionState()
	return &session{s: b.s, conn: c, tls: isTLS}, nil
}

type session struct {
	s    *Server
	conn *smtp.Conn
	tls  bool
	user string
	from string
	to   []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.settings.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || ss.s.settings.user == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != ss.s.settings.user || pass != ss.s.settings.pass {
			if ss.s.settings.echoAuth {
				return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: EchoedAuth(identity, user, pass)}
			}
			return smtp.ErrAuthFailed
		}
		ss.user = user
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.settings.user != "" && ss.user == "" {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := ss.s.takeFailure("rcpt"); err != nil {
		return err
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if ss.s.takeHang() {
		select {
		case ss.s.hanging <- struct{}{}:
		default:
		}
		<-ss.s.stopped
		return errors.New("smtptest: hung")
	}
	if err := ss.s.takeFailure("data"); err != nil {
		return err
	}
	_, isTLS := ss.conn.TLSConnectionState()
	ss.s.mu.Lock()
	ss.s.messages = append(ss.s.messages, Message{From: ss.from, To: ss.to, Data: b, User: ss.user, TLS: isTLS || ss.tls})
	ss.s.arrived.Broadcast()
	ss.s.mu.Unlock()
	if ss.s.takeDrop() {
		if dc := dropConnOf(ss.conn); dc != nil {
			dc.arm(2) // the answer to DATA, then to the next command
		}
	}
	return nil
}

func (ss *session) Reset() { ss.from, ss.to = "", nil }

func (ss *session) Logout() error { return nil }

// selfSigned makes a short-lived ECDSA certificate for 127.0.0.1 and
// localhost, and a pool that trusts it.
func selfSigned() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// Silent is a TCP server that accepts connections and then answers
// nothing, as a wedged mail server does (or a firewall that completes the
// handshake for a host that is gone): not even a greeting, or, with
// SilentGreets, a greeting and nothing after it. Without the greeting it is
// as silent to any protocol whose server speaks first, MySQL's too: the
// store's tests use it for a MySQL that never answers.
type Silent struct {
	// Addr is host:port; Host and Port the same apart.
	Addr string
	Host string
	Port int

	greet    bool
	ln       net.Listener
	accepted chan struct{}
	heard    chan string
	mu       sync.Mutex
	conns    []net.Conn
	done     chan struct{}
}

// SilentOption configures a silent server.
type SilentOption func(*Silent)

// SilentGreets makes the silent server send the SMTP greeting (220) and
// go silent only after it: the client's first command gets no answer.
func SilentGreets() SilentOption { return func(s *Silent) { s.greet = true } }

// StartSilent starts a silent server on 127.0.0.1 with a free port; it is
// closed when the test ends.
func StartSilent(t testing.TB, opts ...SilentOption) *Silent {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Silent{Addr: ln.Addr().String(), ln: ln, accepted: make(chan struct{}, 100),
		heard: make(chan string, 100), done: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	host, port, _ := net.SplitHostPort(s.Addr)
	s.Host = host
	s.Port, _ = strconv.Atoi(port)
	go func() {
		defer close(s.done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return // closed
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			select {
			case s.accepted <- struct{}{}:
			default:
			}
			go s.listen(c)
		}
	}()
	t.Cleanup(s.Close)
	return s
}

// listen greets if told to, then reads the client's lines and answers none.
func (s *Silent) listen(c net.Conn) {
	if s.greet {
		if _, err := io.WriteString(c, "220 localhost ESMTP smtptest\r\n"); err != nil {
			return
		}
	}
	sc := bufio.NewScanner(c)
	for sc.Scan() {
		select {
		case s.heard <- sc.Text():
		default:
		}
	}
}

// Accepted receives once as each connection is accepted.
func (s *Silent) Accepted() <-chan struct{} { return s.accepted }

// Heard receives each line a client sent, unanswered.
func (s *Silent) Heard() <-chan string { return s.heard }

// Close stops listening and drops the connections. It is safe to call more
// than once.
func (s *Silent) Close() {
	_ = s.ln.Close() // a second Close has nothing to report
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.conns {
		_ = c.Close()
	}
	s.conns = nil
}
