package smtptest

import (
	"crypto/tls"
	"io"
	"net"
	"net/smtp"
	"strings"
	"testing"
)

func send(t *testing.T, s *Server, c *smtp.Client, to string) error {
	t.Helper()
	if err := c.Mail("from@example.com"); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte("Subject: hi\r\n\r\nbody\r\n")); err != nil {
		return err
	}
	return w.Close()
}

func TestPlainServerReceives(t *testing.T) {
	s := Start(t)
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := send(t, s, c, "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Quit(); err != nil {
		t.Fatal(err)
	}
	ms := s.Messages()
	if len(ms) != 1 || ms[0].From != "from@example.com" || ms[0].To[0] != "a@example.com" || !strings.Contains(string(ms[0].Data), "body") {
		t.Fatalf("messages = %+v", ms)
	}
	if s.Connections() != 1 {
		t.Errorf("connections = %d, want 1", s.Connections())
	}
	if s.ClientTLS() != nil || s.CertPool() != nil {
		t.Error("a server without TLS offers a TLS config")
	}
}

func TestSTARTTLSAndAuth(t *testing.T) {
	s := Start(t, WithSTARTTLS(), WithAuth("user", "secret"))
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(s.ClientTLS()); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "user", "wrong", s.Host)); err == nil || !strings.Contains(err.Error(), "535") {
		t.Fatalf("wrong password: err = %v, want 535", err)
	}
	// net/smtp hangs up after a failed AUTH: start again.
	c, err = smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.StartTLS(s.ClientTLS()); err != nil {
		t.Fatal(err)
	}
	if err := c.Auth(smtp.PlainAuth("", "user", "secret", s.Host)); err != nil {
		t.Fatal(err)
	}
	if err := send(t, s, c, "a@example.com"); err != nil {
		t.Fatal(err)
	}
	ms := s.Messages()
	if len(ms) != 1 || ms[0].User != "user" || !ms[0].TLS {
		t.Fatalf("messages = %+v", ms)
	}
}

func TestAuthRequired(t *testing.T) {
	s := Start(t, WithAuth("user", "secret"))
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Mail("from@example.com"); err == nil {
		t.Fatal("MAIL without AUTH accepted")
	}
}

func TestImplicitTLS(t *testing.T) {
	s := Start(t, WithImplicitTLS())
	conn, err := tls.Dial("tcp", s.Addr, s.ClientTLS())
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := send(t, s, c, "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if ms := s.Messages(); len(ms) != 1 || !ms[0].TLS {
		t.Fatalf("messages = %+v", ms)
	}
	// A client that does not trust the test CA is refused.
	if _, err := tls.Dial("tcp", s.Addr, &tls.Config{ServerName: s.Host}); err == nil {
		t.Error("an untrusting client connected")
	}
}

func TestFailNext(t *testing.T) {
	s := Start(t)
	s.FailNext(1, 451, "greylisted")
	s.FailNextData(1, 550, "rejected")
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	for _, want := range []string{"451", "550", ""} {
		err := send(t, s, c, "a@example.com")
		if want == "" {
			if err != nil {
				t.Fatalf("third message: %v", err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("err = %v, want %s", err, want)
		}
		if err := c.Reset(); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestCloseRefusesConnections(t *testing.T) {
	s := Start(t)
	s.Close()
	s.Close()
	if c, err := net.Dial("tcp", s.Addr); err == nil {
		c.Close()
		t.Error("connected after Close")
	}
}

func TestDropAfterNext(t *testing.T) {
	s := Start(t)
	s.DropAfterNext(1)
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := send(t, s, c, "a@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Reset(); err != nil {
		t.Fatalf("the command after the message is answered: %v", err)
	}
	if err := c.Noop(); err == nil {
		t.Fatal("connection still open")
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("%d messages, want 1", n)
	}
}

func TestEchoingAuth(t *testing.T) {
	s := Start(t, WithAuth("user", "secret"), WithEchoingAuth())
	c, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	err = c.Auth(smtp.PlainAuth("", "user", "wr/ng+pw", s.Host))
	if err == nil {
		t.Fatal("wrong password accepted")
	}
	if !strings.HasPrefix(err.Error(), "535 ") || !strings.Contains(err.Error(), "5.7.8 authentication failed for user") {
		t.Fatalf("err = %q, want 535 5.7.8 and the echo", err)
	}
	for _, form := range []string{"wr/ng+pw", "d3IvbmcrcHc=", "wr%2Fng%2Bpw", `wr/ng+pw\"`, "AHVzZXIAd3IvbmcrcHc="} {
		if !strings.Contains(err.Error(), form) {
			t.Errorf("the answer lacks %s", form)
		}
	}
}

// TestHangNextDataGoesSilentAtTheEndOfDATA: the hung message gets no answer
// and is not kept; the next one, on a new connection, is received.
func TestHangNextDataGoesSilentAtTheEndOfDATA(t *testing.T) {
	s := Start(t)
	hanging := s.HangNextData(1)
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	c, err := smtp.NewClient(conn, s.Host)
	if err != nil {
		t.Fatal(err)
	}
	result := make(chan error, 1)
	go func() { result <- send(t, s, c, "a@example.com") }()
	<-hanging
	select {
	case err := <-result:
		t.Fatalf("the hung message was answered: %v", err)
	default:
	}
	conn.Close() // the client gives up
	if err := <-result; err == nil {
		t.Error("a hung message was sent")
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("the hung message was kept: %d messages", n)
	}

	c2, err := smtp.Dial(s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if err := send(t, s, c2, "b@example.com"); err != nil {
		t.Fatal(err)
	}
	if ms := s.Messages(); len(ms) != 1 || ms[0].To[0] != "b@example.com" {
		t.Errorf("after the hang: %+v", ms)
	}
}

// TestSilentSaysNothing: a connection to a silent server is accepted and
// reads nothing up to the server's Close.
func TestSilentSaysNothing(t *testing.T) {
	s := StartSilent(t)
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	<-s.Accepted()
	if _, err := conn.Write([]byte("EHLO client\r\n")); err != nil {
		t.Fatal(err)
	}
	if line := <-s.Heard(); line != "EHLO client" {
		t.Errorf("heard %q", line)
	}
	s.Close()
	got, err := io.ReadAll(conn)
	if len(got) != 0 {
		t.Errorf("a silent server said %q (%v)", got, err)
	}
}

// TestSilentGreetsThenSaysNothing: with SilentGreets the client reads the
// greeting and nothing after it.
func TestSilentGreetsThenSaysNothing(t *testing.T) {
	s := StartSilent(t, SilentGreets())
	conn, err := net.Dial("tcp", s.Addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("EHLO client\r\n")); err != nil {
		t.Fatal(err)
	}
	<-s.Heard()
	s.Close()
	got, _ := io.ReadAll(conn)
	if string(got) != "220 localhost ESMTP smtptest\r\n" {
		t.Errorf("a silent server that greets said %q", got)
	}
}
