package daemon_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime/quotedprintable"
	"testing"
)

func base64Reader(t *testing.T, b []byte) io.Reader {
	t.Helper()
	clean := bytes.Map(func(r rune) rune {
		if r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, b)
	out, err := base64.StdEncoding.DecodeString(string(clean))
	if err != nil {
		t.Fatalf("base64 part: %v", err)
	}
	return bytes.NewReader(out)
}

func quotedPrintable(r io.Reader) io.Reader { return quotedprintable.NewReader(r) }
