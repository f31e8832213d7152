package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// idleResult is the daemon's cost while it has nothing to do.
type idleResult struct {
	size       int
	window     time.Duration
	cpu        time.Duration // utime+stime over the window
	schedCPU   time.Duration // the same from schedstat, in ns, live threads
	startup    time.Duration // wall time until "remindd started"
	settle     time.Duration // wall time from start until quiet
	startupCPU time.Duration // CPU time from start until quiet (the start-up catch-up)
	totalCPU   time.Duration // whole life, from rusage
	rssStart   int64         // bytes, at "remindd started"
	rssEnd     int64         // bytes, at the end of the window
	maxRSS     int64         // peak until the end of the window (VmHWM)
	logLines   []string      // what it logged (after start)
	exitErr    string
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat's times.
func clockTicks() int64 {
	out, err := exec.Command("getconf", "CLK_TCK").Output()
	if err != nil {
		return 100
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil || n <= 0 {
		return 100
	}
	return n
}

// procCPU reads utime+stime of a process (all its threads, live and
// exited) from /proc/PID/stat.
func procCPU(pid int, hz int64) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	s := string(b)
	// The command name is in parentheses and may hold spaces: count fields
	// after its closing parenthesis (state is field 3, utime 14, stime 15).
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("bad /proc/%d/stat", pid)
	}
	return time.Duration(ut+st) * time.Second / time.Duration(hz), nil
}

// schedCPU sums the CPU time, in nanoseconds, of a process's live threads
// from /proc/PID/task/*/schedstat: finer than /proc/PID/stat's ticks.
func schedCPU(pid int) time.Duration {
	dirs, err := os.ReadDir(fmt.Sprintf("/proc/%d/task", pid))
	if err != nil {
		return 0
	}
	var sum int64
	for _, d := range dirs {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/task/%s/schedstat", pid, d.Name()))
		if err != nil {
			continue
		}
		if f := strings.Fields(string(b)); len(f) > 0 {
			n, _ := strconv.ParseInt(f[0], 10, 64)
			sum += n
		}
	}
	return time.Duration(sum)
}

// benchIdle starts `remindd run` on the store of size n after recording
// every job as run just now (so nothing is due: the daemon is idle between
// its jobs), waits for "remindd started", and measures its CPU time over
// the window; then stops it with SIGTERM.
func (b *bench) benchIdle(ctx context.Context, n int, sk *sink) (*idleResult, error) {
	res := &idleResult{size: n, window: b.idle}
	name := dbName(strconv.Itoa(n))
	cfgPath, err := b.writeConfig(name, sk.port)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	for _, job := range []string{"sweep", "agenda", "digest", "quarterly"} {
		if _, err := b.admin.ExecContext(ctx, `INSERT INTO `+name+`.job_runs (plan_id, job, last_run_at) VALUES (?, ?, ?)
ON DUPLICATE KEY UPDATE last_run_at = VALUES(last_run_at)`, b.plan.ID, job, now); err != nil {
			return nil, err
		}
	}
	hz := clockTicks()
	cmd := exec.Command(b.bin, "run", "--config", cfgPath, "--listen", "127.0.0.1:0")
	cmd.Env = append(os.Environ(), "JOURNAL_STREAM=") // plain logs, with time stamps
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	started := make(chan struct{})
	lines := make(chan string, 1000)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := false
		for sc.Scan() {
			l := sc.Text()
			if !once && strings.Contains(l, "remindd started") {
				once = true
				close(started)
			}
			select {
			case lines <- l:
			default:
			}
		}
		close(lines)
	}()
	select {
	case <-started:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		return nil, fmt.Errorf("remindd run did not log \"remindd started\" within 2 minutes")
	}
	res.startup = time.Since(t0)
	pid := cmd.Process.Pid
	// The daemon catches up (a snapshot and an evaluation) beside its
	// scheduler after it says it started: the window starts once it is
	// quiet, i.e. used at most one clock tick of CPU in two seconds.
	var samples []time.Duration
	for {
		c, err := procCPU(pid, hz)
		if err != nil {
			return nil, err
		}
		samples = append(samples, c)
		if k := len(samples); k > 4 && samples[k-1]-samples[k-5] <= time.Second/time.Duration(hz) {
			break
		}
		if time.Since(t0) > 3*time.Minute {
			return nil, fmt.Errorf("remindd run was still busy 3 minutes after it started")
		}
		time.Sleep(500 * time.Millisecond)
	}
	res.settle = time.Since(t0)
	c0 := samples[len(samples)-1]
	res.startupCPU = c0
	res.rssStart = procRSS(pid)
	s0 := schedCPU(pid)
	time.Sleep(b.idle)
	c1, err := procCPU(pid, hz)
	if err != nil {
		return nil, err
	}
	res.cpu = c1 - c0
	res.schedCPU = schedCPU(pid) - s0
	res.rssEnd = procRSS(pid)
	res.maxRSS = procHWM(pid)
	_ = cmd.Process.Signal(syscall.SIGTERM)
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()
	select {
	case err := <-waitErr:
		if err != nil {
			res.exitErr = err.Error()
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-waitErr
		res.exitErr = "did not stop within 30 s of SIGTERM"
	}
	if ps := cmd.ProcessState; ps != nil {
		res.totalCPU = ps.UserTime() + ps.SystemTime()
	}
	for l := range lines {
		res.logLines = append(res.logLines, l)
	}
	return res, nil
}
