package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// TestSimulateTakesDates: --from and --to take a date, --from meaning from
// the day's start and --to to its end, so that one day is --from and --to
// the same date; anything else is refused naming the flag.
func TestSimulateTakesDates(t *testing.T) {
	cfg := tempConfig(t)
	code, out, errs := cli(t, "simulate", "--config", cfg, "--from", "2024-06-02", "--to", "2024-06-02")
	if code != 0 || !strings.HasPrefix(out, "2024-06-02T09:00:00+08:00 jobs sweep,agenda,digest:") {
		t.Errorf("exit %d %s\n%s", code, errs, out)
	}
	code, _, errs = cli(t, "simulate", "--config", cfg, "--from", "2024-06-02", "--to", "3 June")
	if code != 2 || !strings.Contains(errs, `--to "3 June" is neither an RFC 3339 time`) {
		t.Errorf("a bad --to: exit %d: %s", code, errs)
	}
}

// TestSimulateSendsOnlyWhenAsked: simulate writes the file channel's
// messages and sends nothing through a webhook unless --send is given,
// saying on stderr which channels it leaves out; with --send the webhook
// gets the digest of 2 June.
func TestSimulateSendsOnlyWhenAsked(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	t.Setenv("REMINDD_TEST_SIMULATE_SINK", srv.URL)
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, send := range []bool{false, true} {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "config.yaml")
		body := fmt.Sprintf(`plan: %s
store: sqlite:%s/remindd.db
channels:
  - {name: files, type: file, dir: %s/outbox}
  - {name: sink, type: webhook, url_env: REMINDD_TEST_SIMULATE_SINK}
office:
  contacts: [{channel: files, address: office@example.gov.cn}, {channel: sink}]
`, plan, dir, dir)
		if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		args := []string{"simulate", "--config", cfg, "--from", "2024-06-01T10:00:00+08:00", "--to", "2024-06-03T00:00:00+08:00"}
		if send {
			// Dates: from the start of 2 June to its end.
			args = []string{"simulate", "--config", cfg, "--from", "2024-06-02", "--to", "2024-06-02", "--send"}
		}
		hits.Store(0)
		code, out, errs := cli(t, args...)
		if code != 0 {
			t.Fatalf("--send %v: exit %d: %s", send, code, errs)
		}
		// The messages' files; the digest's forms (.xlsx) lie beside it.
		files, _ := filepath.Glob(filepath.Join(dir, "outbox", "*.txt"))
		said := strings.Contains(errs, "simulate: writing to file and log channels only, not sending through sink (webhook): give --send to send\n")
		_, sinkRows, _ := cli(t, "outbox", "--config", cfg, "--format", "json")
		if send {
			if hits.Load() != 1 || said || strings.Contains(out, "withheld") {
				t.Errorf("--send: %d requests to the webhook, want 1; stderr %q; stdout:\n%s", hits.Load(), errs, out)
			}
			if !strings.Contains(sinkRows, `"channel": "sink"`) {
				t.Errorf("--send: the webhook's message is not in the outbox:\n%s", sinkRows)
			}
		} else {
			if hits.Load() != 0 || !said || !strings.Contains(out, "total: 1 enqueued, 1 sent, 0 retried, 0 failed; 1 withheld (not sent without --send)\n") {
				t.Errorf("without --send: %d requests to the webhook, want none; stderr %q; stdout:\n%s", hits.Load(), errs, out)
			}
			if strings.Contains(sinkRows, `"channel": "sink"`) {
				t.Errorf("the webhook's message is in the outbox, to be sent by the next run:\n%s", sinkRows)
			}
		}
		if len(files) != 1 || !strings.HasPrefix(filepath.Base(files[0]), "digest_office_office_2024-06_files_") {
			t.Errorf("--send %v: files written %v, want the digest of 2 June", send, files)
		}
	}
}
