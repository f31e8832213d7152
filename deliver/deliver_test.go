package deliver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/store"
)

// t0 is the drains' instant; the messages fell due just before.
var t0 = time.Date(2024, 5, 24, 1, 0, 0, 0, time.UTC)

// hook is a webhook server on loopback. Each post is answered when answer
// says so (nil: at once); it counts the posts by message key.
type hook struct {
	*httptest.Server
	mu     sync.Mutex
	posts  []string
	onPost func(n int) // when set, called with the number of posts so far, before answering
	answer func(r *http.Request, n int)
}

func newHook(t *testing.T) *hook {
	h := &hook{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ Key string }
		b, _ := io.ReadAll(r.Body)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("post: %v", err)
		}
		h.mu.Lock()
		h.posts = append(h.posts, m.Key)
		n, onPost, answer := len(h.posts), h.onPost, h.answer
		h.mu.Unlock()
		if onPost != nil {
			onPost(n)
		}
		if answer != nil {
			answer(r, n)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hook) count() map[string]int {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := map[string]int{}
	for _, k := range h.posts {
		out[k]++
	}
	return out
}

// channels is one webhook channel, "hook", posting to h.
func (h *hook) channels(t *testing.T) map[string]notify.Channel {
	t.Setenv("REMINDD_TEST_HOOK", h.URL)
	ch, err := notify.New(&config.Channel{Name: "hook", Type: "webhook", URLEnv: "REMINDD_TEST_HOOK",
		Timeout: config.Duration(30 * time.Second)}, notify.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]notify.Channel{"hook": ch}
}

// fill enqueues n messages for the hook channel, due before t0, and returns
// their keys in order.
func fill(t *testing.T, s *store.Store, n int) []string {
	t.Helper()
	var msgs []store.Message
	var keys []string
	for i := range n {
		key := fmt.Sprintf("lead:section:s%02d:2024-05-31/d7:hook", i)
		body, err := render.Encode(render.Message{Key: key, Subject: "提醒", Text: "任务44"}, "webhook")
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, store.Message{Key: key, PlanID: "p", Rule: "lead", RecipientKind: "section",
			RecipientID: fmt.Sprintf("s%02d", i), Channel: "hook", Subject: "提醒", Body: body,
			NextAttempt: t0.Add(-time.Hour).Add(time.Duration(i) * time.Second)})
		keys = append(keys, key)
	}
	if _, err := s.Enqueue(context.Background(), msgs); err != nil {
		t.Fatal(err)
	}
	return keys
}

func quiet() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

func policy(batch, unmarked int) Policy {
	return Policy{Batch: batch, Unmarked: unmarked, MaxAttempts: 5, BackoffBase: time.Minute, BackoffMax: time.Hour, DrainTimeout: 30 * time.Second}
}

// statuses reads each key's status and attempts.
func statuses(t *testing.T, s *store.Store) map[string]store.OutboxRow {
	t.Helper()
	rows, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]store.OutboxRow{}
	for _, r := range rows {
		out[r.Key] = r
	}
	return out
}

// watched is the store with its MarkAllSent calls recorded; the first one
// waits for gate to close.
type watched struct {
	*store.Store
	gate      chan struct{}
	mu        sync.Mutex
	calls     [][]int64
	committed int // ids whose MarkAllSent returned
}

func (w *watched) MarkAllSent(ctx context.Context, ids []int64, at time.Time) (int, error) {
	w.mu.Lock()
	w.calls = append(w.calls, append([]int64(nil), ids...))
	first := len(w.calls) == 1
	w.mu.Unlock()
	if first {
		<-w.gate
	}
	n, err := w.Store.MarkAllSent(ctx, ids, at)
	w.mu.Lock()
	w.committed += len(ids)
	w.mu.Unlock()
	return n, err
}

func (w *watched) done() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.committed
}

// TestCrashWindowIsBounded is the crash window: at every moment, the
// messages a webhook has received and the store has not marked sent (what
// a crash would send again) are at most Policy.Unmarked, the post in flight
// counted. The first mark is held up: the sender goes on only until that
// many are unmarked, then waits; once the mark is through, one statement
// marks every send completed meanwhile.
func TestCrashWindowIsBounded(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		const total, unmarked = 12, 3
		keys := fill(t, s, total)
		h := newHook(t)
		w := &watched{Store: s, gate: make(chan struct{})}
		var (
			open  sync.Once
			mu    sync.Mutex
			worst int
		)
		release := func() { open.Do(func() { close(w.gate) }) }
		h.onPost = func(n int) {
			mu.Lock()
			worst = max(worst, n-w.done())
			broken := worst > unmarked
			mu.Unlock()
			if broken || n == total {
				release() // the bound is broken (the test fails) or all is sent: hold up no more
			}
		}
		d := New(Options{Store: w, Worker: "w", Channels: h.channels(t), Policy: policy(4, unmarked), Log: quiet()})
		waits := 0
		d.onWait = func() {
			waits++
			release()
		}
		res, err := d.Drain(context.Background(), t0)
		if err != nil {
			t.Fatal(err)
		}
		if res != (Result{Sent: total}) {
			t.Errorf("drain: %+v", res)
		}
		mu.Lock()
		defer mu.Unlock()
		if worst > unmarked {
			t.Errorf("%d messages sent and not marked at once, more than %d", worst, unmarked)
		}
		if waits == 0 {
			t.Error("the sender never waited for the held-up mark")
		}
		if len(w.calls) < 2 || len(w.calls[1]) < unmarked-len(w.calls[0]) {
			t.Errorf("marks %v: after the held-up one, one statement should mark all %d sent meanwhile", w.calls, unmarked-len(w.calls[0]))
		}
		for _, c := range w.calls {
			if len(c) > unmarked {
				t.Errorf("a mark of %d messages: more than %d were sent and not marked", len(c), unmarked)
			}
		}
		got := h.count()
		rows := statuses(t, s)
		for _, k := range keys {
			if got[k] != 1 || rows[k].Status != store.StatusSent {
				t.Errorf("%s: posted %d times, %s", k, got[k], rows[k].Status)
			}
		}
	})
}

// bounded is a drain's clock whose drain bound passes when the test says.
type bounded struct{ bound, grace chan time.Time }

func newBounded() *bounded {
	return &bounded{bound: make(chan time.Time), grace: make(chan time.Time)}
}

func (b *bounded) after(d time.Duration) <-chan time.Time {
	if d == policy(1, 1).DrainTimeout {
		return b.bound
	}
	return b.grace
}

// TestStoppedDrainFinishesItsBatch: once the drain's context is done it
// claims nothing more and gives back the batch it claimed ahead (pending,
// due at once, no attempt counted), and the batch being sent is finished
// and marked within the drain bound.
func TestStoppedDrainFinishesItsBatch(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		keys := fill(t, s, 6)
		h := newHook(t)
		first, goOn := make(chan struct{}), make(chan struct{})
		h.answer = func(_ *http.Request, n int) {
			if n == 1 {
				close(first)
				<-goOn
			}
		}
		clock := newBounded()
		d := New(Options{Store: s, Worker: "w", Channels: h.channels(t), Policy: policy(2, 5), Log: quiet(), After: clock.after})
		ctx, stop := context.WithCancel(context.Background())
		out := drainInBackground(ctx, d)
		<-first
		stop()
		close(goOn)
		got := <-out
		if got.err != nil || got.res != (Result{Sent: 2}) {
			t.Fatalf("drain: %+v, %v; want the batch in flight sent", got.res, got.err)
		}
		rows := statuses(t, s)
		for i, k := range keys {
			want := store.StatusPending
			if i < 2 {
				want = store.StatusSent
			}
			if r := rows[k]; r.Status != want || r.Attempts != 0 || r.Status == store.StatusPending && r.NextAttempt.After(t0) {
				t.Errorf("%s: %s, %d attempts, due %s; want %s, none, due by %s", k, r.Status, r.Attempts, r.NextAttempt, want, t0)
			}
		}
		if n := len(h.count()); n != 2 {
			t.Errorf("%d messages posted, want the 2 of the batch in flight", n)
		}
	})
}

// TestDrainBoundCancelsHungSends: when the sends in flight outlast the
// drain bound they are cancelled; the message cut off and the rest of its
// batch are to be tried again (what was in flight is retried on the next
// start), and the batch claimed ahead is given back.
func TestDrainBoundCancelsHungSends(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		keys := fill(t, s, 6)
		h := newHook(t)
		first := make(chan struct{})
		h.answer = func(r *http.Request, n int) {
			if n == 1 {
				close(first)
				<-r.Context().Done() // hangs until the client gives up
			}
		}
		clock := newBounded()
		d := New(Options{Store: s, Worker: "w", Channels: h.channels(t), Policy: policy(2, 5), Log: quiet(), After: clock.after})
		ctx, stop := context.WithCancel(context.Background())
		out := drainInBackground(ctx, d)
		<-first
		stop()
		clock.bound <- t0 // the drain bound passes
		got := <-out
		if got.err != nil || got.res != (Result{Retried: 2}) {
			t.Fatalf("drain: %+v, %v; want the batch in flight to be retried", got.res, got.err)
		}
		rows := statuses(t, s)
		for i, k := range keys {
			r := rows[k]
			attempts := 0
			if i < 2 {
				attempts = 1
			}
			if r.Status != store.StatusPending || r.Attempts != attempts {
				t.Errorf("%s: %s, %d attempts; want pending, %d", k, r.Status, r.Attempts, attempts)
			}
		}
	})
}

// failing is the store with MarkAllSent failing while down is set, as when
// the database goes away after the sends.
type failing struct {
	*store.Store
	mu   sync.Mutex
	down bool
}

func (f *failing) MarkAllSent(ctx context.Context, ids []int64, at time.Time) (int, error) {
	f.mu.Lock()
	down := f.down
	f.mu.Unlock()
	if down {
		return 0, errors.New("store: mark sent: connection refused")
	}
	return f.Store.MarkAllSent(ctx, ids, at)
}

// TestUnwrittenMarksAreWrittenFirst: marks the store refused are kept and
// written first thing by the next drain, which sends none of them again.
func TestUnwrittenMarksAreWrittenFirst(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		keys := fill(t, s, 3)
		h := newHook(t)
		f := &failing{Store: s, down: true}
		debts := &Debts{}
		d := New(Options{Store: f, Worker: "w", Channels: h.channels(t), Policy: policy(3, 5), Log: quiet(), Debts: debts})
		if _, err := d.Drain(context.Background(), t0); err == nil {
			t.Fatal("a drain whose marks failed reported no error")
		}
		if n := debts.Len(); n != 3 {
			t.Fatalf("%d messages owed, want 3", n)
		}
		f.mu.Lock()
		f.down = false
		f.mu.Unlock()
		// A reload builds a new Deliverer on the same debts.
		d = New(Options{Store: f, Worker: "w", Channels: h.channels(t), Policy: policy(3, 5), Log: quiet(), Debts: debts})
		res, err := d.Drain(context.Background(), t0.Add(time.Minute))
		if err != nil || res != (Result{}) {
			t.Fatalf("second drain: %+v, %v; want nothing sent", res, err)
		}
		rows := statuses(t, s)
		got := h.count()
		for _, k := range keys {
			if rows[k].Status != store.StatusSent || got[k] != 1 || !rows[k].SentAt.Equal(t0) {
				t.Errorf("%s: %s at %v, posted %d times", k, rows[k].Status, rows[k].SentAt, got[k])
			}
		}
		if debts.Len() != 0 {
			t.Errorf("%d still owed", debts.Len())
		}
	})
}

func TestBackoff(t *testing.T) {
	p := Policy{BackoffBase: time.Minute, BackoffMax: time.Hour}
	temp := &notify.Error{Temporary: true, Err: errors.New("451")}
	for _, tc := range []struct {
		attempts int
		err      error
		min, max time.Duration
	}{
		{0, temp, time.Minute, time.Minute * 6 / 5},
		{3, temp, 8 * time.Minute, 8 * time.Minute * 6 / 5},
		{20, temp, time.Hour, time.Hour * 6 / 5},
		{0, &notify.Error{Temporary: true, RetryAfter: 90 * time.Minute, Err: errors.New("429")}, 90 * time.Minute, 90 * time.Minute},
	} {
		got := backoff(p, "k", tc.attempts, tc.err)
		if got < tc.min || got > tc.max {
			t.Errorf("attempts %d, %v: %s, want %s to %s", tc.attempts, tc.err, got, tc.min, tc.max)
		}
		if again := backoff(p, "k", tc.attempts, tc.err); again != got {
			t.Errorf("attempts %d: %s then %s: the jitter is not repeatable", tc.attempts, got, again)
		}
	}
}

// lostAnswer is a store whose next claim commits and then loses its answer,
// as when the server goes away between the commit and its reply.
type lostAnswer struct {
	*store.Store
	mu   sync.Mutex
	lose bool
}

func (l *lostAnswer) Claim(ctx context.Context, worker string, now time.Time, limit int) ([]store.OutboxRow, error) {
	rows, err := l.Store.Claim(ctx, worker, now, limit)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err == nil && l.lose {
		l.lose = false
		return nil, errors.New("store: claim: invalid connection")
	}
	return rows, err
}

// TestClaimWhoseAnswerWasLostIsGivenBack: a claim that committed without
// the deliverer hearing of it (the store went away) leaves its messages
// sending under this worker; the next drain gives them back and sends them,
// once each, instead of letting them wait for their claims to go stale.
func TestClaimWhoseAnswerWasLostIsGivenBack(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		keys := fill(t, s, 3)
		h := newHook(t)
		l := &lostAnswer{Store: s, lose: true}
		d := New(Options{Store: l, Worker: "w", Channels: h.channels(t), Policy: policy(3, 5), Log: quiet()})
		if _, err := d.Drain(context.Background(), t0); err == nil {
			t.Fatal("a drain whose claim failed reported no error")
		}
		for _, k := range keys {
			if st := statuses(t, s)[k].Status; st != store.StatusSending {
				t.Fatalf("%s is %s after the lost claim, want sending (the test would prove nothing)", k, st)
			}
		}
		res, err := d.Drain(context.Background(), t0.Add(time.Minute))
		if err != nil || res.Sent != 3 {
			t.Fatalf("the drain after: %+v, %v; want 3 sent", res, err)
		}
		rows, got := statuses(t, s), h.count()
		for _, k := range keys {
			if rows[k].Status != store.StatusSent || got[k] != 1 {
				t.Errorf("%s: %s, posted %d times; want sent once", k, rows[k].Status, got[k])
			}
		}
	})
}

// drained is what a drain returned.
type drained struct {
	res Result
	err error
}

// drainInBackground runs d.Drain(ctx, t0) and returns where its result
// arrives.
func drainInBackground(ctx context.Context, d *Deliverer) <-chan drained {
	out := make(chan drained, 1)
	go func() {
		res, err := d.Drain(ctx, t0)
		out <- drained{res, err}
	}()
	return out
}
