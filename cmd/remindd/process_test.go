package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the remindd built once for the process-level tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "remindd-bin")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "remindd")
	build := exec.Command("go", "build", "-o", binary, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		panic("build remindd: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// daemonProcess is a running `remindd run` whose log lines can be awaited.
type daemonProcess struct {
	cmd   *exec.Cmd
	lines chan string
	done  chan error
}

func startDaemon(t *testing.T, configPath string) *daemonProcess {
	t.Helper()
	return startProcess(t, exec.Command(binary, "run", "--config", configPath, "--listen", "127.0.0.1:0"), nil)
}

// startProcess starts cmd, `remindd run` or a wrapper that execs it, and
// hands its log lines to p.lines. With keep, each line goes to keep first,
// and is dropped from p.lines when nobody awaits it; without, the process
// waits for the test to read its lines.
func startProcess(t *testing.T, cmd *exec.Cmd, keep func(line string)) *daemonProcess {
	t.Helper()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &daemonProcess{cmd: cmd, lines: make(chan string, 1000), done: make(chan error, 1)}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			if keep == nil {
				p.lines <- line
				continue
			}
			keep(line)
			select {
			case p.lines <- line:
			default: // nobody awaits lines any more; keep has them
			}
		}
		close(p.lines)
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill() // the test failed before stopping it
		}
	})
	return p
}

// terminate sends SIGTERM and fails the test unless the process exits
// cleanly within 10 s.
func (p *daemonProcess) terminate(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("remindd still running 10 s after SIGTERM")
	}
}

// await returns the first log line matching re, failing after the bound.
func (p *daemonProcess) await(t *testing.T, re string, bound time.Duration) []string {
	t.Helper()
	r := regexp.MustCompile(re)
	timeout := time.After(bound)
	for {
		select {
		case line, ok := <-p.lines:
			if !ok {
				t.Fatalf("remindd exited before logging %q", re)
			}
			if m := r.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-timeout:
			t.Fatalf("no log line %q within %s", re, bound)
		}
	}
}

// tempConfig copies the example config into a folder of its own, pointing
// at the shipped plan, with its store, outbox and web key inside the folder.
func tempConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	abs, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	body := readFile(t, exampleConfig)
	body = strings.Replace(body, "plan: ../plans/jinjiang-2024.yaml", "plan: "+abs, 1)
	body = strings.Replace(body, "store: sqlite:../var/remindd.db", "store: sqlite:"+filepath.Join(dir, "remindd.db"), 1)
	body = strings.Replace(body, "dir: ../var/outbox", "dir: "+filepath.Join(dir, "outbox"), 1)
	body = strings.Replace(body, "secret_file: ../var/web.key", "secret_file: "+filepath.Join(dir, "web.key"), 1)
	body = strings.Replace(body, "listen: 127.0.0.1:8080", "listen: 127.0.0.1:0", 1)
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	client := http.Client{Timeout: time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

func TestRunServesHealthAndStopsOnSIGTERM(t *testing.T) {
	p := startDaemon(t, tempConfig(t))
	addr := p.await(t, `serving /healthz and /metrics.*listen="?([0-9.:]+)`, 20*time.Second)[1]
	p.await(t, `remindd started`, 20*time.Second)

	code, body := get(t, "http://"+addr+"/healthz")
	if code != http.StatusOK || !strings.Contains(body, `"store":"ok"`) || !strings.Contains(body, `"leader":true`) {
		t.Errorf("/healthz: %d %s", code, body)
	}
	code, body = get(t, "http://"+addr+"/metrics")
	for _, series := range []string{"remindd_leader 1", "remindd_store_up 1", "remindd_outbox_depth{status=\"pending\"}"} {
		if code != http.StatusOK || !strings.Contains(body, series) {
			t.Errorf("/metrics lacks %s", series)
		}
	}

	p.terminate(t)
}

func TestRunReloadsOnSIGHUP(t *testing.T) {
	path := tempConfig(t)
	good := readFile(t, path)
	p := startDaemon(t, path)
	p.await(t, `remindd started`, 20*time.Second)

	// A bad config is refused and the running one kept.
	if err := os.WriteFile(path, []byte(strings.Replace(good, `sweep: "0 9 * * *"`, `sweep: "0 0 9 * * *"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	m := p.await(t, `reload refused.*jobs\.sweep: cron spec .*0 0 9 .*must have five fields`, 10*time.Second)
	if len(m) == 0 {
		t.Fatal("no refusal")
	}
	// A good one is taken.
	if err := os.WriteFile(path, []byte(strings.Replace(good, "overdue_every_days: 7", "overdue_every_days: 14", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	p.await(t, `config and plan reloaded`, 10*time.Second)

	p.terminate(t)
}

func TestSecondInstanceOnOneSQLiteFileIsRefused(t *testing.T) {
	path := tempConfig(t)
	p := startDaemon(t, path)
	p.await(t, `remindd started`, 20*time.Second)
	out, err := exec.Command(binary, "run", "--config", path, "--listen", "").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "another remindd") {
		t.Errorf("second instance: %v\n%s", err, out)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

// TestSystemdNotifications listens where systemd would and checks that
// remindd says READY=1, pings the watchdog it was asked for, and says
// STOPPING=1 on SIGTERM.
func TestSystemdNotifications(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "notify.sock")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: sock, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	got := make(chan string, 100)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, _, err := conn.ReadFromUnix(buf)
			if err != nil {
				close(got)
				return
			}
			got <- string(buf[:n])
		}
	}()
	await := func(want string) {
		t.Helper()
		timeout := time.After(20 * time.Second)
		for {
			select {
			case s, ok := <-got:
				if !ok {
					t.Fatalf("socket closed before %s", want)
				}
				if strings.Contains(s, want) {
					return
				}
			case <-timeout:
				t.Fatalf("no %s from remindd", want)
			}
		}
	}

	cmd := exec.Command(binary, "run", "--config", tempConfig(t), "--listen", "")
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+sock, "WATCHDOG_USEC=200000")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	await("READY=1")
	await("WATCHDOG=1")
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	await("STOPPING=1")
	if err := cmd.Wait(); err != nil {
		t.Errorf("exit: %v", err)
	}
}

func netListen() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }

// getNoFail is get that reports a failed request as code 0.
func getNoFail(url string) (int, string) {
	client := http.Client{Timeout: time.Second}
	resp, err := client.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err.Error()
	}
	return resp.StatusCode, string(body)
}
