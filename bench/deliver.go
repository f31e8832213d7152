package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync/atomic"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/sirupsen/logrus"
	"github.com/wneessen/go-mail"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/render"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// sink is an SMTP server on loopback that accepts every message and keeps
// nothing but counts.
type sink struct {
	srv   *smtp.Server
	port  int
	msgs  atomic.Int64
	bytes atomic.Int64
	conns atomic.Int64
}

func startSink() (*sink, error) {
	s := &sink{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.port = ln.Addr().(*net.TCPAddr).Port
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		s.conns.Add(1)
		return &sinkSession{s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = time.Minute, time.Minute
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	go func() { _ = srv.Serve(ln) }()
	return s, nil
}

func (s *sink) Close() { _ = s.srv.Close() }

type sinkSession struct{ s *sink }

func (ss *sinkSession) Reset()                               {}
func (ss *sinkSession) Logout() error                        { return nil }
func (ss *sinkSession) Mail(string, *smtp.MailOptions) error { return nil }
func (ss *sinkSession) Rcpt(string, *smtp.RcptOptions) error { return nil }

// Data reads the message to the end and counts it.
func (ss *sinkSession) Data(r io.Reader) error {
	n, err := io.Copy(io.Discard, r)
	ss.s.bytes.Add(n)
	ss.s.msgs.Add(1)
	return err
}

// deliverResult is what the delivery benchmark measured.
type deliverResult struct {
	mails          int
	mailBytes      int64 // average size on the wire
	byRule         map[string]int
	outbox, bare   []time.Duration
	outboxConns    int64
	storeWork      time.Duration // the store work alone: claim 100, mark them sent, until done
	claimQueries   []experiment  // the first claim's SELECT with every message pending
	markEach       time.Duration // marking each sent in its own transaction
	markBatch      time.Duration // marking 100 at a time
	unmarshal      time.Duration // decoding the stored bodies
	build          time.Duration // building and serialising the go-mail messages
	outboxTop      string
	bareTop        string
	renderTime     time.Duration
	enqueueTime    time.Duration
	innodbFlush    string
	outboxCPUTotal string
}

// benchDeliver fills an outbox with realistic rendered mails and compares
// draining it through daemon.Deliver with a bare go-mail loop.
func (b *bench) benchDeliver(ctx context.Context, sk *sink) (*deliverResult, error) {
	res := &deliverResult{mails: b.mails}
	name := dbName("deliver")
	if err := b.freshDB(ctx, name); err != nil {
		return nil, err
	}
	defer b.dropDB(ctx, name)
	cfgPath, err := b.writeConfig(name, sk.port)
	if err != nil {
		return nil, err
	}
	c, p, err := b.loadConfig(cfgPath)
	if err != nil {
		return nil, err
	}
	s, err := store.Open(ctx, b.storeAddr(name))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	if _, _, err := s.Migrate(ctx); err != nil {
		return nil, err
	}
	_ = s.DB().QueryRowContext(ctx, "SELECT @@innodb_flush_log_at_trx_commit").Scan(&res.innodbFlush)

	// The mails a sweep at the busy instant decides for a population big
	// enough to give b.mails e-mails, rendered as Decide renders them.
	t0 := time.Now()
	d := generate(p, b.mails*3/2)
	lastRuns := map[string]time.Time{
		schedule.JobSweep: time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC), schedule.JobAgenda: time.Date(2024, 6, 1, 1, 0, 0, 0, time.UTC),
		schedule.JobDigest: time.Date(2024, 5, 2, 1, 0, 0, 0, time.UTC), schedule.JobQuarterly: time.Date(2024, 4, 1, 1, 0, 0, 0, time.UTC),
	}
	ns, _, err := schedule.New(p, c).Due(d.state(), sweepAt, lastRuns)
	if err != nil {
		return nil, err
	}
	var mails []remindd.Notification
	for _, n := range ns {
		if n.Channel == "mail" {
			mails = append(mails, n)
		}
	}
	if len(mails) == 0 {
		return nil, fmt.Errorf("the sweep decided no e-mails")
	}
	r, err := render.NewRenderer(p, c.TemplatesPath())
	if err != nil {
		return nil, err
	}
	res.byRule = map[string]int{}
	msgs := make([]store.Message, 0, b.mails)
	for i := 0; i < b.mails; i++ {
		n := mails[i%len(mails)]
		if round := i / len(mails); round > 0 {
			n.Key += fmt.Sprintf("#%d", round)
		}
		m, err := r.Render(n)
		if err != nil {
			return nil, err
		}
		body, err := render.Encode(m, "email")
		if err != nil {
			return nil, err
		}
		res.byRule[string(n.Rule)]++
		msgs = append(msgs, store.Message{Key: n.Key, PlanID: p.ID, Rule: string(n.Rule),
			RecipientKind: n.Recipient.Kind, RecipientID: n.Recipient.ID, Channel: n.Channel, Address: n.Address,
			Subject: m.Subject, Body: body, Tasks: n.Tasks, NextAttempt: sweepAt})
	}
	res.renderTime = time.Since(t0)
	t0 = time.Now()
	if added, err := s.Enqueue(ctx, msgs); err != nil {
		return nil, err
	} else if added != b.mails {
		return nil, fmt.Errorf("enqueued %d of %d", added, b.mails)
	}
	res.enqueueTime = time.Since(t0)

	lg := logrus.New()
	lg.SetOutput(io.Discard)
	lg.SetLevel(logrus.WarnLevel)
	dm, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: s, Log: logrus.NewEntry(lg), Worker: fmt.Sprintf("bench:%d", os.Getpid())})
	if err != nil {
		return nil, err
	}
	reset := func(status string) error {
		_, err := s.DB().ExecContext(ctx, `UPDATE notifications SET status = ?, attempts = 0, claimed_by = '', claimed_at = NULL, sent_at = NULL, last_error = ''`, status)
		return err
	}
	outbox := func() (time.Duration, error) {
		if err := reset(store.StatusPending); err != nil {
			return 0, err
		}
		before, conns := sk.msgs.Load(), sk.conns.Load()
		t0 := time.Now()
		dl, err := dm.Deliver(ctx, time.Now())
		el := time.Since(t0)
		if err != nil {
			return 0, err
		}
		if dl.Sent != b.mails || sk.msgs.Load()-before != int64(b.mails) {
			return 0, fmt.Errorf("outbox: sent %d, retried %d, failed %d; the sink got %d of %d", dl.Sent, dl.Retried, dl.Failed, sk.msgs.Load()-before, b.mails)
		}
		res.outboxConns = sk.conns.Load() - conns
		return el, nil
	}

	// The same messages for the bare loop, decoded once, untimed.
	stored, ids, err := storedMessages(ctx, s)
	if err != nil {
		return nil, err
	}
	from, fromName := c.Channels[0].From, c.Channels[0].FromName
	bare := func() (time.Duration, error) {
		before := sk.msgs.Load()
		t0 := time.Now()
		now := time.Now()
		cl, err := mail.NewClient("127.0.0.1", mail.WithPort(sk.port), mail.WithTLSPolicy(mail.NoTLS), mail.WithTimeout(30*time.Second))
		if err != nil {
			return 0, err
		}
		if err := cl.DialWithContext(ctx); err != nil {
			return 0, err
		}
		for _, m := range stored {
			msg, err := buildMail(m, from, fromName, now)
			if err != nil {
				return 0, err
			}
			if err := cl.Send(msg); err != nil {
				return 0, err
			}
		}
		if err := cl.Close(); err != nil {
			return 0, err
		}
		el := time.Since(t0)
		if got := sk.msgs.Load() - before; got != int64(len(stored)) {
			return 0, fmt.Errorf("bare loop: the sink got %d of %d", got, len(stored))
		}
		return el, nil
	}

	// Warm up both paths once, untimed.
	if _, err := outbox(); err != nil {
		return nil, err
	}
	sizeBefore, countBefore := sk.bytes.Load(), sk.msgs.Load()
	if _, err := bare(); err != nil {
		return nil, err
	}
	res.mailBytes = (sk.bytes.Load() - sizeBefore) / max(1, sk.msgs.Load()-countBefore)
	for i := 0; i < b.mailRuns; i++ {
		o, err := outbox()
		if err != nil {
			return nil, err
		}
		bt, err := bare()
		if err != nil {
			return nil, err
		}
		res.outbox, res.bare = append(res.outbox, o), append(res.bare, bt)
		b.logf("  run %d: outbox %s (%.0f mails/s), bare go-mail %s (%.0f mails/s)", i+1,
			o, float64(b.mails)/o.Seconds(), bt, float64(b.mails)/bt.Seconds())
	}

	// Where the outbox's time goes: its parts, each alone. First Deliver's
	// store work without sending: claim a batch, mark it sent, until none
	// is left.
	if err := reset(store.StatusPending); err != nil {
		return nil, err
	}
	t0 = time.Now()
	claimed := 0
	for {
		rows, err := s.Claim(ctx, "bench", time.Now(), c.Delivery.Batch)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			break
		}
		batch := make([]int64, len(rows))
		for i, r := range rows {
			batch[i] = r.ID
		}
		if _, err := s.MarkAllSent(ctx, batch, time.Now()); err != nil {
			return nil, err
		}
		claimed += len(rows)
	}
	res.storeWork = time.Since(t0)
	if claimed != b.mails {
		return nil, fmt.Errorf("claimed %d of %d", claimed, b.mails)
	}
	// Then the first claim of a drain, with every message pending: the
	// claim's SELECTs as shipped and as they were, each in a transaction
	// that is rolled back.
	if err := reset(store.StatusPending); err != nil {
		return nil, err
	}
	for _, q := range claimQueries {
		e := experiment{what: q.what}
		for i := 0; i <= b.runs; i++ {
			t0 := time.Now()
			n, err := claimSelect(ctx, s.DB(), q.sql, c.Delivery.Batch)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", q.what, err)
			}
			if i > 0 {
				e.took, e.rows = append(e.took, time.Since(t0)), n
			}
		}
		res.claimQueries = append(res.claimQueries, e)
		b.logf("  %s: %s", q.what, median(e.took))
	}
	if err := reset(store.StatusSending); err != nil {
		return nil, err
	}
	now := time.Now()
	t0 = time.Now()
	for _, id := range ids {
		if err := s.MarkSent(ctx, id, now); err != nil {
			return nil, err
		}
	}
	res.markEach = time.Since(t0)
	if err := reset(store.StatusSending); err != nil {
		return nil, err
	}
	t0 = time.Now()
	for start := 0; start < len(ids); start += c.Delivery.Batch {
		if _, err := s.MarkAllSent(ctx, ids[start:min(start+c.Delivery.Batch, len(ids))], now); err != nil {
			return nil, err
		}
	}
	res.markBatch = time.Since(t0)
	bodies := make([]string, 0, len(ids))
	if err := func() error {
		rows, err := s.DB().QueryContext(ctx, `SELECT body FROM notifications ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var body string
			if err := rows.Scan(&body); err != nil {
				return err
			}
			bodies = append(bodies, body)
		}
		return rows.Err()
	}(); err != nil {
		return nil, err
	}
	t0 = time.Now()
	for _, body := range bodies {
		if _, err := render.Decode(body); err != nil {
			return nil, err
		}
	}
	res.unmarshal = time.Since(t0)
	t0 = time.Now()
	for _, m := range stored {
		msg, err := buildMail(m, from, fromName, now)
		if err != nil {
			return nil, err
		}
		if _, err := msg.WriteTo(io.Discard); err != nil {
			return nil, err
		}
	}
	res.build = time.Since(t0)

	if b.profiles != "" {
		path := filepath.Join(b.profiles, "deliver-outbox.cpu.pprof")
		if err := cpuProfile(path, func() error { _, err := outbox(); return err }); err != nil {
			return nil, err
		}
		res.outboxTop = b.pprofTop(path, "-nodecount=25")
		res.outboxCPUTotal = b.pprofTop(path, "-cum", "-nodecount=30")
		path = filepath.Join(b.profiles, "deliver-bare.cpu.pprof")
		if err := cpuProfile(path, func() error { _, err := bare(); return err }); err != nil {
			return nil, err
		}
		res.bareTop = b.pprofTop(path, "-nodecount=20")
	}
	return res, nil
}

func cpuProfile(path string, fn func() error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	err = fn()
	pprof.StopCPUProfile()
	return err
}

// storedMessages reads the outbox's messages as the deliverer would hand
// them to its channel: the stored body with the row's address.
func storedMessages(ctx context.Context, s *store.Store) ([]render.Message, []int64, error) {
	rows, err := s.DB().QueryContext(ctx, `SELECT id, address, body FROM notifications ORDER BY id`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var (
		out []render.Message
		ids []int64
	)
	for rows.Next() {
		var (
			id         int64
			addr, body string
		)
		if err := rows.Scan(&id, &addr, &body); err != nil {
			return nil, nil, err
		}
		m, err := render.Decode(body)
		if err != nil {
			return nil, nil, err
		}
		m.To = addr
		out = append(out, m)
		ids = append(ids, id)
	}
	return out, ids, rows.Err()
}

// buildMail builds the e-mail the channel builds for m, with go-mail
// directly: UTF-8 subject and sender name, a stable Message-ID, text with an
// HTML alternative and the .ics attachment.
func buildMail(m render.Message, from, fromName string, now time.Time) (*mail.Msg, error) {
	msg := mail.NewMsg(mail.WithEncoding(mail.EncodingB64))
	if err := msg.FromFormat(fromName, from); err != nil {
		return nil, err
	}
	if err := msg.AddToFormat(m.Name, m.To); err != nil {
		return nil, err
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(notify.MessageID(m.Key))
	msg.SetDateWithValue(now)
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	msg.SetGenHeader(mail.Header("X-Remindd-Key"), m.Key)
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	if len(m.Events) > 0 {
		if err := msg.AttachReader(render.ICS, bytes.NewReader(render.Calendar(m.Events, now)),
			mail.WithFileContentType(mail.ContentType(render.ICSContentType))); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

const outboxColumns = `id, plan_id, dedup_key, rule, recipient_kind, recipient_id, channel, address, subject, body,
tasks, status, attempts, next_attempt_at, sent_at, last_error, created_at`

// claimQueries are the two SELECTs store.Claim sends (stale claims, then
// pending messages, each in the order of the index notifications_due), and
// the single query it sent before, whose OR made the server examine and lock
// every pending row. Each gets (now, now - ClaimTimeout, limit).
var claimQueries = []struct{ what, sql string }{
	{"as shipped, 1 of 2 (run only when a read without a lock found a stale claim): stale claims, `status = 'sending' AND claimed_at <= ? ORDER BY next_attempt_at, id LIMIT 100 FOR UPDATE SKIP LOCKED`, every column",
		`SELECT ` + outboxColumns + ` FROM notifications
WHERE ? IS NOT NULL AND status = 'sending' AND claimed_at <= ?
ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED`},
	{"as shipped, 2 of 2: pending, `status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 100 FOR UPDATE SKIP LOCKED`, every column",
		`SELECT ` + outboxColumns + ` FROM notifications
WHERE status = 'pending' AND next_attempt_at <= ? AND ? IS NOT NULL
ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED`},
	{"before: one query, `(pending AND due) OR (sending AND stale) ORDER BY next_attempt_at, id LIMIT 100 FOR UPDATE SKIP LOCKED`, every column",
		`SELECT ` + outboxColumns + ` FROM notifications
WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_at <= ?)
ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE SKIP LOCKED`},
	{"before, without `FOR UPDATE SKIP LOCKED`",
		`SELECT ` + outboxColumns + ` FROM notifications
WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND claimed_at <= ?)
ORDER BY next_attempt_at, id LIMIT ?`},
}

// claimSelect runs a claim's SELECT in a transaction, reads every row and
// rolls back.
func claimSelect(ctx context.Context, db *sql.DB, q string, limit int) (int, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	now := time.Now().UTC()
	rows, err := tx.QueryContext(ctx, q, now, now.Add(-store.ClaimTimeout), limit)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return 0, err
	}
	vals := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		n++
	}
	return n, rows.Err()
}
