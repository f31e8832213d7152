package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestDueAfterTheJobsRan: before a tick, due's table says its
// notifications are not in the outbox yet; after the tick at the same
// instant, instead of "0 notifications", it names the jobs already run and
// says they decide as many notifications as the tick enqueued, all in the
// outbox. JSON stays an array, the note on standard error.
func TestDueAfterTheJobsRan(t *testing.T) {
	cfg := tempConfig(t)
	at := "2024-06-03T09:00:00+08:00"
	code, before, errs := cli(t, "due", "--config", cfg, "--at", at)
	m := regexp.MustCompile(`\n(\d+) notifications, none in the outbox yet\n$`).FindStringSubmatch(before)
	if code != 0 || m == nil {
		t.Fatalf("due before the tick: exit %d %s\n%s", code, errs, before)
	}
	if code, _, errs := cli(t, "migrate", "--config", cfg); code != 0 {
		t.Fatalf("migrate: %s", errs)
	}
	code, out, errs := cli(t, "tick", "--config", cfg, "--at", at)
	enq := regexp.MustCompile(`: (\d+) decided, (\d+) enqueued`).FindStringSubmatch(out)
	if code != 0 || enq == nil || enq[2] != m[1] {
		t.Fatalf("tick: exit %d %s\n%s\nwant %s enqueued", code, errs, out, m[1])
	}

	code, after, errs := cli(t, "due", "--config", cfg, "--at", at)
	want := "nothing left to decide; already run: sweep at 2024-06-03T09:00:00+08:00, agenda at 2024-06-01T09:00:00+08:00, digest at 2024-06-02T09:00:00+08:00; they decide " +
		m[1] + " notifications, all of them in the outbox (remindd outbox lists them)\n"
	if code != 0 || !strings.HasSuffix(after, "\n"+want) || regexp.MustCompile(`(^|[^0-9])0 notifications`).MatchString(after) {
		t.Errorf("due after the tick: exit %d %s\n%s\nwant it to end with %s", code, errs, after, want)
	}
	code, js, errs := cli(t, "due", "--config", cfg, "--at", at, "--format", "json")
	if code != 0 || js != "[]\n" || errs != "remindd due: "+strings.TrimPrefix(want, "nothing left to decide; ") {
		t.Errorf("due --format json after the tick: exit %d, stdout %q, stderr %q", code, js, errs)
	}

	// A day later the sweep is due again: most of its keys are the
	// stages already sent.
	code, next, _ := cli(t, "due", "--config", cfg, "--at", "2024-06-04T09:00:00+08:00")
	f := regexp.MustCompile(`\n(\d+) notifications, (?:(\d+) of them|all) already in the outbox.*\nbesides, already run: agenda at 2024-06-01T09:00:00\+08:00, digest at 2024-06-02T09:00:00\+08:00; they decide \d+ notifications, all of them in the outbox`).FindStringSubmatch(next)
	if code != 0 || f == nil {
		t.Fatalf("due the next day:\n%s", next)
	}
	if n, _ := strconv.Atoi(f[1]); n == 0 {
		t.Errorf("no sweep the next day:\n%s", next)
	}
}
