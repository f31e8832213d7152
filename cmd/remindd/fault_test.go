package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/remindd/remindd/deliver"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/store"
)

// TestKillDuringDelivery kills `remindd run` with SIGKILL at random moments
// while it delivers a full outbox to an SMTP sink, restarting it each time:
// the sink must receive every message, and duplicates (counted by the
// X-Remindd-Key the Message-ID derives from) must not exceed what can be
// sent and not yet marked at a kill: deliver.DefaultUnmarked per kill, the
// send in flight counted (marks follow the sends as they complete; the
// sender waits for them beyond that; see the deliver package). Quick in the
// suite (3 kills: at most 15); REMINDD_FAULTS=1 runs the 20 kills
// over 10,000 messages (at most 100).
func TestKillDuringDelivery(t *testing.T) {
	trials, total := 3, 300
	if os.Getenv("REMINDD_FAULTS") == "1" {
		trials, total = 20, 10000
	}
	const batch = 50
	sink := smtptest.Start(t)
	dir := t.TempDir()
	db := filepath.Join(dir, "remindd.db")
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "config.yaml")
	body := fmt.Sprintf(`plan: %s
store: sqlite:%s
delivery: {batch: %d}
channels:
  - {name: mail, type: email, host: 127.0.0.1, port: %d, tls: none, from: remindd@example.gov.cn, from_name: 提醒}
`, plan, db, batch, sink.Port)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	fill(t, "sqlite:"+db, total)

	// Bound the whole test: closing the sink ends every wait below.
	bound := time.AfterFunc(10*time.Minute, sink.Close)
	defer bound.Stop()

	// unique counts messages per key, parsing each received message once.
	seen := map[string]int{}
	parsed := 0
	unique := func(ms []smtptest.Message) map[string]int {
		for ; parsed < len(ms); parsed++ {
			if msg, err := mail.ReadMessage(bytes.NewReader(ms[parsed].Data)); err == nil {
				seen[msg.Header.Get("X-Remindd-Key")]++
			}
		}
		return seen
	}
	rng := rand.New(rand.NewPCG(1, 2))
	kills := 0
	for trial := 0; trial < trials; trial++ {
		have := len(unique(sink.Messages()))
		left := total - have
		if left < 2 {
			break
		}
		target := have + 1 + rng.IntN(max(1, left/(trials-trial)))
		cmd := exec.Command(binary, "run", "--config", cfg, "--listen", "", "--log-level", "error")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if !sink.WaitFor(func(ms []smtptest.Message) bool { return len(unique(ms)) >= target }) {
			cmd.Process.Kill()
			t.Fatalf("trial %d: the sink never reached %d messages", trial, target)
		}
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait() // killed: its exit status says so
		kills++
	}
	cmd := exec.Command(binary, "run", "--config", cfg, "--listen", "", "--log-level", "error")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if !sink.WaitFor(func(ms []smtptest.Message) bool { return len(unique(ms)) >= total }) {
		cmd.Process.Kill()
		t.Fatalf("after %d kills the sink has %d of %d messages", kills, len(unique(sink.Messages())), total)
	}
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("last run: %v", err)
	}

	unique(sink.Messages())
	dups := 0
	for i := 0; i < total; i++ {
		n := seen[key(i)]
		if n == 0 {
			t.Errorf("%s lost", key(i))
		}
		dups += max(0, n-1)
	}
	limit := kills * deliver.DefaultUnmarked
	if dups > limit {
		t.Errorf("%d duplicates after %d kills, more than the %d that can be sent and not marked", dups, kills, limit)
	}
	t.Logf("%d messages, %d kills: 0 lost, %d duplicates (bound %d)", total, kills, dups, limit)

	s, err := store.Open(context.Background(), "sqlite:"+db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	depth, err := s.Depth(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if depth[store.StatusSent] != total {
		t.Errorf("outbox: %v", depth)
	}
}

func key(i int) string { return "lead:enterprise:" + strconv.Itoa(i) + ":2024-05-31/d7:mail" }

// fill enqueues total rendered-looking messages, due now.
func fill(t *testing.T, addr string, total int) {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var msgs []store.Message
	for i := 0; i < total; i++ {
		m := render.Message{Key: key(i), Name: "测试企业", Subject: "【安全生产标准化】5月31日到期任务提醒（还剩7天）：共1项",
			Text: "测试企业：\n\n（1）任务44：督促、指导小微企业完成管理达标。\n", HTML: "<p>任务44</p>"}
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, store.Message{Key: m.Key, PlanID: "jinjiang-2024", Rule: "lead", RecipientKind: "enterprise",
			RecipientID: strconv.Itoa(i), Channel: "mail", Address: fmt.Sprintf("r%d@example.com", i),
			Subject: m.Subject, Body: string(b), Tasks: []int{44}, NextAttempt: time.Date(2024, 5, 24, 1, 0, 0, 0, time.UTC)})
	}
	if _, err := s.Enqueue(ctx, msgs); err != nil {
		t.Fatal(err)
	}
}
