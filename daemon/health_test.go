package daemon_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// healthDaemon is a daemon on s whose clock the test sets, serving its
// handler on a test server.
func healthDaemon(t *testing.T, s *store.Store) (*daemon.Daemon, *daemon.SetClock, string) {
	t.Helper()
	c, p := fixture(t)
	clock := &daemon.SetClock{}
	clock.Set(at(6, 2, 9, 0))
	d, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: s, Log: quietLog(), Clock: clock, Worker: "w"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return d, clock, srv.URL
}

// getHealth fetches /healthz.
func getHealth(t *testing.T, url string) (int, daemon.Health, string) {
	t.Helper()
	resp, err := http.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var h daemon.Health
	if err := json.Unmarshal(body, &h); err != nil {
		t.Fatalf("/healthz: %v\n%s", err, body)
	}
	return resp.StatusCode, h, string(body)
}

// opened is how many connections the store's pool has opened: those open
// and those it closed since.
func opened(db *sql.DB) int {
	st := db.Stats()
	return st.OpenConnections + int(st.MaxIdleClosed+st.MaxIdleTimeClosed+st.MaxLifetimeClosed)
}

// TestManyHealthClientsShareOneProbe: 50 clients asking /healthz and
// /metrics at once make the daemon probe the store once, on a connection
// of its pool, not open a connection each (50 clients exhausted a MariaDB's
// 30 connections).
func TestManyHealthClientsShareOneProbe(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		_, _, url := healthDaemon(t, s)
		before := opened(s.DB())
		var wg sync.WaitGroup
		codes := make(chan int, 50)
		for i := 0; i < 50; i++ {
			path := "/healthz"
			if i%2 == 1 {
				path = "/metrics"
			}
			wg.Go(func() {
				resp, err := http.Get(url + path)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				codes <- resp.StatusCode
			})
		}
		wg.Wait()
		close(codes)
		for code := range codes {
			if code != http.StatusOK {
				t.Errorf("answer %d", code)
			}
		}
		if n := opened(s.DB()) - before; n > 1 {
			t.Errorf("50 clients made the store open %d connections, want at most 1", n)
		}
	})
}

// TestHealthSaysStoreLockedOnSQLite: while another connection holds the
// SQLite write lock, every write fails with "database is locked" although a
// ping succeeds; /healthz says so with a 503, then 200 once the lock is
// released and its last probe has aged.
func TestHealthSaysStoreLockedOnSQLite(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	addr := sqliteAddr(t)
	s := openStore(t, addr)
	_, clock, url := healthDaemon(t, s)
	lock := holdWriteLock(t, addr)

	code, h, body := getHealth(t, url)
	if code != http.StatusServiceUnavailable || h.Status != "unavailable" || !strings.Contains(h.Store, "database is locked") {
		t.Errorf("/healthz while the write lock is held: %d %s", code, body)
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	// The answer is the last probe's for a few seconds…
	if code, _, body := getHealth(t, url); code != http.StatusServiceUnavailable {
		t.Errorf("/healthz right after the release, same instant: %d %s, want the last probe's 503", code, body)
	}
	// …then a new probe finds the store free.
	clock.Set(clock.Now().Add(6 * time.Second))
	if code, h, body := getHealth(t, url); code != http.StatusOK || h.Store != "ok" {
		t.Errorf("/healthz after the release: %d %s", code, body)
	}
}

// TestHealthReportsTheLastWriteFailing: a write of the daemon's own that
// failed (its tick's enqueue, the write lock held elsewhere) makes /healthz
// unavailable even when a probe then passes, until a write succeeds.
func TestHealthReportsTheLastWriteFailing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	addr := sqliteAddr(t)
	s := openStore(t, addr)
	d, clock, url := healthDaemon(t, s)
	if code, _, body := getHealth(t, url); code != http.StatusOK {
		t.Fatalf("/healthz before: %d %s", code, body)
	}

	lock := holdWriteLock(t, addr)
	if _, err := d.Tick(ctx, at(6, 2, 9, 0)); err == nil || !strings.Contains(err.Error(), "database is locked") {
		t.Fatalf("tick with the write lock held elsewhere: %v", err)
	}
	if _, err := lock.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	clock.Set(at(6, 2, 9, 1)) // the probe has aged: the next one passes
	code, h, body := getHealth(t, url)
	if code != http.StatusServiceUnavailable || !strings.Contains(h.Store, "last write failed") || !strings.Contains(h.Store, "database is locked") {
		t.Errorf("/healthz after a failed write: %d %s", code, body)
	}

	if _, err := d.Tick(ctx, at(6, 2, 9, 2)); err != nil {
		t.Fatal(err)
	}
	if code, h, body := getHealth(t, url); code != http.StatusOK || h.Store != "ok" {
		t.Errorf("/healthz after a write succeeded: %d %s", code, body)
	}
}

// TestHealthLastSuccessComesFromTheStore: a daemon on a store that has job
// runs reports them before any job ran in this process, as after a restart.
func TestHealthLastSuccessComesFromTheStore(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sweep, digest := at(6, 1, 9, 0).UTC(), at(6, 2, 9, 0).UTC()
		if err := s.RecordRuns(context.Background(), "jinjiang-2024",
			[]remindd.Run{{Job: "sweep", At: sweep}, {Job: "digest", At: digest}}); err != nil {
			t.Fatal(err)
		}
		_, _, url := healthDaemon(t, s)
		code, h, body := getHealth(t, url)
		if code != http.StatusOK || !h.LastSuccess["sweep"].Equal(sweep) || !h.LastSuccess["digest"].Equal(digest) {
			t.Errorf("/healthz of a restarted daemon: %d %s, want sweep at %s and digest at %s", code, body, sweep, digest)
		}
	})
}

func sqliteAddr(t *testing.T) string {
	t.Helper()
	for _, b := range storetest.Backends(t) {
		if b.Name == "sqlite" {
			return b.Addr(t)
		}
	}
	t.Fatal("no SQLite backend")
	return ""
}

func openStore(t *testing.T, addr string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// holdWriteLock takes the SQLite store's write lock on a connection of a
// second store on the same file, as another program would; ROLLBACK on
// the returned connection releases it.
func holdWriteLock(t *testing.T, addr string) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	other, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	conn, err := other.DB().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return conn
}
