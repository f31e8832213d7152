package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/rendertest"
	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/render"
)

const (
	smtpUser     = "remindd@example.gov.cn"
	smtpPassword = "s3cret-Pa55word"
	fromName     = "晋江市文旅局安全生产标准化提醒"
)

// sendNow is the clock of the e-mail tests: 09:00 in Shanghai on 24 May.
var sendNow = func() time.Time { return at9(time.May, 24) }

// emailChannelFor builds an e-mail channel to s through New, with the
// password in a file.
func emailChannelFor(t *testing.T, s *smtptest.Server, mode, password string, client *tls.Config) Channel {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "smtp-password"), []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &config.Channel{
		Name: "mail", Type: "email", Host: s.Host, Port: s.Port, TLS: mode,
		Username: smtpUser, PasswordFile: "smtp-password",
		From: smtpUser, FromName: fromName, Timeout: config.Duration(5 * time.Second),
	}
	ch, err := New(c, Options{Now: sendNow, TLSConfig: client, BaseDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// received is an e-mail taken apart.
type received struct {
	header   mail.Header
	subject  string
	from     *mail.Address
	to       []*mail.Address
	text     string
	html     string
	calendar string
	calType  string
	calName  string
}

func parseMail(t *testing.T, raw []byte) received {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var r received
	r.header = msg.Header
	dec := new(mime.WordDecoder)
	if r.subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	if r.from, err = mail.ParseAddress(msg.Header.Get("From")); err != nil {
		t.Fatal(err)
	}
	if r.to, err = msg.Header.AddressList("To"); err != nil {
		t.Fatal(err)
	}
	walkPart(t, &r, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body)
	return r
}

func walkPart(t *testing.T, r *received, contentType, encoding, disposition string, body io.Reader) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		t.Fatalf("content type %q: %v", contentType, err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			walkPart(t, r, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p)
		}
	}
	if strings.EqualFold(encoding, "base64") {
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case mt == "text/calendar":
		r.calendar, r.calType = string(b), contentType
		if _, dp, err := mime.ParseMediaType(disposition); err == nil {
			r.calName = dp["filename"]
		}
	case mt == "text/plain":
		r.text = string(b)
	case mt == "text/html":
		r.html = string(b)
	}
}

func TestEmailSTARTTLSWithAuth(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "starttls", smtpPassword, s.ClientTLS())
	m := rendered(t, "lead")
	m.To = "industry-mgmt@example.gov.cn"
	errs := ch.Send(context.Background(), []render.Message{m})
	if errs[0] != nil {
		t.Fatal(errs[0])
	}
	got := s.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages received, want 1", len(got))
	}
	if !got[0].TLS || got[0].User != smtpUser || got[0].From != smtpUser || got[0].To[0] != m.To {
		t.Errorf("envelope: TLS %v, user %q, from %q, to %v", got[0].TLS, got[0].User, got[0].From, got[0].To)
	}
	r := parseMail(t, got[0].Data)
	if r.subject != m.Subject {
		t.Errorf("subject %q, want %q", r.subject, m.Subject)
	}
	if r.from.Name != fromName || r.from.Address != smtpUser {
		t.Errorf("from %q <%s>, want %q <%s>", r.from.Name, r.from.Address, fromName, smtpUser)
	}
	if len(r.to) != 1 || r.to[0].Address != m.To || r.to[0].Name != "行业管理科" {
		t.Errorf("to %v", r.to)
	}
	if id := r.header.Get("Message-ID"); id != "<"+MessageID(m.Key)+">" || len(MessageID(m.Key)) != 32+len("@remindd") {
		t.Errorf("Message-ID %q, want <%s>", id, MessageID(m.Key))
	}
	if r.header.Get("Auto-Submitted") != "auto-generated" {
		t.Errorf("Auto-Submitted %q", r.header.Get("Auto-Submitted"))
	}
	if d, err := r.header.Date(); err != nil || !d.Equal(sendNow()) {
		t.Errorf("date %v (%v), want %v", d, err, sendNow())
	}
	if got := strings.TrimRight(strings.ReplaceAll(r.text, "\r\n", "\n"), "\n"); got != strings.TrimRight(m.Text, "\n") {
		t.Errorf("text part differs:\n%s", got)
	}
	if !strings.Contains(r.html, "<td") && !strings.Contains(r.html, "<li>") {
		t.Errorf("html part missing or empty:\n%s", r.html)
	}
	checkCalendar(t, r, m)
}

func checkCalendar(t *testing.T, r received, m render.Message) {
	t.Helper()
	if r.calName != render.ICS {
		t.Errorf("calendar file name %q, want %q", r.calName, render.ICS)
	}
	mt, params, err := mime.ParseMediaType(r.calType)
	if err != nil || mt != "text/calendar" || params["method"] != "PUBLISH" || !strings.EqualFold(params["charset"], "utf-8") {
		t.Errorf("calendar content type %q", r.calType)
	}
	ics := r.calendar
	if !strings.HasSuffix(ics, "\r\n") || strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Error("calendar lines do not all end in CRLF")
	}
	lines := strings.Split(strings.TrimSuffix(ics, "\r\n"), "\r\n")
	for _, l := range lines {
		if len(l) > 75 {
			t.Errorf("line of %d octets: %q", len(l), l)
		}
	}
	unfolded := strings.ReplaceAll(ics, "\r\n ", "")
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "VERSION:2.0\r\n", "PRODID:", "METHOD:PUBLISH\r\n",
		"DTSTART;VALUE=DATE:20240531\r\n", "DTEND;VALUE=DATE:20240601\r\n", "BEGIN:VALARM\r\n",
		"ACTION:DISPLAY\r\n", "TRIGGER:-PT15H\r\n", "DTSTAMP:20240524T010000Z\r\n", "END:VCALENDAR\r\n"} {
		if !strings.Contains(unfolded, want) {
			t.Errorf("calendar lacks %q", strings.TrimSpace(want))
		}
	}
	if n := strings.Count(unfolded, "BEGIN:VEVENT\r\n"); n != len(m.Events) || n == 0 {
		t.Errorf("%d events, want %d", n, len(m.Events))
	}
	for _, e := range m.Events {
		if !strings.Contains(unfolded, "UID:"+e.UID+"\r\n") {
			t.Errorf("calendar lacks UID %s", e.UID)
		}
	}
	if want := string(render.Calendar(m.Events, sendNow())); ics != want {
		t.Errorf("the attached calendar is not the message's events as of the send:\n%s\nwant\n%s", ics, want)
	}
}

func TestEmailBatchUsesOneConnection(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "starttls", smtpPassword, s.ClientTLS())
	base := rendered(t, "lead-enterprise")
	var batch []render.Message
	for i := range 5 {
		m := base
		m.Key = base.Key + ":" + strconv.Itoa(i)
		m.To = "safety" + strconv.Itoa(i) + "@example.com"
		batch = append(batch, m)
	}
	for i, err := range ch.Send(context.Background(), batch) {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	if n := len(s.Messages()); n != 5 {
		t.Errorf("%d messages received, want 5", n)
	}
	if n := s.Connections(); n != 1 {
		t.Errorf("%d connections, want 1", n)
	}
	ids := map[string]bool{}
	for _, got := range s.Messages() {
		ids[parseMail(t, got.Data).header.Get("Message-ID")] = true
	}
	if len(ids) != 5 {
		t.Errorf("%d distinct Message-IDs, want 5", len(ids))
	}
}

// TestEmailKeepsItsConnectionUntilCloseIdle: batches share one connection
// until CloseIdle; one the server dropped while idle is dialled again.
func TestEmailKeepsItsConnectionUntilCloseIdle(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "starttls", smtpPassword, s.ClientTLS())
	base := rendered(t, "lead-enterprise")
	n := 0
	send := func() {
		t.Helper()
		m := base
		m.Key = base.Key + ":" + strconv.Itoa(n)
		n++
		if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
			t.Fatal(err)
		}
	}
	send()
	send()
	if c := s.Connections(); c != 1 {
		t.Errorf("two batches used %d connections, want 1", c)
	}
	CloseIdle(ch)
	s.DropAfterNext(1)
	send() // a new connection, which the server drops after this message
	send() // finds it gone and dials again
	if c := s.Connections(); c != 3 {
		t.Errorf("%d connections after CloseIdle and a drop, want 3", c)
	}
	if got := len(s.Messages()); got != n {
		t.Errorf("%d messages received, want %d", got, n)
	}
	CloseIdle(ch)
	CloseIdle(ch) // nothing left to close
}

func TestEmailRedialsADroppedConnection(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "none", smtpPassword, nil)
	s.DropAfterNext(1)
	m := rendered(t, "lead-enterprise")
	second := m
	second.Key += ":2"
	for i, err := range ch.Send(context.Background(), []render.Message{m, second}) {
		if err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	if n := len(s.Messages()); n != 2 {
		t.Errorf("%d messages received, want 2", n)
	}
	if n := s.Connections(); n != 2 {
		t.Errorf("%d connections, want 2 (one redial)", n)
	}
}

func TestEmailImplicitTLS(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithImplicitTLS(), smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "implicit", smtpPassword, s.ClientTLS())
	m := rendered(t, "quarterly")
	if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
		t.Fatal(err)
	}
	got := s.Messages()
	if len(got) != 1 || !got[0].TLS {
		t.Fatalf("messages %+v", got)
	}
	r := parseMail(t, got[0].Data)
	if r.subject != "【安全生产标准化】2024年第二季度企业工作事项" {
		t.Errorf("subject %q", r.subject)
	}
	if n := strings.Count(strings.ReplaceAll(r.calendar, "\r\n ", ""), "BEGIN:VEVENT"); n != 2 {
		t.Errorf("%d events, want 2 (April and June deadlines)", n)
	}
}

func TestEmailPlainAuthOnlyWhenSaidSo(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "none", smtpPassword, nil)
	if err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]; err != nil {
		t.Fatalf("tls none with AUTH: %v", err)
	}
	// The same server with STARTTLS required: refused, naming STARTTLS.
	ch = emailChannelFor(t, s, "starttls", smtpPassword, nil)
	err := ch.Send(context.Background(), []render.Message{rendered(t, "lead")})[0]
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") || Temporary(err) {
		t.Errorf("err = %v, want a permanent one naming STARTTLS", err)
	}
}

func TestEmailErrors(t *testing.T) {
	refused := func(t *testing.T) (string, int) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().(*net.TCPAddr)
		ln.Close()
		return "127.0.0.1", addr.Port
	}
	for _, tc := range []struct {
		name      string
		setup     func(*smtptest.Server)
		password  string
		trust     bool
		refused   bool
		to        string
		temporary bool
		mention   []string
	}{
		{name: "451 at RCPT is temporary", setup: func(s *smtptest.Server) { s.FailNext(1, 451, "greylisted, try later") },
			password: smtpPassword, trust: true, temporary: true, mention: []string{"RCPT TO", "451", "greylisted"}},
		{name: "550 at RCPT is permanent", setup: func(s *smtptest.Server) { s.FailNext(1, 550, "no such user") },
			password: smtpPassword, trust: true, mention: []string{"RCPT TO", "550", "no such user"}},
		{name: "554 after DATA is permanent", setup: func(s *smtptest.Server) { s.FailNextData(1, 554, "content rejected") },
			password: smtpPassword, trust: true, mention: []string{"DATA", "554"}},
		{name: "452 after DATA is temporary", setup: func(s *smtptest.Server) { s.FailNextData(1, 452, "mailbox full") },
			password: smtpPassword, trust: true, temporary: true, mention: []string{"452"}},
		{name: "connection refused is temporary", refused: true, password: smtpPassword, trust: true,
			temporary: true, mention: []string{"connect failed", "refused"}},
		{name: "wrong password names AUTH, not the password", password: "wrong-Pa55word-xyz", trust: true,
			mention: []string{"AUTH", "535", smtpUser}},
		{name: "untrusted certificate names the certificate", password: smtpPassword, trust: false,
			mention: []string{"certificate"}},
		{name: "a bad address is permanent", password: smtpPassword, trust: true, to: "a@b.example\r\nBcc: x@y",
			mention: []string{"bad recipient address"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth(smtpUser, smtpPassword))
			if tc.setup != nil {
				tc.setup(s)
			}
			var client *tls.Config
			if tc.trust {
				client = s.ClientTLS()
			} else {
				client = &tls.Config{MinVersion: tls.VersionTLS12} // system roots only
			}
			ch := emailChannelFor(t, s, "starttls", tc.password, client)
			if tc.refused {
				host, port := refused(t)
				ch.(*emailChannel).host, ch.(*emailChannel).port = host, port
			}
			m := rendered(t, "lead")
			if tc.to != "" {
				m.To = tc.to
			}
			err := ch.Send(context.Background(), []render.Message{m})[0]
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			if Temporary(err) != tc.temporary {
				t.Errorf("temporary = %v, want %v: %v", Temporary(err), tc.temporary, err)
			}
			for _, want := range tc.mention {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error does not mention %q: %v", want, err)
				}
			}
			for _, secret := range []string{tc.password, smtpPassword} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error reveals the password: %v", err)
				}
			}
			if len(s.Messages()) != 0 {
				t.Errorf("%d messages received, want 0", len(s.Messages()))
			}
		})
	}
}

func TestEmailBatchFailuresStayWithTheirMessage(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "starttls", smtpPassword, s.ClientTLS())
	s.FailNext(1, 451, "greylisted")
	base := rendered(t, "lead-enterprise")
	batch := []render.Message{base, base, base, base}
	batch[1].Key += ":bad"
	batch[1].To = "not an address"
	batch[2].Key += ":2"
	batch[3].Key += ":3"
	errs := ch.Send(context.Background(), batch)
	if !Temporary(errs[0]) {
		t.Errorf("message 0: %v, want the temporary 451", errs[0])
	}
	if errs[1] == nil || Temporary(errs[1]) {
		t.Errorf("message 1: %v, want a permanent bad address", errs[1])
	}
	if errs[2] != nil || errs[3] != nil {
		t.Errorf("messages 2, 3: %v, %v", errs[2], errs[3])
	}
	if n := len(s.Messages()); n != 2 {
		t.Errorf("%d messages received, want 2", n)
	}
}

func TestEmailHostileNameStaysInItsHeader(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithSTARTTLS(), smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "starttls", smtpPassword, s.ClientTLS())
	n := rendertest.Find(t, "lead-enterprise").Notification(t)
	n.Name = rendertest.Hostile
	m, err := newRenderer(t).Render(n)
	if err != nil {
		t.Fatal(err)
	}
	if err := ch.Send(context.Background(), []render.Message{m})[0]; err != nil {
		t.Fatal(err)
	}
	raw := s.Messages()[0].Data
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := msg.Header["Bcc"]; ok {
		t.Errorf("the name injected a Bcc header:\n%s", raw)
	}
	r := parseMail(t, raw)
	if len(r.to) != 1 || r.to[0].Address != m.To || !strings.Contains(r.to[0].Name, "<script>") {
		t.Errorf("to %v", r.to)
	}
	if strings.Contains(r.html, "<script>") {
		t.Error("html part carries the script tag")
	}
}

func TestEmailConfigErrors(t *testing.T) {
	base := config.Channel{Name: "mail", Type: "email", Host: "smtp.example.gov.cn", Port: 587, TLS: "starttls",
		Username: smtpUser, From: smtpUser}
	for _, tc := range []struct {
		name   string
		change func(*config.Channel)
		want   string
	}{
		{"password env not set", func(c *config.Channel) { c.PasswordEnv = "REMINDD_TEST_UNSET_PASSWORD" },
			"channel mail: password from environment variable REMINDD_TEST_UNSET_PASSWORD: not set"},
		{"password file missing", func(c *config.Channel) { c.PasswordFile = "/nonexistent/smtp-password" },
			"channel mail: password from file /nonexistent/smtp-password"},
		{"username without password", func(c *config.Channel) {}, "username is set but no password_env or password_file"},
		{"bad tls", func(c *config.Channel) { c.TLS = "ssl"; c.PasswordEnv = "X" }, `tls must be starttls, implicit or none, not "ssl"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.change(&c)
			_, err := New(&c, Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
		})
	}
}
