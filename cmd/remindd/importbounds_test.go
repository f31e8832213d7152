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
	// The child's own peak: a process forked from this test binary starts
	// with the parent's memory counted in its rusage (Linux keeps the
	// high-water mark of the memory it had before exec, here the test's,
	// 180 MB under -race), so GNU time, small, runs it and reports its
	// peak; without it, the peak the watchdog samples.
	args := []string{"enterprises", "import", "/dev/zero",
		"--config", exampleConfig, "--store", "sqlite:" + filepath.Join(t.TempDir(), "remindd.db")}
	peakFile := filepath.Join(t.TempDir(), "peak")
	cmd := exec.Command(binary, args...)
	if _, err := os.Stat("/usr/bin/time"); err == nil {
		cmd = exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", peakFile, binary}, args...)...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Before the fix the process grew by some 200 MB a second until the
	// machine ran out; a watchdog kills it past 500 MB (or after a minute),
	// so that such a process fails this test rather than the machine.
	stop := make(chan struct{})
	sampled := make(chan int64, 1)
	go func() { sampled <- watchRSS(cmd.Process, 500<<20, stop) }()
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
	peak := <-sampled
	how := "sampled"
	if b, err := os.ReadFile(peakFile); err == nil {
		// The last line; before it GNU time says the command failed.
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		kb, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
		if err != nil {
			t.Fatalf("GNU time's peak %q: %v", b, err)
		}
		peak, how = kb*1024, "GNU time's"
	}
	if mb := peak / 1e6; mb >= 100 {
		t.Errorf("peak RSS %d MB (%s), want under 100", mb, how)
	} else {
		t.Logf("peak RSS %d MB (%s)", mb, how)
	}
}

// watchRSS samples the resident memory of p's process group leader's
// group: p and, when p is GNU time, its child. It kills the group past
// limit bytes or after a minute, and returns the largest sample.
func watchRSS(p *os.Process, limit int64, stop <-chan struct{}) int64 {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	deadline := time.After(time.Minute)
	page := int64(os.Getpagesize())
	var peak int64
	for {
		select {
		case <-stop:
			return peak
		case <-deadline:
			_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
			return peak
		case <-tick.C:
			for _, pid := range groupPIDs(p.Pid) {
				b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/statm")
				if err != nil {
					continue // gone
				}
				f := strings.Fields(string(b))
				if len(f) < 2 {
					continue
				}
				pages, err := strconv.ParseInt(f[1], 10, 64)
				if err != nil {
					continue
				}
				peak = max(peak, pages*page)
				if pages*page > limit {
					_ = syscall.Kill(-p.Pid, syscall.SIGKILL)
					return peak
				}
			}
		}
	}
}

// groupPIDs lists the processes of process group pgid: the leader and
// the children it started.
func groupPIDs(pgid int) []int {
	out := []int{pgid}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pgid) + "/task/" + strconv.Itoa(pgid) + "/children")
	if err != nil {
		return out
	}
	for _, f := range strings.Fields(string(b)) {
		if pid, err := strconv.Atoi(f); err == nil {
			out = append(out, pid)
		}
	}
	return out
}
