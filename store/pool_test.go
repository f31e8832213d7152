package store_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// TestConcurrentRequestsKeepTheirConnections: the connections 20
// concurrent requests held (the desk under load) stay open for the next
// ones, instead of being closed after each statement and opened again.
func TestConcurrentRequestsKeepTheirConnections(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const concurrent = 20
		db := s.DB()
		for round := 0; round < 3; round++ {
			conns := make([]*sql.Conn, concurrent)
			for i := range conns {
				c, err := db.Conn(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.PingContext(ctx); err != nil {
					t.Fatal(err)
				}
				conns[i] = c
			}
			for _, c := range conns {
				if err := c.Close(); err != nil {
					t.Fatal(err)
				}
			}
		}
		st := db.Stats()
		if st.MaxIdleClosed != 0 || st.OpenConnections < concurrent {
			t.Errorf("after 3 rounds of %d concurrent connections: %d closed for want of an idle place, %d open; want none closed and %d open",
				concurrent, st.MaxIdleClosed, st.OpenConnections, concurrent)
		}
		if _, _, err := s.Enterprise(ctx, "91350582MA00000001"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestMySQLSendsArgumentsInline: a statement with arguments is one query,
// not a prepare, an execute and a close; its arguments arrive intact.
func TestMySQLSendsArgumentsInline(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		if b.Name != "mysql" {
			continue
		}
		s := b.Open(t)
		ctx := context.Background()
		c, err := s.DB().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		prepared := func() int {
			var name string
			var n int
			if err := c.QueryRowContext(ctx, "SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").Scan(&name, &n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := prepared()
		const tricky = "晋江市'海韵\\\"文旅?--有限公司"
		var got string
		var n int64
		if err := c.QueryRowContext(ctx, "SELECT ?, ? /* ? */", tricky, int64(1)<<62).Scan(&got, &n); err != nil {
			t.Fatal(err)
		}
		if got != tricky || n != 1<<62 {
			t.Errorf("SELECT ?, ? gave %q, %d; want %q, %d", got, n, tricky, int64(1)<<62)
		}
		if d := prepared() - before; d != 0 {
			t.Errorf("a statement with arguments prepared %d statements on the server; want none (interpolateParams)", d)
		}
	}
}
