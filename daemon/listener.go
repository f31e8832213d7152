package daemon

import (
	"fmt"
	"log"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// ServerOptions bound what an HTTP listener gives each client: how long
// each part of a request may take, how many connections it holds at once
// and how large a request may be. A zero field takes its default.
type ServerOptions struct {
	// ReadHeaderTimeout bounds reading a request's headers (default 5 s).
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds reading a whole request, body included (10 s).
	ReadTimeout time.Duration
	// WriteTimeout bounds a request from the end of its headers to the end
	// of its response (15 s); a handler must answer well within it.
	WriteTimeout time.Duration
	// IdleTimeout bounds a keep-alive connection between requests (30 s).
	IdleTimeout time.Duration
	// MaxConns is how many connections are open at once (default
	// DefaultMaxConns()). When they are all taken, new ones wait (the first
	// accepted, the others in the kernel's backlog, holding no file) until
	// one closes; to make room, the connection idle the longest between
	// requests is closed, or else the oldest one that has not sent a whole
	// request within a fifth of ReadHeaderTimeout.
	MaxConns int
	// MaxHeaderBytes bounds a request's headers (16 KiB).
	MaxHeaderBytes int
	// MaxBodyBytes bounds a request's body (64 KiB): a handler reading more
	// gets an *http.MaxBytesError.
	MaxBodyBytes int64
	// ErrorLog takes the server's own errors (failed accepts, malformed
	// requests); nil is the standard logger.
	ErrorLog *log.Logger
}

// maxConnsCeiling is the most connections a listener holds by default.
const maxConnsCeiling = 256

// DefaultMaxConns is the default cap on a listener's connections: 256, or a
// quarter of the process's open-file limit when that is lower, so that
// clients never take the files the store, the SMTP connections and the
// runtime need.
func DefaultMaxConns() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return maxConnsCeiling
	}
	return maxConnsFor(lim.Cur)
}

// maxConnsFor is the default cap under an open-file limit.
func maxConnsFor(fileLimit uint64) int {
	return int(max(1, min(maxConnsCeiling, fileLimit/4)))
}

func (o ServerOptions) withDefaults() ServerOptions {
	set := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	set(&o.ReadHeaderTimeout, 5*time.Second)
	set(&o.ReadTimeout, 10*time.Second)
	set(&o.WriteTimeout, 15*time.Second)
	set(&o.IdleTimeout, 30*time.Second)
	if o.MaxConns == 0 {
		o.MaxConns = DefaultMaxConns()
	}
	if o.MaxHeaderBytes == 0 {
		o.MaxHeaderBytes = 16 << 10
	}
	if o.MaxBodyBytes == 0 {
		o.MaxBodyBytes = 64 << 10
	}
	return o
}

// ListenHTTP listens on addr and returns a server for h bounded by o and
// the listener to serve it on (srv.Serve(ln)). /healthz and /metrics use it,
// and so must any other listener that faces clients.
func ListenHTTP(addr string, h http.Handler, o ServerOptions) (*http.Server, net.Listener, error) {
	o = o.withDefaults()
	if min(o.ReadHeaderTimeout, o.ReadTimeout, o.WriteTimeout, o.IdleTimeout) < 0 ||
		min(o.MaxConns, o.MaxHeaderBytes) < 0 || o.MaxBodyBytes < 0 {
		return nil, nil, fmt.Errorf("listen %s: a timeout or limit is negative: none may be unbounded", addr)
	}
	inner, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("listen %s: %w", addr, err)
	}
	ln := newLimitListener(inner, o.MaxConns, o.ReadHeaderTimeout/5)
	srv := &http.Server{
		Handler:           http.MaxBytesHandler(h, o.MaxBodyBytes),
		ReadHeaderTimeout: o.ReadHeaderTimeout,
		ReadTimeout:       o.ReadTimeout,
		WriteTimeout:      o.WriteTimeout,
		IdleTimeout:       o.IdleTimeout,
		MaxHeaderBytes:    o.MaxHeaderBytes,
		ErrorLog:          o.ErrorLog,
		ConnState:         ln.track,
	}
	return srv, ln, nil
}

// limitListener holds at most max connections open. It accepts one more
// (so one descriptor beyond max at most), and admits it only when one of
// those closes, or after closing one that costs its client least: the one
// idle longest between requests, else the oldest that has not sent a whole
// request within grace. The others wait in the kernel's backlog, holding no
// descriptor of this process.
type limitListener struct {
	net.Listener
	max   int
	grace time.Duration

	mu   sync.Mutex
	open map[*limitConn]struct{}
	// wake has a token when a connection closed or went idle.
	wake chan struct{}
	done chan struct{}
	once sync.Once
}

func newLimitListener(l net.Listener, max int, grace time.Duration) *limitListener {
	return &limitListener{Listener: l, max: max, grace: grace,
		open: map[*limitConn]struct{}{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// limitConn is an admitted connection: its state is what the server last
// said of it, since when.
type limitConn struct {
	net.Conn
	l     *limitListener
	state http.ConnState
	since time.Time
	once  sync.Once
}

// Close closes the connection and frees its place.
func (c *limitConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.open, c)
		c.l.mu.Unlock()
		c.l.signal()
	})
	return err
}

// Accept returns the next connection once there is room for it.
func (l *limitListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	lc := &limitConn{Conn: c, l: l, state: http.StateNew}
	if err := l.admit(lc); err != nil {
		c.Close()
		return nil, err
	}
	return lc, nil
}

// admit waits for room for c, making it when it can.
func (l *limitListener) admit(c *limitConn) error {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		now := time.Now()
		l.mu.Lock()
		if len(l.open) < l.max {
			c.since = now
			l.open[c] = struct{}{}
			l.mu.Unlock()
			return nil
		}
		victim, wait := l.victim(now)
		l.mu.Unlock()
		if victim != nil {
			victim.Close() // the server's read fails and it lets go of it
			continue
		}
		var expired <-chan time.Time
		if wait > 0 {
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			expired = timer.C
		}
		select {
		case <-l.wake:
		case <-expired:
		case <-l.done:
			return net.ErrClosed
		}
	}
}

// victim picks the connection to close to make room, or says how long
// until the oldest silent one passes its grace (zero: none will).
func (l *limitListener) victim(now time.Time) (*limitConn, time.Duration) {
	var idle, quiet *limitConn
	for c := range l.open {
		switch c.state {
		case http.StateIdle:
			if idle == nil || c.since.Before(idle.since) {
				idle = c
			}
		case http.StateNew:
			if quiet == nil || c.since.Before(quiet.since) {
				quiet = c
			}
		}
	}
	switch {
	case idle != nil:
		return idle, 0
	case quiet == nil:
		return nil, 0
	case now.Sub(quiet.since) >= l.grace:
		return quiet, 0
	default:
		return nil, l.grace - now.Sub(quiet.since)
	}
}

// track is the server's ConnState hook.
func (l *limitListener) track(nc net.Conn, state http.ConnState) {
	c, ok := nc.(*limitConn)
	if !ok {
		return
	}
	l.mu.Lock()
	if _, open := l.open[c]; open && c.state != state {
		c.state, c.since = state, time.Now()
	}
	l.mu.Unlock()
	if state == http.StateIdle {
		l.signal()
	}
}

func (l *limitListener) signal() {
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// Close stops accepting; admitted connections stay open.
func (l *limitListener) Close() error {
	l.once.Do(func() { close(l.done) })
	return l.Listener.Close()
}
