package store

import (
	"testing"
	"time"
)

// TestMySQLNetworkBounds: the DSN's timeout, readTimeout and writeTimeout
// win, 0 included (no bound); those it leaves out get the defaults. The
// migration lock's wait stays under the read timeout, which would close the
// connection while it waits.
func TestMySQLNetworkBounds(t *testing.T) {
	for _, tc := range []struct {
		dsn                  string
		connect, read, write time.Duration
	}{
		{"u@tcp(h:3306)/db", connectTimeout, readTimeout, writeTimeout},
		{"u@tcp(h:3306)/db?parseTime=true", connectTimeout, readTimeout, writeTimeout},
		{"u@tcp(h:3306)/db?timeout=3s&readTimeout=0&writeTimeout=2m", 3 * time.Second, 0, 2 * time.Minute},
		{"u@tcp(h:3306)/db?readTimeout=30s", connectTimeout, 30 * time.Second, writeTimeout},
		{"u:pa/ss?word@tcp(h:3306)/db?timeout=0", 0, readTimeout, writeTimeout},
	} {
		c, cfg, err := mysqlConnector(tc.dsn)
		if err != nil {
			t.Fatalf("%s: %v", tc.dsn, err)
		}
		if cfg.Timeout != tc.connect || cfg.ReadTimeout != tc.read || cfg.WriteTimeout != tc.write {
			t.Errorf("%s: timeout %s, read %s, write %s; want %s, %s, %s", tc.dsn,
				cfg.Timeout, cfg.ReadTimeout, cfg.WriteTimeout, tc.connect, tc.read, tc.write)
		}
		if _, bounded := c.(boundedConnector); bounded != (tc.connect > 0) {
			t.Errorf("%s: connector bounded %v, want %v", tc.dsn, bounded, tc.connect > 0)
		}
	}
	if connectTimeout >= 30*time.Second {
		t.Errorf("connect timeout %s: a silent server must be given up within 30 s", connectTimeout)
	}
	for _, rt := range []time.Duration{0, readTimeout, 2 * time.Minute, 90 * time.Second, 30 * time.Second, time.Second, 100 * time.Millisecond} {
		w := migrateLockWait(rt)
		if w < 0 || w > time.Minute || (rt > 0 && w >= rt) || w%time.Second != 0 {
			t.Errorf("read timeout %s: migration lock waits %s", rt, w)
		}
	}
}
