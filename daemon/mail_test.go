package daemon_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// mailConfig points the example config's recipients at an SMTP sink.
func mailConfig(t *testing.T, sink *smtptest.Server) (*config.Config, []string) {
	c, _ := fixture(t)
	c.Channels = append(c.Channels, config.Channel{
		Name: "mail", Type: "email", Host: sink.Host, Port: sink.Port, TLS: "none",
		From: "remindd@example.gov.cn", FromName: "晋江市文旅局安全生产标准化提醒", Timeout: config.Duration(5 * time.Second),
	})
	var sections []string
	for i := range c.Sections {
		c.Sections[i].Contacts = []config.Contact{{Channel: "mail", Address: c.Sections[i].ID + "@example.gov.cn"}}
		for j := range c.Sections[i].LeaderContacts {
			c.Sections[i].LeaderContacts[j].Channel = "mail"
		}
		sections = append(sections, c.Sections[i].ID+"@example.gov.cn")
	}
	c.Office.Contacts = []config.Contact{{Channel: "mail", Address: "office@example.gov.cn"}}
	c.Enterprises.Email = "mail"
	return c, sections
}

type parsedMail struct {
	to, subject, key  string
	text, html, ics   string
	contentTypesFound []string
}

func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("subject: %v", err)
	}
	out := parsedMail{to: m.Header.Get("To"), subject: subject, key: m.Header.Get("X-Remindd-Key")}
	var walk func(ct string, body io.Reader)
	walk = func(ct string, body io.Reader) {
		media, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		out.contentTypesFound = append(out.contentTypesFound, media)
		if strings.HasPrefix(media, "multipart/") {
			r := multipart.NewReader(body, params["boundary"])
			for {
				p, err := r.NextPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header.Get("Content-Type"), decodePart(t, p.Header.Get("Content-Transfer-Encoding"), p))
			}
		}
		b, err := io.ReadAll(body)
		if err != nil {
			t.Fatal(err)
		}
		switch media {
		case "text/plain":
			out.text = string(b)
		case "text/html":
			out.html = string(b)
		case "text/calendar":
			out.ics = string(b)
		}
	}
	walk(m.Header.Get("Content-Type"), decodePart(t, m.Header.Get("Content-Transfer-Encoding"), m.Body))
	return out
}

// TestTickMailsEachRecipientOnce is issue 4's acceptance: a tick on 24 May
// 2024 delivers to every section and enterprise with an address, each rule's
// message once, with a decodable Chinese subject, text and HTML parts and a
// valid .ics; a second tick delivers nothing more.
func TestTickMailsEachRecipientOnce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sink := smtptest.Start(t)
		c, sections := mailConfig(t, sink)
		_, p := fixture(t)
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		res, err := d.Tick(ctx, at(5, 24, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if res.Delivery.Sent == 0 || res.Delivery.Sent != res.Enqueued || res.Delivery.Failed+res.Delivery.Retried != 0 {
			t.Fatalf("tick: %+v", res)
		}
		msgs := sink.Messages()
		if len(msgs) != res.Delivery.Sent {
			t.Fatalf("sink got %d mails, %d sent", len(msgs), res.Delivery.Sent)
		}
		perRuleRecipient := map[string]int{}
		leadTo := map[string]bool{}
		for _, raw := range msgs {
			m := parseMail(t, raw.Data)
			rule := strings.SplitN(m.key, ":", 2)[0]
			perRuleRecipient[rule+" "+raw.To[0]]++
			if rule == "daily" && strings.Contains(m.text, "【即将到期】") {
				leadTo[raw.To[0]] = true
			}
			if !strings.HasPrefix(m.subject, "【安全生产标准化】") {
				t.Errorf("%s: subject %q", m.key, m.subject)
			}
			if !strings.Contains(m.text, "任务") || !strings.Contains(m.html, "<") {
				t.Errorf("%s: text or HTML part missing", m.key)
			}
			if rule != "escalate" { // a copy to the leaders has no calendar
				checkICS(t, m.key, m.ics)
			}
		}
		for k, n := range perRuleRecipient {
			if n != 1 {
				t.Errorf("%s: %d mails", k, n)
			}
		}
		for _, addr := range sections {
			if !leadTo[addr] {
				t.Errorf("section %s got no reminder of May's deadline", addr)
			}
		}
		enterprises, err := s.Enterprises(ctx)
		if err != nil {
			t.Fatal(err)
		}
		reminded := 0
		for _, e := range enterprises {
			if leadTo[e.Email] {
				reminded++
			}
		}
		if reminded == 0 {
			t.Error("no enterprise got a lead reminder")
		}

		again, err := d.Tick(ctx, at(5, 24, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if again.Delivery.Sent != 0 || len(sink.Messages()) != len(msgs) {
			t.Errorf("second tick sent %d more", again.Delivery.Sent)
		}
	})
}

func checkICS(t *testing.T, key, ics string) {
	t.Helper()
	if ics == "" {
		t.Errorf("%s: no .ics", key)
		return
	}
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "PRODID:", "BEGIN:VEVENT\r\n", "DTSTART;VALUE=DATE:", "UID:", "BEGIN:VALARM\r\n", "END:VCALENDAR\r\n"} {
		if !strings.Contains(ics, want) {
			t.Errorf("%s: .ics lacks %q", key, want)
		}
	}
	for _, line := range strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n") {
		if len(line) > 75 {
			t.Errorf("%s: .ics line longer than 75 octets: %q", key, line)
		}
	}
}

// TestSinkDownThenUp: with the mail server down the tick leaves everything
// pending with a next attempt; once it is up, the next tick delivers each
// exactly once.
func TestSinkDownThenUp(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sink := smtptest.Start(t)
		c, _ := mailConfig(t, sink)
		addr := sink.Addr
		sink.Close() // down
		_, p := fixture(t)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		tick := at(5, 24, 9, 0)
		res, err := d.Tick(ctx, tick)
		if err != nil {
			t.Fatal(err)
		}
		if res.Enqueued == 0 || res.Delivery.Retried != res.Enqueued || res.Delivery.Sent != 0 {
			t.Fatalf("tick with the sink down: %+v", res)
		}
		for _, r := range outbox(t, s) {
			if r.Status != store.StatusPending || r.Attempts != 1 || !r.NextAttempt.After(tick) || r.LastError == "" {
				t.Errorf("%s: status %s, attempts %d, next %s, error %q", r.Key, r.Status, r.Attempts, r.NextAttempt, r.LastError)
			}
		}

		up := smtptest.Start(t, smtptest.WithAddr(addr))
		res, err = d.Tick(ctx, tick.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if res.Delivery.Retried != 0 || res.Delivery.Failed != 0 || res.Delivery.Sent == 0 {
			t.Fatalf("tick with the sink up: %+v", res)
		}
		seen := map[string]int{}
		for _, m := range up.Messages() {
			seen[parseMail(t, m.Data).key]++
		}
		for _, r := range outbox(t, s) {
			if r.Status != store.StatusSent || seen[r.Key] != 1 {
				t.Errorf("%s: %s, delivered %d times", r.Key, r.Status, seen[r.Key])
			}
		}
		if _, err := d.Tick(ctx, tick.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n := len(up.Messages()); n != len(seen) {
			t.Errorf("a later tick delivered %d more", n-len(seen))
		}
	})
}

func decodePart(t *testing.T, cte string, r io.Reader) io.Reader {
	t.Helper()
	switch strings.ToLower(cte) {
	case "base64":
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return base64Reader(t, b)
	case "quoted-printable":
		return quotedPrintable(r)
	}
	return r
}

// TestFailedDeliveryReachesTheDigest: a 550 fails at once, without retry;
// the outbox lists it and the office's next digest reports it.
func TestFailedDeliveryReachesTheDigest(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		sink := smtptest.Start(t)
		c, _ := mailConfig(t, sink)
		_, p := fixture(t)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		sink.FailNext(1, 550, "5.1.1 mailbox unavailable")
		res, err := d.Tick(ctx, at(5, 24, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if res.Delivery.Failed != 1 || res.Delivery.Retried != 0 {
			t.Fatalf("tick: %+v", res)
		}
		var failed store.OutboxRow
		for _, r := range outbox(t, s) {
			if r.Status == store.StatusFailed {
				failed = r
			}
		}
		if failed.Attempts != 1 || !strings.Contains(failed.LastError, "550") {
			t.Fatalf("failed row: %+v", failed)
		}
		if _, err := d.Tick(ctx, at(6, 2, 9, 0)); err != nil {
			t.Fatal(err)
		}
		var digest parsedMail
		for _, m := range sink.Messages() {
			if pm := parseMail(t, m.Data); strings.HasPrefix(pm.key, "digest:") {
				digest = pm
			}
		}
		// The digest names the recipient and explains the failure in
		// Chinese; the error's text is for the operator, not the office.
		sec, _ := p.Section(failed.Recipient.ID)
		want := "地址不存在：1条（" + sec.Name + "）"
		if !strings.Contains(digest.text, "发送失败的提醒（共1条）") || !strings.Contains(digest.text, want) {
			t.Errorf("digest does not report the failed delivery %s as %q:\n%s", failed.Key, want, digest.text)
		}
		if strings.Contains(digest.text, "550") || strings.Contains(digest.text, "mailbox unavailable") {
			t.Errorf("digest shows the error's text:\n%s", digest.text)
		}
	})
}
