package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/render"
)

// attached is one attachment of a received e-mail, as a MIME parser reads
// it.
type attached struct {
	// FileName is what Go's multipart parser reads from the
	// Content-Disposition (RFC 2231 first); Legacy the quoted filename
	// decoded as RFC 2047 words, what Outlook reads; Name the same from
	// the Content-Type's name.
	FileName, Legacy, Name string
	Type                   string
	Data                   []byte
}

// attachments walks a raw e-mail and returns its attachments, the
// calendar's included.
func attachments(t *testing.T, raw []byte) []attached {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out []attached
	dec := new(mime.WordDecoder)
	var walk func(ct string, body io.Reader)
	walk = func(ct string, body io.Reader) {
		mt, params, err := mime.ParseMediaType(ct)
		if err != nil {
			t.Fatalf("content type %q: %v", ct, err)
		}
		if !strings.HasPrefix(mt, "multipart/") {
			return
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			pt := p.Header.Get("Content-Type")
			disp, _, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
			if disp != "attachment" {
				walk(pt, p)
				continue
			}
			a := attached{FileName: p.FileName()}
			_, cparams, err := mime.ParseMediaType(pt)
			if err != nil {
				t.Fatalf("attachment content type %q: %v", pt, err)
			}
			a.Type, _, _ = mime.ParseMediaType(pt)
			if a.Name, err = dec.DecodeHeader(cparams["name"]); err != nil {
				t.Errorf("name %q: %v", cparams["name"], err)
			}
			// The quoted filename as a parser that knows no RFC 2231
			// sees it: the header's own text, before filename*.
			legacy := p.Header.Get("Content-Disposition")
			if i := strings.Index(legacy, `filename="`); i >= 0 {
				legacy = legacy[i+len(`filename="`):]
				legacy = legacy[:strings.IndexByte(legacy, '"')]
				if a.Legacy, err = dec.DecodeHeader(legacy); err != nil {
					t.Errorf("filename %q: %v", legacy, err)
				}
			}
			var r io.Reader = p
			if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
				r = base64.NewDecoder(base64.StdEncoding, p)
			}
			if a.Data, err = io.ReadAll(r); err != nil {
				t.Fatal(err)
			}
			out = append(out, a)
		}
	}
	walk(msg.Header.Get("Content-Type"), msg.Body)
	return out
}

// TestEmailAttachesFilesWithChineseNames: the digest's forms reach the
// mailbox as attachments whose Chinese names read back right from both
// the RFC 2231 and the RFC 2047 forms, and their bytes as they were; a
// name with path characters is made harmless, a very long one cut short
// keeping its extension, and no line passes SMTP's 998 octets.
func TestEmailAttachesFilesWithChineseNames(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "none", smtpPassword, nil)
	m := rendered(t, "digest")
	m.To = "office@example.gov.cn"
	xlsx := "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	long := "晋江市安全生产标准化提升专项行动固本强基进展情况月报表（一）2024年5月.xlsx"
	m.Attachments = []render.Attachment{
		{Name: "附件4-2024-05.xlsx", ContentType: xlsx, Data: []byte("PK\x03\x04 form four \x00\xff")},
		{Name: "附件5-2024-05.xlsx", ContentType: xlsx, Data: bytes.Repeat([]byte{0, 1, 2, 0xfe}, 5000)},
		{Name: long, ContentType: xlsx, Data: []byte("long")},
		{Name: `..\../etc/passwd"x`, Data: []byte("plain")},
		{Name: strings.Repeat("长", 200) + ".xlsx", ContentType: xlsx, Data: []byte("cut")},
	}
	if errs := ch.Send(context.Background(), []render.Message{m}); errs[0] != nil {
		t.Fatal(errs[0])
	}
	got := s.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages", len(got))
	}
	for _, line := range strings.Split(string(got[0].Data), "\r\n") {
		if len(line) > 998 {
			t.Errorf("a line of %d octets", len(line))
		}
	}
	cut := strings.Repeat("长", maxNameRunes-len(".xlsx")) + ".xlsx"
	var files []attached
	for _, a := range attachments(t, got[0].Data) {
		if a.FileName != render.ICS {
			files = append(files, a)
		}
	}
	want := []attached{
		{FileName: "附件4-2024-05.xlsx", Legacy: "附件4-2024-05.xlsx", Name: "附件4-2024-05.xlsx", Type: xlsx, Data: m.Attachments[0].Data},
		{FileName: "附件5-2024-05.xlsx", Legacy: "附件5-2024-05.xlsx", Name: "附件5-2024-05.xlsx", Type: xlsx, Data: m.Attachments[1].Data},
		{FileName: long, Legacy: long, Name: long, Type: xlsx, Data: []byte("long")},
		{FileName: "_.._etc_passwd_x", Legacy: "_.._etc_passwd_x", Name: "_.._etc_passwd_x", Type: "application/octet-stream", Data: []byte("plain")},
		{FileName: cut, Legacy: cut, Name: cut, Type: xlsx, Data: []byte("cut")},
	}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("attachments (-want +got):\n%s", diff)
	}
	// The text and HTML parts and the calendar are still there.
	r := parseMail(t, got[0].Data)
	if !strings.Contains(r.text, "五、月报报送情况") || !strings.Contains(r.html, "<h3") {
		t.Error("text or HTML part missing beside the attachments")
	}
}

// TestEmailRefusesABadAttachmentType: a content type that is no media type
// is the message's permanent fault, named, and nothing is sent.
func TestEmailRefusesABadAttachmentType(t *testing.T) {
	s := smtptest.Start(t, smtptest.WithAuth(smtpUser, smtpPassword))
	ch := emailChannelFor(t, s, "none", smtpPassword, nil)
	m := rendered(t, "digest")
	m.To = "office@example.gov.cn"
	m.Attachments = []render.Attachment{{Name: "附件4-2024-05.xlsx", ContentType: "not a type;;", Data: []byte("x")}}
	err := ch.Send(context.Background(), []render.Message{m})[0]
	if err == nil || !strings.Contains(err.Error(), "attachment 附件4-2024-05.xlsx: content type") || Temporary(err) {
		t.Errorf("error %v", err)
	}
	if n := len(s.Messages()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}
