package main

import (
	"bytes"
	"fmt"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/smtptest"
)

// mariadb is a private MariaDB server for a test that restarts it.
type mariadb struct {
	t    *testing.T
	dir  string
	port int
	cmd  *exec.Cmd
}

func startMariaDB(t *testing.T) *mariadb {
	t.Helper()
	if _, err := exec.LookPath("mariadb-install-db"); err != nil {
		if os.Getenv("REMINDD_REQUIRE_MYSQL") == "1" {
			t.Fatalf("mariadb-install-db is needed for the restart test: %v", err)
		}
		t.Skipf("no MariaDB to restart: %v", err)
	}
	m := &mariadb{t: t, dir: t.TempDir(), port: freePort(t)}
	out, err := exec.Command("mariadb-install-db", "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"),
		"--user=root", "--auth-root-authentication-method=normal").CombinedOutput()
	if err != nil {
		t.Fatalf("mariadb-install-db: %v\n%s", err, out)
	}
	m.start()
	t.Cleanup(m.stop)
	return m
}

func (m *mariadb) start() {
	m.t.Helper()
	m.cmd = exec.Command("/usr/sbin/mariadbd", "--no-defaults", "--datadir="+filepath.Join(m.dir, "data"),
		"--socket="+filepath.Join(m.dir, "sock"), "--port="+strconv.Itoa(m.port), "--bind-address=127.0.0.1",
		"--user=root", "--skip-log-bin")
	var log bytes.Buffer
	m.cmd.Stderr = &log
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for exec.Command("mariadb-admin", "--protocol=tcp", "-h127.0.0.1", "-P"+strconv.Itoa(m.port), "-uroot", "ping").Run() != nil {
		if time.Now().After(deadline) {
			m.t.Fatalf("private MariaDB did not start:\n%s", log.String())
		}
		time.Sleep(100 * time.Millisecond) // polling a server start, not a clock
	}
}

func (m *mariadb) stop() {
	if m.cmd != nil && m.cmd.Process != nil {
		_ = m.cmd.Process.Kill() // abrupt, like a crash; InnoDB recovers on start
		_ = m.cmd.Wait()
		m.cmd = nil
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	// Ask the kernel for a free port through a throw-away listener.
	l, err := netListen()
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, p, _ := strings.Cut(l.Addr().String(), ":")
	port, _ := strconv.Atoi(p)
	return port
}

// TestMySQLRestartDuringDelivery kills the store's MariaDB while the daemon
// delivers, and starts it again: the daemon stays up, /healthz reports the
// outage and the recovery, and every message is delivered after.
func TestMySQLRestartDuringDelivery(t *testing.T) {
	db := startMariaDB(t)
	if out, err := exec.Command("mariadb", "--protocol=tcp", "-h127.0.0.1", "-P"+strconv.Itoa(db.port), "-uroot",
		"-e", "CREATE DATABASE remindd CHARACTER SET utf8mb4").CombinedOutput(); err != nil {
		t.Fatalf("create database: %v\n%s", err, out)
	}
	const total = 3000
	sink := smtptest.Start(t)
	bound := time.AfterFunc(5*time.Minute, sink.Close)
	defer bound.Stop()
	addr := fmt.Sprintf("mysql:root@tcp(127.0.0.1:%d)/remindd?parseTime=true", db.port)
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(t.TempDir(), "config.yaml")
	body := fmt.Sprintf(`plan: %s
store: "%s"
jobs: {deliver: "* * * * *"}
delivery: {batch: 20}
channels:
  - {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, from: remindd@example.gov.cn}
`, plan, addr, sink.Port)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	fill(t, addr, total)

	p := startDaemon(t, cfg)
	health := "http://" + p.await(t, `serving /healthz and /metrics.*listen="?([0-9.:]+)`, 20*time.Second)[1] + "/healthz"
	p.await(t, `remindd started`, 20*time.Second)

	seen := map[string]bool{}
	parsed := 0
	count := func(ms []smtptest.Message) int {
		for ; parsed < len(ms); parsed++ {
			if m, err := mail.ReadMessage(bytes.NewReader(ms[parsed].Data)); err == nil {
				seen[m.Header.Get("X-Remindd-Key")] = true
			}
		}
		return len(seen)
	}
	if !sink.WaitFor(func(ms []smtptest.Message) bool { return count(ms) >= 100 }) {
		t.Fatal("delivery did not start")
	}
	db.stop()
	atStop := count(sink.Messages())
	if atStop >= total {
		t.Fatalf("all %d delivered before the store went down: the test proves nothing", total)
	}
	t.Logf("store down with %d of %d delivered", atStop, total)
	awaitHealth(t, health, 503, `"status":"unavailable"`)
	db.start()
	awaitHealth(t, health, 200, `"store":"ok"`)
	if !sink.WaitFor(func(ms []smtptest.Message) bool { return count(ms) >= total }) {
		t.Fatalf("after the restart the sink has %d of %d", len(seen), total)
	}
	p.terminate(t)
}

// awaitHealth polls /healthz until it answers code with want in the body.
// After a failed write it answers 503 until a write succeeds, which the
// minute's delivery job may be the first to make: wait for two of them.
func awaitHealth(t *testing.T, url string, code int, want string) {
	t.Helper()
	deadline := time.Now().Add(150 * time.Second)
	for {
		got, body := getNoFail(url)
		if got == code && strings.Contains(body, want) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz never answered %d %s (last %d %s)", code, want, got, body)
		}
		time.Sleep(100 * time.Millisecond) // polling a server's state, not a clock
	}
}
