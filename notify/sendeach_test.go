package notify

import (
	"context"
	"net"
	"os"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/render"
)

// report is one call of SendEach's done: which message, its result, and
// what the server (or folder) held at that moment.
type report struct {
	i    int
	err  error
	seen int
}

// sendEach runs SendEach, noting at each report what seen counts.
func sendEach(ch Channel, batch []render.Message, seen func() int) []report {
	var out []report
	SendEach(context.Background(), ch, batch, func(i int, err error) {
		out = append(out, report{i, err, seen()})
	})
	return out
}

func numbered(base render.Message, n int) []render.Message {
	var batch []render.Message
	for i := range n {
		m := base
		m.Key = base.Key + ":" + strconv.Itoa(i)
		batch = append(batch, m)
	}
	return batch
}

// TestSendEachTellsEachMailAsTheServerTakesIt: the e-mail channel reports a
// message the moment the server answered its DATA, before the next one is
// sent, so a deliverer can mark it sent at once; a message that cannot be
// built is reported on its own and does not hold up the others.
func TestSendEachTellsEachMailAsTheServerTakesIt(t *testing.T) {
	s := smtptest.Start(t)
	ch, err := New(&config.Channel{Name: "mail", Type: "email", Host: s.Host, Port: s.Port, TLS: "none",
		From: smtpUser, Timeout: config.Duration(5 * time.Second)}, Options{Now: sendNow})
	if err != nil {
		t.Fatal(err)
	}
	base := rendered(t, "lead-enterprise")
	base.To = "safety@example.com"
	batch := numbered(base, 4)
	batch[1].To = "not an address"
	got := sendEach(ch, batch, func() int { return len(s.Messages()) })
	want := []struct {
		seen int
		ok   bool
	}{{1, true}, {1, false}, {2, true}, {3, true}}
	if len(got) != len(want) {
		t.Fatalf("%d reports, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		if got[i].i != i || (got[i].err == nil) != w.ok || got[i].seen != w.seen {
			t.Errorf("report %d: message %d, error %v, the server had %d; want message %d, ok %v, %d", i, got[i].i, got[i].err, got[i].seen, i, w.ok, w.seen)
		}
	}
	if n := s.Connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
}

// TestSendEachDialsADeadServerOncePerBatch: when the connection cannot be
// had, every message of the batch is answered with why after one attempt,
// not one attempt (and one timeout) per message.
func TestSendEachDialsADeadServerOncePerBatch(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var accepted atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			c.Close() // hangs up before the greeting
		}
	}()
	port := ln.Addr().(*net.TCPAddr).Port
	ch, err := New(&config.Channel{Name: "mail", Type: "email", Host: "127.0.0.1", Port: port, TLS: "none",
		From: smtpUser, Timeout: config.Duration(5 * time.Second)}, Options{Now: sendNow})
	if err != nil {
		t.Fatal(err)
	}
	base := rendered(t, "lead-enterprise")
	base.To = "safety@example.com"
	got := sendEach(ch, numbered(base, 3), func() int { return int(accepted.Load()) })
	if len(got) != 3 {
		t.Fatalf("%d reports, want 3", len(got))
	}
	for i, r := range got {
		if r.i != i || !Temporary(r.err) {
			t.Errorf("report %d: message %d, %v; want a temporary connect error", i, r.i, r.err)
		}
	}
	if n := accepted.Load(); n != 1 {
		t.Errorf("%d connections for one batch, want 1", n)
	}
}

// TestSendEachTellsEachPostAsTheRobotTakesIt: robot and webhook channels
// report each message once its post was answered, before the next post.
func TestSendEachTellsEachPostAsTheRobotTakesIt(t *testing.T) {
	rs := newRobotServer(t, 200, `{"errcode":0}`)
	ch := robotChannelFor(t, kindWeCom, robotURL(rs, kindWeCom), "", newClock(robotNow))
	got := sendEach(ch, numbered(rendered(t, "lead-enterprise"), 3), func() int { return len(rs.requests()) })
	if len(got) != 3 {
		t.Fatalf("%d reports, want 3", len(got))
	}
	for i, r := range got {
		if r.i != i || r.err != nil || r.seen != i+1 {
			t.Errorf("report %d: message %d, %v, the robot had %d posts; want %d", i, r.i, r.err, r.seen, i+1)
		}
	}
}

// TestSendEachTellsEachFileAsItIsWritten: the file channel reports each
// message once its file is in place.
func TestSendEachTellsEachFileAsItIsWritten(t *testing.T) {
	dir := t.TempDir()
	ch := fileChannelIn(t, dir)
	got := sendEach(ch, numbered(rendered(t, "lead-enterprise"), 3), func() int {
		entries, _ := os.ReadDir(ch.dir) // the folder is made by the first send
		return len(entries)
	})
	if len(got) != 3 {
		t.Fatalf("%d reports, want 3", len(got))
	}
	for i, r := range got {
		if r.i != i || r.err != nil || r.seen != i+1 {
			t.Errorf("report %d: message %d, %v, %d files; want %d", i, r.i, r.err, r.seen, i+1)
		}
	}
}
