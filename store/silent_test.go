package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/store"
)

// TestOpenGivesUpOnASilentServer is the store's part of issue 13's sixth
// finding: a MySQL that accepts the connection and never answers hung Open,
// and so migrate and done, forever: the driver bounds only the dial by its
// timeout and reads the server's greeting under the read timeout, which was
// none. Open now gives up by itself (the test's own deadline is far longer)
// with an error that names the server and not the password; a timeout in
// the DSN replaces the default.
func TestOpenGivesUpOnASilentServer(t *testing.T) {
	addr := smtptest.StartSilent(t).Addr // never greets, as a hung MySQL
	for _, tc := range []struct {
		name, params, within string
	}{
		{"default", "", "within 10s"},
		{"dsn", "?timeout=1500ms", "within 1.5s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			s, err := store.Open(ctx, "mysql:remindd:s3cret-pw@tcp("+addr+")/remindd"+tc.params)
			if err == nil {
				s.Close()
				t.Fatal("open of a silent server succeeded")
			}
			if ctx.Err() != nil {
				t.Fatalf("open waited for the test's deadline: %v", err)
			}
			msg := err.Error()
			for _, want := range []string{"remindd@" + addr + "/remindd", "the MySQL server at " + addr + " did not answer " + tc.within} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q lacks %q", msg, want)
				}
			}
			if strings.Contains(msg, "s3cret") {
				t.Errorf("error %q shows the password", msg)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("error %v does not wrap context.DeadlineExceeded", err)
			}
		})
	}
}
