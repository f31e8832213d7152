package notify

import (
	"context"
	"crypto/tls"
	"net"
	"sync"
)

// interruptible dials the connection of one go-mail client and closes it
// as soon as the Send it serves is cancelled. go-mail honours a context
// only while it dials TCP: the server's greeting, STARTTLS, AUTH and every
// command of a Send wait for the channel's timeout alone, so a server that
// accepts and never answers would hold a cancelled Send (and a shutdown)
// for that long. Closing the connection under go-mail ends such a wait at
// once.
type interruptible struct {
	implicit *tls.Config // the TLS of an implicit-TLS channel, nil otherwise

	mu    sync.Mutex
	conn  net.Conn        // the last TCP connection dialled
	ctx   context.Context // the watched Send's, nil between Sends
	stop  func() bool     // stops the watch
	fired bool            // the watched Send was cancelled: conn is closed
}

// dial is the client's DialContextFunc: TCP, then the handshake of
// implicit TLS, on a connection that watch can close.
func (w *interruptible) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.conn = raw
	cancelled := w.ctx != nil && w.ctx.Err() != nil
	w.mu.Unlock()
	if cancelled { // the watch fired before there was a connection to close
		raw.Close()
		return nil, context.Cause(w.ctx)
	}
	if w.implicit == nil {
		return raw, nil
	}
	tc := tls.Client(raw, w.implicit)
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return tc, nil
}

// watch closes the connection, the one there is or the next one dialled,
// when ctx is done, until unwatch.
func (w *interruptible) watch(ctx context.Context) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.ctx, w.fired = ctx, false
	w.stop = context.AfterFunc(ctx, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		w.fired = true
		if w.conn != nil {
			w.conn.Close() // unblocks whatever go-mail waits for
		}
	})
}

// unwatch ends the watch, and reports whether it closed (or is closing)
// the connection.
func (w *interruptible) unwatch() (fired bool) {
	w.mu.Lock()
	stop := w.stop
	w.ctx, w.stop = nil, nil
	w.mu.Unlock()
	return stop != nil && !stop() // false: it had begun
}

// cut reports whether the watch closed the connection.
func (w *interruptible) cut() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.fired
}
