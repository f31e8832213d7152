package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// benchNow is the bench's instant (bench/run's desk part): 2 June, with
// May's tasks overdue and June's due.
var benchNow = time.Date(2024, 6, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

// benchHandler is the handler on s at benchNow, as linkServer builds it,
// with smallTravel having done its first done obligations.
func benchHandler(b *testing.B, s *store.Store, done int) (http.Handler, *testServer) {
	b.Helper()
	srv := linkServer(b, s, web.Options{RequireConfirmation: true, Now: func() time.Time { return benchNow }})
	h, err := web.New(srv.Options)
	if err != nil {
		b.Fatal(err)
	}
	// Record done tasks of smallTravel's owed list: report each through
	// the page, which only accepts tasks it owes.
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/r/"+srv.token(b, enterpriseOf(smallTravel)), nil)
	h.ServeHTTP(rec, req)
	body := rec.Body.String()
	var tasks []string
	for _, part := range strings.Split(body, `name="task" value="`)[1:] {
		n := part[:strings.IndexByte(part, '"')]
		if len(tasks) < done && !contains(tasks, n) {
			tasks = append(tasks, n)
		}
	}
	if len(tasks) > 0 {
		form := url.Values{"task": tasks}
		req := httptest.NewRequest(http.MethodPost, "/r/"+srv.token(b, enterpriseOf(smallTravel)), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("report %v: %d", tasks, rec.Code)
		}
	}
	return h, srv
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// BenchmarkRecipientPage draws an enterprise's and a section's page with
// the handler alone (no network), on MariaDB: the store's reads, the rules
// and the template.
func BenchmarkRecipientPage(b *testing.B) {
	s := storetest.Backends(b)[1].Open(b)
	h, srv := benchHandler(b, s, 8)
	for _, tc := range []struct {
		name string
		who  remindd.Recipient
	}{{"enterprise", enterpriseOf(smallTravel)}, {"section", industry}} {
		b.Run(tc.name, func(b *testing.B) {
			path := "/r/" + srv.token(b, tc.who)
			var size int
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				if rec.Code != http.StatusOK {
					b.Fatalf("GET: %d", rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
		})
	}
}

// BenchmarkReportPost reports one obligation of a fresh enterprise per
// iteration through its link, on MariaDB.
func BenchmarkReportPost(b *testing.B) {
	s := storetest.Backends(b)[1].Open(b)
	h, srv := benchHandler(b, s, 0)
	var es []remindd.Enterprise
	for i := range 20000 {
		e := smallTravel
		e.ID = fmt.Sprintf("91350582MA3%06dX", i)
		e.Name = fmt.Sprintf("晋江市测试旅行社%d", i)
		es = append(es, e)
	}
	if _, _, err := s.UpsertEnterprises(context.Background(), es); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		if i == len(es) {
			b.Fatal("out of enterprises")
		}
		form := url.Values{"task": {"44"}, "note": {"已整改完毕，附照片"}, "by": {"王小明"}}
		req := httptest.NewRequest(http.MethodPost, "/r/"+srv.token(b, enterpriseOf(es[i])), strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "已收到您的报告") {
			b.Fatalf("POST: %d %s", rec.Code, rec.Body.String())
		}
		i++
	}
}
