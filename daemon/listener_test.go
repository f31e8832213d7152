package daemon_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remindd/remindd/daemon"
)

// serve runs ListenHTTP's server for h on loopback until the test ends,
// after passing it to each of before.
func serve(t *testing.T, h http.Handler, o daemon.ServerOptions, before ...func(*http.Server)) (*http.Server, string) {
	t.Helper()
	srv, ln, err := daemon.ListenHTTP("127.0.0.1:0", h, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range before {
		f(srv)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return srv, ln.Addr().String()
}

// held is a raw connection the test never closes itself.
type held struct {
	conn     net.Conn
	answered atomic.Bool
	closed   chan struct{}
}

// hold dials addr, sends first and reads until the server closes.
func hold(t *testing.T, addr, first string) *held {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if _, err := io.WriteString(c, first); err != nil {
		t.Fatal(err)
	}
	h := &held{conn: c, closed: make(chan struct{})}
	go func() {
		defer close(h.closed)
		buf := make([]byte, 4096)
		for {
			n, err := c.Read(buf)
			if bytes.Contains(buf[:n], []byte("HTTP/1.1 ")) {
				h.answered.Store(true)
			}
			if err != nil {
				return
			}
		}
	}()
	return h
}

// keepSending writes s to h every 50 ms until the connection fails.
func (h *held) keepSending(s string) {
	go func() {
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for range tick.C {
			if _, err := io.WriteString(h.conn, s); err != nil {
				return
			}
		}
	}()
}

// closedWithin says whether the server closed h within bound.
func (h *held) closedWithin(bound time.Duration) bool {
	select {
	case <-h.closed:
		return true
	case <-time.After(bound):
		return false
	}
}

const get = "GET / HTTP/1.1\r\nHost: remindd\r\n\r\n"

func ok(w http.ResponseWriter, r *http.Request) {
	if _, err := io.ReadAll(r.Body); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, err.Error(), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	io.WriteString(w, "ok\n")
}

// TestListenHTTPClosesQuietAndSlowClients: a connection that says nothing,
// one whose headers or body come a byte at a time, one kept alive after its
// request: the server closes each itself once its timeout passed (idle
// keep-alive connections and slow bodies were held forever).
func TestListenHTTPClosesQuietAndSlowClients(t *testing.T) {
	_, addr := serve(t, http.HandlerFunc(ok), daemon.ServerOptions{
		ReadHeaderTimeout: 300 * time.Millisecond, ReadTimeout: 600 * time.Millisecond,
		WriteTimeout: time.Second, IdleTimeout: 300 * time.Millisecond,
	})
	silent := hold(t, addr, "")
	slowHeader := hold(t, addr, "GET / HTTP/1.1\r\nHost: remindd\r\n")
	slowHeader.keepSending("X-Slow: 1\r\n")
	slowBody := hold(t, addr, "POST / HTTP/1.1\r\nHost: remindd\r\nContent-Length: 60000\r\n\r\n")
	slowBody.keepSending("x")
	keptAlive := hold(t, addr, get)
	for name, h := range map[string]*held{"silent": silent, "slow header": slowHeader, "slow body": slowBody, "kept alive": keptAlive} {
		// Each timeout is under a second; a slow client would need 50 minutes.
		if !h.closedWithin(10 * time.Second) {
			t.Errorf("%s connection still open after 10 s", name)
		}
	}
	if !keptAlive.answered.Load() {
		t.Error("the kept-alive connection was closed before its answer")
	}
}

// TestListenHTTPMakesRoomByClosingIdleConnections: with every place taken,
// a new client is served at once by closing the connection idle longest;
// the others stay usable.
func TestListenHTTPMakesRoomByClosingIdleConnections(t *testing.T) {
	_, addr := serve(t, http.HandlerFunc(ok), daemon.ServerOptions{MaxConns: 2, IdleTimeout: time.Hour, ReadHeaderTimeout: time.Hour})
	first := hold(t, addr, get)
	waitAnswered(t, first)
	second := hold(t, addr, get)
	waitAnswered(t, second)
	third := hold(t, addr, get)
	waitAnswered(t, third)
	if !first.closedWithin(5 * time.Second) {
		t.Error("the connection idle longest was not closed to make room")
	}
	second.answered.Store(false)
	if _, err := io.WriteString(second.conn, get); err != nil {
		t.Fatal(err)
	}
	waitAnswered(t, second)
}

// TestListenHTTPMakesRoomByClosingSilentConnections: with every place taken
// by connections that sent nothing, a new client is served once the oldest
// has been silent a fifth of ReadHeaderTimeout, long before that timeout.
func TestListenHTTPMakesRoomByClosingSilentConnections(t *testing.T) {
	_, addr := serve(t, http.HandlerFunc(ok), daemon.ServerOptions{MaxConns: 2, ReadHeaderTimeout: 10 * time.Second})
	oldest := hold(t, addr, "")
	hold(t, addr, "")
	start := time.Now()
	client := hold(t, addr, get)
	waitAnswered(t, client)
	if waited := time.Since(start); waited > 8*time.Second {
		t.Errorf("the new client waited %s, as long as the header timeout", waited)
	}
	if !oldest.closedWithin(time.Second) {
		t.Error("the oldest silent connection is still open")
	}
}

// TestListenHTTPHoldsAtMostMaxConns: eight clients whose requests are all
// in progress get three places; the others wait their turn and are served.
func TestListenHTTPHoldsAtMostMaxConns(t *testing.T) {
	var inside, most atomic.Int32
	entered := make(chan struct{}, 8)
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inside.Add(1)
		defer inside.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		entered <- struct{}{}
		<-release
		io.WriteString(w, "ok\n")
	})
	var open, mostOpen atomic.Int32
	_, addr := serve(t, h, daemon.ServerOptions{MaxConns: 3}, func(srv *http.Server) {
		track := srv.ConnState
		srv.ConnState = func(c net.Conn, s http.ConnState) {
			switch s {
			case http.StateNew:
				n := open.Add(1)
				for m := mostOpen.Load(); n > m && !mostOpen.CompareAndSwap(m, n); m = mostOpen.Load() {
				}
			case http.StateClosed, http.StateHijacked:
				open.Add(-1)
			}
			track(c, s)
		}
	})
	client := http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Go(func() {
			resp, err := client.Get("http://" + addr + "/")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("answer %s", resp.Status)
			}
		})
	}
	for i := 0; i < 3; i++ {
		<-entered
	}
	close(release)
	wg.Wait()
	if most.Load() > 3 || mostOpen.Load() > 3 {
		t.Errorf("%d requests in progress and %d connections open at once, want at most 3", most.Load(), mostOpen.Load())
	}
}

// TestListenHTTPBoundsBodies: a handler reading a body beyond MaxBodyBytes
// gets an error instead of the bytes.
func TestListenHTTPBoundsBodies(t *testing.T) {
	_, addr := serve(t, http.HandlerFunc(ok), daemon.ServerOptions{MaxBodyBytes: 1024})
	for _, tc := range []struct {
		size int
		want int
	}{{512, http.StatusOK}, {2048, http.StatusRequestEntityTooLarge}} {
		resp, err := http.Post("http://"+addr+"/", "text/plain", strings.NewReader(strings.Repeat("x", tc.size)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("a body of %d bytes: %s, want %d", tc.size, resp.Status, tc.want)
		}
	}
}

func waitAnswered(t *testing.T, h *held) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !h.answered.Load() {
		select {
		case <-h.closed:
			if !h.answered.Load() {
				t.Fatal("closed without an answer")
			}
		case <-time.After(10 * time.Millisecond): // polling a connection's state, not a clock
		}
		if time.Now().After(deadline) {
			t.Fatal("no answer within 10 s")
		}
	}
}
