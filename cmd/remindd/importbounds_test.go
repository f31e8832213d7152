package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportDevZeroIsRefusedInBoundedMemory is issue 13's acceptance:
// `enterprises import /dev/zero` (a file without a line break that never
// ends) ends with a clear error naming the file and line, exit 1, and the
// process never holds 100 MB.
func TestImportDevZeroIsRefusedInBoundedMemory(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Fatalf("no /dev/zero: %v", err)
	}
	cmd := exec.Command(binary, "enterprises", "import", "/dev/zero",
		"--config", exampleConfig, "--store", "sqlite:"+filepath.Join(t.TempDir(), "remindd.db"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Before the fix the process grew by some 200 MB a second until the
	// machine ran out; a watchdog kills it past 500 MB (or after a minute),
	// so that such a process fails this test rather than the machine.
	stop := make(chan struct{})
	go watchRSS(cmd.Process, 500<<20, stop)
	err := cmd.Wait()
	close(stop)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Errorf("exit: %v, want status 1", err)
	}
	want := "remindd enterprises: /dev/zero line 1: line is longer than 64 KiB"
	if !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr %q, want one line starting %q", stderr.String(), want)
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout %q", stdout.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Fatalf("no rusage on this system (%T)", cmd.ProcessState.SysUsage())
	}
	// Maxrss is in KiB on Linux.
	if mb := ru.Maxrss * 1024 / 1e6; mb >= 100 {
		t.Errorf("peak RSS %d MB, want under 100", mb)
	} else {
		t.Logf("peak RSS %d MB", mb)
	}
}

// watchRSS kills p when its resident memory passes limit bytes, or after a
// minute, until stop is closed. It reads /proc/PID/statm (Linux) as the
// process runs.
func watchRSS(p *os.Process, limit int64, stop <-chan struct{}) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	page := int64(os.Getpagesize())
	for {
		select {
		case <-stop:
			return
		case <-deadline:
			_ = p.Kill()
			return
		case <-tick.C:
			b, err := os.ReadFile("/proc/" + strconv.Itoa(p.Pid) + "/statm")
			if err != nil {
				continue // not started yet, or gone
			}
			f := strings.Fields(string(b))
			if len(f) < 2 {
				continue
			}
			if pages, err := strconv.ParseInt(f[1], 10, 64); err == nil && pages*page > limit {
				_ = p.Kill()
				return
			}
		}
	}
}
