package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remindd/remindd"
)

// Message is one notification to put in the outbox.
type Message struct {
	Key           string // the dedup key: a message whose key is in the outbox is not added again
	PlanID        string
	Rule          string
	RecipientKind string
	RecipientID   string
	Channel       string
	Address       string
	Subject       string
	Body          string
	Tasks         []int
	// Items are the dedup keys of the items a bundled message carries: the
	// message is added with them, and an item whose key is in the store
	// already was told before (ExistingKeys).
	Items []string
	// Events are recorded with the message, when it is added: an
	// escalation (催办) is kept in the history.
	Events []remindd.Event
	// NextAttempt is when it may first be sent; it is also its created_at.
	NextAttempt time.Time
}

// Outbox statuses.
const (
	StatusPending = "pending"
	StatusSending = "sending"
	StatusSent    = "sent"
	StatusFailed  = "failed"
)

// ErrNotSending is what marking a message that is not being sent returns:
// nobody claimed it, or it was marked already.
var ErrNotSending = errors.New("not " + StatusSending)

// ClaimTimeout is how long a claim holds: a message still sending after it
// was claimed this long ago belongs to a worker that died, and may be claimed
// again.
const ClaimTimeout = 10 * time.Minute

// maxErrorLen bounds the last_error column, in characters.
const maxErrorLen = 2000

// OutboxRow is a notification in the outbox.
type OutboxRow struct {
	ID          int64             `json:"id"`
	PlanID      string            `json:"plan_id"`
	Key         string            `json:"key"`
	Rule        string            `json:"rule"`
	Recipient   remindd.Recipient `json:"recipient"`
	Channel     string            `json:"channel"`
	Address     string            `json:"address"`
	Subject     string            `json:"subject"`
	Body        string            `json:"-"`
	Tasks       []int             `json:"tasks"`
	Status      string            `json:"status"`
	Attempts    int               `json:"attempts"`
	NextAttempt time.Time         `json:"next_attempt"`
	SentAt      *time.Time        `json:"sent_at"`
	LastError   string            `json:"last_error"`
	CreatedAt   time.Time         `json:"created_at"`
}

// Enqueue adds messages to the outbox as pending, in one transaction. A
// message whose key is already there is skipped, not an error: deciding
// twice never sends twice. It returns how many were added.
func (s *Store) Enqueue(ctx context.Context, msgs []Message) (added int, err error) {
	return s.EnqueueAndRecord(ctx, "", Messages(msgs), nil)
}

// Messages yields the messages of a slice, for EnqueueAndRecord.
func Messages(msgs []Message) iter.Seq2[Message, error] {
	return func(yield func(Message, error) bool) {
		for _, m := range msgs {
			if !yield(m, nil) {
				return
			}
		}
	}
}

// EnqueueAndRecord adds messages to the outbox, as Enqueue does, and records
// the job runs that decided them, in one transaction: a crash leaves either
// both or neither, and a job re-run after a crash adds nothing twice. The
// messages are consumed one at a time (they may be rendered as they are
// asked for); an error from the sequence rolls everything back.
func (s *Store) EnqueueAndRecord(ctx context.Context, planID string, msgs iter.Seq2[Message, error], runs []remindd.Run) (added int, err error) {
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		var err error
		if added, err = s.enqueue(ctx, tx, msgs); err != nil {
			return err
		}
		return s.recordRuns(ctx, tx, planID, runs)
	})
	if err != nil {
		return 0, fmt.Errorf("store: enqueue: %w", err)
	}
	return added, nil
}

// ExistingKeys returns which of keys the outbox already holds, as the key
// of a notification or of an item a bundled notification carried.
func (s *Store) ExistingKeys(ctx context.Context, keys []string) (map[string]bool, error) {
	const chunk = 500
	out := map[string]bool{}
	for start := 0; start < len(keys); start += chunk {
		part := keys[start:min(start+chunk, len(keys))]
		args := make([]any, 0, 2*len(part))
		for _, k := range part {
			args = append(args, k)
		}
		for _, k := range part {
			args = append(args, k)
		}
		rows, err := s.db.QueryContext(ctx, `SELECT dedup_key FROM notifications WHERE dedup_key IN (`+placeholders(len(part))+`)
UNION ALL SELECT item_key FROM notification_items WHERE item_key IN (`+placeholders(len(part))+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("store: existing keys: %w", err)
		}
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: existing keys: %w", err)
			}
			out[k] = true
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: existing keys: %w", err)
		}
	}
	return out, nil
}

func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, msgs iter.Seq2[Message, error]) (int, error) {
	var stmt, item *sql.Stmt
	defer func() {
		for _, st := range []*sql.Stmt{stmt, item} {
			if st != nil {
				st.Close()
			}
		}
	}()
	added := 0
	for m, err := range msgs {
		if err != nil {
			return 0, err
		}
		if m.Key == "" || m.NextAttempt.IsZero() {
			return 0, fmt.Errorf("message %q needs a key and a time", m.Key)
		}
		if stmt == nil {
			if stmt, err = tx.PrepareContext(ctx, `INSERT INTO notifications (dedup_key, plan_id, rule, recipient_kind, recipient_id, channel, address,
subject, body, tasks, status, attempts, next_attempt_at, created_at)
VALUES (`+placeholders(14)+`) `+s.dialect.doNothing("dedup_key")); err != nil {
				return 0, err
			}
		}
		at, err := s.instant(m.NextAttempt)
		if err != nil {
			return 0, fmt.Errorf("%s: next attempt: %w", m.Key, err)
		}
		res, err := stmt.ExecContext(ctx, m.Key, m.PlanID, m.Rule, m.RecipientKind, m.RecipientID, m.Channel,
			m.Address, m.Subject, m.Body, formatTasks(m.Tasks), StatusPending, 0, at, at)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", m.Key, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("%s: %w", m.Key, err)
		}
		added += int(n)
		if n == 0 {
			// The message was there: its items are those it was added
			// with, and these wait for the next one.
			continue
		}
		for _, e := range m.Events {
			if _, err := s.addEvent(ctx, tx, m.PlanID, e); err != nil {
				return 0, fmt.Errorf("%s: event: %w", m.Key, err)
			}
		}
		for _, k := range m.Items {
			if k == m.Key {
				continue
			}
			if item == nil {
				if item, err = tx.PrepareContext(ctx, `INSERT INTO notification_items (item_key, notification_key, created_at)
VALUES (`+placeholders(3)+`) `+s.dialect.doNothing("item_key")); err != nil {
					return 0, err
				}
			}
			if _, err := item.ExecContext(ctx, k, m.Key, at); err != nil {
				return 0, fmt.Errorf("%s: item %s: %w", m.Key, k, err)
			}
		}
	}
	return added, nil
}

// Depth counts the outbox's notifications by status.
func (s *Store) Depth(ctx context.Context) (map[string]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT status, COUNT(*) FROM notifications GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("store: outbox depth: %w", err)
	}
	defer rows.Close()
	out := map[string]int{StatusPending: 0, StatusSending: 0, StatusSent: 0, StatusFailed: 0}
	for rows.Next() {
		var status string
		var n int
		if err := rows.Scan(&status, &n); err != nil {
			return nil, fmt.Errorf("store: outbox depth: %w", err)
		}
		out[status] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: outbox depth: %w", err)
	}
	return out, nil
}

const outboxColumns = `id, plan_id, dedup_key, rule, recipient_kind, recipient_id, channel, address, subject, body,
tasks, status, attempts, next_attempt_at, sent_at, last_error, created_at`

// Outbox lists every notification, oldest first.
func (s *Store) Outbox(ctx context.Context) ([]OutboxRow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+outboxColumns+` FROM notifications ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	out, err := scanOutbox(rows)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return out, nil
}

// Claim takes up to limit messages due at now for worker: first ones left
// sending by a worker that claimed them more than ClaimTimeout ago, then
// pending ones whose next attempt has come, in the order they fell due. They
// are marked sending, in one transaction; on MySQL the rows are read with
// SKIP LOCKED, on SQLite the transaction holds the write lock, so two workers
// never take the same message. The rows come back by id.
//
// The two kinds are read by two queries, each in the order of the index
// notifications_due (status, next_attempt_at, id), so that a claim reads and
// locks the rows it takes, not every row an OR or another order would make
// the server examine (with every row locked, a claim of 100 among 10,000
// pending took half a second). The stale ones are read with a lock only
// when a read without one found any.
func (s *Store) Claim(ctx context.Context, worker string, now time.Time, limit int) ([]OutboxRow, error) {
	if limit <= 0 {
		return nil, fmt.Errorf("store: claim: limit %d must be positive", limit)
	}
	at, err := s.instants(now.Add(-ClaimTimeout), now)
	if err != nil {
		return nil, fmt.Errorf("store: claim for %s: %w", worker, err)
	}
	staleBefore, due := at[0], at[1]
	var out []OutboxRow
	err = s.inTx(ctx, &sql.TxOptions{Isolation: s.dialect.claim}, func(tx *sql.Tx) error {
		out = nil
		// Stale claims are rare (a worker died): first look for one
		// without locking. The locking query reads every message being
		// sent (claimed_at is not in the index) and holds each until the
		// claim commits, so that the deliverers marking what they just sent
		// would wait for every claim.
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM notifications WHERE status = ? AND claimed_at <= ? LIMIT 1`,
			StatusSending, staleBefore).Scan(&one)
		switch {
		case err == nil:
			stale, err := tx.QueryContext(ctx, `SELECT `+outboxColumns+` FROM notifications
WHERE status = ? AND claimed_at <= ? ORDER BY next_attempt_at, id LIMIT ?`+s.dialect.skipLocked,
				StatusSending, staleBefore, limit)
			if err != nil {
				return err
			}
			if out, err = scanOutbox(stale); err != nil {
				return err
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if len(out) < limit {
			due, err := tx.QueryContext(ctx, `SELECT `+outboxColumns+` FROM notifications
WHERE status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`+s.dialect.skipLocked,
				StatusPending, due, limit-len(out))
			if err != nil {
				return err
			}
			more, err := scanOutbox(due)
			if err != nil {
				return err
			}
			out = append(out, more...)
		}
		if s.claimRead != nil {
			s.claimRead()
		}
		if len(out) == 0 {
			return nil
		}
		sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
		args := []any{StatusSending, worker, due}
		for i := range out {
			out[i].Status = StatusSending
			args = append(args, out[i].ID)
		}
		_, err = tx.ExecContext(ctx, `UPDATE notifications SET status = ?, claimed_by = ?, claimed_at = ?
WHERE id IN (`+placeholders(len(out))+`)`, args...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim for %s: %w", worker, err)
	}
	return out, nil
}

// Unclaim gives back messages worker claimed and did not send: they are
// pending again, due at once. A message no longer claimed by worker is left
// alone. It returns how many were given back.
func (s *Store) Unclaim(ctx context.Context, worker string, ids []int64) (int, error) {
	return s.inChunks(ctx, "unclaim", ids, func(part []int64) (string, []any) {
		args := []any{StatusPending}
		for _, id := range part {
			args = append(args, id)
		}
		return `UPDATE notifications SET status = ?, claimed_at = NULL
WHERE id IN (` + placeholders(len(part)) + `) AND status = ? AND claimed_by = ?`, append(args, StatusSending, worker)
	})
}

// MarkSent records that a claimed message was delivered at at.
func (s *Store) MarkSent(ctx context.Context, id int64, at time.Time) error {
	sent, err := s.instant(at)
	if err != nil {
		return fmt.Errorf("store: mark sent %d: %w", id, err)
	}
	return s.finish(ctx, "mark sent", id, `status = ?, sent_at = ?`, StatusSent, sent)
}

// MarkRetry counts a failed attempt at a claimed message and makes it
// pending again, to be tried from next on.
func (s *Store) MarkRetry(ctx context.Context, id int64, next time.Time, errText string) error {
	at, err := s.instant(next)
	if err != nil {
		return fmt.Errorf("store: mark retry %d: %w", id, err)
	}
	return s.finish(ctx, "mark retry", id, `status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ?`,
		StatusPending, at, clip(errText, maxErrorLen))
}

// MarkFailed counts a last failed attempt at a claimed message and gives it up.
func (s *Store) MarkFailed(ctx context.Context, id int64, errText string) error {
	return s.finish(ctx, "mark failed", id, `status = ?, attempts = attempts + 1, last_error = ?`,
		StatusFailed, clip(errText, maxErrorLen))
}

// finish applies set to message id if it is being sent. A message that is
// not (never claimed, or already finished by a worker that re-claimed it
// after a timeout) is left alone and reported.
func (s *Store) finish(ctx context.Context, op string, id int64, set string, args ...any) error {
	args = append(args, id, StatusSending)
	res, err := s.db.ExecContext(ctx, `UPDATE notifications SET `+set+` WHERE id = ? AND status = ?`, args...)
	if err != nil {
		return fmt.Errorf("store: %s %d: %w", op, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: %s %d: %w", op, id, err)
	}
	if n > 0 {
		return nil
	}
	var status string
	err = s.db.QueryRowContext(ctx, `SELECT status FROM notifications WHERE id = ?`, id).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("store: %s %d: no such notification", op, id)
	case err != nil:
		return fmt.Errorf("store: %s %d: %w", op, id, err)
	}
	return fmt.Errorf("store: %s %d: notification is %s: %w", op, id, status, ErrNotSending)
}

func failed(ctx context.Context, q dbtx, planID string) ([]remindd.FailedDelivery, error) {
	rows, err := q.QueryContext(ctx, `SELECT dedup_key, rule, recipient_kind, recipient_id, channel, last_error
FROM notifications WHERE plan_id = ? AND status = ? ORDER BY id`, planID, StatusFailed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []remindd.FailedDelivery
	for rows.Next() {
		var f remindd.FailedDelivery
		if err := rows.Scan(&f.Key, &f.Rule, &f.Recipient.Kind, &f.Recipient.ID, &f.Channel, &f.LastError); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func scanOutbox(rows *sql.Rows) ([]OutboxRow, error) {
	defer rows.Close()
	var out []OutboxRow
	for rows.Next() {
		var (
			r               OutboxRow
			tasks           string
			next, createdAt time.Time
			sent            sql.NullTime
		)
		if err := rows.Scan(&r.ID, &r.PlanID, &r.Key, &r.Rule, &r.Recipient.Kind, &r.Recipient.ID, &r.Channel,
			&r.Address, &r.Subject, &r.Body, &tasks, &r.Status, &r.Attempts, &next, &sent, &r.LastError, &createdAt); err != nil {
			return nil, err
		}
		var err error
		if r.Tasks, err = parseTasks(tasks); err != nil {
			return nil, fmt.Errorf("notification %d: %w", r.ID, err)
		}
		r.NextAttempt, r.CreatedAt = next.UTC(), createdAt.UTC()
		if sent.Valid {
			t := sent.Time.UTC()
			r.SentAt = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// formatTasks writes task numbers as "44,45".
func formatTasks(tasks []int) string {
	parts := make([]string, len(tasks))
	for i, n := range tasks {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, ",")
}

func parseTasks(s string) ([]int, error) {
	out := []int{}
	if s == "" {
		return out, nil
	}
	for _, p := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("tasks %q: %w", s, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// clip shortens s to at most n characters.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// NextDue returns the earliest next attempt among pending messages.
func (s *Store) NextDue(ctx context.Context) (time.Time, bool, error) {
	var at time.Time
	err := s.db.QueryRowContext(ctx, `SELECT next_attempt_at FROM notifications WHERE status = ?
ORDER BY next_attempt_at LIMIT 1`, StatusPending).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("store: next due: %w", err)
	}
	return at.UTC(), true, nil
}

// MarkAllSent marks the given sending messages sent at, in one statement per
// 500 ids. It returns how many were sending (and are now sent): a message
// another worker took over after a stale claim is left to that worker.
//
// The statement carries its values written out (ids, the instant, the
// statuses: nothing anyone typed), so that on MySQL it is one round trip
// instead of a prepare, an execute and a close: a deliverer sends one per
// group of sends as they complete.
func (s *Store) MarkAllSent(ctx context.Context, ids []int64, at time.Time) (int, error) {
	if _, err := s.instant(at); err != nil {
		return 0, fmt.Errorf("store: mark sent: %w", err)
	}
	sent := at.UTC().Truncate(time.Microsecond).Format(timeFormat)
	return s.inChunks(ctx, "mark sent", ids, func(part []int64) (string, []any) {
		var q strings.Builder
		q.WriteString(`UPDATE notifications SET status = '` + StatusSent + `', sent_at = '` + sent + `'
WHERE id IN (`)
		for i, id := range part {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString(strconv.FormatInt(id, 10))
		}
		q.WriteString(`) AND status = '` + StatusSending + `'`)
		return q.String(), nil
	})
}

// inChunks runs the statement stmt makes for each 500 of ids and returns
// the rows they changed in all.
func (s *Store) inChunks(ctx context.Context, op string, ids []int64, stmt func(part []int64) (string, []any)) (int, error) {
	const chunk = 500
	total := 0
	for start := 0; start < len(ids); start += chunk {
		q, args := stmt(ids[start:min(start+chunk, len(ids))])
		res, err := s.db.ExecContext(ctx, q, args...)
		if err != nil {
			return total, fmt.Errorf("store: %s: %w", op, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return total, fmt.Errorf("store: %s: %w", op, err)
		}
		total += int(n)
	}
	return total, nil
}

// ReleaseOwnClaims gives back every message worker has sending, due again
// at now, and returns how many. Its deliverer calls it when it knows that
// nothing of its own is in flight, after a claim whose answer it never got.
func (s *Store) ReleaseOwnClaims(ctx context.Context, worker string, now time.Time) (int, error) {
	due, err := s.instant(now)
	if err != nil {
		return 0, fmt.Errorf("store: release claims of %s: %w", worker, err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE notifications SET status = ?, next_attempt_at = ? WHERE status = ? AND claimed_by = ?`,
		StatusPending, due, StatusSending, worker)
	if err != nil {
		return 0, fmt.Errorf("store: release claims of %s: %w", worker, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: release claims of %s: %w", worker, err)
	}
	return int(n), nil
}

// ReleaseClaims puts every message left sending back to pending, due at
// once, and returns how many. Only a process that knows no other deliverer
// runs may call it: the holder of a SQLite store's lock at start, whose
// predecessor died mid-send. (On MySQL, stale claims expire after
// ClaimTimeout instead.)
func (s *Store) ReleaseClaims(ctx context.Context, now time.Time) (int, error) {
	due, err := s.instant(now)
	if err != nil {
		return 0, fmt.Errorf("store: release claims: %w", err)
	}
	res, err := s.db.ExecContext(ctx, `UPDATE notifications SET status = ?, next_attempt_at = ? WHERE status = ?`,
		StatusPending, due, StatusSending)
	if err != nil {
		return 0, fmt.Errorf("store: release claims: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: release claims: %w", err)
	}
	return int(n), nil
}

// Retry gives failed notifications another chance: each of ids that is
// failed becomes pending again, its attempts counted from 0, due at now, so
// that the next delivery sends it. Its last error is kept until an attempt
// replaces it. A notification that is not failed (sent, pending, being
// sent, or unknown) is left alone. All of ids are changed in one
// transaction; it returns how many were failed and are pending now.
func (s *Store) Retry(ctx context.Context, ids []int64, now time.Time) (int, error) {
	due, err := s.instant(now)
	if err != nil {
		return 0, fmt.Errorf("store: retry: %w", err)
	}
	const chunk = 500
	total := 0
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		total = 0
		for start := 0; start < len(ids); start += chunk {
			part := ids[start:min(start+chunk, len(ids))]
			args := []any{StatusPending, due}
			for _, id := range part {
				args = append(args, id)
			}
			args = append(args, StatusFailed)
			n, err := affected(tx.ExecContext(ctx, `UPDATE notifications SET status = ?, attempts = 0, next_attempt_at = ?
WHERE id IN (`+placeholders(len(part))+`) AND status = ?`, args...))
			if err != nil {
				return err
			}
			total += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: retry: %w", err)
	}
	return total, nil
}

// FailedIDs lists the ids of every failed notification, of every plan,
// oldest first.
func (s *Store) FailedIDs(ctx context.Context) ([]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM notifications WHERE status = ? ORDER BY id`, StatusFailed)
	if err != nil {
		return nil, fmt.Errorf("store: failed notifications: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: failed notifications: %w", err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: failed notifications: %w", err)
	}
	return out, nil
}

// Notification returns the notification with dedup key key, without its
// body.
func (s *Store) Notification(ctx context.Context, key string) (OutboxRow, bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+outboxHeads+` FROM notifications WHERE dedup_key = ?`, key)
	if err != nil {
		return OutboxRow{}, false, fmt.Errorf("store: notification %q: %w", key, err)
	}
	out, err := scanOutbox(rows)
	if err != nil {
		return OutboxRow{}, false, fmt.Errorf("store: notification %q: %w", key, err)
	}
	if len(out) == 0 {
		return OutboxRow{}, false, nil
	}
	return out[0], true, nil
}

// outboxHeads are outboxColumns with an empty body: what a list shows.
const outboxHeads = `id, plan_id, dedup_key, rule, recipient_kind, recipient_id, channel, address, subject, '',
tasks, status, attempts, next_attempt_at, sent_at, last_error, created_at`

// Undelivered is the part of a plan's outbox that has not gone out
// although it was tried.
type Undelivered struct {
	// Failed counts the notifications given up; Retrying those pending
	// again after a failed attempt, or put back by Retry, which hold the
	// error of their last attempt.
	Failed, Retrying int
	// Rows are the first of them, without their bodies: the failed ones,
	// then the others, each kind newest first.
	Rows []OutboxRow
}

// Undelivered lists the plan's notifications that failed or wait for
// another attempt after one failed, at most limit of them, and counts them
// all.
func (s *Store) Undelivered(ctx context.Context, planID string, limit int) (Undelivered, error) {
	var u Undelivered
	if limit <= 0 {
		return u, fmt.Errorf("store: undelivered: limit %d must be positive", limit)
	}
	err := s.inTx(ctx, s.readOnly(), func(tx *sql.Tx) error {
		u = Undelivered{}
		const retrying = `status = ? AND last_error <> ''`
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE plan_id = ? AND status = ?`,
			planID, StatusFailed).Scan(&u.Failed); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM notifications WHERE plan_id = ? AND `+retrying,
			planID, StatusPending).Scan(&u.Retrying); err != nil {
			return err
		}
		for _, q := range []struct {
			where string
			arg   string
		}{{`status = ?`, StatusFailed}, {retrying, StatusPending}} {
			if len(u.Rows) >= limit {
				break
			}
			rows, err := tx.QueryContext(ctx, `SELECT `+outboxHeads+` FROM notifications
WHERE plan_id = ? AND `+q.where+` ORDER BY id DESC LIMIT ?`, planID, q.arg, limit-len(u.Rows))
			if err != nil {
				return err
			}
			more, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			u.Rows = append(u.Rows, more...)
		}
		return nil
	})
	if err != nil {
		return Undelivered{}, fmt.Errorf("store: undelivered of %s: %w", planID, err)
	}
	return u, nil
}

// ItemsOf lists the item keys a bundled notification was added with, in
// key order.
func (s *Store) ItemsOf(ctx context.Context, key string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT item_key FROM notification_items WHERE notification_key = ? ORDER BY item_key`, key)
	if err != nil {
		return nil, fmt.Errorf("store: items of %s: %w", key, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("store: items of %s: %w", key, err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: items of %s: %w", key, err)
	}
	return out, nil
}
