package main

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRunServesTheDesk is issue 10's acceptance, as a new user runs it:
// with the example config on a fresh SQLite store, migrate, import the
// example enterprises and tick on 24 May 2024; the messages carry links
// that start with base_url; with `remindd run` serving the desk, a GET of
// a section's link shows its May tasks and changes nothing; POSTing the
// page's form for task 44 records it for that section only; a tampered
// link and a cross-origin POST are refused and record nothing. And the
// command line may write the SQLite store while the service runs.
func TestRunServesTheDesk(t *testing.T) {
	cfg := tempConfig(t)
	st := []string{"--config", cfg}
	for _, args := range [][]string{{"migrate"}, {"enterprises", "import", "../../examples/enterprises.csv"},
		{"tick", "--at", "2024-05-24T09:00:00+08:00"}} {
		if code, _, errs := cli(t, append(args, st...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
	}
	code, out, errs := cli(t, append([]string{"link", "--section", "industry-mgmt"}, st...)...)
	link := strings.TrimSpace(out)
	if code != 0 || !strings.HasPrefix(link, "http://127.0.0.1:8080/r/") {
		t.Fatalf("link: exit %d, %q %s", code, out, errs)
	}
	mail, err := os.ReadFile(outboxName(t, filepath.Dir(cfg), "daily_section_industry-mgmt_2024-05-24_outbox_"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(mail), "\n"+link+"\n") {
		t.Errorf("the section's message lacks its link on a line of its own:\n%s", mail)
	}

	p := startProcess(t, exec.Command(binary, "run", "--config", cfg, "--listen", "", "--at", "2024-05-24T10:00:00+08:00"), nil)
	addr := p.await(t, `serving the desk and personal links.*listen="?([0-9.:]+)`, 20*time.Second)[1]
	p.await(t, `remindd started`, 20*time.Second)
	link = strings.Replace(link, "127.0.0.1:8080", addr, 1)
	origin := "http://" + addr
	reported := func() []int {
		t.Helper()
		// The report is made at about 10:00 of the daemon's day; a later
		// --at overrides statusOf's.
		return statusOf(t, append(st, "--at", "2024-05-24T12:00:00+08:00"), "industry-mgmt").Reported
	}

	code, body := get(t, link)
	if code != http.StatusOK || !strings.Contains(body, "任务44") || !strings.Contains(body, `name="task" value="44"`) {
		t.Fatalf("GET the link: %d\n%.400s", code, body)
	}
	if got := reported(); len(got) != 0 {
		t.Errorf("a GET reported %v", got)
	}
	post := func(target, origin string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, target, strings.NewReader(url.Values{"task": {"44"}, "by": {"王科长"}, "note": {"已督促"}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", origin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	tampered := link[:len(link)-1] + map[bool]string{true: "A", false: "B"}[!strings.HasSuffix(link, "A")]
	if code, _ := get(t, tampered); code != http.StatusForbidden {
		t.Errorf("GET a tampered link: %d, want 403", code)
	}
	if code, _ := post(tampered, origin); code != http.StatusForbidden {
		t.Errorf("POST to a tampered link: %d, want 403", code)
	}
	if code, _ := post(link, "http://evil.example"); code != http.StatusForbidden {
		t.Errorf("a cross-origin POST: %d, want 403", code)
	}
	if got := reported(); len(got) != 0 {
		t.Errorf("refused POSTs reported %v", got)
	}
	if code, body := post(link, origin); code != http.StatusOK || !strings.Contains(body, "已收到您的报告") {
		t.Fatalf("POST the form: %d\n%.400s", code, body)
	}
	if got := reported(); !slices.Equal(got, []int{44}) {
		t.Errorf("reported after the POST: %v, want [44]", got)
	}
	if got := statusOf(t, append(st, "--at", "2024-05-24T12:00:00+08:00"), "market-mgmt").Reported; len(got) != 0 {
		t.Errorf("another section has %v reported", got)
	}
	// With SQLite the command line writes while the service runs (WAL, a
	// busy timeout): no need to stop it.
	if code, out, errs := cli(t, append([]string{"done", "--task", "45", "--section", "industry-mgmt", "--at", "2024-05-24T11:00:00+08:00"}, st...)...); code != 0 {
		t.Errorf("done while the service runs: exit %d, %q %s", code, out, errs)
	}
	if got := statusOf(t, append(st, "--at", "2024-05-24T12:00:00+08:00"), "industry-mgmt").Done; !slices.Contains(got, 45) {
		t.Errorf("done while the service runs: done %v, want 45 in it", got)
	}
	p.terminate(t)
}

// outboxName finds the file of the outbox folder dir whose name starts with
// prefix.
func outboxName(t *testing.T, dir, prefix string) string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(dir, "outbox", prefix+"*"))
	if err != nil || len(matches) != 1 {
		t.Fatalf("outbox files %s*: %v, %v", prefix, matches, err)
	}
	return matches[0]
}
